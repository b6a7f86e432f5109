//! What a decided outcome does to the disputed record (legal-requirements §3, "Effect of each
//! outcome"): corrected -> a new record version; withdrawn -> the record is withdrawn with a
//! tombstone and leaves every disclosure; unverifiable -> a permanent annotation, and then what
//! `unverifiable_action` in workflow.toml says: suppressed for good (the default), kept in
//! disclosure, or withdrawn; upheld -> unchanged (the flag is lifted by the transition). Past
//! recipients of a corrected, withdrawn or unverifiable record are told, found in the
//! access log.

use super::transition::{UNVERIFIABLE, derive_record_flags};
use super::{Actor, Platform, WorkflowError};
use crate::domain::objection::Outcome;
use crate::domain::record::ChangeKind;
use crate::notify::message::{RecordChange, RecordCorrectedForRecipient};
use crate::policy::workflow::UnverifiableAction;
use crate::storage::objections::ObjectionRow;
use crate::storage::{AnyConnection, contacts, record_notes, records};
use crate::workflow::change_record;
use crate::workflow::clock::local_offset;
use crate::workflow::intake::SourceDocument;
use crate::workflow::notices::{To, send};
use serde_json::{Map, Value};

/// Applies `outcome` to the objection's record; returns the change past recipients must hear of.
pub(super) fn apply_outcome(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    objection: &ObjectionRow,
    outcome: Outcome,
    fields: Option<Map<String, Value>>,
    reason: &str,
) -> Result<Option<RecordChange>, WorkflowError> {
    let record = records::find(conn, &objection.record_id)?.ok_or(WorkflowError::NotFound { what: "record" })?;
    match outcome {
        Outcome::Upheld => Ok(None),
        Outcome::Corrected => {
            let changes = fields.filter(|f| !f.is_empty()).ok_or_else(|| {
                WorkflowError::invalid("missing_field", Some("fields"), "a correction names the corrected field values")
            })?;
            let changed = change_record::apply_correction(
                conn,
                platform,
                actor,
                &record,
                changes,
                reason,
                ChangeKind::Corrected,
            )?;
            Ok(Some(RecordChange::Corrected { new_version: changed.version }))
        }
        Outcome::WithdrawnEntry => {
            withdraw(conn, platform, actor, objection, &record, reason)?;
            Ok(Some(RecordChange::Withdrawn))
        }
        Outcome::Unverifiable => {
            let now = platform.clock.now_naive();
            let id = crate::storage::new_row_id();
            record_notes::annotate_record(conn, &id, &record.id, &objection.id, UNVERIFIABLE, now)?;
            match platform.policies.workflow.objection.unverifiable_action {
                UnverifiableAction::Annotate => Ok(Some(RecordChange::Unverifiable { withheld: false })),
                UnverifiableAction::Suppress => {
                    // The annotation now keeps the record suppressed whatever else happens to
                    // its objections.
                    derive_record_flags(conn, platform, &record.id)?;
                    Ok(Some(RecordChange::Unverifiable { withheld: true }))
                }
                UnverifiableAction::Delete => {
                    withdraw(conn, platform, actor, objection, &record, reason)?;
                    Ok(Some(RecordChange::Withdrawn))
                }
            }
        }
    }
}

/// Withdraws the record with a tombstone whose basis is the objection decision itself.
fn withdraw(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    objection: &ObjectionRow,
    record: &records::RecordRow,
    reason: &str,
) -> Result<(), WorkflowError> {
    let authority = records::organization_names(conn, std::slice::from_ref(&record.provider_organization_id))?
        .pop()
        .map(|(_, name, _)| name)
        .unwrap_or_default();
    let document = SourceDocument {
        number: format!("objection {}", objection.id),
        date: platform.clock.today().to_string(),
        authority,
    };
    change_record::close(conn, platform, actor, record, &document, reason, ChangeKind::Withdrawn)?;
    Ok(())
}

/// Tells every organization that received the record in the lookback period (access log,
/// allowed queries) that it was corrected or withdrawn: each of its requester accounts, once
/// per objection and change. Returns how many messages were queued.
pub(super) fn notify_recipients(
    conn: &mut AnyConnection,
    platform: &Platform,
    objection: &ObjectionRow,
    change: RecordChange,
) -> Result<usize, WorkflowError> {
    let years = platform.policies.workflow.recipients.lookback_years;
    let now = platform.clock.now_naive();
    let since = now.checked_sub_months(chrono::Months::new(12 * years)).unwrap_or(now);
    let record = records::find(conn, &objection.record_id)?.ok_or(WorkflowError::NotFound { what: "record" })?;
    let today = platform.clock.today();
    let label = match change {
        RecordChange::Corrected { new_version } => format!("corrected-v{new_version}"),
        RecordChange::Withdrawn => "withdrawn".to_owned(),
        RecordChange::Unverifiable { .. } => "unverifiable".to_owned(),
    };
    let mut queued = 0;
    for (organization, received_at) in contacts::recipients_of_record(conn, &record.id, since)? {
        let message = RecordCorrectedForRecipient {
            record_id: record.id.clone(),
            record_type: record.record_type.clone(),
            change,
            changed_on: today,
            received_on: received_at.and_utc().with_timezone(&local_offset()).date_naive(),
        };
        let key = format!("recipient:{}:{label}:{organization}", objection.id);
        // Recipients are staff: their mail is sealed under the platform key, not the subject's.
        let cipher = &platform.keys.platform_cipher;
        queued += send(conn, platform, cipher, To::Requesters(&organization), &message, &key)?;
    }
    Ok(queued)
}
