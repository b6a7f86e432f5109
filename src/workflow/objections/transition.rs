//! One transition, persisted: the state machine's verdict, the conditional state write, the
//! timeline event (its note sealed under the subject's key), the record's derived flags, and
//! the access-log entry, all on the caller's transaction.

use super::{Platform, WorkflowError, state_of};
use crate::audit::{Action, Decision, NewEntry};
use crate::crypto::CellCipher;
use crate::domain::DomainError;
use crate::domain::objection::{self, Actor as Cause, ObjectionEvent, ObjectionStatus, Transition};
use crate::policy::workflow::UnverifiableAction;
use crate::storage::objections::{self as rows, EventRow, ObjectionRow, StateChange};
use crate::storage::{AnyConnection, record_notes, records};

/// Statuses in which an objection keeps its record "disputed" (`keeps_record_disputed`).
/// The kind of the permanent annotation an "unverifiable" decision leaves on the record.
pub(super) const UNVERIFIABLE: &str = "unverifiable";

const DISPUTING: [&str; 4] = ["accepted", "with_provider", "overdue", "review_requested"];
/// Statuses in which an objection blocks a new one on the same record (`is_open`).
pub(super) const OPEN: [&str; 6] =
    ["submitted", "incomplete", "accepted", "with_provider", "overdue", "review_requested"];

/// Who causes a transition, as the timeline and the access log name them.
#[derive(Debug, Clone)]
pub(super) struct By {
    pub cause: Cause,
    pub account_id: Option<String>,
    pub organization_id: Option<String>,
}

impl By {
    pub fn system() -> By {
        By { cause: Cause::System, account_id: None, organization_id: None }
    }

    pub fn account(actor: &crate::workflow::Actor) -> By {
        By {
            cause: Cause::Account(actor.role),
            account_id: Some(actor.account_id.clone()),
            organization_id: actor.organization_id.clone(),
        }
    }
}

/// The access-log entries of one use case: one `objection_transition` per timeline event,
/// appended last, in order, on the use case's own transaction (`AuditLog::record_in` locks the
/// chain head until commit), so the transition and its entry are durable together or not at all.
pub(super) struct Journal {
    request_id: String,
    entries: Vec<NewEntry>,
}

impl Journal {
    pub fn new(request_id: &str) -> Journal {
        Journal { request_id: request_id.to_owned(), entries: Vec::new() }
    }

    /// An entry naming the actor, its organization, the subject (pseudonymous row id), the
    /// record, the policy version, and, as the reason code, the event and the objection id.
    fn note(&mut self, platform: &Platform, by: &By, kind: &str, row: &ObjectionRow) {
        let at = platform.clock.now_naive();
        let version = &platform.policies.version;
        let mut entry = NewEntry::new(at, &self.request_id, Action::ObjectionTransition, Decision::Allowed, version);
        if let Some(account) = &by.account_id {
            entry = entry.actor(account, by.cause.as_str(), by.organization_id.as_deref());
        }
        let entry = entry
            .subject(&row.subject_id)
            .disclosed(vec![row.record_id.clone()], Vec::new())
            .reason(&format!("{kind}:{}", row.id));
        self.entries.push(entry);
    }

    /// Appends the entries on `conn`; call it as the transaction's last step.
    pub fn commit(self, conn: &mut AnyConnection, platform: &Platform) -> Result<(), WorkflowError> {
        platform.audit.record_in(conn, &self.entries)?;
        Ok(())
    }
}

/// Applies `event` caused by `by` to `row`: refuses what the state machine refuses (403 when
/// this role may never cause it, 409 when not now), lets `edit` set deadlines and outcome,
/// writes the state only if nobody changed it meanwhile (else 409), adds the timeline event
/// and re-derives the record's flags. `row` is updated in place.
pub(super) fn advance(
    conn: &mut AnyConnection,
    platform: &Platform,
    cipher: &CellCipher,
    journal: &mut Journal,
    row: &mut ObjectionRow,
    step: (&ObjectionEvent, &By, Option<&str>),
    edit: impl FnOnce(&mut StateChange) -> Result<(), WorkflowError>,
) -> Result<Transition, WorkflowError> {
    let (event, by, note) = step;
    if !event.may_be_caused_by(by.cause) {
        return Err(WorkflowError::forbidden("forbidden_role", "this account's role may not do this"));
    }
    let transition = objection::apply(&state_of(row)?, event, by.cause).map_err(refusal)?;
    let now = platform.clock.now_naive();
    let mut change = row.state();
    change.status = transition.to.status.as_str().to_owned();
    change.extension_used = transition.to.extension_used;
    change.version = row.version + 1;
    change.updated_at = now;
    if let ObjectionStatus::Decided(outcome) = transition.to.status {
        change.outcome = Some(outcome.as_str().to_owned());
    }
    edit(&mut change)?;
    if !rows::update_state(conn, &row.id, row.version, &change)? {
        return Err(WorkflowError::Conflict {
            code: "concurrent_update",
            message: "the objection changed meanwhile; reload it".into(),
        });
    }
    apply_change(row, change);
    timeline(conn, platform, cipher, row, event.as_str(), by, note)?;
    let flags = transition.flags_record_disputed
        || transition.clears_dispute
        || transition.suppresses_record
        || transition.lifts_suppression;
    if flags {
        derive_record_flags(conn, platform, &row.record_id)?;
    }
    journal.note(platform, by, event.as_str(), row);
    Ok(transition)
}

/// Adds an event to the timeline without a state change (filing, reminders) and journals it.
pub(super) fn event_only(
    conn: &mut AnyConnection,
    platform: &Platform,
    cipher: &CellCipher,
    journal: &mut Journal,
    row: &ObjectionRow,
    kind: &str,
    by: &By,
) -> Result<(), WorkflowError> {
    timeline(conn, platform, cipher, row, kind, by, None)?;
    journal.note(platform, by, kind, row);
    Ok(())
}

fn timeline(
    conn: &mut AnyConnection,
    platform: &Platform,
    cipher: &CellCipher,
    row: &ObjectionRow,
    kind: &str,
    by: &By,
    note: Option<&str>,
) -> Result<(), WorkflowError> {
    let id = crate::storage::new_row_id();
    let event = EventRow {
        note_cell: note.map(|n| cipher.seal_str("objection_events", "note", &id, n)).transpose()?,
        seq: rows::next_event_seq(conn, &row.id)?,
        objection_id: row.id.clone(),
        at: platform.clock.now_naive(),
        kind: kind.to_owned(),
        actor_role: by.cause.as_str().to_owned(),
        actor_account_id: by.account_id.clone(),
        status_after: row.status.clone(),
        id,
    };
    Ok(rows::insert_event(conn, &event)?)
}

/// `disputed` while any objection on the record disputes it; `suppressed` while one is overdue
/// and the policy suppresses (other objections on the same record are taken into account), and
/// for good once an objection found it unverifiable under `unverifiable_action = "suppress"`.
pub(super) fn derive_record_flags(
    conn: &mut AnyConnection,
    platform: &Platform,
    record_id: &str,
) -> Result<(), WorkflowError> {
    let policy = &platform.policies.workflow.objection;
    let disputed = rows::count_for_record(conn, record_id, &DISPUTING)? > 0;
    let overdue =
        policy.on_missed_deadline.suppresses_record() && rows::count_for_record(conn, record_id, &["overdue"])? > 0;
    let unverifiable = policy.unverifiable_action == UnverifiableAction::Suppress
        && record_notes::has_annotation(conn, record_id, UNVERIFIABLE)?;
    let suppressed = overdue || unverifiable;
    Ok(records::set_objection_flags(conn, record_id, disputed, suppressed, platform.clock.now_naive())?)
}

fn apply_change(row: &mut ObjectionRow, c: StateChange) {
    row.status = c.status;
    row.version = c.version;
    row.accepted_on = c.accepted_on;
    row.due_on = c.due_on;
    row.due_calendar_version = c.due_calendar_version;
    row.due_estimated = c.due_estimated;
    row.remind_on = c.remind_on;
    row.reminded_at = c.reminded_at;
    row.extension_used = c.extension_used;
    row.complex = c.complex;
    row.outcome = c.outcome;
    row.decided_on = c.decided_on;
    row.review_until = c.review_until;
    row.review_due_on = c.review_due_on;
    row.paused_working_days = c.paused_working_days;
    row.updated_at = c.updated_at;
}

fn refusal(error: DomainError) -> WorkflowError {
    match error {
        DomainError::TransitionRefused { from, event } => WorkflowError::Conflict {
            code: "transition_not_allowed",
            message: format!(
                "an objection that is {} does not allow {}",
                from.replace('_', " "),
                event.replace('_', " ")
            ),
        },
        other => other.into(),
    }
}
