//! Tests of the objection state machine. The expectations are written out by hand, independent of
//! `apply`'s match, and every (state, event, actor) combination is tried against them.

use super::*;

const EVENT_NAMES: &[&str] = &[
    "accept",
    "mark_incomplete",
    "resubmit",
    "forward",
    "extend",
    "pause_clock",
    "miss_deadline",
    "decide_upheld",
    "decide_corrected",
    "decide_withdrawn_entry",
    "decide_unverifiable",
    "request_review",
    "decide_review",
    "withdraw",
];

fn event(name: &str) -> ObjectionEvent {
    use ObjectionEvent as E;
    match name {
        "accept" => E::Accept,
        "mark_incomplete" => E::MarkIncomplete { missing: vec!["evidence".to_owned()] },
        "resubmit" => E::Resubmit,
        "forward" => E::Forward,
        "extend" => E::Extend,
        "pause_clock" => E::PauseClock,
        "miss_deadline" => E::MissDeadline,
        "decide_upheld" => E::Decide(Outcome::Upheld),
        "decide_corrected" => E::Decide(Outcome::Corrected),
        "decide_withdrawn_entry" => E::Decide(Outcome::WithdrawnEntry),
        "decide_unverifiable" => E::Decide(Outcome::Unverifiable),
        "request_review" => E::RequestReview,
        "decide_review" => E::DecideReview,
        "withdraw" => E::Withdraw,
        other => panic!("no event {other}"),
    }
}

fn actors() -> Vec<Actor> {
    let mut all: Vec<Actor> = Role::ALL.iter().map(|&role| Actor::from(role)).collect();
    all.push(Actor::System);
    all
}

const OFFICER: &str = "officer";
const SYSTEM: &str = "system";
const SUBJECT: &str = "subject";
const PROVIDER: &str = "provider";

/// Every allowed (from, event, actor) -> to, with the effects (besides `is_terminal`) it has.
/// `extend` is allowed only while the extension is unused; everything else ignores it.
#[rustfmt::skip]
const ALLOWED: &[(&str, &str, &str, &str, &[&str])] = &[
    ("submitted", "accept", OFFICER, "accepted", &["flags"]),
    ("submitted", "accept", SYSTEM, "accepted", &["flags"]),
    ("submitted", "mark_incomplete", OFFICER, "incomplete", &[]),
    ("submitted", "mark_incomplete", SYSTEM, "incomplete", &[]),
    ("incomplete", "resubmit", SUBJECT, "submitted", &[]),
    ("accepted", "forward", OFFICER, "with_provider", &[]),
    ("accepted", "forward", SYSTEM, "with_provider", &[]),
    ("with_provider", "extend", PROVIDER, "with_provider", &[]),
    ("with_provider", "pause_clock", PROVIDER, "with_provider", &[]),
    ("with_provider", "miss_deadline", SYSTEM, "overdue", &["suppresses"]),
    ("with_provider", "decide_upheld", PROVIDER, "upheld", &["clears"]),
    ("with_provider", "decide_corrected", PROVIDER, "corrected", &["clears", "version", "notify"]),
    ("with_provider", "decide_withdrawn_entry", PROVIDER, "withdrawn_entry", &["clears", "withdraws", "notify"]),
    ("with_provider", "decide_unverifiable", PROVIDER, "unverifiable", &["clears", "annotates", "notify"]),
    ("overdue", "decide_upheld", PROVIDER, "upheld", &["clears", "lifts"]),
    ("overdue", "decide_corrected", PROVIDER, "corrected", &["clears", "lifts", "version", "notify"]),
    ("overdue", "decide_withdrawn_entry", PROVIDER, "withdrawn_entry", &["clears", "lifts", "withdraws", "notify"]),
    ("overdue", "decide_unverifiable", PROVIDER, "unverifiable", &["clears", "lifts", "annotates", "notify"]),
    ("upheld", "request_review", SUBJECT, "review_requested", &["flags"]),
    ("corrected", "request_review", SUBJECT, "review_requested", &["flags"]),
    ("withdrawn_entry", "request_review", SUBJECT, "review_requested", &["flags"]),
    ("unverifiable", "request_review", SUBJECT, "review_requested", &["flags"]),
    ("review_requested", "decide_review", OFFICER, "review_decided", &["clears"]),
    ("submitted", "withdraw", SUBJECT, "withdrawn", &[]),
    ("incomplete", "withdraw", SUBJECT, "withdrawn", &[]),
    ("accepted", "withdraw", SUBJECT, "withdrawn", &["clears"]),
    ("with_provider", "withdraw", SUBJECT, "withdrawn", &["clears"]),
    ("overdue", "withdraw", SUBJECT, "withdrawn", &["clears", "lifts"]),
    ("review_requested", "withdraw", SUBJECT, "withdrawn", &["clears"]),
];

fn effects(t: &Transition) -> Vec<&'static str> {
    [
        (t.flags_record_disputed, "flags"),
        (t.clears_dispute, "clears"),
        (t.suppresses_record, "suppresses"),
        (t.lifts_suppression, "lifts"),
        (t.new_record_version, "version"),
        (t.withdraws_record, "withdraws"),
        (t.annotates_permanently, "annotates"),
        (t.notify_recipients, "notify"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

#[test]
fn exactly_the_allowed_combinations_succeed_with_their_effects() {
    let mut successes = 0;
    for &status in ObjectionStatus::ALL {
        for extension_used in [false, true] {
            let state = ObjectionState { status, extension_used };
            for &name in EVENT_NAMES {
                let ev = event(name);
                for actor in actors() {
                    let expected = ALLOWED.iter().find(|(from, e, who, _, _)| {
                        *from == status.as_str()
                            && *e == name
                            && *who == actor.as_str()
                            && !(name == "extend" && extension_used)
                    });
                    let result = apply(&state, &ev, actor);
                    let case = format!("{status} (ext {extension_used}) --{name} by {}-->", actor.as_str());
                    match expected {
                        Some(&(_, _, _, to, want)) => {
                            let t = result.unwrap_or_else(|e| panic!("{case} refused: {e}"));
                            assert_eq!(t.to.status.as_str(), to, "{case}");
                            assert_eq!(t.to.extension_used, extension_used || name == "extend", "{case}");
                            assert_eq!(effects(&t), want, "{case}");
                            assert_eq!(t.is_terminal, matches!(to, "review_decided" | "withdrawn"), "{case}");
                            successes += 1;
                        }
                        None => assert_eq!(
                            result,
                            Err(DomainError::TransitionRefused { from: status.as_str(), event: ev.as_str() }),
                            "{case} should be refused"
                        ),
                    }
                }
            }
        }
    }
    // 29 rows, each for both extension values except the one `extend` row.
    assert_eq!(successes, 57);
}

#[test]
fn named_refusals() {
    let with_provider = ObjectionState { status: ObjectionStatus::WithProvider, extension_used: false };
    // A provider cannot withdraw for the subject, nor a subject decide.
    assert!(apply(&with_provider, &ObjectionEvent::Withdraw, Role::Provider).is_err());
    assert!(apply(&with_provider, &ObjectionEvent::Decide(Outcome::Corrected), Role::Subject).is_err());
    // A second extension is refused.
    let once = apply(&with_provider, &ObjectionEvent::Extend, Role::Provider).map(|t| t.to);
    assert_eq!(once, Ok(ObjectionState { status: ObjectionStatus::WithProvider, extension_used: true }));
    let twice = once.and_then(|s| apply(&s, &ObjectionEvent::Extend, Role::Provider));
    assert_eq!(twice, Err(DomainError::TransitionRefused { from: "with_provider", event: "extend" }));
    // Only the sweeper marks a case overdue; a closed case cannot be withdrawn.
    assert!(apply(&with_provider, &ObjectionEvent::MissDeadline, Role::Officer).is_err());
    let decided = ObjectionState { status: ObjectionStatus::Decided(Outcome::Upheld), extension_used: false };
    assert!(apply(&decided, &ObjectionEvent::Withdraw, Role::Subject).is_err());
    assert!(!ObjectionEvent::Withdraw.may_be_caused_by(Role::Provider.into()));
}

#[test]
fn incomplete_must_list_what_is_missing() {
    let refused = Err(DomainError::InvalidValue { field: "missing", reason: "must_list_missing_items" });
    for missing in [vec![], vec!["id copy".to_owned(), "  ".to_owned()]] {
        let event = ObjectionEvent::MarkIncomplete { missing };
        assert_eq!(apply(&ObjectionState::FILED, &event, Role::Officer), refused);
    }
}

#[test]
fn a_whole_case_runs_through() {
    use ObjectionEvent as E;
    let steps: [(ObjectionEvent, Actor); 6] = [
        (E::Accept, Actor::System),
        (E::Forward, Actor::System),
        (E::MissDeadline, Actor::System),
        (E::Decide(Outcome::Corrected), Role::Provider.into()),
        (E::RequestReview, Role::Subject.into()),
        (E::DecideReview, Role::Officer.into()),
    ];
    let end = steps.iter().try_fold(ObjectionState::FILED, |s, (e, a)| apply(&s, e, *a).map(|t| t.to));
    assert_eq!(end.map(|s| s.status), Ok(ObjectionStatus::ReviewDecided));
}

#[test]
fn status_spellings_round_trip() {
    assert_eq!(ObjectionStatus::ALL.len(), 12);
    for &status in ObjectionStatus::ALL {
        assert_eq!(status.as_str().parse::<ObjectionStatus>(), Ok(status));
        let json = serde_json::to_string(&status).unwrap_or_default();
        assert_eq!(json, format!("\"{status}\""));
        assert_eq!(serde_json::from_str::<ObjectionStatus>(&json).ok(), Some(status));
        assert!(!(status.is_open() && status.is_terminal()), "{status}");
    }
    assert!("decided".parse::<ObjectionStatus>().is_err());
    assert!("Submitted".parse::<ObjectionStatus>().is_err());
    assert!(serde_json::from_str::<ObjectionStatus>("\"closed\"").is_err());
    let open: Vec<_> = ObjectionStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect();
    let expected = ["submitted", "incomplete", "accepted", "with_provider", "overdue", "review_requested"];
    assert_eq!(open, expected);
}

#[test]
fn decision_outcome_wire_spellings_map_to_outcomes() {
    let pairs = [
        ("upheld", Outcome::Upheld),
        ("corrected", Outcome::Corrected),
        ("withdrawn", Outcome::WithdrawnEntry),
        ("unverifiable", Outcome::Unverifiable),
    ];
    for (wire, outcome) in pairs {
        let parsed = wire.parse::<DecisionOutcome>().map(Outcome::from);
        assert_eq!(parsed, Ok(outcome));
        let json = serde_json::from_str::<DecisionOutcome>(&format!("\"{wire}\"")).map(Outcome::from);
        assert_eq!(json.ok(), Some(outcome));
    }
    assert!("withdrawn_entry".parse::<DecisionOutcome>().is_err());
    assert_eq!(DecisionOutcome::ALL.len(), 4);
}

#[test]
fn grounds_have_their_spellings() {
    let spellings: Vec<_> = ObjectionGround::ALL.iter().map(|g| g.as_str()).collect();
    let expected =
        ["error_or_omission", "infringes_rights", "past_disclosure_period", "wrongly_listed", "other_breach_of_law"];
    assert_eq!(spellings, expected);
    for &ground in ObjectionGround::ALL {
        assert_eq!(ground.as_str().parse::<ObjectionGround>(), Ok(ground));
    }
    assert_eq!("privacy".parse::<ObjectionGround>(), Err(DomainError::UnknownCode { what: "objection ground" }));
}
