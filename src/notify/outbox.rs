//! Writing to and reading from the outbox. A message is rendered when it is enqueued (the
//! text is what the event said at that moment) and sealed under the cipher the caller passes:
//! the recipient subject's own cipher for mail to a subject, so crypto-shredding the subject
//! also makes their pending mail unreadable, or the platform cipher for staff accounts.

use super::NotifyError;
use super::message::{Email, Locale};
use crate::crypto::{CellCipher, SensitiveString};
use crate::storage::outbox::{self as rows, OutboxRow};
use crate::storage::{AnyConnection, Timestamp};
use lettre::Address;

const TABLE: &str = "outbox";

/// Renders `message` in `locale` and queues it for `recipient`, inside the caller's
/// transaction on `conn` (it commits or rolls back with the event). Returns the outbox id, or
/// None when a message with the same `dedupe_key` was queued before (a sweeper re-running a
/// reminder sends it once). A dedupe key is stored in clear: build it from ids and dates only.
pub fn enqueue_in(
    conn: &mut AnyConnection,
    cipher: &CellCipher,
    now: Timestamp,
    message: &dyn Email,
    recipient: &str,
    locale: Locale,
    dedupe_key: Option<&str>,
) -> Result<Option<String>, NotifyError> {
    // Refuse a bad address now, while the caller can still report it, not at 3 a.m. in the job.
    let recipient: Address = recipient.trim().parse()?;
    let rendered = message.render(locale)?;
    let id = uuid::Uuid::new_v4().to_string();
    let row = OutboxRow {
        kind: message.kind().to_owned(),
        locale: locale.as_str().to_owned(),
        recipient_cell: cipher.seal_str(TABLE, "recipient", &id, recipient.as_ref())?,
        subject_cell: cipher.seal_str(TABLE, "subject", &id, &rendered.subject)?,
        body_cell: cipher.seal_str(TABLE, "body", &id, &rendered.body)?,
        data_key_id: uuid::Uuid::from_bytes(cipher.key_id()).to_string(),
        created_at: now,
        next_attempt_at: now,
        attempts: 0,
        last_error_code: None,
        claimed_by: None,
        claimed_until: None,
        sent_at: None,
        dedupe_key: dedupe_key.map(str::to_owned),
        id,
    };
    Ok(rows::insert(conn, &row)?.then_some(row.id))
}

/// A claimed row, opened for sending. Debug shows neither address nor text.
pub struct Outgoing {
    pub id: String,
    pub kind: String,
    pub to: Address,
    pub subject: SensitiveString,
    pub body: SensitiveString,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outgoing {{ id: {}, kind: {}, to: ***@{} }}", self.id, self.kind, self.to.domain())
    }
}

/// Opens the three cells of `row` with the cipher of its `data_key_id`.
pub fn open(row: &OutboxRow, cipher: &CellCipher) -> Result<Outgoing, NotifyError> {
    let to = cipher.open_string(TABLE, "recipient", &row.id, &row.recipient_cell)?;
    Ok(Outgoing {
        id: row.id.clone(),
        kind: row.kind.clone(),
        to: to.expose_str().parse()?,
        subject: cipher.open_string(TABLE, "subject", &row.id, &row.subject_cell)?,
        body: cipher.open_string(TABLE, "body", &row.id, &row.body_cell)?,
    })
}
