//! The parallel part of verification: sequence ranges `1..=head` cut into pages, loaded and
//! checked by one worker per core; the caller's `Scan` is advanced over them in order.
//!
//! A worker checks its page on its own (sequences contiguous, links inside the page, every
//! MAC, checkpoints met); what it cannot know, whether the page's first entry follows the
//! previous page's last, is checked here in page order, so the failure reported is always the
//! lowest bad sequence.

use super::{Failure, Problem, Progress, Scan};
use crate::audit::AuditError;
use crate::storage::Database;
use crate::storage::audit_scan::{self, ScannedEntry};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::channel;

/// What a worker learned about one page.
struct Summary {
    /// The first row's sequence and `prev_mac`, if the range held any row.
    first: Option<(i64, [u8; 32])>,
    last: i64,
    last_mac: [u8; 32],
    count: u64,
    failure: Option<Failure>,
}

/// Checks entries `scan.last()+1 ..= up_to` in pages of `page` entries, advancing `scan`;
/// returns the first failure.
pub(super) fn check_up_to(
    db: &Database,
    scan: &mut Scan<'_>,
    up_to: i64,
    page: i64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Result<(), Failure>, AuditError> {
    let page = page.max(1);
    let start = scan.last();
    let pages = ((up_to - start).max(0) + page - 1) / page;
    if pages == 0 {
        return Ok(Ok(()));
    }
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8).min(pages as usize);
    let (key, anchors) = (scan.key, scan.anchors);
    let next = AtomicI64::new(0);
    let stop = AtomicBool::new(false);
    let total = u64::try_from(up_to).unwrap_or(0);
    std::thread::scope(|threads| {
        let (tx, rx) = channel::<Result<(i64, Summary), AuditError>>();
        for _ in 0..workers {
            let (tx, next, stop) = (tx.clone(), &next, &stop);
            threads.spawn(move || {
                let mut conn = match db.get() {
                    Ok(conn) => conn,
                    Err(e) => return drop(tx.send(Err(e.into()))),
                };
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= pages {
                        return;
                    }
                    let first = start + index * page + 1;
                    let checked = audit_scan::range(&mut conn, first, (first + page - 1).min(up_to))
                        .map_err(AuditError::from)
                        .map(|rows| (index, summarize(key, anchors, &rows)));
                    if tx.send(checked).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut expected_index = 0;
        for received in rx {
            let (index, summary) = received?;
            waiting.insert(index, summary);
            while let Some(summary) = waiting.remove(&expected_index) {
                match stitch(scan, &summary) {
                    Ok(true) => {}
                    // An empty range: the caller's stream tells a gap from a cut tail.
                    Ok(false) => {
                        stop.store(true, Ordering::Relaxed);
                        return Ok(Ok(()));
                    }
                    Err(failure) => {
                        stop.store(true, Ordering::Relaxed);
                        return Ok(Err(failure));
                    }
                }
                expected_index += 1;
                progress(Progress { done: scan.checked, total });
            }
        }
        Ok(Ok(()))
    })
}

fn summarize(key: &crate::crypto::AuditMacKey, anchors: &[super::Checkpoint], rows: &[ScannedEntry]) -> Summary {
    let mut summary = Summary { first: None, last: 0, last_mac: [0; 32], count: rows.len() as u64, failure: None };
    let Some(head) = rows.first() else {
        return summary;
    };
    let Some(prev) = head.prev_mac else {
        summary.first = Some((head.sequence, [0; 32]));
        summary.failure = Some((head.sequence, Problem::BrokenLink));
        return summary;
    };
    summary.first = Some((head.sequence, prev));
    let mut page_scan = Scan::new(key, anchors, head.sequence - 1, prev);
    match page_scan.feed(rows) {
        Ok(()) => {
            summary.last = page_scan.last();
            summary.last_mac = page_scan.prev;
        }
        Err(failure) => summary.failure = Some(failure),
    }
    summary
}

/// Joins a page to what came before it; false when the page was empty (stop here).
fn stitch(scan: &mut Scan<'_>, summary: &Summary) -> Result<bool, Failure> {
    let Some((first, prev)) = summary.first else {
        return Ok(false);
    };
    if first != scan.expected {
        return Err((scan.expected.min(first), Problem::MissingEntry));
    }
    if prev != scan.prev {
        return Err((first, Problem::BrokenLink));
    }
    if let Some(failure) = summary.failure {
        return Err(failure);
    }
    scan.advance(summary.last, summary.last_mac, summary.count);
    Ok(true)
}
