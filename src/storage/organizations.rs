//! Organizations that provide or request records. Their names are public bodies' and
//! registered institutions' names, shown to subjects in their access log, so they are clear.

use super::schema::organizations;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub created_at: Timestamp,
}

pub fn insert(conn: &mut AnyConnection, row: &OrganizationRow) -> Result<(), StorageError> {
    diesel::insert_into(organizations::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<OrganizationRow>, StorageError> {
    Ok(organizations::table.find(id).select(OrganizationRow::as_select()).first(conn).optional()?)
}

pub fn list(conn: &mut AnyConnection, after: Option<&str>, limit: i64) -> Result<Vec<OrganizationRow>, StorageError> {
    let mut query = organizations::table.select(OrganizationRow::as_select()).order(organizations::id).into_boxed();
    if let Some(cursor) = after {
        query = query.filter(organizations::id.gt(cursor.to_owned()));
    }
    Ok(query.limit(limit).load(conn)?)
}
