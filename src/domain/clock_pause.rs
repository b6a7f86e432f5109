//! Why a provider's clock may stop (R-28: "time for inspection, testing, quarantine, appraisal
//! or expert review is not counted" [HN 41]): the closed list a pause must name.

use super::error::DomainError;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockPauseKind {
    Inspection,
    Testing,
    Quarantine,
    Appraisal,
    ExpertReview,
}

impl ClockPauseKind {
    pub const ALL: &'static [ClockPauseKind] =
        &[Self::Inspection, Self::Testing, Self::Quarantine, Self::Appraisal, Self::ExpertReview];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::Testing => "testing",
            Self::Quarantine => "quarantine",
            Self::Appraisal => "appraisal",
            Self::ExpertReview => "expert_review",
        }
    }
}

impl FromStr for ClockPauseKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or(DomainError::InvalidValue { field: "kind", reason: "unknown_pause_kind" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_and_nothing_else_does() {
        for kind in ClockPauseKind::ALL {
            assert_eq!(kind.as_str().parse::<ClockPauseKind>().ok(), Some(*kind));
        }
        assert!("holiday".parse::<ClockPauseKind>().is_err());
        assert!("".parse::<ClockPauseKind>().is_err());
    }
}
