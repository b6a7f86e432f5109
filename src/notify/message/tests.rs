//! Every message renders in both languages from its own templates, with what it must say.

use super::*;
use crate::domain::objection::{ObjectionGround, Outcome};
use chrono::NaiveDate;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).expect("valid date")
}

fn all() -> Vec<Box<dyn Email>> {
    let id = || "obj-1".to_owned();
    vec![
        Box::new(ObjectionReceived { objection_id: id(), record_type: "行政处罚".into(), received_on: day(8) }),
        Box::new(ObjectionAccepted { objection_id: id(), record_type: "行政处罚".into(), due_on: day(13) }),
        Box::new(ObjectionIncomplete { objection_id: id(), missing: vec!["证据A".into(), "证据B".into()] }),
        Box::new(ObjectionExtended { objection_id: id(), reason: "需调取档案".into(), due_on: day(16) }),
        Box::new(ObjectionDecided {
            objection_id: id(),
            outcome: Outcome::Corrected,
            reasons: "核实有误".into(),
            review_until: Some(day(30)),
        }),
        Box::new(ReviewRequested { objection_id: id(), requested_on: day(9), due_on: day(16) }),
        Box::new(ReviewDecided { objection_id: id(), outcome: Outcome::Upheld, reasons: "维持".into() }),
        Box::new(NewObjectionForProvider {
            objection_id: id(),
            record_id: "rec-9".into(),
            record_type: "行政处罚".into(),
            ground: ObjectionGround::ErrorOrOmission,
            fields: vec!["amount".into(), "decided_on".into()],
            due_on: day(13),
        }),
        Box::new(DeadlineReminder { objection_id: id(), record_id: "rec-9".into(), due_on: day(13) }),
        Box::new(DeadlineBreached {
            objection_id: id(),
            record_id: "rec-9".into(),
            provider: "市场监督管理局".into(),
            due_on: day(13),
            suppressed: true,
        }),
        Box::new(RecordCorrectedForRecipient {
            record_id: "rec-9".into(),
            record_type: "行政处罚".into(),
            change: RecordChange::Corrected { new_version: 2 },
            changed_on: day(14),
            received_on: day(1),
        }),
        Box::new(CheckpointCreated {
            size: 1000,
            head_mac_hex: "ab".repeat(32),
            signature_hex: "cd".repeat(64),
            public_key_hex: "ef".repeat(32),
            created_at: "2026-10-08T01:00:00Z".into(),
        }),
        Box::new(QueryVolumeAlert {
            organization: "南京市某银行".into(),
            organization_id: id(),
            queries: 2401,
            threshold: 2000,
            from: "2026-10-08T01:00:00Z".into(),
            to: "2026-10-08T02:00:00Z".into(),
        }),
    ]
}

#[test]
fn every_message_renders_in_both_languages_with_a_one_line_subject() {
    let messages = all();
    assert_eq!(messages.len(), 13);
    for message in &messages {
        for locale in [Locale::ZhCn, Locale::En] {
            let rendered = message.render(locale).expect("renders");
            assert!(!rendered.subject.is_empty() && !rendered.subject.contains('\n'), "{}", message.kind());
            assert!(!rendered.body.contains("{{") && !rendered.body.contains("{%"), "{}", message.kind());
            let footer =
                if locale == Locale::En { "Nanjing Public Credit" } else { "南京市公共信用信息平台" };
            assert!(rendered.body.contains(footer), "{} {locale:?} lacks the footer", message.kind());
        }
    }
}

#[test]
fn bodies_carry_what_the_reader_needs() {
    let incomplete =
        ObjectionIncomplete { objection_id: "o".into(), missing: vec!["证据A".into(), "证据B".into()] };
    let zh = incomplete.render(Locale::ZhCn).expect("renders");
    assert!(zh.body.contains("  - 证据A\n  - 证据B"), "every missing item, listed: {}", zh.body);

    let decided = ObjectionDecided {
        objection_id: "obj-7".into(),
        outcome: Outcome::WithdrawnEntry,
        reasons: "the source decision was revoked".into(),
        review_until: Some(day(30)),
    };
    let en = decided.render(Locale::En).expect("renders");
    assert_eq!(en.subject, "Your objection obj-7 was decided");
    assert!(en.body.contains("Outcome: the entry is withdrawn"));
    assert!(en.body.contains("Reasons: the source decision was revoked"));
    assert!(en.body.contains("until the end of 2026-10-30"));
    let no_review = ObjectionDecided { review_until: None, ..decided };
    assert!(!no_review.render(Locale::En).expect("renders").body.contains("re-review"));

    let withdrawn = RecordCorrectedForRecipient {
        record_id: "rec-1".into(),
        record_type: "t".into(),
        change: RecordChange::Withdrawn,
        changed_on: day(14),
        received_on: day(1),
    };
    let zh = withdrawn.render(Locale::ZhCn).expect("renders");
    assert!(zh.subject.contains("已撤销") && zh.body.contains("撤销"), "{}", zh.body);

    let review = ReviewReminder { objection_id: "obj-9".into(), record_id: "rec-9".into(), due_on: day(27) };
    let en = review.render(Locale::En).expect("renders");
    assert!(en.subject.contains("re-review of objection obj-9") && en.body.contains("by the end of 2026-10-27"));
    let zh = review.render(Locale::ZhCn).expect("renders");
    assert!(zh.subject.contains("复核") && zh.body.contains("2026-10-27"), "{}", zh.body);

    let late = ReviewOverdue { objection_id: "obj-9".into(), record_id: "rec-9".into(), due_on: day(27) };
    let en = late.render(Locale::En).expect("renders");
    assert!(en.subject.contains("past its due date (2026-10-27)") && en.body.contains("has not been decided"));
    assert!(late.render(Locale::ZhCn).expect("renders").body.contains("仍未作出复核决定"));

    let paused = ClockPaused {
        objection_id: "obj-3".into(),
        kind: crate::domain::clock_pause::ClockPauseKind::ExpertReview,
        working_days: 5,
        reason: "expert opinion needed".into(),
        due_on: day(16),
    };
    let en = paused.render(Locale::En).expect("renders");
    assert!(en.subject.contains("expert review is not counted") && en.body.contains("moves by 5 working days"));
    assert!(en.body.contains("by the end of 2026-10-16") && en.body.contains("Reason given: expert opinion needed"));
    assert!(paused.render(Locale::ZhCn).expect("renders").body.contains("专家评审"));

    let withheld = RecordCorrectedForRecipient { change: RecordChange::Unverifiable { withheld: true }, ..withdrawn };
    let en = withheld.render(Locale::En).expect("renders");
    assert!(en.subject.contains("could not be verified"), "{}", en.subject);
    assert!(en.body.contains("permanent note") && en.body.contains("no longer disclosed"), "{}", en.body);
    let zh = withheld.render(Locale::ZhCn).expect("renders");
    assert!(zh.subject.contains("无法核实") && zh.body.contains("不再公开"), "{}", zh.body);
    let kept = RecordCorrectedForRecipient { change: RecordChange::Unverifiable { withheld: false }, ..withheld };
    let en = kept.render(Locale::En).expect("renders");
    assert!(en.body.contains("permanent note") && !en.body.contains("no longer disclosed"), "{}", en.body);
}

#[test]
fn locales_parse_with_zh_cn_as_the_default() {
    assert_eq!(Locale::parse_or_default("en"), Locale::En);
    assert_eq!(Locale::parse_or_default("en-GB"), Locale::En);
    assert_eq!(Locale::parse_or_default("zh-CN"), Locale::ZhCn);
    assert_eq!(Locale::parse_or_default(""), Locale::ZhCn);
    assert_eq!(Locale::ZhCn.as_str(), "zh-CN");
}

#[test]
fn a_rendered_message_does_not_print_its_text() {
    let rendered = Rendered::new("subject line", "secret body".into());
    assert!(!format!("{rendered:?}").contains("secret"));
}
