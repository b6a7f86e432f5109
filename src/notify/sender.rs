//! The sender job: an explicit loop of `run_once` passes over the outbox.
//!
//! A pass lists due rows, then for each one: claim it (one conditional UPDATE with a lease),
//! open its cells, compose the message, hand it to the mailer, and only after the transport
//! accepted it mark it sent. A failure keeps the row, counts the attempt and schedules the
//! next one with exponential backoff (30 s doubling, capped at 1 h); a permanent refusal or
//! a cell that no longer opens ends the attempts at once; after `max_attempts` the row stays
//! in the outbox, undeliverable, for the operator. When the server cannot be reached at all,
//! the pass stops instead of failing every row behind the first.
//!
//! Exactly once, and its one edge: the lease (at least 5 minutes, and ten SMTP timeouts)
//! outlives any send, so two instances never hold the same row; but a crash after the server
//! accepted a message and before `mark_sent` committed leaves the row unsent, and after its
//! lease it is sent again. Every copy carries the same Message-ID (`<outbox id@from domain>`),
//! so receiving servers and mail clients that deduplicate on it show it once; the file
//! transport overwrites its own earlier copy.

use super::NotifyError;
use super::mailer::{Mailer, from_mailbox};
use super::outbox::{self as queue, Outgoing};
use crate::config::MailSettings;
use crate::crypto::CellCipher;
use crate::storage::outbox::{self as rows, OutboxRow};
use crate::storage::{AnyConnection, Database, Timestamp};
use chrono::Duration;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, SinglePart};
use std::sync::Arc;
use tokio::sync::watch;

const FIRST_RETRY_SECONDS: i64 = 30;
const MAX_RETRY_SECONDS: i64 = 3600;

/// What the sender needs from the platform; implemented by `workflow::Platform`, so this layer
/// does not depend on the one above it.
pub trait OutboxEnv: Send + Sync {
    fn database(&self) -> &Database;
    /// Now, as stored (naive UTC), from the platform's clock.
    fn now(&self) -> Timestamp;
    fn mail_settings(&self) -> &MailSettings;
    /// The cipher of the data key that sealed a row: the platform's, or a subject's.
    fn cipher(&self, conn: &mut AnyConnection, data_key_id: &str) -> Result<CellCipher, NotifyError>;
}

/// What one pass did. `idle`: nothing was due when it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub sent: usize,
    pub failed: usize,
    pub idle: bool,
}

/// The wait before attempt `attempts + 1`, after `attempts` failures (1, 2, ...).
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(16);
    Duration::seconds((FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS))
}

fn lease(settings: &MailSettings) -> Duration {
    let ten_timeouts = i64::try_from(settings.smtp_timeout_seconds.saturating_mul(10)).unwrap_or(i64::MAX / 2);
    Duration::seconds(ten_timeouts.clamp(300, 86_400))
}

/// One pass over the due rows. Err only when the database fails; a delivery failure is a
/// counted `failed`, recorded on its row.
pub async fn run_once(env: &dyn OutboxEnv, mailer: &Mailer) -> Result<Outcome, NotifyError> {
    let settings = env.mail_settings();
    let max_attempts = i32::try_from(settings.max_attempts).unwrap_or(i32::MAX);
    let from = from_mailbox(settings)?;
    // Unique per pass: a row this pass claimed can only be finished by this pass.
    let claimer = uuid::Uuid::new_v4().to_string();
    let ids =
        rows::due_ids(&mut *env.database().get()?, env.now(), max_attempts, i64::from(settings.batch_size.max(1)))?;
    let mut outcome = Outcome { idle: ids.is_empty(), ..Outcome::default() };
    for id in ids {
        let now = env.now();
        let row = {
            let mut conn = env.database().get()?;
            if !rows::claim(&mut conn, &id, &claimer, now, now + lease(settings))? {
                continue; // another instance took it, or it was sent meanwhile
            }
            let Some(row) = rows::find(&mut conn, &id)? else { continue };
            row
        };
        // No pooled connection is held while the message is on the wire.
        let result = match open_row(env, &row) {
            Ok(outgoing) => send(mailer, &outgoing, &from, now).await.map(|()| outgoing.to.domain().to_owned()),
            Err(e) => Err(e),
        };
        let mut conn = env.database().get()?;
        match result {
            Ok(domain) => {
                if rows::mark_sent(&mut conn, &id, &claimer, env.now())? {
                    tracing::info!(outbox_id = %id, kind = %row.kind, recipient_domain = %domain, "e-mail sent");
                } else {
                    tracing::warn!(outbox_id = %id, "e-mail sent but its claim was lost; it may be sent again");
                }
                outcome.sent += 1;
            }
            Err(error) => {
                outcome.failed += 1;
                let attempts = if error.is_permanent() { max_attempts } else { row.attempts.saturating_add(1) };
                let next = env.now() + backoff(attempts);
                rows::mark_failed(&mut conn, &id, &claimer, attempts, next, error.code())?;
                tracing::warn!(outbox_id = %id, kind = %row.kind, code = error.code(), %error, attempts,
                    gave_up = attempts >= max_attempts, "e-mail not sent");
                if matches!(error, NotifyError::Delivery { connection: true, .. }) {
                    break; // the server is unreachable: the rest would fail the same way
                }
            }
        }
    }
    Ok(outcome)
}

fn open_row(env: &dyn OutboxEnv, row: &OutboxRow) -> Result<Outgoing, NotifyError> {
    let cipher = env.cipher(&mut *env.database().get()?, &row.data_key_id)?;
    queue::open(row, &cipher)
}

async fn send(mailer: &Mailer, outgoing: &Outgoing, from: &Mailbox, now: Timestamp) -> Result<(), NotifyError> {
    let body = Body::new_with_encoding(outgoing.body.expose_str().to_owned(), ContentTransferEncoding::Base64)
        .map_err(|_| NotifyError::Render)?;
    let message = lettre::Message::builder()
        // Stable across retries, so a copy sent twice (see the module docs) can be deduplicated.
        .message_id(Some(format!("<{}@{}>", outgoing.id, from.email.domain())))
        .from(from.clone())
        .to(Mailbox::new(None, outgoing.to.clone()))
        .subject(outgoing.subject.expose_str())
        .date(std::time::SystemTime::from(now.and_utc()))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body))
        .map_err(|_| NotifyError::Render)?;
    mailer.deliver(&outgoing.id, &message).await
}

/// The running job; dropping it stops the loop after the current message.
pub struct SenderHandle {
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SenderHandle {
    /// Stops the loop and waits for the message in flight (at most one SMTP timeout).
    pub fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SenderHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts the loop on its own thread with its own single-threaded runtime: the job's blocking
/// database calls never stall an HTTP worker, and lettre gets the Tokio runtime it needs.
pub fn spawn(env: Arc<dyn OutboxEnv>, mailer: Mailer) -> std::io::Result<SenderHandle> {
    let (stop, stopped) = watch::channel(false);
    let thread = std::thread::Builder::new().name("outbox-sender".into()).spawn(move || {
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(run(env, mailer, stopped)),
            Err(e) => tracing::error!(error = %e, "the outbox sender cannot start"),
        }
    })?;
    Ok(SenderHandle { stop, thread: Some(thread) })
}

/// Passes until stopped: straight on while there is work, else one poll interval of rest.
async fn run(env: Arc<dyn OutboxEnv>, mailer: Mailer, mut stopped: watch::Receiver<bool>) {
    let interval = std::time::Duration::from_secs(env.mail_settings().poll_interval_seconds.max(1));
    tracing::info!(interval_seconds = interval.as_secs(), "outbox sender started");
    loop {
        let pause = match run_once(env.as_ref(), &mailer).await {
            Ok(outcome) if outcome.sent > 0 && outcome.failed == 0 => std::time::Duration::ZERO,
            Ok(_) => interval,
            Err(error) => {
                tracing::error!(code = error.code(), %error, "outbox sender pass failed");
                interval
            }
        };
        if *stopped.borrow() {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            // A stop request, or the handle was dropped.
            _ = stopped.changed() => break,
        }
    }
    tracing::info!("outbox sender stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        let seconds: Vec<i64> = (1..=9).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(seconds, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(i32::MAX).num_seconds(), 3600);
        assert_eq!(backoff(0).num_seconds(), 30);
    }
}
