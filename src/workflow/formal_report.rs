//! The subject's formal credit report: two free per calendar year, on top of the online
//! self-view (`GET /me/records`), which stays free and unlimited. A report holds the subject's
//! records exactly as the self-view shows them (`read_records`) and the query-history section
//! of R-19: every access the subject may see, under the same rules as `GET /me/access-log`
//! (`my_access_log`: others' accesses only, delayed purposes hidden until their time).
//!
//! Contract:
//! - Subject accounts only. The law grants the two free reports to natural persons; the
//!   platform has no paid report, so the same two a year apply to every subject kind.
//! - The year is the calendar year in the platform's time zone (`Clock::today`).
//! - Taking a slot and its access-log entry (`formal_report`, request id = report id) commit
//!   in one write transaction, and the document is released only after that commit: nothing
//!   leaves unlogged, and a refused or failed request leaves neither a slot nor an entry.
//! - A third report in a year is refused with `yearly_report_limit` (429), saying when the next
//!   free one is available; the workflow counts, and the table's unique slot with its CHECK on
//!   the number is the last word when requests race.
//! - Only slots are stored (ids, year, number, time): the document itself is never kept.

use super::access_log::Access;
use super::my_access_log::{self, AccessView};
use super::read_records::{self, RecordView};
use super::{Actor, Platform, WorkflowError};
use crate::audit::Action;
use crate::domain::Role;
use crate::storage::formal_reports::{self, FormalReportRow};
use crate::storage::{StorageError, new_row_id};
use chrono::Datelike;
use serde::Serialize;

/// Free formal reports per subject and calendar year [CRIR 17; SH 34; HN 40]. The migration's
/// CHECK on `number` holds the same bound.
pub const FREE_PER_YEAR: i32 = 2;

/// The code of a lost race for a slot, retried inside `issue` (never answered unless a request
/// loses more races than there are slots, which needs a slot freed and retaken in between).
const SLOT_TAKEN: &str = "formal_report_slot_taken";

/// `POST /me/reports`: the issued report.
#[derive(Debug, Serialize)]
pub struct ReportDocument {
    pub id: String,
    /// `YEAR-N`: the N-th report of that calendar year.
    pub number: String,
    pub issued_at: String,
    pub records: Vec<RecordView>,
    /// Who accessed the subject's information, newest first.
    pub query_history: Vec<AccessView>,
    pub free_reports_left_this_year: i32,
}

/// One issued report as listed (its content is not kept).
#[derive(Debug, Serialize)]
pub struct IssuedReport {
    pub id: String,
    pub number: String,
    pub issued_at: String,
}

/// `GET /me/reports`: this year's reports and what is left.
#[derive(Debug, Serialize)]
pub struct ReportList {
    pub items: Vec<IssuedReport>,
    /// Always null: a year holds at most `FREE_PER_YEAR` reports (DESIGN §8 list shape).
    pub next_cursor: Option<String>,
    pub free_reports_left_this_year: i32,
    /// The number the next report would take (for `issue`'s `expected`), within or past the
    /// year's free reports.
    pub next_number: i32,
}

/// Issues the next report of the year. `expected`, when given, is the number the caller's form
/// showed as next (`ReportList::next_number`): a form sent twice (a reload of the report page)
/// then answers `report_already_issued` instead of spending another free report.
pub fn issue(platform: &Platform, actor: &Actor, expected: Option<i32>) -> Result<ReportDocument, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let subject_id = actor.subject()?.to_owned();
    let year = platform.clock.today().year();
    let mut conn = platform.db.get()?;
    // A cheap early refusal, so a used-up year decrypts nothing; `take_slot` decides for good.
    let taken = formal_reports::in_year(&mut conn, &subject_id, year)?.len();
    check_expected(expected, taken)?;
    if taken >= FREE_PER_YEAR as usize {
        return Err(limit_reached(year));
    }
    // Built before the slot is taken and released only after it commits: a read failure here
    // costs the subject no slot, and nothing leaves before its entry is durable.
    let records = read_records::subject_views(&mut conn, platform, &subject_id)?;
    let query_history = my_access_log::whole_history(&mut conn, platform, actor)?;
    drop(conn);
    let mut attempts_left = FREE_PER_YEAR + 1;
    let row = loop {
        // Lost races are retried: each means another request took a slot, so the count only
        // grows and FREE_PER_YEAR + 1 attempts end in a slot or in the limit.
        attempts_left -= 1;
        match take_slot(platform, actor, &subject_id, year, &records, expected) {
            Err(WorkflowError::Conflict { code: SLOT_TAKEN, .. }) if attempts_left > 0 => continue,
            other => break other?,
        }
    };
    Ok(ReportDocument {
        number: report_number(&row),
        issued_at: rfc3339(&row),
        free_reports_left_this_year: FREE_PER_YEAR - row.number,
        id: row.id,
        records,
        query_history,
    })
}

pub fn list(platform: &Platform, actor: &Actor) -> Result<ReportList, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let year = platform.clock.today().year();
    let rows = formal_reports::in_year(&mut *platform.db.get()?, actor.subject()?, year)?;
    let used = i32::try_from(rows.len()).unwrap_or(FREE_PER_YEAR);
    Ok(ReportList {
        free_reports_left_this_year: (FREE_PER_YEAR - used).max(0),
        next_number: used + 1,
        next_cursor: None,
        items: rows
            .into_iter()
            .map(|row| IssuedReport { number: report_number(&row), issued_at: rfc3339(&row), id: row.id })
            .collect(),
    })
}

/// One write transaction: count the year's reports, take the next number and append the
/// report's access-log entry (what it discloses), so the slot and its entry commit together.
fn take_slot(
    platform: &Platform,
    actor: &Actor,
    subject_id: &str,
    year: i32,
    records: &[RecordView],
    expected: Option<i32>,
) -> Result<FormalReportRow, WorkflowError> {
    platform.db.transaction(|conn| {
        let taken = formal_reports::in_year(conn, subject_id, year)?.len();
        check_expected(expected, taken)?;
        let number = i32::try_from(taken).unwrap_or(FREE_PER_YEAR) + 1;
        if number > FREE_PER_YEAR {
            return Err(limit_reached(year));
        }
        let row = FormalReportRow {
            id: new_row_id(),
            subject_id: subject_id.to_owned(),
            year,
            number,
            issued_at: platform.clock.now_naive(),
        };
        // PostgreSQL (read committed): a concurrent request may have counted the same and
        // committed this number first. The statement failed, so the transaction must roll
        // back: an error, which `issue` retries.
        match formal_reports::insert(conn, &row) {
            Err(StorageError::Duplicate) => {
                return Err(WorkflowError::Conflict {
                    code: SLOT_TAKEN,
                    message: "another report was issued at the same moment; try again".to_owned(),
                });
            }
            other => other?,
        }
        let mut access = Access::new(platform, actor, Action::FormalReport, &row.id);
        access.subject_id = Some(subject_id.to_owned());
        (access.record_ids, access.fields) = read_records::disclosed(records);
        platform.audit.record_in(conn, &[access.allowed()])?;
        Ok(row)
    })
}

/// Refuses a form for a report number already issued: the same form sent again must not take
/// another slot.
fn check_expected(expected: Option<i32>, taken: usize) -> Result<(), WorkflowError> {
    match expected {
        Some(number) if usize::try_from(number).ok() != Some(taken + 1) => Err(WorkflowError::Conflict {
            code: "report_already_issued",
            message: "this report was already issued (the form was sent again); its document is not kept: \
                      ask for a new report from the reports page if you need one"
                .to_owned(),
        }),
        _ => Ok(()),
    }
}

/// The refusal of a third report: when the next free one comes, and nothing about the subject.
fn limit_reached(year: i32) -> WorkflowError {
    WorkflowError::LimitReached {
        code: "yearly_report_limit",
        message: format!(
            "the {FREE_PER_YEAR} free formal credit reports of {year} have been issued; the next free report \
             is available on {}-01-01 (the online view of your records stays free and unlimited)",
            year + 1
        ),
    }
}

fn report_number(row: &FormalReportRow) -> String {
    format!("{}-{}", row.year, row.number)
}

fn rfc3339(row: &FormalReportRow) -> String {
    row.issued_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
