//! The deadline sweeper: the reminder one working day before the due date (the provider's, and
//! the officers' for a re-review), the missed deadline
//! (overdue, record suppressed, escalation mail delivered to a real SMTP server), the late
//! decision that still closes the case, two instances sweeping one database concurrently (each
//! timeout fires exactly once), and an SMTP outage (mail waits in the outbox, then goes out once).

use super::{Case, case, event_kinds};
use crate::smtp_sink::{Received, SmtpSink};
use credit_platform::config::{MailTransport, SmtpTls};
use credit_platform::notify::{Mailer, run_once};
use credit_platform::storage::objections as rows;
use credit_platform::workflow::objections::sweep::{self, Swept};
use credit_platform::workflow::{Platform, bootstrap};
use reqwest::StatusCode;
use serde_json::json;

fn smtp_mailer(case: &Case, port: u16) -> Mailer {
    let mut settings = case.app.platform.settings.mail.clone();
    settings.transport = MailTransport::Smtp;
    settings.smtp_host = "127.0.0.1".into();
    settings.smtp_port = port;
    settings.smtp_tls = SmtpTls::None;
    settings.smtp_timeout_seconds = 5;
    Mailer::from_settings(&settings, std::path::Path::new("/nonexistent")).expect("smtp mailer")
}

/// Drains the outbox through `mailer` until nothing is due.
async fn drain(case: &Case, mailer: &Mailer) {
    while !run_once(&case.app.platform, mailer).await.expect("sender pass").idle {}
}

fn to(message: &Received) -> String {
    message.rcpt_to.join(",")
}

#[tokio::test]
async fn a_provider_who_does_not_answer_is_reminded_escalated_and_may_still_decide_late() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let sink = SmtpSink::start();
    let mailer = smtp_mailer(&case, sink.port());
    drain(&case, &mailer).await;
    let filed_mail = sink.messages().len();

    // Oct 8: two working days left, nothing to do.
    case.at_local("2026-10-08 09:00");
    assert_eq!(case.sweep(), Swept::default());
    // Oct 9, one working day before the Oct 10 due date: the reminder, once.
    case.at_local("2026-10-09 08:00");
    assert_eq!(case.sweep(), Swept { reminded: 1, overdue: 0 });
    assert_eq!(case.sweep(), Swept::default(), "a second pass finds nothing to do");
    // Oct 10 is the last day: still with the provider until its end.
    case.at_local("2026-10-10 23:59");
    assert_eq!(case.sweep(), Swept::default());
    assert!(!case.record_row(&record).suppressed);

    // Sunday Oct 11: the deadline passed.
    case.at_local("2026-10-11 00:01");
    assert_eq!(case.sweep(), Swept { reminded: 0, overdue: 1 });
    assert_eq!(case.sweep(), Swept::default());
    let row = case.record_row(&record);
    assert!(row.suppressed && row.disputed, "withheld from queries until decided, still disputed");
    let view = case.objection(&case.subject, &id).await;
    assert_eq!(view["status"], "overdue");
    assert_eq!(view["days_left"], 0, "a Sunday: no working day overdue yet");
    assert_eq!(event_kinds(&view), ["filed", "accept", "forward", "reminder", "miss_deadline"]);

    drain(&case, &mailer).await;
    let messages = sink.messages()[filed_mail..].to_vec();
    let reminder: Vec<&Received> = messages.iter().filter(|m| m.subject().contains("提醒")).collect();
    let breach: Vec<&Received> = messages.iter().filter(|m| m.subject().starts_with("逾期")).collect();
    assert_eq!(reminder.len(), 1, "{:?}", messages.iter().map(Received::subject).collect::<Vec<_>>());
    assert_eq!(to(reminder[0]), format!("RCPT TO:<{}>", case.provider_email));
    assert!(breach.iter().all(|m| m.subject().contains(&id) && m.body().contains("2026-10-10")));
    let escalated: Vec<String> = breach.iter().map(|m| to(m)).collect();
    assert!(escalated.contains(&format!("RCPT TO:<{}>", case.provider_email)), "{escalated:?}");
    assert!(escalated.contains(&format!("RCPT TO:<{}>", case.officer_email)), "{escalated:?}");
    assert_eq!(case.count_outbox("deadline_breached"), 2);

    // The late decision still closes the case and lifts the suppression.
    case.at_local("2026-10-12 10:00");
    assert_eq!(case.objection(&case.provider, &id).await["days_left"], -1, "one working day overdue");
    let (status, body) =
        case.act(&case.provider, &id, "decision", json!({ "outcome": "upheld", "reason": "信息无误" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let row = case.record_row(&record);
    assert!(!row.suppressed && !row.disputed);
    assert_eq!(case.sweep(), Swept::default());
    assert_eq!(case.objection(&case.subject, &id).await["status"], "upheld");
}

#[tokio::test]
async fn an_extension_moves_the_reminder_and_the_timeout() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    case.at_local("2026-10-09 09:00");
    assert_eq!(case.sweep().reminded, 1);
    let extension = json!({ "reason": "需调取原始档案", "approval_reference": "批-7" });
    assert_eq!(case.act(&case.provider, &id, "extension", extension).await.0, StatusCode::OK);
    case.at_local("2026-10-11 09:00");
    assert_eq!(case.sweep(), Swept::default(), "now due Oct 14");
    case.at_local("2026-10-13 09:00");
    assert_eq!(case.sweep(), Swept { reminded: 1, overdue: 0 }, "a reminder for the new date");
    case.at_local("2026-10-15 09:00");
    assert_eq!(case.sweep(), Swept { reminded: 0, overdue: 1 });
    assert_eq!(case.count_outbox("deadline_reminder"), 2);
}

/// An objection whose provider was reminded and decided, and whose subject asked on Tue Oct 20
/// for a re-review: due at the end of Tue Oct 27 (5 working days), reminder on Oct 26.
async fn review_requested_on_october_20(case: &Case) -> String {
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    case.at_local("2026-10-09 09:00");
    assert_eq!(case.sweep().reminded, 1, "the provider's reminder");
    let upheld = json!({ "outcome": "upheld", "reason": "信息无误" });
    assert_eq!(case.act(&case.provider, &id, "decision", upheld).await.0, StatusCode::OK);
    case.at_local("2026-10-20 10:00");
    let (status, body) = case.act(&case.subject, &id, "review", json!({ "reason": "信息有误" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// A re-review is the officers' deadline: they are reminded one working day before it, once,
/// even when the provider was reminded before deciding, and not after the review is decided.
#[tokio::test]
async fn officers_are_reminded_once_before_a_re_review_is_due() {
    let case = case().await;
    let id = review_requested_on_october_20(&case).await;
    case.at_local("2026-10-23 17:00");
    assert_eq!(case.sweep(), Swept::default());
    case.at_local("2026-10-26 08:00");
    assert_eq!(case.sweep(), Swept { reminded: 1, overdue: 0 });
    assert_eq!(case.sweep(), Swept::default(), "a second pass finds nothing to do");
    assert_eq!(case.count_outbox("review_reminder"), 1);
    assert_eq!(case.count_outbox("deadline_reminder"), 1, "the provider is not reminded of the review");
    assert!(event_kinds(&case.objection(&case.officer, &id).await).contains(&"review_reminder".to_owned()));

    let decided = json!({ "decision": "upheld", "reason": "复核维持" });
    assert_eq!(case.act(&case.officer, &id, "review", decided).await.0, StatusCode::OK);
    case.at_local("2026-10-28 09:00");
    assert_eq!(case.sweep(), Swept::default());
    assert_eq!((case.count_outbox("review_reminder"), case.count_outbox("review_overdue")), (1, 0));
}

/// A re-review still undecided after its due date is escalated once, to the officers and the
/// subject; the case stays with the officers, who may still decide it.
#[tokio::test]
async fn a_re_review_past_its_due_date_is_escalated_once_and_may_still_be_decided() {
    let case = case().await;
    let id = review_requested_on_october_20(&case).await;
    case.at_local("2026-10-27 23:59");
    assert_eq!(case.sweep(), Swept { reminded: 1, overdue: 0 }, "due at the end of the day: only the reminder");
    case.at_local("2026-10-28 00:01");
    assert_eq!(case.sweep(), Swept { reminded: 0, overdue: 1 });
    assert_eq!(case.sweep(), Swept::default(), "once");
    assert_eq!(case.count_outbox("review_overdue"), 2, "the officer and the subject");
    let view = case.objection(&case.subject, &id).await;
    assert_eq!(view["status"], "review_requested");
    assert!(event_kinds(&view).contains(&"review_overdue".to_owned()));

    let decided = json!({ "decision": "upheld", "reason": "复核维持" });
    assert_eq!(case.act(&case.officer, &id, "review", decided).await.0, StatusCode::OK);
    assert_eq!(case.sweep(), Swept::default());
}

#[tokio::test]
async fn two_instances_sweeping_one_database_fire_each_timeout_exactly_once() {
    let case = case().await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        let record = case.record().await;
        ids.push(case.file_ok(&record).await["id"].as_str().unwrap().to_owned());
    }
    // A second instance: its own pool over the same database, as a second server would have.
    let second = bootstrap::prepare((*case.app.platform.settings).clone(), case.app.clock.clone()).expect("second");
    let platforms = [case.app.platform.clone(), second];

    for (local, kind) in [("2026-10-09 09:00", "reminder"), ("2026-10-12 09:00", "miss_deadline")] {
        case.at_local(local);
        let runners: Vec<std::thread::JoinHandle<Swept>> = platforms
            .iter()
            .cloned()
            .flat_map(|platform: Platform| [platform.clone(), platform])
            .map(|platform| {
                std::thread::spawn(move || {
                    let mut total = Swept::default();
                    for _ in 0..3 {
                        let swept = sweep::run_once(&platform).expect("pass");
                        total.reminded += swept.reminded;
                        total.overdue += swept.overdue;
                    }
                    total
                })
            })
            .collect();
        let done: Vec<Swept> = runners.into_iter().map(|r| r.join().expect("sweeper thread")).collect();
        let applied: usize = done.iter().map(|s| s.reminded + s.overdue).sum();
        assert_eq!(applied, ids.len(), "{kind}: each applied by exactly one pass: {done:?}");
        let mut conn = case.app.platform.db.get().unwrap();
        for id in &ids {
            assert_eq!(rows::count_events(&mut conn, id, kind).unwrap(), 1, "{kind} of {id}");
        }
    }
    // E-mails: one reminder per objection to the provider, one breach each to provider and officer.
    assert_eq!(case.count_outbox("deadline_reminder"), ids.len());
    assert_eq!(case.count_outbox("deadline_breached"), 2 * ids.len());
}

#[tokio::test]
async fn while_smtp_is_down_objection_mail_waits_in_the_outbox_and_then_goes_out_once() {
    let case = case().await;
    let mut sink = SmtpSink::start();
    sink.stop();
    let mailer = smtp_mailer(&case, sink.port());
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    case.at_local("2026-10-11 09:00");
    case.sweep();
    let queued = case.outbox_kinds().len();
    assert_eq!(queued, 5, "accepted, new objection, reminder, breach to provider and officer");

    for _ in 0..3 {
        let outcome = run_once(&case.app.platform, &mailer).await.expect("a failed delivery is not a failed pass");
        assert_eq!(outcome.sent, 0);
        case.app.clock.advance(chrono::Duration::minutes(5));
    }
    assert!(sink.messages().is_empty());

    sink.restart();
    case.app.clock.advance(chrono::Duration::hours(1));
    drain(&case, &mailer).await;
    let delivered = sink.messages();
    assert_eq!(delivered.len(), queued, "every message, once");
    let mut ids: Vec<String> = delivered.iter().map(Received::message_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), queued, "none twice");
    assert!(delivered.iter().any(|m| to(m) == format!("RCPT TO:<{}>", case.subject_email) && m.body().contains(&id)));
    drain(&case, &mailer).await;
    assert_eq!(sink.messages().len(), queued);
}

/// expert review is not counted. The provider declares a 5-working-day pause: the due
/// date moves from Sat Oct 10 to Fri Oct 16, the reminder and the timeout with it, and the
/// subject is told why. Refusals: an unknown kind, no days, more than the policy allows in all,
/// a subject declaring it, and a pause once the deadline has passed.
#[tokio::test]
async fn a_declared_pause_moves_the_deadline_within_the_policy_allowance() {
    let case = case().await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let declare =
        |kind: &str, days: u32| json!({ "kind": kind, "reason": "需委托专家评审罚款依据", "working_days": days });

    let refusals = [
        (&case.provider, declare("holiday", 5), StatusCode::UNPROCESSABLE_ENTITY, "kind"),
        (&case.provider, declare("expert_review", 0), StatusCode::UNPROCESSABLE_ENTITY, "working_days"),
        (&case.provider, declare("expert_review", 21), StatusCode::UNPROCESSABLE_ENTITY, "working_days"),
    ];
    for (token, body, status, field) in refusals {
        let (got, answer) = case.act(token, &id, "pause", body).await;
        assert_eq!((got, answer["error"]["field"].as_str()), (status, Some(field)), "{answer}");
    }
    assert_eq!(case.act(&case.subject, &id, "pause", declare("testing", 2)).await.0, StatusCode::FORBIDDEN);

    let (status, body) = case.act(&case.provider, &id, "pause", declare("expert_review", 5)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = case.objection(&case.subject, &id).await;
    assert_eq!(view["due_on"], "2026-10-16");
    assert!(event_kinds(&view).contains(&"pause_clock".to_owned()));
    assert_eq!(case.count_outbox("clock_paused"), 1);
    let (status, body) = case.act(&case.provider, &id, "pause", declare("appraisal", 16)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pause_limit_exceeded"))
    );

    case.at_local("2026-10-11 09:00");
    assert_eq!(case.sweep(), Swept::default(), "not overdue: the pause is not counted");
    case.at_local("2026-10-15 09:00");
    assert_eq!(case.sweep(), Swept { reminded: 1, overdue: 0 });
    case.at_local("2026-10-17 00:01");
    assert_eq!(case.sweep(), Swept { reminded: 0, overdue: 1 });
    let (status, body) = case.act(&case.provider, &id, "pause", declare("testing", 2)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}
