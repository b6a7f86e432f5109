//! Foundation: probes, first admin, login and token failures, role checks, error shape.

use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_and_readiness_answer_200_on_a_fresh_platform() {
    let app = spawn_app().await;
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["database"], true);
    let expected = if app.database.is_postgres() { "postgres" } else { "sqlite" };
    assert_eq!(body["backend"], expected);
}

#[tokio::test]
async fn metrics_count_access_log_commits_in_prometheus_text() {
    let app = spawn_app().await;
    let (_, token) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let body = json!({ "subject_identifier": crate::helpers::resident_id(1), "purpose": "supervision" });
    assert_eq!(app.post("/api/v1/queries", Some(&token), &body).await.0, StatusCode::OK);
    let text = app.client.get(app.url("/metrics")).send().await.expect("sent").text().await.expect("body");
    let entries: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("credit_audit_entries_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the writer's entry counter");
    assert!(entries >= 1, "{text}");
    assert!(text.contains("# TYPE credit_outbox_pending gauge"), "{text}");
}

#[tokio::test]
async fn first_start_writes_the_key_and_admin_password_files_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    for name in ["master.key", "initial-admin-password"] {
        let meta = std::fs::metadata(app.data_dir.path().join(name)).expect(name);
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name} must be 0600");
    }
    // spawn_app already logged in with the file's password; the token works.
    let (status, body) = app.get("/api/v1/admin/organizations", Some(&app.admin_token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["items"].is_array());
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    let (status, wrong) = app.login("admin@localhost", "not the password").await;
    assert_error(status, &wrong, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let (status, unknown) = app.login("nobody@example.org", "whatever-password").await;
    assert_error(status, &unknown, StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(wrong, unknown, "the answers must not tell which accounts exist");
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_429() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (status, _) = app.login("victim@example.org", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.login("victim@example.org", "guess").await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}

#[tokio::test]
async fn disabled_accounts_cannot_log_in_and_their_tokens_stop_working() {
    let app = spawn_app().await;
    let (status, created) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&app.admin_token),
            &json!({ "email": "officer@example.org", "password": "a-long-password-1", "role": "officer" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token = app.login_ok("officer@example.org", "a-long-password-1").await;
    let id = created["id"].as_str().expect("id");
    let (status, _) =
        app.post(&format!("/api/v1/admin/accounts/{id}/disable"), Some(&app.admin_token), &json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, body) = app.login("officer@example.org", "a-long-password-1").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "account_disabled");
    let (status, body) = app.get("/api/v1/admin/organizations", Some(&token)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "account_disabled");
}

#[tokio::test]
async fn unknown_missing_expired_and_logged_out_tokens_get_401() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/admin/organizations", None).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
    let (status, body) = app.get("/api/v1/admin/organizations", Some("made-up-token")).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");

    let token = app.login_ok("admin@localhost", &admin_password(&app)).await;
    app.clock.advance(chrono::Duration::minutes(481));
    let (status, body) = app.get("/api/v1/admin/organizations", Some(&token)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");

    let fresh = app.login_ok("admin@localhost", &admin_password(&app)).await;
    let response = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&fresh).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/v1/admin/organizations", Some(&fresh)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
}

fn admin_password(app: &crate::helpers::TestApp) -> String {
    app.admin_password.clone()
}

#[tokio::test]
async fn non_admins_calling_admin_endpoints_get_403() {
    let app = spawn_app().await;
    let org = app.create_organization("南京市市场监督管理局", "administrative_organ").await;
    let provider = app
        .account_with_token(json!({
            "email": "provider@example.org", "password": "a-long-password-2",
            "role": "provider", "organization_id": org,
        }))
        .await;
    let (status, body) =
        app.post("/api/v1/admin/organizations", Some(&provider), &json!({ "name": "x", "kind": "enterprise" })).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    let (status, body) = app
        .post(
            "/api/v1/admin/accounts",
            Some(&provider),
            &json!({ "email": "e@example.org", "password": "a-long-password-3", "role": "admin" }),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
}

#[tokio::test]
async fn malformed_bodies_and_unknown_routes_answer_the_error_shape_without_echoing_input() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": \"secret-canary@x\", ")
        .send()
        .await
        .expect("sent");
    let (status, body) = crate::helpers::read(response).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_json");
    assert!(!body.to_string().contains("secret-canary"));

    let (status, body) = app.post("/api/v1/auth/login", None, &json!({ "email": 5, "password": "x" })).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_body");

    let (status, body) = app.get("/api/v1/no-such-thing", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

/// Every operation the OpenAPI document lists exists: called without credentials or body it
/// answers anything but the unknown-route 404.
#[tokio::test]
async fn every_documented_operation_exists() {
    let app = spawn_app().await;
    let (status, document) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    for (method, path) in credit_platform::web::openapi::documented() {
        let concrete = path.replace("{id}", "00000000-0000-7000-8000-000000000000").replace("{evidence_id}", "e");
        let url = app.url(&format!("/api/v1{concrete}"));
        let request = match method {
            "get" => app.client.get(url),
            "post" => app.client.post(url),
            "patch" => app.client.patch(url),
            "delete" => app.client.delete(url),
            other => panic!("unexpected method {other}"),
        };
        let response = request.send().await.expect("sent");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let unknown_route = status == StatusCode::NOT_FOUND && body.contains("route not found");
        assert!(!unknown_route, "{method} {path} is documented but not served");
        assert!(document["paths"][format!("/api/v1{path}")][method].is_object(), "{method} {path}");
    }
}

/// `credit-platform demo` populates a throwaway folder with an account of every role, a
/// subject's records and an authorization, then serves.
#[tokio::test]
async fn the_demo_command_creates_an_account_of_every_role_and_serves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_credit-platform"))
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir", dir.path().to_str().expect("path")])
        .args(["--policies", concat!(env!("CARGO_MANIFEST_DIR"), "/policies")])
        .env_remove("CREDIT_MASTER_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let file = dir.path().join("demo-accounts.txt");
    let mut text = String::new();
    for _ in 0..300 {
        text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.lines().count() >= 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    for role in ["provider", "requester", "officer", "subject"] {
        assert!(text.lines().any(|l| l.starts_with(role)), "no {role} account in: {text}");
    }
    assert!(text.contains("2 records"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).expect("file").permissions().mode() & 0o777, 0o600);
}
