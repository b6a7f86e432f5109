//! `credit-platform backup FILE`: a consistent copy of the embedded SQLite database, taken
//! while the platform serves (`storage::backup`).
//!
//! Contract: the copy is a new file (an existing one is refused, never overwritten), created
//! readable by its owner only (0600) before a byte is written, and checked by SQLite before
//! this answers; a failed copy is removed. Taking it is an access-log entry (an export of
//! sealed personal data), appended before the copy starts, so the copy holds its own entry.
//! The master key is not in the copy: keys never touch the database, so the key file (or
//! `CREDIT_MASTER_KEY`) is kept separately, and a copy without it is sealed data only.
//! PostgreSQL is refused (`backup_unsupported`): use pg_dump or base backups.

use super::{Platform, WorkflowError, access_log};
use crate::audit::Action;
use crate::storage::{Backend, backup};
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// What a finished backup reports to the operator.
#[derive(Debug)]
pub struct BackupReport {
    pub bytes: u64,
    /// The sequence of the backup's own access-log entry, the last one the copy holds or later.
    pub entry_sequence: i64,
}

pub fn backup(platform: &Platform, to: &Path) -> Result<BackupReport, WorkflowError> {
    if platform.db.backend() != Backend::Sqlite {
        return Err(WorkflowError::Conflict {
            code: "backup_unsupported",
            message: "this command copies the embedded SQLite database; back PostgreSQL up with pg_dump".into(),
        });
    }
    match OpenOptions::new().write(true).create_new(true).mode(0o600).open(to) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(WorkflowError::Conflict {
                code: "backup_exists",
                message: "the backup file exists; name a new one".into(),
            });
        }
        Err(e) => return Err(WorkflowError::internal(e)),
    }
    let copied = copy(platform, to);
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    let entry_sequence = copied?;
    let bytes = std::fs::metadata(to).map_err(WorkflowError::internal)?.len();
    Ok(BackupReport { bytes, entry_sequence })
}

fn copy(platform: &Platform, to: &Path) -> Result<i64, WorkflowError> {
    let entry = access_log::system_change(platform, Action::Export, None).reason("backup");
    let appended = platform.audit.record(entry)?;
    backup::copy_to(&mut *platform.db.get()?, to)?;
    backup::check_copy(to)?;
    Ok(appended.sequence)
}
