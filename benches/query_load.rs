//! HTTP load benchmark of the audited query path against an unprotected baseline, in one run
//! on one database (DESIGN §10: the audited path must reach at least half the baseline's
//! throughput).
//!
//! - Seeds N subjects (default 100,000; `CREDIT_LOAD_SUBJECTS`) with one administrative penalty
//!   each through the real batch intake, and the same values in clear into a bench-only table.
//! - Serves the real application plus, compiled only into this benchmark, `GET /bench/baseline`:
//!   the same record looked up by plain identifier and returned in plaintext, with no
//!   authentication, no purpose check, no decryption and no access log.
//! - Drives both with C concurrent keep-alive clients (default 16; `CREDIT_LOAD_CLIENTS`) for
//!   D seconds each (default 10; `CREDIT_LOAD_SECONDS`), alternating baseline / audited twice,
//!   and prints requests/s, p50 and p99 and the ratio.
//!
//! After the seed, both paths' tables are settled as a running platform's are: `ANALYZE` on
//! SQLite, `VACUUM ANALYZE` on PostgreSQL (autovacuum's work; the server here runs with it
//! off). `CREDIT_LOAD_SETTLE=0` measures the freshly loaded tables instead.
//!
//! `CREDIT_LOAD_ONLY=audited` drives one path alone (for a profiler).
//!
//! `cargo bench --bench query_load` (SQLite), and with
//! `CREDIT_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` for PostgreSQL too.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "support.rs"]
mod support;

use actix_web::{HttpResponse, web};
use credit_platform::app::Application;
use credit_platform::workflow::Platform;
use credit_platform::workflow::clock::SystemClock;
use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[derive(diesel::QueryableByName)]
struct BaselineRow {
    #[diesel(sql_type = Text)]
    record_id: String,
    #[diesel(sql_type = Text)]
    fields: String,
}

/// The unprotected baseline: plaintext lookup by identifier, nothing else.
async fn baseline(
    platform: web::Data<Platform>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> HttpResponse {
    let identifier = query.get("identifier").cloned().unwrap_or_default();
    let rows = web::block(move || {
        let mut conn = platform.db.get().expect("connection");
        diesel::sql_query("SELECT record_id, fields FROM bench_baseline WHERE identifier = $1")
            .bind::<Text, _>(identifier)
            .load::<BaselineRow>(&mut *conn)
            .expect("baseline query")
    })
    .await
    .expect("blocking");
    let records: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| serde_json::json!({ "id": r.record_id, "fields": serde_json::from_str::<serde_json::Value>(&r.fields).unwrap_or_default() }))
        .collect();
    HttpResponse::Ok().json(serde_json::json!({ "records": records }))
}

fn baseline_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/bench/baseline", web::get().to(baseline));
}

/// Seeds `n` subjects through the real intake and the same values in clear for the baseline.
fn seed(platform: &Platform, n: u64) {
    let provider = support::provider(platform);
    let mut conn = platform.db.get().expect("connection");
    diesel::sql_query(
        "CREATE TABLE bench_baseline (identifier TEXT NOT NULL, record_id TEXT NOT NULL, fields TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .expect("baseline table");
    drop(conn);
    let started = Instant::now();
    for chunk_start in (0..n).step_by(1000) {
        let seeds: Vec<u64> = (chunk_start..(chunk_start + 1000).min(n)).collect();
        let lines: Vec<String> = seeds.iter().map(|s| support::penalty_line(*s)).collect();
        let reports =
            credit_platform::workflow::submit_record::submit_lines(platform, &provider, 1, &lines).expect("intake");
        let mut conn = platform.db.get().expect("connection");
        let values: Vec<String> = seeds
            .iter()
            .zip(&reports)
            .map(|(seed, report)| {
                let line: serde_json::Value = serde_json::from_str(&support::penalty_line(*seed)).expect("json");
                format!(
                    "('{}', '{}', '{}')",
                    support::resident_id(*seed),
                    report.id.as_deref().expect("stored"),
                    line["fields"].to_string().replace('\'', "''")
                )
            })
            .collect();
        diesel::sql_query(format!("INSERT INTO bench_baseline VALUES {}", values.join(",")))
            .execute(&mut *conn)
            .expect("baseline rows");
    }
    let mut conn = platform.db.get().expect("connection");
    diesel::sql_query("CREATE INDEX bench_baseline_identifier ON bench_baseline (identifier)")
        .execute(&mut *conn)
        .expect("index");
    println!("seeded {n} subjects in {:.1} s", started.elapsed().as_secs_f64());
    if env_or("CREDIT_LOAD_SETTLE", 1) == 1 {
        settle(platform);
    }
}

/// Brings the freshly seeded tables to the state a running platform's tables are in: the
/// planner's statistics gathered and, on PostgreSQL, the new rows vacuumed (hint bits set and
/// the visibility map built) as autovacuum would have done before they were queried. Without
/// it the first read of each row also writes its page, which measures the seed, not the query.
fn settle(platform: &Platform) {
    let mut conn = platform.db.get().expect("connection");
    let statement = match platform.db.backend() {
        credit_platform::storage::Backend::Postgres => "VACUUM ANALYZE",
        credit_platform::storage::Backend::Sqlite => "ANALYZE",
    };
    diesel::sql_query(statement).execute(&mut *conn).expect("settle");
}

/// Builds the request for subject number N.
type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

struct Phase {
    requests: u64,
    errors: u64,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort_unstable();
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(i).copied().unwrap_or_default()
    }
}

async fn drive(make: MakeRequest, clients: u64, seconds: u64, subjects: u64) -> Phase {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
            let (mut ok, mut errors, mut latencies) = (0u64, 0u64, Vec::new());
            let mut state = c.wrapping_mul(2_654_435_761);
            while Instant::now() < deadline {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                let subject = (state >> 33) % subjects;
                let sent = Instant::now();
                match make(&client, subject).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok += 1;
                        latencies.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (ok, errors, latencies)
        }));
    }
    let mut phase = Phase { requests: 0, errors: 0, latencies: Vec::new(), elapsed: Duration::ZERO };
    for task in tasks {
        let (ok, errors, latencies) = task.await.expect("client task");
        phase.requests += ok;
        phase.errors += errors;
        phase.latencies.extend(latencies);
    }
    phase.elapsed = started.elapsed();
    phase
}

fn run(backend: &'static str, subjects: u64, clients: u64, seconds: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let bench = support::platform(backend);
        let mut settings = (*bench.platform.settings).clone();
        settings.server.workers = 2;
        settings.mail.sender_enabled = false;
        seed(&bench.platform, subjects);
        let app = Application::build_with(settings, Arc::new(SystemClock), baseline_routes).expect("application");
        let base = format!("http://127.0.0.1:{}", app.port());
        let platform = app.platform().clone();
        tokio::spawn(app.run_until_stopped());
        let token = support::requester_token(&platform);
        let baseline_url = format!("{base}/bench/baseline");
        let query_url = format!("{base}/api/v1/queries");
        let baseline: MakeRequest =
            Arc::new(move |c, s| c.get(format!("{baseline_url}?identifier={}", support::resident_id(s))));
        let audited: MakeRequest = Arc::new(move |c, s| {
            c.post(&query_url)
                .bearer_auth(&token)
                .json(&serde_json::json!({ "subject_identifier": support::resident_id(s), "purpose": "supervision" }))
        });
        // Warm both paths, then alternate so that neither gets the quieter half of the run.
        drive(baseline.clone(), clients, 2, subjects).await;
        drive(audited.clone(), clients, 2, subjects).await;
        let mut results: Vec<(&str, Phase)> = Vec::new();
        // `CREDIT_LOAD_ONLY=audited` (or `baseline`) drives one path alone, for profiling.
        let only = std::env::var("CREDIT_LOAD_ONLY").unwrap_or_default();
        for _ in 0..2 {
            if only != "audited" {
                results.push(("baseline", drive(baseline.clone(), clients, seconds, subjects).await));
            }
            if only != "baseline" {
                results.push(("audited", drive(audited.clone(), clients, seconds, subjects).await));
            }
        }
        let mut total = |name: &str| -> (f64, Duration, Duration, u64) {
            let mut merged = Phase { requests: 0, errors: 0, latencies: Vec::new(), elapsed: Duration::ZERO };
            for (_, phase) in results.iter_mut().filter(|(n, _)| *n == name) {
                merged.requests += phase.requests;
                merged.errors += phase.errors;
                merged.elapsed += phase.elapsed;
                merged.latencies.append(&mut phase.latencies);
            }
            (merged.per_second(), merged.percentile(0.5), merged.percentile(0.99), merged.errors)
        };
        let (b_rps, b50, b99, b_err) = total("baseline");
        let (a_rps, a50, a99, a_err) = total("audited");
        let entries = platform.audit.stats();
        println!("query_load/{backend}: subjects={subjects} clients={clients} seconds={seconds}x2");
        println!("  baseline  {b_rps:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {b_err}", ms(b50), ms(b99));
        println!("  audited   {a_rps:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {a_err}", ms(a50), ms(a99));
        println!("  ratio audited/baseline = {:.2}  (access-log writer: {entries:?})", a_rps / b_rps);
        platform.audit.shutdown();
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run only when benched.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let subjects = env_or("CREDIT_LOAD_SUBJECTS", 100_000);
    let clients = env_or("CREDIT_LOAD_CLIENTS", 16);
    let seconds = env_or("CREDIT_LOAD_SECONDS", 10);
    for backend in support::backends() {
        run(backend, subjects, clients, seconds);
    }
}
