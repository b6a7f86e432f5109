//! The closed list of query purposes (`policies/purposes.toml`, legal-requirements §5; R-16,
//! R-17, R-18) and the decision "may this organization kind query for this purpose, and which
//! fields may it see".
//!
//! Contract: every field scope is resolved against the catalogue at load, so an entry naming an
//! unknown record type or field, or a record type outside the purpose's categories, stops
//! start-up. `Purpose::allows_field` is the only answer to "may this field be decrypted for this
//! purpose"; anything not listed is refused. `self` and `objection_handling` have no
//! organization kinds: requesters can never declare them (subject and staff paths use
//! `Purposes::get`). This module does not check authorizations; it says whether one is needed.

use super::Names;
use super::catalogue::{Catalogue, is_snake_case};
use super::error::{PolicyError, join, parse_toml};
use crate::domain::{DisclosureLevel, OrganizationKind, RecordCategory};
use std::collections::{BTreeMap, BTreeSet};

pub const FILE: &str = "purposes.toml";
/// Purposes the platform's own paths rely on; the file must define them.
pub const REQUIRED: &[&str] = &["self", "agent_for_self", "public_view", "objection_handling"];
/// Longest delay of a subject's view of an access (one year).
pub const MAX_VIEW_DELAY_DAYS: u32 = 366;

/// Which fields a purpose may see, as declared in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldScope {
    /// `"*"`: every field of every record type in the allowed categories.
    All,
    /// Entries `record_type.field`, `record_type.*` or a bare `field`.
    Listed(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Purpose {
    pub code: String,
    pub names: Names,
    pub legal_basis: String,
    pub organization_kinds: Vec<OrganizationKind>,
    pub requires_authorization: bool,
    pub categories: Vec<RecordCategory>,
    pub disclosure_levels: Vec<DisclosureLevel>,
    pub fields: FieldScope,
    pub subject_view_delay_days: u32,
    /// Resolved scope: record type code -> visible field names (non-empty sets only).
    visible: BTreeMap<String, BTreeSet<String>>,
}

impl Purpose {
    pub fn allows_category(&self, category: RecordCategory) -> bool {
        self.categories.contains(&category)
    }

    pub fn allows_disclosure(&self, level: DisclosureLevel) -> bool {
        self.disclosure_levels.contains(&level)
    }

    /// A record of this type is shown at all (its category is allowed and at least one field).
    pub fn allows_record_type(&self, record_type: &str) -> bool {
        self.visible.contains_key(record_type)
    }

    /// Whether this field of this record type may be decrypted and disclosed.
    pub fn allows_field(&self, record_type: &str, field: &str) -> bool {
        self.visible.get(record_type).is_some_and(|set| set.contains(field))
    }

    /// The visible fields of a record type, sorted; empty when none.
    pub fn visible_fields(&self, record_type: &str) -> impl Iterator<Item = &str> {
        self.visible.get(record_type).into_iter().flatten().map(String::as_str)
    }

    pub fn allows_organization(&self, kind: OrganizationKind) -> bool {
        self.organization_kinds.contains(&kind)
    }
}

/// Why a purpose was refused: `unknown_purpose` or `purpose_not_allowed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}")]
pub struct PurposeRefusal {
    pub code: &'static str,
}

#[derive(Debug, Clone)]
pub struct Purposes {
    list: Vec<Purpose>,
}

impl Purposes {
    pub fn get(&self, code: &str) -> Option<&Purpose> {
        self.list.iter().find(|p| p.code == code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Purpose> {
        self.list.iter()
    }

    /// May a requester of `org_kind` declare `purpose_code`?
    pub fn decide(&self, purpose_code: &str, org_kind: OrganizationKind) -> Result<&Purpose, PurposeRefusal> {
        let purpose = self.get(purpose_code).ok_or(PurposeRefusal { code: "unknown_purpose" })?;
        if purpose.allows_organization(org_kind) {
            Ok(purpose)
        } else {
            Err(PurposeRefusal { code: "purpose_not_allowed" })
        }
    }

    pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Purposes, PolicyError> {
        let file: PurposesFile = parse_toml(FILE, text)?;
        let mut list: Vec<Purpose> = Vec::with_capacity(file.purposes.len());
        for (i, raw) in file.purposes.into_iter().enumerate() {
            let at = format!("purposes[{i}]");
            if !is_snake_case(&raw.code) {
                return Err(PolicyError::invalid(FILE, join(&at, "code"), "not snake_case"));
            }
            if list.iter().any(|p| p.code == raw.code) {
                let (key, value) = (join(&at, "code"), raw.code);
                return Err(PolicyError::Duplicate { file: FILE.into(), key, what: "purpose code", value });
            }
            if raw.subject_view_delay_days > MAX_VIEW_DELAY_DAYS {
                let reason = format!("at most {MAX_VIEW_DELAY_DAYS} days");
                return Err(PolicyError::invalid(FILE, join(&at, "subject_view_delay_days"), reason));
            }
            list.push(raw.resolve(&at, catalogue)?);
        }
        for code in REQUIRED {
            if !list.iter().any(|p| p.code == *code) {
                let reason = format!("the purpose `{code}` is required by the platform");
                return Err(PolicyError::invalid(FILE, "purposes", reason));
            }
        }
        Ok(Purposes { list })
    }
}

mod raw;
use raw::PurposesFile;
