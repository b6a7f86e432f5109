//! Tampering with the access log directly in the database, the way someone with database
//! access but without the keys would: each kind is found, at the right sequence, whatever the
//! verifier's page boundaries; and no checkpoint is signed over it.

use crate::audit::{officer, seed, sql, verify};
use crate::helpers::spawn_app;
use credit_platform::audit::AuditError;
use serde_json::json;

/// Each case tampers with a fresh log of 10 entries (checkpointed at 10) directly in the
/// database, the way someone with database access but without the keys would.
#[tokio::test]
async fn every_kind_of_tampering_is_found_at_the_right_sequence() {
    const COLUMNS: &str = "at, request_id, actor_account_id, organization_id, role, action, purpose, \
        authorization_id, subject_id, record_ids, fields, decision, reason_code, policy_version, \
        visible_to_subject_from, prev_mac, mac";
    let insert_forged = format!(
        "UPDATE audit_entries SET sequence = -sequence - 1 WHERE sequence >= 4; \
         UPDATE audit_entries SET sequence = -sequence WHERE sequence < 0; \
         INSERT INTO audit_entries (sequence, {COLUMNS}) SELECT 4, {} FROM audit_entries WHERE sequence = 3;",
        COLUMNS.replace("purpose,", "'forged_purpose',").replace("prev_mac, mac", "mac, mac")
    );
    let cases: Vec<(&str, String, i64, &str)> = vec![
        ("edit a field", "UPDATE audit_entries SET purpose = 'judicial' WHERE sequence = 4".into(), 4, "mac_mismatch"),
        ("edit the fields list", "UPDATE audit_entries SET fields = '[]' WHERE sequence = 7".into(), 7, "mac_mismatch"),
        ("delete one", "DELETE FROM audit_entries WHERE sequence = 5".into(), 5, "missing_entry"),
        ("insert a forged one", insert_forged, 4, "mac_mismatch"),
        (
            "swap two entries",
            "UPDATE audit_entries SET sequence = -1 WHERE sequence = 3; \
             UPDATE audit_entries SET sequence = 3 WHERE sequence = 6; \
             UPDATE audit_entries SET sequence = 6 WHERE sequence = -1;"
                .into(),
            3,
            "broken_link",
        ),
        (
            "truncate the tail and fix up the head",
            "DELETE FROM audit_entries WHERE sequence > 7; \
             UPDATE audit_head SET sequence = 7, mac = (SELECT mac FROM audit_entries WHERE sequence = 7) WHERE id = 1;"
                .into(),
            8,
            "truncated",
        ),
        ("truncate the tail only", "DELETE FROM audit_entries WHERE sequence > 8".into(), 9, "truncated"),
        ("move the head", "UPDATE audit_head SET sequence = 9 WHERE id = 1".into(), 10, "head_mismatch"),
    ];
    for (name, tamper, first_bad, problem) in cases {
        let app = spawn_app().await;
        let token = officer(&app).await;
        seed(&app, 10);
        let signed = app.platform.audit.checkpoint_now().expect("checkpoint").expect("a new checkpoint");
        assert_eq!(signed.size, 10);
        assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok, "{name}: clean before tampering");
        sql(&app, &tamper);
        // The parallel workers' pages made 1 to 3 entries long, so tampering sits on and across
        // page boundaries; before the API call, whose own log entry moves the end.
        for page in [1, 2, 3] {
            let paged = app.platform.audit.verify_paged(page).expect("verification runs");
            assert_eq!(paged.first_bad_sequence, Some(first_bad), "{name}, page {page}: {paged:?}");
            assert_eq!(paged.problem.map(|p| p.as_str()), Some(problem), "{name}, page {page}: {paged:?}");
        }
        let report = verify(&app, &token).await;
        assert_eq!(report["ok"], false, "{name}: {report}");
        assert_eq!(report["first_bad_sequence"], first_bad, "{name}: {report}");
        assert_eq!(report["problem"], problem, "{name}: {report}");
        assert_eq!(report["last_checkpoint"]["size"], 10, "{name}: {report}");
    }
}

/// The checkpoint loop verifies what it signs: tampering since the last checkpoint, or a head
/// moved back behind it, stops it.
#[tokio::test]
async fn no_checkpoint_is_signed_over_a_tampered_tail() {
    let app = spawn_app().await;
    seed(&app, 5);
    app.platform.audit.checkpoint_now().expect("checkpoint");
    seed(&app, 5);
    sql(&app, "UPDATE audit_entries SET request_id = 'other' WHERE sequence = 8");
    let refused = app.platform.audit.checkpoint_now();
    assert!(matches!(refused, Err(AuditError::Broken { first_bad_sequence: 8 })), "{refused:?}");
    sql(
        &app,
        "DELETE FROM audit_entries WHERE sequence > 3; UPDATE audit_head SET sequence = 3, mac = (SELECT mac FROM audit_entries WHERE sequence = 3) WHERE id = 1;",
    );
    let refused = app.platform.audit.checkpoint_now();
    assert!(matches!(refused, Err(AuditError::Broken { first_bad_sequence: 4 })), "{refused:?}");
}

#[tokio::test]
async fn a_forged_checkpoint_is_refused() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    seed(&app, 3);
    app.platform.audit.checkpoint_now().expect("checkpoint");
    sql(&app, "UPDATE audit_checkpoints SET size = 2 WHERE size = 3");
    let report = verify(&app, &token).await;
    assert_eq!((report["ok"].clone(), report["problem"].clone()), (json!(false), json!("checkpoint_signature")));
}
