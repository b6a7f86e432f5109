//! The anomalous-volume alert: the work lives in `workflow::query_volume`; this is the
//! job's entry point for `spawn_every` and for tests.

use crate::workflow::{Platform, WorkflowError, query_volume};

/// How often the last complete hour is checked: an alert leaves within ten minutes of it.
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

/// One idempotent pass; returns how many alert messages it queued.
pub fn run_once(platform: &Platform) -> Result<usize, WorkflowError> {
    query_volume::alert_last_hour(platform)
}
