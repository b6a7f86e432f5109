//! The file form of `purposes.toml` and its resolution against the catalogue.

use super::{FILE, FieldScope, Purpose};
use crate::domain::{DisclosureLevel, OrganizationKind, RecordCategory};
use crate::policy::Names;
use crate::policy::catalogue::Catalogue;
use crate::policy::error::{PolicyError, join};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PurposesFile {
    pub(super) purposes: Vec<RawPurpose>,
}

/// `fields = "*"` or `fields = ["record_type.field", ...]`.
enum RawScope {
    Star(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for RawScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawScope;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"*\" or a list of field names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawScope, E> {
                Ok(RawScope::Star(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawScope, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    list.push(item);
                }
                Ok(RawScope::List(list))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPurpose {
    pub(super) code: String,
    pub(super) name_zh: String,
    name_en: String,
    legal_basis: String,
    organization_kinds: Vec<OrganizationKind>,
    requires_authorization: bool,
    categories: Vec<RecordCategory>,
    disclosure_levels: Vec<DisclosureLevel>,
    fields: RawScope,
    pub(super) subject_view_delay_days: u32,
}

impl RawPurpose {
    pub(super) fn resolve(self, at: &str, catalogue: &Catalogue) -> Result<Purpose, PolicyError> {
        let in_scope: Vec<_> = catalogue.iter().filter(|rt| self.categories.contains(&rt.category)).collect();
        let mut visible: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let fields = match self.fields {
            RawScope::Star(s) if s == "*" => {
                for rt in &in_scope {
                    visible.insert(rt.code.clone(), rt.fields.iter().map(|f| f.name.clone()).collect());
                }
                FieldScope::All
            }
            RawScope::Star(s) => {
                let reason = format!("`{s}`: expected \"*\" or a list of field names");
                return Err(PolicyError::invalid(FILE, join(at, "fields"), reason));
            }
            RawScope::List(entries) => {
                for (e, entry) in entries.iter().enumerate() {
                    let key = format!("{at}.fields[{e}]");
                    let unknown = |what| PolicyError::UnknownCode {
                        file: FILE.into(),
                        key: key.clone(),
                        what,
                        value: entry.clone(),
                        expected: None,
                    };
                    let mut matched = false;
                    if let Some((rt_code, field)) = entry.split_once('.') {
                        let rt = in_scope
                            .iter()
                            .find(|rt| rt.code == rt_code)
                            .ok_or_else(|| unknown("record type (or outside the purpose's categories)"))?;
                        for f in rt.fields.iter().filter(|f| field == "*" || f.name == field) {
                            visible.entry(rt.code.clone()).or_default().insert(f.name.clone());
                            matched = true;
                        }
                    } else {
                        for rt in &in_scope {
                            if let Some(f) = rt.field(entry) {
                                visible.entry(rt.code.clone()).or_default().insert(f.name.clone());
                                matched = true;
                            }
                        }
                    }
                    if !matched {
                        return Err(unknown("field"));
                    }
                }
                FieldScope::Listed(entries)
            }
        };
        visible.retain(|_, set| !set.is_empty());
        Ok(Purpose {
            code: self.code,
            names: Names { zh: self.name_zh, en: self.name_en },
            legal_basis: self.legal_basis,
            organization_kinds: self.organization_kinds,
            requires_authorization: self.requires_authorization,
            categories: self.categories,
            disclosure_levels: self.disclosure_levels,
            fields,
            subject_view_delay_days: self.subject_view_delay_days,
            visible,
        })
    }
}
