//! The storage layer's one error type. Messages carry diesel's and libpq's text, which holds
//! SQL and constraint names but never bound values (diesel does not render binds into errors).

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL scheme (use sqlite://PATH, a file path, or postgres://...)")]
    UnsupportedUrl,
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("row not found")]
    NotFound,
    #[error("unique constraint violated")]
    Duplicate,
    /// A stored value that does not have its format (a damaged row).
    #[error("malformed stored value: {0}")]
    Malformed(&'static str),
    /// What this backend does not do here (the message says what to use instead).
    #[error("not supported on this database: {0}")]
    Unsupported(&'static str),
    #[error("database error: {0}")]
    Query(diesel::result::Error),
}

impl From<diesel::result::Error> for StorageError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StorageError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => StorageError::Duplicate,
            other => StorageError::Query(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StorageError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StorageError::Pool(e.to_string())
    }
}

impl StorageError {
    /// True when the database itself is unavailable (pool exhausted, server gone): a 503.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StorageError::Connect(_) | StorageError::Pool(_))
            || matches!(
                self,
                StorageError::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection,
                    _
                ))
            )
    }
}
