//! Officers reviewing the access log: search with filters and export.
//!
//! Reading the log is itself a read of personal data (who looked at whom), so each search,
//! export and verification is logged (`officer_read`, `export`, `audit_verify`) and committed
//! before anything is answered. Other roles are refused with 403, and the refusal is logged
//! too: probing the log is exactly what a compliance officer wants to see. A subject filter is
//! resolved through the blind index; the entry records the pseudonymous subject id only.

use super::manage_accounts::Page;
use super::{Actor, Platform, WorkflowError, subjects};
use crate::audit::{Action, Decision, Entry, NewEntry};
use crate::domain::identifier::SubjectIdentifier;
use crate::domain::{Role, SubjectKind};
use crate::storage::audit_log::{self, EntryFilter};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// What the web layer parsed from the query string.
#[derive(Default)]
pub struct EntryQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub organization_id: Option<String>,
    pub account_id: Option<String>,
    pub purpose: Option<String>,
    /// `allowed` or `denied`; anything else is a 422.
    pub decision: Option<String>,
    pub subject: Option<SubjectIdentifier>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The subject an officer filters by: its identifier as typed and, optionally, its kind's
/// code (a natural person when absent). Errors name the field, never quote the input.
pub fn subject_filter(identifier: &str, kind: Option<&str>) -> Result<SubjectIdentifier, WorkflowError> {
    let kind = match kind {
        None => SubjectKind::NaturalPerson,
        Some(k) => k.parse().map_err(|e| WorkflowError::from_domain(e, "subject_kind"))?,
    };
    SubjectIdentifier::parse_for(kind, identifier).map_err(|e| WorkflowError::from_domain(e, "subject_identifier"))
}

/// An entry as officers see it (ids and codes only; times RFC 3339 UTC).
#[derive(Debug, Serialize)]
pub struct EntryView {
    pub sequence: i64,
    pub at: String,
    pub request_id: String,
    pub actor_account_id: Option<String>,
    pub organization_id: Option<String>,
    pub role: String,
    pub action: &'static str,
    pub purpose: Option<String>,
    pub authorization_id: Option<String>,
    pub subject_id: Option<String>,
    pub record_ids: Vec<String>,
    pub fields: Vec<String>,
    pub decision: &'static str,
    pub reason_code: Option<String>,
    pub policy_version: String,
    pub visible_to_subject_from: Option<String>,
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        EntryView {
            sequence: e.sequence,
            at: rfc3339(e.at),
            request_id: e.request_id,
            actor_account_id: e.actor_account_id,
            organization_id: e.organization_id,
            role: e.role,
            action: e.action.as_str(),
            purpose: e.purpose,
            authorization_id: e.authorization_id,
            subject_id: e.subject_id,
            record_ids: e.record_ids,
            fields: e.fields,
            decision: e.decision.as_str(),
            reason_code: e.reason_code,
            policy_version: e.policy_version,
            visible_to_subject_from: e.visible_to_subject_from.map(rfc3339),
        }
    }
}

/// A resolved filter; `None` when it names a subject the platform does not know (no entries).
pub struct Selection(Option<EntryFilter>);

/// Logs the officer's access (or the refusal of anyone else) and resolves the filter.
fn open(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    action: Action,
    query: &EntryQuery,
) -> Result<Selection, WorkflowError> {
    let decision = query
        .decision
        .as_deref()
        .map(|d| {
            Decision::parse(d)
                .ok_or_else(|| WorkflowError::invalid("unknown_code", Some("decision"), "unknown decision"))
        })
        .transpose()?;
    let subject_id = match &query.subject {
        Some(identifier) if actor.role == Role::Officer => {
            subjects::find_id(&mut *platform.db.get()?, platform, identifier)?.map(|(id, _)| id)
        }
        _ => None,
    };
    log_access(platform, actor, request_id, action, subject_id.as_deref())?;
    if query.subject.is_some() && subject_id.is_none() {
        return Ok(Selection(None));
    }
    let before = match query.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            WorkflowError::invalid("invalid_cursor", Some("cursor"), "the cursor is not one this endpoint returned")
        })?),
    };
    Ok(Selection(Some(EntryFilter {
        from: query.from.map(|t| t.naive_utc()),
        to: query.to.map(|t| t.naive_utc()),
        organization_id: query.organization_id.clone(),
        account_id: query.account_id.clone(),
        purpose: query.purpose.clone(),
        decision: decision.map(|d| d.as_str().to_owned()),
        subject_id,
        visible_to_subject_at: None,
        before,
    })))
}

/// Records an officer's use of the log; a non-officer's attempt is recorded as denied and
/// refused. Either way the entry is durable before the caller proceeds.
pub fn log_access(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    action: Action,
    subject_id: Option<&str>,
) -> Result<(), WorkflowError> {
    let reason = (actor.role != Role::Officer).then_some("forbidden_role");
    let mut entry = step_entry(platform, actor, request_id, action, reason);
    if let Some(id) = subject_id {
        entry = entry.subject(id);
    }
    platform.audit.record(entry)?;
    actor.require(&[Role::Officer]).map(|_| ())
}

/// The entry of an officer's step on the log (a read, an export, a bulk export's request or
/// approval): allowed, or denied with `reason`.
pub(super) fn step_entry(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    action: Action,
    reason: Option<&str>,
) -> NewEntry {
    let decision = if reason.is_some() { Decision::Denied } else { Decision::Allowed };
    let entry = NewEntry::new(platform.clock.now_naive(), request_id, action, decision, &platform.policies.version)
        .actor(&actor.account_id, actor.role.as_str(), actor.organization_id.as_deref());
    match reason {
        Some(code) => entry.reason(code),
        None => entry,
    }
}

/// Logs a refused step, its error's code as the reason, and returns that error (or the log's
/// own, when it cannot take the entry: then nothing proceeds either).
pub(super) fn refuse_step(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    action: Action,
    error: WorkflowError,
) -> WorkflowError {
    match platform.audit.record(step_entry(platform, actor, request_id, action, Some(error.code()))) {
        Ok(_) => error,
        Err(unlogged) => unlogged.into(),
    }
}

/// One page of entries, newest first.
pub fn search(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    query: EntryQuery,
) -> Result<Page<EntryView>, WorkflowError> {
    let selection = open(platform, actor, request_id, Action::OfficerRead, &query)?;
    next_page(platform, &selection, query.limit.unwrap_or(50).clamp(1, 500)).map(|(page, _)| page)
}

/// A page of entries with the names of the organizations it mentions (id -> name), for
/// people reading the log rather than programs.
pub struct NamedPage {
    pub page: Page<EntryView>,
    pub organization_names: HashMap<String, String>,
}

/// `search`, plus the organization names the portal shows instead of ids.
pub fn search_named(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    query: EntryQuery,
) -> Result<NamedPage, WorkflowError> {
    let page = search(platform, actor, request_id, query)?;
    let mut ids: Vec<String> = page.items.iter().filter_map(|e| e.organization_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let organization_names = crate::storage::records::organization_names(&mut *platform.db.get()?, &ids)?
        .into_iter()
        .map(|(id, name, _kind)| (id, name))
        .collect();
    Ok(NamedPage { page, organization_names })
}

/// Most organizations a filter form lists by name; a larger platform is filtered by id.
const ORGANIZATION_CHOICES: i64 = 2_000;

/// The organizations an officer can filter the log by, as (id, name) sorted by name (officers
/// only). Organization names are not personal data, so listing them is not a log entry.
pub fn organization_choices(platform: &Platform, actor: &Actor) -> Result<Vec<(String, String)>, WorkflowError> {
    actor.require(&[Role::Officer])?;
    let rows = crate::storage::organizations::list(&mut *platform.db.get()?, None, ORGANIZATION_CHOICES)?;
    let mut choices: Vec<(String, String)> = rows.into_iter().map(|o| (o.id, o.name)).collect();
    choices.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(choices)
}

/// Starts an export of one subject's accesses: logs it and returns the selection to page
/// through with `next_page`. An export without a subject filter is refused (and the refusal
/// logged): it goes through `bulk_export`'s four-eyes approval.
pub fn start_export(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    query: EntryQuery,
) -> Result<Selection, WorkflowError> {
    if actor.role == Role::Officer && query.subject.is_none() {
        // Many subjects' accesses at once: four eyes first (`bulk_export`).
        let needs_approval = WorkflowError::forbidden(
            "export_approval_required",
            "an export without a subject filter needs a second officer's approval: ask for it at /audit/exports",
        );
        return Err(refuse_step(platform, actor, request_id, Action::Export, needs_approval));
    }
    open(platform, actor, request_id, Action::Export, &query)
}

/// The selection of an approved bulk export (`bulk_export::start`).
pub(super) fn selection_of(filter: EntryFilter) -> Selection {
    Selection(Some(filter))
}

/// The page after the selection's cursor, and the selection moved past it (None at the end).
pub fn next_page(
    platform: &Platform,
    selection: &Selection,
    limit: i64,
) -> Result<(Page<EntryView>, Option<Selection>), WorkflowError> {
    let Some(filter) = &selection.0 else {
        return Ok((Page { items: Vec::new(), next_cursor: None }, None));
    };
    let rows = audit_log::search(&mut *platform.db.get()?, filter, limit)?;
    let last = rows.last().map(|r| r.sequence).filter(|_| rows.len() as i64 == limit);
    let items = rows.into_iter().map(|r| Entry::try_from(r).map(EntryView::from)).collect::<Result<Vec<_>, _>>()?;
    let next = last.map(|before| Selection(Some(EntryFilter { before: Some(before), ..filter.clone() })));
    Ok((Page { items, next_cursor: last.map(|s| s.to_string()) }, next))
}
