//! A small WebDriver client for the real-browser tests (`browser.rs`, `browser_flows.rs`):
//! chromedriver started on a free port, headless Chromium sessions with a fresh profile, and
//! the few commands the tests use (go to, find, type, click, read text, back, refresh), as plain
//! JSON calls with reqwest. `browser_missing` lets a test skip with a notice when
//! `/usr/bin/chromium` or `/usr/bin/chromedriver` is not installed.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a test waits for the browser to reach a page or show an element.
const PATIENCE: Duration = Duration::from_secs(20);

/// The chromedriver process this test started; killed (by its handle) when dropped.
pub(super) struct Driver {
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
    pub(super) async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver { child, base: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new() };
        let deadline = Instant::now() + PATIENCE;
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
pub(super) struct Session<'a> {
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

    /// Loads `url` as if typed into the address bar.
    pub(super) async fn go_to(&self, url: String) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// The browser's history back button.
    pub(super) async fn back(&self) {
        self.post("/back", json!({})).await;
    }

    /// The browser's history forward button.
    pub(super) async fn forward(&self) {
        self.post("/forward", json!({})).await;
    }

    /// The browser's reload button.
    pub(super) async fn refresh(&self) {
        self.post("/refresh", json!({})).await;
    }

    pub(super) async fn source(&self) -> String {
        self.get("/source").await.as_str().expect("page source").to_owned()
    }

    async fn element(&self, css: &str) -> String {
        let found = self.post("/element", json!({ "using": "css selector", "value": css })).await;
        found[ELEMENT].as_str().expect("element id").to_owned()
    }

    /// How many elements of the current page match `css` (0 when none).
    pub(super) async fn count(&self, css: &str) -> usize {
        let found = self.post("/elements", json!({ "using": "css selector", "value": css })).await;
        found.as_array().expect("a list of elements").len()
    }

    pub(super) async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/value"), json!({ "text": text })).await;
    }

    pub(super) async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/click"), json!({})).await;
    }

    /// Waits until an element matching `css` is on the page; returns its rendered text.
    pub(super) async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        while self.count(css).await == 0 {
            assert!(Instant::now() < deadline, "no {css} appeared (at {})", self.get("/url").await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let element = self.element(css).await;
        self.get(&format!("/element/{element}/text")).await.as_str().expect("element text").to_owned()
    }

    /// Waits until the browser's address ends with `suffix`; returns the page source.
    pub(super) async fn source_at(&self, suffix: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let url = self.get("/url").await;
            if url.as_str().is_some_and(|u| u.ends_with(suffix)) {
                return self.source().await;
            }
            assert!(Instant::now() < deadline, "the browser never reached {suffix} (at {url})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in through the form at `login_url`; returns the landing page's source.
    pub(super) async fn sign_in(&self, login_url: String, email: &str, password: &str, landing: &str) -> String {
        self.go_to(login_url).await;
        assert_eq!(self.get("/title").await, json!("登录 · 公共信用信息平台"));
        self.type_into("#email", email).await;
        self.type_into("#password", password).await;
        self.click("#submit").await;
        self.source_at(landing).await
    }

    pub(super) async fn close(self) {
        self.driver.call(reqwest::Method::DELETE, &format!("/session/{}", self.id), None).await;
    }
}

pub(super) fn browser_missing() -> bool {
    let missing = !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists();
    if missing {
        eprintln!("NOTICE: {CHROMIUM} or {CHROMEDRIVER} missing; the real-browser portal test is skipped");
    }
    missing
}

/// A headless Chromium session with a fresh profile in `profile`; downloads go to its
/// `downloads` folder, never to the user's.
pub(super) async fn open<'d>(driver: &'d Driver, profile: &std::path::Path) -> Session<'d> {
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
    let prefs = json!({
        "download.default_directory": profile.join("downloads").display().to_string(),
        "download.prompt_for_download": false,
    });
    let capabilities = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": prefs },
    }}});
    let created = driver.call(reqwest::Method::POST, "/session", Some(capabilities)).await;
    Session { driver, id: created["sessionId"].as_str().expect("session id").to_owned() }
}
