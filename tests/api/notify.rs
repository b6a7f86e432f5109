//! E-mail through the outbox, against a real SMTP server in this process (`smtp_sink`): a
//! message exists iff its transaction committed, arrives with the right text in zh-CN and en,
//! survives an outage, is delivered exactly once even with two sender instances, and is never
//! stored in clear. Time moves on the injected clock; nothing sleeps past a backoff.

use crate::helpers::{TestApp, resident_id, spawn_app};
use crate::smtp_sink::{Received, SmtpSink};
use chrono::NaiveDate;
use credit_platform::config::{MailSettings, MailTransport, SmtpTls};
use credit_platform::crypto::CellCipher;
use credit_platform::domain::SubjectKind;
use credit_platform::domain::identifier::SubjectIdentifier;
use credit_platform::domain::objection::Outcome as Decision;
use credit_platform::notify::message::ObjectionDecided;
use credit_platform::notify::{Email, Locale, Mailer, run_once};
use credit_platform::storage::outbox::{self as rows, OutboxRow};
use credit_platform::workflow::clock::Clock;
use credit_platform::workflow::{Platform, WorkflowError, bootstrap, mail, shred_subject, subjects};
use std::collections::HashSet;

mod job;
mod volume;

pub(crate) fn decided(reasons: &str) -> ObjectionDecided {
    ObjectionDecided {
        objection_id: "obj-7".into(),
        outcome: Decision::Corrected,
        reasons: reasons.into(),
        review_until: NaiveDate::from_ymd_opt(2026, 10, 30),
    }
}

fn smtp_mailer(settings: &MailSettings, port: u16) -> Mailer {
    let mut settings = settings.clone();
    settings.transport = MailTransport::Smtp;
    settings.smtp_host = "127.0.0.1".into();
    settings.smtp_port = port;
    settings.smtp_tls = SmtpTls::None;
    settings.smtp_timeout_seconds = 5;
    Mailer::from_settings(&settings, std::path::Path::new("/nonexistent")).expect("smtp mailer")
}

/// Enqueues one message in its own committed transaction, sealed with `cipher`.
fn enqueue_with(app: &TestApp, cipher: &CellCipher, message: &dyn Email, to: &str, locale: Locale) -> String {
    let platform = &app.platform;
    platform
        .db
        .transaction::<_, WorkflowError>(|conn| mail::enqueue(conn, platform, cipher, message, to, locale, None))
        .expect("enqueued")
        .expect("not a duplicate")
}

pub(crate) fn enqueue(app: &TestApp, message: &dyn Email, to: &str, locale: Locale) -> String {
    enqueue_with(app, &app.platform.keys.platform_cipher, message, to, locale)
}

pub(crate) fn row(app: &TestApp, id: &str) -> OutboxRow {
    rows::find(&mut app.platform.db.get().unwrap(), id).unwrap().expect("outbox row")
}

fn pending(app: &TestApp) -> i64 {
    rows::count_pending(&mut app.platform.db.get().unwrap(), 72).unwrap()
}

#[tokio::test]
async fn committed_messages_reach_the_smtp_server_in_chinese_and_english() {
    let app = spawn_app().await;
    let sink = SmtpSink::start();
    let mailer = smtp_mailer(&app.platform.settings.mail, sink.port());
    let zh = enqueue(&app, &decided("原处罚决定已撤销"), "alice@example.org", Locale::ZhCn);
    let en = enqueue(&app, &decided("the source decision was revoked"), "bob@example.com", Locale::En);

    let outcome = run_once(&app.platform, &mailer).await.expect("pass");
    assert_eq!((outcome.sent, outcome.failed, outcome.idle), (2, 0, false));
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    let by_id = |id: &str| -> Received {
        messages.iter().find(|m| m.message_id() == format!("<{id}@localhost>")).expect("delivered").clone()
    };
    let alice = by_id(&zh);
    assert_eq!(alice.rcpt_to, ["RCPT TO:<alice@example.org>"]);
    assert_eq!(alice.subject(), "您的异议申请已有处理结果（编号 obj-7）");
    assert!(alice.body().contains("处理结果：更正信息\n理由：原处罚决定已撤销"), "{}", alice.body());
    assert!(alice.header("From").unwrap().contains("noreply@localhost"));
    assert_eq!(alice.mail_from, "MAIL FROM:<noreply@localhost>");
    let bob = by_id(&en);
    assert_eq!(bob.subject(), "Your objection obj-7 was decided");
    assert!(bob.body().contains("Reasons: the source decision was revoked"), "{}", bob.body());

    assert!(row(&app, &zh).sent_at.is_some() && row(&app, &en).sent_at.is_some());
    let again = run_once(&app.platform, &mailer).await.expect("pass");
    assert!(again.idle, "sent messages are not sent again");
    assert_eq!(sink.messages().len(), 2);
}

#[tokio::test]
async fn a_rolled_back_transaction_sends_nothing() {
    let app = spawn_app().await;
    let platform = &app.platform;
    let result = platform.db.transaction::<(), WorkflowError>(|conn| {
        let cipher = &platform.keys.platform_cipher;
        mail::enqueue(conn, platform, cipher, &decided("x"), "alice@example.org", Locale::En, None)?;
        Err(WorkflowError::Conflict { code: "event_failed", message: "the event did not happen".into() })
    });
    assert!(result.is_err());
    assert_eq!(pending(&app), 0);
    let (mailer, mailbox) = Mailer::memory();
    assert!(run_once(&app.platform, &mailer).await.expect("pass").idle);
    assert!(mailbox.delivered().is_empty());
}

#[tokio::test]
async fn while_the_smtp_server_is_down_mail_waits_and_then_arrives_exactly_once() {
    let app = spawn_app().await;
    let mut sink = SmtpSink::start();
    sink.stop();
    let mailer = smtp_mailer(&app.platform.settings.mail, sink.port());
    let t0 = app.clock.now_naive();
    let ids: Vec<String> =
        (0..3).map(|i| enqueue(&app, &decided("r"), &format!("user{i}@example.org"), Locale::ZhCn)).collect();

    // Down: one attempt per pass, recorded on its row; the pass stops instead of failing the rest.
    let outcome = run_once(&app.platform, &mailer).await.expect("a failed delivery is not a failed pass");
    assert_eq!((outcome.sent, outcome.failed), (0, 1));
    let failed: Vec<OutboxRow> = ids.iter().map(|id| row(&app, id)).filter(|r| r.attempts > 0).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error_code.as_deref(), Some("smtp_unavailable"));
    assert_eq!(failed[0].next_attempt_at, t0 + chrono::Duration::seconds(30));
    assert!(failed[0].claimed_by.is_none() && failed[0].sent_at.is_none());
    // Not due again before its backoff: the next pass tries another row.
    run_once(&app.platform, &mailer).await.expect("pass");
    assert_eq!(row(&app, &failed[0].id).attempts, 1);

    app.clock.advance(chrono::Duration::seconds(31));
    let outcome = run_once(&app.platform, &mailer).await.expect("pass");
    assert_eq!(outcome.failed, 1);
    assert_eq!(pending(&app), 3, "nothing lost");
    let second_failures: Vec<OutboxRow> = ids.iter().map(|id| row(&app, id)).filter(|r| r.attempts == 2).collect();
    for r in &second_failures {
        assert_eq!(r.next_attempt_at, app.clock.now_naive() + chrono::Duration::seconds(60), "backoff doubles");
    }

    sink.restart();
    app.clock.advance(chrono::Duration::minutes(2));
    let outcome = run_once(&app.platform, &mailer).await.expect("pass");
    assert_eq!((outcome.sent, outcome.failed), (3, 0));
    assert!(run_once(&app.platform, &mailer).await.expect("pass").idle);
    let delivered: Vec<String> = sink.messages().iter().map(Received::message_id).collect();
    let expected: HashSet<String> = ids.iter().map(|id| format!("<{id}@localhost>")).collect();
    assert_eq!(delivered.len(), 3, "each message exactly once");
    assert_eq!(delivered.into_iter().collect::<HashSet<_>>(), expected);
    assert_eq!(pending(&app), 0);
}

#[tokio::test]
async fn two_sender_instances_never_send_the_same_message_twice() {
    let app = spawn_app().await;
    // A second instance: its own pool over the same database, as a second server would have.
    let second = bootstrap::prepare((*app.platform.settings).clone(), app.clock.clone()).expect("second instance");
    let sink = SmtpSink::start();
    let ids: HashSet<String> =
        (0..30).map(|i| enqueue(&app, &decided("r"), &format!("user{i}@example.org"), Locale::En)).collect();

    let runners: Vec<std::thread::JoinHandle<usize>> = [app.platform.clone(), second]
        .into_iter()
        .map(|platform: Platform| {
            let mailer = smtp_mailer(&platform.settings.mail, sink.port());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    let mut sent = 0;
                    loop {
                        let outcome = run_once(&platform, &mailer).await.expect("pass");
                        assert_eq!(outcome.failed, 0);
                        sent += outcome.sent;
                        if outcome.idle {
                            return sent;
                        }
                    }
                })
            })
        })
        .collect();
    let sent: usize = runners.into_iter().map(|r| r.join().expect("sender thread")).sum();
    assert_eq!(sent, 30, "each message counted as sent by exactly one instance");
    let delivered: Vec<String> = sink.messages().iter().map(Received::message_id).collect();
    assert_eq!(delivered.len(), 30, "no message delivered twice");
    let expected: HashSet<String> = ids.iter().map(|id| format!("<{id}@localhost>")).collect();
    assert_eq!(delivered.into_iter().collect::<HashSet<_>>(), expected);
}

#[tokio::test]
async fn outbox_rows_hold_no_plaintext_address_subject_or_body() {
    let app = spawn_app().await;
    let canary = decided("CanaryReasonText 金丝雀理由");
    let id = enqueue(&app, &canary, "canary-recipient@example.org", Locale::ZhCn);
    let canaries = ["canary-recipient@example.org", "CanaryReasonText", "金丝雀理由", "您的异议申请已有处理结果"];
    crate::privacy::assert_no_canary(&app, &canaries);
    let (mailer, mailbox) = Mailer::memory();
    assert_eq!(run_once(&app.platform, &mailer).await.expect("pass").sent, 1);
    assert_eq!(mailbox.delivered()[0].to, ["canary-recipient@example.org"]);
    assert!(row(&app, &id).sent_at.is_some());
    crate::privacy::assert_no_canary(&app, &canaries);
}

#[tokio::test]
async fn a_dedupe_key_queues_a_message_once_without_breaking_the_transaction() {
    let app = spawn_app().await;
    let platform = &app.platform;
    let cipher = &platform.keys.platform_cipher;
    let (first, second, other) = platform
        .db
        .transaction::<_, WorkflowError>(|conn| {
            let key = Some("reminder:obj-7:2026-10-13");
            let first = mail::enqueue(conn, platform, cipher, &decided("r"), "p@example.org", Locale::En, key)?;
            let second = mail::enqueue(conn, platform, cipher, &decided("r"), "p@example.org", Locale::En, key)?;
            // On PostgreSQL a caught unique violation would have aborted the transaction here.
            let other = mail::enqueue(conn, platform, cipher, &decided("r"), "q@example.org", Locale::En, None)?;
            Ok((first, second, other))
        })
        .expect("the transaction commits");
    assert!(first.is_some() && second.is_none() && other.is_some());
    assert_eq!(pending(&app), 2);
    let refused = platform.db.transaction::<_, WorkflowError>(|conn| {
        mail::enqueue(conn, platform, cipher, &decided("r"), "not an address", Locale::En, None)
    });
    assert!(matches!(refused, Err(WorkflowError::Invalid { code: "invalid_email", .. })));
}

#[tokio::test]
async fn mail_sealed_under_a_shredded_subjects_key_is_given_up_not_retried() {
    let app = spawn_app().await;
    let platform = &app.platform;
    let identifier = SubjectIdentifier::parse_for(SubjectKind::NaturalPerson, &resident_id(77)).unwrap();
    let (subject, cipher) = platform
        .db
        .transaction::<_, WorkflowError>(|conn| {
            subjects::find_or_create(conn, platform, SubjectKind::NaturalPerson, &identifier, None)
        })
        .expect("subject");
    let id = enqueue_with(&app, &cipher, &decided("r"), "subject@example.org", Locale::ZhCn);
    shred_subject::shred(platform, &subject.id).expect("shredded");

    let (mailer, mailbox) = Mailer::memory();
    let outcome = run_once(platform, &mailer).await.expect("pass");
    assert_eq!((outcome.sent, outcome.failed), (0, 1));
    let gone = row(&app, &id);
    assert_eq!(gone.last_error_code.as_deref(), Some("key_unavailable"));
    assert_eq!(gone.attempts, 72, "no retry can open it");
    assert_eq!(rows::count_dead(&mut platform.db.get().unwrap(), 72).unwrap(), 1);
    assert!(mailbox.delivered().is_empty());
}

/// The newest signed checkpoint of the access log reaches every officer once (an off-host copy
/// of the chain's head), however often the job runs.
#[tokio::test]
async fn checkpoints_are_mailed_to_officers_once() {
    let app = crate::helpers::spawn_app().await;
    for n in 0..2 {
        app.account_with_token(serde_json::json!({
            "email": format!("officer{n}@example.org"), "password": "a-long-password-1", "role": "officer",
        }))
        .await;
    }
    let platform = app.platform.clone();
    let (checkpoint, first, second) = tokio::task::spawn_blocking(move || {
        let checkpoint = platform.audit.checkpoint_now().expect("signed").expect("a new checkpoint");
        let first = credit_platform::jobs::checkpoint_mail::run_once(&platform).expect("pass");
        let second = credit_platform::jobs::checkpoint_mail::run_once(&platform).expect("pass");
        (checkpoint, first, second)
    })
    .await
    .expect("joined");
    assert!(first >= 2, "each officer hears of the checkpoint: {first}");
    assert_eq!(second, 0, "a second pass queues nothing again");
    let mailbox = credit_platform::notify::mailer::MemoryMailbox::default();
    let mailer = Mailer::Memory(mailbox.clone());
    while !run_once(&app.platform, &mailer).await.expect("pass").idle {}
    let size = checkpoint.size.to_string();
    let mails: Vec<_> =
        mailbox.delivered().into_iter().filter(|m| String::from_utf8_lossy(&m.raw).contains(&size)).collect();
    assert!(mails.len() >= 2, "{} checkpoint mails", mails.len());
}

/// A pass mails only the newest checkpoint: it pins every entry before it, and under load
/// checkpoints are signed several times a second, which must not become as many e-mails.
#[tokio::test]
async fn only_the_newest_checkpoint_is_mailed() {
    let app = crate::helpers::spawn_app().await;
    let officer = serde_json::json!({
        "email": "officer@example.org", "password": "a-long-password-1", "role": "officer",
    });
    app.account_with_token(officer).await;
    let platform = app.platform.clone();
    let older = tokio::task::spawn_blocking(move || platform.audit.checkpoint_now().expect("signed"))
        .await
        .expect("joined")
        .expect("a first checkpoint");
    // A new account is an access-log entry, so the head moves and a second checkpoint is due.
    let second_officer = serde_json::json!({
        "email": "other-officer@example.org", "password": "a-long-password-1", "role": "officer",
    });
    app.account_with_token(second_officer).await;
    let platform = app.platform.clone();
    let (newer, queued) = tokio::task::spawn_blocking(move || {
        let newer = platform.audit.checkpoint_now().expect("signed").expect("a second checkpoint");
        (newer, credit_platform::jobs::checkpoint_mail::run_once(&platform).expect("pass"))
    })
    .await
    .expect("joined");
    assert!(newer.size > older.size);
    assert_eq!(queued, 2, "one notice per officer, not one per checkpoint");
    let mailbox = credit_platform::notify::mailer::MemoryMailbox::default();
    let mailer = Mailer::Memory(mailbox.clone());
    while !run_once(&app.platform, &mailer).await.expect("pass").idle {}
    let bodies: Vec<String> = mailbox
        .delivered()
        .iter()
        .map(|m| {
            Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::from_utf8_lossy(&m.raw).into() }
                .body()
        })
        .collect();
    let hex = |mac: &[u8; 32]| mac.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let naming = |mac: &[u8; 32]| bodies.iter().filter(|body| body.contains(&hex(mac))).count();
    assert_eq!(naming(&newer.head_mac), 2, "each officer has the newest checkpoint: {bodies:?}");
    assert_eq!(naming(&older.head_mac), 0, "and nobody the older one");
}
