//! Bulk exports under four eyes (R-20) in the officer portal: the review page offers the direct
//! CSV export only for one subject and otherwise the request form; officer A asks, the list
//! shows the request awaiting (no approve button for A), officer B approves it from the list,
//! A takes the file once (a POST, no-store); a self-approval, someone else's download and a
//! second download get the notice with the workflow's message and status, and the access log
//! holds every step, the refused ones as denied.

use super::officer::{officer_client, queried_subject};
use super::{browser_like, csrf_of, page, sign_in};
use crate::audit::{OFFICER_PASSWORD, officer_named};
use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;

const SECOND: &str = "second.officer@example.org";

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    client.post(app.url(path)).form(fields).send().await.expect("sent")
}

/// Posts a form and expects the notice page with `status` and `message`.
async fn refused(app: &TestApp, client: &reqwest::Client, path: &str, csrf: &str, status: StatusCode, message: &str) {
    let response = post(app, client, path, &[("csrf", csrf)]).await;
    assert_eq!(response.status(), status, "{path}");
    let html = response.text().await.expect("body");
    assert!(html.contains("导出未执行") && html.contains(message), "{path}: {html}");
}

/// The id of the first (newest) request of the list.
fn newest_id(html: &str) -> String {
    let after = html.split(r#"<tr data-id=""#).nth(1).expect("a request row");
    after.split('"').next().expect("its id").to_owned()
}

#[tokio::test]
async fn the_review_page_offers_the_direct_export_only_for_one_subject() {
    let app = spawn_app().await;
    let (client, _) = officer_client(&app).await;
    let identifier = queried_subject(&app, 45).await;
    let (status, bulk) = page(&app, &client, "/ui/officer?decision=denied").await;
    assert_eq!(status, StatusCode::OK, "{bulk}");
    assert!(bulk.contains(r#"<form method="post" action="/ui/officer/exports" class="bulk-export">"#), "{bulk}");
    assert!(bulk.contains("申请批量导出（需另一名监管人员批准）"), "{bulk}");
    assert!(bulk.contains(r#"<input type="hidden" name="decision" value="denied">"#), "{bulk}");
    assert!(!bulk.contains(r#"action="/ui/officer/export.csv""#), "no direct export: {bulk}");
    let fields = [("csrf", csrf_of(&bulk)), ("subject_identifier", identifier.clone())];
    let response = client.post(app.url("/ui/officer")).form(&fields).send().await.expect("sent");
    let one = response.text().await.expect("body");
    assert!(one.contains(r#"<form method="post" action="/ui/officer/export.csv" class="export">"#), "{one}");
    assert!(!one.contains(r#"action="/ui/officer/exports""#), "no bulk request: {one}");

    // A subject's identifier posted to the bulk request is refused (422), neither stored nor
    // echoed: one subject's export needs no approval.
    let response =
        post(&app, &client, "/ui/officer/exports", &[("csrf", &fields[0].1), ("subject_identifier", &identifier)])
            .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("needs no approval") && !html.contains(&identifier), "{html}");
    let (_, list) = page(&app, &client, "/ui/officer/exports").await;
    assert!(list.contains("暂无批量导出申请") && !list.contains("data-id"), "nothing stored: {list}");
    let (_, english) = page(&app, &client, "/ui/officer?lang=en").await;
    assert!(english.contains("Ask a second officer to approve this bulk export"), "{english}");
}

#[tokio::test]
async fn a_bulk_export_is_asked_approved_by_a_second_officer_and_taken_once() {
    let app = spawn_app().await;
    let (alice, token) = officer_client(&app).await;
    officer_named(&app, SECOND).await;
    let bob = browser_like();
    assert_eq!(sign_in(&app, &bob, SECOND, OFFICER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    queried_subject(&app, 46).await;

    // A asks with the review page's form (its filter as hidden fields).
    let (_, review) = page(&app, &alice, "/ui/officer?decision=denied").await;
    let csrf_a = csrf_of(&review);
    let forged = post(&app, &alice, "/ui/officer/exports", &[("decision", "denied")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "the form needs its CSRF token");
    let asked = post(&app, &alice, "/ui/officer/exports", &[("csrf", &csrf_a), ("decision", "denied")]).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(asked.headers()[LOCATION], "/ui/officer/exports?done=requested");

    let (status, mine) = page(&app, &alice, "/ui/officer/exports?done=requested").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert!(mine.contains("<h1>批量导出申请</h1>") && mine.contains("等待另一名监管人员批准"), "{mine}");
    assert!(mine.contains("待批准") && mine.contains("须由另一名监管人员批准。"), "{mine}");
    assert!(mine.contains("<dt>结果</dt><dd>拒绝</dd>"), "the filter in words: {mine}");
    assert!(!mine.contains("/approval") && !mine.contains("/file.csv"), "no button for A: {mine}");
    let id = newest_id(&mine);
    let approval = format!("/ui/officer/exports/{id}/approval");
    let file = format!("/ui/officer/exports/{id}/file.csv");

    // A cannot be the second pair of eyes, nor take the file before the approval.
    refused(&app, &alice, &approval, &csrf_a, StatusCode::FORBIDDEN, "other than the one who asked").await;
    refused(&app, &alice, &file, &csrf_a, StatusCode::CONFLICT, "awaits a second officer").await;

    // B sees the approve button and approves from the list.
    let (_, theirs) = page(&app, &bob, "/ui/officer/exports").await;
    assert!(theirs.contains(&format!(r#"action="{approval}""#)) && !theirs.contains("须由另一名"), "{theirs}");
    let csrf_b = csrf_of(&theirs);
    assert_eq!(post(&app, &bob, &approval, &[]).await.status(), StatusCode::FORBIDDEN, "CSRF");
    let approved = post(&app, &bob, &approval, &[("csrf", &csrf_b)]).await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    assert_eq!(approved.headers()[LOCATION], "/ui/officer/exports?done=approved");
    refused(&app, &bob, &file, &csrf_b, StatusCode::FORBIDDEN, "only the officer who asked").await;

    let (_, ready) = page(&app, &alice, "/ui/officer/exports").await;
    assert!(ready.contains("已批准，可下载至") && ready.contains(&format!(r#"action="{file}""#)), "{ready}");
    let taken = post(&app, &alice, &file, &[("csrf", &csrf_a)]).await;
    assert_eq!(taken.status(), StatusCode::OK);
    assert_eq!(taken.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(taken.headers()["cache-control"], "no-store");
    let csv = taken.text().await.expect("body");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(csv.starts_with("sequence,at,request_id,"), "{csv}");
    // The denied judicial query and the three refused steps so far, nothing allowed.
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(rows.iter().all(|r| r.contains(",denied,")), "{csv}");
    assert!(csv.contains(",denied,purpose_not_allowed,") && csv.contains(",denied,four_eyes_required,"), "{csv}");
    refused(&app, &alice, &file, &csrf_a, StatusCode::CONFLICT, "already taken").await;
    let (_, done) = page(&app, &alice, "/ui/officer/exports").await;
    assert!(done.contains("已下载") && !done.contains(&format!(r#"action="{file}""#)), "{done}");
    let (_, english) = page(&app, &bob, "/ui/officer/exports?lang=en").await;
    assert!(english.contains("Bulk export requests") && english.contains("taken"), "{english}");

    let (status, log) = app.get("/api/v1/audit/entries?limit=30", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let steps: Vec<&Value> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| ["export_requested", "export_approved", "export"].contains(&i["action"].as_str().unwrap_or("")))
        .collect();
    let seen: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|i| {
            let text = |key: &str| i[key].as_str().unwrap_or("");
            (text("action"), text("decision"), text("reason_code"))
        })
        .collect();
    let expected = [
        ("export", "denied", "export_taken"),
        ("export", "allowed", ""),
        ("export", "denied", "not_requester"),
        ("export_approved", "allowed", ""),
        ("export", "denied", "export_not_approved"),
        ("export_approved", "denied", "four_eyes_required"),
        ("export_requested", "allowed", ""),
    ];
    assert_eq!(seen, expected, "newest first: {log}");
    // Two different officers: the asker took the file, the other approved it.
    let actor = |n: usize| steps[n]["actor_account_id"].as_str().expect("an actor");
    assert!(actor(1) == actor(6) && actor(3) != actor(6) && actor(2) == actor(3), "{log}");
}
