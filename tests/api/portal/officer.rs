//! The compliance officers' portal `/ui/officer`: the review table names organizations and
//! purposes, filters narrow it (a typed subject identifier never lands in a URL), pages follow
//! the cursor, refused filters show the workflow's message, the verify form (CSRF) reports an
//! intact chain and then the first tampered sequence, the CSV export of one subject is logged
//! like the API's (without a subject it needs a second officer: `officer_exports.rs`), and
//! subjects and providers get the 403 page. Re-reviews: `reviews.rs`.

mod reviews;

use super::{browser_like, csrf_of, page, sign_in, subject_with_record};
use crate::audit::{officer, seed, sql};
use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

/// Signs the out-of-band officer (`audit::officer`) in; returns the client and the API token.
pub(super) async fn officer_client(app: &TestApp) -> (reqwest::Client, String) {
    let token = officer(app).await;
    let client = browser_like();
    let response = sign_in(app, &client, "officer@example.org", "a-long-password-1").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (client, token)
}

/// The review table's rows, as the HTML of each `<tr>` of the body.
pub(super) fn rows(html: &str) -> Vec<&str> {
    let Some(body) = html.split("<tbody>").nth(1) else { return Vec::new() };
    body.split("</tbody>").next().unwrap_or("").split("<tr").skip(1).collect()
}

fn sequences(html: &str) -> Vec<i64> {
    rows(html)
        .iter()
        .map(|row| {
            let cell = row.split(r#"<td class="seq">"#).nth(1).expect("a sequence cell");
            cell.split('<').next().expect("cell text").parse().expect("a number")
        })
        .collect()
}

/// Undoes askama's escaping of an attribute value.
fn unescaped(value: &str) -> String {
    value.replace("&amp;", "&").replace("&#38;", "&").replace("&#x2f;", "/").replace("&#47;", "/")
}

fn next_href(html: &str) -> Option<String> {
    let before = html.split(r#"" rel="next">"#).next().filter(|b| b.len() < html.len())?;
    before.rsplit(r#"href=""#).next().map(unescaped)
}

/// A requester of 南京市商务局 queries the subject for supervision (allowed) and for judicial
/// work (denied: an administrative organ may not); returns the subject's identifier.
pub(super) async fn queried_subject(app: &TestApp, seed: u32) -> String {
    let (identifier, _, _) = subject_with_record(app, seed).await;
    let (_, requester) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    for (purpose, expected) in [("supervision", StatusCode::OK), ("judicial", StatusCode::FORBIDDEN)] {
        let body = json!({ "subject_identifier": identifier, "purpose": purpose });
        let (status, answer) = app.post("/api/v1/queries", Some(&requester), &body).await;
        assert_eq!(status, expected, "{answer}");
    }
    identifier
}

#[tokio::test]
async fn the_review_page_names_the_organization_and_purpose_and_filters_narrow_it() {
    let app = spawn_app().await;
    let identifier = queried_subject(&app, 41).await;
    let (client, _) = officer_client(&app).await;
    let (status, html) = page(&app, &client, "/ui/officer").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>访问日志审查</h1>"), "{html}");
    assert!(html.contains("<td>南京市商务局</td>"), "the organization's name: {html}");
    assert!(html.contains("<td>日常监管、进出口、年检等</td>"), "the purpose's name: {html}");
    assert!(html.contains("penalty_content") && html.contains("purpose_not_allowed"), "{html}");

    let (status, denied) = page(&app, &client, "/ui/officer?decision=denied").await;
    assert_eq!(status, StatusCode::OK, "{denied}");
    let denied_rows = rows(&denied);
    assert_eq!(denied_rows.len(), 1, "only the judicial query was denied: {denied}");
    assert!(denied_rows[0].contains("purpose_not_allowed") && denied_rows[0].contains("南京市商务局"));
    let (_, english) = page(&app, &client, "/ui/officer?decision=allowed&purpose=supervision&lang=en").await;
    assert!(english.contains("<td>Supervision, import/export and periodic inspection</td>"), "{english}");
    assert!(rows(&english).len() == 1 && !english.contains("purpose_not_allowed"), "{english}");

    // Organizations are chosen by name; the choice narrows the table to that organization.
    let option = html.split(r#"<option value=""#).find(|o| o.contains(">南京市商务局</option>")).expect("listed");
    let organization = option.split('"').next().expect("its id").to_owned();
    let (_, chosen) = page(&app, &client, &format!("/ui/officer?organization_id={organization}")).await;
    assert!(chosen.contains(&format!(r#"<option value="{organization}" selected>南京市商务局</option>"#)), "{chosen}");
    let chosen_rows = rows(&chosen);
    assert_eq!(chosen_rows.len(), 2, "the two queries only: {chosen}");
    assert!(chosen_rows.iter().all(|r| r.contains("南京市商务局")), "{chosen}");

    // A subject is found through the blind index; the identifier travels in the form body only.
    let csrf = csrf_of(&html);
    let fields = [("csrf", csrf.as_str()), ("subject_identifier", identifier.as_str()), ("decision", "")];
    let response = client.post(app.url("/ui/officer")).form(&fields).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let about = response.text().await.expect("body");
    let found = rows(&about);
    assert!(found.len() >= 3, "two queries and this read: {about}");
    assert!(found.iter().all(|r| !r.contains("<code></code>")), "every row names the subject: {about}");
    assert!(!about.contains(&format!("subject_identifier={identifier}")), "no URL carries it: {about}");
    let forged = [("subject_identifier", identifier.as_str())];
    let response = client.post(app.url("/ui/officer")).form(&forged).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "the form needs its CSRF token");
}

#[tokio::test]
async fn the_next_page_link_follows_the_cursor() {
    let app = spawn_app().await;
    let (client, _) = officer_client(&app).await;
    seed(&app, 60);
    let (_, first) = page(&app, &client, "/ui/officer").await;
    let first_page = sequences(&first);
    assert_eq!(first_page.len(), 50, "{first}");
    assert!(first_page.windows(2).all(|w| w[0] > w[1]), "newest first: {first_page:?}");
    let next = next_href(&first).expect("a next-page link");
    assert!(next.starts_with("/ui/officer?cursor="), "{next}");
    let (status, second) = page(&app, &client, &next).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_page = sequences(&second);
    let oldest_shown = first_page.last().copied().expect("rows");
    assert!(!second_page.is_empty() && second_page.iter().all(|s| *s < oldest_shown), "{second_page:?}");
    assert_eq!(second_page.last(), Some(&1), "the second page reaches the first entry");
    assert!(next_href(&second).is_none(), "no page after the last: {second}");
}

#[tokio::test]
async fn a_refused_filter_shows_the_workflows_message_on_the_page() {
    let app = spawn_app().await;
    let (client, _) = officer_client(&app).await;
    for (query, message) in [
        ("from=yesterday", "expected a date and time"),
        ("decision=maybe", "unknown decision"),
        ("cursor=abc", "the cursor is not one this endpoint returned"),
        ("subject_identifier=%3Cscript%3E", ""),
    ] {
        let (status, html) = page(&app, &client, &format!("/ui/officer?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {html}");
        assert!(html.contains("筛选条件有误") && html.contains(message), "{query}: {html}");
        assert!(html.contains(r#"<form method="post" action="/ui/officer""#), "the form stays: {html}");
        assert!(!html.contains("<script>"), "{html}");
    }
    let (status, _) = page(&app, &client, "/ui/officer/export.csv?to=soon").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_verify_form_needs_its_token_and_reports_the_first_tampered_sequence() {
    let app = spawn_app().await;
    let (client, _) = officer_client(&app).await;
    seed(&app, 10);
    app.platform.audit.checkpoint_now().expect("checkpoint").expect("a new checkpoint");
    let (status, html) = page(&app, &client, "/ui/officer/integrity").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("签名检查点") && html.contains("<h1>日志完整性</h1>"), "{html}");
    let csrf = csrf_of(&html);
    let verify = |fields: Vec<(&'static str, String)>| {
        let request = client.post(app.url("/ui/officer/verify")).form(&fields);
        async move { request.send().await.expect("sent") }
    };
    assert_eq!(verify(Vec::new()).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(verify(vec![("csrf", "00".repeat(32))]).await.status(), StatusCode::FORBIDDEN);
    let clean = verify(vec![("csrf", csrf.clone())]).await;
    assert_eq!(clean.status(), StatusCode::OK);
    let clean = clean.text().await.expect("body");
    assert!(clean.contains(r#"data-ok="true""#) && clean.contains("日志链完整"), "{clean}");
    assert!(!clean.contains("first-bad"), "{clean}");

    sql(&app, "UPDATE audit_entries SET purpose = 'judicial' WHERE sequence = 4");
    let broken = verify(vec![("csrf", csrf)]).await.text().await.expect("body");
    assert!(broken.contains(r#"data-ok="false""#), "{broken}");
    assert!(broken.contains(r#"<dd class="first-bad">4</dd>"#), "{broken}");
    assert!(broken.contains("校验码不符"), "the problem in words: {broken}");
}

#[tokio::test]
async fn the_export_is_csv_of_the_filter_and_is_itself_logged() {
    let app = spawn_app().await;
    let (client, token) = officer_client(&app).await;
    let identifier = queried_subject(&app, 42).await;
    // Without a subject it spans everyone's accesses: refused, it needs four eyes (R-20).
    let (status, refused) = page(&app, &client, "/ui/officer/export.csv?decision=denied").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused.contains("导出未执行") && refused.contains("needs a second officer"), "{refused}");

    // One subject's accesses: the review page's form posts the filter with its CSRF token.
    let (_, html) = page(&app, &client, "/ui/officer").await;
    let csrf = csrf_of(&html);
    let fields = [("csrf", csrf.as_str()), ("subject_identifier", identifier.as_str()), ("decision", "denied")];
    let response = client.post(app.url("/ui/officer/export.csv")).form(&fields).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let csv = response.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("sequence,at,request_id,"), "{csv}");
    assert_eq!(lines.len(), 2, "the subject's denied query only: {csv}");
    assert!(lines[1].contains(",denied,purpose_not_allowed,"), "{csv}");
    assert!(!csv.contains(&identifier), "{csv}");

    let (status, log) = app.get("/api/v1/audit/entries?limit=5", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let items = log["items"].as_array().expect("items");
    let exported: Vec<(&str, &str)> = items
        .iter()
        .filter(|i| i["action"] == "export")
        .map(|i| (i["decision"].as_str().expect("decision"), i["reason_code"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(exported, [("allowed", ""), ("denied", "export_approval_required")], "{log}");
    assert!(items.iter().filter(|i| i["action"] == "export").all(|i| i["role"] == "officer"), "{log}");
    let forged = [("subject_identifier", identifier.as_str())];
    let forged = client.post(app.url("/ui/officer/export.csv")).form(&forged).send().await;
    assert_eq!(forged.expect("sent").status(), StatusCode::FORBIDDEN, "a posted export needs its CSRF token");
}

#[tokio::test]
async fn subjects_and_providers_get_the_403_page_and_their_attempts_are_logged() {
    let app = spawn_app().await;
    let (_, subject_email, subject_password) = subject_with_record(&app, 43).await;
    let (_, provider) = app.provider().await;
    let (provider_email, provider_password) =
        app.credentials.lock().expect("lock").get(&provider).cloned().expect("credentials");
    let token = officer(&app).await;
    for (email, password) in [(subject_email, subject_password), (provider_email, provider_password)] {
        let client = browser_like();
        assert_eq!(sign_in(&app, &client, &email, &password).await.status(), StatusCode::SEE_OTHER);
        let mut csrf = String::new();
        let paths = [
            "/ui/officer",
            "/ui/officer?from=nonsense",
            "/ui/officer/integrity",
            "/ui/officer/export.csv",
            "/ui/officer/exports",
        ];
        for path in paths {
            let (status, html) = page(&app, &client, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {html}");
            assert!(html.contains("无权访问此页面"), "{path}: {html}");
            csrf = csrf_of(&html);
        }
        let verify = client.post(app.url("/ui/officer/verify")).form(&[("csrf", csrf.as_str())]).send().await;
        assert_eq!(verify.expect("sent").status(), StatusCode::FORBIDDEN);
        let asked = client.post(app.url("/ui/officer/exports")).form(&[("csrf", csrf.as_str())]).send().await;
        let asked = asked.expect("sent");
        assert_eq!(asked.status(), StatusCode::FORBIDDEN);
        assert!(asked.text().await.expect("body").contains("无权访问此页面"));
    }
    let (_, log) = app.get("/api/v1/audit/entries?decision=denied", Some(&token)).await;
    let refused: Vec<(&str, &str)> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (i["role"].as_str().expect("role"), i["action"].as_str().expect("action")))
        .collect();
    // Newest first: per role, the bulk export request, the verify, the export and the review
    // page are logged as refused (the list of bulk exports is not an entry).
    let expected = ["export_requested", "audit_verify", "export", "officer_read"];
    for role in ["provider", "subject"] {
        let actions: Vec<&str> = refused.iter().filter(|(r, _)| *r == role).map(|(_, a)| *a).collect();
        assert_eq!(actions, expected, "{role}: {log}");
    }
}
