//! Appending to the chain inside the caller's transaction. Used by the group-commit writer
//! (one transaction per batch) and by workflows that must log a state change in the same
//! transaction as the change, so that either both are durable or neither is.
//!
//! The head row is locked first (see `storage::audit_log::lock_head`): from then until the
//! transaction ends no other appender, in this process or another, can extend the chain, so
//! sequences are gap-free and each `prev_mac` is the MAC committed just before. A workflow
//! should therefore append as the last step of its transaction, holding the lock briefly.

use super::AuditError;
use super::chain::mac_of;
use super::entry::{NewEntry, json_array, to_micros};
use crate::crypto::AuditMacKey;
use crate::storage::audit_log::{self, AuditEntryRow};
use crate::storage::{AnyConnection, audit_append_pg};

/// The chain head: the last entry's sequence and MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub sequence: i64,
    pub mac: [u8; 32],
}

impl Head {
    /// The sequences of the last `n` entries up to this head.
    pub fn last_sequences(&self, n: usize) -> Vec<i64> {
        (self.sequence - n as i64 + 1..=self.sequence).collect()
    }
}

/// Appends `entries` in order; returns their sequence numbers. Must run inside a transaction
/// (`Database::transaction` / `write_transaction`): the head lock lasts until it ends.
pub fn append_in(conn: &mut AnyConnection, key: &AuditMacKey, entries: &[NewEntry]) -> Result<Vec<i64>, AuditError> {
    Ok(append_locked(conn, key, entries)?.map(|head| head.last_sequences(entries.len())).unwrap_or_default())
}

/// `append_in` that answers the new head (`None` when there was nothing to append).
pub(super) fn append_locked(
    conn: &mut AnyConnection,
    key: &AuditMacKey,
    entries: &[NewEntry],
) -> Result<Option<Head>, AuditError> {
    if entries.is_empty() {
        return Ok(None);
    }
    let (sequence, head_mac) = audit_log::lock_head(conn)?;
    let mac = head_mac.as_slice().try_into().map_err(|_| AuditError::Malformed("head MAC"))?;
    let (rows, head) = chain(key, entries, Head { sequence, mac });
    audit_log::insert_entries(conn, &rows)?;
    audit_log::set_head(conn, head.sequence, &head.mac)?;
    Ok(Some(head))
}

/// PostgreSQL, outside a transaction: appends `entries` after `known` in one statement if the
/// head is still there (`storage::audit_append_pg`). `None`: the head had moved (or this is
/// SQLite), nothing was written, and the caller must take the locked path.
pub(super) fn append_after(
    conn: &mut AnyConnection,
    key: &AuditMacKey,
    entries: &[NewEntry],
    known: Head,
) -> Result<Option<Head>, AuditError> {
    let (rows, head) = chain(key, entries, known);
    Ok(audit_append_pg::append_after(conn, known.sequence, &rows)?.then_some(head))
}

/// The rows of `entries` chained after `head`, and the head after the last of them.
fn chain(key: &AuditMacKey, entries: &[NewEntry], head: Head) -> (Vec<AuditEntryRow>, Head) {
    let Head { mut sequence, mac: mut prev } = head;
    let mut rows = Vec::with_capacity(entries.len());
    let mut scratch = Vec::with_capacity(512);
    for entry in entries {
        sequence += 1;
        let mut row = row_of(entry, sequence, prev);
        prev = mac_of(key, &row, &mut scratch);
        row.mac = prev.to_vec();
        rows.push(row);
    }
    (rows, Head { sequence, mac: prev })
}

fn row_of(entry: &NewEntry, sequence: i64, prev: [u8; 32]) -> AuditEntryRow {
    AuditEntryRow {
        sequence,
        at: to_micros(entry.at).into(),
        request_id: entry.request_id.clone(),
        actor_account_id: entry.actor_account_id.clone(),
        organization_id: entry.organization_id.clone(),
        role: entry.role.clone(),
        action: entry.action.as_str().to_owned(),
        purpose: entry.purpose.clone(),
        authorization_id: entry.authorization_id.clone(),
        subject_id: entry.subject_id.clone(),
        record_ids: json_array(&entry.record_ids),
        fields: json_array(&entry.fields),
        decision: entry.decision.as_str().to_owned(),
        reason_code: entry.reason_code.clone(),
        policy_version: entry.policy_version.clone(),
        visible_to_subject_from: entry.visible_to_subject_from.map(|at| to_micros(at).into()),
        prev_mac: prev.to_vec(),
        mac: Vec::new(),
    }
}
