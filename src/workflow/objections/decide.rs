//! The provider's part: `POST /objections/{id}/decision` (upheld | corrected with new field
//! values | withdrawn | unverifiable, with reasons; a late decision on an overdue objection still
//! closes it and lifts the suppression) and `POST /objections/{id}/extension` (once, with a
//! reason and the approval reference; +3 working days, or the complex-case cap).

use super::deadline::{current_deadline, pin_provider_deadline};
use super::effects::{apply_outcome, notify_recipients};
use super::transition::{By, Journal, advance};
use super::{Actor, MAX_REASON_CHARS, Platform, WorkflowError, text_field, visible};
use crate::domain::objection::{DecisionOutcome, ObjectionEvent, Outcome};
use crate::notify::message::{ObjectionDecided, ObjectionExtended};
use crate::policy::WorkingDays;
use crate::workflow::notices::{To, send};
use crate::workflow::subjects;
use serde::Serialize;
use serde_json::{Map, Value};

pub struct Decision {
    pub outcome: DecisionOutcome,
    pub reason: String,
    /// New field values; required for `corrected`, refused otherwise.
    pub fields: Option<Map<String, Value>>,
}

pub struct Extension {
    pub reason: String,
    pub approval_reference: Option<String>,
    /// Recorded as a complex case (with approval): the complex-case cap applies.
    pub complex: bool,
}

/// What a transition answered: the objection's new state.
#[derive(Debug, Serialize)]
pub struct Changed {
    pub id: String,
    pub status: String,
    pub due_on: Option<String>,
    pub outcome: Option<String>,
    pub review_until: Option<String>,
}

impl Changed {
    pub(super) fn of(row: &crate::storage::objections::ObjectionRow) -> Changed {
        Changed {
            id: row.id.clone(),
            status: row.status.clone(),
            due_on: row.due_on.clone(),
            outcome: row.outcome.clone(),
            review_until: row.review_until.clone(),
        }
    }
}

pub fn decide(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    decision: Decision,
) -> Result<Changed, WorkflowError> {
    let reason = text_field(&decision.reason, "reason", MAX_REASON_CHARS)?;
    let outcome = Outcome::from(decision.outcome);
    if outcome != Outcome::Corrected && decision.fields.is_some() {
        return Err(WorkflowError::invalid("unexpected_field", Some("fields"), "only a correction has fields"));
    }
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let today = platform.clock.today();
        let window = platform.policies.workflow.review.request_window_working_days;
        let review_until = platform.policies.calendar.add_working_days(today, window).due_on;
        let event = ObjectionEvent::Decide(outcome);
        advance(conn, platform, &cipher, &mut journal, &mut row, (&event, &By::account(actor), Some(&reason)), |c| {
            c.decided_on = Some(today.to_string());
            c.review_until = Some(review_until.to_string());
            Ok(())
        })?;
        if let Some(change) = apply_outcome(conn, platform, actor, &row, outcome, decision.fields.clone(), &reason)? {
            notify_recipients(conn, platform, &row, change)?;
        }
        let message = ObjectionDecided {
            objection_id: row.id.clone(),
            outcome,
            reasons: reason.clone(),
            review_until: Some(review_until),
        };
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &format!("decided:{}", row.id))?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}

pub fn extend(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    extension: Extension,
) -> Result<Changed, WorkflowError> {
    let policy = &platform.policies.workflow;
    let reason = text_field(&extension.reason, "reason", MAX_REASON_CHARS)?;
    let approval = match extension.approval_reference.as_deref() {
        Some(text) => Some(text_field(text, "approval_reference", 200)?),
        None if policy.objection.extension.requires_approval_reference => {
            let message = "an extension needs the approval reference of the provider's head";
            return Err(WorkflowError::invalid("missing_field", Some("approval_reference"), message));
        }
        None => None,
    };
    let note = match &approval {
        Some(reference) => format!("{reason}\n(approval: {reference})"),
        None => reason.clone(),
    };
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let (due_before, pinned_before, estimated_before) = current_deadline(platform, &row)?;
        let base = policy.objection.provider_decision_working_days.0;
        let added = if extension.complex {
            policy.hard_cap(true).0.saturating_sub(base)
        } else {
            policy.objection.extension.working_days.0.min(policy.hard_cap(false).0.saturating_sub(base))
        };
        let mut due = due_before;
        let step = (&ObjectionEvent::Extend, &By::account(actor), Some(note.as_str()));
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |c| {
            c.complex = extension.complex;
            let earlier = Some((pinned_before.as_str(), estimated_before));
            due = pin_provider_deadline(platform, c, due_before, WorkingDays(added), earlier);
            Ok(())
        })?;
        let message = ObjectionExtended { objection_id: row.id.clone(), reason: reason.clone(), due_on: due };
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &format!("extended:{}", row.id))?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}
