//! A provider submits one record (`POST /api/v1/records`), or many (`/records/batch`, the
//! `import` command): valid lines are stored, bad ones are reported and not stored.

use super::intake::{self, CheckedSubmission, StoredRecord, Submission};
use super::intake_store;
use super::{Actor, Platform, WorkflowError};
use crate::domain::Role;
use serde::Serialize;

pub fn submit(platform: &Platform, actor: &Actor, submission: Submission) -> Result<StoredRecord, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let organization = actor.organization()?.to_owned();
    let checked = intake::check(platform, submission)?;
    let mut stored = store_retrying(platform, actor, &organization, std::slice::from_ref(&checked), Size::One)?;
    stored.pop().ok_or_else(|| WorkflowError::internal("nothing stored"))
}

/// One record, or a chunk of a batch (stored on the database's bulk connections).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Size {
    One,
    Chunk,
}

/// Attempts at a chunk whose transaction lost a race to create one of its subjects.
const ATTEMPTS: usize = 5;

/// Stores a chunk in one transaction. On PostgreSQL two transactions may both miss a new
/// subject and both insert it; the loser rolls back whole (`concurrent_update`) and is run
/// again, when its lookup finds the subject the winner committed. (SQLite's writers take the
/// write lock at BEGIN, so there the lookup is never stale.)
fn store_retrying(
    platform: &Platform,
    actor: &Actor,
    organization: &str,
    checked: &[CheckedSubmission],
    size: Size,
) -> Result<Vec<StoredRecord>, WorkflowError> {
    let mut attempt = 1;
    loop {
        let store = |conn: &mut _| intake_store::store_all(conn, platform, actor, organization, checked);
        let outcome = match size {
            Size::One => platform.db.transaction(store),
            Size::Chunk => platform.db.bulk_transaction(store),
        };
        match outcome {
            Err(WorkflowError::Conflict { code: "concurrent_update", .. }) if attempt < ATTEMPTS => attempt += 1,
            outcome => return outcome,
        }
    }
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
    let (mut reports, checked) = check_lines(platform, first_line, lines);
    if checked.is_empty() {
        return Ok(reports);
    }
    let stored = store_retrying(platform, actor, &organization, &checked, Size::Chunk)?;
    platform.db.after_bulk_commit();
    intake_store::drop_elsewhere(checked.len(), checked);
    let mut stored = stored.into_iter();
    for report in reports.iter_mut().filter(|r| r.error.is_none()) {
        report.id = stored.next().map(|s| s.id);
    }
    Ok(reports)
}

/// Lines from which the second half of a chunk is checked on a helper thread.
const PARALLEL_CHECK_FROM: usize = 200;

/// Parses and checks lines (no database): one report per non-blank line, and the submissions
/// that passed, in order. A large chunk is checked in two halves on both cores.
fn check_lines(platform: &Platform, first_line: u64, lines: &[String]) -> (Vec<LineReport>, Vec<CheckedSubmission>) {
    if lines.len() < PARALLEL_CHECK_FROM {
        return check_part(platform, first_line, lines);
    }
    let (front, back) = lines.split_at(lines.len() / 2);
    let back_first = first_line + front.len() as u64;
    let ((mut reports, mut checked), (back_reports, back_checked)) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new().name("intake-check".into());
        let spawned = helper.spawn_scoped(scope, move || check_part(platform, back_first, back));
        let front = check_part(platform, first_line, front);
        let back = match spawned {
            // A panic while checking is a bug; re-raise it on this thread.
            Ok(helper) => helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: check the second half here too.
            Err(_) => check_part(platform, back_first, back),
        };
        (front, back)
    });
    reports.extend(back_reports);
    checked.extend(back_checked);
    (reports, checked)
}

fn check_part(platform: &Platform, first_line: u64, lines: &[String]) -> (Vec<LineReport>, Vec<CheckedSubmission>) {
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
    (reports, checked)
}

fn line_error(error: WorkflowError) -> LineError {
    let field = match &error {
        WorkflowError::Invalid { field, .. } => field.clone(),
        _ => None,
    };
    LineError { code: error.code(), field }
}
