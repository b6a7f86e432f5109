//! Objection-workflow parameters (`policies/workflow.toml`; legal-requirements §3, R-24, R-28,
//! deadlines in working days, the one extension, the hard cap, what a missed
//! deadline and an unverifiable decision do, how long the clock may be paused, the re-review
//! window, the recipients' lookback and the statement length.
//!
//! Contract: values are checked for coherence at load (the decision period plus the extension
//! fits under the hard cap, the complex cap is not below it, the reminder comes before the due
//! date, every count is positive and bounded). Computing dates is `Calendar`'s job.

use super::error::{PolicyError, parse_toml};
use serde::Deserialize;

pub const FILE: &str = "workflow.toml";
/// No working-day count in the file may exceed this (R-28: nothing beyond 20 wd; one year of
/// working days is a generous bound that keeps date arithmetic far from overflow).
pub const MAX_WORKING_DAYS: u32 = 250;

/// A count of working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(transparent)]
pub struct WorkingDays(pub u32);

/// What happens when a provider misses its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedDeadlineAction {
    /// The record is withheld from queries until decided, and officers are alerted.
    Suppress,
    /// Officers are alerted; the record stays queryable, flagged "disputed".
    EscalateOnly,
}

impl MissedDeadlineAction {
    pub fn suppresses_record(self) -> bool {
        self == MissedDeadlineAction::Suppress
    }
}

/// What an "unverifiable" decision does to the record beyond the permanent annotation that
/// records the verification and the objection [CRIR 25] (legal-requirements §3, the policy
/// switch `unverifiable_action`; its default is `suppress`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnverifiableAction {
    /// The record stays disclosed, with the annotation.
    Annotate,
    /// The record is withheld from queries for good (it stays visible to its subject): what
    /// cannot be verified is not used against the subject.
    #[default]
    Suppress,
    /// The record is withdrawn, keeping a tombstone.
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub max_extensions: u32,
    pub working_days: WorkingDays,
    pub requires_reason: bool,
    pub requires_approval_reference: bool,
}

/// Declared stops of the provider's clock: not counted towards any deadline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockPause {
    /// The most working days all pauses of one objection may add together.
    pub max_working_days: WorkingDays,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardCap {
    pub working_days: WorkingDays,
    pub complex_working_days: WorkingDays,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionPolicy {
    pub provider_decision_working_days: WorkingDays,
    pub incomplete_resubmit_working_days: WorkingDays,
    pub reminder_working_days_before_due: WorkingDays,
    pub on_missed_deadline: MissedDeadlineAction,
    #[serde(default)]
    pub unverifiable_action: UnverifiableAction,
    pub extension: Extension,
    pub hard_cap: HardCap,
    pub pause: ClockPause,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    pub request_window_working_days: WorkingDays,
    pub decision_working_days: WorkingDays,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientsPolicy {
    pub lookback_years: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementPolicy {
    pub max_chars: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowPolicy {
    pub objection: ObjectionPolicy,
    pub review: ReviewPolicy,
    pub recipients: RecipientsPolicy,
    pub statement: StatementPolicy,
}

impl WorkflowPolicy {
    pub fn parse(text: &str) -> Result<WorkflowPolicy, PolicyError> {
        let policy: WorkflowPolicy = parse_toml(FILE, text)?;
        policy.validate()?;
        Ok(policy)
    }

    /// The longest an objection may stay with the provider, extension included.
    pub fn hard_cap(&self, complex: bool) -> WorkingDays {
        let cap = &self.objection.hard_cap;
        if complex { cap.complex_working_days } else { cap.working_days }
    }

    /// The provider's period after `extensions_used` extensions, never beyond the hard cap.
    pub fn provider_period(&self, extensions_used: u32, complex: bool) -> WorkingDays {
        let o = &self.objection;
        let used = extensions_used.min(o.extension.max_extensions);
        let total = o.provider_decision_working_days.0 + used * o.extension.working_days.0;
        WorkingDays(total.min(self.hard_cap(complex).0))
    }

    /// May another extension be granted after `extensions_used`?
    pub fn may_extend(&self, extensions_used: u32) -> bool {
        extensions_used < self.objection.extension.max_extensions
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let o = &self.objection;
        let counts = [
            ("objection.provider_decision_working_days", o.provider_decision_working_days),
            ("objection.incomplete_resubmit_working_days", o.incomplete_resubmit_working_days),
            ("objection.extension.working_days", o.extension.working_days),
            ("objection.hard_cap.working_days", o.hard_cap.working_days),
            ("objection.hard_cap.complex_working_days", o.hard_cap.complex_working_days),
            ("objection.pause.max_working_days", o.pause.max_working_days),
            ("review.request_window_working_days", self.review.request_window_working_days),
            ("review.decision_working_days", self.review.decision_working_days),
        ];
        for (key, WorkingDays(n)) in counts {
            if n == 0 || n > MAX_WORKING_DAYS {
                return Err(PolicyError::invalid(FILE, key, format!("must be 1..={MAX_WORKING_DAYS}")));
            }
        }
        let extended =
            o.provider_decision_working_days.0 + o.extension.max_extensions.saturating_mul(o.extension.working_days.0);
        if extended > o.hard_cap.working_days.0 {
            let reason = "the decision period plus the extensions exceeds the hard cap";
            return Err(PolicyError::invalid(FILE, "objection.hard_cap.working_days", reason));
        }
        if o.hard_cap.complex_working_days < o.hard_cap.working_days {
            let reason = "the complex-case cap is below the ordinary hard cap";
            return Err(PolicyError::invalid(FILE, "objection.hard_cap.complex_working_days", reason));
        }
        if o.reminder_working_days_before_due >= o.provider_decision_working_days {
            let reason = "the reminder must come after acceptance and before the due date";
            return Err(PolicyError::invalid(FILE, "objection.reminder_working_days_before_due", reason));
        }
        if self.recipients.lookback_years == 0 || self.recipients.lookback_years > 10 {
            return Err(PolicyError::invalid(FILE, "recipients.lookback_years", "must be 1..=10"));
        }
        if self.statement.max_chars == 0 || self.statement.max_chars > 10_000 {
            return Err(PolicyError::invalid(FILE, "statement.max_chars", "must be 1..=10000"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
