//! A provider submits one record (`POST /api/v1/records`), or many (`/records/batch`, the
//! `import` command): valid lines are stored, bad ones are reported and not stored.

use super::intake::{self, StoredRecord, Submission};
use super::{Actor, Platform, WorkflowError};
use crate::domain::Role;
use serde::Serialize;

pub fn submit(platform: &Platform, actor: &Actor, submission: Submission) -> Result<StoredRecord, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let organization = actor.organization()?.to_owned();
    let checked = intake::check(platform, submission)?;
    let mut stored = platform
        .db
        .transaction(|conn| intake::store_all(conn, platform, actor, &organization, std::slice::from_ref(&checked)))?;
    stored.pop().ok_or_else(|| WorkflowError::internal("nothing stored"))
}

/// The outcome of one line of a batch.
#[derive(Debug, Serialize)]
pub struct LineReport {
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<LineError>,
}

#[derive(Debug, Serialize)]
pub struct LineError {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Checks and stores one chunk of NDJSON lines (numbered from `first_line`) in one
/// transaction. Blank lines are skipped. Returns one report per non-blank line, in order.
pub fn submit_lines(
    platform: &Platform,
    actor: &Actor,
    first_line: u64,
    lines: &[String],
) -> Result<Vec<LineReport>, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let organization = actor.organization()?.to_owned();
    let mut reports = Vec::with_capacity(lines.len());
    let mut checked = Vec::with_capacity(lines.len());
    for (offset, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = first_line + offset as u64;
        let outcome = serde_json::from_str::<Submission>(line)
            .map_err(|_| WorkflowError::BadRequest { code: "invalid_line", message: String::new() })
            .and_then(|s| intake::check(platform, s));
        match outcome {
            Ok(c) => {
                checked.push(c);
                reports.push(LineReport { line: number, id: None, error: None });
            }
            Err(e) => reports.push(LineReport { line: number, id: None, error: Some(line_error(e)) }),
        }
    }
    if checked.is_empty() {
        return Ok(reports);
    }
    let stored = platform.db.transaction(|conn| intake::store_all(conn, platform, actor, &organization, &checked))?;
    let mut stored = stored.into_iter();
    for report in reports.iter_mut().filter(|r| r.error.is_none()) {
        report.id = stored.next().map(|s| s.id);
    }
    Ok(reports)
}

fn line_error(error: WorkflowError) -> LineError {
    let field = match &error {
        WorkflowError::Invalid { field, .. } => field.clone(),
        _ => None,
    };
    LineError { code: error.code(), field }
}
