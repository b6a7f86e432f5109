//! Operational figures for `/metrics` (Prometheus text format): access-log writer throughput
//! and failures, outbox backlog and dead letters, objections overdue, decryptions. Counts and
//! codes only: nothing here identifies anyone.

use super::{Platform, WorkflowError};
use crate::storage::{objections, outbox};
use std::fmt::Write;

pub fn render(platform: &Platform) -> Result<String, WorkflowError> {
    let writer = platform.audit.stats();
    let max_attempts = i32::try_from(platform.settings.mail.max_attempts).unwrap_or(i32::MAX);
    let mut conn = platform.db.get()?;
    let pending = outbox::count_pending(&mut conn, max_attempts)?;
    let dead = outbox::count_dead(&mut conn, max_attempts)?;
    let overdue = objections::count_with_status(&mut conn, "overdue")?;
    let mut out = String::with_capacity(1024);
    let mut metric = |name: &str, kind: &str, help: &str, value: String| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    metric(
        "credit_audit_transactions_total",
        "counter",
        "Access-log writer transactions committed.",
        writer.transactions.to_string(),
    );
    metric(
        "credit_audit_entries_total",
        "counter",
        "Access-log entries committed by the writer.",
        writer.entries.to_string(),
    );
    metric(
        "credit_audit_failed_batches_total",
        "counter",
        "Writer batches that could not be committed (their requests got 503).",
        writer.failed_batches.to_string(),
    );
    metric("credit_outbox_pending", "gauge", "E-mails waiting in the outbox.", pending.to_string());
    metric("credit_outbox_undeliverable", "gauge", "E-mails that exhausted their attempts.", dead.to_string());
    metric("credit_objections_overdue", "gauge", "Objections past their deadline and undecided.", overdue.to_string());
    metric(
        "credit_cell_decryptions_total",
        "counter",
        "Encrypted cells opened by this process.",
        crate::crypto::decryptions().to_string(),
    );
    Ok(out)
}
