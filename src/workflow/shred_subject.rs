//! Crypto-shredding: destroying a subject's data key makes every cell sealed under it
//! unreadable, in this database and in every backup of it. Used when retention ends.

use super::{Actor, Platform, WorkflowError, access_log};
use crate::audit::Action;
use crate::domain::Role;
use crate::storage::{keys as key_rows, subjects};

pub fn shred_subject(platform: &Platform, actor: &Actor, subject_id: &str) -> Result<(), WorkflowError> {
    actor.require(&[Role::Admin])?;
    destroy(platform, Some(actor), subject_id)
}

/// The operation itself, for the retention job and the CLI (the platform acts).
pub fn shred(platform: &Platform, subject_id: &str) -> Result<(), WorkflowError> {
    destroy(platform, None, subject_id)
}

fn destroy(platform: &Platform, actor: Option<&Actor>, subject_id: &str) -> Result<(), WorkflowError> {
    let now = platform.clock.now_naive();
    platform.db.transaction(|conn| {
        let subject = subjects::find(conn, subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
        key_rows::destroy_data_key(conn, &subject.data_key_id, now)?;
        let entry = match actor {
            Some(actor) => access_log::change(platform, actor, Action::KeyChange, Some(subject_id), Vec::new()),
            None => access_log::system_change(platform, Action::KeyChange, Some(subject_id)),
        };
        let entry = entry.reason("subject_shredded");
        platform.audit.record_in(conn, &[entry])?;
        Ok(())
    })
}
