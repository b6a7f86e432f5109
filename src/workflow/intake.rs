//! Intake of credit records (R-01..R-04, R-11): a submission is checked against the catalogue
//! without touching the database; `intake_store` then stores whole chunks of checked
//! submissions in one transaction, sealing every field value, the subject's identifier and name,
//! the source document and the consent reference under the subject's data key.
//!
//! Refusals name a stable code and at most a field *name*, never a value.

use super::{Platform, WorkflowError};
use crate::domain::SubjectKind;
use crate::domain::identifier::SubjectIdentifier;
use crate::domain::record::RecordStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A record as providers send it (DESIGN §8), one per request or one per NDJSON line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub record_type: String,
    pub subject: SubjectInput,
    #[serde(default)]
    pub fields: Map<String, Value>,
    pub source_document: SourceDocument,
    pub conduct_started_on: Option<String>,
    pub conduct_ended_on: Option<String>,
    pub consent_reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    pub kind: String,
    pub identifier: String,
    pub name: String,
}

/// The legal document behind a record: its number, date and issuing authority.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    pub number: String,
    pub date: String,
    pub authority: String,
}

/// A submission that passed every check; storing it cannot be refused for its content.
pub struct CheckedSubmission {
    pub record_type: String,
    pub subject_kind: SubjectKind,
    pub identifier: SubjectIdentifier,
    pub name: String,
    pub fields: Vec<(String, String)>,
    pub source: SourceDocument,
    pub conduct_started_on: Option<NaiveDate>,
    pub conduct_ended_on: Option<NaiveDate>,
    pub consent_reference: Option<String>,
}

/// What the provider gets back for a stored record.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRecord {
    pub id: String,
    pub version: i32,
    pub status: RecordStatus,
    pub disclose_until: Option<String>,
}

fn refuse(code: &'static str, field: &str, message: &str) -> WorkflowError {
    WorkflowError::invalid(code, Some(field), message)
}

fn parse_date(raw: &str, field: &str) -> Result<NaiveDate, WorkflowError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| refuse("invalid_date", field, "dates are written YYYY-MM-DD"))
}

fn required_text(raw: &str, field: &str, max_chars: usize) -> Result<String, WorkflowError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(refuse("missing_field", field, "this field is required"));
    }
    if text.chars().count() > max_chars {
        return Err(refuse("too_long", field, "this field is too long"));
    }
    Ok(text.to_owned())
}

/// Checks a submission against the catalogue; no database access.
pub fn check(platform: &Platform, submission: Submission) -> Result<CheckedSubmission, WorkflowError> {
    let record_type = platform
        .policies
        .catalogue
        .get(&submission.record_type)
        .ok_or_else(|| refuse("unknown_record_type", "record_type", "this record type is not in the catalogue"))?;
    let subject_kind: SubjectKind =
        submission.subject.kind.parse().map_err(|e| WorkflowError::from_domain(e, "subject.kind"))?;
    let identifier = SubjectIdentifier::parse_for(subject_kind, &submission.subject.identifier)
        .map_err(|e| WorkflowError::from_domain(e, "subject.identifier"))?;
    let name = required_text(&submission.subject.name, "subject.name", 200)?;
    let has_consent = submission.consent_reference.as_deref().is_some_and(|c| !c.trim().is_empty());
    let fields = record_type.check_fields(subject_kind, &submission.fields, has_consent).map_err(|r| {
        WorkflowError::Invalid {
            code: r.code,
            message: field_refusal_message(r.code).to_owned(),
            // Only a subject-kind refusal names no field.
            field: Some(r.field.map_or_else(|| "subject.kind".to_owned(), |f| format!("fields.{f}"))),
        }
    })?;
    let source = SourceDocument {
        number: required_text(&submission.source_document.number, "source_document.number", 200)?,
        date: parse_date(&submission.source_document.date, "source_document.date")?.to_string(),
        authority: required_text(&submission.source_document.authority, "source_document.authority", 200)?,
    };
    let started = submission.conduct_started_on.as_deref().map(|d| parse_date(d, "conduct_started_on")).transpose()?;
    let ended = submission.conduct_ended_on.as_deref().map(|d| parse_date(d, "conduct_ended_on")).transpose()?;
    if let (Some(s), Some(e)) = (started, ended)
        && e < s
    {
        return Err(refuse("invalid_date", "conduct_ended_on", "the conduct cannot end before it started"));
    }
    Ok(CheckedSubmission {
        record_type: record_type.code.clone(),
        subject_kind,
        identifier,
        name,
        fields,
        source,
        conduct_started_on: started,
        conduct_ended_on: ended,
        consent_reference: submission.consent_reference.filter(|c| !c.trim().is_empty()),
    })
}

fn field_refusal_message(code: &str) -> &'static str {
    match code {
        "missing_field" => "a required field is missing",
        "unknown_field" => "this field is not part of the record type",
        "prohibited_field" => "collecting this kind of information is prohibited",
        "consent_required" => "financial information about a person needs a written consent reference",
        "wrong_subject_kind" => "this record type does not describe subjects of this kind",
        _ => "the field value does not have the type the catalogue requires",
    }
}
