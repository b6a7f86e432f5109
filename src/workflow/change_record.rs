//! Changing a record never overwrites it: a correction is a new version with its reason and
//! actor (fields merged over the current version, checked again against the catalogue); a
//! revocation (its basis was revoked, R-06) is a fieldless tombstone version that withdraws the
//! record from every disclosure. Only the providing organization may change its records.

use super::intake::SourceDocument;
use super::{Actor, Platform, WorkflowError, subjects};
use crate::audit::Action;
use crate::crypto::CellCipher;
use crate::domain::record::{ChangeKind, RecordStatus};
use crate::domain::{Role, SubjectKind};
use crate::storage::AnyConnection;
use crate::storage::records::{self, RecordRow, VersionRow};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Serialize)]
pub struct ChangedRecord {
    pub id: String,
    pub version: i32,
    pub status: RecordStatus,
}

/// Loads the provider's own record; another organization's record is a 404, not a 403, so
/// record ids of other providers cannot be probed.
fn own_record(conn: &mut AnyConnection, actor: &Actor, record_id: &str) -> Result<RecordRow, WorkflowError> {
    actor.require(&[Role::Provider])?;
    records::find_owned(conn, record_id, actor.organization()?)?.ok_or(WorkflowError::NotFound { what: "record" })
}

fn open_record(record: &RecordRow) -> Result<RecordStatus, WorkflowError> {
    let status = RecordStatus::parse(&record.status)?;
    if status.accepts_changes() {
        Ok(status)
    } else {
        Err(WorkflowError::Conflict { code: "record_closed", message: "this record was revoked or withdrawn".into() })
    }
}

/// The decrypted fields of a version, as the catalogue check wants them.
pub fn fields_of(cipher: &CellCipher, version: &VersionRow) -> Result<Map<String, Value>, WorkflowError> {
    let values = super::record_cells::open(cipher, &version.id, version.cells.as_deref(), |_| true)?;
    Ok(values.into_iter().map(|(name, value)| (name, Value::String(value))).collect())
}

/// A provider corrects its record: `changes` are merged over the current fields.
pub fn correct(
    platform: &Platform,
    actor: &Actor,
    record_id: &str,
    changes: Map<String, Value>,
    reason: &str,
) -> Result<ChangedRecord, WorkflowError> {
    let reason = non_empty(reason, "reason")?;
    platform.db.transaction(|conn| {
        let record = own_record(conn, actor, record_id)?;
        apply_correction(conn, platform, actor, &record, changes, &reason, ChangeKind::Corrected)
    })
}

/// Writes a corrected version of `record` (also used when an objection is decided "corrected").
pub fn apply_correction(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    record: &RecordRow,
    changes: Map<String, Value>,
    reason: &str,
    kind: ChangeKind,
) -> Result<ChangedRecord, WorkflowError> {
    let status = open_record(record)?;
    let (cipher, subject_kind) = subject_of(conn, platform, &record.subject_id)?;
    let previous = records::versions_of(conn, std::slice::from_ref(&record.id))?;
    let current = previous
        .iter()
        .find(|v| v.id == record.current_version_id)
        .ok_or_else(|| WorkflowError::internal("current version missing"))?;
    let mut merged = fields_of(&cipher, current)?;
    merged.extend(changes);
    let record_type = platform
        .policies
        .catalogue
        .get(&record.record_type)
        .ok_or_else(|| WorkflowError::internal("record type left the catalogue"))?;
    let has_consent = previous.iter().any(|v| v.consent_cell.is_some());
    let checked = record_type.check_fields(subject_kind, &merged, has_consent).map_err(|r| WorkflowError::Invalid {
        code: r.code,
        field: r.field.map(|f| format!("fields.{f}")),
        message: "the corrected fields do not satisfy the record type".into(),
    })?;
    // The basis document carries over to the correction, re-sealed for the new row.
    let source = cipher.open("record_versions", "source", &current.id, &current.source_cell)?;
    let mut version = new_version(&cipher, record, kind, actor, reason, source.expose(), platform)?;
    version.cells = Some(super::record_cells::seal(&cipher, &version.id, &checked)?);
    commit_version(conn, platform, record, &version, status)?;
    log_change(conn, platform, actor, Action::RecordCorrected, record)?;
    Ok(ChangedRecord { id: record.id.clone(), version: version.version, status })
}

/// The provider revokes its record with the revoking document.
pub fn revoke(
    platform: &Platform,
    actor: &Actor,
    record_id: &str,
    document: SourceDocument,
    reason: &str,
) -> Result<ChangedRecord, WorkflowError> {
    let reason = non_empty(reason, "reason")?;
    let document = SourceDocument {
        number: non_empty(&document.number, "source_document.number")?,
        date: chrono::NaiveDate::parse_from_str(document.date.trim(), "%Y-%m-%d")
            .map_err(|_| {
                WorkflowError::invalid("invalid_date", Some("source_document.date"), "dates are written YYYY-MM-DD")
            })?
            .to_string(),
        authority: non_empty(&document.authority, "source_document.authority")?,
    };
    platform.db.transaction(|conn| {
        let record = own_record(conn, actor, record_id)?;
        close(conn, platform, actor, &record, &document, &reason, ChangeKind::Revoked)
    })
}

/// Adds a fieldless closing version (revoked or withdrawn): a tombstone that stays readable to
/// the subject, the provider and officers.
pub fn close(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    record: &RecordRow,
    document: &SourceDocument,
    reason: &str,
    kind: ChangeKind,
) -> Result<ChangedRecord, WorkflowError> {
    open_record(record)?;
    let (cipher, _) = subject_of(conn, platform, &record.subject_id)?;
    let status = if kind == ChangeKind::Withdrawn { RecordStatus::Withdrawn } else { RecordStatus::Revoked };
    let source = serde_json::to_vec(document).map_err(WorkflowError::internal)?;
    let version = new_version(&cipher, record, kind, actor, reason, &source, platform)?;
    commit_version(conn, platform, record, &version, status)?;
    log_change(conn, platform, actor, Action::RecordRevoked, record)?;
    Ok(ChangedRecord { id: record.id.clone(), version: version.version, status })
}

/// The change's access-log entry, appended last inside the change's own transaction.
fn log_change(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    action: Action,
    record: &RecordRow,
) -> Result<(), WorkflowError> {
    let entry = super::access_log::change(platform, actor, action, Some(&record.subject_id), vec![record.id.clone()]);
    platform.audit.record_in(conn, &[entry])?;
    Ok(())
}

fn new_version(
    cipher: &CellCipher,
    record: &RecordRow,
    kind: ChangeKind,
    actor: &Actor,
    reason: &str,
    source: &[u8],
    platform: &Platform,
) -> Result<VersionRow, WorkflowError> {
    let id = crate::storage::new_row_id();
    Ok(VersionRow {
        reason_cell: Some(cipher.seal_str("record_versions", "reason", &id, reason)?),
        source_cell: cipher.seal("record_versions", "source", &id, source)?,
        record_id: record.id.clone(),
        version: record.current_version + 1,
        change_kind: kind.as_str().to_owned(),
        actor_account_id: Some(actor.account_id.clone()),
        consent_cell: None,
        created_at: platform.clock.now_naive().into(),
        cells: None,
        id,
    })
}

/// Inserts the version and moves the record to it; a concurrent change makes this a 409.
fn commit_version(
    conn: &mut AnyConnection,
    platform: &Platform,
    record: &RecordRow,
    version: &VersionRow,
    status: RecordStatus,
) -> Result<(), WorkflowError> {
    records::insert_versions(conn, std::slice::from_ref(version))?;
    let now = platform.clock.now_naive();
    if records::advance(conn, &record.id, record.current_version, (version, status.as_str()), now)? {
        Ok(())
    } else {
        Err(WorkflowError::Conflict {
            code: "concurrent_update",
            message: "the record changed meanwhile; retry".into(),
        })
    }
}

fn subject_of(
    conn: &mut AnyConnection,
    platform: &Platform,
    subject_id: &str,
) -> Result<(CellCipher, SubjectKind), WorkflowError> {
    let subject =
        crate::storage::subjects::find(conn, subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
    let kind = subject.kind.parse()?;
    Ok((subjects::cipher_of(conn, platform, &subject)?, kind))
}

fn non_empty(text: &str, field: &str) -> Result<String, WorkflowError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(WorkflowError::invalid("missing_field", Some(field), "this field is required"));
    }
    if text.chars().count() > 2000 {
        return Err(WorkflowError::invalid("too_long", Some(field), "this field is too long"));
    }
    Ok(text.to_owned())
}
