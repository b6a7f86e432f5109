//! Storing checked submissions (R-01..R-04, R-11): one chunk, one transaction, with the CPU
//! work beside the writes.
//!
//! Every field value, the subject's identifier and name, the source document and the consent
//! reference are sealed under the subject's data key, bound to their rows; a new subject gets
//! a fresh data key; every record becomes an access-log entry. That preparation is about a
//! third of intake and needs no database, while the writes must go through the transaction's
//! one connection. So a chunk of `PIPELINE_FROM` submissions or more is prepared on a scoped
//! thread in parts of `PART` submissions while this thread writes the part before; a smaller
//! chunk (a single `POST /records`) runs the same code inline, without a thread. Either way the
//! database sees the same statements in the same order, and any failure rolls back the whole
//! chunk: the caller's transaction is the only one.

use super::intake::{CheckedSubmission, StoredRecord};
use super::subjects::{self, NewSubjects, SubjectRef, SubjectResolver};
use super::{Actor, Platform, WorkflowError, access_log};
use crate::audit::{Action, NewEntry};
use crate::crypto::CellCipher;
use crate::domain::record::{ChangeKind, RecordStatus};
use crate::storage::records::{self, RecordRow, VersionRow};
use crate::storage::{AnyConnection, Timestamp};
use chrono::NaiveDate;

/// Submissions prepared together and written with one batch statement per table.
const PART: usize = 100;
/// Below this a helper thread costs more than it saves.
const PIPELINE_FROM: usize = 2 * PART;

/// Rows of one part, written in this order: new subjects before the records that refer to them.
#[derive(Default)]
struct Part {
    subjects: NewSubjects,
    records: Vec<RecordRow>,
    versions: Vec<VersionRow>,
    entries: Vec<NewEntry>,
    stored: Vec<StoredRecord>,
}

/// Stores checked submissions of `organization_id` in the caller's transaction.
pub fn store_all(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    organization_id: &str,
    checked: &[CheckedSubmission],
) -> Result<Vec<StoredRecord>, WorkflowError> {
    let wanted: Vec<SubjectRef<'_>> = checked.iter().map(subject_of).collect();
    let found = subjects::lookup_many(conn, platform, &wanted)?;
    let mut preparer = Preparer {
        context: Context {
            platform,
            actor,
            organization_id,
            today: platform.clock.today(),
            now: platform.clock.now_naive(),
        },
        resolver: SubjectResolver::new(platform, found),
    };
    let mut written = Written::default();
    if checked.len() < PIPELINE_FROM {
        for submissions in checked.chunks(PART) {
            written.write(conn, preparer.part(submissions)?)?;
        }
    } else {
        std::thread::scope(|scope| -> Result<(), WorkflowError> {
            let (parts, prepared) = std::sync::mpsc::sync_channel::<Result<Part, WorkflowError>>(2);
            // Named, so that it is recognisable in a thread dump or a profile.
            let helper = std::thread::Builder::new().name("intake-prepare".into());
            helper
                .spawn_scoped(scope, move || {
                    for submissions in checked.chunks(PART) {
                        let part = preparer.part(submissions);
                        let failed = part.is_err();
                        // A closed channel means the writer failed and the chunk is rolled back.
                        if parts.send(part).is_err() || failed {
                            break;
                        }
                    }
                })
                .map_err(WorkflowError::internal)?;
            // Returning early drops the receiver, which stops the helper at its next part.
            for part in prepared {
                written.write(conn, part?)?;
            }
            Ok(())
        })?;
    }
    // Last in the transaction: the chain head stays locked until commit.
    platform.audit.record_in(conn, &written.entries)?;
    drop_elsewhere(checked.len(), (written.spent, written.entries));
    Ok(written.stored)
}

/// Frees the rows of a chunk of `submissions` on a short-lived thread: thousands of small
/// allocations, about 4 % of the storing thread's time, which is the one intake waits for,
/// while the other core has room. A few rows (a single `POST /records`) are not worth a thread
/// and are freed here, as is everything when no thread can be had (a failed spawn drops the
/// closure, and with it `value`, before it returns).
pub(super) fn drop_elsewhere<T: Send + 'static>(submissions: usize, value: T) {
    if submissions < PIPELINE_FROM {
        return;
    }
    let dropper = std::thread::Builder::new().name("intake-free".into());
    let _spawned = dropper.spawn(move || drop(value));
}

fn subject_of(submission: &CheckedSubmission) -> SubjectRef<'_> {
    SubjectRef { kind: submission.subject_kind, identifier: &submission.identifier, name: Some(&submission.name) }
}

/// What the writer has written so far, and the log entries it appends last.
#[derive(Default)]
struct Written {
    entries: Vec<NewEntry>,
    stored: Vec<StoredRecord>,
    /// Rows already inserted, kept to be freed off this thread (`drop_elsewhere`).
    spent: Vec<Part>,
}

impl Written {
    fn write(&mut self, conn: &mut AnyConnection, part: Part) -> Result<(), WorkflowError> {
        subjects::insert_new(conn, &part.subjects)?;
        records::insert_records(conn, &part.records)?;
        records::insert_versions(conn, &part.versions)?;
        let Part { subjects, records, versions, entries, stored } = part;
        self.entries.extend(entries);
        self.stored.extend(stored);
        self.spent.push(Part { subjects, records, versions, ..Part::default() });
        Ok(())
    }
}

/// Everything preparation needs that does not change within a chunk.
struct Context<'a> {
    platform: &'a Platform,
    actor: &'a Actor,
    organization_id: &'a str,
    today: NaiveDate,
    now: Timestamp,
}

struct Preparer<'a> {
    context: Context<'a>,
    resolver: SubjectResolver<'a>,
}

impl Preparer<'_> {
    /// Seals and builds the rows and log entries of some submissions. No database access.
    fn part(&mut self, submissions: &[CheckedSubmission]) -> Result<Part, WorkflowError> {
        let mut part = Part::default();
        for submission in submissions {
            let (subject, cipher) = self.resolver.resolve(&subject_of(submission), &mut part.subjects)?;
            let stored = self.context.rows(&mut part, submission, &subject.id, cipher)?;
            part.entries.push(access_log::change(
                self.context.platform,
                self.context.actor,
                Action::RecordSubmitted,
                Some(&subject.id),
                vec![stored.id.clone()],
            ));
            part.stored.push(stored);
        }
        Ok(part)
    }
}

impl Context<'_> {
    /// The record row and its first version, sealed under the subject's key.
    fn rows(
        &self,
        part: &mut Part,
        submission: &CheckedSubmission,
        subject_id: &str,
        cipher: &CellCipher,
    ) -> Result<StoredRecord, WorkflowError> {
        let record_type = self
            .platform
            .policies
            .catalogue
            .get(&submission.record_type)
            .ok_or_else(|| WorkflowError::internal("checked record type vanished"))?;
        let record_id = crate::storage::new_row_id();
        let version_id = crate::storage::new_row_id();
        let disclose_until = record_type.period.disclose_until(submission.conduct_ended_on, self.today);
        let status = match disclose_until {
            Some(until) if until < self.today => RecordStatus::Expired,
            _ => RecordStatus::Active,
        };
        let source = serde_json::to_vec(&submission.source).map_err(WorkflowError::internal)?;
        part.versions.push(VersionRow {
            id: version_id.clone(),
            record_id: record_id.clone(),
            version: 1,
            change_kind: ChangeKind::Submitted.as_str().to_owned(),
            actor_account_id: Some(self.actor.account_id.clone()),
            reason_cell: None,
            source_cell: cipher.seal("record_versions", "source", &version_id, &source)?,
            consent_cell: submission
                .consent_reference
                .as_deref()
                .map(|c| cipher.seal_str("record_versions", "consent", &version_id, c))
                .transpose()?,
            cells: Some(super::record_cells::seal(cipher, &version_id, &submission.fields)?),
            created_at: self.now.into(),
        });
        let disclose_until = disclose_until.map(|d| d.to_string());
        part.records.push(RecordRow {
            id: record_id.clone(),
            subject_id: subject_id.to_owned(),
            provider_organization_id: self.organization_id.to_owned(),
            record_type: record_type.code.clone(),
            category: record_type.category.as_str().to_owned(),
            disclosure_level: record_type.disclosure_for(submission.subject_kind).as_str().to_owned(),
            status: status.as_str().to_owned(),
            current_version: 1,
            current_version_id: version_id,
            conduct_started_on: submission.conduct_started_on.map(|d| d.to_string()),
            conduct_ended_on: submission.conduct_ended_on.map(|d| d.to_string()),
            disclose_until: disclose_until.clone(),
            disputed: false,
            suppressed: false,
            created_at: self.now.into(),
            updated_at: self.now.into(),
        });
        Ok(StoredRecord { id: record_id, version: 1, status, disclose_until })
    }
}
