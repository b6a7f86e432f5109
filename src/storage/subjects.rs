//! Subjects: found only through the blind index of their normalized identifier; the identifier,
//! name and contact e-mail are cells encrypted under the subject's own data key.

use super::schema::subjects;
use super::{AnyConnection, StorageError, StoredTime};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subjects)]
// NULL rather than DEFAULT for None, so the insert is cached (see `insert_batch!`).
#[diesel(treat_none_as_default_value = false)]
pub struct SubjectRow {
    pub id: String,
    pub kind: String,
    pub identifier_index: Vec<u8>,
    pub identifier_cell: Vec<u8>,
    pub name_cell: Option<Vec<u8>>,
    pub email_cell: Option<Vec<u8>>,
    pub data_key_id: String,
    pub created_at: StoredTime,
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<SubjectRow>, StorageError> {
    Ok(subjects::table.find(id).select(SubjectRow::as_select()).first(conn).optional()?)
}

pub fn find_by_index(conn: &mut AnyConnection, index: &[u8]) -> Result<Option<SubjectRow>, StorageError> {
    Ok(subjects::table
        .filter(subjects::identifier_index.eq(index))
        .select(SubjectRow::as_select())
        .first(conn)
        .optional()?)
}

/// Only the id, for the query hot path and for officers filtering by identifier.
pub fn id_by_index(conn: &mut AnyConnection, index: &[u8]) -> Result<Option<(String, String)>, StorageError> {
    Ok(subjects::table
        .filter(subjects::identifier_index.eq(index))
        .select((subjects::id, subjects::kind))
        .first(conn)
        .optional()?)
}

/// The subjects among `indexes` that exist (one query for a whole intake chunk).
pub fn find_by_indexes(conn: &mut AnyConnection, indexes: &[Vec<u8>]) -> Result<Vec<SubjectRow>, StorageError> {
    let mut found = Vec::new();
    for chunk in indexes.chunks(500) {
        found.extend(
            subjects::table
                .filter(subjects::identifier_index.eq_any(chunk))
                .select(SubjectRow::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

pub fn insert_many(conn: &mut AnyConnection, rows: &[SubjectRow]) -> Result<(), StorageError> {
    for chunk in rows.chunks(500) {
        insert_batch!(conn, subjects::table, chunk)?;
    }
    Ok(())
}
