//! Shared set-up for the benchmarks: a platform over a fresh database (SQLite in a temp folder,
//! or PostgreSQL when CREDIT_BENCH_DATABASE_URL names a server), and generated subjects.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use credit_platform::config::{Overrides, Settings};
use credit_platform::domain::{OrganizationKind, Role};
use credit_platform::workflow::clock::SystemClock;
use credit_platform::workflow::{Actor, Platform, bootstrap, manage_accounts};
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::sync::Arc;

#[path = "../tests/shared/postgres_url.rs"]
mod postgres_url;
use postgres_url::{with_database, without_tls};

pub struct BenchPlatform {
    pub platform: Platform,
    pub label: &'static str,
    _dir: tempfile::TempDir,
    /// PostgreSQL: (server URL, database name) of the database made for this run.
    made: Option<(String, String)>,
}

/// Drops the PostgreSQL database the run made (100,000 seeded subjects each would pile up).
impl Drop for BenchPlatform {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.made
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            // FORCE ends the platform's own connections, which are about to go anyway.
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

pub fn backends() -> Vec<&'static str> {
    let mut list = vec!["sqlite"];
    if std::env::var("CREDIT_BENCH_DATABASE_URL").is_ok() {
        list.push("postgres");
    }
    list
}

pub fn platform(backend: &'static str) -> BenchPlatform {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut made = None;
    let url = match backend {
        "postgres" => {
            let admin = without_tls(std::env::var("CREDIT_BENCH_DATABASE_URL").expect("url"));
            let name = format!("credit_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = PgConnection::establish(&admin).expect("postgres reachable");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create db");
            let url = with_database(&admin, &name);
            made = Some((admin, name));
            url
        }
        _ => format!("sqlite://{}", dir.path().join("credit.sqlite3").display()),
    };
    let overrides = Overrides {
        data_dir: Some(dir.path().to_path_buf()),
        policies_dir: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/policies").into()),
        listen: Some("127.0.0.1:0".into()),
        database_url: Some(url),
    };
    let settings = Settings::load(None, &overrides).expect("settings");
    let platform = bootstrap::prepare(settings, Arc::new(SystemClock)).expect("platform");
    BenchPlatform { platform, label: backend, _dir: dir, made }
}

pub fn admin() -> Actor {
    Actor { account_id: "bench".into(), role: Role::Admin, organization_id: None, subject_id: None }
}

/// A provider actor of a new organization.
pub fn provider(platform: &Platform) -> Actor {
    let org =
        manage_accounts::create_organization(platform, &admin(), "基准测试局", OrganizationKind::AdministrativeOrgan)
            .expect("organization");
    Actor { account_id: "bench-provider".into(), role: Role::Provider, organization_id: Some(org), subject_id: None }
}

/// A valid resident identity number for `seed` (unique per seed below 10^9).
pub fn resident_id(seed: u64) -> String {
    let body = format!(
        "3201{:02}19{:02}{:02}{:02}{:03}",
        seed % 100,
        50 + (seed / 100) % 50,
        1 + (seed / 5000) % 12,
        1 + (seed / 60000) % 28,
        (seed / 1_680_000) % 1000
    );
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(weights).map(|(c, w)| c.to_digit(10).expect("digit") * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

/// One NDJSON submission line about subject `seed`.
pub fn penalty_line(seed: u64) -> String {
    serde_json::json!({
        "record_type": "administrative_penalty",
        "subject": { "kind": "natural_person", "identifier": resident_id(seed), "name": format!("测试{seed}") },
        "fields": {
            "decision_number": format!("宁市监罚〔2026〕{seed}号"),
            "violated_provision": "《中华人民共和国食品安全法》第三十四条",
            "penalty_content": "警告并处罚款",
            "fine_amount": "5000",
            "severity": "general",
            "procedure": "general",
            "decision_date": "2026-03-02",
        },
        "source_document": { "number": format!("宁市监罚〔2026〕{seed}号"), "date": "2026-03-02", "authority": "南京市市场监督管理局" },
        "conduct_ended_on": "2026-01-15",
    })
    .to_string()
}

/// A requester account of an administrative organ and a long-lived token for it.
pub fn requester_token(platform: &Platform) -> String {
    let org =
        manage_accounts::create_organization(platform, &admin(), "南京市商务局", OrganizationKind::AdministrativeOrgan)
            .expect("organization");
    let new = manage_accounts::NewAccount {
        email: format!("load-{}@example.org", uuid::Uuid::new_v4().simple()),
        password: "a-long-password-1".into(),
        role: Role::Requester,
        organization_id: Some(org),
        subject_identifier: None,
        subject_kind: None,
        subject_name: None,
    };
    let id = manage_accounts::create_account(platform, &admin(), new).expect("account");
    credit_platform::workflow::machine_tokens::issue(platform, &admin(), &id, 1).expect("token").token
}
