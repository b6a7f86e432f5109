//! Off-host anchors for the access log (DESIGN §6, anchor-systems B.4): every signed checkpoint
//! is mailed to the compliance officers, so that a copy of (size, head MAC, signature) lives
//! outside the database a careless or hostile operator could rewrite. Idempotent and safe with
//! several instances: each message's dedupe key is the checkpoint size and the officer account.

use crate::notify::message::CheckpointCreated;
use crate::workflow::notices::{To, send};
use crate::workflow::{Platform, WorkflowError};

/// How many of the newest checkpoints each pass looks at (older ones were mailed already, or
/// predate the officers' accounts).
const RECENT: i64 = 20;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues a notice of each recent checkpoint to every officer; returns how many were queued.
pub fn run_once(platform: &Platform) -> Result<usize, WorkflowError> {
    let checkpoints = platform.audit.checkpoints(None, RECENT)?;
    let public_key = hex(&platform.audit.public_key().bytes);
    let mut queued = 0;
    for checkpoint in checkpoints {
        let message = CheckpointCreated {
            size: u64::try_from(checkpoint.size).unwrap_or(0),
            head_mac_hex: hex(&checkpoint.head_mac),
            signature_hex: hex(&checkpoint.signature),
            public_key_hex: public_key.clone(),
            created_at: checkpoint.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        let key = format!("checkpoint:{}", checkpoint.size);
        queued += platform
            .db
            .transaction(|conn| send(conn, platform, &platform.keys.platform_cipher, To::Officers, &message, &key))?;
    }
    Ok(queued)
}
