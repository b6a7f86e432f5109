//! A real browser: headless Chromium driven over the WebDriver HTTP protocol (plain JSON calls
//! with reqwest). A subject signs in through the form, sees its record and writes a statement
//! through the records page's form; a provider signs in through the same form, lands on its
//! inbox, opens the subject's objection and decides it; the admin registers an organization
//! and issues a machine token from a provider's row. Skipped with a notice when
//! `/usr/bin/chromium` or `/usr/bin/chromedriver` is missing (the client: `webdriver.rs`).

use super::subject_with_record;
use super::webdriver::{Driver, browser_missing, open};
use crate::helpers::spawn_app;
use crate::objections::case;
use serde_json::json;

#[tokio::test]
async fn a_real_browser_signs_in_and_sees_its_record() {
    if browser_missing() {
        return;
    }
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 11).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let session = open(&driver, profile.path()).await;

    let source = session.sign_in(app.url("/ui/login"), &email, &password, "/ui/me").await;
    assert!(source.contains("我的信用记录"), "{source}");
    assert!(source.contains("宁市监罚〔2026〕101号"), "{source}");
    assert!(source.contains("&lt;script&gt;"), "the canary stays text in the browser: {source}");

    // The statement form (inside a closed <details>): open it, write, submit; the CSP's
    // `form-action 'self'` lets the post and its 303 through.
    session.click("details.statement-form > summary").await;
    session.type_into("#statement-1", "浏览器里写的声明").await;
    session.click("form.statement button[type=submit]").await;
    let source = session.source_at("/ui/me?done=statement").await;
    assert!(source.contains("声明已保存。") && source.contains("<dd>浏览器里写的声明</dd>"), "{source}");
    session.close().await;
}

#[tokio::test]
async fn a_provider_decides_an_objection_in_a_real_browser() {
    if browser_missing() {
        return;
    }
    let case = case().await;
    let record = case.record().await;
    let body = json!({
        "record_id": record, "ground": "error_or_omission", "fields": ["fine_amount"], "statement": "罚款金额有误",
    });
    let (status, filed) = case.app.post("/api/v1/objections", Some(&case.subject), &body).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{filed}");
    let id = filed["id"].as_str().expect("objection id").to_owned();
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let session = open(&driver, profile.path()).await;

    let inbox =
        session.sign_in(case.app.url("/ui/login"), &case.provider_email, "a-long-password-1", "/ui/provider").await;
    assert!(inbox.contains("异议处理") && inbox.contains("罚款金额（元）"), "{inbox}");
    session.click(&format!("a[href='/ui/provider/objections/{id}']")).await;
    let page = session.source_at(&format!("/ui/provider/objections/{id}")).await;
    assert!(page.contains("罚款金额有误"), "the subject's statement: {page}");
    session.click("#outcome-upheld").await;
    session.type_into("#decision-reason", "经核实，原记录无误").await;
    session.click("section[aria-labelledby=decide] button[type=submit]").await;
    let decided = session.source_at("?done=decided").await;
    assert!(decided.contains("处理决定已提交。"), "{decided}");
    session.close().await;
    // The decision reached the workflow: the API shows the objection decided as upheld.
    let view = case.objection(&case.provider, &id).await;
    assert_eq!(view["outcome"], "upheld", "{view}");
}

#[tokio::test]
async fn an_officer_reviews_the_log_and_verifies_the_chain_in_a_real_browser() {
    if browser_missing() {
        return;
    }
    let case = case().await;
    // The provider's read of its record is an access-log entry to review.
    let record = case.record().await;
    let (status, _) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let session = open(&driver, profile.path()).await;

    let log = session.sign_in(case.app.url("/ui/login"), &case.officer_email, "a-long-password-1", "/ui/officer").await;
    assert!(log.contains("访问日志审查") && log.contains("<table"), "{log}");
    session.click("a[href='/ui/officer/integrity']").await;
    session.source_at("/ui/officer/integrity").await;
    session.click("form[action='/ui/officer/verify'] button[type=submit]").await;
    let report = session.source_at("/ui/officer/verify").await;
    assert!(report.contains(r#"data-ok="true""#) && report.contains("日志链完整，未发现篡改。"), "{report}");
    session.close().await;
}

#[tokio::test]
async fn the_admin_registers_an_organization_in_a_real_browser() {
    if browser_missing() {
        return;
    }
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let (email, _) = app.credentials.lock().expect("lock").get(&provider).cloned().expect("credentials");
    let (_, accounts) = app.get("/api/v1/admin/accounts?limit=200", Some(&app.admin_token)).await;
    let listed = accounts["items"].as_array().expect("items").iter().find(|a| a["email"] == email.as_str());
    let provider_id = listed.expect("the provider's account")["id"].as_str().expect("id").to_owned();
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let session = open(&driver, profile.path()).await;

    let page = session.sign_in(app.url("/ui/login"), "admin@localhost", &app.admin_password, "/ui/admin").await;
    assert!(page.contains("<h1>平台管理</h1>"), "{page}");
    session.type_into("#organization_name", "南京市浏览器测试局").await;
    session.click("form[action='/ui/admin/organizations'] button[type=submit]").await;
    let listed = session.source_at("/ui/admin?done=organization").await;
    assert!(listed.contains("机构已登记。") && listed.contains("<td>南京市浏览器测试局</td>"), "{listed}");

    // A machine token from the provider's row: shown once, and it works against the API.
    session.click(&format!("form[action='/ui/admin/accounts/{provider_id}/tokens'] button[type=submit]")).await;
    let issued = session.source_at("/tokens").await;
    assert!(issued.contains("<h1>机器令牌已签发</h1>"), "{issued}");
    let marker = r#"id="machine_token" readonly="" value=""#;
    let start = issued.find(marker).expect("the token field") + marker.len();
    let token = issued[start..].split('"').next().expect("token");
    let (status, body) = app.get("/api/v1/records", Some(token)).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    session.close().await;
}
