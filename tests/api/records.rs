//! Record intake: refusals store nothing, batches store exactly their good lines, versions are
//! append-only, revocation leaves a tombstone, periods follow the catalogue, providers are
//! isolated from each other, and field values never reach the database in clear.

use crate::helpers::{assert_error, credit_code, penalty, resident_id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

mod batch;

#[tokio::test]
async fn a_valid_submission_answers_id_version_status_and_the_five_year_period() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let body = app.submit_ok(&provider, &penalty(&resident_id(1), "王五")).await;
    assert!(body["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(body["version"], 1);
    assert_eq!(body["status"], "active");
    // Adverse: five years from the end of the conduct (2026-01-15).
    assert_eq!(body["disclose_until"], "2031-01-15");
}

pub(super) fn with(mut record: Value, path: &[&str], value: Value) -> Value {
    let mut target = &mut record;
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    target[path[path.len() - 1]] = value;
    record
}

fn without(mut record: Value, path: &[&str]) -> Value {
    let mut target = &mut record;
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    if let Some(map) = target.as_object_mut() {
        map.remove(path[path.len() - 1]);
    }
    record
}

#[tokio::test]
async fn every_refusal_names_its_code_and_field_and_stores_nothing() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let good = penalty(&resident_id(2), "赵六");
    let tax = json!({
        "record_type": "tax_arrears",
        "subject": { "kind": "natural_person", "identifier": resident_id(3), "name": "孙七" },
        "fields": { "tax_authority": "国家税务总局南京市税务局", "tax_category": "个人所得税",
                    "arrears_since": "2025-06-30", "arrears_amount": "1200.50" },
        "source_document": { "number": "宁税通〔2026〕7号", "date": "2026-02-01", "authority": "国家税务总局南京市税务局" },
    });
    let volunteer_for_company = json!({
        "record_type": "volunteer_service",
        "subject": { "kind": "legal_person", "identifier": credit_code(5), "name": "某公司" },
        "fields": {},
        "source_document": { "number": "X-1", "date": "2026-02-01", "authority": "南京市志愿者协会" },
    });
    let mut bad_check_digit = resident_id(2);
    let last = bad_check_digit.pop();
    bad_check_digit.push(if last == Some('1') { '2' } else { '1' });
    let cases: Vec<(Value, &str, &str)> = vec![
        (with(good.clone(), &["record_type"], json!("lottery_win")), "unknown_record_type", "record_type"),
        (without(good.clone(), &["fields", "penalty_content"]), "missing_field", "fields.penalty_content"),
        (
            with(good.clone(), &["fields", "favourite_colour"], json!("blue")),
            "unknown_field",
            "fields.favourite_colour",
        ),
        (volunteer_for_company, "wrong_subject_kind", "subject.kind"),
        (
            with(good.clone(), &["subject", "identifier"], json!(bad_check_digit)),
            "invalid_identifier",
            "subject.identifier",
        ),
        (with(good.clone(), &["fields", "blood_type"], json!("AB")), "prohibited_field", "fields.blood_type"),
        (
            with(good.clone(), &["fields", "fine_amount"], json!("five thousand")),
            "invalid_field_value",
            "fields.fine_amount",
        ),
        (with(good.clone(), &["fields", "severity"], json!("catastrophic")), "invalid_field_value", "fields.severity"),
        (
            with(good.clone(), &["fields", "decision_date"], json!("2026-02-30")),
            "invalid_field_value",
            "fields.decision_date",
        ),
        (tax, "consent_required", "fields.arrears_amount"),
        (with(good.clone(), &["source_document", "number"], json!("  ")), "missing_field", "source_document.number"),
        (with(good.clone(), &["conduct_ended_on"], json!("2025-01-01")), "invalid_date", "conduct_ended_on"),
        (with(good.clone(), &["subject", "kind"], json!("robot")), "unknown_code", "subject.kind"),
    ];
    for (record, code, field) in cases {
        let (status, body) = app.post("/api/v1/records", Some(&provider), &record).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(body["error"]["field"], field, "{body}");
        let text = body.to_string();
        assert!(!text.contains("AB") && !text.contains("five thousand"), "a refusal echoed a value: {text}");
        assert_eq!(app.record_count(), 0, "a refused submission ({code}) stored a record");
    }
    // With a consent reference the financial field is accepted.
    let consented = json!({
        "record_type": "tax_arrears",
        "subject": { "kind": "natural_person", "identifier": resident_id(3), "name": "孙七" },
        "fields": { "tax_authority": "国家税务总局南京市税务局", "tax_category": "个人所得税",
                    "arrears_since": "2025-06-30", "arrears_amount": "1200.50" },
        "source_document": { "number": "宁税通〔2026〕7号", "date": "2026-02-01", "authority": "国家税务总局南京市税务局" },
        "consent_reference": "CONSENT-2026-0042",
    });
    app.submit_ok(&provider, &consented).await;
    assert_eq!(app.record_count(), 1);
}

#[tokio::test]
async fn only_providers_submit_and_unknown_body_keys_are_400() {
    let app = spawn_app().await;
    let (_, requester) = app.staff("requester", "financial_institution", "某银行").await;
    let (status, body) = app.post("/api/v1/records", Some(&requester), &penalty(&resident_id(4), "x")).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    let (_, provider) = app.provider().await;
    let (status, body) =
        app.post("/api/v1/records", Some(&provider), &with(penalty(&resident_id(4), "x"), &["extra"], json!(1))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_body");
    assert_eq!(app.record_count(), 0);
}

#[tokio::test]
async fn submitted_corrected_and_revoked_shows_three_versions_to_the_subject() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(9);
    let subject = app.subject_account(&identifier, "natural_person").await;
    let id = app.submit_ok(&provider, &penalty(&identifier, "周八")).await["id"].as_str().expect("id").to_owned();

    let response = app
        .client
        .patch(app.url(&format!("/api/v1/records/{id}")))
        .bearer_auth(&provider)
        .json(&json!({ "fields": { "fine_amount": "3000" }, "reason": "罚款金额录入错误" }))
        .send()
        .await
        .expect("sent");
    let (status, corrected) = crate::helpers::read(response).await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["version"], 2);

    let revoke = json!({
        "source_document": { "number": "宁市监撤〔2026〕3号", "date": "2026-09-01", "authority": "南京市市场监督管理局" },
        "reason": "原处罚决定经复议撤销",
    });
    let (status, revoked) = app.post(&format!("/api/v1/records/{id}/revoke"), Some(&provider), &revoke).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(revoked["version"], 3);

    let (status, mine) = app.get("/api/v1/me/records", Some(&subject)).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let record = &mine["items"][0];
    assert_eq!(record["status"], "revoked");
    let versions = record["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["change_kind"], "submitted");
    assert_eq!(versions[0]["fields"]["fine_amount"], "5000");
    assert_eq!(versions[1]["change_kind"], "corrected");
    assert_eq!(versions[1]["fields"]["fine_amount"], "3000");
    assert_eq!(versions[1]["fields"]["decision_number"], "宁市监罚〔2026〕101号");
    assert_eq!(versions[1]["reason"], "罚款金额录入错误");
    assert_eq!(versions[2]["change_kind"], "revoked");
    assert_eq!(versions[2]["source_document"]["number"], "宁市监撤〔2026〕3号");
    assert!(versions[2]["fields"].as_object().expect("fields").is_empty(), "a tombstone has no fields");

    // A revoked record takes no further change.
    let (status, body) = app.post(&format!("/api/v1/records/{id}/revoke"), Some(&provider), &revoke).await;
    assert_error(status, &body, StatusCode::CONFLICT, "record_closed");
}

#[tokio::test]
async fn another_providers_record_is_not_found_for_reading_correcting_or_revoking() {
    let app = spawn_app().await;
    let (_, owner) = app.provider().await;
    let (_, other) = app.staff("provider", "judicial_organ", "南京市中级人民法院").await;
    let id = app.submit_ok(&owner, &penalty(&resident_id(10), "吴九")).await["id"].as_str().expect("id").to_owned();
    let (status, body) = app.get(&format!("/api/v1/records/{id}"), Some(&other)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let revoke = json!({ "source_document": { "number": "n", "date": "2026-09-01", "authority": "a" }, "reason": "r" });
    let (status, body) = app.post(&format!("/api/v1/records/{id}/revoke"), Some(&other), &revoke).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app.get("/api/v1/records", Some(&other)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(0));
    let (status, body) = app.get(&format!("/api/v1/records/{id}"), Some(&owner)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["versions"][0]["fields"]["severity"], "general");
}

#[tokio::test]
async fn retention_expires_records_after_their_period_and_the_subject_still_sees_them() {
    let mut app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(11);
    let old = with(penalty(&identifier, "郑十"), &["conduct_ended_on"], json!("2021-10-05"));
    let old = with(old, &["conduct_started_on"], json!("2021-09-01"));
    let body = app.submit_ok(&provider, &old).await;
    assert_eq!(body["disclose_until"], "2026-10-05");
    assert_eq!(body["status"], "active");

    assert_eq!(credit_platform::jobs::retention::run_once(&app.platform).expect("sweep"), 0);
    app.advance_clock(chrono::Duration::days(7)).await; // 2026-10-07: the period has ended
    assert_eq!(credit_platform::jobs::retention::run_once(&app.platform).expect("sweep"), 1);
    assert_eq!(credit_platform::jobs::retention::run_once(&app.platform).expect("sweep"), 0, "idempotent");
    let subject = app.subject_account(&identifier, "natural_person").await;
    let (_, mine) = app.get("/api/v1/me/records", Some(&subject)).await;
    assert_eq!(mine["items"][0]["status"], "expired");
}

#[tokio::test]
async fn record_field_values_never_reach_the_database_in_clear() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(12);
    let mut record = penalty(&identifier, "CanaryRecordSubject");
    record["fields"]["penalty_content"] = json!("CanaryPenaltyContent罚款金丝雀");
    record["fields"]["decision_number"] = json!("CANARY-DECISION-0099");
    record["source_document"]["number"] = json!("CANARY-SOURCE-0077");
    app.submit_ok(&provider, &record).await;
    crate::privacy::assert_no_canary(
        &app,
        &[
            &identifier,
            "CanaryRecordSubject",
            "CanaryPenaltyContent",
            "罚款金丝雀",
            "CANARY-DECISION-0099",
            "CANARY-SOURCE-0077",
        ],
    );
}

#[tokio::test]
async fn the_import_command_stores_a_file_and_reports_bad_lines() {
    let app = spawn_app().await;
    let (org, _) = app.provider().await;
    let file = app.data_dir.path().join("import.ndjson");
    let lines =
        [penalty(&resident_id(20), "甲").to_string(), "{broken".into(), penalty(&resident_id(21), "乙").to_string()];
    std::fs::write(&file, lines.join("\n")).expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_credit-platform"))
        .args(["import", file.to_str().expect("path"), "--organization", &org])
        .args(["--data-dir", app.data_dir.path().to_str().expect("path")])
        .args(["--database-url", &app.database.url()])
        .args(["--policies", concat!(env!("CARGO_MANIFEST_DIR"), "/policies")])
        .env_remove("CREDIT_MASTER_KEY")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let status = output.status;
    assert!(status.success(), "import failed ({status:?}): {stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("2 stored, 1 refused"), "{stdout}");
    assert!(stdout.contains("line 2: invalid_line"), "{stdout}");
    assert_eq!(app.record_count(), 2);
}
