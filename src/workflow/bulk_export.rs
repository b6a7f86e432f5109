//! Four-eyes approval of bulk access-log exports (R-20: "four-eyes approval for bulk exports").
//!
//! An export that names one subject serves a case and goes straight out
//! (`audit_review::start_export`). One that does not spans many subjects' accesses, so:
//! 1. an officer asks for it with its filter (`request`): nothing is exported yet;
//! 2. a second officer approves it (`approve`); the asker can never approve their own;
//! 3. the asker takes the file once, within `APPROVAL_HOURS` of the approval (`start`).
//!
//! Every step, and every refused attempt (a self-approval, a second download, someone else's
//! file), is an access-log entry, so the pair of officers behind each bulk export and any
//! probing around it is on the record. A granted step's entry commits in the same transaction
//! as the state change. The stored filter holds ids and codes only.

use super::audit_review::{self, Selection, refuse_step, step_entry};
use super::{Actor, Platform, WorkflowError};
use crate::audit::{Action, Decision};
use crate::domain::Role;
use crate::storage::Timestamp;
use crate::storage::audit_log::EntryFilter;
use crate::storage::export_approvals::{self as approvals, ExportApprovalRow};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long an approval lets the asker take the file.
pub const APPROVAL_HOURS: i64 = 24;
/// Requests the list shows.
const LISTED: i64 = 100;

/// The filter of a bulk export: the officers' search filter without a subject.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub organization_id: Option<String>,
    pub account_id: Option<String>,
    pub purpose: Option<String>,
    /// `allowed` or `denied`.
    pub decision: Option<String>,
}

/// A request as officers see it.
#[derive(Debug, Serialize)]
pub struct ExportRequestView {
    pub id: String,
    /// `awaiting_approval`, `approved`, `taken` or `expired`.
    pub status: &'static str,
    pub requested_by: String,
    pub requested_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    /// Until when the approved file can be taken.
    pub expires_at: Option<String>,
    pub taken_at: Option<String>,
    pub filter: BulkFilter,
}

fn rfc3339(at: Timestamp) -> String {
    audit_review::rfc3339(at.and_utc())
}

fn view(row: ExportApprovalRow, now: Timestamp) -> Result<ExportRequestView, WorkflowError> {
    let filter: BulkFilter = serde_json::from_str(&row.filter).map_err(WorkflowError::internal)?;
    let expires = row.approved_at.map(|at| at + Duration::hours(APPROVAL_HOURS));
    let status = match (row.approved_at, row.taken_at) {
        (_, Some(_)) => "taken",
        (None, None) => "awaiting_approval",
        (Some(_), None) if expires.is_some_and(|e| e <= now) => "expired",
        (Some(_), None) => "approved",
    };
    Ok(ExportRequestView {
        id: row.id,
        status,
        requested_by: row.requested_by,
        requested_at: rfc3339(row.requested_at),
        approved_by: row.approved_by,
        approved_at: row.approved_at.map(rfc3339),
        expires_at: expires.map(rfc3339),
        taken_at: row.taken_at.map(rfc3339),
        filter,
    })
}

fn require_officer(platform: &Platform, actor: &Actor, request_id: &str, action: Action) -> Result<(), WorkflowError> {
    match actor.require(&[Role::Officer]) {
        Ok(_) => Ok(()),
        Err(error) => Err(refuse_step(platform, actor, request_id, action, error)),
    }
}

/// Asks for a bulk export; returns the request, awaiting a second officer.
pub fn request(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    filter: BulkFilter,
) -> Result<ExportRequestView, WorkflowError> {
    require_officer(platform, actor, request_id, Action::ExportRequested)?;
    if let Some(decision) = &filter.decision
        && Decision::parse(decision).is_none()
    {
        return Err(WorkflowError::invalid("unknown_code", Some("decision"), "unknown decision"));
    }
    let now = platform.clock.now_naive();
    let row = ExportApprovalRow {
        id: crate::storage::new_row_id(),
        requested_by: actor.account_id.clone(),
        filter: serde_json::to_string(&filter).map_err(WorkflowError::internal)?,
        requested_at: now,
        approved_by: None,
        approved_at: None,
        taken_at: None,
    };
    platform.db.transaction(|conn| {
        approvals::insert(conn, &row)?;
        platform.audit.record_in(conn, &[step_entry(platform, actor, request_id, Action::ExportRequested, None)])?;
        Ok::<_, WorkflowError>(())
    })?;
    view(row, now)
}

/// A second officer approves someone else's request.
pub fn approve(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
) -> Result<ExportRequestView, WorkflowError> {
    const ACTION: Action = Action::ExportApproved;
    require_officer(platform, actor, request_id, ACTION)?;
    let now = platform.clock.now_naive();
    let approved = platform.db.transaction(|conn| {
        if !approvals::approve(conn, id, &actor.account_id, now)? {
            return Ok::<_, WorkflowError>(None);
        }
        platform.audit.record_in(conn, &[step_entry(platform, actor, request_id, ACTION, None)])?;
        Ok(approvals::find(conn, id)?)
    })?;
    if let Some(row) = approved {
        return view(row, now);
    }
    let why = match approvals::find(&mut *platform.db.get()?, id)? {
        None => WorkflowError::NotFound { what: "export request" },
        Some(row) if row.requested_by == actor.account_id => WorkflowError::forbidden(
            "four_eyes_required",
            "a bulk export must be approved by an officer other than the one who asked for it",
        ),
        Some(_) => WorkflowError::Conflict {
            code: "already_approved",
            message: "this export request is already approved".into(),
        },
    };
    Err(refuse_step(platform, actor, request_id, ACTION, why))
}

/// The latest requests, newest first (officers). They hold ids and codes, not personal data,
/// so listing them is not itself an entry.
pub fn list(platform: &Platform, actor: &Actor) -> Result<Vec<ExportRequestView>, WorkflowError> {
    actor.require(&[Role::Officer])?;
    let now = platform.clock.now_naive();
    approvals::recent(&mut *platform.db.get()?, LISTED)?.into_iter().map(|row| view(row, now)).collect()
}

/// The asker takes the approved file, once: logs the export and returns its selection.
pub fn start(platform: &Platform, actor: &Actor, request_id: &str, id: &str) -> Result<Selection, WorkflowError> {
    require_officer(platform, actor, request_id, Action::Export)?;
    let now = platform.clock.now_naive();
    let since = now - Duration::hours(APPROVAL_HOURS);
    let taken = platform.db.transaction(|conn| {
        if !approvals::take(conn, id, &actor.account_id, since, now)? {
            return Ok::<_, WorkflowError>(None);
        }
        platform.audit.record_in(conn, &[step_entry(platform, actor, request_id, Action::Export, None)])?;
        Ok(approvals::find(conn, id)?)
    })?;
    if let Some(row) = taken {
        let filter: BulkFilter = serde_json::from_str(&row.filter).map_err(WorkflowError::internal)?;
        return Ok(audit_review::selection_of(EntryFilter {
            from: filter.from.map(|t| t.naive_utc()),
            to: filter.to.map(|t| t.naive_utc()),
            organization_id: filter.organization_id,
            account_id: filter.account_id,
            purpose: filter.purpose,
            decision: filter.decision,
            ..EntryFilter::default()
        }));
    }
    let conflict = |code, message: &str| WorkflowError::Conflict { code, message: message.to_owned() };
    let why = match approvals::find(&mut *platform.db.get()?, id)? {
        None => WorkflowError::NotFound { what: "export request" },
        Some(row) if row.requested_by != actor.account_id => {
            WorkflowError::forbidden("not_requester", "only the officer who asked for this export can take it")
        }
        Some(row) if row.taken_at.is_some() => conflict("export_taken", "this export's file was already taken"),
        Some(row) if row.approved_at.is_none() => {
            conflict("export_not_approved", "this export awaits a second officer's approval")
        }
        Some(_) => conflict("approval_expired", "the approval has expired: ask for the export again"),
    };
    Err(refuse_step(platform, actor, request_id, Action::Export, why))
}
