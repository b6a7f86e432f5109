//! Tests of `catalogue.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn period_rules() {
    let five = PeriodRule::YearsFromConductEnd(5);
    assert_eq!(five.disclose_until(Some(d("2020-03-10")), d("2026-01-05")), Some(d("2025-03-10")));
    assert_eq!(five.disclose_until(None, d("2026-01-05")), Some(d("2031-01-05")), "from submission");
    assert_eq!(five.disclose_until(Some(d("2024-02-29")), d("2024-03-01")), Some(d("2029-02-28")));
    for open in [PeriodRule::UntilRemoved, PeriodRule::LongTerm, PeriodRule::WhileValid] {
        assert_eq!(open.disclose_until(Some(d("2020-01-01")), d("2026-01-01")), None);
    }
}

#[test]
fn shipped_period_rules_match_the_categories() {
    let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/catalogue.toml"));
    let cat = Catalogue::parse(text).unwrap();
    for rt in cat.iter() {
        let expected = match rt.category {
            RecordCategory::Adverse => PeriodRule::YearsFromConductEnd(5),
            RecordCategory::SeriousDishonesty => PeriodRule::UntilRemoved,
            RecordCategory::Good => PeriodRule::LongTerm,
            RecordCategory::Basic => PeriodRule::WhileValid,
        };
        assert_eq!(rt.period, expected, "{}", rt.code);
    }
    let penalty = cat.get("administrative_penalty").unwrap();
    assert_eq!(penalty.disclosure_for(SubjectKind::LegalPerson), DisclosureLevel::Public);
    assert_eq!(penalty.disclosure_for(SubjectKind::NaturalPerson), DisclosureLevel::Shared, "R-10");
    let court = cat.get("court_dishonest_debtor").unwrap();
    assert_eq!(court.disclosure_for(SubjectKind::NaturalPerson), DisclosureLevel::Public, "SPC Art. 5");
    assert!(cat.get("tax_arrears").unwrap().field("arrears_amount").unwrap().financial);
    assert!(cat.get("nope").is_none());
}

#[test]
fn prohibited_names_and_their_variants() {
    for bad in [
        "religion",
        "religious_belief",
        "gene",
        "genes",
        "genetic_test",
        "dna_sample",
        "fingerprint",
        "fingerprints",
        "blood_type",
        "bloodtype",
        "BloodGroup",
        "disease",
        "chronic_diseases",
        "medical_history",
        "medical_record",
        "biometric_template",
    ] {
        assert!(prohibited_reason(bad).is_some(), "{bad} must be prohibited");
    }
    for ok in ["general", "legal_representative", "registered_name", "insurance_scheme", "generation", "good_faith"] {
        assert_eq!(prohibited_reason(ok), None, "{ok} is allowed");
    }
}
