//! What requesters see of an objection through the real query path: the record is "disputed"
//! from the filing on and carries the subject's statement; once the provider misses its
//! deadline the record is withheld from queries until decided; after a late correction the
//! new version is disclosed and the organization that queried it earlier is told.

use super::case;
use credit_platform::storage::{record_notes, records, subjects};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn query(case: &super::Case, token: &str) -> Vec<Value> {
    let body = json!({ "subject_identifier": case.identifier, "purpose": "administrative_licensing" });
    let (status, answer) = case.app.post("/api/v1/queries", Some(token), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["records"].as_array().expect("records").clone()
}

#[tokio::test]
async fn queries_show_the_dispute_and_statement_withhold_an_overdue_record_and_recipients_hear_of_the_correction() {
    let case = case().await;
    let record = case.record().await;
    let (_, requester) = case.app.staff("requester", "administrative_organ", "南京市某区行政审批局").await;
    let path = format!("/api/v1/records/{record}/statement");
    let statement = json!({ "statement": "罚款已于2026年3月10日缴清。" });
    assert_eq!(case.app.post(&path, Some(&case.subject), &statement).await.0, StatusCode::OK);

    let answer = query(&case, &requester).await;
    assert_eq!(answer.len(), 1);
    assert_eq!(
        (answer[0]["disputed"].clone(), answer[0]["statement"].clone()),
        (json!(false), statement["statement"].clone())
    );

    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let answer = query(&case, &requester).await;
    assert_eq!(answer[0]["disputed"], true, "disputed in every answer from the filing on");

    // Past the deadline: withheld from queries, on the hot path itself.
    case.at_local("2026-10-11 09:00");
    case.sweep();
    assert!(query(&case, &requester).await.is_empty(), "an overdue objection suppresses the record");
    let mut conn = case.app.platform.db.get().unwrap();
    let subject_id = case.record_row(&record).subject_id;
    let index = subjects::find(&mut conn, &subject_id).unwrap().unwrap().identifier_index;
    let found = records::disclosable_by_index(&mut conn, &index).unwrap().unwrap();
    assert_eq!(found.subject_id, subject_id);
    assert!(found.records.is_empty(), "the hot path's own statement no longer returns the suppressed record");
    drop(conn);

    // The late correction closes the case: the new version is disclosed, undisputed, and the
    // organization that received the record before is told.
    let corrected = json!({ "outcome": "corrected", "reason": "金额录入错误", "fields": { "fine_amount": "500.00" } });
    assert_eq!(case.act(&case.provider, &id, "decision", corrected).await.0, StatusCode::OK);
    let answer = query(&case, &requester).await;
    assert_eq!(answer.len(), 1);
    assert_eq!((answer[0]["version"].clone(), answer[0]["disputed"].clone()), (json!(2), json!(false)));
    assert_eq!(case.count_outbox("record_corrected_for_recipient"), 1);
}

/// `unverifiable_action` in workflow.toml, each value through the real query path: the record
/// is always annotated and its past recipient told; then suppress withholds it for good (a later
/// objection's outcome does not bring it back), annotate keeps disclosing it, delete withdraws it.
#[tokio::test]
async fn an_unverifiable_decision_does_what_the_policy_switch_says() {
    // (value, status after, disclosed to requesters after)
    let table = [("suppress", "active", false), ("annotate", "active", true), ("delete", "withdrawn", false)];
    for (action, status, disclosed) in table {
        let policies = tempfile::tempdir().unwrap();
        super::deadlines::copy_dir(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/policies")),
            policies.path(),
        );
        let file = policies.path().join("workflow.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = text.replace("unverifiable_action = \"suppress\"", &format!("unverifiable_action = \"{action}\""));
        assert!(edited.contains(&format!("unverifiable_action = \"{action}\"")));
        std::fs::write(&file, edited).unwrap();
        let dir = policies.path().to_path_buf();
        let case = super::case_with(|s| s.policies_dir = dir).await;
        let record = case.record().await;
        let (_, requester) = case.app.staff("requester", "administrative_organ", "南京市某区行政审批局").await;
        assert_eq!(query(&case, &requester).await.len(), 1, "{action}: disclosed before");

        let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
        let body = json!({ "outcome": "unverifiable", "reason": "原始档案缺失，无法核实" });
        let (answer, _) = case.act(&case.provider, &id, "decision", body).await;
        assert_eq!(answer, StatusCode::OK, "{action}");
        let row = case.record_row(&record);
        assert_eq!((row.status.as_str(), row.disputed), (status, false), "{action}");
        assert_eq!(query(&case, &requester).await.len(), usize::from(disclosed), "{action}: disclosed after");
        let annotations =
            record_notes::annotations_for(&mut case.app.platform.db.get().unwrap(), std::slice::from_ref(&record))
                .unwrap();
        assert_eq!(annotations.len(), 1, "{action}: the verification is on record for good");
        assert_eq!(case.count_outbox("record_corrected_for_recipient"), 1, "{action}: the past recipient is told");
        let (_, mine) = case.app.get("/api/v1/me/records", Some(&case.subject)).await;
        assert_eq!(mine["items"].as_array().map(Vec::len), Some(1), "{action}: the subject still sees it");

        if action == "suppress" {
            // A second objection, upheld, does not lift what the unverifiable decision withheld.
            let again = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
            let upheld = json!({ "outcome": "upheld", "reason": "信息无误" });
            assert_eq!(case.act(&case.provider, &again, "decision", upheld).await.0, StatusCode::OK);
            assert!(case.record_row(&record).suppressed, "suppressed for good");
            assert!(query(&case, &requester).await.is_empty());
        }
    }
}
