//! Query authorizations granted by subjects.

use super::schema::{authorizations, organizations};
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = authorizations)]
pub struct AuthorizationRow {
    pub id: String,
    pub subject_id: String,
    pub organization_id: String,
    pub purpose: String,
    pub valid_until: String,
    pub evidence_cell: Option<Vec<u8>>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

pub fn insert(conn: &mut AnyConnection, row: &AuthorizationRow) -> Result<(), StorageError> {
    diesel::insert_into(authorizations::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<AuthorizationRow>, StorageError> {
    Ok(authorizations::table.find(id).select(AuthorizationRow::as_select()).first(conn).optional()?)
}

/// A subject's authorizations with the grantee's name and kind, newest first.
pub fn for_subject(
    conn: &mut AnyConnection,
    subject_id: &str,
) -> Result<Vec<(AuthorizationRow, String, String)>, StorageError> {
    Ok(authorizations::table
        .inner_join(organizations::table)
        .filter(authorizations::subject_id.eq(subject_id))
        .order((authorizations::created_at.desc(), authorizations::id.desc()))
        .select((AuthorizationRow::as_select(), organizations::name, organizations::kind))
        .load(conn)?)
}

/// Revokes the subject's own authorization; false if there is none to revoke.
pub fn revoke(conn: &mut AnyConnection, id: &str, subject_id: &str, now: Timestamp) -> Result<bool, StorageError> {
    Ok(diesel::update(
        authorizations::table
            .find(id)
            .filter(authorizations::subject_id.eq(subject_id))
            .filter(authorizations::revoked_at.is_null()),
    )
    .set(authorizations::revoked_at.eq(Some(now)))
    .execute(conn)?
        == 1)
}
