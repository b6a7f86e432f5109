//! Every objection transition is an access-log entry written in the transition's own
//! transaction (actor, organization, subject, record, policy version; the event and the case as
//! the reason code), the chain still verifies, and the past recipients of a corrected record
//! (allowed queries in the last two years, from the access log) are told.

use super::case;
use credit_platform::audit::{Action, Decision, NewEntry};
use credit_platform::storage::audit_log::AuditEntryRow;
use credit_platform::storage::schema::audit_entries;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

fn transitions(case: &super::Case) -> Vec<AuditEntryRow> {
    let mut conn = case.app.platform.db.get().unwrap();
    audit_entries::table
        .filter(audit_entries::action.eq("objection_transition"))
        .order(audit_entries::sequence)
        .select(AuditEntryRow::as_select())
        .load(&mut *conn)
        .unwrap()
}

/// As the query path logs a disclosure: an allowed (or denied) query of `record` by `org`.
fn logged_query(case: &super::Case, org: &str, record: &str, days_ago: i64, decision: Decision) {
    let platform = &case.app.platform;
    let at = platform.clock.now_naive() - chrono::Duration::days(days_ago);
    let entry = NewEntry::new(at, "test-query", Action::Query, decision, &platform.policies.version)
        .actor("requester-account", "requester", Some(org))
        .purpose("credit_check", None)
        .disclosed(vec![record.to_owned()], vec!["fine_amount".to_owned()]);
    platform.audit.record(entry).expect("logged");
}

#[tokio::test]
async fn each_transition_is_an_access_log_entry_and_past_recipients_hear_of_a_correction() {
    let case = case().await;
    let record = case.record().await;
    let (recent, _) = case.app.staff("requester", "financial_institution", "某银行").await;
    let (long_ago, _) = case.app.staff("requester", "financial_institution", "某信托").await;
    let (refused, _) = case.app.staff("requester", "enterprise", "某公司").await;
    logged_query(&case, &recent, &record, 30, Decision::Allowed);
    logged_query(&case, &long_ago, &record, 3 * 365, Decision::Allowed);
    logged_query(&case, &refused, &record, 10, Decision::Denied);

    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let corrected = json!({ "outcome": "corrected", "reason": "金额有误", "fields": { "fine_amount": "500.00" } });
    assert_eq!(case.act(&case.provider, &id, "decision", corrected).await.0, StatusCode::OK);

    let entries = transitions(&case);
    let reasons: Vec<String> = entries.iter().map(|e| e.reason_code.clone().unwrap()).collect();
    let expected: Vec<String> = ["filed", "accept", "forward", "decide"].iter().map(|k| format!("{k}:{id}")).collect();
    assert_eq!(reasons, expected);
    let roles: Vec<&str> = entries.iter().map(|e| e.role.as_str()).collect();
    assert_eq!(roles, ["subject", "system", "system", "provider"]);
    for entry in &entries {
        assert_eq!(entry.record_ids, format!("[\"{record}\"]"));
        assert_eq!(entry.subject_id.as_deref(), Some(case.record_row(&record).subject_id.as_str()));
        assert_eq!(entry.policy_version, case.app.platform.policies.version);
        assert_eq!(entry.decision, "allowed");
    }
    assert!(entries[3].organization_id.is_some(), "the provider's organization is named");
    let report = case.app.platform.audit.verify(&mut |_| {}).expect("verify");
    assert!(report.ok, "{report:?}");

    // Only the organization that received it within two years hears of it (it has one
    // requester account).
    assert_eq!(case.count_outbox("record_corrected_for_recipient"), 1);

    // Opening the case (statement, notes: personal data) is logged per role; the list is not.
    case.objection(&case.provider, &id).await;
    case.objection(&case.subject, &id).await;
    case.app.get("/api/v1/objections", Some(&case.officer)).await;
    let mut conn = case.app.platform.db.get().unwrap();
    let reads: Vec<(String, String)> = audit_entries::table
        .filter(audit_entries::reason_code.eq(format!("objection:{id}")))
        .order(audit_entries::sequence)
        .select((audit_entries::action, audit_entries::role))
        .load(&mut *conn)
        .unwrap();
    drop(conn);
    let expected = [("provider_read", "provider"), ("self_view", "subject")].map(|(a, r)| (a.to_owned(), r.to_owned()));
    assert_eq!(reads, expected);

    // A refused transition writes no entry.
    let (status, _) = case.act(&case.provider, &id, "decision", json!({ "outcome": "upheld", "reason": "r" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(transitions(&case).len(), 4);
}

#[tokio::test]
async fn the_sweepers_transitions_are_logged_as_the_system() {
    let case = case().await;
    let record = case.record().await;
    case.file_ok(&record).await;
    case.at_local("2026-10-09 09:00");
    case.sweep();
    case.at_local("2026-10-12 09:00");
    case.sweep();
    let entries = transitions(&case);
    let last: Vec<(&str, bool)> =
        entries[3..].iter().map(|e| (e.role.as_str(), e.actor_account_id.is_none())).collect();
    assert_eq!(last, [("system", true), ("system", true)]);
    assert!(entries[3].reason_code.as_deref().unwrap().starts_with("reminder:"));
    assert!(entries[4].reason_code.as_deref().unwrap().starts_with("miss_deadline:"));
    assert!(entries[4].request_id.starts_with("sweep-"));
}
