//! The objection (dispute) state machine of DESIGN §7 and legal-requirements §3, as a pure
//! function: `apply(state, event, actor)` either names the next state and what the workflow must
//! do to the disputed record, or refuses with `DomainError::TransitionRefused`.
//!
//! Contract: no clock, no I/O. Deadlines, the review window and "is this the provider that owns
//! the record / the subject the record is about" are checked by the workflow layer before it calls
//! `apply`; this module only knows which role may cause which event in which state.
//!
//! Decisions where DESIGN is silent:
//! - "platform" events (accept, mark incomplete, forward) may come from an officer or from the
//!   system itself (auto-accept on timeout, forwarding right after acceptance); the deadline sweep
//!   only from the system. Admins and requesters cause no event.
//! - `Decided(_)` is closed (not open) but not terminal: the subject may still ask for re-review.
//!   Only `ReviewDecided` and `Withdrawn` are terminal.
//! - Every decision lifts the dispute flag (the law: "no error: remove the flag"; corrected and
//!   withdrawn entries get a new version / tombstone; an unverifiable entry trades the flag for a
//!   permanent annotation, and `unverifiable_action` in workflow.toml decides whether it stays
//!   disclosed; that effect is the workflow layer's). A re-review request flags the record
//!   again, because the entry is in dispute once more (R-27: flag during reconsideration); the
//!   review decision lifts it.
//! - Leaving `Overdue` (late decision or withdrawal) lifts the suppression it imposed.

use super::{DomainError, Role};
use serde::{Deserialize, Serialize};

use super::kinds::closed_vocabulary as vocabulary;

vocabulary!(
    /// How a provider decided. `Upheld` means the *entry* stands ("no error"), i.e. the objection
    /// was not granted. Spelled as in the status column.
    Outcome, "objection outcome" {
        Upheld => "upheld",
        Corrected => "corrected",
        WithdrawnEntry => "withdrawn_entry",
        Unverifiable => "unverifiable",
    }
);

vocabulary!(
    /// The `outcome` of `POST /objections/{id}/decision` (DESIGN §8); `withdrawn` is the entry.
    DecisionOutcome, "decision outcome" {
        Upheld => "upheld",
        Corrected => "corrected",
        Withdrawn => "withdrawn",
        Unverifiable => "unverifiable",
    }
);

vocabulary!(
    /// Why a subject objects (legal-requirements R-25).
    ObjectionGround, "objection ground" {
        ErrorOrOmission => "error_or_omission",
        /// Infringes business secrets, privacy or other rights.
        InfringesRights => "infringes_rights",
        /// Still disclosed after its disclosure period.
        PastDisclosurePeriod => "past_disclosure_period",
        /// On the serious-dishonesty list without meeting the conditions, or not removed when due.
        WronglyListed => "wrongly_listed",
        OtherBreachOfLaw => "other_breach_of_law",
    }
);

impl From<DecisionOutcome> for Outcome {
    fn from(wire: DecisionOutcome) -> Self {
        match wire {
            DecisionOutcome::Upheld => Outcome::Upheld,
            DecisionOutcome::Corrected => Outcome::Corrected,
            DecisionOutcome::Withdrawn => Outcome::WithdrawnEntry,
            DecisionOutcome::Unverifiable => Outcome::Unverifiable,
        }
    }
}

/// Where an objection stands. Stored as `as_str()`; a decided objection is stored as its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum ObjectionStatus {
    Submitted,
    Incomplete,
    Accepted,
    WithProvider,
    Overdue,
    Decided(Outcome),
    ReviewRequested,
    ReviewDecided,
    Withdrawn,
}

use ObjectionStatus as S;

impl ObjectionStatus {
    pub const ALL: &'static [ObjectionStatus] = &[
        S::Submitted,
        S::Incomplete,
        S::Accepted,
        S::WithProvider,
        S::Overdue,
        S::Decided(Outcome::Upheld),
        S::Decided(Outcome::Corrected),
        S::Decided(Outcome::WithdrawnEntry),
        S::Decided(Outcome::Unverifiable),
        S::ReviewRequested,
        S::ReviewDecided,
        S::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            S::Submitted => "submitted",
            S::Incomplete => "incomplete",
            S::Accepted => "accepted",
            S::WithProvider => "with_provider",
            S::Overdue => "overdue",
            S::Decided(outcome) => outcome.as_str(),
            S::ReviewRequested => "review_requested",
            S::ReviewDecided => "review_decided",
            S::Withdrawn => "withdrawn",
        }
    }

    /// Still waiting for someone to act; the subject may withdraw.
    pub fn is_open(self) -> bool {
        matches!(self, S::Submitted | S::Incomplete | S::Accepted | S::WithProvider | S::Overdue | S::ReviewRequested)
    }

    /// No event can leave this status.
    pub fn is_terminal(self) -> bool {
        matches!(self, S::ReviewDecided | S::Withdrawn)
    }

    /// Whether the disputed record carries the "disputed" flag while the objection is here.
    pub fn keeps_record_disputed(self) -> bool {
        matches!(self, S::Accepted | S::WithProvider | S::Overdue | S::ReviewRequested)
    }
}

impl std::str::FromStr for ObjectionStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        S::ALL
            .iter()
            .copied()
            .find(|status| status.as_str() == s)
            .ok_or(DomainError::UnknownCode { what: "objection status" })
    }
}

impl std::fmt::Display for ObjectionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ObjectionStatus> for &'static str {
    fn from(status: ObjectionStatus) -> Self {
        status.as_str()
    }
}

impl TryFrom<String> for ObjectionStatus {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        s.parse()
    }
}

/// The state `apply` needs: the status and whether the one extension was already used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectionState {
    pub status: ObjectionStatus,
    pub extension_used: bool,
}

impl ObjectionState {
    /// A freshly filed objection.
    pub const FILED: ObjectionState = ObjectionState { status: S::Submitted, extension_used: false };
}

/// Who causes an event: an account acting in its role, or the platform itself (timeouts,
/// automatic forwarding). `Role` converts into `Actor`, so `apply(&s, &e, Role::Subject)` works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    Account(Role),
    System,
}

impl From<Role> for Actor {
    fn from(role: Role) -> Self {
        Actor::Account(role)
    }
}

impl Actor {
    /// Spelling for the timeline's `actor_role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Account(role) => role.as_str(),
            Actor::System => "system",
        }
    }
}

/// Something that happens to an objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionEvent {
    Accept,
    /// Everything missing, listed at once; must not be empty.
    MarkIncomplete {
        missing: Vec<String>,
    },
    Resubmit,
    Forward,
    /// The provider's one extension; the reason is recorded by the workflow.
    Extend,
    /// Time for inspection, testing, quarantine, appraisal or expert review is not counted
    /// (R-28, HN 41): the provider declares it and the due date moves by it.
    PauseClock,
    MissDeadline,
    Decide(Outcome),
    RequestReview,
    DecideReview,
    Withdraw,
}

impl ObjectionEvent {
    /// Spelling for the timeline's `kind` and for refusals.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::MarkIncomplete { .. } => "mark_incomplete",
            Self::Resubmit => "resubmit",
            Self::Forward => "forward",
            Self::Extend => "extend",
            Self::PauseClock => "pause_clock",
            Self::MissDeadline => "miss_deadline",
            Self::Decide(_) => "decide",
            Self::RequestReview => "request_review",
            Self::DecideReview => "decide_review",
            Self::Withdraw => "withdraw",
        }
    }

    /// Whether `actor` may ever cause this event, whatever the state. Lets the caller tell
    /// "not yours to do" (403) from "not now" (409) before calling `apply`.
    pub fn may_be_caused_by(&self, actor: Actor) -> bool {
        use Actor::{Account, System};
        match self {
            Self::Accept | Self::MarkIncomplete { .. } | Self::Forward => {
                matches!(actor, Account(Role::Officer) | System)
            }
            Self::Resubmit | Self::RequestReview | Self::Withdraw => actor == Account(Role::Subject),
            Self::Extend | Self::PauseClock | Self::Decide(_) => actor == Account(Role::Provider),
            Self::MissDeadline => actor == System,
            Self::DecideReview => actor == Account(Role::Officer),
        }
    }
}

/// The result of an allowed event: the new state and what the workflow must do to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub to: ObjectionState,
    /// Set the record's "disputed" flag (entering `Accepted` or `ReviewRequested`).
    pub flags_record_disputed: bool,
    /// Remove the record's "disputed" flag (any decision, a review decision, or a withdrawal
    /// while the record was flagged).
    pub clears_dispute: bool,
    /// Hide the record from queries until decided (entering `Overdue`).
    pub suppresses_record: bool,
    /// Show the record again (leaving `Overdue`).
    pub lifts_suppression: bool,
    /// Store the correction as a new record version (`Corrected`).
    pub new_record_version: bool,
    /// Withdraw the record, keeping a tombstone (`WithdrawnEntry`).
    pub withdraws_record: bool,
    /// Annotate the record with the verification and the objection for good (`Unverifiable`).
    pub annotates_permanently: bool,
    /// Tell past recipients of the record (from the access log) about the change.
    pub notify_recipients: bool,
    /// The objection is finished for good.
    pub is_terminal: bool,
}

/// Applies `event`, caused by `actor`, to `state`. Pure: the caller persists the result.
pub fn apply(
    state: &ObjectionState,
    event: &ObjectionEvent,
    actor: impl Into<Actor>,
) -> Result<Transition, DomainError> {
    use ObjectionEvent as E;
    let refused = || DomainError::TransitionRefused { from: state.status.as_str(), event: event.as_str() };
    if !event.may_be_caused_by(actor.into()) {
        return Err(refused());
    }
    let from = state.status;
    let to = match (from, event) {
        (S::Submitted, E::Accept) => S::Accepted,
        (S::Submitted, E::MarkIncomplete { missing }) => {
            if missing.is_empty() || missing.iter().any(|item| item.trim().is_empty()) {
                return Err(DomainError::InvalidValue { field: "missing", reason: "must_list_missing_items" });
            }
            S::Incomplete
        }
        (S::Incomplete, E::Resubmit) => S::Submitted,
        (S::Accepted, E::Forward) => S::WithProvider,
        (S::WithProvider, E::Extend) if !state.extension_used => S::WithProvider,
        (S::WithProvider, E::PauseClock) => S::WithProvider,
        (S::WithProvider, E::MissDeadline) => S::Overdue,
        // A late decision still closes the case.
        (S::WithProvider | S::Overdue, E::Decide(outcome)) => S::Decided(*outcome),
        (S::Decided(_), E::RequestReview) => S::ReviewRequested,
        (S::ReviewRequested, E::DecideReview) => S::ReviewDecided,
        (open, E::Withdraw) if open.is_open() => S::Withdrawn,
        _ => return Err(refused()),
    };
    let decided = |o: Outcome| to == S::Decided(o);
    Ok(Transition {
        to: ObjectionState { status: to, extension_used: state.extension_used || *event == E::Extend },
        flags_record_disputed: to.keeps_record_disputed() && !from.keeps_record_disputed(),
        clears_dispute: from.keeps_record_disputed() && !to.keeps_record_disputed(),
        suppresses_record: to == S::Overdue && from != S::Overdue,
        lifts_suppression: from == S::Overdue && to != S::Overdue,
        new_record_version: decided(Outcome::Corrected),
        withdraws_record: decided(Outcome::WithdrawnEntry),
        annotates_permanently: decided(Outcome::Unverifiable),
        notify_recipients: matches!(
            to,
            S::Decided(Outcome::Corrected | Outcome::WithdrawnEntry | Outcome::Unverifiable)
        ),
        is_terminal: to.is_terminal(),
    })
}

#[cfg(test)]
#[path = "objection_tests.rs"]
mod tests;
