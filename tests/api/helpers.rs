//! `spawn_app()`: a real server on 127.0.0.1:0 over a fresh database, and a `TestApp` with one
//! method per endpoint the tests use.
//!
//! Backend: SQLite in the test's temporary data folder by default. With
//! `CREDIT_TEST_DATABASE_URL=postgres://user@host:port/postgres`, each test gets its own
//! database (created from a template migrated once per process) that is dropped afterwards.

#![allow(dead_code)]

use credit_platform::app::Application;
use credit_platform::config::{Overrides, Settings};
use credit_platform::workflow::Platform;
use credit_platform::workflow::clock::ManualClock;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use tempfile::TempDir;

#[path = "../shared/postgres_url.rs"]
mod postgres_url;
use postgres_url::{with_database, without_tls};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
    pub database: TestDatabase,
    pub platform: Platform,
    pub clock: Arc<ManualClock>,
    pub admin_token: String,
    pub admin_password: String,
    /// E-mail and password behind each token handed out by `account_with_token`.
    pub credentials: std::sync::Mutex<std::collections::HashMap<String, (String, String)>>,
}

/// Where the test's data lives; drops its PostgreSQL database on drop.
pub enum TestDatabase {
    Sqlite { path: std::path::PathBuf },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDatabase {
    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { path } => format!("sqlite://{}", path.display()),
            TestDatabase::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

fn fresh_database(data_dir: &std::path::Path) -> TestDatabase {
    let Ok(admin_url) = std::env::var("CREDIT_TEST_DATABASE_URL").map(without_tls) else {
        return TestDatabase::Sqlite { path: data_dir.join("credit.sqlite3") };
    };
    let name = format!("credit_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&admin_url).expect("CREDIT_TEST_DATABASE_URL must be reachable");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create test database");
    let url = with_database(&admin_url, &name);
    TestDatabase::Postgres { admin_url, name, url }
}

/// 2026-09-30 09:00 Asia/Shanghai, a Wednesday: the tests' default "now".
pub fn default_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-09-30T01:00:00Z").expect("valid instant").to_utc()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

static TRACING: OnceLock<()> = OnceLock::new();

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    TRACING.get_or_init(|| {
        if std::env::var("TEST_LOG").is_ok() {
            credit_platform::cli::init_tracing();
        }
    });
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database(data_dir.path());
    let overrides = Overrides {
        data_dir: Some(data_dir.path().to_path_buf()),
        policies_dir: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/policies").into()),
        listen: Some("127.0.0.1:0".into()),
        database_url: Some(database.url()),
    };
    let mut settings = Settings::load(None, &overrides).expect("settings");
    settings.server.workers = 2;
    settings.database.pool_size = 4;
    // Tests drive the outbox with `notify::run_once`; a test that wants the job turns it on.
    settings.mail.sender_enabled = false;
    customize(&mut settings);
    let clock = Arc::new(ManualClock::new(default_now()));
    let app = Application::build_with_clock(settings, clock.clone()).expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let platform = app.platform().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder().build().expect("client");
    let password =
        std::fs::read_to_string(data_dir.path().join("initial-admin-password")).expect("admin password file");
    let admin_password = password.trim().to_owned();
    let mut test_app = TestApp {
        address,
        client,
        data_dir,
        database,
        platform,
        clock,
        admin_token: String::new(),
        admin_password,
        credentials: Default::default(),
    };
    test_app.admin_token = test_app.login_ok("admin@localhost", password.trim()).await;
    test_app
}

impl TestApp {
    /// Moves the platform's clock; the admin logs in again (its token may have expired).
    pub async fn advance_clock(&mut self, by: chrono::Duration) {
        self.clock.advance(by);
        self.admin_token = self.login_ok("admin@localhost", &self.admin_password.clone()).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.expect("request sent")).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await.expect("request sent")).await
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post("/api/v1/auth/login", None, &json!({ "email": email, "password": password })).await
    }

    pub async fn login_ok(&self, email: &str, password: &str) -> String {
        let (status, body) = self.login(email, password).await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        body["token"].as_str().expect("token in body").to_owned()
    }

    /// Creates an organization as the admin; returns its id.
    pub async fn create_organization(&self, name: &str, kind: &str) -> String {
        let (status, body) = self
            .post("/api/v1/admin/organizations", Some(&self.admin_token), &json!({ "name": name, "kind": kind }))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Creates an account as the admin and logs it in; returns its token.
    pub async fn account_with_token(&self, body: Value) -> String {
        let (status, created) = self.post("/api/v1/admin/accounts", Some(&self.admin_token), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (email, password) = (body["email"].as_str().expect("email"), body["password"].as_str().expect("password"));
        let token = self.login_ok(email, password).await;
        self.credentials.lock().expect("lock").insert(token.clone(), (email.to_owned(), password.to_owned()));
        token
    }

    /// A fresh token for the account behind `token` (after moving the clock past its expiry).
    pub async fn relogin(&self, token: &str) -> String {
        let (email, password) = self.credentials.lock().expect("lock").get(token).cloned().expect("a known token");
        let fresh = self.login_ok(&email, &password).await;
        self.credentials.lock().expect("lock").insert(fresh.clone(), (email, password));
        fresh
    }
}

/// A second server over the same database and master key as a `TestApp` (several stateless
/// instances behind a load balancer, DESIGN §9). Its own data folder; the database is the
/// first app's, so it lives as long as that one.
pub struct SecondInstance {
    pub address: String,
    pub platform: Platform,
    pub data_dir: TempDir,
}

impl TestApp {
    pub async fn spawn_second_instance(&self) -> SecondInstance {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let overrides = Overrides {
            data_dir: Some(data_dir.path().to_path_buf()),
            policies_dir: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/policies").into()),
            listen: Some("127.0.0.1:0".into()),
            database_url: Some(self.database.url()),
        };
        let mut settings = Settings::load(None, &overrides).expect("settings");
        settings.server.workers = 2;
        settings.database.pool_size = 4;
        settings.crypto.master_key_file = self.data_dir.path().join("master.key");
        let app = Application::build_with_clock(settings, self.clock.clone()).expect("second instance builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let platform = app.platform().clone();
        tokio::spawn(app.run_until_stopped());
        SecondInstance { address, platform, data_dir }
    }
}

pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, value)
}

/// Asserts the DESIGN §8 error shape with `code`.
pub fn assert_error(status: StatusCode, body: &Value, expected_status: StatusCode, code: &str) {
    assert_eq!(status, expected_status, "unexpected status, body: {body}");
    assert_eq!(body["error"]["code"], code, "unexpected error body: {body}");
    assert!(body["error"]["message"].is_string(), "error without message: {body}");
}

/// A valid resident identity number derived from a seed (ISO 7064 MOD 11-2 check digit).
pub fn resident_id(seed: u32) -> String {
    let body = format!("320102{:04}{:02}{:02}{:03}", 1950 + seed % 50, 1 + seed % 12, 1 + seed % 28, seed % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(weights).map(|(c, w)| c.to_digit(10).expect("digit") * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

/// A valid unified social credit code derived from a seed (GB 32100 check character).
pub fn credit_code(seed: u32) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body = format!("91320102{:09}", seed);
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| ALPHABET.iter().position(|&a| a == b).expect("alphabet") as u32 * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", ALPHABET[check as usize] as char)
}

impl TestApp {
    /// An organization of `kind` with one account of `role`; returns (organization id, token).
    pub async fn staff(&self, role: &str, kind: &str, name: &str) -> (String, String) {
        let org = self.create_organization(name, kind).await;
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        let token = self
            .account_with_token(json!({
                "email": email, "password": "a-long-password-1", "role": role, "organization_id": org,
            }))
            .await;
        (org, token)
    }

    pub async fn provider(&self) -> (String, String) {
        self.staff("provider", "administrative_organ", "南京市市场监督管理局").await
    }

    /// A subject account bound to `identifier`; returns its token.
    pub async fn subject_account(&self, identifier: &str, kind: &str) -> String {
        self.account_with_token(json!({
            "email": format!("subject-{}@example.org", uuid::Uuid::new_v4().simple()),
            "password": "a-long-password-1", "role": "subject",
            "subject_identifier": identifier, "subject_kind": kind,
        }))
        .await
    }

    /// Submits a record as `token`; asserts 201 and returns the answer.
    pub async fn submit_ok(&self, token: &str, record: &Value) -> Value {
        let (status, body) = self.post("/api/v1/records", Some(token), record).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    pub fn record_count(&self) -> i64 {
        let mut conn = self.platform.db.get().expect("connection");
        credit_platform::storage::records::count(&mut conn).expect("count")
    }
}

/// A valid administrative penalty about the natural person `identifier`.
pub fn penalty(identifier: &str, name: &str) -> Value {
    json!({
        "record_type": "administrative_penalty",
        "subject": { "kind": "natural_person", "identifier": identifier, "name": name },
        "fields": {
            "decision_number": "宁市监罚〔2026〕101号",
            "violated_provision": "《中华人民共和国食品安全法》第三十四条",
            "penalty_content": "警告并处罚款",
            "fine_amount": "5000.00",
            "severity": "general",
            "procedure": "general",
            "decision_date": "2026-03-02",
        },
        "source_document": { "number": "宁市监罚〔2026〕101号", "date": "2026-03-02", "authority": "南京市市场监督管理局" },
        "conduct_started_on": "2025-11-01",
        "conduct_ended_on": "2026-01-15",
    })
}
