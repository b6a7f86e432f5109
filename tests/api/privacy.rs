//! No plaintext at rest: canary subjects are stored, then the raw bytes of the SQLite files
//! (main file and WAL) or of a `pg_dump` are scanned for every canary.

use crate::helpers::{TestApp, credit_code, resident_id, spawn_app};
use serde_json::json;

/// Every byte the database holds, as a dump or as its files.
pub fn raw_database_bytes(app: &TestApp) -> Vec<u8> {
    match &app.database {
        crate::helpers::TestDatabase::Sqlite { path } => {
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let file = format!("{}{suffix}", path.display());
                if let Ok(content) = std::fs::read(&file) {
                    bytes.extend(content);
                }
            }
            assert!(bytes.len() > 4096, "the database files were not found");
            bytes
        }
        crate::helpers::TestDatabase::Postgres { url, .. } => {
            let output = std::process::Command::new("pg_dump")
                .arg("--no-owner")
                .arg(url)
                .output()
                .expect("pg_dump runs (install postgresql-client)");
            assert!(output.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&output.stderr));
            output.stdout
        }
    }
}

pub fn assert_no_canary(app: &TestApp, canaries: &[&str]) {
    let haystack = raw_database_bytes(app);
    for canary in canaries {
        let needle = canary.as_bytes();
        let hits = haystack.windows(needle.len()).filter(|w| *w == needle).count();
        assert_eq!(hits, 0, "plaintext canary found {hits} times in the database bytes");
    }
}

#[tokio::test]
async fn canary_names_identifiers_and_emails_never_reach_the_database_in_clear() {
    let app = spawn_app().await;
    let person = resident_id(4242);
    let company = credit_code(777_777);
    let people = [
        ("canary-person@example.org", person.as_str(), "natural_person", "金丝雀甲CanaryPersonName"),
        ("canary-company@example.org", company.as_str(), "legal_person", "金丝雀公司CanaryCompanyName"),
    ];
    for (email, identifier, kind, name) in people {
        app.account_with_token(json!({
            "email": email, "password": "a-long-password-9", "role": "subject",
            "subject_identifier": identifier, "subject_kind": kind, "subject_name": name,
        }))
        .await;
    }
    let mut canaries = vec![person.as_str(), company.as_str(), "CanaryPersonName", "CanaryCompanyName"];
    canaries.extend(["金丝雀甲", "金丝雀公司", "canary-person@example.org", "canary-company@example.org"]);
    assert_no_canary(&app, &canaries);
}
