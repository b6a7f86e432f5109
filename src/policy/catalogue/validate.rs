//! Load-time checks of the catalogue (codes, field names, prohibited names, enum values,
//! periods) and the prohibited-name matcher shared with intake.

use super::{FILE, FieldSpec, FieldType, MAX_ADVERSE_YEARS, PeriodRule, RecordType};
use crate::domain::RecordCategory;
use crate::policy::error::PolicyError;
use std::collections::BTreeSet;

pub(super) fn validate_type(at: &str, rt: &RecordType) -> Result<(), PolicyError> {
    if rt.subject_kinds.is_empty() {
        return Err(PolicyError::invalid(FILE, format!("{at}.subject_kinds"), "must not be empty"));
    }
    let mut kinds = BTreeSet::new();
    for (k, kind) in rt.subject_kinds.iter().enumerate() {
        if !kinds.insert(*kind) {
            return Err(duplicate(format!("{at}.subject_kinds[{k}]"), "subject kind", kind.as_str()));
        }
    }
    if let PeriodRule::YearsFromConductEnd(years) = rt.period
        && (years == 0 || years > MAX_ADVERSE_YEARS)
    {
        let reason = format!("years_from_conduct_end must be 1..={MAX_ADVERSE_YEARS} (R-11)");
        return Err(PolicyError::invalid(FILE, format!("{at}.period"), reason));
    }
    if rt.category == RecordCategory::SeriousDishonesty && rt.period != PeriodRule::UntilRemoved {
        let reason = "a serious-dishonesty type is disclosed until removed (R-11, R-14)";
        return Err(PolicyError::invalid(FILE, format!("{at}.period"), reason));
    }
    if rt.fields.is_empty() {
        return Err(PolicyError::invalid(FILE, format!("{at}.fields"), "must not be empty"));
    }
    let mut names = BTreeSet::new();
    for (j, field) in rt.fields.iter().enumerate() {
        let fat = format!("{at}.fields[{j}]");
        check_code(&format!("{fat}.name"), &field.name)?;
        if let Some(reason) = prohibited_reason(&field.name) {
            let (key, name) = (format!("{fat}.name"), field.name.clone());
            return Err(PolicyError::ProhibitedField { file: FILE.into(), key, name, reason });
        }
        if !names.insert(field.name.as_str()) {
            return Err(duplicate(format!("{fat}.name"), "field name", &field.name));
        }
        validate_field(&fat, field)?;
    }
    Ok(())
}

fn validate_field(fat: &str, field: &FieldSpec) -> Result<(), PolicyError> {
    for (key, label) in [("label_zh", &field.label_zh), ("label_en", &field.label_en)] {
        if label.trim().is_empty() {
            return Err(PolicyError::invalid(
                FILE,
                format!("{fat}.{key}"),
                "pages show this label; it must not be empty",
            ));
        }
    }
    let is_enum = field.field_type == FieldType::Enum;
    if is_enum && field.values.is_empty() {
        return Err(PolicyError::invalid(FILE, format!("{fat}.values"), "an enum field needs values"));
    }
    if !is_enum && !field.values.is_empty() {
        return Err(PolicyError::invalid(FILE, format!("{fat}.values"), "only enum fields have values"));
    }
    for (key, words) in [("values_zh", &field.values_zh), ("values_en", &field.values_en)] {
        if words.len() != field.values.len() || words.iter().any(|w| w.trim().is_empty()) {
            let reason = "pages show these words: one non-empty entry for each of `values`, in its order";
            return Err(PolicyError::invalid(FILE, format!("{fat}.{key}"), reason));
        }
    }
    let mut seen = BTreeSet::new();
    for (v, value) in field.values.iter().enumerate() {
        check_code(&format!("{fat}.values[{v}]"), value)?;
        if !seen.insert(value.as_str()) {
            return Err(duplicate(format!("{fat}.values[{v}]"), "enum value", value));
        }
    }
    match (field.max_chars, &field.field_type) {
        (Some(0), _) => Err(PolicyError::invalid(FILE, format!("{fat}.max_chars"), "must be > 0")),
        (Some(_), t) if *t != FieldType::Text => {
            Err(PolicyError::invalid(FILE, format!("{fat}.max_chars"), "only text fields have max_chars"))
        }
        _ => Ok(()),
    }
}

pub(super) fn duplicate(key: String, what: &'static str, value: &str) -> PolicyError {
    PolicyError::Duplicate { file: FILE.into(), key, what, value: value.to_owned() }
}

/// Codes and field names are `[a-z][a-z0-9_]*`.
pub(crate) fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

pub(super) fn check_code(key: &str, value: &str) -> Result<(), PolicyError> {
    if is_snake_case(value) {
        Ok(())
    } else {
        Err(PolicyError::invalid(FILE, key, format!("`{value}` is not snake_case ([a-z][a-z0-9_]*)")))
    }
}

/// R-03 / CRIR Art. 14: why a field name is prohibited, if it is. Matches the listed
/// categories and their obvious spellings (`blood_type`, `bloodgroup`, `religious_belief`,
/// `medical_history`, `disease`, `fingerprint`, `gene`, `dna`, ...), case-insensitively.
pub fn prohibited_reason(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let squashed: String = lower.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    const SUBSTRINGS: &[(&str, &str)] = &[
        ("religio", "religion"),
        ("genetic", "genes"),
        ("genome", "genes"),
        ("fingerprint", "fingerprints"),
        ("bloodtype", "blood type"),
        ("bloodgroup", "blood type"),
        ("disease", "diseases"),
        ("illness", "diseases"),
        ("medicalhistory", "medical history"),
        ("medicalrecord", "medical history"),
        ("biometric", "fingerprints and biometrics"),
    ];
    const TOKENS: &[(&str, &str)] = &[
        ("gene", "genes"),
        ("genes", "genes"),
        ("dna", "genes"),
        ("blood", "blood type"),
        ("medical", "medical history"),
        ("diagnosis", "medical history"),
    ];
    SUBSTRINGS
        .iter()
        .find(|(s, _)| squashed.contains(s))
        .or_else(|| TOKENS.iter().find(|(t, _)| tokens.contains(t)))
        .map(|(_, reason)| *reason)
}
