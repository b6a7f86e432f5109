//! Bulk intake through the batch path (`submit_lines`, the code behind `/records/batch` and
//! `import`): records per second in 1000-line chunks, each record about a new subject (the
//! worst case: a data key is created, wrapped and stored per record), and each about a subject
//! the platform already knows.
//!
//! `cargo bench --bench intake` (add CREDIT_BENCH_DATABASE_URL=postgres://... for PostgreSQL).

// A benchmark that cannot set up or store must stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "support.rs"]
mod support;

use credit_platform::workflow::submit_record::submit_lines;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::sync::atomic::{AtomicU64, Ordering};

const CHUNK: u64 = 1000;

fn intake(c: &mut Criterion) {
    let mut group = c.benchmark_group("intake");
    group.throughput(Throughput::Elements(CHUNK));
    group.sample_size(20);
    for backend in support::backends() {
        let bench = support::platform(backend);
        let provider = support::provider(&bench.platform);
        let next = AtomicU64::new(0);
        group.bench_function(format!("batch_1000_new_subjects/{}", bench.label), |b| {
            b.iter_batched(
                || {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    (start..start + CHUNK).map(support::penalty_line).collect::<Vec<_>>()
                },
                |lines| {
                    let reports = submit_lines(&bench.platform, &provider, 1, &lines).expect("chunk stored");
                    assert!(reports.iter().all(|r| r.error.is_none()), "every line is valid");
                },
                BatchSize::PerIteration,
            );
        });
        // Records about subjects the platform already knows (a provider's second submission
        // about the same people): no new data key, the subject found through the blind index.
        let known: Vec<String> = (1_000_000..1_000_000 + CHUNK).map(support::penalty_line).collect();
        submit_lines(&bench.platform, &provider, 1, &known).expect("subjects seeded");
        group.bench_function(format!("batch_1000_known_subjects/{}", bench.label), |b| {
            b.iter(|| {
                let reports = submit_lines(&bench.platform, &provider, 1, &known).expect("chunk stored");
                assert!(reports.iter().all(|r| r.error.is_none()), "every line is valid");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, intake);
criterion_main!(benches);
