//! E-mail from use cases: `enqueue` puts a typed message into the outbox inside the use case's
//! transaction, and `Platform` provides what the sender job needs (`notify::OutboxEnv`).
//!
//! Which cipher seals a message: the subject's own (`subjects::cipher_of`) when the recipient
//! is the subject, so crypto-shredding the subject also erases their pending mail; the
//! platform cipher (`platform.keys.platform_cipher`) for staff and organization accounts,
//! whose e-mails are sealed under it already.

use super::{Platform, WorkflowError};
use crate::config::MailSettings;
use crate::crypto::CellCipher;
use crate::notify::{self, Email, Locale, NotifyError, OutboxEnv};
use crate::storage::keys as key_rows;
use crate::storage::{AnyConnection, Database, Timestamp};

/// Queues `message` for `recipient` on `conn`, the caller's open transaction: the mail exists
/// iff the transaction commits. None when `dedupe_key` was used before (sent once).
pub fn enqueue(
    conn: &mut AnyConnection,
    platform: &Platform,
    cipher: &CellCipher,
    message: &dyn Email,
    recipient: &str,
    locale: Locale,
    dedupe_key: Option<&str>,
) -> Result<Option<String>, WorkflowError> {
    let now = platform.clock.now_naive();
    notify::enqueue_in(conn, cipher, now, message, recipient, locale, dedupe_key).map_err(|e| match e {
        NotifyError::InvalidAddress => {
            WorkflowError::invalid("invalid_email", Some("email"), "the recipient's e-mail address is not valid")
        }
        NotifyError::Storage(e) => e.into(),
        other => WorkflowError::internal(format!("notify: {}", other.code())),
    })
}

impl OutboxEnv for Platform {
    fn database(&self) -> &Database {
        &self.db
    }

    fn now(&self) -> Timestamp {
        self.clock.now_naive()
    }

    fn mail_settings(&self) -> &MailSettings {
        &self.settings.mail
    }

    fn cipher(&self, conn: &mut AnyConnection, data_key_id: &str) -> Result<CellCipher, NotifyError> {
        let platform = &self.keys.platform_cipher;
        // Most mail goes to staff: skip the key lookup and unwrap for the platform key.
        if super::keys::key_id_of(data_key_id).ok() == Some(platform.key_id()) {
            return Ok(platform.clone());
        }
        let row = key_rows::find_data_key(conn, data_key_id)?.ok_or(NotifyError::KeyUnavailable)?;
        if row.wrapped.is_none() {
            return Err(NotifyError::KeyUnavailable);
        }
        Ok(self.keys.cipher_for(&row)?)
    }
}
