//! Tests over the shipped `policies/` folder and over broken copies of it in temporary folders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::domain::{OrganizationKind, RecordCategory};
use std::path::{Path, PathBuf};

fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// A temporary copy of the shipped folder with `file` replaced by `edit(original)`.
fn broken_copy(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("calendar")).unwrap();
    for rel in ["catalogue.toml", "purposes.toml", "workflow.toml", "calendar/cn-2025.toml", "calendar/cn-2026.toml"] {
        let text = std::fs::read_to_string(shipped_dir().join(rel)).unwrap();
        let text = if rel == file { edit(&text) } else { text };
        std::fs::write(tmp.path().join(rel), text).unwrap();
    }
    tmp
}

fn load_err(dir: &tempfile::TempDir) -> PolicyError {
    PolicySet::load(dir.path()).expect_err("the broken folder must be refused")
}

#[test]
fn shipped_policies_load() {
    let set = PolicySet::load(&shipped_dir()).unwrap();
    assert_eq!(set.version.len(), 64);
    assert!(set.version.bytes().all(|b| b.is_ascii_hexdigit()));
    for code in [
        "enterprise_registration",
        "administrative_licence",
        "administrative_penalty",
        "tax_arrears",
        "social_insurance_arrears",
        "court_dishonest_debtor",
        "commendation_award",
        "volunteer_service",
    ] {
        assert!(set.catalogue.get(code).is_some(), "{code} missing from the catalogue");
    }
    let purposes: Vec<&str> = set.purposes.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(purposes.len(), 15);
    let years: Vec<i32> = set.calendar.years().map(|y| y.year).collect();
    assert!(years.contains(&2025) && years.contains(&2026), "{years:?}");
    assert_eq!(PolicySet::load(&shipped_dir()).unwrap().version, set.version, "stable");
}

#[test]
fn version_changes_with_any_file() {
    let base = PolicySet::load(&shipped_dir()).unwrap().version;
    let copy = broken_copy("calendar/cn-2025.toml", |t| format!("{t}\n# comment\n"));
    assert_ne!(PolicySet::load(copy.path()).unwrap().version, base);
    let same = broken_copy("workflow.toml", str::to_owned);
    assert_eq!(PolicySet::load(same.path()).unwrap().version, base);
}

#[test]
fn unknown_key_is_named_with_its_full_path() {
    let dir = broken_copy("catalogue.toml", |t| {
        t.replacen("name = \"licence_name\"\n", "name = \"licence_name\"\ncolour = \"red\"\n", 1)
    });
    let err = load_err(&dir);
    assert_eq!(err.code(), "unknown_key");
    assert_eq!(err.file(), "catalogue.toml");
    assert_eq!(err.key(), "record_types[1].fields[1].colour");
    let shown = err.to_string();
    assert!(shown.contains("catalogue.toml") && shown.contains("colour") && shown.contains("unknown key"));
}

#[test]
fn every_field_has_both_labels_and_neither_is_blank() {
    let set = PolicySet::load(&shipped_dir()).unwrap();
    let penalty = set.catalogue.get("administrative_penalty").unwrap();
    let fine = penalty.field("fine_amount").unwrap();
    assert_eq!((fine.label_zh.as_str(), fine.label_en.as_str()), ("罚款金额（元）", "Fine (yuan)"));
    let dir = broken_copy("catalogue.toml", |t| t.replacen("label_zh = \"许可证书名称\"", "label_zh = \"  \"", 1));
    let err = load_err(&dir);
    assert_eq!((err.code(), err.key()), ("invalid", "record_types[1].fields[1].label_zh"), "{err}");
    let dir = broken_copy("catalogue.toml", |t| t.replacen("label_en = \"Licence name\"\n", "", 1));
    assert_eq!(load_err(&dir).code(), "missing_key", "a missing label is refused");
    let severity = penalty.field("severity").unwrap();
    assert_eq!(severity.values_zh, ["轻微", "一般", "严重"]);
    let dir = broken_copy("catalogue.toml", |t| t.replacen(", \"严重\"]", "]", 1));
    assert_eq!(load_err(&dir).key(), "record_types[2].fields[4].values_zh", "one word per value");
}

#[test]
fn unknown_top_level_and_purpose_keys_are_named() {
    let dir = broken_copy("workflow.toml", |t| format!("surprise = 1\n{t}"));
    assert_eq!((load_err(&dir).code(), load_err(&dir).key()), ("unknown_key", "surprise"));
    let dir = broken_copy("purposes.toml", |t| {
        t.replacen("subject_view_delay_days = 90", "subject_view_delay_days = 90\nsecret = true", 1)
    });
    let err = load_err(&dir);
    assert_eq!((err.file(), err.key()), ("purposes.toml", "purposes[7].secret"));
}

#[test]
fn duplicate_record_type_code_is_refused() {
    let dir =
        broken_copy("catalogue.toml", |t| t.replacen("code = \"tax_arrears\"", "code = \"administrative_penalty\"", 1));
    let err = load_err(&dir);
    assert_eq!(err.code(), "duplicate");
    assert_eq!(err.key(), "record_types[3].code");
    assert!(err.to_string().contains("administrative_penalty"));
}

#[test]
fn prohibited_field_name_is_refused_at_load() {
    for bad in ["blood_type", "religious_belief", "medical_history", "disease", "fingerprint", "gene"] {
        let dir =
            broken_copy("catalogue.toml", |t| t.replacen("name = \"business_scope\"", &format!("name = \"{bad}\""), 1));
        let err = load_err(&dir);
        assert_eq!(err.code(), "prohibited_field", "{bad}");
        assert_eq!(err.key(), "record_types[0].fields[4].name", "{bad}");
        assert!(err.to_string().contains(bad));
    }
}

#[test]
fn unknown_category_kind_and_enum_without_values_are_refused() {
    let dir = broken_copy("catalogue.toml", |t| t.replacen("category = \"good\"", "category = \"great\"", 1));
    let err = load_err(&dir);
    assert_eq!((err.code(), err.key()), ("unknown_code", "record_types[6].category"));
    assert!(err.to_string().contains("great"));
    let dir = broken_copy("catalogue.toml", |t| t.replacen("\"legal_person\",", "\"company\",", 1));
    assert_eq!(load_err(&dir).key(), "record_types[0].subject_kinds[0]");
    let dir = broken_copy("catalogue.toml", |t| t.replacen("values = [\"minor\", \"general\", \"serious\"]\n", "", 1));
    let err = load_err(&dir);
    assert_eq!((err.code(), err.key()), ("invalid", "record_types[2].fields[4].values"));
    let dir =
        broken_copy("catalogue.toml", |t| t.replacen("years_from_conduct_end = 5", "years_from_conduct_end = 7", 1));
    assert_eq!(load_err(&dir).key(), "record_types[2].period");
}

#[test]
fn purpose_scope_must_name_catalogue_fields() {
    let dir =
        broken_copy("purposes.toml", |t| t.replacen("\"tax_arrears.tax_category\"", "\"tax_arrears.tax_colour\"", 1));
    let err = load_err(&dir);
    assert_eq!((err.code(), err.key()), ("unknown_code", "purposes[1].fields[4]"));
    let dir = broken_copy("purposes.toml", |t| t.replacen("code = \"self\"", "code = \"me\"", 1));
    assert!(load_err(&dir).to_string().contains("`self` is required"));
}

#[test]
fn calendar_file_name_and_dates_must_agree() {
    let dir = broken_copy("calendar/cn-2025.toml", |t| t.replacen("year = 2025", "year = 2024", 1));
    let err = load_err(&dir);
    assert_eq!((err.file(), err.key()), ("calendar/cn-2025.toml", "year"));
    let dir = broken_copy("calendar/cn-2026.toml", |t| t.replacen("\"2026-10-07\"", "\"2027-10-07\"", 1));
    let err = load_err(&dir);
    assert_eq!((err.code(), err.key()), ("bad_date", "holidays[6].to"));
    let dir = broken_copy("calendar/cn-2026.toml", |t| t.replacen("\"2026-02-23\"", "\"2026-02-30\"", 1));
    assert_eq!(load_err(&dir).code(), "bad_date");
    let dir = broken_copy("calendar/cn-2026.toml", str::to_owned);
    std::fs::write(dir.path().join("calendar/cn-26.toml"), "year = 2026").unwrap();
    assert_eq!(load_err(&dir).file(), "calendar/cn-26.toml");
}

#[test]
fn purposes_decide_and_project_fields() {
    let set = PolicySet::load(&shipped_dir()).unwrap();
    let p = &set.purposes;
    assert_eq!(p.decide("marketing", OrganizationKind::Enterprise).unwrap_err().code, "unknown_purpose");
    let refused = p.decide("financial_credit", OrganizationKind::Enterprise).unwrap_err();
    assert_eq!(refused.code, "purpose_not_allowed");
    for internal in ["self", "objection_handling"] {
        for kind in OrganizationKind::ALL {
            assert_eq!(p.decide(internal, *kind).unwrap_err().code, "purpose_not_allowed");
        }
    }
    let fin = p.decide("financial_credit", OrganizationKind::FinancialInstitution).unwrap();
    assert!(fin.requires_authorization);
    assert!(fin.allows_field("tax_arrears", "arrears_amount"));
    let market = p.decide("market_transaction", OrganizationKind::Enterprise).unwrap();
    assert!(market.requires_authorization);
    assert!(market.allows_category(RecordCategory::Adverse));
    assert!(!market.allows_category(RecordCategory::Basic));
    assert!(market.allows_field("tax_arrears", "tax_authority"));
    assert!(!market.allows_field("tax_arrears", "arrears_amount"), "no financial amounts");
    assert!(!market.allows_field("social_insurance_arrears", "arrears_amount"));
    assert!(!market.allows_field("enterprise_registration", "registered_name"), "basic not allowed");
    assert!(!market.allows_record_type("enterprise_registration"));
    assert!(!market.allows_field("tax_arrears", "no_such_field"));
    let judicial = p.decide("judicial", OrganizationKind::JudicialOrgan).unwrap();
    assert_eq!(judicial.subject_view_delay_days, 90);
    assert!(!judicial.requires_authorization);
    let public = p.get("public_view").unwrap();
    assert!(!public.allows_disclosure(crate::domain::DisclosureLevel::Shared));
    assert!(!public.allows_record_type("tax_arrears"));
    // Every financial field is hidden from every purpose that needs no authorization, except
    // the subject's own view, judicial organs and statutory supervision.
    for purpose in p.iter().filter(|p| !p.requires_authorization) {
        if matches!(
            purpose.code.as_str(),
            "self" | "judicial" | "objection_handling" | "administrative_licensing" | "supervision"
        ) {
            continue;
        }
        for rt in set.catalogue.iter() {
            for f in rt.fields.iter().filter(|f| f.financial) {
                assert!(!purpose.allows_field(&rt.code, &f.name), "{} sees {}.{}", purpose.code, rt.code, f.name);
            }
        }
    }
}
