//! Tests of `intake.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::super::catalogue::Catalogue;
use crate::domain::SubjectKind::{LegalPerson, NaturalPerson};
use serde_json::{Map, Value, json};

const SHIPPED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/catalogue.toml"));

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn penalty() -> Map<String, Value> {
    fields(json!({
        "decision_number": " 宁市监罚〔2026〕12号 ",
        "violated_provision": "《食品安全法》第34条",
        "penalty_content": "警告、罚款",
        "fine_amount": "0012500.50",
        "severity": "general",
        "procedure": "general",
        "decision_date": "2026-03-15",
    }))
}

fn refusal(
    code: &str,
    values: Map<String, Value>,
    kind: crate::domain::SubjectKind,
    consent: bool,
) -> super::FieldRefusal {
    let cat = Catalogue::parse(SHIPPED).unwrap();
    cat.get(code).unwrap().check_fields(kind, &values, consent).unwrap_err()
}

#[test]
fn a_valid_penalty_is_canonicalized_in_catalogue_order() {
    let cat = Catalogue::parse(SHIPPED).unwrap();
    let out = cat.get("administrative_penalty").unwrap().check_fields(LegalPerson, &penalty(), false).unwrap();
    let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "decision_number",
            "violated_provision",
            "penalty_content",
            "fine_amount",
            "severity",
            "procedure",
            "decision_date"
        ]
    );
    assert_eq!(out[0].1, "宁市监罚〔2026〕12号", "trimmed");
    assert_eq!(out[3].1, "12500.5");
    let mut optional_absent = penalty();
    optional_absent.insert("fine_amount".into(), Value::Null);
    let out = cat.get("administrative_penalty").unwrap().check_fields(NaturalPerson, &optional_absent, false).unwrap();
    assert_eq!(out.len(), 6);
}

#[test]
fn every_refusal_code() {
    let mut missing = penalty();
    missing.remove("violated_provision");
    let r = refusal("administrative_penalty", missing, LegalPerson, false);
    assert_eq!((r.code, r.field.as_deref()), ("missing_field", Some("violated_provision")));
    let mut blank = penalty();
    blank.insert("penalty_content".into(), json!("   "));
    assert_eq!(refusal("administrative_penalty", blank, LegalPerson, false).code, "missing_field");

    let mut unknown = penalty();
    unknown.insert("nickname".into(), json!("x"));
    let r = refusal("administrative_penalty", unknown, LegalPerson, false);
    assert_eq!((r.code, r.field.as_deref()), ("unknown_field", Some("nickname")));

    for name in ["blood_type", "religious_belief", "medical_history", "Fingerprint", "gene", "disease"] {
        let mut prohibited = penalty();
        prohibited.insert(name.into(), json!("A"));
        let r = refusal("administrative_penalty", prohibited, LegalPerson, false);
        assert_eq!((r.code, r.field.as_deref()), ("prohibited_field", Some(name)));
    }

    for (field, bad) in [
        ("severity", json!("catastrophic")),
        ("procedure", json!(1)),
        ("decision_date", json!("2026-02-30")),
        ("decision_date", json!("15/03/2026")),
        ("fine_amount", json!("1e5")),
        ("fine_amount", json!("12,500")),
        ("fine_amount", json!(true)),
        ("decision_number", json!(["a"])),
    ] {
        let mut invalid = penalty();
        invalid.insert(field.into(), bad.clone());
        let r = refusal("administrative_penalty", invalid, LegalPerson, false);
        assert_eq!((r.code, r.field.as_deref()), ("invalid_field_value", Some(field)), "{bad}");
        assert!(!r.to_string().contains(&bad.to_string()), "the value never appears");
    }

    let tax = fields(json!({
        "tax_authority": "国家税务总局南京市税务局", "tax_category": "个人所得税",
        "arrears_since": "2025-06-30", "arrears_amount": 80000,
    }));
    let r = refusal("tax_arrears", tax.clone(), NaturalPerson, false);
    assert_eq!((r.code, r.field.as_deref()), ("consent_required", Some("arrears_amount")));
    let cat = Catalogue::parse(SHIPPED).unwrap();
    let rt = cat.get("tax_arrears").unwrap();
    assert_eq!(rt.check_fields(NaturalPerson, &tax, true).unwrap()[3].1, "80000");
    assert!(rt.check_fields(LegalPerson, &tax, false).is_ok(), "consent is for natural persons");
    let mut without_amount = tax.clone();
    without_amount.remove("arrears_amount");
    assert!(rt.check_fields(NaturalPerson, &without_amount, false).is_ok());

    let volunteer = fields(json!({"service_organization": "南京志愿者协会", "service_hours": 120}));
    let r = refusal("volunteer_service", volunteer, LegalPerson, false);
    assert_eq!((r.code, r.field), ("wrong_subject_kind", None));
}

#[test]
fn canonical_forms() {
    use super::canonical_decimal as dec;
    assert_eq!(dec("0.0").as_deref(), Some("0"));
    assert_eq!(dec("-0.50").as_deref(), Some("-0.5"));
    assert_eq!(dec("007").as_deref(), Some("7"));
    for bad in ["", "-", ".5", "5.", "1.2.3", "+1", "1234567890123456789", "0.1234567"] {
        assert_eq!(dec(bad), None, "{bad}");
    }
    let cat = Catalogue::parse(SHIPPED).unwrap();
    let si = cat.get("social_insurance_arrears").unwrap();
    let base =
        json!({"insurance_authority": "南京市社保中心", "insurance_scheme": "pension", "arrears_from": "2025-01-01"});
    let mut v = fields(base.clone());
    v.insert("affected_employees".into(), json!("042"));
    assert_eq!(si.check_fields(LegalPerson, &v, false).unwrap().last().unwrap().1, "42");
    v.insert("affected_employees".into(), json!(4.5));
    assert_eq!(si.check_fields(LegalPerson, &v, false).unwrap_err().code, "invalid_field_value");
}
