//! Notify: e-mail through an outbox. A use case renders a typed message (`message`) and
//! writes it, sealed, into the outbox inside its own transaction (`outbox::enqueue_in`), so a
//! message exists if and only if the event it announces committed. The sender job
//! (`sender`) drains the outbox through a `Mailer` (SMTP in production; .eml files by default;
//! memory in unit tests) with retries and capped exponential backoff.
//!
//! Contract: the database holds no address, name or rendered text in clear (recipient,
//! subject and body are cells bound to the outbox row); logs name only the recipient's
//! domain; a message is marked sent only after the transport accepted it. Must not open
//! transactions of its own around an event, know HTTP, or call the workflow layer: what the
//! sender needs from the platform (database, clock, ciphers) comes through `sender::OutboxEnv`.

mod error;

pub mod mailer;
pub mod message;
pub mod outbox;
pub mod sender;

pub use error::NotifyError;
pub use mailer::Mailer;
pub use message::{Email, Locale, Rendered};
pub use outbox::enqueue_in;
pub use sender::{OutboxEnv, Outcome, run_once};
