//! The notify layer's one error type. No variant carries an address, a name or a rendered
//! text: SMTP servers echo the recipient in their replies, so a transport failure keeps only a
//! stable code and the reply's numeric status, never the server's text.

use crate::crypto::CryptoError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A template failed to render (a bug in a template or a message type).
    #[error("e-mail template failed to render")]
    Render,
    /// The recipient or From address is not a valid e-mail address.
    #[error("invalid e-mail address")]
    InvalidAddress,
    /// The mail settings cannot work (bad From, TLS parameters, file folder).
    #[error("mail configuration: {0}")]
    Config(String),
    /// Delivery failed. `permanent`: the server refused this message for good (5xx), retrying
    /// cannot help. `connection`: the server could not be reached at all, so the rest of the
    /// batch would fail the same way.
    #[error("delivery failed ({code}{})", status.map(|s| format!(", status {s}")).unwrap_or_default())]
    Delivery { code: &'static str, status: Option<u16>, permanent: bool, connection: bool },
    /// The data key that sealed a row is missing or destroyed (a shredded subject).
    #[error("the data key of this message is gone")]
    KeyUnavailable,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("crypto: {}", .0.code())]
    Crypto(#[from] CryptoError),
}

impl NotifyError {
    /// Stable snake_case code, stored as the outbox row's `last_error_code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Render => "template_render",
            Self::InvalidAddress => "invalid_address",
            Self::Config(_) => "mail_config",
            Self::Delivery { code, .. } => code,
            Self::KeyUnavailable => "key_unavailable",
            Self::Storage(_) => "storage",
            Self::Crypto(_) => "undecryptable",
        }
    }

    /// Whether retrying the same row later can succeed.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Delivery { permanent, .. } => *permanent,
            // A cell that does not open (shredded subject, tampering) never will; an unknown
            // master-key version may just be a rotation another instance started.
            Self::Crypto(e) => !matches!(e, CryptoError::UnknownKeyVersion(_) | CryptoError::InvalidMasterKey(_)),
            Self::KeyUnavailable | Self::InvalidAddress | Self::Render => true,
            Self::Config(_) | Self::Storage(_) => false,
        }
    }

    pub(crate) fn delivery(code: &'static str, connection: bool) -> Self {
        Self::Delivery { code, status: None, permanent: false, connection }
    }
}

impl From<askama::Error> for NotifyError {
    fn from(_: askama::Error) -> Self {
        // askama's message may quote a value being rendered; the template is found by kind.
        Self::Render
    }
}

impl From<lettre::address::AddressError> for NotifyError {
    fn from(_: lettre::address::AddressError) -> Self {
        Self::InvalidAddress
    }
}

impl From<lettre::transport::smtp::Error> for NotifyError {
    fn from(e: lettre::transport::smtp::Error) -> Self {
        // Only the classification and the numeric status leave this function: the Display of
        // `e` may quote the server's reply, which often names the recipient.
        let status = e.status().map(u16::from);
        let (code, permanent, connection) = if e.is_permanent() {
            ("smtp_rejected", true, false)
        } else if e.is_transient() {
            ("smtp_transient", false, false)
        } else if e.is_timeout() {
            ("smtp_timeout", false, true)
        } else if e.is_tls() {
            ("smtp_tls", false, true)
        } else {
            ("smtp_unavailable", false, true)
        };
        Self::Delivery { code, status, permanent, connection }
    }
}
