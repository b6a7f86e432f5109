//! The requester portal `/ui/requester` over HTTP with a cookie-keeping client: the form offers
//! only the purposes open to the organization's kind; a query through it answers the allowed
//! fields (escaped) and lands in the subject's access log as the API's would; a purpose that
//! needs an authorization is refused on the page with its code, and logged; a form without
//! the CSRF token runs no query at all; another role gets the 403 page; the identifier never
//! appears in a URL.

use super::{CANARY, browser_like, csrf_of, page, sign_in, subject_with_record};
use crate::helpers::{TestApp, resident_id, spawn_app};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;

/// A requester of `kind`, signed in through the portal; asserts it lands on the query page.
async fn requester_browser(app: &TestApp, kind: &str, name: &str) -> reqwest::Client {
    let (_, token) = app.staff("requester", kind, name).await;
    let (email, password) = app.credentials.lock().expect("lock").get(&token).cloned().expect("credentials");
    let client = browser_like();
    let signed = sign_in(app, &client, &email, &password).await;
    assert_eq!(signed.headers()[LOCATION], "/ui/requester");
    client
}

async fn ask(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    identifier: &str,
    purpose: &str,
) -> (StatusCode, String) {
    let fields = [("csrf", csrf), ("subject_identifier", identifier), ("purpose", purpose), ("authorization_id", "")];
    let response = client.post(app.url("/ui/requester")).form(&fields).send().await.expect("sent");
    (response.status(), response.text().await.expect("body"))
}

/// The queries in the subject's own access log.
async fn logged_queries(app: &TestApp, email: &str, password: &str) -> Vec<Value> {
    let token = app.login_ok(email, password).await;
    let (status, log) = app.get("/api/v1/me/access-log", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"].as_array().expect("items").iter().filter(|i| i["action"] == "query").cloned().collect()
}

#[tokio::test]
async fn a_query_through_the_form_shows_the_allowed_fields_and_is_logged() {
    let app = spawn_app().await;
    let (identifier, email, password) = subject_with_record(&app, 21).await;
    let client = requester_browser(&app, "administrative_organ", "南京市商务局").await;
    let (status, form) = page(&app, &client, "/ui/requester").await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains(r#"<option value="supervision""#), "{form}");
    assert!(!form.contains(r#"value="financial_credit""#), "closed to administrative organs: {form}");
    assert!(form.contains(r#"<form method="post" action="/ui/requester""#), "{form}");

    let (status, answer) = ask(&app, &client, &csrf_of(&form), &identifier, "supervision").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer.contains("行政处罚信息") && answer.contains("<td>处罚内容</td>"), "fields by label: {answer}");
    assert!(answer.contains("&#60;script&#62;") && !answer.contains(CANARY), "field values stay text: {answer}");
    let queries = logged_queries(&app, &email, &password).await;
    assert_eq!(queries.len(), 1, "{queries:?}");
    assert_eq!(queries[0]["decision"], "allowed");
    assert_eq!(queries[0]["organization"]["name"], "南京市商务局");

    // A subject the platform does not know answers the same shape, without records.
    let (status, unknown) = ask(&app, &client, &csrf_of(&answer), &resident_id(999), "supervision").await;
    assert_eq!(status, StatusCode::OK);
    assert!(unknown.contains("平台没有该主体的信息。"), "{unknown}");
}

#[tokio::test]
async fn a_refused_query_shows_its_code_and_is_logged_and_a_forged_form_runs_none() {
    let app = spawn_app().await;
    let (identifier, email, password) = subject_with_record(&app, 22).await;
    let client = requester_browser(&app, "financial_institution", "南京银行").await;
    let (_, form) = page(&app, &client, "/ui/requester").await;
    assert!(form.contains(r#"<option value="financial_credit""#) && form.contains("需信息主体授权"), "{form}");

    let (status, refused) = ask(&app, &client, &csrf_of(&form), &identifier, "financial_credit").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused.contains(r#"data-code="authorization_required""#), "{refused}");
    assert!(!refused.contains("penalty_content"), "nothing disclosed: {refused}");
    let (status, invalid) = ask(&app, &client, &csrf_of(&form), "not-an-identifier", "financial_credit").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert!(invalid.contains("data-code="), "{invalid}");
    // The message does not quote the input: it appears once, as the form's kept value.
    assert_eq!(invalid.matches("not-an-identifier").count(), 1, "{invalid}");

    for csrf in ["", "forged"] {
        let (status, _) = ask(&app, &client, csrf, &identifier, "public_view").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "csrf {csrf:?}");
    }
    let queries = logged_queries(&app, &email, &password).await;
    assert_eq!(queries.len(), 1, "only the refused query, not the forged ones: {queries:?}");
    assert_eq!(queries[0]["decision"], "denied");
}

#[tokio::test]
async fn another_role_gets_the_403_page_and_runs_no_query() {
    let app = spawn_app().await;
    let (identifier, email, password) = subject_with_record(&app, 23).await;
    let client = browser_like();
    assert_eq!(sign_in(&app, &client, &email, &password).await.status(), StatusCode::SEE_OTHER);
    let (status, html) = page(&app, &client, "/ui/requester").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("无权访问此页面"), "{html}");
    let (_, records) = page(&app, &client, "/ui/me").await;
    let (status, _) = ask(&app, &client, &csrf_of(&records), &identifier, "supervision").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(logged_queries(&app, &email, &password).await.is_empty());
}
