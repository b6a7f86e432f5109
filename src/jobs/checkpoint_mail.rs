//! Off-host anchors for the access log (DESIGN §6, anchor-systems B.4): the newest signed
//! checkpoint is mailed to the compliance officers, so that a copy of (size, head MAC,
//! signature) lives outside the database a careless or hostile operator could rewrite.
//! Idempotent and safe with several instances: each message's dedupe key is the checkpoint
//! size and the officer account.
//!
//! Departure from DESIGN §6 ("checkpoints ... also mailed"): not every checkpoint is mailed,
//! only the newest at each pass, and a pass runs every [`INTERVAL`]. Checkpoints are signed
//! every 1,000 entries or minute, which under load is several a second: mailing each (or, as
//! before, the newest twenty each minute) flooded every officer's mailbox with up to 1,200
//! messages an hour, which is how anchors stop being read. One checkpoint pins every entry
//! before it (its head MAC chains them all), so the newest one per hour anchors the whole log
//! up to that hour; every checkpoint stays listed and verifiable through the API.

use crate::notify::message::CheckpointCreated;
use crate::workflow::notices::{To, send};
use crate::workflow::{Platform, WorkflowError};

/// How often the newest checkpoint is mailed: at most one anchor per officer per hour.
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues a notice of the newest checkpoint to every officer who has not had it yet; returns
/// how many were queued.
pub fn run_once(platform: &Platform) -> Result<usize, WorkflowError> {
    let Some(checkpoint) = platform.audit.checkpoints(None, 1)?.into_iter().next() else {
        return Ok(0);
    };
    let message = CheckpointCreated {
        size: u64::try_from(checkpoint.size).unwrap_or(0),
        head_mac_hex: hex(&checkpoint.head_mac),
        signature_hex: hex(&checkpoint.signature),
        public_key_hex: hex(&platform.audit.public_key().bytes),
        created_at: checkpoint.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let key = format!("checkpoint:{}", checkpoint.size);
    platform.db.transaction(|conn| send(conn, platform, &platform.keys.platform_cipher, To::Officers, &message, &key))
}
