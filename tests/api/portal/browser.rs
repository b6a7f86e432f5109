//! A real browser: headless Chromium driven over the WebDriver HTTP protocol (plain JSON calls
//! with reqwest). A subject signs in through the form, sees its record and writes a statement
//! through the records page's form; a provider signs in through the same form, lands on its
//! inbox, opens the subject's objection and decides it; the admin registers an organization
//! and issues a machine token from a provider's row. Skipped with a notice when
//! `/usr/bin/chromium` or `/usr/bin/chromedriver` is missing.

use super::subject_with_record;
use crate::helpers::spawn_app;
use crate::objections::case;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The chromedriver process this test started; killed (by its handle) when dropped.
struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, base: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new() };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = driver.http.get(format!("{}/status", driver.base)).send().await;
            if let Ok(response) = ready
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == true
            {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("webdriver call sent");
        let status = response.status();
        let body: Value = response.json().await.expect("webdriver JSON");
        assert!(status.is_success(), "webdriver {path}: {status} {body}");
        body["value"].clone()
    }
}

/// One browser session; `path`s are relative to it.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    async fn post(&self, path: &str, body: Value) -> Value {
        self.driver.call(reqwest::Method::POST, &format!("/session/{}{path}", self.id), Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.driver.call(reqwest::Method::GET, &format!("/session/{}{path}", self.id), None).await
    }

    async fn element(&self, css: &str) -> String {
        let found = self.post("/element", json!({ "using": "css selector", "value": css })).await;
        found[ELEMENT].as_str().expect("element id").to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/value"), json!({ "text": text })).await;
    }

    async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/click"), json!({})).await;
    }

    /// Waits until the browser's address ends with `suffix`; returns the page source.
    async fn source_at(&self, suffix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.get("/url").await;
            if url.as_str().is_some_and(|u| u.ends_with(suffix)) {
                return self.get("/source").await.as_str().expect("page source").to_owned();
            }
            assert!(Instant::now() < deadline, "the browser never reached {suffix} (at {url})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in through the form at `login_url`; returns the landing page's source.
    async fn sign_in(&self, login_url: String, email: &str, password: &str, landing: &str) -> String {
        self.post("/url", json!({ "url": login_url })).await;
        assert_eq!(self.get("/title").await, json!("登录 · 公共信用信息平台"));
        self.type_into("#email", email).await;
        self.type_into("#password", password).await;
        self.click("#submit").await;
        self.source_at(landing).await
    }

    async fn close(self) {
        self.driver.call(reqwest::Method::DELETE, &format!("/session/{}", self.id), None).await;
    }
}

fn browser_missing() -> bool {
    let missing = !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists();
    if missing {
        eprintln!("NOTICE: {CHROMIUM} or {CHROMEDRIVER} missing; the real-browser portal test is skipped");
    }
    missing
}

/// A headless Chromium session with a fresh profile in `profile`.
async fn open<'d>(driver: &'d Driver, profile: &std::path::Path) -> Session<'d> {
    let args = [
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let capabilities = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
    }}});
    let created = driver.call(reqwest::Method::POST, "/session", Some(capabilities)).await;
    Session { driver, id: created["sessionId"].as_str().expect("session id").to_owned() }
}

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
