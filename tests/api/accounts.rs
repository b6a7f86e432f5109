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
