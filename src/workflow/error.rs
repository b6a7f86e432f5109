//! The workflow layer's one error type: what a use case can answer, each with a stable
//! snake_case code. `web/error.rs` is the only place that turns it into HTTP. Messages are
//! written for the caller and never contain identifiers, names, field values or key material;
//! internal causes are kept for the log as codes and diesel/driver text only.

use crate::domain::DomainError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// No valid credentials: wrong password, unknown e-mail, disabled account, bad token.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: &'static str },
    /// Authenticated, but this role, organization or purpose may not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// Well-formed but unacceptable input, naming the offending field when there is one.
    #[error("{message}")]
    Invalid { code: &'static str, field: Option<String>, message: String },
    /// Malformed request (bad JSON, wrong content type).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("too many attempts; try again later")]
    TooManyRequests,
    /// A limited free service is used up for now; the message says when it is available again
    /// (the yearly free formal reports, R-21).
    #[error("{message}")]
    LimitReached { code: &'static str, message: String },
    /// The platform cannot serve this safely right now (database or access log down).
    #[error("{message}")]
    Unavailable { code: &'static str, message: &'static str },
    /// A bug or an unexpected failure below; the cause goes to the log, not to the caller.
    #[error("internal error")]
    Internal { cause: String },
}

impl WorkflowError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Invalid { code, .. }
            | Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::LimitReached { code, .. }
            | Self::Unavailable { code, .. } => code,
            Self::NotFound { .. } => "not_found",
            Self::TooManyRequests => "too_many_requests",
            Self::Internal { .. } => "internal_error",
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden { code, message: message.into() }
    }

    pub fn invalid(code: &'static str, field: Option<&str>, message: impl Into<String>) -> Self {
        Self::Invalid { code, field: field.map(str::to_owned), message: message.into() }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal { cause: cause.to_string() }
    }

    /// Attach a field name to a domain refusal.
    pub fn from_domain(error: DomainError, field: &str) -> Self {
        Self::Invalid { code: error.code(), field: Some(field.to_owned()), message: error.to_string() }
    }
}

impl From<DomainError> for WorkflowError {
    fn from(error: DomainError) -> Self {
        Self::Invalid { code: error.code(), field: None, message: error.to_string() }
    }
}

impl From<StorageError> for WorkflowError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NotFound => Self::NotFound { what: "resource" },
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                Self::Unavailable { code: "database_unavailable", message: "the database is unavailable" }
            }
            e => Self::internal(e),
        }
    }
}

impl From<diesel::result::Error> for WorkflowError {
    fn from(error: diesel::result::Error) -> Self {
        StorageError::from(error).into()
    }
}

impl From<crate::crypto::CryptoError> for WorkflowError {
    fn from(error: crate::crypto::CryptoError) -> Self {
        // Only the stable code: crypto errors never carry key bytes or plaintext anyway.
        Self::internal(format!("crypto: {}", error.code()))
    }
}

impl From<crate::audit::AuditError> for WorkflowError {
    fn from(error: crate::audit::AuditError) -> Self {
        use crate::audit::AuditError;
        match error {
            // Fail closed: whatever could not be logged must not be answered (DESIGN §5.4).
            AuditError::Unavailable | AuditError::Stopped | AuditError::Thread(_) => Self::Unavailable {
                code: "audit_unavailable",
                message: "the access log is unavailable; nothing was disclosed",
            },
            AuditError::Storage(e) => e.into(),
            e @ (AuditError::Broken { .. } | AuditError::Malformed(_)) => Self::internal(e),
        }
    }
}
