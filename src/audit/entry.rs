//! Access-log entries: what a caller hands in (`NewEntry`), what is read back (`Entry`), and
//! their closed vocabularies. The bytes the MAC chain covers are defined in `canonical.rs`.
use super::AuditError;
use crate::storage::Timestamp;
use crate::storage::audit_log::AuditEntryRow;
use chrono::{DateTime, Utc};

pub use super::canonical::{encode, json_array, to_micros};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary!(
    /// What happened. Reads of personal data and every state change the law asks to trace.
    Action {
        Query => "query",
        SelfView => "self_view",
        ProviderRead => "provider_read",
        OfficerRead => "officer_read",
        Export => "export",
        RecordSubmitted => "record_submitted",
        RecordCorrected => "record_corrected",
        RecordRevoked => "record_revoked",
        ObjectionTransition => "objection_transition",
        AccountChange => "account_change",
        KeyChange => "key_change",
        AuditVerify => "audit_verify",
        AuthorizationChange => "authorization_change",
        ExportRequested => "export_requested",
        ExportApproved => "export_approved",
        FormalReport => "formal_report",
    }
);

vocabulary!(
    Decision {
        Allowed => "allowed",
        Denied => "denied",
    }
);

/// An entry to append; the log assigns its sequence and MACs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// When the access happened (stored to the microsecond, the precision both backends keep).
    pub at: Timestamp,
    pub request_id: String,
    /// None for the platform itself (jobs, CLI).
    pub actor_account_id: Option<String>,
    pub organization_id: Option<String>,
    /// The actor's role, or `system`.
    pub role: String,
    pub action: Action,
    pub purpose: Option<String>,
    pub authorization_id: Option<String>,
    /// The pseudonymous subject row id, never an identifier.
    pub subject_id: Option<String>,
    pub record_ids: Vec<String>,
    /// Names of the fields disclosed, never their values.
    pub fields: Vec<String>,
    pub decision: Decision,
    pub reason_code: Option<String>,
    pub policy_version: String,
    /// A delayed purpose hides the entry from the subject until then.
    pub visible_to_subject_from: Option<Timestamp>,
}

impl NewEntry {
    /// An entry with the mandatory parts; the builder methods below add the rest.
    pub fn new(at: Timestamp, request_id: &str, action: Action, decision: Decision, policy_version: &str) -> Self {
        Self {
            at,
            request_id: request_id.to_owned(),
            actor_account_id: None,
            organization_id: None,
            role: "system".to_owned(),
            action,
            purpose: None,
            authorization_id: None,
            subject_id: None,
            record_ids: Vec::new(),
            fields: Vec::new(),
            decision,
            reason_code: None,
            policy_version: policy_version.to_owned(),
            visible_to_subject_from: None,
        }
    }

    pub fn actor(mut self, account_id: &str, role: &str, organization_id: Option<&str>) -> Self {
        self.actor_account_id = Some(account_id.to_owned());
        self.role = role.to_owned();
        self.organization_id = organization_id.map(str::to_owned);
        self
    }

    pub fn purpose(mut self, purpose: &str, authorization_id: Option<&str>) -> Self {
        self.purpose = Some(purpose.to_owned());
        self.authorization_id = authorization_id.map(str::to_owned);
        self
    }

    pub fn subject(mut self, subject_id: &str) -> Self {
        self.subject_id = Some(subject_id.to_owned());
        self
    }

    pub fn disclosed(mut self, record_ids: Vec<String>, fields: Vec<String>) -> Self {
        self.record_ids = record_ids;
        self.fields = fields;
        self
    }

    pub fn reason(mut self, code: &str) -> Self {
        self.reason_code = Some(code.to_owned());
        self
    }

    pub fn visible_from(mut self, at: Timestamp) -> Self {
        self.visible_to_subject_from = Some(at);
        self
    }
}

/// A stored entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sequence: i64,
    pub at: DateTime<Utc>,
    pub request_id: String,
    pub actor_account_id: Option<String>,
    pub organization_id: Option<String>,
    pub role: String,
    pub action: Action,
    pub purpose: Option<String>,
    pub authorization_id: Option<String>,
    pub subject_id: Option<String>,
    pub record_ids: Vec<String>,
    pub fields: Vec<String>,
    pub decision: Decision,
    pub reason_code: Option<String>,
    pub policy_version: String,
    pub visible_to_subject_from: Option<DateTime<Utc>>,
}

impl TryFrom<AuditEntryRow> for Entry {
    type Error = AuditError;

    fn try_from(row: AuditEntryRow) -> Result<Self, AuditError> {
        let list = |text: &str| serde_json::from_str::<Vec<String>>(text).map_err(|_| AuditError::Malformed("list"));
        Ok(Entry {
            sequence: row.sequence,
            at: row.at.and_utc(),
            action: Action::parse(&row.action).ok_or(AuditError::Malformed("action"))?,
            decision: Decision::parse(&row.decision).ok_or(AuditError::Malformed("decision"))?,
            record_ids: list(&row.record_ids)?,
            fields: list(&row.fields)?,
            request_id: row.request_id,
            actor_account_id: row.actor_account_id,
            organization_id: row.organization_id,
            role: row.role,
            purpose: row.purpose,
            authorization_id: row.authorization_id,
            subject_id: row.subject_id,
            reason_code: row.reason_code,
            policy_version: row.policy_version,
            visible_to_subject_from: row.visible_to_subject_from.map(|t| t.and_utc()),
        })
    }
}

#[cfg(test)]
mod tests;
