//! The objection deadline sweeper (DESIGN §7): reminders one working day before the provider's
//! due date and missed deadlines (overdue, record suppressed per workflow.toml, escalation
//! e-mails). The work and its multi-instance safety live in `workflow::objections::sweep`;
//! this is the job's entry point for `spawn_every` and for tests.

use crate::workflow::objections::sweep;
use crate::workflow::{Platform, WorkflowError};

/// How often the sweeper runs; deadlines are whole days, so a minute is prompt enough.
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// One idempotent pass; returns how many reminders and timeouts it applied.
pub fn run_once(platform: &Platform) -> Result<usize, WorkflowError> {
    let swept = sweep::run_once(platform)?;
    Ok(swept.reminded + swept.overdue)
}
