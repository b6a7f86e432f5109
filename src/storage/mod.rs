//! Storage: the only layer that knows diesel. One connection type (`AnyConnection`) over SQLite
//! and PostgreSQL, chosen by URL scheme; an r2d2 pool; embedded per-backend migrations; one file
//! per aggregate with plain functions over `&mut AnyConnection`.
//!
//! Contract: functions take and return encrypted cells and blind indexes as bytes; they never see
//! a plaintext identifier, name or field value and never log row contents. Dialect differences
//! are `match` arms inside this layer. Transactions are owned by the workflow layer
//! (`Database::transaction`). Must not call crypto, policy or web.

/// A multi-row INSERT. diesel's `MultiBackend` cannot build batch inserts, so the statement is
/// built for the concrete backend: the same SQL, one arm per dialect.
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::storage::AnyConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::storage::AnyConnection::Postgresql(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

mod connection;
mod error;
mod migrate;
pub mod schema;
mod transaction;

pub mod accounts;
pub mod audit_log;
pub mod audit_scan;
pub mod authorizations;
pub mod contacts;
pub mod keys;
pub mod objections;
pub mod organizations;
pub mod outbox;
pub mod records;
pub mod subjects;

pub use connection::{AnyConnection, Backend, Database, PooledConnection};
pub use error::StorageError;
pub use transaction::write_transaction;

/// Current UTC time as stored (naive UTC `TIMESTAMP`, the only portable timestamp type).
pub type Timestamp = chrono::NaiveDateTime;

/// A new row id, generated before the insert (cells are bound to their row id). Time-ordered
/// UUIDv7: inserts land at the end of the primary-key B-trees instead of at random pages, which
/// is what keeps bulk intake fast. The time it reveals is already in `created_at`.
pub fn new_row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
