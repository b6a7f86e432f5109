//! What each outcome does to the record: corrected -> a new version, withdrawn -> no longer
//! disclosed (tombstone), unverifiable -> kept, annotated and (shipped policy) withheld,
//! upheld -> unchanged; the dispute flag
//! follows the objection through re-review; a withdrawal by the subject lifts it.

use super::{case, event_kinds};
use crate::helpers::assert_error;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_correction_makes_a_new_version_and_a_re_review_flags_the_record_again() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let corrected = json!({
        "outcome": "corrected", "reason": "经核实，罚款金额录入错误", "fields": { "fine_amount": "500.00" },
    });
    let (status, body) = case.act(&case.provider, &id, "decision", corrected).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "corrected");
    // Review window: 15 working days from Wed Sep 30 (Oct 8, 9, 10, 12-16, 19-23, 26, 27).
    assert_eq!(body["review_until"], "2026-10-27");
    let row = case.record_row(&record);
    assert_eq!(row.current_version, 2);
    assert!(!row.disputed);
    let (_, seen) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    assert_eq!(seen["versions"][1]["fields"]["fine_amount"], "500");
    assert_eq!(seen["versions"][1]["change_kind"], "corrected");
    assert_eq!(seen["versions"][0]["fields"]["fine_amount"], "5000", "history stays readable");
    assert_eq!(case.count_outbox("objection_decided"), 1);

    // The subject is not satisfied: re-review within the window, the record is disputed again.
    case.at_local("2026-10-20 10:00");
    let (status, body) = case.act(&case.subject, &id, "review", json!({ "reason": "金额仍有误" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "review_requested");
    assert!(case.record_row(&record).disputed);
    let view = case.objection(&case.officer, &id).await;
    assert_eq!(view["due_on"], "2026-10-27", "the officer has 5 working days");
    assert_eq!(view["days_left"], 5);
    assert_eq!(case.count_outbox("review_requested"), 2, "the subject and the officer");

    // Only officers decide it.
    let final_decision = json!({ "decision": "corrected", "reason": "复核维持更正结果" });
    let (status, body) = case.act(&case.provider, &id, "review", final_decision.clone()).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    let (status, body) = case.act(&case.officer, &id, "review", final_decision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "review_decided");
    assert!(!case.record_row(&record).disputed);
    assert_eq!(case.record_row(&record).current_version, 2, "a confirmed correction changes nothing more");
    let view = case.objection(&case.subject, &id).await;
    assert_eq!(event_kinds(&view), ["filed", "accept", "forward", "decide", "request_review", "decide_review"]);
    assert!(view["days_left"].is_null(), "closed");
    assert_eq!(view["events"][5]["note"], "复核维持更正结果");
    assert_eq!(case.count_outbox("review_decided"), 1);
}

#[tokio::test]
async fn re_review_is_refused_after_the_window() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let (status, _) =
        case.act(&case.provider, &id, "decision", json!({ "outcome": "upheld", "reason": "信息无误" })).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!case.record_row(&record).disputed, "no error: the flag is removed");
    case.at_local("2026-10-28 09:00");
    let (status, body) = case.act(&case.subject, &id, "review", json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "review_window_closed");
}

#[tokio::test]
async fn a_withdrawn_entry_leaves_disclosure_and_an_unverifiable_one_is_annotated() {
    let case = case().await;
    let (first, second) = (case.record().await, case.record().await);
    let withdrawn = case.file_ok(&first).await["id"].as_str().unwrap().to_owned();
    let unverifiable = case.file_ok(&second).await["id"].as_str().unwrap().to_owned();

    let body = json!({ "outcome": "withdrawn", "reason": "处罚决定已被撤销" });
    let (status, answer) = case.act(&case.provider, &withdrawn, "decision", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let row = case.record_row(&first);
    assert_eq!(row.status, "withdrawn");
    assert!(!row.disputed);
    let (_, seen) = case.app.get(&format!("/api/v1/records/{first}"), Some(&case.provider)).await;
    assert_eq!(seen["versions"][1]["change_kind"], "withdrawn", "a tombstone remains");
    // A re-review cannot bring a withdrawn record back.
    case.act(&case.subject, &withdrawn, "review", json!({})).await;
    let back = json!({ "decision": "upheld", "reason": "r" });
    let (status, body) = case.act(&case.officer, &withdrawn, "review", back).await;
    assert_error(status, &body, StatusCode::CONFLICT, "record_closed");

    let body = json!({ "outcome": "unverifiable", "reason": "原始档案缺失，无法核实" });
    assert_eq!(case.act(&case.provider, &unverifiable, "decision", body).await.0, StatusCode::OK);
    let row = case.record_row(&second);
    assert_eq!((row.status.as_str(), row.disputed), ("active", false));
    assert!(row.suppressed, "the shipped policy withholds an unverifiable record from queries");
    let annotations = credit_platform::storage::record_notes::annotations_for(
        &mut case.app.platform.db.get().unwrap(),
        std::slice::from_ref(&second),
    )
    .unwrap();
    assert_eq!(annotations, [(second.clone(), "unverifiable".to_owned(), unverifiable.clone())]);
}

#[tokio::test]
async fn the_subject_may_withdraw_an_open_objection_and_file_again() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let (status, body) = case.act(&case.subject, &id, "withdraw", json!({ "reason": "已与机关沟通解决" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    assert!(!case.record_row(&record).disputed);
    // An empty body withdraws too, but a closed objection cannot be withdrawn again.
    let response = case.app.client.post(case.app.url(&format!("/api/v1/objections/{id}/withdraw")));
    let response = response.bearer_auth(&case.subject).send().await.unwrap();
    let (status, body) = crate::helpers::read(response).await;
    assert_error(status, &body, StatusCode::CONFLICT, "transition_not_allowed");
    // Nothing is open any more: a new objection may be filed.
    case.file_ok(&record).await;
    assert!(case.record_row(&record).disputed);
}
