//! Intake check of a submitted record's fields against its catalogue type.
//!
//! Contract: `RecordType::check_fields` either returns every present field as
//! `(name, canonical text)` in catalogue order, or refuses with a `FieldRefusal` naming a code
//! and at most the field's *name*: a value is never copied into a refusal, a log line or an
//! error, because values describe real people. Canonical text, per type:
//! - text: trimmed; an empty or whitespace-only string counts as absent;
//! - integer: a JSON integer or a string of digits, printed in decimal (`-12`);
//! - decimal: a JSON number or string `-?digits(.digits)?` without exponent, at most 18 integer
//!   and 6 fractional digits; leading and trailing zeros dropped (`0012.50` -> `12.5`);
//! - date: `YYYY-MM-DD`; boolean: `true`/`false` (JSON or string); enum: one of the values.
//!
//! JSON `null` counts as absent. The check order is fixed: subject kind, prohibited and unknown
//! names, then each catalogue field (missing, consent, value).

use super::catalogue::{DEFAULT_MAX_CHARS, FieldSpec, FieldType, RecordType, prohibited_reason};
use crate::domain::SubjectKind;
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Why a submission's fields were refused. `code` is one of `missing_field`, `unknown_field`,
/// `prohibited_field`, `invalid_field_value`, `consent_required`, `wrong_subject_kind`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}{}", field.as_deref().map(|f| format!(" ({f})")).unwrap_or_default())]
pub struct FieldRefusal {
    pub code: &'static str,
    pub field: Option<String>,
}

/// Longest field *name* echoed back in a refusal (names come from the submitter).
const MAX_ECHOED_NAME: usize = 64;

impl FieldRefusal {
    fn on(code: &'static str, field: &str) -> FieldRefusal {
        let name: String = field.chars().take(MAX_ECHOED_NAME).collect();
        FieldRefusal { code, field: Some(name) }
    }
}

impl RecordType {
    /// Checks submitted field values for a record about a subject of `subject_kind`.
    /// `has_consent`: the submission carries a written-consent reference.
    pub fn check_fields(
        &self,
        subject_kind: SubjectKind,
        values: &Map<String, Value>,
        has_consent: bool,
    ) -> Result<Vec<(String, String)>, FieldRefusal> {
        if !self.describes(subject_kind) {
            return Err(FieldRefusal { code: "wrong_subject_kind", field: None });
        }
        // Catalogue fields were checked against the prohibited list at start-up, so only a
        // name the catalogue does not know needs the (costlier) prohibited-name match.
        for name in values.keys() {
            if self.field(name).is_none() {
                let code = if prohibited_reason(name).is_some() { "prohibited_field" } else { "unknown_field" };
                return Err(FieldRefusal::on(code, name));
            }
        }
        let mut accepted = Vec::with_capacity(self.fields.len());
        for spec in &self.fields {
            let present = values.get(&spec.name).filter(|v| !is_blank(v));
            let Some(value) = present else {
                if spec.required {
                    return Err(FieldRefusal::on("missing_field", &spec.name));
                }
                continue;
            };
            if spec.financial && subject_kind == SubjectKind::NaturalPerson && !has_consent {
                return Err(FieldRefusal::on("consent_required", &spec.name));
            }
            let text = canonical(spec, value).ok_or_else(|| FieldRefusal::on("invalid_field_value", &spec.name))?;
            accepted.push((spec.name.clone(), text));
        }
        Ok(accepted)
    }
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The canonical text of a value, or `None` when it does not fit the field.
fn canonical(spec: &FieldSpec, value: &Value) -> Option<String> {
    match (&spec.field_type, value) {
        (FieldType::Text, Value::String(s)) => {
            let s = s.trim();
            let max = spec.max_chars.unwrap_or(DEFAULT_MAX_CHARS) as usize;
            let clean = !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
            (clean && s.chars().count() <= max).then(|| s.to_owned())
        }
        (FieldType::Integer, Value::Number(n)) => n.as_i64().map(|i| i.to_string()),
        (FieldType::Integer, Value::String(s)) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            plain.then(|| s.parse::<i64>().ok().map(|i| i.to_string())).flatten()
        }
        (FieldType::Decimal, Value::Number(n)) => canonical_decimal(&n.to_string()),
        (FieldType::Decimal, Value::String(s)) => canonical_decimal(s.trim()),
        (FieldType::Date, Value::String(s)) => {
            let s = s.trim();
            let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
            (s.len() == 10).then(|| date.format("%Y-%m-%d").to_string())
        }
        (FieldType::Boolean, Value::Bool(b)) => Some(b.to_string()),
        (FieldType::Boolean, Value::String(s)) => match s.trim() {
            "true" => Some("true".to_owned()),
            "false" => Some("false".to_owned()),
            _ => None,
        },
        (FieldType::Enum, Value::String(s)) => {
            let s = s.trim();
            spec.values.iter().any(|v| v == s).then(|| s.to_owned())
        }
        _ => None,
    }
}

fn canonical_decimal(s: &str) -> Option<String> {
    let (negative, unsigned) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (unsigned.contains('.') && frac.is_empty()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    if int.len() > 18 || frac.len() > 6 {
        return None;
    }
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    let sign = if negative && !zero { "-" } else { "" };
    Some(if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") })
}

#[cfg(test)]
mod tests;
