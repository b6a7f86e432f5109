//! The administrator portal `/ui/admin` over HTTP with a cookie-keeping client: the admin
//! lands on it; an organization registered through its form is listed (escaped) and known to
//! the API; an account opened through its form can sign in to its own portal; a weak password
//! is refused with the API's code and opens nothing; a form without the CSRF token changes
//! nothing; another role gets the 403 page and cannot post either form; an organization's row
//! links to the account form with it chosen, from any page of the list.

use super::{CANARY, browser_like, csrf_of, page, sign_in};
use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;

/// The admin, signed in through the portal; asserts the landing page.
pub(super) async fn admin_browser(app: &TestApp) -> reqwest::Client {
    let client = browser_like();
    let signed = sign_in(app, &client, "admin@localhost", &app.admin_password).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed.headers()[LOCATION], "/ui/admin");
    client
}

pub(super) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(fields).send().await.expect("sent")
}

/// The organizations the API lists, by name.
async fn listed_names(app: &TestApp) -> Vec<String> {
    let (status, page) = app.get("/api/v1/admin/organizations?limit=200", Some(&app.admin_token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().expect("items").iter().map(|o| o["name"].as_str().expect("name").to_owned()).collect()
}

fn organization_id_named(html: &str, name_escaped: &str) -> String {
    let at = html.find(name_escaped).expect("the organization's row");
    let rest = &html[at..];
    let start = rest.find("<code>").expect("its id") + "<code>".len();
    rest[start..].split('<').next().expect("end of id").to_owned()
}

#[tokio::test]
async fn the_admin_registers_an_organization_and_opens_an_account_that_can_sign_in() {
    let app = spawn_app().await;
    let client = admin_browser(&app).await;
    let (status, html) = page(&app, &client, "/ui/admin").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1>平台管理</h1>"), "{html}");
    assert!(html.contains(r#"<option value="administrative_organ">行政机关</option>"#), "{html}");
    let csrf = csrf_of(&html);

    let name = format!("南京市{CANARY}局");
    let registered = post(
        &app,
        &client,
        "/ui/admin/organizations",
        &[("csrf", &csrf), ("name", &name), ("kind", "administrative_organ")],
    )
    .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(registered.headers()[LOCATION], "/ui/admin?done=organization");
    assert!(listed_names(&app).await.contains(&name));
    let (_, html) = page(&app, &client, "/ui/admin?done=organization").await;
    assert!(html.contains("机构已登记。"), "{html}");
    assert!(!html.contains(CANARY), "the name is escaped: {html}");
    let escaped = "&#60;script&#62;";
    assert!(html.contains(escaped), "{html}");
    let organization_id = organization_id_named(&html, escaped);

    let email = "new-provider@example.org";
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", "a-long-password-1"),
        ("role", "provider"),
        ("organization_id", organization_id.as_str()),
        ("subject_identifier", ""),
        ("subject_kind", ""),
    ];
    let opened = post(&app, &client, "/ui/admin/accounts", &fields).await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()[LOCATION], "/ui/admin?done=account");
    let provider = browser_like();
    let signed = sign_in(&app, &provider, email, "a-long-password-1").await;
    assert_eq!(signed.headers()[LOCATION], "/ui/provider", "the new account lands on its own portal");
    let (_, english) = page(&app, &client, "/ui/admin?lang=en").await;
    assert!(english.contains("<h1>Platform administration</h1>"), "{english}");
    assert!(english.contains(">compliance officer</option>") && english.contains("<td>new-provider@example.org</td>"));
}

#[tokio::test]
async fn a_weak_password_is_refused_with_the_api_code_and_opens_nothing() {
    let app = spawn_app().await;
    let client = admin_browser(&app).await;
    let (_, html) = page(&app, &client, "/ui/admin").await;
    let csrf = csrf_of(&html);
    let fields =
        [("csrf", csrf.as_str()), ("email", "officer@example.org"), ("password", "short"), ("role", "officer")];
    let refused = post(&app, &client, "/ui/admin/accounts", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.expect("body");
    assert!(body.contains("12"), "the API's message names the minimum: {body}");
    assert!(!body.contains("short"), "the input is not echoed: {body}");
    let (status, _) = app.login("officer@example.org", "short").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // An unknown role is refused the same way, before anything is stored.
    let fields =
        [("csrf", csrf.as_str()), ("email", "x@example.org"), ("password", "a-long-password-1"), ("role", "root")];
    assert_eq!(post(&app, &client, "/ui/admin/accounts", &fields).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.login("x@example.org", "a-long-password-1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_form_without_its_token_changes_nothing() {
    let app = spawn_app().await;
    let client = admin_browser(&app).await;
    let forged = post(
        &app,
        &client,
        "/ui/admin/organizations",
        &[("csrf", "0".repeat(64).as_str()), ("name", "伪造机构"), ("kind", "enterprise")],
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(!listed_names(&app).await.contains(&"伪造机构".to_owned()));
}

#[tokio::test]
async fn another_role_gets_the_403_page_and_cannot_post() {
    let app = spawn_app().await;
    let officer = app
        .account_with_token(serde_json::json!({
            "email": "officer-admin-page@example.org", "password": "a-long-password-1", "role": "officer",
        }))
        .await;
    let (email, password) = app.credentials.lock().expect("lock").get(&officer).cloned().expect("credentials");
    let client = browser_like();
    let signed = sign_in(&app, &client, &email, &password).await;
    assert_eq!(signed.headers()[LOCATION], "/ui/officer");
    let (status, html) = page(&app, &client, "/ui/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    let (_, officer_page) = page(&app, &client, "/ui/officer").await;
    let csrf = csrf_of(&officer_page);
    let tried = post(
        &app,
        &client,
        "/ui/admin/organizations",
        &[("csrf", &csrf), ("name", "越权机构"), ("kind", "enterprise")],
    )
    .await;
    assert_eq!(tried.status(), StatusCode::FORBIDDEN);
    let names: Vec<Value> = listed_names(&app).await.into_iter().map(Value::from).collect();
    assert!(!names.contains(&Value::from("越权机构")));
}

#[tokio::test]
async fn the_admin_disables_a_staff_account_from_its_row() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let (email, password) = app.credentials.lock().expect("lock").get(&provider).cloned().expect("credentials");
    let client = admin_browser(&app).await;
    let (_, html) = page(&app, &client, "/ui/admin").await;
    assert!(html.contains(&format!("<td>{email}</td>")), "the provider's e-mail is listed: {html}");
    let own = &html[html.find("<td>admin@localhost</td>").expect("the admin's own row")..];
    let own = &own[..own.find("</tr>").expect("end of row")];
    assert!(!own.contains("/disable"), "no button to disable oneself: {own}");
    let row = &html[html.find(&format!("<td>{email}</td>")).expect("row")..];
    let action = row.split(r#"action=""#).nth(1).expect("a disable form").split('"').next().expect("action");
    assert!(action.starts_with("/ui/admin/accounts/") && action.ends_with("/disable"), "{action}");

    // Without the form's token nothing happens.
    let forged = post(&app, &client, action, &[("csrf", "0".repeat(64).as_str())]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (status, _) = app.login(&email, &password).await;
    assert_eq!(status, StatusCode::OK);

    let disabled = post(&app, &client, action, &[("csrf", csrf_of(&html).as_str())]).await;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    assert_eq!(disabled.headers()[LOCATION], "/ui/admin?done=disabled");
    let (status, body) = app.get("/api/v1/records", Some(&provider)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "its token stopped working: {body}");
    let (status, _) = app.login(&email, &password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, html) = page(&app, &client, "/ui/admin?done=disabled").await;
    assert!(html.contains("账户已停用"), "{html}");
}

#[tokio::test]
async fn an_account_opens_in_an_organization_beyond_the_first_page() {
    let app = spawn_app().await;
    for n in 0..100 {
        app.create_organization(&format!("机构{n}"), "enterprise").await;
    }
    // Ids grow with time: the newest is not on the first page of 100.
    let last = app.create_organization("第一百零一个机构", "financial_institution").await;
    let client = admin_browser(&app).await;
    let (_, first) = page(&app, &client, "/ui/admin").await;
    assert!(!first.contains(&format!(r#"<option value="{last}""#)), "not on the first page");
    assert!(first.contains("/ui/admin?after="), "the list goes on: {first}");

    let (status, chosen) = page(&app, &client, &format!("/ui/admin?organization={last}")).await;
    assert_eq!(status, StatusCode::OK, "{chosen}");
    assert!(chosen.contains(&format!(r#"<option value="{last}" selected>第一百零一个机构</option>"#)), "{chosen}");
    let fields = [
        ("csrf", csrf_of(&chosen)),
        ("email", "bank-clerk@example.org".to_owned()),
        ("password", "a-long-password-1".to_owned()),
        ("role", "requester".to_owned()),
        ("organization_id", last.clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&app, &client, "/ui/admin/accounts", &fields).await.status(), StatusCode::SEE_OTHER);
    let (status, session) = app.login("bank-clerk@example.org", "a-long-password-1").await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let (_, accounts) = app.get("/api/v1/admin/accounts?limit=200", Some(&app.admin_token)).await;
    let opened = accounts["items"].as_array().expect("items").iter().find(|a| a["email"] == "bank-clerk@example.org");
    assert_eq!(opened.expect("listed")["organization_id"], last.as_str(), "{accounts}");

    let (status, _) = page(&app, &client, "/ui/admin?organization=no-such-organization").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
