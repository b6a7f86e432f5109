//! R-20, anomalous volume: "alerts on anomalous volume" of queries. Each pass looks at the last
//! complete clock hour (UTC) of the access log and mails the compliance officers about every
//! organization that made more queries than `audit.query_alert_per_hour` in it, allowed or
//! refused alike (a flood of refusals is probing).
//!
//! Contract: one alert per organization, hour and officer, however many passes or instances
//! run (the outbox's dedupe key is the organization and the hour); the message names the
//! organization and the counts, never a queried subject; a threshold of 0 turns it off. A
//! fixed hour, not a sliding window, so every pass of every instance judges the same rows.
//! Each pass reads the hour's entries through the `at` index (its cost grows with the hour's
//! volume, not the log's size). An hour is checked during the next hour only: if no instance
//! runs a pass then, it is not checked later.

use super::notices::{To, send};
use super::{Platform, WorkflowError};
use crate::notify::message::QueryVolumeAlert;
use crate::storage::{audit_log, organizations};
use chrono::{DurationRound, SecondsFormat, TimeDelta};

/// Checks the last complete hour; returns how many alert messages it queued.
pub fn alert_last_hour(platform: &Platform) -> Result<usize, WorkflowError> {
    let threshold = platform.settings.audit.query_alert_per_hour;
    if threshold <= 0 {
        return Ok(0);
    }
    let to = platform.clock.now().duration_trunc(TimeDelta::hours(1)).map_err(WorkflowError::internal)?;
    let from = to - TimeDelta::hours(1);
    let (start, end) = (from.naive_utc(), to.naive_utc());
    // The connection goes back to the pool before each alert's transaction takes one.
    let busy = audit_log::query_counts_between(&mut *platform.db.get()?, start, end, threshold + 1)?;
    let (from, to) = (from.to_rfc3339_opts(SecondsFormat::Secs, true), to.to_rfc3339_opts(SecondsFormat::Secs, true));
    let mut queued = 0;
    for (organization_id, queries) in busy {
        let key = format!("query_volume:{organization_id}:{}", start.and_utc().timestamp());
        queued += platform.db.transaction(|tx| {
            let organization = organizations::find(tx, &organization_id)?.map(|o| o.name).unwrap_or_default();
            let message = QueryVolumeAlert {
                organization,
                organization_id: organization_id.clone(),
                queries,
                threshold,
                from: from.clone(),
                to: to.clone(),
            };
            send(tx, platform, &platform.keys.platform_cipher, To::Officers, &message, &key)
        })?;
    }
    Ok(queued)
}
