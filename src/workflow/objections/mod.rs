//! Objections (DESIGN §7; legal-requirements §3, R-25..R-33): a subject challenges one of their
//! records, the provider decides within working-day deadlines, the subject may ask an officer
//! to re-review, and the sweeper (`sweep`) applies reminders and missed deadlines.
//!
//! Decisions where DESIGN is silent:
//! - Filing is acceptance. The formal review of R-26 has nothing left to check once the request
//!   parsed (record, ground, fields and statement are required and validated), so filing, the
//!   platform's acceptance and the forwarding to the provider are one transaction with three
//!   timeline events (`filed`, `accept`, `forward`): the record is disputed from the moment the
//!   subject gets the answer (R-27, 0 working days). `incomplete` stays in the state machine for
//!   counter filings an officer might enter later.
//! - The provider's deadline is `provider_decision_working_days` (3) counted on the working-day
//!   calendar from the day after acceptance (Civil Code Art. 201); due at the end of `due_on`,
//!   a local date in the platform's time zone. It is computed once and stored with the calendar
//!   versions it used (`due_calendar_version`) and whether a year had no calendar file
//!   (`due_estimated`): editing a calendar file never moves an open deadline.
//! - The one extension adds `extension.working_days` (3) to the pinned due date, never past the
//!   hard cap (7 working days from acceptance); an extension recorded as complex (with approval,
//!   [ZJ 31]) gives the complex cap (20) instead. The added segment is counted on the calendar in
//!   force when the extension is granted, and its version joins the pinned ones.
//! - At most one open objection per record; a second is a 409 naming the open one's state.
//! - The record's flags are derived from its objections after every transition: `disputed`
//!   while any objection on it is accepted, with the provider, overdue or in re-review;
//!   `suppressed` while one is overdue and `workflow.toml` says `suppress`.
//! - A re-review decision names the objection's final outcome in the provider's vocabulary; when
//!   it differs from the provider's, its effect on the record is applied then (a correction
//!   needs `fields`; a withdrawn record cannot be brought back, so only "withdrawn" may confirm it).
//! - Visibility: the subject sees their objections, a provider those against its organization's
//!   records, officers all; anyone else gets a 404, never a 403, so ids cannot be probed.
//!
//! Contract: every transition is one transaction holding the state change (conditional on the
//! version read), its timeline event, the record's flags and effects, the e-mails (outbox) and
//! the access-log entry. Statements, evidence and notes are sealed under the subject's key.

mod deadline;
mod effects;
mod transition;

pub mod decide;
pub mod file;
pub mod inbox;
pub mod pause;
pub mod read;
pub mod review;
pub mod sweep;

use super::{Actor, Platform, WorkflowError};
use crate::domain::Role;
use crate::domain::objection::{ObjectionState, ObjectionStatus};
use crate::storage::AnyConnection;
use crate::storage::objections::{self as rows, ObjectionRow};
use chrono::NaiveDate;

pub use file::{EvidenceFile, NewObjection};
pub use read::{EventView, ObjectionSummary, ObjectionView};

/// The state `apply` needs, read from the row.
fn state_of(row: &ObjectionRow) -> Result<ObjectionState, WorkflowError> {
    let status: ObjectionStatus = row.status.parse().map_err(WorkflowError::internal)?;
    Ok(ObjectionState { status, extension_used: row.extension_used })
}

/// Loads an objection `actor` may see; anything else is "not found".
fn visible(conn: &mut AnyConnection, actor: &Actor, id: &str) -> Result<ObjectionRow, WorkflowError> {
    let not_found = || WorkflowError::NotFound { what: "objection" };
    let row = rows::find(conn, id)?.ok_or_else(not_found)?;
    let sees = match actor.role {
        Role::Subject => actor.subject_id.as_deref() == Some(row.subject_id.as_str()),
        Role::Provider => actor.organization_id.as_deref() == Some(row.provider_organization_id.as_str()),
        Role::Officer => true,
        _ => false,
    };
    if sees { Ok(row) } else { Err(not_found()) }
}

fn parse_date(text: &str) -> Result<NaiveDate, WorkflowError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| WorkflowError::internal("stored date is malformed"))
}

/// A reason or note: trimmed, required, at most `max` characters.
fn text_field(value: &str, field: &str, max: usize) -> Result<String, WorkflowError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(WorkflowError::invalid("missing_field", Some(field), "this field is required"));
    }
    if value.chars().count() > max {
        return Err(WorkflowError::invalid("too_long", Some(field), format!("at most {max} characters")));
    }
    Ok(value.to_owned())
}

/// Longest reason, approval reference or note a provider or officer may give.
const MAX_REASON_CHARS: usize = 2000;
