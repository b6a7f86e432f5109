//! Background jobs: explicit loops beside the server. Each job exposes `run_once(platform)`,
//! which does one idempotent pass and reports what it did, so tests drive jobs directly and
//! move the injected clock instead of sleeping. `spawn_every` runs a pass on an interval until
//! shutdown; a failing pass is logged and retried on the next tick.

pub mod checkpoint_mail;
pub mod deadlines;
pub mod query_volume;
pub mod retention;

use crate::workflow::{Platform, WorkflowError};
use std::time::Duration;

/// Runs `pass` every `every` (the first at once) on the blocking pool until the returned
/// handle is aborted.
pub fn spawn_every(
    name: &'static str,
    every: Duration,
    platform: Platform,
    pass: fn(&Platform) -> Result<usize, WorkflowError>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let platform = platform.clone();
            match tokio::task::spawn_blocking(move || pass(&platform)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(done)) => tracing::info!(job = name, done, "job pass"),
                Ok(Err(error)) => tracing::warn!(job = name, code = error.code(), %error, "job pass failed"),
                Err(_) => tracing::warn!(job = name, "job pass was cancelled"),
            }
        }
    })
}
