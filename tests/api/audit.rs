//! The access log: a clean chain verifies, the group-commit writer (concurrency, batching,
//! fail closed), several instances on one PostgreSQL database, signed checkpoints. Tampering
//! is in `audit_tamper.rs`, the officer endpoints in `audit_officer.rs`; the helpers here are
//! shared with both.

use crate::helpers::{TestApp, assert_error, spawn_app, spawn_app_with};
use credit_platform::audit::{Action, AuditError, Decision, NewEntry, checkpoint};
use credit_platform::workflow::Platform;
use credit_platform::workflow::clock::Clock;
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn entry(platform: &Platform, clock: &dyn Clock, i: usize) -> NewEntry {
    NewEntry::new(clock.now_naive(), &format!("req-{i}"), Action::Query, Decision::Allowed, &platform.policies.version)
        .actor("requester-account", "requester", Some("bank-org"))
        .purpose("financial_credit", None)
        .disclosed(vec![format!("record-{i}")], vec!["penalty_amount".into()])
}

/// Appends `n` entries in one transaction through `record_in` (the same-transaction path).
pub fn seed(app: &TestApp, n: usize) {
    let entries: Vec<_> = (0..n).map(|i| entry(&app.platform, app.clock.as_ref(), i)).collect();
    let sequences = app
        .platform
        .db
        .transaction::<_, AuditError>(|conn| app.platform.audit.record_in(conn, &entries))
        .expect("seeded");
    assert_eq!(sequences.len(), n);
}

pub async fn record(platform: &Platform, entry: NewEntry) -> Result<i64, AuditError> {
    let platform = platform.clone();
    tokio::task::spawn_blocking(move || platform.audit.record(entry).map(|a| a.sequence)).await.expect("joined")
}

/// SQL that makes every insert into the access log fail, and SQL that undoes it.
pub fn refusing_log_writes(app: &TestApp) -> (&'static str, &'static str) {
    if app.database.is_postgres() {
        (
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION refuse_audit();",
            "DROP TRIGGER refuse_audit ON audit_entries; DROP FUNCTION refuse_audit();",
        )
    } else {
        (
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            "DROP TRIGGER refuse_audit;",
        )
    }
}

pub fn sql(app: &TestApp, statements: &str) {
    app.platform.db.get().expect("connection").batch_execute(statements).expect("raw SQL runs");
}

/// An officer account created out of band (as the first admin is, at bootstrap), so that the
/// chain these tests count holds only the entries they append.
pub async fn officer(app: &TestApp) -> String {
    officer_named(app, "officer@example.org").await
}

/// `officer`, under another e-mail address (the password is `OFFICER_PASSWORD`).
pub async fn officer_named(app: &TestApp, email: &'static str) -> String {
    let platform = app.platform.clone();
    tokio::task::spawn_blocking(move || {
        credit_platform::workflow::manage_accounts::insert_account(
            &platform,
            email,
            OFFICER_PASSWORD,
            credit_platform::domain::Role::Officer,
            None,
            None,
        )
    })
    .await
    .expect("joined")
    .expect("officer account");
    app.login_ok(email, OFFICER_PASSWORD).await
}

pub const OFFICER_PASSWORD: &str = "a-long-password-1";

pub async fn verify(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get("/api/v1/audit/verify", Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_clean_log_verifies_through_the_api_and_the_verification_is_logged() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    seed(&app, 20);
    record(&app.platform, entry(&app.platform, app.clock.as_ref(), 99)).await.expect("recorded");
    let report = verify(&app, &token).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["entries"], 21);
    assert!(report.get("first_bad_sequence").is_none(), "{report}");
    // The verification itself is entry 22, and the chain still holds with it.
    let report = verify(&app, &token).await;
    assert_eq!((report["ok"].clone(), report["entries"].clone()), (json!(true), json!(22)), "{report}");
}

/// One append larger than PostgreSQL's insert chunk (500 rows) goes in several statements
/// within one transaction, and the chain still holds end to end.
#[tokio::test]
async fn an_append_of_many_chunks_keeps_one_verifiable_chain() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    seed(&app, 1001);
    seed(&app, 500);
    let report = verify(&app, &token).await;
    assert_eq!((report["ok"].clone(), report["entries"].clone()), (json!(true), json!(1501)), "{report}");
}

#[tokio::test]
async fn concurrent_appends_all_land_in_one_chain_in_shared_transactions() {
    let app = spawn_app().await;
    let before = app.platform.audit.stats();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let platform = app.platform.clone();
            let e = entry(&app.platform, app.clock.as_ref(), i);
            tokio::spawn(async move { record(&platform, e).await })
        })
        .collect();
    let mut sequences = Vec::new();
    for task in tasks {
        sequences.push(task.await.expect("joined").expect("durable"));
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=200).collect::<Vec<i64>>(), "each waiter got its own sequence, no gaps");
    let stats = app.platform.audit.stats();
    let (transactions, entries) = (stats.transactions - before.transactions, stats.entries - before.entries);
    assert_eq!(entries, 200);
    assert!(transactions < entries, "the writer did not batch: {transactions} transactions for {entries} entries");
    let report = app.platform.audit.verify(&mut |_| {}).expect("verifies");
    assert!(report.ok && report.entries == 200, "{report:?}");
    let report = app.platform.audit.verify_paged(7).expect("verifies");
    assert!(report.ok && report.entries == 200, "pages stitched: {report:?}");
}

#[tokio::test]
async fn when_the_log_cannot_be_written_nothing_is_answered() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    seed(&app, 2);
    let (create, drop) = refusing_log_writes(&app);
    sql(&app, create);
    let refused = record(&app.platform, entry(&app.platform, app.clock.as_ref(), 7)).await;
    assert!(matches!(refused, Err(AuditError::Unavailable)), "{refused:?}");
    let (status, body) = app.get("/api/v1/audit/entries", Some(&token)).await;
    assert_error(status, &body, StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable");
    assert!(body.get("items").is_none() && !body.to_string().contains("record-"), "data leaked: {body}");
    let response = app.client.get(app.url("/api/v1/audit/export.csv")).bearer_auth(&token).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(!response.text().await.expect("body").contains("record-"));

    sql(&app, drop);
    let sequence = record(&app.platform, entry(&app.platform, app.clock.as_ref(), 8)).await.expect("works again");
    assert_eq!(sequence, 3, "nothing of the failed batches was stored");
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok);
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_append_to_one_chain() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        eprintln!("skipped: two instances need PostgreSQL (set CREDIT_TEST_DATABASE_URL)");
        return;
    }
    let second = app.spawn_second_instance().await;
    let token = officer(&app).await;
    let mut tasks = Vec::new();
    for i in 0..120 {
        let platform = if i % 2 == 0 { app.platform.clone() } else { second.platform.clone() };
        let e = entry(&platform, app.clock.as_ref(), i);
        tasks.push(tokio::spawn(async move { record(&platform, e).await }));
    }
    let mut sequences = Vec::new();
    for task in tasks {
        sequences.push(task.await.expect("joined").expect("durable"));
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=120).collect::<Vec<i64>>());
    // Both instances also serve officer reads that log, concurrently.
    let (a, b) = tokio::join!(
        app.get("/api/v1/audit/entries?limit=1", Some(&token)),
        app.client.get(format!("{}/api/v1/audit/entries?limit=1", second.address)).bearer_auth(&token).send()
    );
    assert_eq!(a.0, StatusCode::OK);
    assert_eq!(b.expect("sent").status(), StatusCode::OK);
    let report = verify(&app, &token).await;
    assert_eq!((report["ok"].clone(), report["entries"].clone()), (json!(true), json!(122)), "{report}");
    assert!(second.platform.audit.checkpoint_now().expect("checkpoint").is_some());
}

#[tokio::test]
async fn the_writer_appends_after_a_change_logged_in_its_own_transaction() {
    let app = spawn_app().await;
    let platform = &app.platform;
    let clock = app.clock.as_ref();
    // The writer's batches, then a state change's entries in their own transaction (which moves
    // the head the writer remembers on PostgreSQL), then the writer again.
    for i in 0..3 {
        assert_eq!(record(platform, entry(platform, clock, i)).await.expect("durable"), i as i64 + 1);
    }
    seed(&app, 2);
    for i in 3..6 {
        assert_eq!(record(platform, entry(platform, clock, i)).await.expect("durable"), i as i64 + 3);
    }
    let report = platform.audit.verify(&mut |_| {}).expect("verifies");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 8);
    let counts = platform.audit.stats();
    if app.database.is_postgres() {
        // After the first batch each is one statement, except the one that found the head moved.
        assert_eq!((counts.transactions, counts.one_statement), (6, 4), "{counts:?}");
    } else {
        assert_eq!(counts.one_statement, 0, "SQLite always appends under the lock");
    }
}

#[tokio::test]
async fn checkpoints_are_signed_and_verify_with_the_public_key_alone() {
    let app = spawn_app_with(|s| s.audit.checkpoint_every_entries = 10).await;
    let token = officer(&app).await;
    for i in 0..25 {
        record(&app.platform, entry(&app.platform, app.clock.as_ref(), i)).await.expect("recorded");
    }
    // The background loop signs after every 10 entries; wait for it (not a timing assertion).
    let mut items = Value::Null;
    for _ in 0..100 {
        let (status, body) = app.get("/api/v1/audit/checkpoints", Some(&token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["items"].as_array().is_some_and(|i| !i.is_empty()) {
            items = body["items"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let newest = items.get(0).cloned().expect("the loop signed a checkpoint");
    let size = newest["size"].as_i64().expect("size");
    assert!(size >= 10, "{newest}");

    let (status, key) = app.get("/api/v1/audit/public-key", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(key["algorithm"], "ed25519");
    let b64 = |v: &Value| base64_decode(v.as_str().expect("base64"));
    let public_key = b64(&key["public_key"]);
    assert_eq!(newest["public_key_id"], key["key_id"]);
    // Rebuild the signed statement from the checkpoint's fields, trusting nothing else.
    let head_mac: [u8; 32] = hex_decode(newest["head_mac"].as_str().expect("hex")).try_into().expect("32 bytes");
    let at = chrono::DateTime::parse_from_rfc3339(newest["at"].as_str().expect("at")).expect("rfc3339").naive_utc();
    let statement = checkpoint::statement(size, &head_mac, at);
    assert_eq!(statement, b64(&newest["statement"]));
    let signature = b64(&newest["signature"]);
    use credit_platform::crypto::verify_checkpoint_signature as check;
    assert!(check(&public_key, &statement, &signature));
    assert!(!check(&public_key, &checkpoint::statement(size + 1, &head_mac, at), &signature), "size is signed");
    let mut other_mac = head_mac;
    other_mac[0] ^= 1;
    assert!(!check(&public_key, &checkpoint::statement(size, &other_mac, at), &signature), "MAC is signed");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).expect("valid base64")
}

fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}

/// The filter behind the subject's own view: an access under a delayed purpose stays hidden
/// from the subject until its delay has passed.
#[tokio::test]
async fn delayed_entries_stay_hidden_from_the_subject_until_their_time() {
    use credit_platform::storage::audit_log::{EntryFilter, search};
    let app = spawn_app().await;
    let now = app.clock.now_naive();
    let open = entry(&app.platform, app.clock.as_ref(), 1).subject("subject-1");
    let delayed =
        entry(&app.platform, app.clock.as_ref(), 2).subject("subject-1").visible_from(now + chrono::Duration::days(30));
    record(&app.platform, open).await.expect("recorded");
    record(&app.platform, delayed).await.expect("recorded");
    let visible = |at| {
        let filter = EntryFilter {
            subject_id: Some("subject-1".into()),
            visible_to_subject_at: Some(at),
            ..EntryFilter::default()
        };
        search(&mut app.platform.db.get().expect("connection"), &filter, 10)
            .expect("search")
            .iter()
            .map(|r| r.sequence)
            .collect::<Vec<_>>()
    };
    assert_eq!(visible(now), [1]);
    assert_eq!(visible(now + chrono::Duration::days(30)), [2, 1]);
}
