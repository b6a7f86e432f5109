//! R-20, anomalous volume: an organization that makes more queries than
//! `audit.query_alert_per_hour` in a clock hour (refused ones included) is reported to every
//! officer once, after the hour ends, however often the job runs; an organization under the
//! threshold is not; the mail names the organization and the count, never a queried subject.

use crate::helpers::{penalty, resident_id, spawn_app_with};
use crate::smtp_sink::SmtpSink;
use credit_platform::jobs::query_volume::run_once as check_volume;
use credit_platform::notify::run_once as deliver;
use serde_json::json;

#[tokio::test]
async fn an_organization_over_the_hourly_threshold_is_reported_to_the_officers_once() {
    let app = spawn_app_with(|settings| settings.audit.query_alert_per_hour = 3).await;
    let officer = json!({ "email": "volume-officer@example.org", "password": "a-long-password-1", "role": "officer" });
    app.account_with_token(officer).await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(661);
    app.submit_ok(&provider, &penalty(&identifier, "查询量")).await;
    let (busy_id, busy) = app.staff("requester", "administrative_organ", "南京市查询频繁局").await;
    let (_, quiet) = app.staff("requester", "administrative_organ", "南京市查询稀少局").await;
    let asked = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    let refused = json!({ "subject_identifier": identifier, "purpose": "no_such_purpose" });
    for body in [&asked, &asked, &asked, &refused] {
        app.post("/api/v1/queries", Some(&busy), body).await;
    }
    for _ in 0..2 {
        app.post("/api/v1/queries", Some(&quiet), &asked).await;
    }

    let pass = |platform: credit_platform::workflow::Platform| async move {
        tokio::task::spawn_blocking(move || check_volume(&platform).expect("pass")).await.expect("joined")
    };
    assert_eq!(pass(app.platform.clone()).await, 0, "the hour is not over yet");
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(pass(app.platform.clone()).await, 1, "the one officer hears of the busy organization");
    assert_eq!(pass(app.platform.clone()).await, 0, "once");

    let mut sink = SmtpSink::start();
    let mailer = super::smtp_mailer(&app.platform.settings.mail, sink.port());
    while !deliver(&app.platform, &mailer).await.expect("pass").idle {}
    let alerts: Vec<_> = sink.messages().into_iter().filter(|m| m.body().contains(&busy_id)).collect();
    assert_eq!(alerts.len(), 1, "one alert over SMTP");
    let (subject, body) = (alerts[0].subject(), alerts[0].body());
    assert!(
        subject.contains("查询量异常") && subject.contains("南京市查询频繁局") && subject.contains('4'),
        "{subject}"
    );
    assert!(body.contains("超过每小时 3 次"), "{body}");
    assert!(!body.contains(&identifier) && !subject.contains(&identifier), "no queried subject in the mail");
    let everything: String = sink.messages().iter().map(|m| m.subject() + &m.body()).collect();
    assert!(!everything.contains("查询稀少局"), "the quiet organization is not reported");
    sink.stop();
}
