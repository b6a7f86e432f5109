//! A real browser: headless Chromium driven over the WebDriver HTTP protocol (plain JSON calls
//! with reqwest) signs in through the form and sees its record. Skipped with a notice when
//! `/usr/bin/chromium` or `/usr/bin/chromedriver` is missing. After sign-in it writes a
//! statement through the records page's form and sees it saved.

use super::subject_with_record;
use crate::helpers::spawn_app;
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
}

#[tokio::test]
async fn a_real_browser_signs_in_and_sees_its_record() {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        eprintln!("NOTICE: {CHROMIUM} or {CHROMEDRIVER} missing; the real-browser portal test is skipped");
        return;
    }
    let app = spawn_app().await;
    let (_, email, password) = subject_with_record(&app, 11).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver::start().await;
    let args = [
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    let capabilities = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
    }}});
    let created = driver.call(reqwest::Method::POST, "/session", Some(capabilities)).await;
    let session = Session { driver: &driver, id: created["sessionId"].as_str().expect("session id").to_owned() };

    session.post("/url", json!({ "url": app.url("/ui/login") })).await;
    assert_eq!(session.get("/title").await, json!("信息主体登录 · 公共信用信息平台"));
    session.type_into("#email", &email).await;
    session.type_into("#password", &password).await;
    let submit = session.element("#submit").await;
    session.post(&format!("/element/{submit}/click"), json!({})).await;

    let deadline = Instant::now() + Duration::from_secs(20);
    let source = loop {
        let url = session.get("/url").await;
        if url.as_str().is_some_and(|u| u.ends_with("/ui/me")) {
            break session.get("/source").await.as_str().expect("page source").to_owned();
        }
        assert!(Instant::now() < deadline, "the browser never reached /ui/me (at {url})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(source.contains("我的信用记录"), "{source}");
    assert!(source.contains("宁市监罚〔2026〕101号"), "{source}");
    assert!(source.contains("&lt;script&gt;"), "the canary stays text in the browser: {source}");

    // The statement form (inside a closed <details>): open it, write, submit; the CSP's
    // `form-action 'self'` lets the post and its 303 through.
    let summary = session.element("details.statement-form > summary").await;
    session.post(&format!("/element/{summary}/click"), json!({})).await;
    session.type_into("#statement-1", "浏览器里写的声明").await;
    let save = session.element("form.statement button[type=submit]").await;
    session.post(&format!("/element/{save}/click"), json!({})).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let source = loop {
        let url = session.get("/url").await;
        if url.as_str().is_some_and(|u| u.ends_with("/ui/me?done=statement")) {
            break session.get("/source").await.as_str().expect("page source").to_owned();
        }
        assert!(Instant::now() < deadline, "the browser never came back to /ui/me (at {url})");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(source.contains("声明已保存。") && source.contains("<dd>浏览器里写的声明</dd>"), "{source}");
    driver.call(reqwest::Method::DELETE, &format!("/session/{}", session.id), None).await;
}
