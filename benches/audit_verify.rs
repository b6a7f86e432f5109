//! Access-log verification speed (DESIGN §10: >= 500,000 entries/s). Builds a SQLite file with
//! 200,000 chained entries shaped like real query entries, then measures `verify_log` over all
//! of them. Run: `cargo bench --bench audit_verify`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use credit_platform::audit::{Action, Decision, NewEntry, append_in, verify};
use credit_platform::crypto::RootSecret;
use credit_platform::storage::Database;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;

const ENTRIES: usize = 200_000;
const BATCH: usize = 10_000;

fn entry(i: usize, at: chrono::NaiveDateTime) -> NewEntry {
    let id = |prefix: &str| format!("{prefix}{:08x}-1b4e-4c1a-9a63-{:012x}", i % 5000, i);
    NewEntry::new(at, &id("req-"), Action::Query, Decision::Allowed, &"ab12".repeat(16))
        .actor(&id(""), "requester", Some("5f0c1d2e-8f00-4a4a-b1b1-0123456789ab"))
        .purpose("financial_credit", Some(&id("")))
        .subject(&id(""))
        .disclosed(vec![id(""), id("")], vec!["penalty_amount".into(), "decision_date".into(), "authority".into()])
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
    let db = Database::connect(&url, 4, Duration::from_secs(5)).expect("database");
    db.migrate().expect("migrations");
    let root = RootSecret::generate();
    let (key, signer) = (root.audit_mac_key(), root.checkpoint_signing_key());
    let at = chrono::DateTime::parse_from_rfc3339("2026-09-30T01:00:00.123456Z").expect("instant").naive_utc();
    for start in (0..ENTRIES).step_by(BATCH) {
        let entries: Vec<_> = (start..start + BATCH).map(|i| entry(i, at)).collect();
        db.transaction::<_, credit_platform::audit::AuditError>(|conn| append_in(conn, &key, &entries))
            .expect("appended");
    }
    let public_key = signer.public_key_bytes();
    let report = verify::verify_log(&db, &key, &public_key, &mut |_| {}).expect("verifies");
    assert!(report.ok && report.entries == ENTRIES as u64, "{report:?}");

    let mut group = c.benchmark_group("audit_verify");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).throughput(Throughput::Elements(ENTRIES as u64));
    group.bench_function("verify_log_sqlite_200k", |b| {
        b.iter(|| {
            let report = verify::verify_log(&db, &key, &public_key, &mut |_| {}).expect("verifies");
            assert!(report.ok);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
