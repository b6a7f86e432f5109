//! Key management against a real database: rotation keeps every cell readable and retires the
//! old version; shredding makes one subject's cells unreadable and leaves others intact.

use crate::helpers::{resident_id, spawn_app};
use credit_platform::crypto::MasterKeyRing;
use credit_platform::storage::subjects;
use credit_platform::workflow::{WorkflowError, rotate_keys, shred_subject, subjects as subject_flow};
use serde_json::json;

async fn subject_account(app: &crate::helpers::TestApp, seed: u32) -> String {
    app.account_with_token(json!({
        "email": format!("s{seed}@example.org"), "password": "a-long-password-1", "role": "subject",
        "subject_identifier": resident_id(seed), "subject_kind": "natural_person", "subject_name": format!("name {seed}"),
    }))
    .await;
    let index = subject_flow::identifier_index(
        &app.platform,
        &credit_platform::domain::identifier::SubjectIdentifier::parse_for(
            credit_platform::domain::SubjectKind::NaturalPerson,
            &resident_id(seed),
        )
        .expect("valid identifier"),
    );
    let mut conn = app.platform.db.get().expect("connection");
    subjects::find_by_index(&mut conn, &index).expect("query").expect("subject exists").id
}

fn read_name(app: &crate::helpers::TestApp, subject_id: &str) -> Result<String, WorkflowError> {
    let mut conn = app.platform.db.get()?;
    let row = subjects::find(&mut conn, subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
    let cipher = subject_flow::cipher_of(&mut conn, &app.platform, &row)?;
    let cell = row.name_cell.expect("name cell");
    Ok(cipher.open_string("subjects", "name", subject_id, &cell)?.expose_str().to_owned())
}

#[tokio::test]
async fn rotation_rewraps_every_data_key_keeps_cells_readable_and_retires_the_old_version() {
    let app = spawn_app().await;
    let ids = [subject_account(&app, 1).await, subject_account(&app, 2).await, subject_account(&app, 3).await];
    let key_file = app.data_dir.path().join("master.key");
    let new = MasterKeyRing::append_new_version_to_file(&key_file).expect("new version");
    app.platform.keys.reload().expect("reload");
    assert!(rotate_keys::pending(&app.platform).expect("pending") >= 3);

    let mut reports = 0;
    let done = rotate_keys::rewrap_all(&app.platform, |_| reports += 1).expect("rotation");
    assert!(done >= 4, "subjects' and platform keys re-wrapped, got {done}");
    assert!(reports >= 1, "progress was reported");
    assert_eq!(rotate_keys::pending(&app.platform).expect("pending"), 0);
    assert_eq!(rotate_keys::unused_versions(&app.platform).expect("unused"), vec![1]);
    // Running it again (as after a crash) has nothing left to do.
    assert_eq!(rotate_keys::rewrap_all(&app.platform, |_| {}).expect("resume"), 0);

    // Retire version 1: everything must still open with version 2 alone.
    MasterKeyRing::retire_version_in_file(&key_file, 1).expect("retire");
    app.platform.keys.reload().expect("reload");
    assert_eq!(app.platform.keys.keyring().master().versions(), vec![new.version()]);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(read_name(&app, id).expect("readable after rotation"), format!("name {}", i + 1));
    }
    // And logins (platform key) still work.
    app.login_ok("s1@example.org", "a-long-password-1").await;
}

#[tokio::test]
async fn a_shredded_subject_is_unreadable_and_others_are_not() {
    let app = spawn_app().await;
    let gone = subject_account(&app, 11).await;
    let kept = subject_account(&app, 12).await;
    shred_subject::shred(&app.platform, &gone).expect("shred");
    let error = read_name(&app, &gone).expect_err("shredded cells must not open");
    assert_eq!(error.code(), "subject_shredded");
    assert_eq!(read_name(&app, &kept).expect("other subject intact"), "name 12");
}
