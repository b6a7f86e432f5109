//! The bridge from use cases to the access log: every read of personal data (queries allowed
//! or denied, subject self-views, provider and officer reads) becomes one `audit::NewEntry`,
//! durable before the data leaves. When the log cannot take the entry the use case fails with
//! 503 `access_log_unavailable` and discloses nothing (fail closed).

use super::{Actor, Platform, WorkflowError};
use crate::audit::{Action, Decision, NewEntry};
use crate::storage::Timestamp;

/// An access being described, completed as the use case learns more.
pub struct Access {
    entry: NewEntry,
    pub subject_id: Option<String>,
    pub record_ids: Vec<String>,
    pub fields: Vec<String>,
}

impl Access {
    /// An access of `action` by `actor`, at the platform's now, under the loaded policy version.
    pub fn new(platform: &Platform, actor: &Actor, action: Action, request_id: &str) -> Access {
        let entry = NewEntry::new(
            platform.clock.now_naive(),
            request_id,
            action,
            Decision::Allowed,
            &platform.policies.version,
        )
        .actor(&actor.account_id, actor.role.as_str(), actor.organization_id.as_deref());
        Access { entry, subject_id: actor.subject_id.clone(), record_ids: Vec::new(), fields: Vec::new() }
    }

    /// A purpose-bound query (its id is the entry's request id).
    pub fn query(
        platform: &Platform,
        actor: &Actor,
        query_id: &str,
        purpose: &str,
        authorization: Option<&str>,
    ) -> Access {
        let mut access = Access::new(platform, actor, Action::Query, query_id);
        access.subject_id = None;
        access.entry = access.entry.purpose(purpose, authorization);
        access
    }

    /// A purpose whose accesses the subject sees only after `days` (investigation secrecy).
    pub fn hide_from_subject_for_days(&mut self, days: u32) {
        if days > 0 {
            let from: Timestamp = self.entry.at + chrono::Duration::days(i64::from(days));
            self.entry = self.entry.clone().visible_from(from);
        }
    }

    fn finish(self, decision: Decision, reason: Option<&str>) -> NewEntry {
        let mut entry = self.entry;
        entry.decision = decision;
        entry.subject_id = self.subject_id;
        entry.record_ids = self.record_ids;
        entry.fields = self.fields;
        if let Some(code) = reason {
            entry = entry.reason(code);
        }
        entry
    }

    pub fn allowed(self) -> NewEntry {
        self.finish(Decision::Allowed, None)
    }

    pub fn denied(self, reason: &str) -> NewEntry {
        self.finish(Decision::Denied, Some(reason))
    }
}

/// Appends the entry and waits until it is durable; any failure is a 503 `audit_unavailable`.
pub fn record(platform: &Platform, entry: NewEntry) -> Result<(), WorkflowError> {
    platform.audit.record(entry)?;
    Ok(())
}

/// An entry for a state change (submission, correction, revocation, account, key or consent
/// change), to be appended with `platform.audit.record_in` inside the change's transaction.
pub fn change(
    platform: &Platform,
    actor: &Actor,
    action: Action,
    subject_id: Option<&str>,
    record_ids: Vec<String>,
) -> NewEntry {
    let mut entry = NewEntry::new(
        platform.clock.now_naive(),
        &crate::storage::new_row_id(),
        action,
        Decision::Allowed,
        &platform.policies.version,
    )
    .actor(&actor.account_id, actor.role.as_str(), actor.organization_id.as_deref())
    .disclosed(record_ids, Vec::new());
    if let Some(subject) = subject_id {
        entry = entry.subject(subject);
    }
    entry
}

/// A change made by the platform itself (jobs, operators' commands): role `system`.
pub fn system_change(platform: &Platform, action: Action, subject_id: Option<&str>) -> NewEntry {
    let entry = NewEntry::new(
        platform.clock.now_naive(),
        &crate::storage::new_row_id(),
        action,
        Decision::Allowed,
        &platform.policies.version,
    );
    match subject_id {
        Some(subject) => entry.subject(subject),
        None => entry,
    }
}

/// Names `record_type.field` of what a set of whole-record views disclosed, for the entry.
pub fn field_names<'a>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut names: Vec<String> = fields.map(|(record_type, field)| format!("{record_type}.{field}")).collect();
    names.sort();
    names.dedup();
    names
}
