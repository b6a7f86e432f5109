//! The deadline sweep: reminders one working day before the provider's due date (to the
//! provider) and before a re-review's due date (to the officers), and missed
//! deadlines (`with_provider` past the end of `due_on` -> `overdue`: the record is suppressed
//! per workflow.toml, the provider and the officers get the escalation e-mail), and re-reviews
//! past their due date (the officers and the subject are told once; an officer still decides).
//!
//! Idempotent and safe with any number of instances: the candidates are read outside any
//! transaction as a hint only; each is then taken by one conditional UPDATE (the reminder's
//! `reminded_at IS NULL`, the transition's `version`) whose affected-row count says who won.
//! The loser's transaction rolls back having written nothing. E-mails carry dedupe keys made
//! of the objection id and the due date, so even a replayed pass cannot queue one twice.

use super::transition::{By, Journal, advance, event_only};
use super::{Platform, WorkflowError, parse_date};
use crate::domain::objection::ObjectionEvent;
use crate::notify::message::{DeadlineBreached, DeadlineReminder, ReviewOverdue, ReviewReminder};
use crate::storage::objection_deadlines as due;
use crate::storage::objections::ObjectionRow;
use crate::storage::records;
use crate::workflow::notices::{To, send};
use crate::workflow::subjects;

/// Candidates taken per pass and kind; the job runs again soon after.
const BATCH: i64 = 200;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub reminded: usize,
    /// Missed deadlines: providers' (now `overdue`) and officers' re-reviews (escalated).
    pub overdue: usize,
}

pub fn run_once(platform: &Platform) -> Result<Swept, WorkflowError> {
    let today = platform.clock.today().to_string();
    // One id per pass, so the access log groups what a pass did.
    let request_id = format!("sweep-{}", uuid::Uuid::new_v4().simple());
    let mut swept = Swept::default();
    let reminders = due::reminders_due(&mut *platform.db.get()?, &today, BATCH)?;
    for row in reminders {
        swept.reminded += usize::from(remind(platform, &request_id, &row)?);
    }
    let late = due::past_due(&mut *platform.db.get()?, &today, BATCH)?;
    for row in late {
        swept.overdue += usize::from(miss_deadline(platform, &request_id, row)?);
    }
    let late_reviews = due::reviews_past_due(&mut *platform.db.get()?, &today, BATCH)?;
    for row in late_reviews {
        swept.overdue += usize::from(escalate_review(platform, &request_id, &row)?);
    }
    Ok(swept)
}

/// Tells the officers and the subject that a re-review passed its due date undecided, once.
/// The objection stays `review_requested`: an officer still decides it.
fn escalate_review(platform: &Platform, request_id: &str, row: &ObjectionRow) -> Result<bool, WorkflowError> {
    let Some(due_on) = row.review_due_on.clone() else { return Ok(false) };
    let cipher = subjects::cipher_by_subject(&mut *platform.db.get()?, platform, &row.subject_id)?;
    platform.db.transaction(|conn| {
        // The claim first, as for reminders: one instance wins, the others write nothing.
        if !due::claim_review_escalation(conn, &row.id, &due_on, platform.clock.now_naive())? {
            return Ok(false);
        }
        let mut journal = Journal::new(request_id);
        event_only(conn, platform, &cipher, &mut journal, row, "review_overdue", &By::system())?;
        let message = ReviewOverdue {
            objection_id: row.id.clone(),
            record_id: row.record_id.clone(),
            due_on: parse_date(&due_on)?,
        };
        let key = format!("review_overdue:{}:{due_on}", row.id);
        send(conn, platform, &cipher, To::Officers, &message, &key)?;
        send(conn, platform, &cipher, To::Subject(&row.subject_id), &message, &key)?;
        journal.commit(conn, platform)?;
        Ok(true)
    })
}

/// Sends the reminder of `row`'s current deadline (the provider's decision, or an officer's
/// re-review), unless another pass already took it.
fn remind(platform: &Platform, request_id: &str, row: &ObjectionRow) -> Result<bool, WorkflowError> {
    let review = row.status == "review_requested";
    let due = if review { &row.review_due_on } else { &row.due_on };
    let Some(due_on) = due.clone() else { return Ok(false) };
    let cipher = subjects::cipher_by_subject(&mut *platform.db.get()?, platform, &row.subject_id)?;
    platform.db.transaction(|conn| {
        // The claim is the transaction's first statement: on SQLite a write after a read in a
        // deferred transaction fails at once when another instance wrote meanwhile.
        if !due::claim_reminder(conn, &row.id, review, &due_on, platform.clock.now_naive())? {
            return Ok(false);
        }
        let mut journal = Journal::new(request_id);
        let (objection_id, record_id, due) = (row.id.clone(), row.record_id.clone(), parse_date(&due_on)?);
        if review {
            event_only(conn, platform, &cipher, &mut journal, row, "review_reminder", &By::system())?;
            let message = ReviewReminder { objection_id, record_id, due_on: due };
            send(conn, platform, &cipher, To::Officers, &message, &format!("review_reminder:{}:{due_on}", row.id))?;
        } else {
            event_only(conn, platform, &cipher, &mut journal, row, "reminder", &By::system())?;
            let message = DeadlineReminder { objection_id, record_id, due_on: due };
            let key = format!("reminder:{}:{due_on}", row.id);
            send(conn, platform, &cipher, To::Provider(&row.provider_organization_id), &message, &key)?;
        }
        journal.commit(conn, platform)?;
        Ok(true)
    })
}

/// Moves `row` to overdue, unless it changed since it was read (decided, extended, or taken by
/// another instance): then nothing is written.
fn miss_deadline(platform: &Platform, request_id: &str, mut row: ObjectionRow) -> Result<bool, WorkflowError> {
    let Some(due_on) = row.due_on.clone() else { return Ok(false) };
    // Outside the transaction, so that its first statement is the conditional state write.
    let cipher = subjects::cipher_by_subject(&mut *platform.db.get()?, platform, &row.subject_id)?;
    let result = platform.db.transaction(|conn| {
        let mut journal = Journal::new(request_id);
        let step = (&ObjectionEvent::MissDeadline, &By::system(), None);
        advance(conn, platform, &cipher, &mut journal, &mut row, step, |_| Ok(()))?;
        let provider = records::organization_names(conn, std::slice::from_ref(&row.provider_organization_id))?
            .pop()
            .map(|(_, name, _)| name)
            .unwrap_or_default();
        let message = DeadlineBreached {
            objection_id: row.id.clone(),
            record_id: row.record_id.clone(),
            provider,
            due_on: parse_date(&due_on)?,
            suppressed: platform.policies.workflow.objection.on_missed_deadline.suppresses_record(),
        };
        let key = format!("breach:{}:{due_on}", row.id);
        send(conn, platform, &cipher, To::Provider(&row.provider_organization_id), &message, &key)?;
        send(conn, platform, &cipher, To::Officers, &message, &key)?;
        journal.commit(conn, platform)?;
        Ok(true)
    });
    match result {
        Err(WorkflowError::Conflict { code: "concurrent_update" | "transition_not_allowed", .. }) => Ok(false),
        other => other,
    }
}
