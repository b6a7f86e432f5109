//! `credit-platform backup`: a copy of the embedded database taken while the app serves. It is
//! a new 0600 file that SQLite opens, holds the records and the access log up to and including
//! the backup's own `export` entry, and no plaintext of what it holds; an existing file is
//! refused and left as it was; PostgreSQL is refused and no file appears. The command itself
//! runs end to end on a fresh data folder.

use crate::helpers::{penalty, resident_id, spawn_app};
use credit_platform::workflow::{WorkflowError, backup::backup};
use diesel::prelude::*;
use std::os::unix::fs::PermissionsExt;

#[derive(QueryableByName)]
struct LastEntry {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sequence: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    reason_code: Option<String>,
}

#[tokio::test]
async fn a_backup_is_a_checked_private_copy_with_its_own_entry_and_no_plaintext() {
    let app = spawn_app().await;
    let to = app.data_dir.path().join("copy.sqlite3");
    if app.database.is_postgres() {
        let refused = backup(&app.platform, &to).expect_err("refused on PostgreSQL");
        assert!(matches!(refused, WorkflowError::Conflict { code: "backup_unsupported", .. }), "{refused:?}");
        assert!(!to.exists(), "no file is created");
        return;
    }
    let (_, provider) = app.provider().await;
    let identifier = resident_id(515);
    let mut record = penalty(&identifier, "备份金丝雀");
    record["fields"]["penalty_content"] = serde_json::json!("BACKUP-CANARY-CONTENT");
    app.submit_ok(&provider, &record).await;

    let report = tokio::task::spawn_blocking({
        let (platform, to) = (app.platform.clone(), to.clone());
        move || backup(&platform, &to)
    })
    .await
    .expect("joined")
    .expect("backed up");
    let metadata = std::fs::metadata(&to).expect("the copy");
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
    assert_eq!(report.bytes, metadata.len());

    let mut copy = SqliteConnection::establish(to.to_str().expect("utf-8")).expect("SQLite opens the copy");
    let records: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>("(SELECT COUNT(*) FROM records)"))
        .get_result(&mut copy)
        .expect("records");
    assert_eq!(records, app.record_count());
    let last: LastEntry =
        diesel::sql_query("SELECT sequence, action, reason_code FROM audit_entries ORDER BY sequence DESC LIMIT 1")
            .get_result(&mut copy)
            .expect("the copy's last entry");
    assert_eq!((last.action.as_str(), last.reason_code.as_deref()), ("export", Some("backup")));
    assert_eq!(last.sequence, report.entry_sequence);
    drop(copy);
    let bytes = std::fs::read(&to).expect("read the copy");
    for canary in [identifier.as_str(), "备份金丝雀", "BACKUP-CANARY-CONTENT"] {
        let needle = canary.as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "plaintext in the backup");
    }

    // An existing file is refused and left as it was.
    std::fs::write(&to, b"keep me").expect("overwrite for the test");
    let refused = backup(&app.platform, &to).expect_err("refused");
    assert!(matches!(refused, WorkflowError::Conflict { code: "backup_exists", .. }), "{refused:?}");
    assert_eq!(std::fs::read(&to).expect("read"), b"keep me");
}

#[test]
fn the_backup_command_copies_a_fresh_platform_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let copy = dir.path().join("copy.sqlite3");
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_credit-platform"))
            .args(["backup", file.to_str().expect("path"), "--data-dir", data.to_str().expect("path")])
            .args(["--policies", concat!(env!("CARGO_MANIFEST_DIR"), "/policies")])
            .env_remove("CREDIT_MASTER_KEY")
            .env_remove("CREDIT__DATABASE__URL")
            .output()
            .expect("the binary runs")
    };
    let first = run(&copy);
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{said} {}", String::from_utf8_lossy(&first.stderr));
    assert!(said.contains("master key is not in it"), "{said}");
    assert!(std::fs::metadata(&copy).expect("the copy").len() > 4096);
    let again = run(&copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("the backup file exists"));
}
