//! The subject's formal credit report: two free per calendar year in the platform's time
//! zone, the third refused with `yearly_report_limit` and nothing stored, races settled by the
//! unique slot, the query-history section, subjects only, the self-view still unlimited,
//! and one `formal_report` access-log entry per issued report.

use crate::helpers::{TestApp, assert_error, penalty, resident_id, spawn_app};
use credit_platform::storage::audit_log::{self, AuditEntryRow, EntryFilter};
use credit_platform::storage::formal_reports::{self, FormalReportRow};
use credit_platform::storage::{StorageError, new_row_id};
use credit_platform::workflow::clock::Clock;
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const REPORTS: &str = "/api/v1/me/reports";
const NAME: &str = "报告甲";

/// A subject with one administrative penalty; returns (identifier, subject token).
async fn subject_with_a_record(app: &TestApp, seed: u32) -> (String, String) {
    let (_, provider) = app.provider().await;
    let identifier = resident_id(seed);
    app.submit_ok(&provider, &penalty(&identifier, NAME)).await;
    let subject = app.subject_account(&identifier, "natural_person").await;
    (identifier, subject)
}

async fn issue(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.post(REPORTS, Some(token), &json!({})).await
}

fn formal_report_rows(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.platform.db.get().expect("connection");
    diesel::sql_query("SELECT COUNT(*) AS n FROM formal_reports").get_result::<Count>(&mut *conn).expect("count").n
}

/// Entries in the access log (the chain head's sequence).
fn log_size(app: &TestApp) -> i64 {
    audit_log::head(&mut app.platform.db.get().expect("connection")).expect("head").0
}

fn entries_of(app: &TestApp, action: &str) -> Vec<AuditEntryRow> {
    let mut conn = app.platform.db.get().expect("connection");
    let rows = audit_log::search(&mut conn, &EntryFilter::default(), 10_000).expect("search");
    rows.into_iter().filter(|r| r.action == action).collect()
}

#[tokio::test]
async fn two_reports_are_free_and_the_third_is_refused_storing_nothing() {
    let app = spawn_app().await;
    let (identifier, subject) = subject_with_a_record(&app, 101).await;
    for (n, left) in [(1, 1), (2, 0)] {
        let (status, report) = issue(&app, &subject).await;
        assert_eq!(status, StatusCode::CREATED, "{report}");
        assert_eq!(report["number"], format!("2026-{n}"));
        assert_eq!(report["free_reports_left_this_year"], left);
        assert!(report["id"].is_string() && report["issued_at"] == "2026-09-30T01:00:00Z", "{report}");
        assert_eq!(report["records"].as_array().map(Vec::len), Some(1), "{report}");
    }
    let (rows, entries) = (formal_report_rows(&app), log_size(&app));
    assert_eq!(rows, 2);

    let (status, refused) = issue(&app, &subject).await;
    assert_error(status, &refused, StatusCode::TOO_MANY_REQUESTS, "yearly_report_limit");
    let message = refused["error"]["message"].as_str().expect("message");
    assert!(message.contains("2027-01-01"), "says when the next free report comes: {message}");
    assert!(!message.contains(&identifier) && !message.contains(NAME), "{message}");
    assert!(refused.get("records").is_none(), "{refused}");
    assert_eq!((formal_report_rows(&app), log_size(&app)), (rows, entries), "a refusal stores nothing");

    let (status, list) = app.get(REPORTS, Some(&subject)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["free_reports_left_this_year"], 0);
    let numbers: Vec<&str> =
        list["items"].as_array().expect("items").iter().filter_map(|i| i["number"].as_str()).collect();
    assert_eq!(numbers, ["2026-1", "2026-2"]);
}

/// The counter follows the calendar year in Asia/Shanghai: at 2027-01-01 00:01 local it is
/// still 2026 in UTC, and the subject already has two new free reports.
#[tokio::test]
async fn a_new_calendar_year_in_the_platforms_time_zone_resets_the_counter() {
    let mut app = spawn_app().await;
    let eve = chrono::DateTime::parse_from_rfc3339("2026-12-31T23:58:00+08:00").expect("instant").to_utc();
    app.advance_clock(eve - crate::helpers::default_now()).await;
    let (_, subject) = subject_with_a_record(&app, 102).await;
    assert_eq!(issue(&app, &subject).await.0, StatusCode::CREATED);
    assert_eq!(issue(&app, &subject).await.0, StatusCode::CREATED);
    let (status, refused) = issue(&app, &subject).await;
    assert_error(status, &refused, StatusCode::TOO_MANY_REQUESTS, "yearly_report_limit");

    app.clock.advance(chrono::Duration::minutes(3)); // 2027-01-01 00:01 +08:00, 2026-12-31 16:01 UTC
    let (status, report) = issue(&app, &subject).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!((report["number"].clone(), report["free_reports_left_this_year"].clone()), (json!("2027-1"), json!(1)));
    let (_, list) = app.get(REPORTS, Some(&subject)).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "only this year's: {list}");
    assert_eq!(list["free_reports_left_this_year"], 1);
    assert_eq!(formal_report_rows(&app), 3, "last year's reports are kept");
}

#[tokio::test]
async fn six_concurrent_requests_get_exactly_two_reports() {
    let app = spawn_app().await;
    let (_, subject) = subject_with_a_record(&app, 103).await;
    let answers = futures_util::future::join_all((0..6).map(|_| issue(&app, &subject))).await;
    let mut numbers = BTreeSet::new();
    for (status, body) in &answers {
        match *status {
            StatusCode::CREATED => assert!(numbers.insert(body["number"].as_str().expect("number").to_owned())),
            _ => assert_error(*status, body, StatusCode::TOO_MANY_REQUESTS, "yearly_report_limit"),
        }
    }
    assert_eq!(numbers, BTreeSet::from(["2026-1".to_owned(), "2026-2".to_owned()]), "{answers:?}");
    assert_eq!(formal_report_rows(&app), 2);
    assert_eq!(entries_of(&app, "formal_report").len(), 2);
}

/// The slot itself refuses a second holder and a number beyond the free two, whatever the
/// workflow does.
#[tokio::test]
async fn the_table_refuses_a_taken_slot_and_a_third_number() {
    let app = spawn_app().await;
    let (_, subject) = subject_with_a_record(&app, 104).await;
    assert_eq!(issue(&app, &subject).await.0, StatusCode::CREATED);
    let subject_id = entries_of(&app, "formal_report")[0].subject_id.clone().expect("subject id");
    let mut conn = app.platform.db.get().expect("connection");
    let slot = |number| FormalReportRow {
        id: new_row_id(),
        subject_id: subject_id.clone(),
        year: 2026,
        number,
        issued_at: app.clock.now_naive(),
    };
    assert!(matches!(formal_reports::insert(&mut conn, &slot(1)), Err(StorageError::Duplicate)));
    assert!(formal_reports::insert(&mut conn, &slot(3)).is_err(), "the CHECK refuses a third number");
    assert_eq!(formal_reports::in_year(&mut conn, &subject_id, 2026).expect("rows").len(), 1);
}

#[tokio::test]
async fn the_report_shows_the_self_view_records_and_who_queried_the_subject() {
    let mut app = spawn_app().await;
    let (identifier, subject) = subject_with_a_record(&app, 105).await;
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let (_, court) = app.staff("requester", "judicial_organ", "南京市玄武区人民法院").await;
    for (token, purpose) in [(&organ, "supervision"), (&court, "judicial")] {
        let body = json!({ "subject_identifier": identifier, "purpose": purpose });
        assert_eq!(app.post("/api/v1/queries", Some(token), &body).await.0, StatusCode::OK);
    }
    let (status, report) = issue(&app, &subject).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let (_, mine) = app.get("/api/v1/me/records", Some(&subject)).await;
    assert_eq!(report["records"], mine["items"], "the records exactly as the self-view gives them");

    let history = report["query_history"].as_array().expect("query_history");
    let queries: Vec<&Value> = history.iter().filter(|i| i["action"] == "query").collect();
    assert_eq!(queries.len(), 1, "the judicial query is hidden for now: {history:?}");
    assert_eq!(queries[0]["organization"], json!({ "name": "南京市商务局", "kind": "administrative_organ" }));
    assert_eq!(
        (queries[0]["purpose"]["code"].clone(), queries[0]["decision"].clone()),
        (json!("supervision"), json!("allowed"))
    );
    let fields = queries[0]["fields"].as_array().expect("fields");
    assert!(fields.iter().any(|f| f == "administrative_penalty.penalty_content"), "{fields:?}");
    assert!(history.iter().any(|i| i["action"] == "record_submitted"), "the provider's submission: {history:?}");
    assert!(history.iter().all(|i| i["action"] != "self_view" && i["action"] != "formal_report"), "{history:?}");

    app.advance_clock(chrono::Duration::days(91)).await; // 2026-12-30: the judicial delay has passed
    let subject = app.relogin(&subject).await;
    let (status, later) = issue(&app, &subject).await;
    assert_eq!(status, StatusCode::CREATED, "{later}");
    let history = later["query_history"].as_array().expect("query_history");
    let judicial = history.iter().find(|i| i["purpose"]["code"] == "judicial").expect("visible after 90 days");
    assert_eq!(judicial["organization"]["kind"], "judicial_organ");
}

#[tokio::test]
async fn only_subjects_may_issue_or_list_reports() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let (_, requester) = app.staff("requester", "financial_institution", "某银行").await;
    let officer = crate::audit::officer(&app).await;
    for token in [&provider, &requester, &officer, &app.admin_token] {
        let (status, body) = issue(&app, token).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
        let (status, body) = app.get(REPORTS, Some(token)).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    }
    assert_eq!(app.post(REPORTS, None, &json!({})).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(formal_report_rows(&app), 0);
}

#[tokio::test]
async fn the_online_self_view_stays_free_and_unlimited() {
    let app = spawn_app().await;
    let (_, subject) = subject_with_a_record(&app, 106).await;
    for _ in 0..3 {
        issue(&app, &subject).await;
    }
    assert_eq!(issue(&app, &subject).await.0, StatusCode::TOO_MANY_REQUESTS, "the reports are used up");
    for _ in 0..5 {
        let (status, mine) = app.get("/api/v1/me/records", Some(&subject)).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        assert_eq!(mine["items"].as_array().map(Vec::len), Some(1), "{mine}");
    }
    assert_eq!(entries_of(&app, "self_view").len(), 5, "each self-view is still logged");
}

#[tokio::test]
async fn each_issued_report_is_a_formal_report_entry_in_the_access_log() {
    let app = spawn_app().await;
    let (identifier, subject) = subject_with_a_record(&app, 107).await;
    let mut ids = BTreeSet::new();
    let mut record_ids = Vec::new();
    for _ in 0..2 {
        let (status, report) = issue(&app, &subject).await;
        assert_eq!(status, StatusCode::CREATED, "{report}");
        ids.insert(report["id"].as_str().expect("id").to_owned());
        record_ids = report["records"].as_array().expect("records").iter().map(|r| r["id"].clone()).collect();
    }
    issue(&app, &subject).await; // refused: no entry
    let entries = entries_of(&app, "formal_report");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries.iter().map(|e| e.request_id.clone()).collect::<BTreeSet<_>>(), ids, "request id = report id");
    for entry in &entries {
        assert_eq!((entry.role.as_str(), entry.decision.as_str()), ("subject", "allowed"));
        assert!(entry.actor_account_id.is_some() && entry.subject_id.is_some());
        assert_eq!(serde_json::from_str::<Vec<Value>>(&entry.record_ids).expect("ids"), record_ids);
        assert!(entry.fields.contains("administrative_penalty.penalty_content"), "{}", entry.fields);
    }
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok, "the chain still holds");
    crate::privacy::assert_no_canary(&app, &[&identifier, NAME]);
}

#[tokio::test]
async fn a_retried_request_with_its_expected_number_spends_one_report() {
    let app = spawn_app().await;
    let (_, subject) = subject_with_a_record(&app, 109).await;
    let (_, listed) = app.get(REPORTS, Some(&subject)).await;
    assert_eq!(listed["next_number"], 1, "{listed}");
    let once = format!("{REPORTS}?expected_number=1");
    let (status, report) = app.post(&once, Some(&subject), &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    // The client lost the answer and sends the same request again.
    let (status, body) = app.post(&once, Some(&subject), &json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "report_already_issued");
    assert_eq!(formal_report_rows(&app), 1);
    assert_eq!(entries_of(&app, "formal_report").len(), 1, "a refused retry discloses nothing");
    let (status, body) = app.post(&format!("{REPORTS}?expected_number=one"), Some(&subject), &json!({})).await;
    assert!(status.is_client_error() && formal_report_rows(&app) == 1, "{status}: {body}");
    let (_, listed) = app.get(REPORTS, Some(&subject)).await;
    assert_eq!((listed["next_number"].as_i64(), listed["free_reports_left_this_year"].as_i64()), (Some(2), Some(1)));
}
