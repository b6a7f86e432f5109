//! An online copy of the embedded database. SQLite's `VACUUM INTO` writes one consistent
//! snapshot (a single read transaction) into another file while the platform keeps serving,
//! and leaves the database itself untouched. The copy holds exactly what the database holds:
//! identifying cells sealed, data keys wrapped, no master key (keys never touch the database).
//! PostgreSQL has its own tools for this (`pg_dump`, base backups), so it answers `Unsupported`.

use super::{AnyConnection, StorageError};
use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::path::Path;

/// Writes a snapshot of the database into `to`, which must not exist or be empty.
pub fn copy_to(conn: &mut AnyConnection, to: &Path) -> Result<(), StorageError> {
    let AnyConnection::Sqlite(conn) = conn else {
        return Err(StorageError::Unsupported("PostgreSQL is backed up with pg_dump or base backups"));
    };
    let path = to.to_str().ok_or(StorageError::Malformed("the backup path is not UTF-8"))?;
    diesel::sql_query("VACUUM INTO ?").bind::<Text, _>(path).execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    quick_check: String,
}

/// SQLite's `quick_check` of the copy at `path`: its pages, b-trees and records are sound.
pub fn check_copy(path: &Path) -> Result<(), StorageError> {
    let url = path.to_str().ok_or(StorageError::Malformed("the backup path is not UTF-8"))?;
    let mut conn = SqliteConnection::establish(url).map_err(|e| StorageError::Connect(e.to_string()))?;
    let found: Vec<Check> = diesel::sql_query("PRAGMA quick_check").load(&mut conn)?;
    match found.as_slice() {
        [only] if only.quick_check == "ok" => Ok(()),
        _ => Err(StorageError::Malformed("the copy failed SQLite's quick_check")),
    }
}
