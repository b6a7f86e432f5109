//! Organizations and accounts: validation, bindings, duplicates.

use crate::helpers::{assert_error, resident_id, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn organization_kinds_are_a_closed_list() {
    let app = spawn_app().await;
    for kind in [
        "administrative_organ",
        "judicial_organ",
        "public_service_organization",
        "financial_institution",
        "credit_service_institution",
        "association",
        "enterprise",
    ] {
        app.create_organization(&format!("org {kind}"), kind).await;
    }
    let (status, body) = app
        .post("/api/v1/admin/organizations", Some(&app.admin_token), &json!({ "name": "x", "kind": "church" }))
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "unknown_code");
    assert_eq!(body["error"]["field"], "kind");
}

#[tokio::test]
async fn account_rules_are_enforced_with_field_names() {
    let app = spawn_app().await;
    let org = app.create_organization("某银行南京分行", "financial_institution").await;
    let cases = [
        (json!({ "email": "a@example.org", "password": "short", "role": "officer" }), "weak_password", "password"),
        (
            json!({ "email": "not-an-email", "password": "a-long-password-1", "role": "officer" }),
            "invalid_email",
            "email",
        ),
        (
            json!({ "email": "b@example.org", "password": "a-long-password-1", "role": "requester" }),
            "missing_field",
            "organization_id",
        ),
        (
            json!({ "email": "c@example.org", "password": "a-long-password-1", "role": "officer", "organization_id": org }),
            "unexpected_field",
            "organization_id",
        ),
        (
            json!({ "email": "d@example.org", "password": "a-long-password-1", "role": "subject" }),
            "missing_field",
            "subject_identifier",
        ),
        (
            json!({ "email": "e@example.org", "password": "a-long-password-1", "role": "subject", "subject_identifier": "320102199001011234" }),
            "invalid_identifier",
            "subject_identifier",
        ),
        (
            json!({ "email": "f@example.org", "password": "a-long-password-1", "role": "requester", "organization_id": "no-such-org" }),
            "unknown_organization",
            "organization_id",
        ),
    ];
    for (body, code, field) in cases {
        let (status, answer) = app.post("/api/v1/admin/accounts", Some(&app.admin_token), &body).await;
        assert_error(status, &answer, StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
}

#[tokio::test]
async fn a_subject_account_binds_to_its_subject_and_emails_are_unique_case_insensitively() {
    let app = spawn_app().await;
    let identifier = resident_id(7);
    let body = json!({
        "email": "Person@Example.org", "password": "a-long-password-1", "role": "subject",
        "subject_identifier": identifier, "subject_kind": "natural_person", "subject_name": "张三",
    });
    let token = app.account_with_token(body).await;
    assert!(!token.is_empty());
    let (status, answer) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&app.admin_token),
            &json!({ "email": "person@example.org", "password": "a-long-password-2", "role": "officer" }),
        )
        .await;
    assert_error(status, &answer, StatusCode::CONFLICT, "email_taken");
}

/// The administrator lists staff accounts with their e-mail addresses opened; subjects'
/// accounts (a person's data) are not listed; no other role may list.
#[tokio::test]
async fn staff_accounts_are_listed_for_the_admin_without_subjects() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let subject = app.subject_account(&resident_id(41), "natural_person").await;
    let credentials = |token: &str| app.credentials.lock().expect("lock").get(token).cloned().expect("credentials");
    let (provider_email, _) = credentials(&provider);
    let (subject_email, _) = credentials(&subject);

    let (status, page) = app.get("/api/v1/admin/accounts", Some(&app.admin_token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let emails: Vec<&str> =
        page["items"].as_array().expect("items").iter().map(|a| a["email"].as_str().expect("email")).collect();
    assert!(emails.contains(&"admin@localhost") && emails.contains(&provider_email.as_str()), "{page}");
    assert!(!emails.contains(&subject_email.as_str()), "no subject account: {page}");
    assert!(page["items"].as_array().expect("items").iter().all(|a| a["role"] != "subject"));

    // One per page: the cursor reaches the second.
    let (_, first) = app.get("/api/v1/admin/accounts?limit=1", Some(&app.admin_token)).await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let (_, second) = app.get(&format!("/api/v1/admin/accounts?limit=1&after={cursor}"), Some(&app.admin_token)).await;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);

    let (status, body) = app.get("/api/v1/admin/accounts", Some(&provider)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
}

/// Opens an account as the admin; returns (account id, a session token of it).
async fn opened(app: &crate::helpers::TestApp, body: serde_json::Value) -> (String, String) {
    let (status, created) = app.post("/api/v1/admin/accounts", Some(&app.admin_token), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token =
        app.login_ok(body["email"].as_str().expect("email"), body["password"].as_str().expect("password")).await;
    (created["id"].as_str().expect("id").to_owned(), token)
}

async fn a_provider(app: &crate::helpers::TestApp) -> (String, String) {
    let organization = app.create_organization("南京市市场监督管理局", "administrative_organ").await;
    opened(app, json!({
        "email": "batch@example.org", "password": "a-long-password-1", "role": "provider", "organization_id": organization,
    }))
    .await
}

/// An administrator issues a long-lived token for a provider's system: it outlives sessions,
/// works until its own expiry, and stops at once when the account is disabled.
#[tokio::test]
async fn a_machine_token_outlives_sessions_until_its_expiry_or_the_account_is_disabled() {
    let app = spawn_app().await;
    let (account, session) = a_provider(&app).await;
    let path = format!("/api/v1/admin/accounts/{account}/tokens");
    let (status, issued) = app.post(&path, Some(&app.admin_token), &json!({ "valid_days": 30 })).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let machine = issued["token"].as_str().expect("token").to_owned();
    assert!(issued["expires_at"].as_str().expect("expiry").ends_with('Z'));

    app.clock.advance(chrono::Duration::days(29));
    let (status, body) = app.get("/api/v1/records", Some(&session)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");
    let (status, body) = app.get("/api/v1/records", Some(&machine)).await;
    assert_eq!(status, StatusCode::OK, "the machine token still works: {body}");

    app.clock.advance(chrono::Duration::days(2));
    let (status, body) = app.get("/api/v1/records", Some(&machine)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");

    // A fresh one stops the moment its account is disabled.
    let admin = app.login_ok("admin@localhost", &app.admin_password).await;
    let (_, issued) = app.post(&path, Some(&admin), &json!({ "valid_days": 30 })).await;
    let machine = issued["token"].as_str().expect("token").to_owned();
    let (status, _) = app.post(&format!("/api/v1/admin/accounts/{account}/disable"), Some(&admin), &json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/v1/records", Some(&machine)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "account_disabled");
}

#[tokio::test]
async fn machine_tokens_are_refused_to_people_and_out_of_range_lifetimes() {
    let app = spawn_app().await;
    let (provider_id, provider) = a_provider(&app).await;
    let (subject_id, _) = opened(
        &app,
        json!({
            "email": "person@example.org", "password": "a-long-password-1", "role": "subject",
            "subject_identifier": resident_id(43), "subject_kind": "natural_person",
        }),
    )
    .await;
    let (admin_id, _) =
        opened(&app, json!({ "email": "second-admin@example.org", "password": "a-long-password-1", "role": "admin" }))
            .await;
    let issue = |id: &str, days: i64, token: &str| {
        let (path, token) = (format!("/api/v1/admin/accounts/{id}/tokens"), token.to_owned());
        let app = &app;
        async move { app.post(&path, Some(&token), &json!({ "valid_days": days })).await }
    };
    let admin = app.admin_token.clone();
    let (status, body) = issue(&subject_id, 30, &admin).await;
    assert_error(status, &body, StatusCode::CONFLICT, "no_machine_token_for_role");
    let (status, body) = issue(&admin_id, 30, &admin).await;
    assert_error(status, &body, StatusCode::CONFLICT, "no_machine_token_for_role");
    for days in [0, 367] {
        let (status, body) = issue(&provider_id, days, &admin).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_valid_days");
    }
    let (status, body) = issue("no-such-account", 30, &admin).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = issue(&provider_id, 30, &provider).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
}

/// `credit-platform accounts token --email` prints a working token once; a person's account is
/// refused with the API's code.
#[tokio::test]
async fn the_cli_issues_a_machine_token_by_e_mail() {
    let app = spawn_app().await;
    a_provider(&app).await;
    let run = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_credit-platform"))
            .args(["accounts", "token", "--email", email, "--days", "30"])
            .args(["--data-dir", app.data_dir.path().to_str().expect("path")])
            .args(["--database-url", &app.database.url()])
            .args(["--policies", concat!(env!("CARGO_MANIFEST_DIR"), "/policies")])
            .env_remove("CREDIT_MASTER_KEY")
            .output()
            .expect("the binary runs")
    };
    let output = run("Batch@Example.org");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    let token = stdout
        .lines()
        .find_map(|line| line.strip_prefix("machine token (shown once): "))
        .expect("the token line")
        .to_owned();
    let (status, body) = app.get("/api/v1/records", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    app.subject_account(&resident_id(44), "natural_person").await;
    let subject_email =
        app.credentials.lock().expect("lock").values().find(|(e, _)| e.starts_with("subject-")).cloned();
    let (subject_email, _) = subject_email.expect("the subject's e-mail");
    let refused = run(&subject_email);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no_machine_token_for_role"));
}
