//! Credentials from the administrator portal: a machine token issued from a staff account's
//! row is shown once (no-store, in no URL, not on the page afterwards) and works against the
//! API; a bad validity or a missing CSRF token issues nothing. A data subject's account, which
//! the page never lists, is disabled by its e-mail address; an unknown address is a 404 that
//! does not echo what was typed.

use super::admin::{admin_browser, post};
use super::{csrf_of, page};
use crate::helpers::{TestApp, resident_id, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, LOCATION};

/// The `action` of the token form in the row that lists `email`.
fn token_action(html: &str, email: &str) -> String {
    let row = &html[html.find(&format!("<td>{email}</td>")).expect("the account's row")..];
    let row = &row[..row.find("</tr>").expect("end of row")];
    let action = row.split(r#"action=""#).find(|a| a.contains("/tokens")).expect("a token form");
    action.split('"').next().expect("action").to_owned()
}

fn credentials_of(app: &TestApp, token: &str) -> (String, String) {
    app.credentials.lock().expect("lock").get(token).cloned().expect("credentials")
}

#[tokio::test]
async fn a_machine_token_is_shown_once_and_works_against_the_api() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let (email, _) = credentials_of(&app, &provider);
    let client = admin_browser(&app).await;
    let (_, html) = page(&app, &client, "/ui/admin").await;
    let own = &html[html.find("<td>admin@localhost</td>").expect("the admin's own row")..];
    assert!(!own[..own.find("</tr>").expect("end")].contains("/tokens"), "no token for an administrator");
    let action = token_action(&html, &email);
    let csrf = csrf_of(&html);

    let forged = post(&app, &client, &action, &[("csrf", "0".repeat(64).as_str()), ("valid_days", "30")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    for bad in ["0", "367", "thirty"] {
        let refused = post(&app, &client, &action, &[("csrf", &csrf), ("valid_days", bad)]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let body = refused.text().await.expect("body");
        assert!(!body.contains("machine_token\""), "nothing issued for {bad}: {body}");
    }

    let issued = post(&app, &client, &action, &[("csrf", &csrf), ("valid_days", "30")]).await;
    assert_eq!(issued.status(), StatusCode::OK);
    assert_eq!(issued.headers()[CACHE_CONTROL], "no-store");
    let body = issued.text().await.expect("body");
    assert!(body.contains("<h1>机器令牌已签发</h1>"), "{body}");
    let start = body.find(r#"id="machine_token" readonly value=""#).expect("the token field")
        + r#"id="machine_token" readonly value=""#.len();
    let token = body[start..].split('"').next().expect("token").to_owned();
    assert!(token.len() >= 32, "{token}");
    let (status, answer) = app.get("/api/v1/records", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "the token works as the provider: {answer}");
    let (_, html) = page(&app, &client, "/ui/admin").await;
    assert!(!html.contains(&token), "the admin page does not show it again");
}

#[tokio::test]
async fn a_subjects_account_is_disabled_by_its_email() {
    let app = spawn_app().await;
    let subject = app.subject_account(&resident_id(71), "natural_person").await;
    let (email, password) = credentials_of(&app, &subject);
    let client = admin_browser(&app).await;
    let (_, html) = page(&app, &client, "/ui/admin").await;
    assert!(!html.contains(&email), "subjects' accounts are not listed");
    let csrf = csrf_of(&html);

    let forged = "0".repeat(64);
    let forged = post(&app, &client, "/ui/admin/accounts/disable", &[("csrf", &forged), ("email", &email)]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let unknown = [("csrf", csrf.as_str()), ("email", "nobody@example.org")];
    let unknown = post(&app, &client, "/ui/admin/accounts/disable", &unknown).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(!unknown.text().await.expect("body").contains("nobody@"), "the address is not echoed");
    let (status, _) = app.login(&email, &password).await;
    assert_eq!(status, StatusCode::OK, "nothing was disabled yet");

    // The address as typed by a person: case and spaces do not matter.
    let typed = format!("  {}  ", email.to_uppercase());
    let disabled = post(&app, &client, "/ui/admin/accounts/disable", &[("csrf", &csrf), ("email", &typed)]).await;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    assert_eq!(disabled.headers()[LOCATION], "/ui/admin?done=disabled");
    let (status, _) = app.login(&email, &password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("/api/v1/me/records", Some(&subject)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "its session stopped working at once");
}
