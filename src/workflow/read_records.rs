//! Reading whole records with their history: the subject reads all of theirs (all fields, all
//! versions, free and unlimited), a provider reads its own organization's records, an officer
//! reads any. Every such read of personal data is an access-log entry (see `audit`).

use super::access_log::{self, Access};
use super::intake::SourceDocument;
use super::{Actor, Platform, WorkflowError, subjects};
use crate::audit::Action;
use crate::crypto::CellCipher;
use crate::domain::Role;
use crate::storage::records::{self, RecordRow, VersionRow};
use crate::storage::{AnyConnection, record_notes};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Serialize)]
pub struct RecordView {
    pub id: String,
    pub record_type: String,
    pub category: String,
    pub status: String,
    pub disputed: bool,
    /// The subject's statement on the record, shown with it wherever it is read.
    pub statement: Option<String>,
    pub disclose_until: Option<String>,
    pub conduct_started_on: Option<String>,
    pub conduct_ended_on: Option<String>,
    pub provider: ProviderView,
    pub version: i32,
    pub versions: Vec<VersionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct VersionView {
    pub version: i32,
    pub change_kind: String,
    pub at: String,
    pub reason: Option<String>,
    pub source_document: Option<SourceDocument>,
    pub fields: BTreeMap<String, String>,
}

/// `GET /me/records`: every record of the subject bound to this account.
pub fn my_records(platform: &Platform, actor: &Actor) -> Result<Vec<RecordView>, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let subject_id = actor.subject()?.to_owned();
    let mut conn = platform.db.get()?;
    let views = subject_views(&mut conn, platform, &subject_id)?;
    drop(conn);
    log_read(platform, actor, Action::SelfView, Some(&subject_id), &views)?;
    Ok(views)
}

/// What the self-view shows of a subject, not yet logged: the caller logs the disclosure
/// (`my_records` on its own, the formal report together with its yearly slot).
pub(super) fn subject_views(
    conn: &mut AnyConnection,
    platform: &Platform,
    subject_id: &str,
) -> Result<Vec<RecordView>, WorkflowError> {
    let rows = records::for_subject(conn, subject_id)?;
    views(conn, platform, rows)
}

/// The record ids and `record_type.field` names a set of whole-record views discloses.
pub(super) fn disclosed(views: &[RecordView]) -> (Vec<String>, Vec<String>) {
    let record_ids = views.iter().map(|v| v.id.clone()).collect();
    let fields = access_log::field_names(views.iter().flat_map(|v| {
        v.versions
            .iter()
            .flat_map(move |version| version.fields.keys().map(move |f| (v.record_type.as_str(), f.as_str())))
    }));
    (record_ids, fields)
}

/// The access-log entry of a whole-record read, durable before the records leave.
fn log_read(
    platform: &Platform,
    actor: &Actor,
    action: Action,
    subject_id: Option<&str>,
    views: &[RecordView],
) -> Result<(), WorkflowError> {
    let mut access = Access::new(platform, actor, action, &crate::storage::new_row_id());
    access.subject_id = subject_id.map(str::to_owned);
    (access.record_ids, access.fields) = disclosed(views);
    access_log::record(platform, access.allowed())
}

/// `GET /records/{id}`: the provider's own record (another's is a 404) or, for officers, any.
pub fn one_record(platform: &Platform, actor: &Actor, record_id: &str) -> Result<RecordView, WorkflowError> {
    actor.require(&[Role::Provider, Role::Officer])?;
    let mut conn = platform.db.get()?;
    let row = match actor.role {
        Role::Provider => records::find_owned(&mut conn, record_id, actor.organization()?)?,
        _ => records::find(&mut conn, record_id)?,
    };
    let row = row.ok_or(WorkflowError::NotFound { what: "record" })?;
    let subject_id = row.subject_id.clone();
    let views = views(&mut conn, platform, vec![row])?;
    drop(conn);
    let action = if actor.role == Role::Officer { Action::OfficerRead } else { Action::ProviderRead };
    log_read(platform, actor, action, Some(&subject_id), &views)?;
    views.into_iter().next().ok_or(WorkflowError::NotFound { what: "record" })
}

/// Decrypts whole records: every version, every field.
pub fn views(
    conn: &mut AnyConnection,
    platform: &Platform,
    rows: Vec<RecordRow>,
) -> Result<Vec<RecordView>, WorkflowError> {
    let record_ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let versions = records::versions_of(conn, &record_ids)?;
    let mut by_record: HashMap<String, Vec<VersionRow>> = HashMap::new();
    for version in versions {
        by_record.entry(version.record_id.clone()).or_default().push(version);
    }
    let providers = provider_views(conn, &rows)?;
    let mut statements: HashMap<String, Vec<u8>> =
        record_notes::statements_for(conn, &record_ids)?.into_iter().collect();
    let mut ciphers: HashMap<String, CellCipher> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if !ciphers.contains_key(&row.subject_id) {
            let subject = crate::storage::subjects::find(conn, &row.subject_id)?
                .ok_or(WorkflowError::NotFound { what: "subject" })?;
            ciphers.insert(row.subject_id.clone(), subjects::cipher_of(conn, platform, &subject)?);
        }
        let cipher = ciphers.get(&row.subject_id).ok_or_else(|| WorkflowError::internal("cipher cache"))?;
        let mut history = Vec::new();
        for version in by_record.remove(&row.id).unwrap_or_default() {
            history.push(version_view(cipher, &version)?);
        }
        let provider = providers.get(&row.provider_organization_id).cloned().unwrap_or(ProviderView {
            id: row.provider_organization_id.clone(),
            name: String::new(),
            kind: String::new(),
        });
        let statement =
            statements.remove(&row.id).map(|cell| super::record_statement::open(cipher, &row.id, &cell)).transpose()?;
        out.push(RecordView {
            statement,
            id: row.id,
            record_type: row.record_type,
            category: row.category,
            status: row.status,
            disputed: row.disputed,
            disclose_until: row.disclose_until,
            conduct_started_on: row.conduct_started_on,
            conduct_ended_on: row.conduct_ended_on,
            provider,
            version: row.current_version,
            versions: history,
        });
    }
    Ok(out)
}

fn provider_views(
    conn: &mut AnyConnection,
    rows: &[RecordRow],
) -> Result<HashMap<String, ProviderView>, WorkflowError> {
    let mut ids: Vec<String> = rows.iter().map(|r| r.provider_organization_id.clone()).collect();
    ids.sort();
    ids.dedup();
    Ok(records::organization_names(conn, &ids)?
        .into_iter()
        .map(|(id, name, kind)| (id.clone(), ProviderView { id, name, kind }))
        .collect())
}

fn version_view(cipher: &CellCipher, version: &VersionRow) -> Result<VersionView, WorkflowError> {
    let reason = version
        .reason_cell
        .as_ref()
        .map(|c| cipher.open_string("record_versions", "reason", &version.id, c).map(|s| s.expose_str().to_owned()))
        .transpose()?;
    let source = cipher.open("record_versions", "source", &version.id, &version.source_cell)?;
    let source_document = serde_json::from_slice(source.expose()).ok();
    let values = super::record_cells::open(cipher, &version.id, version.cells.as_deref(), |_| true)?;
    Ok(VersionView {
        version: version.version,
        change_kind: version.change_kind.clone(),
        at: version.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        reason,
        source_document,
        fields: values,
    })
}

#[derive(Debug, Serialize)]
pub struct RecordSummary {
    pub id: String,
    pub record_type: String,
    pub status: String,
    pub version: i32,
    pub disputed: bool,
    pub disclose_until: Option<String>,
}

/// `GET /records`: a page of the provider's own records, without decrypting anything.
pub fn list_own(
    platform: &Platform,
    actor: &Actor,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<super::manage_accounts::Page<RecordSummary>, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let limit = limit.unwrap_or(50).clamp(1, 500);
    let rows = records::for_provider(&mut *platform.db.get()?, actor.organization()?, after, limit)?;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.id.clone())).flatten();
    let items = rows
        .into_iter()
        .map(|r| RecordSummary {
            id: r.id,
            record_type: r.record_type,
            status: r.status,
            version: r.current_version,
            disputed: r.disputed,
            disclose_until: r.disclose_until,
        })
        .collect();
    Ok(super::manage_accounts::Page { items, next_cursor })
}
