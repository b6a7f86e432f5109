//! Tests of `workflow.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const SHIPPED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/workflow.toml"));

#[test]
fn shipped_workflow_has_the_legal_defaults() {
    let w = WorkflowPolicy::parse(SHIPPED).unwrap();
    assert_eq!(w.objection.provider_decision_working_days, WorkingDays(3));
    assert_eq!(w.objection.extension.working_days, WorkingDays(3));
    assert_eq!(w.objection.extension.max_extensions, 1);
    assert_eq!(w.hard_cap(false), WorkingDays(7));
    assert_eq!(w.hard_cap(true), WorkingDays(20));
    assert_eq!(w.review.request_window_working_days, WorkingDays(15));
    assert_eq!(w.review.decision_working_days, WorkingDays(5));
    assert_eq!(w.objection.reminder_working_days_before_due, WorkingDays(1));
    assert!(w.objection.on_missed_deadline.suppresses_record());
    assert_eq!(w.objection.unverifiable_action, UnverifiableAction::Suppress);
    assert_eq!(w.recipients.lookback_years, 2);
    assert_eq!(w.statement.max_chars, 500);
    assert_eq!(w.objection.pause.max_working_days, WorkingDays(20));
    assert_eq!(w.provider_period(0, false), WorkingDays(3));
    assert_eq!(w.provider_period(1, false), WorkingDays(6));
    assert_eq!(w.provider_period(5, false), WorkingDays(6), "only one extension counts");
    assert!(w.may_extend(0) && !w.may_extend(1));
}

#[test]
fn incoherent_values_are_refused_by_key() {
    let over_cap = SHIPPED.replace("working_days = 7\n", "working_days = 5\n");
    let err = WorkflowPolicy::parse(&over_cap).unwrap_err();
    assert_eq!(err.key(), "objection.hard_cap.working_days");
    let bad_action = SHIPPED.replace("on_missed_deadline = \"suppress\"", "on_missed_deadline = \"ignore\"");
    let err = WorkflowPolicy::parse(&bad_action).unwrap_err();
    assert_eq!((err.code(), err.key()), ("unknown_code", "objection.on_missed_deadline"));
    let bad_unverifiable = SHIPPED.replace("unverifiable_action = \"suppress\"", "unverifiable_action = \"erase\"");
    let err = WorkflowPolicy::parse(&bad_unverifiable).unwrap_err();
    assert_eq!((err.code(), err.key()), ("unknown_code", "objection.unverifiable_action"));
    let zero = SHIPPED.replace("decision_working_days = 5", "decision_working_days = 0");
    assert_eq!(WorkflowPolicy::parse(&zero).unwrap_err().key(), "review.decision_working_days");
}
