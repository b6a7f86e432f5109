//! The record-type catalogue (`policies/catalogue.toml`, R-01): what providers may submit, with
//! which fields, about whom, disclosed how and for how long.
//!
//! Contract: a loaded `Catalogue` has unique snake_case codes, unique snake_case field names per
//! type, no prohibited field name (R-03: religion, genes, fingerprints, blood type, diseases,
//! medical history and obvious variants), enum fields with a non-empty value list, and adverse
//! periods of at most 5 years. Intake checks live in `intake.rs`.

use super::error::{PolicyError, parse_toml};
use crate::domain::{DisclosureLevel, RecordCategory, SubjectKind};
use chrono::{Months, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file name inside the policy folder.
pub const FILE: &str = "catalogue.toml";
/// Longest text value when a field does not say otherwise.
pub const DEFAULT_MAX_CHARS: u32 = 2000;
/// adverse information is disclosed at most 5 years from the end of the conduct.
pub const MAX_ADVERSE_YEARS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Integer,
    Decimal,
    Date,
    Boolean,
    Enum,
}

/// Whether a field names or identifies someone or something (masked on public pages) or only
/// describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldClass {
    Identifying,
    Descriptive,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    /// What pages show for the field, in Chinese and in English (the wire keeps `name`).
    pub label_zh: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The allowed values of an enum field (and only of an enum field).
    #[serde(default)]
    pub values: Vec<String>,
    /// What pages show for each of `values`, in the same order (enum fields only).
    #[serde(default)]
    pub values_zh: Vec<String>,
    #[serde(default)]
    pub values_en: Vec<String>,
    pub required: bool,
    pub class: FieldClass,
    /// income, deposits, securities, insurance, real estate, tax amounts. For a natural
    /// person such a field is accepted only with a consent reference.
    pub financial: bool,
    /// Longest accepted text, in characters (text fields only).
    #[serde(default)]
    pub max_chars: Option<u32>,
}

/// How long a record of a type stays disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodRule {
    /// Adverse: N years from the end of the conduct (from submission when no end date).
    YearsFromConductEnd(u32),
    /// Serious dishonesty: until the listing organ removes it (R-11 extension, R-14).
    UntilRemoved,
    /// Good information: no automatic end; the subject may still opt out.
    LongTerm,
    /// Basic information: while the registration or licence is valid (ends by revocation or
    /// replacement, not by date).
    WhileValid,
}

impl PeriodRule {
    /// The last day (inclusive) on which a record is disclosed; `None` = no end by date.
    /// A period of N years from a day ends on the same calendar day N years later (counting
    /// starts the next day, Civil Code Art. 201; 29 February ends on 28 February).
    pub fn disclose_until(&self, conduct_ended_on: Option<NaiveDate>, submitted_on: NaiveDate) -> Option<NaiveDate> {
        match *self {
            PeriodRule::YearsFromConductEnd(years) => {
                let from = conduct_ended_on.unwrap_or(submitted_on);
                let months = Months::new(years.saturating_mul(12));
                Some(from.checked_add_months(months).unwrap_or(NaiveDate::MAX))
            }
            PeriodRule::UntilRemoved | PeriodRule::LongTerm | PeriodRule::WhileValid => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordType {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: RecordCategory,
    pub subject_kinds: Vec<SubjectKind>,
    pub disclosure: DisclosureLevel,
    /// natural persons are not disclosed publicly unless the law says so (court list).
    #[serde(default)]
    pub public_for_natural_persons: bool,
    pub period: PeriodRule,
    pub legal_source: String,
    pub fields: Vec<FieldSpec>,
}

impl RecordType {
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn describes(&self, kind: SubjectKind) -> bool {
        self.subject_kinds.contains(&kind)
    }

    /// The disclosure level of a record of this type about a subject of `kind` (R-10: a
    /// natural person's record that would be public is only shared).
    pub fn disclosure_for(&self, kind: SubjectKind) -> DisclosureLevel {
        match (kind, self.disclosure) {
            (SubjectKind::NaturalPerson, DisclosureLevel::Public) if !self.public_for_natural_persons => {
                DisclosureLevel::Shared
            }
            (_, level) => level,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    record_types: Vec<RecordType>,
}

/// The validated catalogue, in file order, with lookup by code.
#[derive(Debug, Clone)]
pub struct Catalogue {
    types: Vec<RecordType>,
    by_code: BTreeMap<String, usize>,
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, PolicyError> {
        let parsed: CatalogueFile = parse_toml(FILE, text)?;
        let mut by_code = BTreeMap::new();
        for (i, rt) in parsed.record_types.iter().enumerate() {
            let at = format!("record_types[{i}]");
            check_code(&format!("{at}.code"), &rt.code)?;
            if by_code.insert(rt.code.clone(), i).is_some() {
                return Err(duplicate(format!("{at}.code"), "record type code", &rt.code));
            }
            validate_type(&at, rt)?;
        }
        Ok(Catalogue { types: parsed.record_types, by_code })
    }

    pub fn get(&self, code: &str) -> Option<&RecordType> {
        self.by_code.get(code).and_then(|&i| self.types.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &RecordType> {
        self.types.iter()
    }
}

mod validate;
pub(crate) use validate::is_snake_case;
pub use validate::prohibited_reason;
use validate::{check_code, duplicate, validate_type};

#[cfg(test)]
mod tests;
