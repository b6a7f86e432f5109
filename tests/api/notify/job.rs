//! The sender as a job: started beside the server by the application with the default file
//! transport, and stopped promptly, even in the middle of its rest between passes.

use super::{decided, enqueue, row};
use crate::helpers::spawn_app_with;
use crate::smtp_sink::Received;
use credit_platform::config::MailTransport;
use credit_platform::notify::message::ObjectionIncomplete;
use credit_platform::notify::{Locale, Mailer, sender};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn the_default_file_transport_writes_one_eml_file_per_message() {
    let app = spawn_app_with(|s| {
        s.mail.sender_enabled = true;
        s.mail.poll_interval_seconds = 1;
    })
    .await;
    assert_eq!(app.platform.settings.mail.transport, MailTransport::File, "the default");
    let message = ObjectionIncomplete { objection_id: "obj-9".into(), missing: vec!["身份证明".into()] };
    let id = enqueue(&app, &message, "carol@example.org", Locale::ZhCn);
    let path = app.data_dir.path().join("mail").join(format!("{id}.eml"));
    // The job runs on its own thread with a real timer: wait for it, bounded.
    for _ in 0..200 {
        if path.exists() && row(&app, &id).sent_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let data = String::from_utf8(std::fs::read(&path).expect("the .eml file")).unwrap();
    let file = Received { mail_from: String::new(), rcpt_to: Vec::new(), data };
    assert_eq!(file.message_id(), format!("<{id}@localhost>"));
    assert_eq!(file.subject(), "您的异议申请需要补充材料（编号 obj-9）");
    assert!(file.body().contains("  - 身份证明"));
    assert!(row(&app, &id).sent_at.is_some(), "marked sent once written");
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "one file, no leftovers");
}

#[tokio::test]
async fn the_sender_loop_stops_when_asked_even_while_resting() {
    let app = spawn_app_with(|s| s.mail.poll_interval_seconds = 3600).await;
    let (mailer, mailbox) = Mailer::memory();
    let id = enqueue(&app, &decided("r"), "dave@example.org", Locale::En);
    let handle = sender::spawn(Arc::new(app.platform.clone()), mailer).expect("job starts");
    // The first pass runs at once; nothing else wakes the job within the hour it now rests.
    for _ in 0..200 {
        if !mailbox.delivered().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stopping = tokio::task::spawn_blocking(move || handle.stop());
    tokio::time::timeout(Duration::from_secs(10), stopping).await.expect("stops promptly").expect("joined");
    assert!(row(&app, &id).sent_at.is_some() && mailbox.delivered().len() == 1);
}
