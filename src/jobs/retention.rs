//! Retention: a record whose disclosure period has ended leaves disclosure. It stays
//! visible to its subject (and to its provider and officers) as `expired`. Idempotent and safe
//! with several instances: one conditional UPDATE.

use crate::storage::records;
use crate::workflow::{Platform, WorkflowError};

/// Expires every active record whose last disclosed day is before today; returns how many.
pub fn run_once(platform: &Platform) -> Result<usize, WorkflowError> {
    let today = platform.clock.today().to_string();
    let now = platform.clock.now_naive();
    Ok(records::expire_before(&mut *platform.db.get()?, &today, now)?)
}
