//! The subject's and the officer's part after (or instead of) a decision:
//! `POST /objections/{id}/review` — the subject asks for re-review (复核) within the window
//! pinned at the decision (15 working days); an officer decides it with the final outcome and
//! reasons — and `POST /objections/{id}/withdraw` (the subject, while the objection is open).

use super::deadline::working_days_before;
use super::decide::Changed;
use super::effects::{apply_outcome, notify_recipients};
use super::transition::{By, Journal, advance};
use super::{Actor, MAX_REASON_CHARS, Platform, WorkflowError, parse_date, text_field, visible};
use crate::domain::Role;
use crate::domain::objection::{DecisionOutcome, ObjectionEvent, Outcome};
use crate::notify::message::{ReviewDecided, ReviewRequested};
use crate::workflow::notices::{To, send};
use crate::workflow::subjects;
use serde_json::{Map, Value};

/// The body of `POST /objections/{id}/review`: a subject may give a reason; an officer must give
/// the decision and the reason (and the fields when the final outcome is a correction).
pub struct Review {
    pub decision: Option<DecisionOutcome>,
    pub reason: Option<String>,
    pub fields: Option<Map<String, Value>>,
}

pub fn review(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    review: Review,
) -> Result<Changed, WorkflowError> {
    match actor.role {
        Role::Officer => decide_review(platform, actor, request_id, id, review),
        Role::Subject => request_review(platform, actor, request_id, id, review),
        // Not found for those who may not see it, forbidden for the provider who may.
        _ => {
            visible(&mut *platform.db.get()?, actor, id)?;
            Err(WorkflowError::forbidden("forbidden_role", "this account's role may not do this"))
        }
    }
}

fn optional_reason(reason: Option<&str>) -> Result<Option<String>, WorkflowError> {
    reason.filter(|r| !r.trim().is_empty()).map(|r| text_field(r, "reason", MAX_REASON_CHARS)).transpose()
}

fn request_review(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    review: Review,
) -> Result<Changed, WorkflowError> {
    if review.decision.is_some() || review.fields.is_some() {
        let message = "only an officer decides a re-review";
        return Err(WorkflowError::invalid("unexpected_field", Some("decision"), message));
    }
    let reason = optional_reason(review.reason.as_deref())?;
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let today = platform.clock.today();
        if actor.role == Role::Subject
            && let Some(until) = &row.review_until
            && today > parse_date(until)?
        {
            let message = format!("a re-review could be requested until {until}");
            return Err(WorkflowError::Conflict { code: "review_window_closed", message });
        }
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let period = platform.policies.workflow.review.decision_working_days;
        let due = platform.policies.calendar.add_working_days(today, period).due_on;
        let step = (&ObjectionEvent::RequestReview, &By::account(actor), reason.as_deref());
        let reminder = platform.policies.workflow.objection.reminder_working_days_before_due;
        let remind_on = working_days_before(&platform.policies.calendar, due, reminder);
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |c| {
            c.review_due_on = Some(due.to_string());
            // The officers are reminded before the re-review is due, as providers are.
            c.remind_on = Some(remind_on.to_string());
            c.reminded_at = None;
            Ok(())
        })?;
        let message = ReviewRequested { objection_id: row.id.clone(), requested_on: today, due_on: due };
        let key = format!("review_requested:{}", row.id);
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &key)?;
        send(conn, platform, &cipher, To::Officers, &message, &key)?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}

fn decide_review(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    review: Review,
) -> Result<Changed, WorkflowError> {
    let decision = review.decision.ok_or_else(|| {
        WorkflowError::invalid("missing_field", Some("decision"), "the officer names the final outcome")
    })?;
    let reason = text_field(review.reason.as_deref().unwrap_or_default(), "reason", MAX_REASON_CHARS)?;
    let outcome = Outcome::from(decision);
    if outcome != Outcome::Corrected && review.fields.is_some() {
        return Err(WorkflowError::invalid("unexpected_field", Some("fields"), "only a correction has fields"));
    }
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let earlier: Option<Outcome> = row.outcome.as_deref().map(str::parse).transpose()?;
        if earlier == Some(Outcome::WithdrawnEntry) && outcome != Outcome::WithdrawnEntry {
            let message = "the record was withdrawn; a re-review can only confirm that".into();
            return Err(WorkflowError::Conflict { code: "record_closed", message });
        }
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let step = (&ObjectionEvent::DecideReview, &By::account(actor), Some(reason.as_str()));
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |c| {
            c.outcome = Some(outcome.as_str().to_owned());
            Ok(())
        })?;
        // A changed outcome takes effect now; so do new field values for a confirmed correction.
        if (earlier != Some(outcome) || review.fields.is_some())
            && let Some(change) = apply_outcome(conn, platform, actor, &row, outcome, review.fields.clone(), &reason)?
        {
            notify_recipients(conn, platform, &row, change)?;
        }
        let message = ReviewDecided { objection_id: row.id.clone(), outcome, reasons: reason.clone() };
        let key = format!("review_decided:{}", row.id);
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &key)?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}

pub fn withdraw(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    reason: Option<String>,
) -> Result<Changed, WorkflowError> {
    let reason = optional_reason(reason.as_deref())?;
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let step = (&ObjectionEvent::Withdraw, &By::account(actor), reason.as_deref());
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |_| Ok(()))?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}
