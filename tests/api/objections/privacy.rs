//! No plaintext at rest: the objection statement, an evidence file's name and bytes, the
//! provider's reasons and approval reference, and the subject's statement on the record are
//! stored only as cells; the API still shows them to those who may see them.

use super::case;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn statements_evidence_and_reasons_never_reach_the_database_in_clear() {
    let case = case().await;
    let record = case.record().await;
    let evidence = b"CanaryEvidenceBytes receipt 2026-03-10".to_vec();
    let body = json!({
        "record_id": record, "ground": "error_or_omission", "fields": ["fine_amount"],
        "statement": "CanaryObjectionStatement 金丝雀异议",
        "evidence": [{
            "name": "CanaryFileName缴款凭证.pdf", "media_type": "application/pdf",
            "content_base64": base64_encode(&evidence),
        }],
    });
    let (status, filed) = case.app.post("/api/v1/objections", Some(&case.subject), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let id = filed["id"].as_str().unwrap();
    let extension = json!({ "reason": "CanaryExtensionReason", "approval_reference": "CanaryApprovalRef" });
    assert_eq!(case.act(&case.provider, id, "extension", extension).await.0, StatusCode::OK);
    let decision = json!({ "outcome": "upheld", "reason": "CanaryDecisionReason 金丝雀理由" });
    assert_eq!(case.act(&case.provider, id, "decision", decision).await.0, StatusCode::OK);
    let statement = json!({ "statement": "CanaryRecordStatement 金丝雀说明" });
    let (status, _) =
        case.app.post(&format!("/api/v1/records/{record}/statement"), Some(&case.subject), &statement).await;
    assert_eq!(status, StatusCode::OK);

    // Readable through the API, to those who may see it.
    let view = case.objection(&case.provider, id).await;
    assert_eq!(view["evidence"][0]["name"], "CanaryFileName缴款凭证.pdf");
    assert_eq!(view["evidence"][0]["size_bytes"], evidence.len());
    let evidence_path = format!("/api/v1/objections/{id}/evidence/{}", view["evidence"][0]["id"].as_str().unwrap());
    let (status, file) = case.app.get(&evidence_path, Some(&case.provider)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["content_base64"], base64_encode(&evidence));
    let notes: Vec<&str> = view["events"].as_array().unwrap().iter().filter_map(|e| e["note"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("CanaryExtensionReason") && n.contains("CanaryApprovalRef")), "{notes:?}");
    assert!(notes.contains(&"CanaryDecisionReason 金丝雀理由"), "{notes:?}");

    let canaries = [
        "CanaryObjectionStatement",
        "金丝雀异议",
        "CanaryEvidenceBytes",
        "CanaryFileName",
        "缴款凭证",
        "CanaryExtensionReason",
        "CanaryApprovalRef",
        "CanaryDecisionReason",
        "金丝雀理由",
        "CanaryRecordStatement",
        "金丝雀说明",
    ];
    crate::privacy::assert_no_canary(&case.app, &canaries);
}

pub fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
