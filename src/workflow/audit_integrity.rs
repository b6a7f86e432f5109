//! The access log's integrity, for officers and operators: verification of the whole chain,
//! the signed checkpoints and the public key that checks them without any secret.
//!
//! Verification reveals no personal data, but it is still logged (`audit_verify`) so the log
//! shows who checked it and when; a refused attempt is logged as denied. Unlike a read, the
//! report is answered even when that entry cannot be appended: a chain broken so badly that
//! nothing can be appended is exactly when the officer needs the report (the failure is logged).

use super::audit_review::{log_access, rfc3339};
use super::manage_accounts::Page;
use super::{Actor, Platform, WorkflowError};
use crate::audit::{Action, Checkpoint, Decision, NewEntry, Progress, Report};
use crate::domain::Role;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CheckpointView {
    pub size: i64,
    /// Hex.
    pub head_mac: String,
    pub at: String,
    /// Base64 of the Ed25519 signature over `statement`.
    pub signature: String,
    /// Base64 of the exact signed bytes (see `audit::checkpoint::statement`).
    pub statement: String,
    pub public_key_id: String,
}

impl From<&Checkpoint> for CheckpointView {
    fn from(c: &Checkpoint) -> Self {
        CheckpointView {
            size: c.size,
            head_mac: c.head_mac.iter().map(|b| format!("{b:02x}")).collect(),
            at: rfc3339(c.at),
            signature: BASE64.encode(&c.signature),
            statement: BASE64.encode(c.statement()),
            public_key_id: c.public_key_id.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub ok: bool,
    pub entries: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad_sequence: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_checkpoint: Option<CheckpointView>,
}

impl From<&Report> for ReportView {
    fn from(r: &Report) -> Self {
        ReportView {
            ok: r.ok,
            entries: r.entries,
            first_bad_sequence: r.first_bad_sequence,
            problem: r.problem.map(|p| p.as_str()),
            last_checkpoint: r.last_checkpoint.as_ref().map(CheckpointView::from),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PublicKeyView {
    pub algorithm: &'static str,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub key_id: String,
}

/// The published checkpoint key: public, so anyone may fetch it.
pub fn public_key(platform: &Platform) -> PublicKeyView {
    let key = platform.audit.public_key();
    PublicKeyView { algorithm: "ed25519", public_key: BASE64.encode(key.bytes), key_id: key.id }
}

/// `GET /audit/verify`: verifies the chain, then logs that an officer did.
pub fn verify(platform: &Platform, actor: &Actor, request_id: &str) -> Result<ReportView, WorkflowError> {
    if actor.role != Role::Officer {
        // Logs the refusal and answers 403.
        log_access(platform, actor, request_id, Action::AuditVerify, None)?;
    }
    let report = platform.audit.verify(&mut |_| {})?;
    if let Err(error) = log_access(platform, actor, request_id, Action::AuditVerify, None) {
        tracing::error!(error = %error, ok = report.ok, "the verification could not be logged");
    }
    Ok(ReportView::from(&report))
}

/// The operator's verification (CLI), logged as the platform's own action.
pub fn verify_as_operator(platform: &Platform, progress: &mut dyn FnMut(Progress)) -> Result<Report, WorkflowError> {
    let report = platform.audit.verify(progress)?;
    let reason = if report.ok { "chain_intact" } else { "chain_broken" };
    let entry = NewEntry::new(
        platform.clock.now_naive(),
        "cli",
        Action::AuditVerify,
        Decision::Allowed,
        &platform.policies.version,
    )
    .reason(reason);
    if let Err(error) = platform.audit.record(entry) {
        tracing::error!(error = %error, ok = report.ok, "the verification could not be logged");
    }
    Ok(report)
}

/// Signed checkpoints, newest first.
pub fn checkpoints(
    platform: &Platform,
    actor: &Actor,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<CheckpointView>, WorkflowError> {
    actor.require(&[Role::Officer])?;
    let before = cursor.map(str::parse::<i64>).transpose().map_err(|_| {
        WorkflowError::invalid("invalid_cursor", Some("cursor"), "the cursor is not one this endpoint returned")
    })?;
    let limit = limit.unwrap_or(50).clamp(1, 500);
    let items = platform.audit.checkpoints(before, limit)?;
    let next_cursor = items.last().filter(|_| items.len() as i64 == limit).map(|c| c.size.to_string());
    Ok(Page { items: items.iter().map(CheckpointView::from).collect(), next_cursor })
}
