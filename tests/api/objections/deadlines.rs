//! The provider's deadline as the API shows it, on the 2026 calendar: the issue's acceptance
//! example (filed Wednesday 2026-09-30 -> due Saturday 2026-10-10, a make-up working day after
//! the National Day holidays), a make-up Sunday, the Spring Festival span, a year end into 2027
//! (no calendar file: estimated), extensions (ordinary and complex), and a calendar file edited
//! under an open deadline, which does not move it.

use super::{case, case_with};
use crate::helpers::TestApp;
use credit_platform::app::Application;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn due_when_filed_at(local: &str) -> Value {
    let case = case().await;
    let record = case.record().await;
    case.at_local(local);
    let filed = case.file_ok(&record).await;
    case.objection(&case.subject, filed["id"].as_str().unwrap()).await
}

#[tokio::test]
async fn filed_on_wednesday_30_september_it_is_due_on_the_make_up_saturday_10_october() {
    let case = case().await;
    let record = case.record().await;
    // The tests' default now: 2026-09-30 09:00 in Shanghai, a Wednesday.
    let filed = case.file_ok(&record).await;
    // Oct 1-7 National Day holidays; Oct 8 and 9 working days; Oct 10 a make-up working day.
    assert_eq!(filed["due_on"], "2026-10-10");
    assert_eq!(filed["days_left"], 3);
    assert_eq!(filed["due_estimated"], false);
    let view = case.objection(&case.subject, filed["id"].as_str().unwrap()).await;
    assert_eq!(view["due_on"], "2026-10-10");
    assert_eq!(view["days_left"], 3);
    assert_eq!(view["accepted_on"], "2026-09-30");
    let pinned = view["calendar_version"].as_str().unwrap();
    assert!(pinned.starts_with("2026:") && !pinned.contains("none"), "{pinned}");

    // During the holidays no working day passes; on Oct 9 one is left.
    case.at_local("2026-10-05 10:00");
    assert_eq!(case.objection(&case.provider, filed["id"].as_str().unwrap()).await["days_left"], 3);
    case.at_local("2026-10-09 10:00");
    assert_eq!(case.objection(&case.provider, filed["id"].as_str().unwrap()).await["days_left"], 1);
}

#[tokio::test]
async fn a_make_up_sunday_counts_as_a_working_day() {
    // Thu Sep 17: Fri 18 (1), Sat 19 off, Sun 20 make-up (2), Mon 21 (3).
    let view = due_when_filed_at("2026-09-17 15:00").await;
    assert_eq!(view["due_on"], "2026-09-21");
}

#[tokio::test]
async fn the_spring_festival_span_is_skipped() {
    // Fri Feb 13: Sat 14 make-up (1), Feb 15-23 holidays, Tue 24 (2), Wed 25 (3).
    let view = due_when_filed_at("2026-02-13 11:00").await;
    assert_eq!(view["due_on"], "2026-02-25");
    assert_eq!(view["due_estimated"], false);
}

#[tokio::test]
async fn a_deadline_reaching_into_a_year_without_a_calendar_file_is_estimated() {
    // Wed Dec 30: Thu 31 (1); 2027 has no file, so weekends only: Fri Jan 1 (2), Mon Jan 4 (3).
    let view = due_when_filed_at("2026-12-30 09:00").await;
    assert_eq!(view["due_on"], "2027-01-04");
    assert_eq!(view["due_estimated"], true);
    let pinned = view["calendar_version"].as_str().unwrap();
    assert!(pinned.starts_with("2026:") && pinned.ends_with(",2027:none"), "{pinned}");
}

#[tokio::test]
async fn an_extension_adds_three_working_days_and_a_complex_case_reaches_the_20_day_cap() {
    let case = case().await;
    let (first, second) = (case.record().await, case.record().await);
    let first = case.file_ok(&first).await["id"].as_str().unwrap().to_owned();
    let second = case.file_ok(&second).await["id"].as_str().unwrap().to_owned();
    let ask = |complex: bool| json!({ "reason": "需调取原始档案", "approval_reference": "批-1", "complex": complex });

    let (status, body) = case.act(&case.provider, &first, "extension", ask(false)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // From Sat Oct 10: Sun 11 off, Mon 12 (1), Tue 13 (2), Wed 14 (3).
    assert_eq!(body["due_on"], "2026-10-14");
    let view = case.objection(&case.subject, &first).await;
    assert_eq!((view["extension_used"].clone(), view["complex"].clone()), (json!(true), json!(false)));
    assert_eq!(super::event_kinds(&view).last().unwrap(), "extend");
    assert_eq!(case.count_outbox("objection_extended"), 1, "the subject hears of the new date and the reason");

    // Complex: 20 working days from acceptance, i.e. 17 more after Oct 10.
    let (status, body) = case.act(&case.provider, &second, "extension", ask(true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["due_on"], "2026-11-03");
}

/// A second server on the same database with `policies_dir` replaced.
async fn second_instance(app: &TestApp, policies: &std::path::Path) -> String {
    let mut settings = (*app.platform.settings).clone();
    settings.policies_dir = policies.to_path_buf();
    let second = Application::build_with_clock(settings, app.clock.clone()).expect("second instance");
    let address = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    address
}

pub(super) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn editing_a_calendar_file_never_moves_an_open_deadline() {
    let policies = tempfile::tempdir().unwrap();
    copy_dir(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/policies")), policies.path());
    let dir = policies.path().to_path_buf();
    let case = case_with(|s| s.policies_dir = dir).await;
    let record = case.record().await;
    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    let pinned = case.objection(&case.subject, &id).await["calendar_version"].clone();

    // The make-up Saturday is struck from the file: a new filing would now be due on Oct 12.
    let file = policies.path().join("calendar/cn-2026.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(r#"["2026-09-20", "2026-10-10"]"#, r#"["2026-09-20"]"#)).unwrap();
    let address = second_instance(&case.app, policies.path()).await;

    let client = reqwest::Client::new();
    let get = client.get(format!("{address}/api/v1/objections/{id}")).bearer_auth(&case.subject).send();
    let (status, view) = crate::helpers::read(get.await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["due_on"], "2026-10-10", "the open deadline keeps its pinned date");
    assert_eq!(view["calendar_version"], pinned, "and the calendar version it was computed on");

    let another = case.record().await;
    let body =
        json!({ "record_id": another, "ground": "error_or_omission", "fields": ["fine_amount"], "statement": "x" });
    let post = client.post(format!("{address}/api/v1/objections")).bearer_auth(&case.subject).json(&body).send();
    let (status, filed) = crate::helpers::read(post.await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    assert_eq!(filed["due_on"], "2026-10-12", "new deadlines use the edited calendar");
}
