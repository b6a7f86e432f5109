//! `POST /objections/{id}/pause`: the provider declares that its clock stops for inspection,
//! testing, quarantine, appraisal or expert review, which the law does not count (R-28, HN 41).
//!
//! Contract: allowed only while the objection is with the provider (not once it is overdue);
//! the declaration names its kind, a reason and how many working days it takes; the due date
//! moves by that many working days on the pinned calendar, the reminder with it; all pauses of
//! one objection together stay within `objection.pause.max_working_days` of workflow.toml.
//! The subject is told why and the new date; the reason is in the timeline, sealed.

use super::deadline::{current_deadline, pin_provider_deadline};
use super::decide::Changed;
use super::transition::{By, Journal, advance};
use super::{Actor, MAX_REASON_CHARS, Platform, WorkflowError, text_field, visible};
use crate::domain::clock_pause::ClockPauseKind;
use crate::domain::objection::ObjectionEvent;
use crate::notify::message::ClockPaused;
use crate::policy::WorkingDays;
use crate::workflow::notices::{To, send};
use crate::workflow::subjects;

/// A pause as the provider declares it, not yet checked.
pub struct Pause {
    pub kind: String,
    pub reason: String,
    pub working_days: u32,
}

pub fn pause(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    pause: Pause,
) -> Result<Changed, WorkflowError> {
    let kind: ClockPauseKind = pause.kind.parse().map_err(|e| WorkflowError::from_domain(e, "kind"))?;
    let reason = text_field(&pause.reason, "reason", MAX_REASON_CHARS)?;
    let allowance = platform.policies.workflow.objection.pause.max_working_days.0;
    if pause.working_days == 0 || pause.working_days > allowance {
        let message = format!("a pause takes 1 to {allowance} working days");
        return Err(WorkflowError::invalid("invalid_value", Some("working_days"), &message));
    }
    platform.db.transaction(|conn| {
        let mut row = visible(conn, actor, id)?;
        let used = u32::try_from(row.paused_working_days).unwrap_or(0);
        if used + pause.working_days > allowance {
            let message = format!("pauses of one objection add up to at most {allowance} working days; {used} used");
            return Err(WorkflowError::invalid("pause_limit_exceeded", Some("working_days"), &message));
        }
        let cipher = subjects::cipher_by_subject(conn, platform, &row.subject_id)?;
        let mut journal = Journal::new(request_id);
        let (due_before, pinned_before, estimated_before) = current_deadline(platform, &row)?;
        let note = format!("{}: {reason}", kind.as_str());
        let mut due = due_before;
        let step = (&ObjectionEvent::PauseClock, &By::account(actor), Some(note.as_str()));
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |c| {
            let earlier = Some((pinned_before.as_str(), estimated_before));
            due = pin_provider_deadline(platform, c, due_before, WorkingDays(pause.working_days), earlier);
            c.paused_working_days = i32::try_from(used + pause.working_days).map_err(WorkflowError::internal)?;
            Ok(())
        })?;
        let message = ClockPaused {
            objection_id: row.id.clone(),
            kind,
            working_days: pause.working_days,
            reason: reason.clone(),
            due_on: due,
        };
        let key = format!("paused:{}:{}", row.id, row.paused_working_days);
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &key)?;
        journal.commit(conn, platform)?;
        Ok(Changed::of(&row))
    })
}
