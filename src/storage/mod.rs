//! Storage: the only layer that knows diesel. One connection type (`AnyConnection`) over SQLite
//! and PostgreSQL, chosen by URL scheme; an r2d2 pool; embedded per-backend migrations; one file
//! per aggregate with plain functions over `&mut AnyConnection`.
//!
//! Contract: functions take and return encrypted cells and blind indexes as bytes; they never see
//! a plaintext identifier, name or field value and never log row contents. Dialect differences
//! are `match` arms inside this layer. Transactions are owned by the workflow layer
//! (`Database::transaction`). Must not call crypto, policy or web.

/// Inserts many rows. On PostgreSQL one multi-row INSERT (one round trip); on SQLite, which is
/// in-process, cached statements of `SQLITE_ROWS_PER_INSERT` rows and then one row each, which
/// beats parsing a new multi-row statement for every chunk size. diesel's `MultiBackend` builds
/// neither, hence the arms.
///
/// Caching needs a statement whose SQL does not depend on the values: the hot row types bind
/// NULL rather than DEFAULT for `None` (`treat_none_as_default_value = false`; none of their
/// nullable columns has a default). Otherwise diesel rebuilt each row's SQL text to look the
/// statement up, a quarter of inserting subjects and data keys.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::storage::AnyConnection::Sqlite(c) => {
                let rows = $rows;
                let mut inserted = 0;
                let mut whole = rows.chunks_exact($crate::storage::SQLITE_ROWS_PER_INSERT);
                for group in whole.by_ref() {
                    let group: &[_; $crate::storage::SQLITE_ROWS_PER_INSERT] = group
                        .try_into()
                        .map_err(|_| diesel::result::Error::QueryBuilderError("uneven insert group".into()))?;
                    inserted += diesel::insert_into($table).values(group).execute(c)?;
                }
                for row in whole.remainder() {
                    inserted += diesel::insert_into($table).values(row).execute(c)?;
                }
                Ok::<usize, diesel::result::Error>(inserted)
            }
            $crate::storage::AnyConnection::Postgresql(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

/// Runs one diesel query on the concrete connection behind an `AnyConnection`: for what the
/// multi-backend wrapper cannot express (`ON CONFLICT`), and on hot paths, because through the
/// wrapper diesel re-serializes the query on every call to decide whether its prepared
/// statement may be cached (3 % of each audited query), while on the concrete connection the
/// statement is found by its type.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $query:expr) => {
        match $conn {
            $crate::storage::AnyConnection::Sqlite($c) => $query,
            $crate::storage::AnyConnection::Postgresql($c) => $query,
        }
    };
}

mod connection;
mod error;
mod migrate;
pub mod schema;
mod stored_time;
mod transaction;
mod wal_checkpointer;

pub mod accounts;
pub mod audit_append_pg;
pub mod audit_log;
pub mod audit_scan;
pub mod authorizations;
pub mod backup;
pub mod cell_set;
pub mod contacts;
pub mod export_approvals;
pub mod formal_reports;
pub mod keys;
pub mod objection_deadlines;
pub mod objections;
pub mod organizations;
pub mod outbox;
pub mod record_notes;
pub mod records;
pub mod subjects;

pub use connection::{AnyConnection, Backend, Database, PooledConnection};
pub use error::StorageError;
pub use stored_time::StoredTime;
pub use transaction::write_transaction;

/// Current UTC time as stored (naive UTC `TIMESTAMP`, the only portable timestamp type).
pub type Timestamp = chrono::NaiveDateTime;

/// Rows per multi-row `INSERT` on SQLite. A fixed count gives the statement a fixed shape, so
/// diesel keeps it prepared (a variable-length `VALUES` list would be prepared on every call);
/// the rows beyond a multiple of it go one by one through a cached single-row statement.
pub const SQLITE_ROWS_PER_INSERT: usize = 20;

/// A new row id, generated before the insert (cells are bound to their row id). Time-ordered
/// UUIDv7: inserts land at the end of the primary-key B-trees instead of at random pages, which
/// is what keeps bulk intake fast. The time it reveals is already in `created_at`.
pub fn new_row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
