//! Signed checkpoints: every N entries or T seconds, an Ed25519 signature over
//! (size, head MAC, time). Anyone holding the published public key can check one, and a
//! checkpoint pins the log's length: deleting entries after it (and fixing the head row) no
//! longer goes unnoticed.
//!
//! Before signing, the entries since the previous checkpoint are verified, so a checkpoint is
//! never signed over a chain that was already tampered with. Several instances may checkpoint
//! the same head; the size is the key, and the second insert is simply dropped.

use super::AuditError;
use super::chain::GENESIS;
use super::verify::Scan;
use crate::crypto::{AuditMacKey, CheckpointSigningKey, verify_checkpoint_signature};
use crate::storage::audit_log::{self, CheckpointRow};
use crate::storage::{AnyConnection, Database, StorageError, Timestamp};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

const STATEMENT_TAG: &[u8] = b"credit-platform/audit-checkpoint/v1";
const PAGE: i64 = 10_000;

/// A checkpoint as stored (and, once loaded through `load_verified`, with a valid signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub size: i64,
    pub head_mac: [u8; 32],
    pub at: DateTime<Utc>,
    pub signature: Vec<u8>,
    pub public_key_id: String,
}

impl Checkpoint {
    /// The exact bytes that were signed.
    pub fn statement(&self) -> Vec<u8> {
        statement(self.size, &self.head_mac, self.at.naive_utc())
    }
}

/// `tag || size (u64 BE) || head MAC (32) || time (i64 BE microseconds since 1970 UTC)`.
/// Published so that a verifier can rebuild it from the checkpoint's fields alone.
pub fn statement(size: i64, head_mac: &[u8; 32], at: Timestamp) -> Vec<u8> {
    let mut out = Vec::with_capacity(STATEMENT_TAG.len() + 48);
    out.extend_from_slice(STATEMENT_TAG);
    out.extend_from_slice(&size.to_be_bytes());
    out.extend_from_slice(head_mac);
    out.extend_from_slice(&at.and_utc().timestamp_micros().to_be_bytes());
    out
}

/// The first 8 bytes of SHA-256 of the public key, in hex: names the key a checkpoint is
/// signed with, so a future key change is visible in the data.
pub fn public_key_id(public_key: &[u8; 32]) -> String {
    Sha256::digest(public_key)[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn parse(row: CheckpointRow) -> Result<Checkpoint, AuditError> {
    Ok(Checkpoint {
        size: row.size,
        head_mac: row.head_mac.as_slice().try_into().map_err(|_| AuditError::Malformed("checkpoint MAC"))?,
        at: row.at.and_utc(),
        signature: row.signature,
        public_key_id: row.public_key_id,
    })
}

/// Every checkpoint whose signature verifies, smallest first, and the size of the first one
/// that does not (if any).
pub fn load_verified(
    conn: &mut AnyConnection,
    public_key: &[u8; 32],
) -> Result<(Vec<Checkpoint>, Option<i64>), AuditError> {
    let mut valid = Vec::new();
    let mut first_invalid = None;
    for row in audit_log::all_checkpoints(conn)? {
        let size = row.size;
        match parse(row) {
            Ok(c) if verify_checkpoint_signature(public_key, &c.statement(), &c.signature) => valid.push(c),
            _ => {
                first_invalid.get_or_insert(size);
            }
        }
    }
    Ok((valid, first_invalid))
}

pub fn list(conn: &mut AnyConnection, before: Option<i64>, limit: i64) -> Result<Vec<Checkpoint>, AuditError> {
    audit_log::list_checkpoints(conn, before, limit)?.into_iter().map(parse).collect()
}

/// Signs the current head if it moved since the last checkpoint, after verifying the entries
/// in between. Returns the new checkpoint, or None when there was nothing new.
pub fn checkpoint_now(
    db: &Database,
    key: &AuditMacKey,
    signer: &CheckpointSigningKey,
    now: Timestamp,
) -> Result<Option<Checkpoint>, AuditError> {
    let public_key = signer.public_key_bytes();
    let mut conn = db.get()?;
    let last = match audit_log::latest_checkpoint(&mut conn)? {
        Some(row) => parse(row)?,
        None => Checkpoint {
            size: 0,
            head_mac: GENESIS,
            at: now.and_utc(),
            signature: Vec::new(),
            public_key_id: String::new(),
        },
    };
    if last.size > 0 && !verify_checkpoint_signature(&public_key, &last.statement(), &last.signature) {
        return Err(AuditError::Broken { first_bad_sequence: last.size });
    }
    let (head_sequence, head_mac) = audit_log::head(&mut conn)?;
    if head_sequence < last.size {
        // The head moved back behind a signed size: the tail was cut.
        return Err(AuditError::Broken { first_bad_sequence: head_sequence + 1 });
    }
    if head_sequence == last.size {
        return Ok(None);
    }
    let head_mac: [u8; 32] = head_mac.as_slice().try_into().map_err(|_| AuditError::Malformed("head MAC"))?;
    let mut scan = Scan::new(key, &[], last.size, last.head_mac);
    while scan.last() < head_sequence {
        let page = audit_log::page_after(&mut conn, scan.last(), PAGE.min(head_sequence - scan.last()))?;
        if page.is_empty() {
            break;
        }
        scan.feed(&page).map_err(|(first_bad_sequence, _)| AuditError::Broken { first_bad_sequence })?;
    }
    if scan.last() != head_sequence || scan.prev != head_mac {
        return Err(AuditError::Broken { first_bad_sequence: scan.last() + 1 });
    }
    let at = super::entry::to_micros(now);
    let checkpoint = Checkpoint {
        size: head_sequence,
        head_mac,
        at: at.and_utc(),
        signature: signer.sign(&statement(head_sequence, &head_mac, at)).to_vec(),
        public_key_id: public_key_id(&public_key),
    };
    let row = CheckpointRow {
        size: checkpoint.size,
        head_mac: head_mac.to_vec(),
        at,
        signature: checkpoint.signature.clone(),
        public_key_id: checkpoint.public_key_id.clone(),
    };
    match audit_log::insert_checkpoint(&mut conn, &row) {
        Ok(()) => Ok(Some(checkpoint)),
        // Another instance signed the same head first.
        Err(StorageError::Duplicate) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// When to checkpoint: woken by the writer after N entries, or by the interval.
pub(super) struct Schedule {
    state: Mutex<(u64, bool)>,
    wake: Condvar,
    every: u64,
}

impl Schedule {
    pub fn new(every: u64) -> Self {
        Self { state: Mutex::new((0, false)), wake: Condvar::new(), every: every.max(1) }
    }

    pub fn appended(&self, n: u64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 += n;
        if state.0 >= self.every {
            self.wake.notify_all();
        }
    }

    pub fn stop(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.wake.notify_all();
    }

    /// Waits for N entries, the interval or a stop; true when stopping.
    pub fn wait(&self, interval: Duration) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (mut state, _) = self
            .wake
            .wait_timeout_while(state, interval, |(pending, stop)| !*stop && *pending < self.every)
            .unwrap_or_else(|p| p.into_inner());
        state.0 = 0;
        state.1
    }
}
