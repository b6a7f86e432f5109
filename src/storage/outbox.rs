//! The e-mail outbox: rows written inside the caller's transaction, drained by the sender.
//!
//! Claiming is one conditional UPDATE per row whose affected-row count says who won, so any
//! number of sender instances (PostgreSQL) or processes (SQLite) can race without `SKIP LOCKED`
//! and without holding a transaction open while a message is on the wire. Every later change
//! of a claimed row is conditional on `claimed_by` too: an instance whose lease was taken over
//! cannot overwrite the new owner's outcome. All times are passed in (the platform's clock),
//! never the database's `now()`, so tests move time and both dialects agree; instances' clocks
//! must agree to well within the lease (minutes), which NTP gives.

use super::schema::outbox;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub locale: String,
    pub recipient_cell: Vec<u8>,
    pub subject_cell: Vec<u8>,
    pub body_cell: Vec<u8>,
    /// The data key whose cipher sealed the three cells.
    pub data_key_id: String,
    pub created_at: Timestamp,
    pub next_attempt_at: Timestamp,
    pub attempts: i32,
    pub last_error_code: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub dedupe_key: Option<String>,
}

/// Inserts the row; `false` (and nothing written) when its `dedupe_key` is already present.
///
/// `ON CONFLICT DO NOTHING` rather than catching the unique violation: on PostgreSQL a failed
/// statement aborts the caller's whole transaction, which would take the event down with it.
/// diesel's MultiConnection has no ON CONFLICT, hence `on_backend!`.
pub fn insert(conn: &mut AnyConnection, row: &OutboxRow) -> Result<bool, StorageError> {
    let query = diesel::insert_into(outbox::table).values(row).on_conflict(outbox::dedupe_key).do_nothing();
    let inserted = on_backend!(conn, |c| query.execute(c))?;
    Ok(inserted == 1)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<OutboxRow>, StorageError> {
    Ok(outbox::table.find(id).select(OutboxRow::as_select()).first(conn).optional()?)
}

/// Ids of rows that may be claimed now: unsent, due, under the attempt limit, and unclaimed or
/// with an expired lease. Only a hint: `claim` decides.
pub fn due_ids(
    conn: &mut AnyConnection,
    now: Timestamp,
    max_attempts: i32,
    limit: i64,
) -> Result<Vec<String>, StorageError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(outbox::attempts.lt(max_attempts))
        .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now)))
        .order((outbox::next_attempt_at, outbox::id))
        .limit(limit)
        .select(outbox::id)
        .load(conn)?)
}

/// Takes the row for `claimer` until `until`; `true` only for the one caller that won.
pub fn claim(
    conn: &mut AnyConnection,
    id: &str,
    claimer: &str,
    now: Timestamp,
    until: Timestamp,
) -> Result<bool, StorageError> {
    let won = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::claimed_until.is_null().or(outbox::claimed_until.lt(now))),
    )
    .set((outbox::claimed_by.eq(Some(claimer)), outbox::claimed_until.eq(Some(until))))
    .execute(conn)?;
    Ok(won == 1)
}

/// Records delivery and releases the claim; `false` if the claim was lost meanwhile.
pub fn mark_sent(conn: &mut AnyConnection, id: &str, claimer: &str, now: Timestamp) -> Result<bool, StorageError> {
    let updated = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claimer))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::sent_at.eq(Some(now)),
        outbox::last_error_code.eq(None::<String>),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_until.eq(None::<Timestamp>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Records a failed attempt (the row stays for a later one) and releases the claim.
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: &str,
    claimer: &str,
    attempts: i32,
    next_attempt_at: Timestamp,
    error_code: &str,
) -> Result<bool, StorageError> {
    let updated = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(claimer))
            .filter(outbox::sent_at.is_null()),
    )
    .set((
        outbox::attempts.eq(attempts),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::last_error_code.eq(Some(error_code)),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_until.eq(None::<Timestamp>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Unsent rows still to be tried (for /metrics and the operator).
pub fn count_pending(conn: &mut AnyConnection, max_attempts: i32) -> Result<i64, StorageError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::attempts.lt(max_attempts))
        .count()
        .get_result(conn)?)
}

/// Unsent rows the sender gave up on; kept, never deleted, for the operator to inspect.
pub fn count_dead(conn: &mut AnyConnection, max_attempts: i32) -> Result<i64, StorageError> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::attempts.ge(max_attempts))
        .count()
        .get_result(conn)?)
}
