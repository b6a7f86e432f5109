//! Storage: the only layer that knows diesel. One connection type (`AnyConnection`) over SQLite
//! and PostgreSQL, chosen by URL scheme; an r2d2 pool; embedded per-backend migrations; one file
//! per aggregate with plain functions over `&mut AnyConnection`.
//!
//! Contract: functions take and return encrypted cells and blind indexes as bytes; they never see
//! a plaintext identifier, name or field value and never log row contents. Dialect differences
//! are `match` arms inside this layer. Transactions are owned by the workflow layer
//! (`Database::transaction`). Must not call crypto, policy or web.

mod connection;
mod error;
mod migrate;
pub mod schema;
mod transaction;

pub mod accounts;
pub mod audit_log;
pub mod audit_scan;
pub mod keys;
pub mod organizations;
pub mod subjects;

pub use connection::{AnyConnection, Backend, Database, PooledConnection};
pub use error::StorageError;
pub use transaction::write_transaction;

/// Current UTC time as stored (naive UTC `TIMESTAMP`, the only portable timestamp type).
pub type Timestamp = chrono::NaiveDateTime;
