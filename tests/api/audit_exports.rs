//! Four-eyes approval of bulk access-log exports: an export without a subject filter
//! goes out only after a second officer's approval, once, to its asker, within a day; every
//! step and every refused attempt is in the log; racing approvals and downloads change the
//! request once.

use crate::audit::{OFFICER_PASSWORD, officer, officer_named, seed};
use crate::helpers::{TestApp, assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn ask(app: &TestApp, token: &str, filter: Value) -> String {
    let (status, asked) = app.post("/api/v1/audit/exports", Some(token), &filter).await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    assert_eq!(asked["status"], "awaiting_approval", "{asked}");
    asked["id"].as_str().expect("id").to_owned()
}

async fn approve(app: &TestApp, token: &str, id: &str) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/audit/exports/{id}/approval"), Some(token), &json!({})).await
}

/// The file's status and body.
async fn take(app: &TestApp, token: &str, id: &str) -> (StatusCode, String) {
    let url = app.url(&format!("/api/v1/audit/exports/{id}/file.csv"));
    let response = app.client.get(url).bearer_auth(token).send().await.expect("sent");
    (response.status(), response.text().await.expect("body"))
}

fn code_of(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .map(|v| v["error"]["code"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default()
}

/// (action, decision, reason) of the newest `n` entries, newest first.
async fn newest(app: &TestApp, token: &str, n: usize) -> Vec<(String, String, String)> {
    let (status, page) = app.get(&format!("/api/v1/audit/entries?limit={n}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (text(&i["action"]), text(&i["decision"]), text(&i["reason_code"])))
        .collect()
}

#[tokio::test]
async fn a_bulk_export_needs_a_second_officer_and_goes_once_to_its_asker() {
    let app = spawn_app().await;
    let asker = officer(&app).await;
    let second = officer_named(&app, "second.officer@example.org").await;
    seed(&app, 30);

    let (status, body) = app.get("/api/v1/audit/export.csv", Some(&asker)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "export_approval_required");
    let id = ask(&app, &asker, json!({ "decision": "allowed" })).await;
    let (status, body) = take(&app, &asker, &id).await;
    assert_eq!((status, code_of(&body).as_str()), (StatusCode::CONFLICT, "export_not_approved"), "{body}");
    let (status, body) = approve(&app, &asker, &id).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "four_eyes_required");

    let (status, approved) = approve(&app, &second, &id).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert!(approved["expires_at"].is_string() && approved["approved_by"].is_string(), "{approved}");
    let (status, body) = approve(&app, &second, &id).await;
    assert_error(status, &body, StatusCode::CONFLICT, "already_approved");
    let (status, body) = take(&app, &second, &id).await;
    assert_eq!((status, code_of(&body).as_str()), (StatusCode::FORBIDDEN, "not_requester"), "{body}");

    let (status, csv) = take(&app, &asker, &id).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    // The 30 seeded entries, the request, the approval and the export itself (logged before it
    // ran); the refused attempts are denied, so the filter leaves them out.
    assert_eq!(rows.len(), 33, "{csv}");
    assert!(rows.iter().all(|r| r.contains(",allowed,")), "{csv}");
    assert!(rows[0].contains(",export,") && rows[1].contains(",export_approved,"), "{csv}");
    let (status, body) = take(&app, &asker, &id).await;
    assert_eq!((status, code_of(&body).as_str()), (StatusCode::CONFLICT, "export_taken"), "{body}");

    let steps = newest(&app, &second, 10).await;
    let step = |a: &str, d: &str, r: &str| (a.to_owned(), d.to_owned(), r.to_owned());
    assert_eq!(
        steps[1..9],
        [
            step("export", "denied", "export_taken"),
            step("export", "allowed", ""),
            step("export", "denied", "not_requester"),
            step("export_approved", "denied", "already_approved"),
            step("export_approved", "allowed", ""),
            step("export_approved", "denied", "four_eyes_required"),
            step("export", "denied", "export_not_approved"),
            step("export_requested", "allowed", ""),
        ],
        "{steps:?}"
    );
    assert_eq!(steps[9], step("export", "denied", "export_approval_required"));
    let (_, listed) = app.get("/api/v1/audit/exports", Some(&second)).await;
    assert_eq!(listed["items"][0]["status"], "taken", "{listed}");
    assert_eq!(listed["items"][0]["filter"]["decision"], "allowed", "{listed}");
}

#[tokio::test]
async fn an_approval_lasts_a_day() {
    let mut app = spawn_app().await;
    officer(&app).await;
    let second = officer_named(&app, "second.officer@example.org").await;
    let asker = app.login_ok("officer@example.org", OFFICER_PASSWORD).await;
    let id = ask(&app, &asker, json!({})).await;
    assert_eq!(approve(&app, &second, &id).await.0, StatusCode::OK);
    app.advance_clock(chrono::Duration::hours(24)).await;
    let asker = app.login_ok("officer@example.org", OFFICER_PASSWORD).await;
    let (status, body) = take(&app, &asker, &id).await;
    assert_eq!((status, code_of(&body).as_str()), (StatusCode::CONFLICT, "approval_expired"), "{body}");
    let (_, listed) = app.get("/api/v1/audit/exports", Some(&asker)).await;
    assert_eq!(listed["items"][0]["status"], "expired", "{listed}");
}

#[tokio::test]
async fn racing_approvals_and_downloads_change_a_request_once() {
    let app = spawn_app().await;
    let asker = officer(&app).await;
    let mut others = Vec::new();
    for email in ["b.officer@example.org", "c.officer@example.org", "d.officer@example.org"] {
        others.push(officer_named(&app, email).await);
    }
    let id = ask(&app, &asker, json!({})).await;
    let approvals = futures_util::future::join_all(others.iter().map(|t| approve(&app, t, &id))).await;
    let approved: Vec<_> = approvals.iter().filter(|(s, _)| *s == StatusCode::OK).collect();
    assert_eq!(approved.len(), 1, "{approvals:?}");
    assert!(approvals.iter().all(|(s, b)| *s == StatusCode::OK || b["error"]["code"] == "already_approved"));
    let downloads = futures_util::future::join_all((0..4).map(|_| take(&app, &asker, &id))).await;
    let taken = downloads.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(taken, 1, "{downloads:?}");
    assert!(downloads.iter().all(|(s, b)| *s == StatusCode::OK || code_of(b) == "export_taken"));
}

#[tokio::test]
async fn a_bad_request_stores_nothing_and_other_roles_are_refused_on_the_record() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    for (filter, status, code) in [
        (json!({ "decision": "maybe" }), StatusCode::UNPROCESSABLE_ENTITY, "unknown_code"),
        (json!({ "from": "yesterday" }), StatusCode::UNPROCESSABLE_ENTITY, "invalid_instant"),
    ] {
        let (got, body) = app.post("/api/v1/audit/exports", Some(&token), &filter).await;
        assert_error(got, &body, status, code);
    }
    // A subject filter is not bulk: it has no place here, and must never be stored.
    let (got, body) =
        app.post("/api/v1/audit/exports", Some(&token), &json!({ "subject_identifier": "11010519491231002X" })).await;
    assert!(got.is_client_error(), "{got}: {body}");
    assert!(!body.to_string().contains("11010519491231002X"), "{body}");
    let (_, listed) = app.get("/api/v1/audit/exports", Some(&token)).await;
    assert_eq!(listed["items"], json!([]), "{listed}");

    let (status, body) = app.post("/api/v1/audit/exports", Some(&app.admin_token), &json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    let (status, body) = app.get("/api/v1/audit/exports", Some(&app.admin_token)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    // The newest entry is the officer's own read of the log; the refusal is just before it.
    let refused = newest(&app, &token, 2).await;
    assert_eq!(refused[1], ("export_requested".into(), "denied".into(), "forbidden_role".into()));
}
