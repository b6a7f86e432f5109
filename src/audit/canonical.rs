//! The canonical binary encoding of an entry, which the MAC chain is computed over.
//!
//! It is ours, not serde's, so no library upgrade can change it:
//! a format tag, then every column but the MACs in a fixed order, each fixed-width
//! (sequence, times as big-endian i64 microseconds) or length-prefixed (u32 big-endian length,
//! then the UTF-8 bytes); an optional column is a 0 byte when absent, or a 1 byte and its
//! value. Record ids and field names enter as the stored canonical JSON text, which
//! `json_array` writes with its own fixed escaping rules.

use crate::storage::Timestamp;
use crate::storage::audit_log::{AuditEntryRow, EntryColumns};
use chrono::DateTime;

/// Identifies the encoding; a new layout gets a new tag and old entries keep verifying.
const FORMAT_TAG: &[u8; 8] = b"audit\x00v1";

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
    encode_columns(&row.columns(), out);
}

/// `encode`, from borrowed columns (the verifier decodes rows straight into these).
pub fn encode_columns(row: &EntryColumns<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(FORMAT_TAG);
    out.extend_from_slice(&row.sequence.to_be_bytes());
    out.extend_from_slice(&row.at_micros.to_be_bytes());
    text(out, row.request_id);
    optional(out, row.actor_account_id);
    optional(out, row.organization_id);
    text(out, row.role);
    text(out, row.action);
    optional(out, row.purpose);
    optional(out, row.authorization_id);
    optional(out, row.subject_id);
    text(out, row.record_ids);
    text(out, row.fields);
    text(out, row.decision);
    optional(out, row.reason_code);
    text(out, row.policy_version);
    match row.visible_micros {
        None => out.push(0),
        Some(micros) => {
            out.push(1);
            out.extend_from_slice(&micros.to_be_bytes());
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
