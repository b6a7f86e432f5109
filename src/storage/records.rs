//! Records, their append-only versions and one encrypted cell per field value. Batch inserts
//! take slices so that intake writes a whole chunk in a few statements.

use super::keys::DataKeyRow;
use super::schema::{data_keys, organizations, record_statements, record_versions, records, subjects};
use super::{AnyConnection, StorageError, StoredTime, Timestamp};
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = records)]
// NULL rather than DEFAULT for None, so the insert is cached (see `insert_batch!`).
#[diesel(treat_none_as_default_value = false)]
pub struct RecordRow {
    pub id: String,
    pub subject_id: String,
    pub provider_organization_id: String,
    pub record_type: String,
    pub category: String,
    pub disclosure_level: String,
    pub status: String,
    pub current_version: i32,
    pub current_version_id: String,
    pub conduct_started_on: Option<String>,
    pub conduct_ended_on: Option<String>,
    pub disclose_until: Option<String>,
    pub disputed: bool,
    pub suppressed: bool,
    pub created_at: StoredTime,
    pub updated_at: StoredTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = record_versions)]
// NULL rather than DEFAULT for None, so the insert is cached (see `insert_batch!`).
#[diesel(treat_none_as_default_value = false)]
pub struct VersionRow {
    pub id: String,
    pub record_id: String,
    pub version: i32,
    pub change_kind: String,
    pub actor_account_id: Option<String>,
    pub reason_cell: Option<Vec<u8>>,
    pub source_cell: Vec<u8>,
    pub consent_cell: Option<Vec<u8>>,
    pub created_at: StoredTime,
    /// The version's field cells as one framed set (`cell_set`); None for a tombstone.
    pub cells: Option<Vec<u8>>,
}

/// Rows per INSERT statement: SQLite allows 32,766 bound values per statement.
pub(super) const ROWS_PER_STATEMENT: usize = 1000;

pub fn insert_records(conn: &mut AnyConnection, rows: &[RecordRow]) -> Result<(), StorageError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT / 2) {
        insert_batch!(conn, records::table, chunk)?;
    }
    Ok(())
}

pub fn insert_versions(conn: &mut AnyConnection, rows: &[VersionRow]) -> Result<(), StorageError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        insert_batch!(conn, record_versions::table, chunk)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<RecordRow>, StorageError> {
    Ok(records::table.find(id).select(RecordRow::as_select()).first(conn).optional()?)
}

/// A record owned by `organization_id`; another organization's record is simply not found.
pub fn find_owned(
    conn: &mut AnyConnection,
    id: &str,
    organization_id: &str,
) -> Result<Option<RecordRow>, StorageError> {
    Ok(records::table
        .find(id)
        .filter(records::provider_organization_id.eq(organization_id))
        .select(RecordRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_subject(conn: &mut AnyConnection, subject_id: &str) -> Result<Vec<RecordRow>, StorageError> {
    Ok(records::table
        .filter(records::subject_id.eq(subject_id))
        .order((records::created_at, records::id))
        .select(RecordRow::as_select())
        .load(conn)?)
}

/// A page of one provider's records, by id.
pub fn for_provider(
    conn: &mut AnyConnection,
    organization_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<RecordRow>, StorageError> {
    let mut query = records::table
        .filter(records::provider_organization_id.eq(organization_id))
        .select(RecordRow::as_select())
        .order(records::id)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(records::id.gt(after.to_owned()));
    }
    Ok(query.limit(limit).load(conn)?)
}

pub fn versions_of(conn: &mut AnyConnection, record_ids: &[String]) -> Result<Vec<VersionRow>, StorageError> {
    Ok(record_versions::table
        .filter(record_versions::record_id.eq_any(record_ids))
        .order((record_versions::record_id, record_versions::version))
        .select(VersionRow::as_select())
        .load(conn)?)
}

/// Moves the record to a new current version and status (optimistic: only from `expected`).
pub fn advance(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i32,
    next: (&VersionRow, &str),
    now: Timestamp,
) -> Result<bool, StorageError> {
    let (version, status) = next;
    let n = diesel::update(records::table.find(id).filter(records::current_version.eq(expected_version)))
        .set((
            records::current_version.eq(version.version),
            records::current_version_id.eq(&version.id),
            records::status.eq(status),
            records::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Retention: active records whose disclosure period ended before `today` become expired.
pub fn expire_before(conn: &mut AnyConnection, today: &str, now: Timestamp) -> Result<usize, StorageError> {
    Ok(diesel::update(records::table.filter(records::status.eq("active")).filter(records::disclose_until.lt(today)))
        .set((records::status.eq("expired"), records::updated_at.eq(now)))
        .execute(conn)?)
}

/// (id, record type) of the given records; unknown ids are left out.
pub fn types_of(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<(String, String)>, StorageError> {
    let mut found: Vec<(String, String)> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let query = records::table.filter(records::id.eq_any(chunk)).select((records::id, records::record_type));
        found.extend(query.load::<(String, String)>(conn)?);
    }
    Ok(found)
}

/// Organization names by id, for showing subjects who provided their records.
pub fn organization_names(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String, String)>, StorageError> {
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name, organizations::kind))
        .load(conn)?)
}

pub fn count(conn: &mut AnyConnection) -> Result<i64, StorageError> {
    Ok(records::table.count().get_result(conn)?)
}

/// Sets the record's objection flags: `disputed` (shown with every disclosure) and `suppressed`
/// (withheld from queries while an objection is overdue).
pub fn set_objection_flags(
    conn: &mut AnyConnection,
    id: &str,
    disputed: bool,
    suppressed: bool,
    now: Timestamp,
) -> Result<(), StorageError> {
    diesel::update(records::table.find(id))
        .set((records::disputed.eq(disputed), records::suppressed.eq(suppressed), records::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// A version's framed field cells (see `cell_set`).
pub type CellSet = Vec<u8>;

/// One disclosable record as the query hot path loads it.
#[derive(Clone)]
pub struct ActiveRecord {
    pub row: RecordRow,
    /// The cell set of the current version (`None` for a version without fields).
    pub cells: Option<CellSet>,
    /// The subject's statement on the record, still sealed.
    pub statement: Option<Vec<u8>>,
}

/// A subject found by its blind index, with its data key and its active, unsuppressed
/// records — everything a query may disclose, still sealed.
#[derive(Clone)]
pub struct SubjectDisclosure {
    pub subject_id: String,
    pub kind: String,
    pub key: DataKeyRow,
    pub records: Vec<ActiveRecord>,
}

type DisclosureRow = (String, String, DataKeyRow, Option<RecordRow>, Option<CellSet>, Option<Vec<u8>>);
/// A `DisclosureRow` led by the blind index it was found by (batched reads).
type IndexedDisclosureRow = (Vec<u8>, String, String, DataKeyRow, Option<RecordRow>, Option<CellSet>, Option<Vec<u8>>);

/// The query hot path in one statement (one round trip on PostgreSQL): the subject behind a
/// blind index, its data key, and each active, unsuppressed record with the cell set of its
/// current version and the subject's statement. The caller decides the purpose and opens
/// only the allowed cells; nothing here is decrypted.
pub fn disclosable_by_index(
    conn: &mut AnyConnection,
    identifier_index: &[u8],
) -> Result<Option<SubjectDisclosure>, StorageError> {
    let rows: Vec<DisclosureRow> = on_backend!(conn, |c| subjects::table
        .inner_join(data_keys::table)
        .left_join(records::table.on(
            records::subject_id.eq(subjects::id).and(records::status.eq("active")).and(records::suppressed.eq(false))
        ),)
        .left_join(record_versions::table.on(record_versions::id.eq(records::current_version_id)))
        .left_join(record_statements::table.on(record_statements::record_id.eq(records::id)))
        .filter(subjects::identifier_index.eq(identifier_index))
        .order(records::id)
        .select((
            subjects::id,
            subjects::kind,
            DataKeyRow::as_select(),
            Option::<RecordRow>::as_select(),
            record_versions::cells.nullable(),
            record_statements::statement_cell.nullable(),
        ))
        .load(c))?;
    Ok(one_subject(rows))
}

/// `disclosable_by_index` for a batch of queries in one statement (one round trip on
/// PostgreSQL, where the statement stays prepared: `= ANY($1)` whatever the count), keyed by
/// blind index. On SQLite `IN` is re-prepared for every count; use the single form there.
pub fn disclosable_by_indexes(
    conn: &mut AnyConnection,
    identifier_indexes: &[Vec<u8>],
) -> Result<HashMap<Vec<u8>, SubjectDisclosure>, StorageError> {
    let rows: Vec<IndexedDisclosureRow> = on_backend!(conn, |c| subjects::table
        .inner_join(data_keys::table)
        .left_join(records::table.on(
            records::subject_id.eq(subjects::id).and(records::status.eq("active")).and(records::suppressed.eq(false))
        ),)
        .left_join(record_versions::table.on(record_versions::id.eq(records::current_version_id)))
        .left_join(record_statements::table.on(record_statements::record_id.eq(records::id)))
        .filter(subjects::identifier_index.eq_any(identifier_indexes))
        .order((subjects::id, records::id))
        .select((
            subjects::identifier_index,
            subjects::id,
            subjects::kind,
            DataKeyRow::as_select(),
            Option::<RecordRow>::as_select(),
            record_versions::cells.nullable(),
            record_statements::statement_cell.nullable(),
        ))
        .load(c))?;
    // One subject's rows are consecutive (ordered by subject first).
    let mut found: HashMap<Vec<u8>, Vec<DisclosureRow>> = HashMap::new();
    for (index, subject_id, kind, key, row, cells, statement) in rows {
        found.entry(index).or_default().push((subject_id, kind, key, row, cells, statement));
    }
    Ok(found.into_iter().filter_map(|(index, rows)| one_subject(rows).map(|d| (index, d))).collect())
}

/// One subject's rows of the disclosure statement (one per record, or one with no record).
fn one_subject(rows: Vec<DisclosureRow>) -> Option<SubjectDisclosure> {
    let mut rows = rows.into_iter();
    let (subject_id, kind, key, first, cells, statement) = rows.next()?;
    let records = std::iter::once((first, cells, statement))
        .chain(rows.map(|(_, _, _, row, cells, statement)| (row, cells, statement)))
        .filter_map(|(row, cells, statement)| row.map(|row| ActiveRecord { row, cells, statement }))
        .collect();
    Some(SubjectDisclosure { subject_id, kind, key, records })
}
