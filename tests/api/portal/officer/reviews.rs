//! Re-reviews in the officer portal: the objection the subject asked to re-review is listed,
//! opens with its statement and timeline (an officer read, logged), and the decision form
//! (CSRF) decides it through the API's use case, its refusals shown with the workflow's message;
//! a subject gets the 403 page, not their own objection under the officer's address.

use crate::objections::{Case, case};
use crate::portal::{browser_like, csrf_of, page, sign_in};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

/// An objection decided `upheld` by the provider whose subject asked for a re-review.
async fn awaiting_review(case: &Case) -> String {
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().expect("id").to_owned();
    let upheld = json!({ "outcome": "upheld", "reason": "经核实，记录无误" });
    let (status, body) = case.act(&case.provider, &id, "decision", upheld).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = case.act(&case.subject, &id, "review", json!({ "reason": "仍有异议" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

#[tokio::test]
async fn an_officer_decides_a_re_review_from_the_portal() {
    let case = case().await;
    let id = awaiting_review(&case).await;
    let client = browser_like();
    assert_eq!(
        sign_in(&case.app, &client, &case.officer_email, "a-long-password-1").await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, list) = page(&case.app, &client, "/ui/officer/reviews").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(list.contains(&format!(r#"href="/ui/officer/reviews/{id}""#)), "{list}");
    let (status, one) = page(&case.app, &client, &format!("/ui/officer/reviews/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert!(one.contains("罚款金额有误，应为500元。") && one.contains("申请复核"), "statement and timeline: {one}");
    let csrf = csrf_of(&one);
    let decide = |fields: Vec<(&'static str, String)>| {
        let request = client.post(case.app.url(&format!("/ui/officer/reviews/{id}/decision"))).form(&fields);
        async move { request.send().await.expect("sent") }
    };
    let reason = ("reason", "复核认定应撤回".to_owned());
    let forged = decide(vec![("decision", "withdrawn".into()), reason.clone()]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "the form needs its CSRF token");
    let refused = decide(vec![("csrf", csrf.clone()), ("decision", "corrected".into()), reason.clone()]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.expect("body");
    assert!(refused.contains("a correction names the corrected field values"), "{refused}");
    assert_eq!(case.objection(&case.officer, &id).await["status"], "review_requested", "nothing decided yet");

    let decided = decide(vec![("csrf", csrf), ("decision", "withdrawn".into()), reason]).await;
    assert_eq!(decided.status(), StatusCode::SEE_OTHER);
    assert_eq!(decided.headers()[LOCATION], "/ui/officer/reviews?done=decided");
    let view = case.objection(&case.officer, &id).await;
    assert_eq!(view["status"], "review_decided", "{view}");
    assert_eq!(view["outcome"], "withdrawn_entry", "{view}");
    let (_, list) = page(&case.app, &client, "/ui/officer/reviews?done=decided").await;
    assert!(list.contains("复核决定已提交。") && !list.contains(&id), "{list}");
}

#[tokio::test]
async fn a_subject_gets_the_403_page_on_the_re_review_pages() {
    let case = case().await;
    let id = awaiting_review(&case).await;
    let client = browser_like();
    assert_eq!(
        sign_in(&case.app, &client, &case.subject_email, "a-long-password-1").await.status(),
        StatusCode::SEE_OTHER
    );
    let mut csrf = String::new();
    for path in ["/ui/officer/reviews".to_owned(), format!("/ui/officer/reviews/{id}")] {
        let (status, html) = page(&case.app, &client, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {html}");
        assert!(html.contains("无权访问此页面") && !html.contains("罚款金额有误"), "{path}: {html}");
        csrf = csrf_of(&html);
    }
    let fields = [("csrf", csrf.as_str()), ("decision", "upheld"), ("reason", "自己决定")];
    let url = case.app.url(&format!("/ui/officer/reviews/{id}/decision"));
    assert_eq!(client.post(url).form(&fields).send().await.expect("sent").status(), StatusCode::FORBIDDEN);
    assert_eq!(case.objection(&case.officer, &id).await["status"], "review_requested");
}
