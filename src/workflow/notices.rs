//! E-mail to groups of accounts (objection events, access-log checkpoints), queued in the
//! event's own transaction (the outbox): a message exists iff the event committed. Mail to a subject is sealed under the subject's key (so
//! crypto-shredding the subject erases it too), mail to staff under the platform key. Each
//! message carries a dedupe key built from ids and dates only, per recipient account, so a
//! repeated sweep or a retried transaction queues it once.

use super::{Platform, WorkflowError};
use crate::crypto::CellCipher;
use crate::notify::{Email, Locale};
use crate::storage::AnyConnection;
use crate::storage::contacts::{self, Audience};
use crate::workflow::mail;

/// Who hears of an event.
#[derive(Debug, Clone, Copy)]
pub enum To<'a> {
    /// The subject's accounts.
    Subject(&'a str),
    /// The provider organization's provider accounts.
    Provider(&'a str),
    /// An organization's requester accounts (past recipients of a record).
    Requesters(&'a str),
    Officers,
}

/// Queues `message` for every enabled account of `to`; returns how many were queued (a repeat
/// of `dedupe` queues nothing).
pub fn send(
    conn: &mut AnyConnection,
    platform: &Platform,
    subject_cipher: &CellCipher,
    to: To<'_>,
    message: &dyn Email,
    dedupe: &str,
) -> Result<usize, WorkflowError> {
    let (audience, cipher) = match to {
        To::Subject(id) => (Audience::Subject(id), subject_cipher),
        To::Provider(org) => (Audience::Organization { id: org, role: "provider" }, &platform.keys.platform_cipher),
        To::Requesters(org) => (Audience::Organization { id: org, role: "requester" }, &platform.keys.platform_cipher),
        To::Officers => (Audience::Role("officer"), &platform.keys.platform_cipher),
    };
    let mut queued = 0;
    for (account_id, cell) in contacts::emails(conn, audience)? {
        let address = platform.keys.platform_cipher.open_string("accounts", "email", &account_id, &cell)?;
        let key = format!("{dedupe}:{account_id}");
        let id = mail::enqueue(conn, platform, cipher, message, address.expose_str(), Locale::default(), Some(&key))?;
        queued += usize::from(id.is_some());
    }
    Ok(queued)
}
