//! Embedded migrations, one folder per dialect with identical migration names, applied on the
//! concrete connection inside `AnyConnection`.

use super::{AnyConnection, Database, StorageError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

impl Database {
    /// Applies pending migrations; returns how many ran. Safe to call on every start.
    pub fn migrate(&self) -> Result<usize, StorageError> {
        let mut conn = self.get()?;
        let applied = match &mut *conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
            AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
        };
        applied.map_err(|e| StorageError::Migration(e.to_string()))
    }
}
