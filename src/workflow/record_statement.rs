//! The subject's statement on a record (R-32; FCRA §1681i(b)-(c)): up to
//! `workflow.toml statement.max_chars` (500) characters, one per record, replaced when the
//! subject writes again, shown with the record in every disclosure (the query answer, the
//! subject's and the provider's views). Sealed under the subject's key, bound to the record id.

use super::{Actor, Platform, WorkflowError, subjects};
use crate::crypto::CellCipher;
use crate::domain::Role;
use crate::domain::record::RecordStatus;
use crate::storage::{record_notes, records};
use serde::Serialize;

const TABLE: &str = "record_statements";
const COLUMN: &str = "statement";

#[derive(Debug, Serialize)]
pub struct Statement {
    pub record_id: String,
    pub statement: String,
}

/// Opens a cell from `storage::record_notes::statements_for` with the record's subject's cipher.
pub fn open(cipher: &CellCipher, record_id: &str, cell: &[u8]) -> Result<String, WorkflowError> {
    Ok(cipher.open_string(TABLE, COLUMN, record_id, cell)?.expose_str().to_owned())
}

/// `POST /records/{id}/statement`: the subject attaches (or replaces) their statement.
pub fn put(platform: &Platform, actor: &Actor, record_id: &str, text: &str) -> Result<Statement, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let subject_id = actor.subject()?.to_owned();
    let max = platform.policies.workflow.statement.max_chars as usize;
    let text = text.trim();
    if text.is_empty() {
        return Err(WorkflowError::invalid("missing_field", Some("statement"), "this field is required"));
    }
    if text.chars().count() > max {
        let message = format!("a statement has at most {max} characters");
        return Err(WorkflowError::invalid("too_long", Some("statement"), message));
    }
    platform.db.transaction(|conn| {
        let record = records::find(conn, record_id)?
            .filter(|r| r.subject_id == subject_id)
            .ok_or(WorkflowError::NotFound { what: "record" })?;
        if !RecordStatus::parse(&record.status)?.accepts_changes() {
            let message = "this record was revoked or withdrawn".into();
            return Err(WorkflowError::Conflict { code: "record_closed", message });
        }
        let subject =
            crate::storage::subjects::find(conn, &subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
        let cipher = subjects::cipher_of(conn, platform, &subject)?;
        let cell = cipher.seal_str(TABLE, COLUMN, &record.id, text)?;
        record_notes::put_statement(conn, &record.id, &subject_id, &cell, platform.clock.now_naive())?;
        Ok(Statement { record_id: record.id, statement: text.to_owned() })
    })
}
