//! Errors of meaning: an input that cannot become a domain value. Messages never echo the input,
//! because inputs here are identifiers and names of real people.

/// Why a value from outside was refused. Each variant has a stable snake_case code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the identifier is not valid: {reason}")]
    InvalidIdentifier { reason: &'static str },
    #[error("unknown {what}")]
    UnknownCode { what: &'static str },
    #[error("{field} is not valid: {reason}")]
    InvalidValue { field: &'static str, reason: &'static str },
    #[error("transition from {from} by {event} is not allowed")]
    TransitionRefused { from: &'static str, event: &'static str },
}

impl DomainError {
    /// The stable code clients can rely on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidIdentifier { .. } => "invalid_identifier",
            Self::UnknownCode { .. } => "unknown_code",
            Self::InvalidValue { .. } => "invalid_value",
            Self::TransitionRefused { .. } => "transition_not_allowed",
        }
    }
}
