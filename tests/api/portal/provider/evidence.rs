//! Evidence files on the provider's objection page: linked from the page, downloaded as
//! attachments with exactly the subject's bytes (through `read::evidence`, the API's use case);
//! a file of an active type goes out as plain bytes; another provider gets 404, a subject 403.

use super::super::{browser_like, page, sign_in};
use super::{PASSWORD, provider_browser};
use crate::objections::case;
use crate::objections::privacy::base64_encode;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use serde_json::json;

#[tokio::test]
async fn evidence_is_downloaded_as_an_inert_attachment_by_its_provider_only() {
    let case = case().await;
    let record = case.record().await;
    let receipt = b"%PDF-1.4 receipt 2026-03-10".to_vec();
    let page_html = b"<script>alert('evidence')</script>".to_vec();
    let body = json!({
        "record_id": record, "ground": "error_or_omission", "fields": ["fine_amount"], "statement": "已缴清",
        "evidence": [
            { "name": "缴款凭证.pdf", "media_type": "application/pdf", "content_base64": base64_encode(&receipt) },
            { "name": "page.html", "media_type": "text/html", "content_base64": base64_encode(&page_html) },
        ],
    });
    let (status, filed) = case.app.post("/api/v1/objections", Some(&case.subject), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let id = filed["id"].as_str().expect("id").to_owned();
    let view = case.objection(&case.provider, &id).await;
    let file_id = |n: usize| view["evidence"][n]["id"].as_str().expect("evidence id").to_owned();
    let (pdf, html) = (file_id(0), file_id(1));

    let client = provider_browser(&case, &case.provider_email).await;
    let objection_path = format!("/ui/provider/objections/{id}");
    let (_, objection_page) = page(&case.app, &client, &objection_path).await;
    let link = format!("{objection_path}/evidence/{pdf}");
    assert!(objection_page.contains(&format!(r#"<a href="{link}" download>缴款凭证.pdf</a>"#)), "{objection_page}");

    let response = client.get(case.app.url(&link)).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[CONTENT_DISPOSITION], "attachment; filename*=UTF-8''%E7%BC%B4%E6%AC%BE%E5%87%AD%E8%AF%81.pdf");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(response.bytes().await.expect("body").as_ref(), receipt.as_slice());

    // An active type is never served as itself from the portal's origin.
    let response = client.get(case.app.url(&format!("{objection_path}/evidence/{html}"))).send().await.expect("sent");
    assert_eq!(response.headers()[CONTENT_TYPE], "application/octet-stream");
    assert!(response.headers()[CONTENT_DISPOSITION].to_str().is_ok_and(|v| v.starts_with("attachment;")));

    // Another provider: 404, as for an unknown file; the subject: 403.
    let other_org = case.app.create_organization("南京市生态环境局", "administrative_organ").await;
    let other_email = format!("other-{}@example.org", uuid::Uuid::new_v4().simple());
    let account =
        json!({ "email": other_email, "password": PASSWORD, "role": "provider", "organization_id": other_org });
    case.app.account_with_token(account).await;
    let other = provider_browser(&case, &other_email).await;
    assert_eq!(page(&case.app, &other, &link).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        page(&case.app, &client, &format!("{objection_path}/evidence/no-such-file")).await.0,
        StatusCode::NOT_FOUND
    );
    let subject = browser_like();
    sign_in(&case.app, &subject, &case.subject_email, PASSWORD).await;
    assert_eq!(page(&case.app, &subject, &link).await.0, StatusCode::FORBIDDEN);
}
