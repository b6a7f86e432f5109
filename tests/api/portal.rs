//! The subject portal `/ui` over HTTP with a cookie-keeping client: sign-in (friendly failure,
//! no cookie; HttpOnly SameSite=Strict cookie on success; throttling; other roles refused),
//! the records page (escaped field values), the access log (the requester's organization),
//! sign-out (CSRF), the English switch, the records as a logged JSON download. `browser.rs` and
//! `browser_flows.rs` drive a real Chromium when installed (the client: `webdriver.rs`).

mod actions;
mod admin;
mod admin_credentials;
mod browser;
mod browser_flows;
mod officer;
mod officer_exports;
mod officer_words;
mod provider;
mod requester;
mod subject_reports;
mod webdriver;

use crate::helpers::{TestApp, penalty, resident_id, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::json;

pub const CANARY: &str = "<script>alert('portal')</script>警告";

/// A client that keeps cookies and does not follow redirects (the tests look at each hop).
pub fn browser_like() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The value of the first `name="csrf"` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().expect("closing quote").to_owned()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
}

/// A subject with one penalty on record (its `penalty_content` is the canary); returns the
/// subject's (identifier, e-mail, password).
pub async fn subject_with_record(app: &TestApp, seed: u32) -> (String, String, String) {
    let identifier = resident_id(seed);
    let (_, provider) = app.provider().await;
    let mut record = penalty(&identifier, "张三");
    record["fields"]["penalty_content"] = json!(CANARY);
    app.submit_ok(&provider, &record).await;
    let token = app.subject_account(&identifier, "natural_person").await;
    let (email, password) = app.credentials.lock().expect("lock").get(&token).cloned().expect("credentials");
    (identifier, email, password)
}

/// Opens the sign-in form and posts it; returns the answer to the POST.
pub async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
    let form = client.get(app.url("/ui/login")).send().await.expect("sent").text().await.expect("body");
    let csrf = csrf_of(&form);
    let fields = [("email", email), ("password", password), ("csrf", csrf.as_str())];
    client.post(app.url("/ui/login")).form(&fields).send().await.expect("sent")
}

pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let response = client.get(app.url(path)).send().await.expect("sent");
    (response.status(), response.text().await.expect("body"))
}

#[tokio::test]
async fn the_sign_in_page_renders_accessible_html_in_chinese() {
    let app = spawn_app().await;
    let response = browser_like().get(app.url("/ui/login")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
    assert!(response.headers()["content-security-policy"].to_str().expect("ascii").contains("default-src 'none'"));
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<html lang="zh-CN">"#), "{html}");
    assert!(html.contains("<h1>登录</h1>"), "{html}");
    assert!(html.contains(r#"<label for="email">"#) && html.contains(r#"<label for="password">"#), "{html}");
    assert_eq!(csrf_of(&html).len(), 64);
    assert!(!html.contains("http://") && !html.contains("https://"), "no external resources: {html}");
}

#[tokio::test]
async fn a_wrong_password_shows_the_friendly_message_and_sets_no_session() {
    let app = spawn_app().await;
    let (_, email, _) = subject_with_record(&app, 1).await;
    let client = browser_like();
    let wrong = sign_in(&app, &client, &email, "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookies(&wrong).iter().all(|c| !c.starts_with("credit_session=")), "{:?}", set_cookies(&wrong));
    let wrong = wrong.text().await.expect("body");
    assert!(wrong.contains("登录失败：电子邮箱或密码不正确。"), "{wrong}");
    assert!(wrong.contains(r#"data-code="invalid_credentials""#), "{wrong}");
    // An unknown e-mail reads exactly the same.
    let unknown = sign_in(&app, &client, "nobody@example.org", "not-the-password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = unknown.text().await.expect("body");
    assert_eq!(unknown.replace("nobody@example.org", &email), wrong);
    // Still signed out.
    let response = client.get(app.url("/ui/me")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/ui/login");
}

#[tokio::test]
async fn sign_in_is_throttled_like_the_api_and_needs_the_form_token() {
    let app = spawn_app().await;
    let client = browser_like();
    for _ in 0..5 {
        assert_eq!(sign_in(&app, &client, "victim@example.org", "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = sign_in(&app, &client, "victim@example.org", "guess").await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.text().await.expect("body").contains("尝试次数过多"));
    let fields = [("email", "victim@example.org"), ("password", "guess")];
    let forged = browser_like().post(app.url("/ui/login")).form(&fields).send().await.expect("sent");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_shows_the_records_escaped() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 2).await;
    let client = browser_like();
    let response = sign_in(&app, &client, &email, &password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/ui/me");
    let cookies = set_cookies(&response);
    let session = cookies.iter().find(|c| c.starts_with("credit_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    assert!(!session.contains("Secure"), "plain http: {session}");
    let (status, html) = page(&app, &client, "/ui/me").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>我的信用记录</h1>"), "{html}");
    assert!(html.contains("行政处罚信息") && html.contains("南京市市场监督管理局"), "{html}");
    assert!(html.contains("宁市监罚〔2026〕101号"), "{html}");
    // Fields by their catalogue label, in the catalogue's order; the form still posts codes.
    let number = html.find(r#"<th scope="row">处罚决定书文号</th>"#).expect("the first field, labelled");
    let content = html.find(r#"<th scope="row">处罚内容</th>"#).expect("a later field, labelled");
    assert!(number < content && !html.contains(r#"<th scope="row">penalty_content</th>"#), "{html}");
    assert!(html.contains(r#"value="penalty_content"> <label"#) && html.contains(">处罚内容</label>"), "{html}");
    assert!(html.contains(r#"<th scope="row">违法情节</th><td>一般</td>"#), "an enum value in words: {html}");
    let escaped = ["&lt;script&gt;alert(", "&#60;script&#62;alert(&#39;portal&#39;)&#60;/script&#62;警告"];
    assert!(escaped.iter().any(|e| html.contains(e)), "the canary, escaped: {html}");
    assert!(!html.contains("<script"), "the canary must be escaped: {html}");
}

#[tokio::test]
async fn the_access_log_page_names_the_requesting_organization() {
    let app = spawn_app().await;
    let (identifier, email, password) = subject_with_record(&app, 3).await;
    let (_, requester) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let body = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    let (status, answer) = app.post("/api/v1/queries", Some(&requester), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let client = browser_like();
    assert_eq!(sign_in(&app, &client, &email, &password).await.status(), StatusCode::SEE_OTHER);
    let (status, html) = page(&app, &client, "/ui/me/access-log").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("南京市商务局"), "{html}");
    assert!(html.contains("行政机关") && html.contains("准予") && !html.contains("administrative_organ"), "{html}");
    assert!(html.contains("<td>行政处罚信息：处罚决定日期、处罚决定书文号、"), "the fields read, by label: {html}");
    assert!(html.contains("处罚内容") && !html.contains("penalty_content"), "{html}");
    // The instant stays exact in the markup and reads as Nanjing time (the clock: 01:00 UTC).
    assert!(html.contains(r#"<time datetime="2026-09-30T01:00:00"#), "{html}");
    assert!(html.contains(">2026-09-30 09:00:00</time>"), "shown in local time: {html}");
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_revokes_the_session() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 4).await;
    let client = browser_like();
    let response = sign_in(&app, &client, &email, &password).await;
    let cookie = set_cookies(&response).into_iter().find(|c| c.starts_with("credit_session=")).expect("cookie");
    let token = cookie["credit_session=".len()..].split(';').next().expect("value").to_owned();
    let (_, html) = page(&app, &client, "/ui/me").await;
    let csrf = csrf_of(&html);
    let none = client.post(app.url("/ui/logout")).send().await.expect("sent");
    assert_eq!(none.status(), StatusCode::FORBIDDEN);
    let wrong = client.post(app.url("/ui/logout")).form(&[("csrf", "00")]).send().await.expect("sent");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/me/records", Some(&token)).await.0, StatusCode::OK, "still signed in");
    let out = client.post(app.url("/ui/logout")).form(&[("csrf", csrf.as_str())]).send().await.expect("sent");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(out.headers()[LOCATION], "/ui/login");
    assert_eq!(app.get("/api/v1/me/records", Some(&token)).await.0, StatusCode::UNAUTHORIZED, "revoked");
    let response = client.get(app.url("/ui/me")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_english_switch_changes_the_heading_and_is_remembered() {
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 5).await;
    let client = browser_like();
    sign_in(&app, &client, &email, &password).await;
    let (_, html) = page(&app, &client, "/ui/me?lang=en").await;
    assert!(html.contains(r#"<html lang="en">"#) && html.contains("<h1>My credit records</h1>"), "{html}");
    assert!(html.contains("Administrative penalty"), "{html}");
    let fine = r#"<th scope="row">Fine (yuan)</th>"#;
    assert!(html.contains(fine) && html.contains(r#"<th scope="row">Severity</th><td>general</td>"#), "{html}");
    let (_, html) = page(&app, &client, "/ui/me/access-log").await;
    assert!(html.contains("<h1>Access log (who looked at my data)</h1>"), "{html}");
    let (_, html) = page(&app, &client, "/ui/me?lang=zh-CN").await;
    assert!(html.contains("<h1>我的信用记录</h1>"), "{html}");
}

#[tokio::test]
async fn the_admin_lands_on_the_administration_page() {
    let app = spawn_app().await;
    let client = browser_like();
    let response = sign_in(&app, &client, "admin@localhost", &app.admin_password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/ui/admin");
    assert!(set_cookies(&response).iter().any(|c| c.starts_with("credit_session=")));
    let (status, html) = page(&app, &client, "/ui").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
}

#[tokio::test]
async fn each_role_signs_in_to_its_own_landing_page_and_not_to_another_roles() {
    let app = spawn_app().await;
    let (_, subject_email, subject_password) = subject_with_record(&app, 6).await;
    let (_, provider) = app.provider().await;
    let (_, requester) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let officer = app
        .account_with_token(json!({
            "email": "officer-landing@example.org", "password": "a-long-password-1", "role": "officer",
        }))
        .await;
    let credentials = |token: &str| app.credentials.lock().expect("lock").get(token).cloned().expect("credentials");
    let (provider_email, provider_password) = credentials(&provider);
    let (officer_email, officer_password) = credentials(&officer);
    let (requester_email, requester_password) = credentials(&requester);
    for (email, password, landing) in [
        (subject_email.as_str(), subject_password.as_str(), "/ui/me"),
        (provider_email.as_str(), provider_password.as_str(), "/ui/provider"),
        (officer_email.as_str(), officer_password.as_str(), "/ui/officer"),
        (requester_email.as_str(), requester_password.as_str(), "/ui/requester"),
    ] {
        let client = browser_like();
        let response = sign_in(&app, &client, email, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{landing}");
        assert_eq!(response.headers().get(LOCATION).and_then(|v| v.to_str().ok()), Some(landing));
        let home = client.get(app.url("/ui")).send().await.expect("sent");
        assert_eq!(home.headers().get(LOCATION).and_then(|v| v.to_str().ok()), Some(landing), "/ui");
        if landing != "/ui/me" {
            // The subject's pages are not theirs.
            let (status, html) = page(&app, &client, "/ui/me").await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{landing}");
            assert!(html.contains("无权访问此页面"), "{html}");
            // Its menu leads home (to the role's own landing page), not into the subject's pages.
            assert!(html.contains(r#"<a href="/ui">首页</a>"#) && !html.contains("/ui/me/authorizations"), "{html}");
        }
    }
}

#[tokio::test]
async fn a_subject_downloads_their_records_as_a_logged_json_file() {
    use credit_platform::storage::schema::audit_entries;
    use diesel::prelude::*;
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 8).await;
    let anonymous = browser_like().get(app.url("/ui/me/records.json")).send().await.expect("sent");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "no session: to the sign-in page");
    let self_views = || -> i64 {
        let mut conn = app.platform.db.get().expect("connection");
        audit_entries::table
            .filter(audit_entries::action.eq("self_view"))
            .count()
            .get_result(&mut *conn)
            .expect("count")
    };
    let client = browser_like();
    sign_in(&app, &client, &email, &password).await;
    let (_, html) = page(&app, &client, "/ui/me").await;
    assert!(html.contains(r#"<a href="/ui/me/records.json" download>"#), "{html}");
    let before = self_views();
    let response = client.get(app.url("/ui/me/records.json")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers["content-disposition"].to_str().expect("ascii").starts_with("attachment;"));
    assert_eq!(headers["cache-control"], "no-store");
    let file: serde_json::Value = response.json().await.expect("JSON");
    let record = &file["items"][0];
    assert_eq!(record["record_type"], "administrative_penalty", "{file}");
    assert_eq!(record["versions"][0]["fields"]["penalty_content"], CANARY, "every value, as stored: {file}");
    assert_eq!(self_views(), before + 1, "the download is a logged self-view");
}
