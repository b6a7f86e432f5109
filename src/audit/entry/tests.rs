use super::*;
use crate::storage::audit_log::AuditEntryRow;

fn at(text: &str) -> Timestamp {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").unwrap_or_else(|e| panic!("{e}"))
}

fn row() -> AuditEntryRow {
    AuditEntryRow {
        sequence: 7,
        at: at("2026-09-30 01:00:00.123456").into(),
        request_id: "req".into(),
        actor_account_id: Some("acct".into()),
        organization_id: None,
        role: "requester".into(),
        action: "query".into(),
        purpose: Some("financial_credit".into()),
        authorization_id: None,
        subject_id: Some("subj".into()),
        record_ids: json_array(&["r1".into(), "r2".into()]),
        fields: json_array(&["name".into()]),
        decision: "allowed".into(),
        reason_code: None,
        policy_version: "v".into(),
        visible_to_subject_from: None,
        prev_mac: vec![0; 32],
        mac: vec![1; 32],
    }
}

fn encoded(row: &AuditEntryRow) -> Vec<u8> {
    let mut out = Vec::new();
    encode(row, &mut out);
    out
}

/// The encoding is a stored format: this golden vector must never change.
#[test]
fn canonical_encoding_is_stable() {
    let hex: String = encoded(&row()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        // tag "audit\0v1" | sequence 7 | at 2026-09-30T01:00:00.123456Z in µs | "req" | Some("acct") | None |
        // "requester" | "query" | Some("financial_credit") | None | Some("subj") | ["r1","r2"] | ["name"] |
        // "allowed" | None | "v" | None
        "6175646974007631000000000000000700065ca8d18bc6400000000372657101000000046163637400000000097265717565\
         73746572000000057175657279010000001066696e616e6369616c5f6372656469740001000000047375626a0000000b5b22\
         7231222c227232225d000000085b226e616d65225d00000007616c6c6f77656400000000017600"
    );
}

#[test]
fn every_column_but_the_macs_changes_the_encoding() {
    let base = encoded(&row());
    let mutations: Vec<fn(&mut AuditEntryRow)> = vec![
        |r| r.sequence += 1,
        |r| r.at.0 += chrono::Duration::microseconds(1),
        |r| r.request_id.push('x'),
        |r| r.actor_account_id = None,
        |r| r.organization_id = Some(String::new()),
        |r| r.role = "officer".into(),
        |r| r.action = "export".into(),
        |r| r.purpose = None,
        |r| r.authorization_id = Some("a".into()),
        |r| r.subject_id = Some("subk".into()),
        |r| r.record_ids = json_array(&["r1".into()]),
        |r| r.fields = json_array(&[]),
        |r| r.decision = "denied".into(),
        |r| r.reason_code = Some("x".into()),
        |r| r.policy_version = "w".into(),
        |r| r.visible_to_subject_from = Some(r.at),
    ];
    for (i, mutate) in mutations.into_iter().enumerate() {
        let mut changed = row();
        mutate(&mut changed);
        assert_ne!(encoded(&changed), base, "mutation {i} left the encoding unchanged");
    }
    let mut macs = row();
    macs.mac = vec![9; 32];
    macs.prev_mac = vec![9; 32];
    assert_eq!(encoded(&macs), base, "the MACs are chained separately, not encoded");
}

#[test]
fn absent_and_empty_and_shifted_values_differ() {
    let mut a = row();
    a.request_id = "ab".into();
    a.role = "c".into();
    let mut b = row();
    b.request_id = "a".into();
    b.role = "bc".into();
    assert_ne!(encoded(&a), encoded(&b));
}

#[test]
fn json_arrays_escape_and_parse_back() {
    let items = vec!["plain".to_owned(), "quo\"te".into(), "back\\slash".into(), "nl\n".into(), "名".into()];
    let text = json_array(&items);
    assert_eq!(text, r#"["plain","quo\"te","back\\slash","nl\u000a","名"]"#);
    assert_eq!(serde_json::from_str::<Vec<String>>(&text).ok(), Some(items));
    assert_eq!(json_array(&[]), "[]");
}

#[test]
fn vocabularies_round_trip_and_times_are_cut_to_microseconds() {
    for action in Action::ALL {
        assert_eq!(Action::parse(action.as_str()), Some(*action));
    }
    assert_eq!(Action::ALL.len(), 16);
    assert_eq!(Decision::parse("denied"), Some(Decision::Denied));
    assert_eq!(Decision::parse("Denied"), None);
    let fine = at("2026-09-30 01:00:00.123456789");
    assert_eq!(to_micros(fine), at("2026-09-30 01:00:00.123456"));
}
