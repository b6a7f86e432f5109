//! The batch path (`POST /api/v1/records/batch`): a per-line report, exactly the good lines
//! stored, and a chunk of a few hundred lines written in parts beside its preparation.

use super::with;
use crate::helpers::{credit_code, penalty, resident_id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_batch_stores_exactly_its_good_lines_and_reports_every_line() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let mut body = String::new();
    let mut expected_good = Vec::new();
    for i in 0..25u32 {
        let line = match i % 5 {
            0 => "{not json".to_owned(),
            1 => with(penalty(&resident_id(100 + i), "甲"), &["fields", "religion"], json!("x")).to_string(),
            2 => String::new(),
            _ => {
                expected_good.push(i + 1);
                penalty(&resident_id(100 + i), "乙").to_string()
            }
        };
        body.push_str(&line);
        body.push('\n');
    }
    let text = send_batch(&app, &provider, body).await;
    let reports: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("ndjson report")).collect();
    assert_eq!(reports.len(), 20, "one report per non-blank line: {text}");
    let accepted: Vec<u64> =
        reports.iter().filter(|r| r["id"].is_string()).map(|r| r["line"].as_u64().expect("n")).collect();
    assert_eq!(accepted, expected_good.iter().map(|n| u64::from(*n)).collect::<Vec<_>>());
    for report in reports.iter().filter(|r| r["error"].is_object()) {
        let line = report["line"].as_u64().expect("line") - 1;
        let expected = if line % 5 == 0 { "invalid_line" } else { "prohibited_field" };
        assert_eq!(report["error"]["code"], expected, "{report}");
    }
    assert_eq!(app.record_count(), expected_good.len() as i64);
}

/// Sends NDJSON lines to the batch endpoint; returns the streamed report.
async fn send_batch(app: &crate::helpers::TestApp, provider: &str, body: String) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/records/batch"))
        .bearer_auth(provider)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("body")
}

/// Counts rows with a literal query (test-only SQL, no input).
fn count(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    let mut conn = app.platform.db.get().expect("connection");
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(sql)).get_result(&mut conn).expect("count")
}

/// A chunk of a few hundred lines is prepared on a helper thread in parts while the parts before
/// are written: a subject named in several parts is created once, a known subject is reused,
/// and every stored record has its log entry.
#[tokio::test]
async fn a_large_batch_written_in_parts_creates_each_subject_once() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let known = resident_id(5000);
    app.submit_ok(&provider, &penalty(&known, "老客")).await;
    let mut body = String::new();
    let mut good = 0;
    let mut subjects = std::collections::BTreeSet::from([known.clone()]);
    for i in 0..450u32 {
        let identifier = if i == 420 { known.clone() } else { resident_id(6000 + i % 300) };
        if i % 7 == 3 {
            body.push_str(&with(penalty(&identifier, "甲"), &["fields", "religion"], json!("x")).to_string());
        } else {
            good += 1;
            subjects.insert(identifier.clone());
            body.push_str(&penalty(&identifier, "乙").to_string());
        }
        body.push('\n');
    }
    let text = send_batch(&app, &provider, body).await;
    let accepted = text.lines().filter(|l| l.contains("\"id\"")).count();
    assert_eq!(accepted, good, "{text}");
    assert_eq!(app.record_count(), 1 + good as i64);
    assert_eq!(count(&app, "(SELECT COUNT(*) FROM subjects)"), subjects.len() as i64);
    assert_eq!(
        count(&app, "(SELECT COUNT(DISTINCT k.id) FROM subjects s JOIN data_keys k ON k.id = s.data_key_id)"),
        subjects.len() as i64,
        "one data key per subject"
    );
    assert_eq!(count(&app, "(SELECT COUNT(*) FROM audit_entries WHERE action = 'record_submitted')"), 1 + good as i64);
    let officer = crate::audit::officer(&app).await;
    let report = crate::audit::verify(&app, &officer).await;
    assert_eq!(report["ok"], true, "{report}");
}

/// A refusal found while a later part is prepared (a known identifier under another subject
/// kind) rolls back the parts already written: the chunk is all or nothing.
#[tokio::test]
async fn a_refusal_in_a_late_part_of_a_large_batch_stores_nothing_of_its_chunk() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let organization = credit_code(7);
    let known = with(penalty(&organization, "某公司"), &["subject", "kind"], json!("legal_person"));
    app.submit_ok(&provider, &known).await;
    let mut body = String::new();
    for i in 0..450u32 {
        let line = if i == 350 {
            with(penalty(&organization, "某公司"), &["subject", "kind"], json!("unincorporated_organization"))
        } else {
            penalty(&resident_id(7000 + i), "丙")
        };
        body.push_str(&line.to_string());
        body.push('\n');
    }
    let text = send_batch(&app, &provider, body).await;
    let reports: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("ndjson report")).collect();
    assert_eq!(reports.len(), 450, "{text}");
    assert!(reports.iter().all(|r| r["error"]["code"] == "subject_kind_mismatch" && r["id"].is_null()), "{text}");
    assert_eq!(app.record_count(), 1);
    assert_eq!(count(&app, "(SELECT COUNT(*) FROM subjects)"), 1);
    assert_eq!(count(&app, "(SELECT COUNT(*) FROM audit_entries WHERE action = 'record_submitted')"), 1);
}

/// Several providers' batches name the same new subjects at once. On PostgreSQL two
/// transactions may both miss a subject and both insert it; the loser's chunk is retried, so
/// every line is stored and each subject exists once (SQLite serializes its writers anyway).
#[tokio::test]
async fn concurrent_batches_about_the_same_new_subjects_all_succeed_with_one_subject_each() {
    let app = spawn_app().await;
    let mut actors = Vec::new();
    for n in 0..4 {
        let organization = app.create_organization(&format!("提供单位{n}"), "administrative_organ").await;
        actors.push(credit_platform::workflow::Actor {
            account_id: format!("concurrent-test-{n}"),
            role: credit_platform::domain::Role::Provider,
            organization_id: Some(organization),
            subject_id: None,
        });
    }
    let lines: Vec<String> = (0..300u32).map(|i| penalty(&resident_id(9000 + i), "丁").to_string()).collect();
    let platform = app.platform.clone();
    let outcomes = tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            let running: Vec<_> = actors
                .iter()
                .map(|actor| {
                    let (platform, lines) = (&platform, &lines);
                    scope.spawn(move || {
                        credit_platform::workflow::submit_record::submit_lines(platform, actor, 1, lines)
                    })
                })
                .collect();
            running.into_iter().map(|t| t.join().expect("no panic")).collect::<Vec<_>>()
        })
    })
    .await
    .expect("joined");
    for outcome in outcomes {
        let reports = outcome.expect("every chunk stored");
        assert!(reports.iter().all(|r| r.id.is_some()), "every line stored");
    }
    assert_eq!(app.record_count(), 4 * 300);
    assert_eq!(count(&app, "(SELECT COUNT(*) FROM subjects)"), 300);
}
