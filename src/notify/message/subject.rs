//! What the subject of an objection hears: receipt, acceptance or what is missing, an
//! extension, the decision with its reasons, and the re-review (DESIGN §7, issue 5 item 6).

use super::{Locale, email, outcome_label};
use crate::domain::objection::Outcome;
use chrono::NaiveDate;

/// The objection was filed and is being checked for completeness.
#[derive(Debug, Clone)]
pub struct ObjectionReceived {
    pub objection_id: String,
    pub record_type: String,
    pub received_on: NaiveDate,
}

/// Accepted: the entry is marked disputed and the provider must decide by `due_on`.
#[derive(Debug, Clone)]
pub struct ObjectionAccepted {
    pub objection_id: String,
    pub record_type: String,
    pub due_on: NaiveDate,
}

/// Incomplete: everything missing, listed at once; the subject resubmits.
#[derive(Debug, Clone)]
pub struct ObjectionIncomplete {
    pub objection_id: String,
    pub missing: Vec<String>,
}

/// The provider used its one extension.
#[derive(Debug, Clone)]
pub struct ObjectionExtended {
    pub objection_id: String,
    pub reason: String,
    pub due_on: NaiveDate,
}

/// The provider declared a stop of its clock; the due date moved by it.
#[derive(Debug, Clone)]
pub struct ClockPaused {
    pub objection_id: String,
    pub kind: crate::domain::clock_pause::ClockPauseKind,
    pub working_days: u32,
    pub reason: String,
    pub due_on: NaiveDate,
}

impl ClockPaused {
    pub fn kind_zh(&self) -> &'static str {
        use crate::domain::clock_pause::ClockPauseKind as K;
        match self.kind {
            K::Inspection => "检验",
            K::Testing => "检测",
            K::Quarantine => "检疫",
            K::Appraisal => "鉴定",
            K::ExpertReview => "专家评审",
        }
    }
    pub fn kind_en(&self) -> &'static str {
        use crate::domain::clock_pause::ClockPauseKind as K;
        match self.kind {
            K::Inspection => "inspection",
            K::Testing => "testing",
            K::Quarantine => "quarantine",
            K::Appraisal => "appraisal",
            K::ExpertReview => "expert review",
        }
    }
}

/// The provider decided; `review_until` is the last day to ask for a re-review.
#[derive(Debug, Clone)]
pub struct ObjectionDecided {
    pub objection_id: String,
    pub outcome: Outcome,
    pub reasons: String,
    pub review_until: Option<NaiveDate>,
}

/// A re-review was requested; an officer decides by `due_on`. Sent to the subject (receipt)
/// and to the officers (work to do).
#[derive(Debug, Clone)]
pub struct ReviewRequested {
    pub objection_id: String,
    pub requested_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// The officer decided the re-review; `outcome` is the objection's final outcome.
#[derive(Debug, Clone)]
pub struct ReviewDecided {
    pub objection_id: String,
    pub outcome: Outcome,
    pub reasons: String,
}

impl ObjectionDecided {
    pub fn outcome_zh(&self) -> &'static str {
        outcome_label(self.outcome, Locale::ZhCn)
    }
    pub fn outcome_en(&self) -> &'static str {
        outcome_label(self.outcome, Locale::En)
    }
}

impl ReviewDecided {
    pub fn outcome_zh(&self) -> &'static str {
        outcome_label(self.outcome, Locale::ZhCn)
    }
    pub fn outcome_en(&self) -> &'static str {
        outcome_label(self.outcome, Locale::En)
    }
}

email!(
    ObjectionReceived,
    "objection_received",
    ObjectionReceivedText,
    "email/objection_received/subject.zh.txt",
    "email/objection_received/subject.en.txt",
    "email/objection_received/body.zh.txt",
    "email/objection_received/body.en.txt"
);
email!(
    ObjectionAccepted,
    "objection_accepted",
    ObjectionAcceptedText,
    "email/objection_accepted/subject.zh.txt",
    "email/objection_accepted/subject.en.txt",
    "email/objection_accepted/body.zh.txt",
    "email/objection_accepted/body.en.txt"
);
email!(
    ObjectionIncomplete,
    "objection_incomplete",
    ObjectionIncompleteText,
    "email/objection_incomplete/subject.zh.txt",
    "email/objection_incomplete/subject.en.txt",
    "email/objection_incomplete/body.zh.txt",
    "email/objection_incomplete/body.en.txt"
);
email!(
    ObjectionExtended,
    "objection_extended",
    ObjectionExtendedText,
    "email/objection_extended/subject.zh.txt",
    "email/objection_extended/subject.en.txt",
    "email/objection_extended/body.zh.txt",
    "email/objection_extended/body.en.txt"
);
email!(
    ClockPaused,
    "clock_paused",
    ClockPausedText,
    "email/clock_paused/subject.zh.txt",
    "email/clock_paused/subject.en.txt",
    "email/clock_paused/body.zh.txt",
    "email/clock_paused/body.en.txt"
);
email!(
    ObjectionDecided,
    "objection_decided",
    ObjectionDecidedText,
    "email/objection_decided/subject.zh.txt",
    "email/objection_decided/subject.en.txt",
    "email/objection_decided/body.zh.txt",
    "email/objection_decided/body.en.txt"
);
email!(
    ReviewRequested,
    "review_requested",
    ReviewRequestedText,
    "email/review_requested/subject.zh.txt",
    "email/review_requested/subject.en.txt",
    "email/review_requested/body.zh.txt",
    "email/review_requested/body.en.txt"
);
email!(
    ReviewDecided,
    "review_decided",
    ReviewDecidedText,
    "email/review_decided/subject.zh.txt",
    "email/review_decided/subject.en.txt",
    "email/review_decided/body.zh.txt",
    "email/review_decided/body.en.txt"
);
