//! The life of a credit record: its status and the kinds of change that make a new version.
//! Records are append-only: a correction or a revocation adds a version, never overwrites one.

use super::DomainError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Disclosed to whoever a purpose allows.
    Active,
    /// Its disclosure period ended; visible to the subject only.
    Expired,
    /// The provider revoked it (its basis was revoked); a tombstone remains.
    Revoked,
    /// Withdrawn after an objection; a tombstone remains.
    Withdrawn,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "active" => Ok(Self::Active),
            "expired" => Ok(Self::Expired),
            "revoked" => Ok(Self::Revoked),
            "withdrawn" => Ok(Self::Withdrawn),
            _ => Err(DomainError::UnknownCode { what: "record status" }),
        }
    }

    /// Only active records are ever disclosed to anyone but their subject.
    pub fn is_disclosable(self) -> bool {
        self == Self::Active
    }

    /// Revoked and withdrawn records are closed: no further correction.
    pub fn accepts_changes(self) -> bool {
        matches!(self, Self::Active | Self::Expired)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Submitted,
    Corrected,
    Revoked,
    Withdrawn,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Corrected => "corrected",
            Self::Revoked => "revoked",
            Self::Withdrawn => "withdrawn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_records_are_disclosed_and_closed_ones_take_no_changes() {
        for status in [RecordStatus::Active, RecordStatus::Expired, RecordStatus::Revoked, RecordStatus::Withdrawn] {
            assert_eq!(RecordStatus::parse(status.as_str()), Ok(status));
            assert_eq!(status.is_disclosable(), status == RecordStatus::Active);
        }
        assert!(!RecordStatus::Revoked.accepts_changes());
        assert!(RecordStatus::Expired.accepts_changes());
        assert!(RecordStatus::parse("deleted").is_err());
    }
}
