//! The subject's formal credit report in the portal (`/ui/me/reports`, R-21): the page says what
//! is free and how many reports are left, and offers the button only while one is; issuing needs
//! the CSRF token (403 and nothing stored without it) and a subject's session (another role gets
//! the 403 page); the report page shows the records in words and who queried the subject, with
//! `no-store`; after two reports there is no button and a third POST gets the 429 notice; each
//! issued report is a `formal_report` entry in the access log; the pages speak English too.

use super::{browser_like, csrf_of, page, sign_in, subject_with_record};
use crate::helpers::{TestApp, spawn_app};
use credit_platform::storage::schema::formal_reports;
use diesel::prelude::*;
use reqwest::StatusCode;
use reqwest::header::CACHE_CONTROL;
use serde_json::{Value, json};

const PAGE: &str = "/ui/me/reports";
const BUTTON: &str = r#"<form method="post" action="/ui/me/reports">"#;

/// A subject with one penalty, signed in through the portal; returns (identifier, client).
async fn subject_browser(app: &TestApp, seed: u32) -> (String, reqwest::Client) {
    let (identifier, email, password) = subject_with_record(app, seed).await;
    let client = browser_like();
    assert_eq!(sign_in(app, &client, &email, &password).await.status(), StatusCode::SEE_OTHER);
    (identifier, client)
}

/// Posts the issuing form with `csrf` (no field at all when None); returns (status, no-store?, body).
async fn issue(app: &TestApp, client: &reqwest::Client, csrf: Option<&str>) -> (StatusCode, bool, String) {
    let request = client.post(app.url(PAGE));
    let request = match csrf {
        Some(csrf) => request.form(&[("csrf", csrf)]),
        None => request.form(&[("other", "x")]),
    };
    let response = request.send().await.expect("sent");
    let no_store = response.headers().get(CACHE_CONTROL).is_some_and(|v| v == "no-store");
    (response.status(), no_store, response.text().await.expect("body"))
}

/// The CSRF token of the reports page (after checking it loads).
async fn reports_csrf(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, html) = page(app, client, PAGE).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    csrf_of(&html)
}

fn stored_reports(app: &TestApp) -> i64 {
    let mut conn = app.platform.db.get().expect("connection");
    formal_reports::table.count().get_result(&mut *conn).expect("count")
}

/// The `formal_report` entries of the access log, as an officer reads them through the API.
async fn formal_report_entries(app: &TestApp) -> Vec<Value> {
    let officer = crate::audit::officer(app).await;
    let (status, body) = app.get("/api/v1/audit/entries?limit=500", Some(&officer)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().expect("items");
    items.iter().filter(|e| e["action"] == "formal_report").cloned().collect()
}

#[tokio::test]
async fn the_reports_page_says_what_is_free_and_offers_two_reports() {
    let app = spawn_app().await;
    let (_, client) = subject_browser(&app, 301).await;
    let (_, records) = page(&app, &client, "/ui/me").await;
    assert!(records.contains(r#"<a href="/ui/me/reports">我的信用报告</a>"#), "in the subject nav: {records}");
    let response = client.get(app.url(PAGE)).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let html = response.text().await.expect("body");
    assert!(html.contains("<h1>我的信用报告</h1>"), "{html}");
    assert!(html.contains("在线查看本人信用记录免费，且不限次数"), "the self-view is free: {html}");
    assert!(html.contains("每个自然年可免费开具 2 份正式信用报告"), "{html}");
    assert!(html.contains(r#"<dd id="reports-left">2</dd>"#), "two left: {html}");
    assert!(html.contains(BUTTON) && html.contains("开具正式信用报告</button>"), "{html}");
    assert!(html.contains("今年尚未开具报告。"), "{html}");
}

#[tokio::test]
async fn issuing_without_the_csrf_token_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let (_, client) = subject_browser(&app, 302).await;
    reports_csrf(&app, &client).await;
    for csrf in [None, Some(""), Some("00")] {
        let (status, _, html) = issue(&app, &client, csrf).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{csrf:?}: {html}");
        assert!(html.contains("页面已过期") && !html.contains("公共信用信息报告"), "{html}");
    }
    assert_eq!(stored_reports(&app), 0);
    assert!(formal_report_entries(&app).await.is_empty());
    let (_, html) = page(&app, &client, PAGE).await;
    assert!(html.contains(r#"<dd id="reports-left">2</dd>"#), "{html}");
    // Signed out, the form leads to the sign-in page and issues nothing.
    let anonymous = browser_like().post(app.url(PAGE)).form(&[("csrf", "00")]).send().await.expect("sent");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    // Another role's session, even with its own valid token, gets the 403 page.
    let (_, token) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let (email, password) = app.credentials.lock().expect("lock").get(&token).cloned().expect("credentials");
    let requester = browser_like();
    sign_in(&app, &requester, &email, &password).await;
    let (status, html) = page(&app, &requester, PAGE).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    let (status, _, html) = issue(&app, &requester, Some(&csrf_of(&html))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert_eq!(stored_reports(&app), 0);
}

#[tokio::test]
async fn an_issued_report_shows_the_records_in_words_and_who_queried_the_subject() {
    let app = spawn_app().await;
    let (identifier, client) = subject_browser(&app, 303).await;
    let (_, requester) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let body = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    assert_eq!(app.post("/api/v1/queries", Some(&requester), &body).await.0, StatusCode::OK);
    let csrf = reports_csrf(&app, &client).await;
    let (status, no_store, html) = issue(&app, &client, Some(&csrf)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(no_store, "the report holds personal data");
    assert!(html.contains("<h1>公共信用信息报告</h1>"), "{html}");
    assert!(html.contains(r#"<dd id="report-number">2026-1</dd>"#), "{html}");
    assert!(html.contains(r#"<time datetime="2026-09-30T01:00:00Z">2026-09-30 09:00:00</time>"#), "{html}");
    // The record as the records page shows it: type, provider and fields by their words.
    assert!(html.contains("行政处罚信息") && html.contains("南京市市场监督管理局"), "{html}");
    assert!(html.contains(r#"<th scope="row">处罚决定书文号</th><td>宁市监罚〔2026〕101号</td>"#), "{html}");
    assert!(html.contains(r#"<th scope="row">违法情节</th><td>一般</td>"#), "an enum value in words: {html}");
    assert!(!html.contains("penalty_content") && !html.contains("<script"), "labels, escaped values: {html}");
    // The query history: who, what kind, why, which fields.
    let history = &html[html.find(r#"id="history-heading""#).expect("the history section")..];
    let query =
        "<td>南京市商务局</td>\n<td>行政机关</td>\n<td>日常监管、进出口、年检等</td>\n<td>行政处罚信息：处罚决定日期、";
    assert!(history.contains(query), "organization, its kind, the purpose by name, the fields read: {history}");
    assert!(history.contains("处罚内容") && !history.contains("supervision"), "{history}");
    assert_eq!(stored_reports(&app), 1);
    let (_, listed) = page(&app, &client, PAGE).await;
    assert!(listed.contains(r#"<dd id="reports-left">1</dd>"#) && listed.contains(BUTTON), "{listed}");
    assert!(listed.contains("<tr><td>2026-1</td><td><time datetime=\"2026-09-30T01:00:00Z\">2026-09-30 09:00:00"));
}

#[tokio::test]
async fn after_two_reports_the_button_is_gone_and_a_third_gets_the_429_notice() {
    let app = spawn_app().await;
    let (_, client) = subject_browser(&app, 304).await;
    let csrf = reports_csrf(&app, &client).await;
    for number in ["2026-1", "2026-2"] {
        let (status, _, html) = issue(&app, &client, Some(&csrf)).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains(&format!(r#"<dd id="report-number">{number}</dd>"#)), "{html}");
    }
    let (_, html) = page(&app, &client, PAGE).await;
    assert!(html.contains(r#"<dd id="reports-left">0</dd>"#), "{html}");
    assert!(!html.contains(BUTTON) && !html.contains("开具正式信用报告</button>"), "no button: {html}");
    assert!(html.contains("下一份免费报告自 2027-01-01 起可以开具"), "when the next comes: {html}");
    assert!(html.contains("<td>2026-1</td>") && html.contains("<td>2026-2</td>"), "{html}");

    let (status, no_store, refused) = issue(&app, &client, Some(&csrf)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refused}");
    assert!(no_store && refused.contains("未能完成操作"), "the notice page: {refused}");
    assert!(refused.contains("2027-01-01") && !refused.contains("公共信用信息报告"), "{refused}");
    assert_eq!(stored_reports(&app), 2, "a refusal stores nothing");

    let entries = formal_report_entries(&app).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    for entry in &entries {
        assert_eq!((entry["role"].clone(), entry["decision"].clone()), (json!("subject"), json!("allowed")));
        let fields = entry["fields"].as_array().expect("fields");
        assert!(fields.iter().any(|f| f == "administrative_penalty.penalty_content"), "what it disclosed: {entry}");
    }
}

#[tokio::test]
async fn the_reports_pages_speak_english() {
    let app = spawn_app().await;
    let (_, client) = subject_browser(&app, 305).await;
    let (_, html) = page(&app, &client, "/ui/me/reports?lang=en").await;
    assert!(html.contains(r#"<html lang="en">"#) && html.contains("<h1>My credit reports</h1>"), "{html}");
    assert!(html.contains("Viewing your records online is free and unlimited"), "{html}");
    assert!(html.contains("2 formal credit reports per calendar year are free"), "{html}");
    assert!(html.contains("Issue a formal report</button>"), "{html}");
    let (status, _, report) = issue(&app, &client, Some(&csrf_of(&html))).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(report.contains("<h1>Formal credit report</h1>") && report.contains("Report number"), "{report}");
    assert!(report.contains("Administrative penalty"), "{report}");
    assert!(report.contains(r#"<th scope="row">Severity</th><td>general</td>"#), "{report}");
    assert!(report.contains("Query history (who accessed my data)"), "{report}");
    issue(&app, &client, Some(&csrf_of(&html))).await;
    let (_, html) = page(&app, &client, PAGE).await;
    assert!(html.contains("The next free report is available on 2027-01-01"), "{html}");
}

#[tokio::test]
async fn the_same_form_sent_twice_spends_one_report() {
    let app = spawn_app().await;
    let (_, client) = subject_browser(&app, 305).await;
    let (_, html) = page(&app, &client, PAGE).await;
    assert!(html.contains(r#"<input type="hidden" name="number" value="1">"#), "{html}");
    let form = [("csrf", csrf_of(&html)), ("number", "1".to_owned())];
    let first = client.post(app.url(PAGE)).form(&form).send().await.expect("sent");
    assert_eq!(first.status(), StatusCode::OK);
    // A reload of the report page sends the same form again.
    let again = client.post(app.url(PAGE)).form(&form).send().await.expect("sent");
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let notice = again.text().await.expect("body");
    assert!(notice.contains("already issued"), "{notice}");
    assert_eq!(stored_reports(&app), 1, "the second send took no slot");
    let (_, html) = page(&app, &client, PAGE).await;
    assert!(html.contains(r#"<dd id="reports-left">1</dd>"#), "{html}");
    assert!(html.contains(r#"<input type="hidden" name="number" value="2">"#), "the page offers the next one: {html}");
}
