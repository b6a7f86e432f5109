//! The audit layer's one error type. Messages carry codes, sequence numbers and diesel/driver
//! text only, never an entry's contents.

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The entry could not be made durable (database down, insert refused, writer failed).
    /// The caller must disclose nothing and answer 503.
    #[error("the access log is unavailable")]
    Unavailable,
    /// The writer has been shut down.
    #[error("the access-log writer has stopped")]
    Stopped,
    /// The stored chain does not verify from `first_bad_sequence` on; nothing is signed over it.
    #[error("the access log is broken at sequence {first_bad_sequence}")]
    Broken { first_bad_sequence: i64 },
    /// A stored value is not in the form this layer writes.
    #[error("malformed access-log {0}")]
    Malformed(&'static str),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("cannot start an access-log thread: {0}")]
    Thread(#[from] std::io::Error),
}

impl From<diesel::result::Error> for AuditError {
    fn from(error: diesel::result::Error) -> Self {
        AuditError::Storage(error.into())
    }
}
