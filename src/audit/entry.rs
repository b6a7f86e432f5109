//! Access-log entries: what a caller hands in (`NewEntry`), what is read back (`Entry`), their
//! closed vocabularies, and the canonical binary encoding the MAC chain is computed over.
//!
//! The canonical encoding is ours, not serde's, so no library upgrade can change it:
//! a format tag, then every column but the MACs in a fixed order, each fixed-width
//! (sequence, times as big-endian i64 microseconds) or length-prefixed (u32 big-endian length,
//! then the UTF-8 bytes); an optional column is a 0 byte when absent, or a 1 byte and its
//! value. Record ids and field names enter as the stored canonical JSON text, which
//! `json_array` writes with its own fixed escaping rules.

use super::AuditError;
use crate::storage::Timestamp;
use crate::storage::audit_log::AuditEntryRow;
use chrono::{DateTime, Utc};

/// Identifies the encoding; a new layout gets a new tag and old entries keep verifying.
const FORMAT_TAG: &[u8; 8] = b"audit\x00v1";

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

/// Cuts a time to whole microseconds, so what is MACed is exactly what both backends store.
pub fn to_micros(at: Timestamp) -> Timestamp {
    DateTime::from_timestamp_micros(at.and_utc().timestamp_micros()).map_or(at, |t| t.naive_utc())
}

/// `["a","b"]` with our own escaping: `"` and `\` are backslash-escaped, control characters
/// are `\u00XX`, everything else is copied. Valid JSON, and the same bytes forever.
pub fn json_array(items: &[String]) -> String {
    let mut out = String::with_capacity(2 + items.iter().map(|i| i.len() + 3).sum::<usize>());
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

/// Appends the canonical encoding of a stored entry's columns to `out` (which the caller
/// clears and reuses, so encoding allocates nothing once the buffer has grown).
pub fn encode(row: &AuditEntryRow, out: &mut Vec<u8>) {
    out.extend_from_slice(FORMAT_TAG);
    out.extend_from_slice(&row.sequence.to_be_bytes());
    out.extend_from_slice(&row.at.and_utc().timestamp_micros().to_be_bytes());
    text(out, &row.request_id);
    optional(out, row.actor_account_id.as_deref());
    optional(out, row.organization_id.as_deref());
    text(out, &row.role);
    text(out, &row.action);
    optional(out, row.purpose.as_deref());
    optional(out, row.authorization_id.as_deref());
    optional(out, row.subject_id.as_deref());
    text(out, &row.record_ids);
    text(out, &row.fields);
    text(out, &row.decision);
    optional(out, row.reason_code.as_deref());
    text(out, &row.policy_version);
    match row.visible_to_subject_from {
        None => out.push(0),
        Some(t) => {
            out.push(1);
            out.extend_from_slice(&t.and_utc().timestamp_micros().to_be_bytes());
        }
    }
}

fn text(out: &mut Vec<u8>, value: &str) {
    // Columns are ids, codes and short JSON lists; a value over 4 GiB cannot be stored anyway,
    // and saturating keeps the encoding total (a truncated length would still differ).
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

fn optional(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            text(out, v);
        }
    }
}

#[cfg(test)]
mod tests;
