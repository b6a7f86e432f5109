//! Where a composed message goes: an SMTP relay, a folder of .eml files (the default, so a
//! fresh start needs no mail server), or memory (unit tests).
//!
//! The SMTP transport is lettre's async one over rustls, without its connection pool: one
//! connection per message keeps failure handling simple (a broken pooled connection would
//! fail the next message for a reason that is not its own), and the outbox is not a
//! high-volume path. The .eml folder holds mail in clear, as a mail server's spool would: it
//! is created 0700 and meant for development and single-machine trials.

use super::NotifyError;
use crate::config::{MailSettings, MailTransport, SmtpTls};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `<outbox id>.eml` per message in this folder.
    File(PathBuf),
    Memory(MemoryMailbox),
}

/// What the memory transport received, shared with the test that reads it.
#[derive(Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<Delivered>>>);

/// One message as a transport received it.
#[derive(Clone)]
pub struct Delivered {
    pub to: Vec<String>,
    /// The full RFC 5322 message.
    pub raw: Vec<u8>,
}

impl MemoryMailbox {
    pub fn delivered(&self) -> Vec<Delivered> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The From mailbox of every message, parsed from the settings.
pub fn from_mailbox(settings: &MailSettings) -> Result<Mailbox, NotifyError> {
    settings.from.parse().map_err(|_| NotifyError::Config("mail.from is not a valid address".into()))
}

impl Mailer {
    /// The transport the settings ask for. Checks what can be checked without sending
    /// (addresses, TLS parameters, the folder), so a bad configuration stops start-up.
    pub fn from_settings(settings: &MailSettings, data_dir: &Path) -> Result<Mailer, NotifyError> {
        from_mailbox(settings)?;
        match settings.transport {
            MailTransport::File => {
                let dir = data_dir.join("mail");
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .map_err(|e| NotifyError::Config(format!("cannot create {}: {e}", dir.display())))?;
                Ok(Mailer::File(dir))
            }
            MailTransport::Smtp => Ok(Mailer::Smtp(smtp_transport(settings)?)),
        }
    }

    pub fn memory() -> (Mailer, MemoryMailbox) {
        let mailbox = MemoryMailbox::default();
        (Mailer::Memory(mailbox.clone()), mailbox)
    }

    /// Hands `message` to the transport; Ok means it was accepted (SMTP 250 after DATA, or
    /// the file is on disk under its final name).
    pub async fn deliver(&self, id: &str, message: &Message) -> Result<(), NotifyError> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message.clone()).await?;
                Ok(())
            }
            Mailer::File(dir) => write_eml(dir, id, &message.formatted()),
            Mailer::Memory(mailbox) => {
                let to = message.envelope().to().iter().map(ToString::to_string).collect();
                mailbox.0.lock().unwrap_or_else(|p| p.into_inner()).push(Delivered { to, raw: message.formatted() });
                Ok(())
            }
        }
    }
}

fn smtp_transport(settings: &MailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, NotifyError> {
    let host = settings.smtp_host.trim();
    if host.is_empty() {
        return Err(NotifyError::Config("mail.smtp_host is empty".into()));
    }
    let tls_error = |_| NotifyError::Config("cannot set up TLS for mail.smtp_host".into());
    // The type is spelled out: lettre's builders are generic over the executor (E0283).
    let builder = match settings.smtp_tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(tls_error)?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(tls_error)?,
    };
    let mut builder =
        builder.port(settings.smtp_port).timeout(Some(Duration::from_secs(settings.smtp_timeout_seconds.max(1))));
    if !settings.smtp_username.is_empty() {
        builder = builder
            .credentials(Credentials::new(settings.smtp_username.clone(), settings.smtp_password.expose().clone()));
    }
    Ok(builder.build())
}

/// Writes under a temporary name, syncs, then renames: a reader never sees half a message,
/// and a retry of the same outbox id replaces the file instead of adding a second one.
fn write_eml(dir: &Path, id: &str, bytes: &[u8]) -> Result<(), NotifyError> {
    let io = |_| NotifyError::delivery("file_write", true);
    let temp = dir.join(format!(".{id}.eml.tmp"));
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&temp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    std::fs::rename(&temp, dir.join(format!("{id}.eml"))).map_err(io)
}
