//! `POST /objections`: a subject files an objection to one of their records. Filing, acceptance
//! and forwarding to the provider are one transaction (see the module doc of `objections`): the
//! record is disputed when the answer leaves, and the provider's clock has started.

use super::deadline::{days_left, pin_provider_deadline};
use super::transition::{By, Journal, OPEN, advance, event_only};
use super::{Actor, Platform, WorkflowError, text_field};
use crate::domain::Role;
use crate::domain::objection::{ObjectionEvent, ObjectionGround};
use crate::domain::record::RecordStatus;
use crate::notify::message::{NewObjectionForProvider, ObjectionAccepted};
use crate::storage::objections::{self as rows, EvidenceRow, ObjectionRow};
use crate::storage::records;
use crate::workflow::notices::{To, send};
use crate::workflow::subjects;
use serde::Serialize;

/// At most this many evidence files, each at most `MAX_EVIDENCE_BYTES`, together at most
/// `MAX_EVIDENCE_TOTAL` (the web layer's body limit is set to fit them in base64).
pub const MAX_EVIDENCE_FILES: usize = 5;
pub const MAX_EVIDENCE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_EVIDENCE_TOTAL: usize = 4 * 1024 * 1024;

/// A filing as the web layer parsed it (evidence already decoded from base64).
pub struct NewObjection {
    pub record_id: String,
    pub ground: ObjectionGround,
    pub fields: Vec<String>,
    pub statement: String,
    pub evidence: Vec<EvidenceFile>,
}

pub struct EvidenceFile {
    pub name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Serialize)]
pub struct Filed {
    pub id: String,
    pub record_id: String,
    pub status: String,
    pub due_on: String,
    pub days_left: i64,
    pub due_estimated: bool,
}

pub fn file(platform: &Platform, actor: &Actor, request_id: &str, new: NewObjection) -> Result<Filed, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let subject_id = actor.subject()?.to_owned();
    let max = platform.policies.workflow.statement.max_chars as usize;
    let statement = text_field(&new.statement, "statement", max)?;
    check_evidence(&new.evidence)?;
    let mut fields = new.fields.iter().map(|f| f.trim().to_owned()).collect::<Vec<_>>();
    fields.sort();
    fields.dedup();
    if new.ground == ObjectionGround::ErrorOrOmission && fields.is_empty() {
        return Err(WorkflowError::invalid("missing_field", Some("fields"), "name the fields that are wrong"));
    }
    platform.db.transaction(|conn| {
        let not_found = || WorkflowError::NotFound { what: "record" };
        let record =
            records::find(conn, &new.record_id)?.filter(|r| r.subject_id == subject_id).ok_or_else(not_found)?;
        if !RecordStatus::parse(&record.status)?.accepts_changes() {
            let message = "this record was revoked or withdrawn".into();
            return Err(WorkflowError::Conflict { code: "record_closed", message });
        }
        let record_type = platform.policies.catalogue.get(&record.record_type);
        if fields.iter().any(|f| record_type.and_then(|t| t.field(f)).is_none()) {
            return Err(WorkflowError::invalid(
                "unknown_field",
                Some("fields"),
                "a named field is not in this record type",
            ));
        }
        if rows::count_for_record(conn, &record.id, &OPEN)? > 0 {
            let message = "an objection to this record is already open".into();
            return Err(WorkflowError::Conflict { code: "objection_open", message });
        }
        let cipher = subjects::cipher_by_subject(conn, platform, &subject_id)?;
        let (now, today) = (platform.clock.now_naive(), platform.clock.today());
        let id = crate::storage::new_row_id();
        let mut row = ObjectionRow {
            statement_cell: cipher.seal_str("objections", "statement", &id, &statement)?,
            record_id: record.id.clone(),
            subject_id: subject_id.clone(),
            provider_organization_id: record.provider_organization_id.clone(),
            record_version: record.current_version,
            ground: new.ground.as_str().to_owned(),
            fields: serde_json::to_string(&fields).map_err(WorkflowError::internal)?,
            status: "submitted".into(),
            version: 1,
            filed_on: today.to_string(),
            accepted_on: None,
            due_on: None,
            due_calendar_version: None,
            due_estimated: false,
            remind_on: None,
            reminded_at: None,
            extension_used: false,
            complex: false,
            outcome: None,
            decided_on: None,
            review_until: None,
            review_due_on: None,
            created_at: now,
            updated_at: now,
            review_escalated_at: None,
            paused_working_days: 0,
            id,
        };
        rows::insert(conn, &row)?;
        let evidence = new
            .evidence
            .iter()
            .map(|file| {
                let eid = crate::storage::new_row_id();
                Ok(EvidenceRow {
                    name_cell: cipher.seal_str("objection_evidence", "name", &eid, file.name.trim())?,
                    content_cell: cipher.seal("objection_evidence", "content", &eid, &file.content)?,
                    objection_id: row.id.clone(),
                    media_type: file.media_type.trim().to_ascii_lowercase(),
                    size_bytes: file.content.len() as i64,
                    created_at: now,
                    id: eid,
                })
            })
            .collect::<Result<Vec<_>, WorkflowError>>()?;
        rows::insert_evidence(conn, &evidence)?;
        let mut journal = Journal::new(request_id);
        event_only(conn, platform, &cipher, &mut journal, &row, "filed", &By::account(actor))?;
        let system = By::system();
        let base = platform.policies.workflow.objection.provider_decision_working_days;
        let mut due = today;
        advance(conn, platform, &cipher, &mut journal, &mut row, (&ObjectionEvent::Accept, &system, None), |c| {
            c.accepted_on = Some(today.to_string());
            due = pin_provider_deadline(platform, c, today, base, None);
            Ok(())
        })?;
        advance(
            conn,
            platform,
            &cipher,
            &mut journal,
            &mut row,
            (&ObjectionEvent::Forward, &system, None),
            |_| Ok(()),
        )?;
        let record_type = record.record_type.clone();
        let accepted =
            ObjectionAccepted { objection_id: row.id.clone(), record_type: record_type.clone(), due_on: due };
        send(conn, platform, &cipher, To::Subject(&subject_id), &accepted, &format!("accepted:{}", row.id))?;
        let forwarded = NewObjectionForProvider {
            objection_id: row.id.clone(),
            record_id: record.id.clone(),
            record_type,
            ground: new.ground,
            fields: fields.clone(),
            due_on: due,
        };
        let to_provider = To::Provider(&row.provider_organization_id);
        send(conn, platform, &cipher, to_provider, &forwarded, &format!("forwarded:{}", row.id))?;
        journal.commit(conn, platform)?;
        Ok(Filed {
            id: row.id.clone(),
            record_id: row.record_id.clone(),
            status: row.status.clone(),
            due_on: due.to_string(),
            days_left: days_left(platform, due),
            due_estimated: row.due_estimated,
        })
    })
}

fn check_evidence(files: &[EvidenceFile]) -> Result<(), WorkflowError> {
    let invalid = |code, message: &str| WorkflowError::invalid(code, Some("evidence"), message);
    if files.len() > MAX_EVIDENCE_FILES {
        return Err(invalid("too_many_files", "at most 5 evidence files"));
    }
    let mut total = 0;
    for file in files {
        let name = file.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid("invalid_file_name", "each file needs a name of 1 to 200 characters"));
        }
        let media = file.media_type.trim();
        let well_formed = media.len() <= 100
            && media.split_once('/').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
            && media.bytes().all(|b| b.is_ascii_alphanumeric() || b"/.+-".contains(&b));
        if !well_formed {
            return Err(invalid("invalid_media_type", "each file needs a media type such as application/pdf"));
        }
        if file.content.is_empty() || file.content.len() > MAX_EVIDENCE_BYTES {
            return Err(invalid("invalid_file_size", "each file must have 1 byte to 2 MiB"));
        }
        total += file.content.len();
    }
    if total > MAX_EVIDENCE_TOTAL {
        return Err(invalid("evidence_too_large", "the evidence files together must stay under 4 MiB"));
    }
    Ok(())
}
