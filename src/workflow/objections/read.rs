//! Reading objections: `GET /objections` (a page of summaries, nothing decrypted) and
//! `GET /objections/{id}` (the timeline with its notes, the statement, evidence names, the
//! pinned deadline and working days left), and one evidence file. The subject sees their own,
//! a provider those against its organization's records, officers all; others get a 404.
//! Opening one objection (statement, notes, evidence: personal data) is an access-log entry,
//! durable before anything is decrypted; the list decrypts nothing and is not logged. The
//! provider's page also shows what the record holds now for the contested fields (and only
//! those), and its entry then names them.

use super::deadline::days_left;
use super::{Actor, Platform, WorkflowError, parse_date, visible};
use crate::audit::{Action, Decision, NewEntry};
use crate::crypto::CellCipher;
use crate::domain::Role;
use crate::storage::AnyConnection;
use crate::storage::objections::{self as rows, ObjectionRow, Scope};
use crate::storage::records::{self, RecordRow};
use crate::workflow::manage_accounts::Page;
use crate::workflow::{access_log, record_cells, subjects};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct ObjectionSummary {
    pub id: String,
    pub record_id: String,
    pub status: String,
    pub ground: String,
    pub filed_on: String,
    pub due_on: Option<String>,
    pub days_left: Option<i64>,
    pub outcome: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ObjectionView {
    pub id: String,
    pub record_id: String,
    pub record_version: i32,
    pub status: String,
    pub ground: String,
    pub fields: Vec<String>,
    pub statement: String,
    pub filed_on: String,
    pub accepted_on: Option<String>,
    /// The date that counts now: the provider's while it decides, the officer's in re-review.
    pub due_on: Option<String>,
    /// Working days left until the end of `due_on` (negative when overdue); None when closed.
    pub days_left: Option<i64>,
    pub provider_due_on: Option<String>,
    pub calendar_version: Option<String>,
    pub due_estimated: bool,
    pub extension_used: bool,
    pub complex: bool,
    pub outcome: Option<String>,
    pub decided_on: Option<String>,
    pub review_until: Option<String>,
    pub review_due_on: Option<String>,
    pub evidence: Vec<EvidenceView>,
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub at: String,
    pub kind: String,
    pub actor_role: String,
    pub status: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EvidenceView {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
}

/// One evidence file, opened.
pub struct EvidenceContent {
    pub name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

/// The deadline that counts in the objection's status, and working days left until it.
fn current_deadline(platform: &Platform, row: &ObjectionRow) -> Result<(Option<String>, Option<i64>), WorkflowError> {
    let due = match row.status.as_str() {
        "accepted" | "with_provider" | "overdue" => row.due_on.clone(),
        "review_requested" => row.review_due_on.clone(),
        _ => None,
    };
    let left = due.as_deref().map(parse_date).transpose()?.map(|d| days_left(platform, d));
    Ok((due, left))
}

pub fn list(
    platform: &Platform,
    actor: &Actor,
    status: Option<&str>,
    before: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<ObjectionSummary>, WorkflowError> {
    let scope = match actor.role {
        Role::Subject => Scope::Subject(actor.subject()?),
        Role::Provider => Scope::Provider(actor.organization()?),
        Role::Officer => Scope::All,
        _ => return Err(WorkflowError::forbidden("forbidden_role", "this account's role may not do this")),
    };
    let limit = limit.unwrap_or(50).clamp(1, 200);
    let found = rows::list(&mut *platform.db.get()?, scope, status.as_slice(), before, limit)?;
    let next_cursor = (found.len() as i64 == limit).then(|| found.last().map(|r| r.id.clone())).flatten();
    let items = found.into_iter().map(|row| summary(platform, row)).collect::<Result<_, WorkflowError>>()?;
    Ok(Page { items, next_cursor })
}

/// A stored objection as lists show it, with the deadline that counts now.
pub(super) fn summary(platform: &Platform, row: ObjectionRow) -> Result<ObjectionSummary, WorkflowError> {
    let (due_on, days_left) = current_deadline(platform, &row)?;
    Ok(ObjectionSummary {
        id: row.id,
        record_id: row.record_id,
        status: row.status,
        ground: row.ground,
        filed_on: row.filed_on,
        due_on,
        days_left,
        outcome: row.outcome,
    })
}

/// Logs that `actor` opens `row` (self view, provider read, officer read); fails closed.
fn log_read(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    row: &ObjectionRow,
    fields: &[String],
) -> Result<(), WorkflowError> {
    let action = match actor.role {
        Role::Subject => Action::SelfView,
        Role::Provider => Action::ProviderRead,
        _ => Action::OfficerRead,
    };
    let entry =
        NewEntry::new(platform.clock.now_naive(), request_id, action, Decision::Allowed, &platform.policies.version)
            .actor(&actor.account_id, actor.role.as_str(), actor.organization_id.as_deref())
            .subject(&row.subject_id)
            .disclosed(vec![row.record_id.clone()], fields.to_vec())
            .reason(&format!("objection:{}", row.id));
    platform.audit.record(entry)?;
    Ok(())
}

pub fn get(platform: &Platform, actor: &Actor, request_id: &str, id: &str) -> Result<ObjectionView, WorkflowError> {
    Ok(open(platform, actor, request_id, id, false)?.0)
}

/// The contested record's catalogue code and what it holds now for the contested fields.
pub(super) struct Recorded {
    pub record_type: String,
    pub values: BTreeMap<String, String>,
}

/// `get` with the values the record holds now for the contested fields, which whoever
/// decides the objection compares with the statement; no other field is opened, and the
/// entry names the contested fields.
pub(super) fn get_with_recorded(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
) -> Result<(ObjectionView, Recorded), WorkflowError> {
    let (view, recorded) = open(platform, actor, request_id, id, true)?;
    Ok((view, recorded.ok_or_else(|| WorkflowError::internal("the contested record was not read"))?))
}

fn open(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    with_recorded: bool,
) -> Result<(ObjectionView, Option<Recorded>), WorkflowError> {
    let mut conn = platform.db.get()?;
    let row = visible(&mut conn, actor, id)?;
    let contested: Vec<String> = serde_json::from_str(&row.fields).map_err(WorkflowError::internal)?;
    // The record first: its entry names the fields as every entry does, `record_type.field`.
    let record = match with_recorded {
        true => Some(records::find(&mut conn, &row.record_id)?.ok_or(WorkflowError::NotFound { what: "record" })?),
        false => None,
    };
    let disclosed = match &record {
        Some(record) => access_log::field_names(contested.iter().map(|f| (record.record_type.as_str(), f.as_str()))),
        None => Vec::new(),
    };
    log_read(platform, actor, request_id, &row, &disclosed)?;
    let cipher = subjects::cipher_by_subject(&mut conn, platform, &row.subject_id)?;
    let recorded = match record {
        Some(record) => Some(Recorded {
            values: recorded_values(&mut conn, &cipher, &record, &contested)?,
            record_type: record.record_type,
        }),
        None => None,
    };
    let statement = cipher.open_string("objections", "statement", &row.id, &row.statement_cell)?;
    let events = rows::events_of(&mut conn, &row.id)?
        .into_iter()
        .map(|e| {
            let note = e
                .note_cell
                .as_ref()
                .map(|c| cipher.open_string("objection_events", "note", &e.id, c).map(|s| s.expose_str().to_owned()))
                .transpose()?;
            Ok(EventView {
                at: e.at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                kind: e.kind,
                actor_role: e.actor_role,
                status: e.status_after,
                note,
            })
        })
        .collect::<Result<_, WorkflowError>>()?;
    let evidence = rows::evidence_of(&mut conn, &row.id)?
        .into_iter()
        .map(|e| {
            let name = cipher.open_string("objection_evidence", "name", &e.id, &e.name_cell)?;
            Ok(EvidenceView {
                name: name.expose_str().to_owned(),
                id: e.id,
                media_type: e.media_type,
                size_bytes: e.size_bytes,
            })
        })
        .collect::<Result<_, WorkflowError>>()?;
    let (due_on, days_left) = current_deadline(platform, &row)?;
    let view = ObjectionView {
        statement: statement.expose_str().to_owned(),
        fields: contested,
        due_on,
        days_left,
        id: row.id,
        record_id: row.record_id,
        record_version: row.record_version,
        status: row.status,
        ground: row.ground,
        filed_on: row.filed_on,
        accepted_on: row.accepted_on,
        provider_due_on: row.due_on,
        calendar_version: row.due_calendar_version,
        due_estimated: row.due_estimated,
        extension_used: row.extension_used,
        complex: row.complex,
        outcome: row.outcome,
        decided_on: row.decided_on,
        review_until: row.review_until,
        review_due_on: row.review_due_on,
        evidence,
        events,
    };
    Ok((view, recorded))
}

/// The current version's values of `fields` (a field the version lacks is left out).
fn recorded_values(
    conn: &mut AnyConnection,
    cipher: &CellCipher,
    record: &RecordRow,
    fields: &[String],
) -> Result<BTreeMap<String, String>, WorkflowError> {
    let versions = records::versions_of(conn, std::slice::from_ref(&record.id))?;
    let Some(current) = versions.iter().find(|v| v.id == record.current_version_id) else {
        return Ok(BTreeMap::new());
    };
    record_cells::open(cipher, &current.id, current.cells.as_deref(), |name| fields.iter().any(|f| f == name))
}

pub fn evidence(
    platform: &Platform,
    actor: &Actor,
    request_id: &str,
    id: &str,
    evidence_id: &str,
) -> Result<EvidenceContent, WorkflowError> {
    let mut conn = platform.db.get()?;
    let row = visible(&mut conn, actor, id)?;
    let file =
        rows::find_evidence(&mut conn, &row.id, evidence_id)?.ok_or(WorkflowError::NotFound { what: "evidence" })?;
    log_read(platform, actor, request_id, &row, &[])?;
    let cipher = subjects::cipher_by_subject(&mut conn, platform, &row.subject_id)?;
    let name = cipher.open_string("objection_evidence", "name", &file.id, &file.name_cell)?;
    let content = cipher.open("objection_evidence", "content", &file.id, &file.content_cell)?;
    Ok(EvidenceContent {
        name: name.expose_str().to_owned(),
        media_type: file.media_type,
        content: content.expose().to_vec(),
    })
}
