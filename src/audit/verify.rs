//! Verification: stream every entry in sequence order and recompute the chain.
//!
//! Detects a modified entry (its MAC fails), a deleted one (a sequence is missing), an inserted
//! or re-numbered one (MAC or link fails: the sequence is inside the MAC), reordered entries
//! (the link to the previous MAC fails), a head row that does not match the last entry, and a
//! truncated tail against the signed checkpoints: a checkpoint larger than what is left, or
//! whose head MAC differs from the MAC of the entry at its size. Checkpoints whose signature
//! does not verify with the public key are a failure too (and anchor nothing).
//!
//! Speed: every row carries its `prev_mac`, so each entry's MAC can be checked on its own.
//! Worker threads (one per core, `verify/parallel.rs`) load and check disjoint sequence ranges up to
//! the head read at the start, each on its own connection; this thread stitches their results
//! together in order (links across pages, missing ranges). What was appended after the start
//! is then streamed here. Checks reuse one encoding buffer and a pre-keyed HMAC, so the only
//! per-entry allocations are the column strings diesel hands back.

use super::AuditError;
use super::chain::{GENESIS, is_authentic};
use super::checkpoint::{self, Checkpoint};
use crate::crypto::AuditMacKey;
use crate::storage::Database;
use crate::storage::audit_log::{self, AuditEntryRow, EntryColumns};
use crate::storage::audit_scan::ScannedEntry;
use std::sync::mpsc::sync_channel;

const PAGE: i64 = 10_000;
/// Entries per page of the parallel workers.
pub const PARALLEL_PAGE: i64 = 5_000;

mod parallel;

/// Why verification stopped at `first_bad_sequence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    MissingEntry,
    BrokenLink,
    MacMismatch,
    HeadMismatch,
    Truncated,
    CheckpointMismatch,
    CheckpointSignature,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::MissingEntry => "missing_entry",
            Problem::BrokenLink => "broken_link",
            Problem::MacMismatch => "mac_mismatch",
            Problem::HeadMismatch => "head_mismatch",
            Problem::Truncated => "truncated",
            Problem::CheckpointMismatch => "checkpoint_mismatch",
            Problem::CheckpointSignature => "checkpoint_signature",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub ok: bool,
    /// Entries checked (all of them when ok).
    pub entries: u64,
    pub first_bad_sequence: Option<i64>,
    pub problem: Option<Problem>,
    pub last_checkpoint: Option<Checkpoint>,
}

#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u64,
    /// The head's size when verification started (entries may be appended meanwhile).
    pub total: u64,
}

/// A failure: the first bad sequence and why.
pub type Failure = (i64, Problem);

/// What a scan reads of a stored entry, however it was loaded: whole rows (`AuditEntryRow`,
/// the tail streamed at the end) or packed scan rows (`ScannedEntry`, the parallel pages).
pub trait Stored {
    fn sequence(&self) -> i64;
    fn prev_mac(&self) -> &[u8];
    fn mac(&self) -> &[u8];
    fn columns(&self) -> EntryColumns<'_>;
}

impl Stored for AuditEntryRow {
    fn sequence(&self) -> i64 {
        self.sequence
    }
    fn prev_mac(&self) -> &[u8] {
        &self.prev_mac
    }
    fn mac(&self) -> &[u8] {
        &self.mac
    }
    fn columns(&self) -> EntryColumns<'_> {
        AuditEntryRow::columns(self)
    }
}

/// A stored MAC of the wrong length reads as empty, so it fails its check like any other.
impl Stored for ScannedEntry {
    fn sequence(&self) -> i64 {
        self.sequence
    }
    fn prev_mac(&self) -> &[u8] {
        self.prev_mac.as_ref().map_or(&[], |m| m.as_slice())
    }
    fn mac(&self) -> &[u8] {
        self.mac.as_ref().map_or(&[], |m| m.as_slice())
    }
    fn columns(&self) -> EntryColumns<'_> {
        ScannedEntry::columns(self)
    }
}

/// The running state of a chain check, fed pages in sequence order.
pub struct Scan<'a> {
    key: &'a AuditMacKey,
    /// Valid checkpoints, smallest first; `next_anchor` indexes the next one to meet.
    anchors: &'a [Checkpoint],
    next_anchor: usize,
    pub expected: i64,
    pub prev: [u8; 32],
    pub checked: u64,
    scratch: Vec<u8>,
}

impl<'a> Scan<'a> {
    /// A scan continuing after entry `after`, whose MAC is `prev`.
    pub fn new(key: &'a AuditMacKey, anchors: &'a [Checkpoint], after: i64, prev: [u8; 32]) -> Self {
        let next_anchor = anchors.partition_point(|c| c.size <= after);
        Self { key, anchors, next_anchor, expected: after + 1, prev, checked: 0, scratch: Vec::with_capacity(512) }
    }

    pub fn feed<R: Stored>(&mut self, rows: &[R]) -> Result<(), Failure> {
        for row in rows {
            let sequence = row.sequence();
            if sequence != self.expected {
                return Err((self.expected.min(sequence), Problem::MissingEntry));
            }
            if row.prev_mac() != self.prev {
                return Err((sequence, Problem::BrokenLink));
            }
            if !is_authentic(self.key, &row.columns(), row.prev_mac(), row.mac(), &mut self.scratch) {
                return Err((sequence, Problem::MacMismatch));
            }
            self.prev = row.mac().try_into().map_err(|_| (sequence, Problem::MacMismatch))?;
            if let Some(anchor) = self.anchors.get(self.next_anchor).filter(|a| a.size == sequence) {
                if anchor.head_mac != self.prev {
                    return Err((sequence, Problem::CheckpointMismatch));
                }
                self.next_anchor += 1;
            }
            self.expected += 1;
            self.checked += 1;
        }
        Ok(())
    }

    /// The last entry seen (0 before the first).
    pub fn last(&self) -> i64 {
        self.expected - 1
    }

    /// Moves past a run of entries checked elsewhere (a parallel page), ending at `last`.
    fn advance(&mut self, last: i64, last_mac: [u8; 32], count: u64) {
        self.expected = last + 1;
        self.prev = last_mac;
        self.checked += count;
        self.next_anchor = self.anchors.partition_point(|c| c.size <= last);
    }
}

/// Verifies the whole log. `public_key` checks the checkpoints; `progress` is called per page.
pub fn verify_log(
    db: &Database,
    key: &AuditMacKey,
    public_key: &[u8; 32],
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, AuditError> {
    verify_log_paged(db, key, public_key, PARALLEL_PAGE, progress)
}

/// As `verify_log`, with the workers' page size chosen (tests use tiny pages to put
/// tampering on page boundaries).
pub fn verify_log_paged(
    db: &Database,
    key: &AuditMacKey,
    public_key: &[u8; 32],
    page: i64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, AuditError> {
    // Checkpoints before the head: each was signed over a head no later than the one read next.
    let (anchors, bad_signature) = {
        let mut conn = db.get()?;
        checkpoint::load_verified(&mut conn, public_key)?
    };
    let head_at_start = audit_log::head(&mut *db.get()?)?.0;
    let mut scan = Scan::new(key, &anchors, 0, GENESIS);
    let outcome = match parallel::check_up_to(db, &mut scan, head_at_start, page, progress)? {
        Ok(()) => stream(db, &mut scan, head_at_start, progress)?,
        Err(failure) => Err(failure),
    };
    let last_checkpoint = anchors.last().cloned();
    let failure = match outcome {
        Err(failure) => Some(failure),
        Ok(()) => bad_signature
            .map(|size| (size, Problem::CheckpointSignature))
            .or_else(|| anchors.iter().any(|a| a.size > scan.last()).then(|| (scan.last() + 1, Problem::Truncated))),
    };
    Ok(Report {
        ok: failure.is_none(),
        entries: scan.checked,
        first_bad_sequence: failure.map(|f| f.0),
        problem: failure.map(|f| f.1),
        last_checkpoint,
    })
}

/// Streams pages to `scan` until the end, then compares with the head. The head row commits
/// with its entries, so every entry up to a head read earlier must be visible to a later page
/// read: fewer means a truncated tail. A head ahead of the last page (entries appended
/// meanwhile) is caught up with a few times; a log still growing after that has been checked
/// as far as it was read.
fn stream(
    db: &Database,
    scan: &mut Scan<'_>,
    head_at_start: i64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Result<(), Failure>, AuditError> {
    let total = u64::try_from(head_at_start).unwrap_or(0);
    let mut known_head = head_at_start;
    for _round in 0..8 {
        if let Err(failure) = stream_pages(db, scan, total, progress)? {
            return Ok(Err(failure));
        }
        if scan.last() < known_head {
            return Ok(Err((scan.last() + 1, Problem::Truncated)));
        }
        let (head_sequence, head_mac) = audit_log::head(&mut *db.get()?)?;
        if head_sequence < scan.last() {
            // Entries past the head: written by someone who did not (could not) move it.
            return Ok(Err((head_sequence + 1, Problem::HeadMismatch)));
        }
        if head_sequence == scan.last() {
            if head_mac.as_slice() != scan.prev {
                return Ok(Err((head_sequence.max(1), Problem::HeadMismatch)));
            }
            return Ok(Ok(()));
        }
        known_head = head_sequence;
    }
    Ok(Ok(()))
}

fn stream_pages(
    db: &Database,
    scan: &mut Scan<'_>,
    total: u64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Result<(), Failure>, AuditError> {
    let mut conn = db.get()?;
    let start = scan.last();
    std::thread::scope(|threads| {
        let (tx, rx) = sync_channel::<Result<Vec<AuditEntryRow>, AuditError>>(2);
        threads.spawn(move || {
            let mut after = start;
            loop {
                let page = audit_log::page_after(&mut conn, after, PAGE).map_err(AuditError::from);
                let (last, full) = match &page {
                    Ok(rows) => (rows.last().map(|r| r.sequence), rows.len() as i64 == PAGE),
                    Err(_) => (None, false),
                };
                // The receiver is gone when the check already failed: stop reading.
                if tx.send(page).is_err() || !full {
                    return;
                }
                after = last.unwrap_or(after);
            }
        });
        for page in rx {
            if let Err(failure) = scan.feed(&page?) {
                return Ok(Err(failure));
            }
            progress(Progress { done: scan.checked, total });
        }
        Ok(Ok(()))
    })
}
