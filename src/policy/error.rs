//! The one error of the policy loader: which file, which key (a dotted path such as
//! `record_types[3].fields[2].name`) and why. Start-up stops on it and prints it as is.
//!
//! Contract: policy files are public configuration, so messages may quote their values (never a
//! subject's data: that never reaches this module). TOML and serde errors are mapped to a key by
//! locating the error's byte span in the spanned document tree, so an unknown key is reported by
//! its full path, not just by line and column.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}: cannot be read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{file}: {key}: not valid TOML: {reason}")]
    Syntax { file: String, key: String, reason: String },
    #[error("{file}: {key}: unknown key")]
    UnknownKey { file: String, key: String },
    #[error("{file}: {key}: missing key")]
    MissingKey { file: String, key: String },
    #[error("{file}: {key}: duplicate {what} `{value}`")]
    Duplicate { file: String, key: String, what: &'static str, value: String },
    #[error("{file}: {key}: field name `{name}` is prohibited ({reason})")]
    ProhibitedField { file: String, key: String, name: String, reason: &'static str },
    #[error("{file}: {key}: unknown {what} `{value}`{}", expected.as_deref().map(|e| format!(" (expected {e})")).unwrap_or_default())]
    UnknownCode { file: String, key: String, what: &'static str, value: String, expected: Option<String> },
    #[error("{file}: {key}: bad date `{value}`: {reason}")]
    BadDate { file: String, key: String, value: String, reason: String },
    #[error("{file}: {key}: {reason}")]
    Invalid { file: String, key: String, reason: String },
}

impl PolicyError {
    /// A stable snake_case code for logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable { .. } => "unreadable",
            Self::Syntax { .. } => "syntax",
            Self::UnknownKey { .. } => "unknown_key",
            Self::MissingKey { .. } => "missing_key",
            Self::Duplicate { .. } => "duplicate",
            Self::ProhibitedField { .. } => "prohibited_field",
            Self::UnknownCode { .. } => "unknown_code",
            Self::BadDate { .. } => "bad_date",
            Self::Invalid { .. } => "invalid",
        }
    }

    /// The file (relative to the policy folder) the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::Unreadable { file, .. }
            | Self::Syntax { file, .. }
            | Self::UnknownKey { file, .. }
            | Self::MissingKey { file, .. }
            | Self::Duplicate { file, .. }
            | Self::ProhibitedField { file, .. }
            | Self::UnknownCode { file, .. }
            | Self::BadDate { file, .. }
            | Self::Invalid { file, .. } => file,
        }
    }

    /// The dotted key path inside the file ("" for the whole file).
    pub fn key(&self) -> &str {
        match self {
            Self::Unreadable { .. } => "",
            Self::Syntax { key, .. }
            | Self::UnknownKey { key, .. }
            | Self::MissingKey { key, .. }
            | Self::Duplicate { key, .. }
            | Self::ProhibitedField { key, .. }
            | Self::UnknownCode { key, .. }
            | Self::BadDate { key, .. }
            | Self::Invalid { key, .. } => key,
        }
    }

    pub(crate) fn invalid(file: &str, key: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid { file: file.to_owned(), key: key.into(), reason: reason.into() }
    }
}

/// Deserializes a policy file, turning any TOML or serde error into a `PolicyError` that names
/// the key.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, PolicyError> {
    toml::from_str(text).map_err(|e| map_toml_error(file, text, &e))
}

fn map_toml_error(file: &str, text: &str, error: &toml::de::Error) -> PolicyError {
    let message = error.message().trim().to_owned();
    let path = error.span().map(|span| path_at(text, span)).unwrap_or_default();
    let file = file.to_owned();
    if let Some(name) = quoted_after(&message, "unknown field") {
        // The span points at the unknown key itself, or at its table: append it once.
        let key = if path.ends_with(&name) { path } else { join(&path, &name) };
        return PolicyError::UnknownKey { file, key };
    }
    if let Some(name) = quoted_after(&message, "missing field") {
        return PolicyError::MissingKey { file, key: join(&path, &name) };
    }
    if let Some(value) = quoted_after(&message, "unknown variant") {
        let expected = message.split_once("expected ").map(|(_, e)| e.to_owned());
        return PolicyError::UnknownCode { file, key: path, what: "value", value, expected };
    }
    if let Some(name) = quoted_after(&message, "duplicate field") {
        return PolicyError::Duplicate { file, key: path, what: "key", value: name };
    }
    if DeTable::parse(text).is_err() {
        let at = error.span().map_or(0, |span| span.start);
        return PolicyError::Syntax { file, key: line_column(text, at), reason: message };
    }
    PolicyError::Invalid { file, key: path, reason: message }
}

/// `line L column C` (1-based) of a byte offset, for syntax errors that have no key yet.
fn line_column(text: &str, at: usize) -> String {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line} column {column}")
}

/// The first backquoted word after `prefix` in a serde message, e.g. "unknown field `colour`".
fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let start = rest.find('`')? + 1;
    let len = rest[start..].find('`')?;
    Some(rest[start..start + len].to_owned())
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// The dotted path of the deepest key or array element whose span contains `span.start`.
fn path_at(text: &str, span: Range<usize>) -> String {
    let Ok(root) = DeTable::parse(text) else {
        return String::new();
    };
    let mut path = String::new();
    walk_table(root.get_ref(), span.start, &mut path);
    path
}

fn walk_table(table: &DeTable<'_>, at: usize, path: &mut String) {
    for (key, value) in table.iter() {
        let (k, v) = (key.span(), value.span());
        if k.contains(&at) {
            *path = join(path, key.get_ref());
            return;
        }
        // Arrays of tables and sub-tables can be split over the file: only a match in the
        // value's own span (or inside one of its children) counts.
        if v.contains(&at) || contains_deep(value.get_ref(), at) {
            *path = join(path, key.get_ref());
            walk_value(value.get_ref(), at, path);
            return;
        }
    }
}

fn walk_value(value: &DeValue<'_>, at: usize, path: &mut String) {
    match value {
        DeValue::Table(table) => walk_table(table, at, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.span().contains(&at) || contains_deep(item.get_ref(), at) {
                    path.push_str(&format!("[{i}]"));
                    walk_value(item.get_ref(), at, path);
                    return;
                }
            }
        }
        _ => {}
    }
}

fn contains_deep(value: &DeValue<'_>, at: usize) -> bool {
    match value {
        DeValue::Table(table) => table
            .iter()
            .any(|(k, v)| k.span().contains(&at) || v.span().contains(&at) || contains_deep(v.get_ref(), at)),
        DeValue::Array(items) => {
            items.iter().any(|item| item.span().contains(&at) || contains_deep(item.get_ref(), at))
        }
        _ => false,
    }
}
