//! Workflow: one file per use case. Each use case takes the `Platform` and an `Actor`, owns its
//! transaction, parses nothing (inputs arrive as domain types or plain DTOs the web layer built)
//! and calls the layers below: domain rules, policy decisions, storage, crypto, audit, notify.
//!
//! Contract: all blocking (diesel, argon2) happens here, so the web layer calls use cases inside
//! `web::block`. Must not know HTTP. Every read of personal data is decided here, and only here
//! are cells decrypted.

mod error;

pub mod access_log;
pub mod actor;
pub mod audit_integrity;
pub mod audit_review;
pub mod authorizations;
pub mod backup;
pub mod bootstrap;
pub mod bulk_export;
pub mod change_record;
pub mod clock;
pub mod formal_report;
pub mod intake;
pub mod intake_store;
pub mod keys;
pub mod login;
pub mod machine_tokens;
pub mod mail;
pub mod manage_accounts;
pub mod metrics;
pub mod my_access_log;
pub mod notices;
pub mod objections;
pub mod platform;
mod query_disclosure;
mod query_reads;
pub mod query_subject;
pub mod query_volume;
pub mod read_records;
pub mod record_cells;
pub mod record_statement;
pub mod rotate_keys;
pub mod shred_subject;
pub mod subjects;
pub mod submit_record;
pub mod token_cache;

pub use actor::Actor;
pub use error::WorkflowError;
pub use platform::Platform;

pub type Result<T> = std::result::Result<T, WorkflowError>;
