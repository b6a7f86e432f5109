//! Objections: the case row with its pinned deadlines, its timeline (`objection_events`) and its
//! evidence files. The annotations a decision leaves on a record are in `record_notes`; what the
//! deadline sweeper reads and claims is in `objection_deadlines`.
//!
//! Every change of a case's state is `update_state`: one UPDATE conditional on the version the
//! caller read, whose affected-row count says whether this caller won. Two server instances, a
//! late decision racing the sweeper, or a double click: exactly one of them applies the
//! transition, the others see `false`. No read-then-write is trusted without that condition.

use super::schema::{objection_events, objection_evidence, objections};
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objections)]
pub struct ObjectionRow {
    pub id: String,
    pub record_id: String,
    pub subject_id: String,
    pub provider_organization_id: String,
    /// The record version the subject objected to.
    pub record_version: i32,
    pub ground: String,
    /// JSON array of the disputed field names (catalogue names, never values).
    pub fields: String,
    pub statement_cell: Vec<u8>,
    pub status: String,
    pub version: i32,
    pub filed_on: String,
    pub accepted_on: Option<String>,
    pub due_on: Option<String>,
    pub due_calendar_version: Option<String>,
    pub due_estimated: bool,
    pub remind_on: Option<String>,
    pub reminded_at: Option<Timestamp>,
    pub extension_used: bool,
    pub complex: bool,
    pub outcome: Option<String>,
    pub decided_on: Option<String>,
    pub review_until: Option<String>,
    pub review_due_on: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the officers were told the re-review is past due (once per objection).
    pub review_escalated_at: Option<Timestamp>,
    /// Working days of declared clock pauses so far.
    pub paused_working_days: i32,
}

/// Every column a transition may change; written whole (`None` writes NULL).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = objections, treat_none_as_null = true)]
pub struct StateChange {
    pub status: String,
    pub version: i32,
    pub accepted_on: Option<String>,
    pub due_on: Option<String>,
    pub due_calendar_version: Option<String>,
    pub due_estimated: bool,
    pub remind_on: Option<String>,
    pub reminded_at: Option<Timestamp>,
    pub extension_used: bool,
    pub complex: bool,
    pub outcome: Option<String>,
    pub decided_on: Option<String>,
    pub review_until: Option<String>,
    pub review_due_on: Option<String>,
    pub paused_working_days: i32,
    pub updated_at: Timestamp,
}

impl ObjectionRow {
    /// The row's mutable state, to be edited and written back with `update_state`.
    pub fn state(&self) -> StateChange {
        StateChange {
            status: self.status.clone(),
            version: self.version,
            accepted_on: self.accepted_on.clone(),
            due_on: self.due_on.clone(),
            due_calendar_version: self.due_calendar_version.clone(),
            due_estimated: self.due_estimated,
            remind_on: self.remind_on.clone(),
            reminded_at: self.reminded_at,
            extension_used: self.extension_used,
            complex: self.complex,
            outcome: self.outcome.clone(),
            decided_on: self.decided_on.clone(),
            review_until: self.review_until.clone(),
            review_due_on: self.review_due_on.clone(),
            paused_working_days: self.paused_working_days,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objection_events)]
pub struct EventRow {
    pub id: String,
    pub objection_id: String,
    pub seq: i32,
    pub at: Timestamp,
    pub kind: String,
    pub actor_role: String,
    pub actor_account_id: Option<String>,
    pub status_after: String,
    pub note_cell: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objection_evidence)]
pub struct EvidenceRow {
    pub id: String,
    pub objection_id: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub name_cell: Vec<u8>,
    pub content_cell: Vec<u8>,
    pub created_at: Timestamp,
}

/// An evidence file without its bytes, for the timeline view.
#[derive(Debug, Clone, Queryable)]
pub struct EvidenceMeta {
    pub id: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub name_cell: Vec<u8>,
}

/// Whose objections a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Subject(&'a str),
    Provider(&'a str),
    All,
}

pub fn insert(conn: &mut AnyConnection, row: &ObjectionRow) -> Result<(), StorageError> {
    diesel::insert_into(objections::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<ObjectionRow>, StorageError> {
    Ok(objections::table.find(id).select(ObjectionRow::as_select()).first(conn).optional()?)
}

/// Writes `change` only if the row is still at `expected_version`; `true` when it was.
pub fn update_state(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i32,
    change: &StateChange,
) -> Result<bool, StorageError> {
    let n = diesel::update(objections::table.find(id).filter(objections::version.eq(expected_version)))
        .set(change)
        .execute(conn)?;
    Ok(n == 1)
}

/// How many objections against `record_id` are in one of `statuses`.
pub fn count_for_record(conn: &mut AnyConnection, record_id: &str, statuses: &[&str]) -> Result<i64, StorageError> {
    Ok(objections::table
        .filter(objections::record_id.eq(record_id))
        .filter(objections::status.eq_any(statuses))
        .count()
        .get_result(conn)?)
}

/// How many objections are in `status` (for `/metrics`).
pub fn count_with_status(conn: &mut AnyConnection, status: &str) -> Result<i64, StorageError> {
    Ok(objections::table.filter(objections::status.eq(status)).count().get_result(conn)?)
}

/// A page of objections in `scope`, newest first (ids are time-ordered), at most `limit`: of
/// the given statuses (any when empty), older than the `before` id when given.
pub fn list(
    conn: &mut AnyConnection,
    scope: Scope<'_>,
    statuses: &[&str],
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<ObjectionRow>, StorageError> {
    let mut query = objections::table.select(ObjectionRow::as_select()).order(objections::id.desc()).into_boxed();
    query = match scope {
        Scope::Subject(id) => query.filter(objections::subject_id.eq(id.to_owned())),
        Scope::Provider(org) => query.filter(objections::provider_organization_id.eq(org.to_owned())),
        Scope::All => query,
    };
    if !statuses.is_empty() {
        query = query.filter(objections::status.eq_any(statuses.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()));
    }
    if let Some(before) = before {
        query = query.filter(objections::id.lt(before.to_owned()));
    }
    Ok(query.limit(limit).load(conn)?)
}

pub fn insert_event(conn: &mut AnyConnection, row: &EventRow) -> Result<(), StorageError> {
    diesel::insert_into(objection_events::table).values(row).execute(conn)?;
    Ok(())
}

/// The next timeline position (events of one objection are written under its version lock).
pub fn next_event_seq(conn: &mut AnyConnection, objection_id: &str) -> Result<i32, StorageError> {
    let max: Option<i32> = objection_events::table
        .filter(objection_events::objection_id.eq(objection_id))
        .select(diesel::dsl::max(objection_events::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn events_of(conn: &mut AnyConnection, objection_id: &str) -> Result<Vec<EventRow>, StorageError> {
    Ok(objection_events::table
        .filter(objection_events::objection_id.eq(objection_id))
        .order(objection_events::seq)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// How many timeline events of `kind` an objection has (tests count sweeper effects).
pub fn count_events(conn: &mut AnyConnection, objection_id: &str, kind: &str) -> Result<i64, StorageError> {
    Ok(objection_events::table
        .filter(objection_events::objection_id.eq(objection_id))
        .filter(objection_events::kind.eq(kind))
        .count()
        .get_result(conn)?)
}

pub fn insert_evidence(conn: &mut AnyConnection, rows: &[EvidenceRow]) -> Result<(), StorageError> {
    for row in rows {
        diesel::insert_into(objection_evidence::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn evidence_of(conn: &mut AnyConnection, objection_id: &str) -> Result<Vec<EvidenceMeta>, StorageError> {
    Ok(objection_evidence::table
        .filter(objection_evidence::objection_id.eq(objection_id))
        .order(objection_evidence::id)
        .select((
            objection_evidence::id,
            objection_evidence::media_type,
            objection_evidence::size_bytes,
            objection_evidence::name_cell,
        ))
        .load(conn)?)
}

pub fn find_evidence(
    conn: &mut AnyConnection,
    objection_id: &str,
    id: &str,
) -> Result<Option<EvidenceRow>, StorageError> {
    Ok(objection_evidence::table
        .find(id)
        .filter(objection_evidence::objection_id.eq(objection_id))
        .select(EvidenceRow::as_select())
        .first(conn)
        .optional()?)
}
