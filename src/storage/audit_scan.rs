//! The access-log verifier's read path: sequence ranges loaded as fast as diesel allows,
//! because verification must stream hundreds of thousands of entries a second.
//!
//! Three costs dominate a row besides SQLite itself: the multi-backend row indirection (the
//! ranges are loaded on the concrete connection); on SQLite, parsing the TIMESTAMP text
//! through chrono's format machinery (avoided by `StoredTime`); and one `String` per column.
//! On SQLite a row is therefore decoded in place into a `ScannedEntry`, its thirteen text
//! columns packed into one buffer that `columns()` lends out as the MAC chain's
//! `EntryColumns`; PostgreSQL rows are loaded as before and packed.

use super::audit_log::EntryColumns;
use super::schema::audit_entries;
use super::stored_time::StoredTime;
use super::{AnyConnection, StorageError};
use chrono::NaiveDateTime;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::prelude::*;
use diesel::row::{Field, Row};
use diesel::sql_types::Timestamp as SqlTimestamp;
use diesel::sqlite::Sqlite;

/// Column for column `AuditEntryRow`, with the cheap timestamps.
#[derive(Queryable)]
struct ScanRow {
    sequence: i64,
    at: StoredTime,
    request_id: String,
    actor_account_id: Option<String>,
    organization_id: Option<String>,
    role: String,
    action: String,
    purpose: Option<String>,
    authorization_id: Option<String>,
    subject_id: Option<String>,
    record_ids: String,
    fields: String,
    decision: String,
    reason_code: Option<String>,
    policy_version: String,
    visible_to_subject_from: Option<StoredTime>,
    prev_mac: Vec<u8>,
    mac: Vec<u8>,
}

/// A scanned entry with its text columns packed into one buffer: one allocation per row
/// instead of one per column, which is most of what decoding cost beyond SQLite itself.
pub struct ScannedEntry {
    pub sequence: i64,
    at_micros: i64,
    visible_micros: Option<i64>,
    text: String,
    /// (start, end) in `text` of each text column in `EntryColumns` order; `None` is NULL.
    spans: [Option<(u32, u32)>; TEXT_COLUMNS],
    /// None when the stored value is not 32 bytes (the check then fails on it).
    pub prev_mac: Option<[u8; 32]>,
    pub mac: Option<[u8; 32]>,
}

const TEXT_COLUMNS: usize = 13;

impl ScannedEntry {
    pub fn columns(&self) -> EntryColumns<'_> {
        let text = |i: usize| self.spans[i].and_then(|(start, end)| self.text.get(start as usize..end as usize));
        let required = |i: usize| text(i).unwrap_or_default();
        EntryColumns {
            sequence: self.sequence,
            at_micros: self.at_micros,
            request_id: required(0),
            actor_account_id: text(1),
            organization_id: text(2),
            role: required(3),
            action: required(4),
            purpose: text(5),
            authorization_id: text(6),
            subject_id: text(7),
            record_ids: required(8),
            fields: required(9),
            decision: required(10),
            reason_code: text(11),
            policy_version: required(12),
            visible_micros: self.visible_micros,
        }
    }
}

/// Builds a `ScannedEntry` column by column.
struct Packer {
    text: String,
    spans: [Option<(u32, u32)>; TEXT_COLUMNS],
    next: usize,
}

impl Packer {
    fn new() -> Packer {
        Packer { text: String::with_capacity(512), spans: [None; TEXT_COLUMNS], next: 0 }
    }

    fn push(&mut self, value: Option<&str>) -> deserialize::Result<()> {
        let span = match value {
            None => None,
            Some(value) => {
                let start = u32::try_from(self.text.len())?;
                self.text.push_str(value);
                Some((start, u32::try_from(self.text.len())?))
            }
        };
        *self.spans.get_mut(self.next).ok_or("too many text columns")? = span;
        self.next += 1;
        Ok(())
    }

    fn finish(self, sequence: i64, at_micros: i64, visible_micros: Option<i64>, macs: (&[u8], &[u8])) -> ScannedEntry {
        ScannedEntry {
            sequence,
            at_micros,
            visible_micros,
            text: self.text,
            spans: self.spans,
            prev_mac: macs.0.try_into().ok(),
            mac: macs.1.try_into().ok(),
        }
    }
}

fn micros(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_micros()
}

/// SQLite: each column is read in place (no `String` per column) and copied once into the pack.
impl FromSqlRow<audit_entries::SqlType, Sqlite> for ScannedEntry {
    fn build_from_row<'a>(row: &impl Row<'a, Sqlite>) -> deserialize::Result<Self> {
        let mut packer = Packer::new();
        for column in TEXT_FIRST..TEXT_FIRST + TEXT_COLUMNS {
            let field = row.get(column).ok_or("missing column")?;
            let mut value = field.value();
            packer.push(value.as_mut().map(|v| v.read_text()))?;
        }
        let sequence = integer(row, 0)?;
        let at = timestamp(row, 1)?.ok_or("at is NULL")?;
        let visible = timestamp(row, TEXT_FIRST + TEXT_COLUMNS)?;
        let prev_field = row.get(TEXT_FIRST + TEXT_COLUMNS + 1).ok_or("missing prev_mac")?;
        let mac_field = row.get(TEXT_FIRST + TEXT_COLUMNS + 2).ok_or("missing mac")?;
        let (mut prev, mut mac) = (prev_field.value(), mac_field.value());
        let prev = prev.as_mut().map(|v| v.read_blob()).unwrap_or_default();
        let mac = mac.as_mut().map(|v| v.read_blob()).unwrap_or_default();
        Ok(packer.finish(sequence, micros(at), visible.map(micros), (prev, mac)))
    }
}

/// The first text column (`request_id`), after `sequence` and `at`.
const TEXT_FIRST: usize = 2;

fn integer<'a>(row: &impl Row<'a, Sqlite>, column: usize) -> deserialize::Result<i64> {
    let field = row.get(column).ok_or("missing column")?;
    let mut value = field.value().ok_or("unexpected NULL")?;
    Ok(value.read_long())
}

fn timestamp<'a>(row: &impl Row<'a, Sqlite>, column: usize) -> deserialize::Result<Option<NaiveDateTime>> {
    let field = row.get(column).ok_or("missing column")?;
    match field.value() {
        None => Ok(None),
        Some(value) => <StoredTime as FromSql<SqlTimestamp, Sqlite>>::from_sql(value).map(|t| Some(t.0)),
    }
}

impl From<ScanRow> for ScannedEntry {
    fn from(r: ScanRow) -> Self {
        let mut packer = Packer::new();
        let texts = [
            Some(r.request_id.as_str()),
            r.actor_account_id.as_deref(),
            r.organization_id.as_deref(),
            Some(r.role.as_str()),
            Some(r.action.as_str()),
            r.purpose.as_deref(),
            r.authorization_id.as_deref(),
            r.subject_id.as_deref(),
            Some(r.record_ids.as_str()),
            Some(r.fields.as_str()),
            Some(r.decision.as_str()),
            r.reason_code.as_deref(),
            Some(r.policy_version.as_str()),
        ];
        for text in texts {
            // Thirteen columns into thirteen spans: pushing cannot fail here.
            let _ = packer.push(text);
        }
        packer.finish(r.sequence, micros(r.at.0), r.visible_to_subject_from.map(|t| micros(t.0)), (&r.prev_mac, &r.mac))
    }
}

/// Entries with `first <= sequence <= last`, in sequence order.
pub fn range(conn: &mut AnyConnection, first: i64, last: i64) -> Result<Vec<ScannedEntry>, StorageError> {
    let query = audit_entries::table
        .filter(audit_entries::sequence.between(first, last))
        .order(audit_entries::sequence)
        .select(audit_entries::all_columns);
    Ok(match conn {
        AnyConnection::Sqlite(c) => query.load::<ScannedEntry>(c)?,
        AnyConnection::Postgresql(c) => query.load::<ScanRow>(c)?.into_iter().map(ScannedEntry::from).collect(),
    })
}
