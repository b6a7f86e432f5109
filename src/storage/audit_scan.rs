//! The access-log verifier's read path: sequence ranges loaded as fast as diesel allows,
//! because verification must stream hundreds of thousands of entries a second.
//!
//! Two costs dominate a row besides SQLite itself: the multi-backend row indirection (the
//! ranges are loaded on the concrete connection) and, on SQLite, parsing the TIMESTAMP text
//! through chrono's format machinery. `FastTime` parses diesel's own stored form
//! (`YYYY-MM-DD HH:MM:SS[.fraction]`) directly and falls back to diesel for anything else.

use super::audit_log::AuditEntryRow;
use super::schema::audit_entries;
use super::{AnyConnection, StorageError};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Timestamp as SqlTimestamp;
use diesel::sqlite::Sqlite;

/// A stored timestamp, decoded cheaply.
#[derive(Debug, Clone, Copy, FromSqlRow)]
struct FastTime(NaiveDateTime);

impl FromSql<SqlTimestamp, Sqlite> for FastTime {
    fn from_sql(mut value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(at) = parse_stored(value.read_text()) {
            return Ok(FastTime(at));
        }
        <NaiveDateTime as FromSql<SqlTimestamp, Sqlite>>::from_sql(value).map(FastTime)
    }
}

impl FromSql<SqlTimestamp, Pg> for FastTime {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<SqlTimestamp, Pg>>::from_sql(value).map(FastTime)
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional `.` and 1 to 9 fraction digits; None otherwise.
fn parse_stored(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let nanos = match b.get(19..) {
        Some([]) => 0,
        Some([b'.', digits @ ..]) if (1..=9).contains(&digits.len()) => {
            num(20..b.len())? * 10u32.pow(9 - u32::try_from(digits.len()).ok()?)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(NaiveDateTime::new(date, time))
}

/// Column for column `AuditEntryRow`, with the cheap timestamps.
#[derive(Queryable)]
struct ScanRow {
    sequence: i64,
    at: FastTime,
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
    visible_to_subject_from: Option<FastTime>,
    prev_mac: Vec<u8>,
    mac: Vec<u8>,
}

impl From<ScanRow> for AuditEntryRow {
    fn from(r: ScanRow) -> Self {
        // Moves only: no column is copied again.
        AuditEntryRow {
            sequence: r.sequence,
            at: r.at.0,
            request_id: r.request_id,
            actor_account_id: r.actor_account_id,
            organization_id: r.organization_id,
            role: r.role,
            action: r.action,
            purpose: r.purpose,
            authorization_id: r.authorization_id,
            subject_id: r.subject_id,
            record_ids: r.record_ids,
            fields: r.fields,
            decision: r.decision,
            reason_code: r.reason_code,
            policy_version: r.policy_version,
            visible_to_subject_from: r.visible_to_subject_from.map(|t| t.0),
            prev_mac: r.prev_mac,
            mac: r.mac,
        }
    }
}

/// Entries with `first <= sequence <= last`, in sequence order.
pub fn range(conn: &mut AnyConnection, first: i64, last: i64) -> Result<Vec<AuditEntryRow>, StorageError> {
    let rows: Vec<ScanRow> = on_backend!(conn, |c| audit_entries::table
        .filter(audit_entries::sequence.between(first, last))
        .order(audit_entries::sequence)
        .select(audit_entries::all_columns)
        .load(c))?;
    Ok(rows.into_iter().map(AuditEntryRow::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_forms_parse_exactly_and_anything_else_is_left_to_diesel() {
        let chrono = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").ok();
        for text in [
            "2026-09-30 01:00:00",
            "2026-09-30 01:00:00.1",
            "2026-09-30 01:00:00.123456",
            "1999-12-31 23:59:59.987654321",
        ] {
            assert_eq!(parse_stored(text), chrono(text), "{text}");
            assert!(parse_stored(text).is_some());
        }
        for text in ["2026-09-30T01:00:00", "2026-09-30 01:00", "2026-13-30 01:00:00", "2026-09-30 01:00:00.", "x"] {
            assert_eq!(parse_stored(text), None, "{text}");
        }
    }
}
