//! The access log's tables: entries (append-only), the single chain-head row and the signed
//! checkpoints. Rows hold pseudonymous ids and codes only, never an identifier or a name.
//!
//! `lock_head` is the serialization point of every appender: it UPDATEs the head row, which
//! takes the row lock on PostgreSQL (held to the end of the transaction, so server instances
//! on one database append one batch at a time) and the write lock on SQLite.

use super::schema::{audit_checkpoints, audit_entries, audit_head};
use super::{AnyConnection, StorageError, StoredTime, Timestamp};
use diesel::prelude::*;

/// One access-log entry as stored. The MAC covers every column but `mac` itself.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
// NULL rather than DEFAULT for None: SQLite's multi-row INSERT has no DEFAULT keyword.
#[diesel(treat_none_as_default_value = false)]
pub struct AuditEntryRow {
    pub sequence: i64,
    pub at: StoredTime,
    pub request_id: String,
    pub actor_account_id: Option<String>,
    pub organization_id: Option<String>,
    pub role: String,
    pub action: String,
    pub purpose: Option<String>,
    pub authorization_id: Option<String>,
    pub subject_id: Option<String>,
    /// Canonical JSON array of record ids.
    pub record_ids: String,
    /// Canonical JSON array of the field names disclosed.
    pub fields: String,
    pub decision: String,
    pub reason_code: Option<String>,
    pub policy_version: String,
    pub visible_to_subject_from: Option<StoredTime>,
    pub prev_mac: Vec<u8>,
    pub mac: Vec<u8>,
}

/// An entry's columns as the MAC chain reads them (times as UTC microseconds), borrowed from
/// wherever the entry was loaded: an `AuditEntryRow` or the verifier's packed scan rows.
pub struct EntryColumns<'a> {
    pub sequence: i64,
    pub at_micros: i64,
    pub request_id: &'a str,
    pub actor_account_id: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub role: &'a str,
    pub action: &'a str,
    pub purpose: Option<&'a str>,
    pub authorization_id: Option<&'a str>,
    pub subject_id: Option<&'a str>,
    pub record_ids: &'a str,
    pub fields: &'a str,
    pub decision: &'a str,
    pub reason_code: Option<&'a str>,
    pub policy_version: &'a str,
    pub visible_micros: Option<i64>,
}

impl AuditEntryRow {
    pub fn columns(&self) -> EntryColumns<'_> {
        EntryColumns {
            sequence: self.sequence,
            at_micros: self.at.and_utc().timestamp_micros(),
            request_id: &self.request_id,
            actor_account_id: self.actor_account_id.as_deref(),
            organization_id: self.organization_id.as_deref(),
            role: &self.role,
            action: &self.action,
            purpose: self.purpose.as_deref(),
            authorization_id: self.authorization_id.as_deref(),
            subject_id: self.subject_id.as_deref(),
            record_ids: &self.record_ids,
            fields: &self.fields,
            decision: &self.decision,
            reason_code: self.reason_code.as_deref(),
            policy_version: &self.policy_version,
            visible_micros: self.visible_to_subject_from.map(|t| t.and_utc().timestamp_micros()),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_checkpoints)]
pub struct CheckpointRow {
    pub size: i64,
    pub head_mac: Vec<u8>,
    pub at: Timestamp,
    pub signature: Vec<u8>,
    pub public_key_id: String,
}

/// Rows per INSERT statement: 18 binds each stays far below SQLite's and PostgreSQL's limits.
const INSERT_CHUNK: usize = 500;

/// Locks the chain head for the rest of the transaction and returns (sequence, MAC).
pub fn lock_head(conn: &mut AnyConnection) -> Result<(i64, Vec<u8>), StorageError> {
    // A no-op UPDATE is the portable row lock; RETURNING reads the head as of the lock, i.e.
    // after any concurrent appender committed (PostgreSQL re-reads the row it waited for).
    Ok(on_backend!(conn, |c| diesel::update(audit_head::table.find(1))
        .set(audit_head::id.eq(audit_head::id))
        .returning((audit_head::sequence, audit_head::mac))
        .get_result(c))?)
}

/// The head as committed, without locking (verification, checkpoints).
pub fn head(conn: &mut AnyConnection) -> Result<(i64, Vec<u8>), StorageError> {
    Ok(audit_head::table.find(1).select((audit_head::sequence, audit_head::mac)).first(conn)?)
}

pub fn set_head(conn: &mut AnyConnection, sequence: i64, mac: &[u8]) -> Result<(), StorageError> {
    let n = diesel::update(audit_head::table.find(1))
        .set((audit_head::sequence.eq(sequence), audit_head::mac.eq(mac)))
        .execute(conn)?;
    if n == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}

pub fn insert_entries(conn: &mut AnyConnection, rows: &[AuditEntryRow]) -> Result<(), StorageError> {
    match conn {
        // In-process SQLite has no round trips to save: one cached single-row statement per
        // entry beats parsing a new multi-row statement for every batch size.
        AnyConnection::Sqlite(c) => {
            for row in rows {
                diesel::insert_into(audit_entries::table).values(row).execute(c)?;
            }
        }
        // PostgreSQL: one multi-row INSERT per chunk, one round trip.
        AnyConnection::Postgresql(c) => {
            for chunk in rows.chunks(INSERT_CHUNK) {
                diesel::insert_into(audit_entries::table).values(chunk).execute(c)?;
            }
        }
    }
    Ok(())
}

/// Up to `limit` entries with sequence > `after`, in sequence order (the verifier's pages).
pub fn page_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<AuditEntryRow>, StorageError> {
    Ok(audit_entries::table
        .filter(audit_entries::sequence.gt(after))
        .order(audit_entries::sequence)
        .limit(limit)
        .select(AuditEntryRow::as_select())
        .load(conn)?)
}

/// What officers filter the log by; every condition present must hold.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub organization_id: Option<String>,
    pub account_id: Option<String>,
    pub purpose: Option<String>,
    pub decision: Option<String>,
    pub subject_id: Option<String>,
    /// The subject's own view (DESIGN §6): only entries already visible to the subject at
    /// this time (no delay, or the delay has passed).
    pub visible_to_subject_at: Option<Timestamp>,
    /// Cursor: only entries older (smaller sequence) than this.
    pub before: Option<i64>,
}

/// Newest first, at most `limit`.
pub fn search(conn: &mut AnyConnection, filter: &EntryFilter, limit: i64) -> Result<Vec<AuditEntryRow>, StorageError> {
    let mut query = audit_entries::table.select(AuditEntryRow::as_select()).into_boxed();
    if let Some(from) = filter.from {
        query = query.filter(audit_entries::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_entries::at.lt(to));
    }
    if let Some(v) = &filter.organization_id {
        query = query.filter(audit_entries::organization_id.eq(v.clone()));
    }
    if let Some(v) = &filter.account_id {
        query = query.filter(audit_entries::actor_account_id.eq(v.clone()));
    }
    if let Some(v) = &filter.purpose {
        query = query.filter(audit_entries::purpose.eq(v.clone()));
    }
    if let Some(v) = &filter.decision {
        query = query.filter(audit_entries::decision.eq(v.clone()));
    }
    if let Some(v) = &filter.subject_id {
        query = query.filter(audit_entries::subject_id.eq(v.clone()));
    }
    if let Some(now) = filter.visible_to_subject_at {
        query = query.filter(
            audit_entries::visible_to_subject_from.is_null().or(audit_entries::visible_to_subject_from.le(now)),
        );
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_entries::sequence.lt(before));
    }
    Ok(query.order(audit_entries::sequence.desc()).limit(limit).load(conn)?)
}

pub fn insert_checkpoint(conn: &mut AnyConnection, row: &CheckpointRow) -> Result<(), StorageError> {
    diesel::insert_into(audit_checkpoints::table).values(row).execute(conn)?;
    Ok(())
}

pub fn latest_checkpoint(conn: &mut AnyConnection) -> Result<Option<CheckpointRow>, StorageError> {
    Ok(audit_checkpoints::table
        .order(audit_checkpoints::size.desc())
        .select(CheckpointRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every checkpoint, smallest size first (one per N entries, so few).
pub fn all_checkpoints(conn: &mut AnyConnection) -> Result<Vec<CheckpointRow>, StorageError> {
    Ok(audit_checkpoints::table.order(audit_checkpoints::size).select(CheckpointRow::as_select()).load(conn)?)
}

/// Newest first, sizes below `before`.
pub fn list_checkpoints(
    conn: &mut AnyConnection,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<CheckpointRow>, StorageError> {
    let mut query = audit_checkpoints::table.select(CheckpointRow::as_select()).into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_checkpoints::size.lt(before));
    }
    Ok(query.order(audit_checkpoints::size.desc()).limit(limit).load(conn)?)
}

/// Organizations with at least `at_least` query entries (allowed or denied) in `[from, to)`,
/// each with its count, busiest first: the volume check of R-20. Reads the `at` index range.
pub fn query_counts_between(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
    at_least: i64,
) -> Result<Vec<(String, i64)>, StorageError> {
    let counted = diesel::dsl::count_star();
    let rows: Vec<(Option<String>, i64)> = audit_entries::table
        .filter(audit_entries::action.eq("query"))
        .filter(audit_entries::at.ge(from))
        .filter(audit_entries::at.lt(to))
        .filter(audit_entries::organization_id.is_not_null())
        .group_by(audit_entries::organization_id)
        .having(counted.ge(at_least))
        .select((audit_entries::organization_id, counted))
        .order((counted.desc(), audit_entries::organization_id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(org, n)| Some((org?, n))).collect())
}
