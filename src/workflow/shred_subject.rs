//! Crypto-shredding: destroying a subject's data key makes every cell sealed under it
//! unreadable, in this database and in every backup of it. Used when retention ends.

use super::{Actor, Platform, WorkflowError};
use crate::domain::Role;
use crate::storage::{keys as key_rows, subjects};

pub fn shred_subject(platform: &Platform, actor: &Actor, subject_id: &str) -> Result<(), WorkflowError> {
    actor.require(&[Role::Admin])?;
    shred(platform, subject_id)
}

/// The operation itself, for the retention job and the CLI.
pub fn shred(platform: &Platform, subject_id: &str) -> Result<(), WorkflowError> {
    let now = platform.clock.now_naive();
    platform.db.transaction(|conn| {
        let subject = subjects::find(conn, subject_id)?.ok_or(WorkflowError::NotFound { what: "subject" })?;
        key_rows::destroy_data_key(conn, &subject.data_key_id, now)?;
        Ok(())
    })
}
