//! Objections end to end: filing is acceptance and the record is disputed at once, the pinned
//! deadline the API shows (the issue's acceptance example and the calendar's corner cases live
//! in `deadlines.rs`), decisions and their effects on the record, re-review, withdrawal, the
//! subject's statement, the refusals, and no plaintext at rest. The sweeper, escalation mail and
//! the two-instance test are in `sweeper.rs`.

use crate::helpers::{TestApp, assert_error, penalty, resident_id, spawn_app_with};
use chrono::{NaiveDateTime, TimeZone};
use credit_platform::config::Settings;
use credit_platform::storage::records::{self, RecordRow};
use credit_platform::workflow::clock::local_offset;
use credit_platform::workflow::objections::sweep::{self, Swept};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

mod audit;
mod deadlines;
mod disclosure;
mod effects;
pub mod privacy;
mod sweeper;

/// One platform with a provider, its subject, an officer and their tokens and e-mail addresses.
pub struct Case {
    pub app: TestApp,
    pub provider: String,
    pub provider_email: String,
    pub subject: String,
    pub subject_email: String,
    pub identifier: String,
    pub officer: String,
    pub officer_email: String,
}

pub async fn case() -> Case {
    case_with(|_| {}).await
}

/// Tokens live a year: tests move the clock by months.
pub async fn case_with(customize: impl FnOnce(&mut Settings)) -> Case {
    let app = spawn_app_with(|s| {
        s.auth.token_ttl_minutes = 60 * 24 * 365;
        customize(s);
    })
    .await;
    let provider_org = app.create_organization("南京市市场监督管理局", "administrative_organ").await;
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let provider_email = format!("provider-{unique}@example.org");
    let provider = app
        .account_with_token(json!({
            "email": provider_email, "password": "a-long-password-1", "role": "provider", "organization_id": provider_org,
        }))
        .await;
    let identifier = resident_id(1);
    let subject_email = format!("subject-{unique}@example.org");
    let subject = app
        .account_with_token(json!({
            "email": subject_email, "password": "a-long-password-1", "role": "subject",
            "subject_identifier": identifier, "subject_kind": "natural_person",
        }))
        .await;
    let officer_email = format!("officer-{unique}@example.org");
    let officer = app
        .account_with_token(json!({ "email": officer_email, "password": "a-long-password-1", "role": "officer" }))
        .await;
    Case { app, provider, provider_email, subject, subject_email, identifier, officer, officer_email }
}

impl Case {
    /// A new record about this case's subject; returns its id.
    pub async fn record(&self) -> String {
        let body = self.app.submit_ok(&self.provider, &penalty(&self.identifier, "王五")).await;
        body["id"].as_str().expect("record id").to_owned()
    }

    pub async fn file(&self, token: &str, record_id: &str) -> (StatusCode, Value) {
        let body = json!({
            "record_id": record_id, "ground": "error_or_omission", "fields": ["fine_amount"],
            "statement": "罚款金额有误，应为500元。",
        });
        self.app.post("/api/v1/objections", Some(token), &body).await
    }

    /// Files an objection to `record_id` as the subject; asserts 201.
    pub async fn file_ok(&self, record_id: &str) -> Value {
        let (status, body) = self.file(&self.subject, record_id).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    pub async fn objection(&self, token: &str, id: &str) -> Value {
        let (status, body) = self.app.get(&format!("/api/v1/objections/{id}"), Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn act(&self, token: &str, id: &str, action: &str, body: Value) -> (StatusCode, Value) {
        self.app.post(&format!("/api/v1/objections/{id}/{action}"), Some(token), &body).await
    }

    /// Sets the platform clock to a local (Asia/Shanghai) time, `YYYY-MM-DD HH:MM`.
    pub fn at_local(&self, local: &str) {
        let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("local time");
        let instant = local_offset().from_local_datetime(&naive).single().expect("unambiguous").to_utc();
        self.app.clock.set(instant);
    }

    pub fn sweep(&self) -> Swept {
        sweep::run_once(&self.app.platform).expect("sweep")
    }

    pub fn record_row(&self, id: &str) -> RecordRow {
        records::find(&mut self.app.platform.db.get().unwrap(), id).unwrap().expect("record row")
    }

    /// Kinds of every message in the outbox, sorted.
    pub fn outbox_kinds(&self) -> Vec<String> {
        use credit_platform::storage::schema::outbox;
        let mut conn = self.app.platform.db.get().unwrap();
        let mut kinds: Vec<String> = outbox::table.select(outbox::kind).load(&mut *conn).unwrap();
        kinds.sort();
        kinds
    }

    pub fn count_outbox(&self, kind: &str) -> usize {
        self.outbox_kinds().iter().filter(|k| *k == kind).count()
    }
}

pub fn event_kinds(view: &Value) -> Vec<String> {
    view["events"].as_array().expect("events").iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn filing_accepts_forwards_and_flags_the_record_at_once() {
    let case = case().await;
    let record = case.record().await;
    let filed = case.file_ok(&record).await;
    assert_eq!(filed["status"], "with_provider");
    assert_eq!(filed["due_on"], "2026-10-10");
    let id = filed["id"].as_str().unwrap();

    let view = case.objection(&case.subject, id).await;
    assert_eq!(view["record_id"], record.as_str());
    assert_eq!(view["statement"], "罚款金额有误，应为500元。");
    assert_eq!(view["fields"], json!(["fine_amount"]));
    assert_eq!(event_kinds(&view), ["filed", "accept", "forward"]);
    assert_eq!(view["events"][0]["actor_role"], "subject");
    assert_eq!(view["events"][1]["actor_role"], "system");
    assert!(view["events"][0]["at"].as_str().unwrap().ends_with('Z'), "instants are RFC 3339 UTC");
    assert!(case.record_row(&record).disputed, "the record is disputed as soon as the objection is filed");
    let (_, mine) = case.app.get("/api/v1/me/records", Some(&case.subject)).await;
    assert_eq!(mine["items"][0]["disputed"], true);

    // The subject is told, and so is the provider.
    assert_eq!(case.outbox_kinds(), ["new_objection_for_provider", "objection_accepted"]);

    // Each role lists its own.
    for token in [&case.subject, &case.provider, &case.officer] {
        let (status, page) = case.app.get("/api/v1/objections", Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
        assert_eq!(page["items"][0]["days_left"], 3);
        assert!(page["next_cursor"].is_null());
    }
    let (_, other_provider) = case.app.provider().await;
    let (_, page) = case.app.get("/api/v1/objections", Some(&other_provider)).await;
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn lists_are_paginated_newest_first() {
    let case = case().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let record = case.record().await;
        ids.push(case.file_ok(&record).await["id"].as_str().unwrap().to_owned());
    }
    let (_, first) = case.app.get("/api/v1/objections?limit=2", Some(&case.provider)).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["id"], ids[2].as_str());
    let cursor = first["next_cursor"].as_str().expect("a cursor after a full page");
    let (_, second) = case.app.get(&format!("/api/v1/objections?limit=2&after={cursor}"), Some(&case.provider)).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["id"], ids[0].as_str());
}

#[tokio::test]
async fn refusals_answer_their_codes() {
    let case = case().await;
    let record = case.record().await;
    // Another subject's record is not found, not forbidden.
    let other = case.app.submit_ok(&case.provider, &penalty(&resident_id(2), "赵六")).await;
    let (status, body) = case.file(&case.subject, other["id"].as_str().unwrap()).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // Only subjects file.
    let (status, body) = case.file(&case.provider, &record).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    // A statement over 500 characters.
    let long = json!({ "record_id": record, "ground": "other_breach_of_law", "statement": "字".repeat(501) });
    let (status, body) = case.app.post("/api/v1/objections", Some(&case.subject), &long).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "too_long");
    assert_eq!(body["error"]["field"], "statement");
    let bad_ground = json!({ "record_id": record, "ground": "dislike", "statement": "x" });
    let (status, body) = case.app.post("/api/v1/objections", Some(&case.subject), &bad_ground).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "unknown_code");
    let bad_field =
        json!({ "record_id": record, "ground": "error_or_omission", "fields": ["religion"], "statement": "x" });
    let (status, body) = case.app.post("/api/v1/objections", Some(&case.subject), &bad_field).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "unknown_field");

    let id = case.file_ok(&record).await["id"].as_str().unwrap().to_owned();
    // One open objection per record.
    let (status, body) = case.file(&case.subject, &record).await;
    assert_error(status, &body, StatusCode::CONFLICT, "objection_open");
    // A provider cannot withdraw the subject's objection; a subject cannot decide it.
    let (status, body) = case.act(&case.provider, &id, "withdraw", json!({})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    let upheld = json!({ "outcome": "upheld", "reason": "无误" });
    let (status, body) = case.act(&case.subject, &id, "decision", upheld.clone()).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    // Other providers, requesters and admins do not see it at all.
    let (_, other_provider) = case.app.provider().await;
    let (_, requester) = case.app.staff("requester", "financial_institution", "某银行").await;
    for token in [&other_provider, &requester, &case.app.admin_token] {
        let (status, body) = case.app.get(&format!("/api/v1/objections/{id}"), Some(token)).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, body) = case.act(&other_provider, &id, "decision", upheld).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // One extension only; it needs the approval reference.
    let extension = json!({ "reason": "需调取原始档案", "approval_reference": "宁市监批〔2026〕12号" });
    let (status, body) = case.act(&case.provider, &id, "extension", json!({ "reason": "r" })).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "missing_field");
    let (status, body) = case.act(&case.provider, &id, "extension", extension.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = case.act(&case.provider, &id, "extension", extension).await;
    assert_error(status, &body, StatusCode::CONFLICT, "transition_not_allowed");
    // A correction needs its fields; other outcomes take none.
    let (status, body) =
        case.act(&case.provider, &id, "decision", json!({ "outcome": "corrected", "reason": "r" })).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "missing_field");
    let stray = json!({ "outcome": "upheld", "reason": "r", "fields": { "fine_amount": "1" } });
    let (status, body) = case.act(&case.provider, &id, "decision", stray).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "unexpected_field");
    // Nothing to re-review before a decision.
    let (status, body) = case.act(&case.subject, &id, "review", json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "transition_not_allowed");
}

#[tokio::test]
async fn the_subjects_statement_is_kept_with_the_record_up_to_500_characters() {
    let case = case().await;
    let record = case.record().await;
    let path = format!("/api/v1/records/{record}/statement");
    let text = "本人已于2026年3月10日缴清罚款。".to_owned() + &"补".repeat(400);
    let (status, body) = case.app.post(&path, Some(&case.subject), &json!({ "statement": text })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = case.app.get("/api/v1/me/records", Some(&case.subject)).await;
    assert_eq!(mine["items"][0]["statement"], text.as_str());
    let (_, seen_by_provider) = case.app.get(&format!("/api/v1/records/{record}"), Some(&case.provider)).await;
    assert_eq!(seen_by_provider["statement"], text.as_str());
    // Replaced, not appended.
    let (status, _) = case.app.post(&path, Some(&case.subject), &json!({ "statement": "更新后的说明" })).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = case.app.get("/api/v1/me/records", Some(&case.subject)).await;
    assert_eq!(mine["items"][0]["statement"], "更新后的说明");

    let (status, body) = case.app.post(&path, Some(&case.subject), &json!({ "statement": "字".repeat(501) })).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "too_long");
    let other = case.app.submit_ok(&case.provider, &penalty(&resident_id(2), "赵六")).await;
    let other_path = format!("/api/v1/records/{}/statement", other["id"].as_str().unwrap());
    let (status, body) = case.app.post(&other_path, Some(&case.subject), &json!({ "statement": "x" })).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = case.app.post(&path, Some(&case.provider), &json!({ "statement": "x" })).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
}
