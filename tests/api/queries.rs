//! Purpose-bound queries: every refusal with its code, each purpose's field projection, only
//! allowed fields decrypted, authorizations' expiry and revocation, closed records never
//! disclosed, unknown subjects answered in the same shape, fail-closed logging.

use crate::helpers::{TestApp, assert_error, credit_code, penalty, resident_id, spawn_app};
use credit_platform::workflow::query_subject::{self, QueryRequest};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A subject with an administrative penalty, tax arrears (with consent, so the amount is
/// stored) and a volunteer record; returns the identifier.
async fn subject_with_records(app: &TestApp, provider: &str, seed: u32) -> String {
    let identifier = resident_id(seed);
    app.submit_ok(provider, &penalty(&identifier, "钱一")).await;
    app.submit_ok(
        provider,
        &json!({
            "record_type": "tax_arrears",
            "subject": { "kind": "natural_person", "identifier": identifier, "name": "钱一" },
            "fields": { "tax_authority": "国家税务总局南京市税务局", "tax_category": "个人所得税",
                        "arrears_since": "2025-06-30", "arrears_amount": "1200.5", "notice_number": "宁税通〔2026〕7号" },
            "source_document": { "number": "宁税通〔2026〕7号", "date": "2026-02-01", "authority": "国家税务总局南京市税务局" },
            "consent_reference": "CONSENT-2026-0042",
        }),
    )
    .await;
    app.submit_ok(
        provider,
        &json!({
            "record_type": "volunteer_service",
            "subject": { "kind": "natural_person", "identifier": identifier, "name": "钱一" },
            "fields": volunteer_fields(app),
            "source_document": { "number": "志愿〔2026〕1号", "date": "2026-05-01", "authority": "南京市志愿者协会" },
        }),
    )
    .await;
    identifier
}

/// Valid values for every field of the volunteer type, read from the catalogue itself.
fn volunteer_fields(app: &TestApp) -> Value {
    let record_type = app.platform.policies.catalogue.get("volunteer_service").expect("type");
    let mut fields = serde_json::Map::new();
    for spec in &record_type.fields {
        use credit_platform::policy::catalogue::FieldType;
        let value = match spec.field_type {
            FieldType::Integer => json!(120),
            FieldType::Decimal => json!("12.5"),
            FieldType::Date => json!("2026-04-01"),
            FieldType::Boolean => json!(true),
            FieldType::Enum => json!(spec.values[0]),
            FieldType::Text => json!("社区服务"),
        };
        fields.insert(spec.name.clone(), value);
    }
    Value::Object(fields)
}

async fn query(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/queries", Some(token), &body).await
}

#[tokio::test]
async fn each_refusal_has_its_reason_code() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = subject_with_records(&app, &provider, 1).await;
    let (_, bank) = app.staff("requester", "financial_institution", "某银行南京分行").await;
    let (_, shop) = app.staff("requester", "enterprise", "某公司").await;
    let cases = [
        (
            &bank,
            json!({ "subject_identifier": identifier, "purpose": "marketing" }),
            StatusCode::FORBIDDEN,
            "unknown_purpose",
        ),
        (
            &shop,
            json!({ "subject_identifier": identifier, "purpose": "administrative_licensing" }),
            StatusCode::FORBIDDEN,
            "purpose_not_allowed",
        ),
        (
            &bank,
            json!({ "subject_identifier": identifier, "purpose": "financial_credit" }),
            StatusCode::FORBIDDEN,
            "authorization_required",
        ),
        (
            &bank,
            json!({ "subject_identifier": identifier, "purpose": "financial_credit", "authorization_id": "nope" }),
            StatusCode::FORBIDDEN,
            "authorization_invalid",
        ),
        (
            &bank,
            json!({ "subject_identifier": "12345", "purpose": "financial_credit" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_identifier",
        ),
        (
            &provider,
            json!({ "subject_identifier": identifier, "purpose": "supervision" }),
            StatusCode::FORBIDDEN,
            "forbidden_role",
        ),
    ];
    for (token, body, status_expected, code) in cases {
        let (status, answer) = query(&app, token, body).await;
        assert_error(status, &answer, status_expected, code);
        assert!(answer.get("records").is_none(), "a refusal discloses nothing: {answer}");
    }
}

#[tokio::test]
async fn authorizations_must_match_subject_grantee_purpose_and_be_live() {
    let mut app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = subject_with_records(&app, &provider, 2).await;
    let other_identifier = subject_with_records(&app, &provider, 3).await;
    let subject = app.subject_account(&identifier, "natural_person").await;
    let (bank_org, bank) = app.staff("requester", "financial_institution", "某银行").await;
    let (other_org, other_bank) = app.staff("requester", "financial_institution", "另一银行").await;

    let grant = |org: String, purpose: &'static str, until: &'static str| json!({ "organization_id": org, "purpose": purpose, "valid_until": until });
    let (status, body) = app
        .post("/api/v1/me/authorizations", Some(&subject), &grant(bank_org.clone(), "financial_credit", "2026-12-31"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let authorization = body["id"].as_str().expect("id").to_owned();
    let (status, body) =
        app.post("/api/v1/me/authorizations", Some(&subject), &grant(other_org, "credit_service", "2026-12-31")).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "purpose_not_allowed");

    let ask = |who: &str, purpose: &str| json!({ "subject_identifier": who, "purpose": purpose, "authorization_id": authorization });
    let (status, answer) = query(&app, &bank, ask(&identifier, "financial_credit")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["records"].as_array().map(Vec::len), Some(3));
    for (token, body) in [
        (&other_bank, ask(&identifier, "financial_credit")),
        (&bank, ask(&other_identifier, "financial_credit")),
        (&bank, ask(&identifier, "credit_service")),
    ] {
        let (status, answer) = query(&app, token, body).await;
        assert!(status == StatusCode::FORBIDDEN, "{answer}");
        assert!(
            ["authorization_invalid", "purpose_not_allowed"].contains(&answer["error"]["code"].as_str().unwrap_or("")),
            "{answer}"
        );
    }

    // Expiry: valid through 2026-12-31, refused from 2027-01-01 (Shanghai).
    app.advance_clock(chrono::Duration::days(93)).await; // 2027-01-01 09:00 +08:00
    let bank = app.relogin(&bank).await;
    let (status, answer) = query(&app, &bank, ask(&identifier, "financial_credit")).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN, "authorization_invalid");

    // Revocation: a fresh grant works until the subject revokes it.
    let subject = app.relogin(&subject).await;
    let (_, body) =
        app.post("/api/v1/me/authorizations", Some(&subject), &grant(bank_org, "financial_credit", "2027-06-30")).await;
    let fresh = body["id"].as_str().expect("id").to_owned();
    let body = json!({ "subject_identifier": identifier, "purpose": "financial_credit", "authorization_id": fresh });
    assert_eq!(query(&app, &bank, body.clone()).await.0, StatusCode::OK);
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/me/authorizations/{fresh}")))
        .bearer_auth(&subject)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, answer) = query(&app, &bank, body).await;
    assert_error(status, &answer, StatusCode::FORBIDDEN, "authorization_invalid");
    let (_, list) = app.get("/api/v1/me/authorizations", Some(&subject)).await;
    let statuses: BTreeSet<&str> =
        list["items"].as_array().expect("items").iter().filter_map(|i| i["status"].as_str()).collect();
    assert_eq!(statuses, BTreeSet::from(["expired", "revoked"]));
}

/// Every purpose a requester can declare (all but `self` and `objection_handling`, which no
/// organization kind may use: the subject's own view and case work have their own paths), by
/// an organization of a kind it allows, with the subject's authorization where it needs one:
/// exactly the categories, levels and fields the policy allows come back.
#[tokio::test]
async fn each_purpose_sees_exactly_its_fields_and_categories() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = subject_with_records(&app, &provider, 4).await;
    let subject = app.subject_account(&identifier, "natural_person").await;
    let submitted = |record_type: &str| -> BTreeSet<String> {
        match record_type {
            "administrative_penalty" => {
                penalty("x", "x")["fields"].as_object().expect("fields").keys().cloned().collect()
            }
            "tax_arrears" => ["tax_authority", "tax_category", "arrears_since", "arrears_amount", "notice_number"]
                .map(String::from)
                .into(),
            _ => volunteer_fields(&app).as_object().expect("fields").keys().cloned().collect(),
        }
    };
    let mut checked = 0;
    for policy in app.platform.policies.purposes.iter() {
        let Some(kind) = policy.organization_kinds.first() else { continue };
        let (org, token) = app.staff("requester", kind.as_str(), &format!("{} 查询单位", policy.code)).await;
        let mut body = json!({ "subject_identifier": identifier, "purpose": policy.code });
        if policy.requires_authorization {
            let grant = json!({ "organization_id": org, "purpose": policy.code, "valid_until": "2026-12-31" });
            let (status, granted) = app.post("/api/v1/me/authorizations", Some(&subject), &grant).await;
            assert_eq!(status, StatusCode::CREATED, "{}: {granted}", policy.code);
            body["authorization_id"] = granted["id"].clone();
        }
        let (status, answer) = query(&app, &token, body).await;
        assert_eq!(status, StatusCode::OK, "{}: {answer}", policy.code);
        let expected_types: BTreeSet<String> = ["administrative_penalty", "tax_arrears", "volunteer_service"]
            .into_iter()
            .filter(|t| policy.allows_record_type(t) && submitted(t).iter().any(|f| policy.allows_field(t, f)))
            .filter(|t| {
                let record_type = app.platform.policies.catalogue.get(t).expect("type");
                policy
                    .allows_disclosure(record_type.disclosure_for(credit_platform::domain::SubjectKind::NaturalPerson))
            })
            .map(String::from)
            .collect();
        let records = answer["records"].as_array().expect("records");
        let got_types: BTreeSet<String> =
            records.iter().map(|r| r["record_type"].as_str().expect("type").to_owned()).collect();
        assert_eq!(got_types, expected_types, "{}", policy.code);
        for record in records {
            let record_type = record["record_type"].as_str().expect("type");
            let got: BTreeSet<String> = record["fields"].as_object().expect("fields").keys().cloned().collect();
            let expected: BTreeSet<String> =
                submitted(record_type).into_iter().filter(|f| policy.allows_field(record_type, f)).collect();
            assert_eq!(got, expected, "{} / {record_type}", policy.code);
        }
        checked += 1;
    }
    assert_eq!(checked, 13, "every purpose but self and objection_handling was queried");
    // Spot checks that do not rely on the policy file as the oracle: amounts need authorization.
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市公安局").await;
    let (_, answer) = query(&app, &organ, json!({ "subject_identifier": identifier, "purpose": "residence" })).await;
    let records = answer["records"].as_array().expect("records");
    assert!(!records.is_empty(), "residence sees the penalty");
    for record in records {
        assert!(record["fields"].get("arrears_amount").is_none(), "residence must not see tax amounts: {record}");
    }
}

#[tokio::test]
async fn only_the_allowed_fields_are_decrypted() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = subject_with_records(&app, &provider, 5).await;
    let (org, _) = app.staff("requester", "administrative_organ", "南京市人力资源和社会保障局").await;
    let actor = credit_platform::workflow::Actor {
        account_id: "direct".into(),
        role: credit_platform::domain::Role::Requester,
        organization_id: Some(org),
        subject_id: None,
    };
    for purpose in ["residence", "administrative_licensing"] {
        // Blocking, as the portal calls it; the cells are opened on the calling thread.
        let (platform, actor, identifier) = (app.platform.clone(), actor.clone(), identifier.clone());
        let (opened, returned) = tokio::task::spawn_blocking(move || {
            let before = credit_platform::crypto::decryptions_on_this_thread();
            let request =
                QueryRequest { subject_identifier: identifier, purpose: purpose.into(), authorization_id: None };
            let answer = query_subject::query(&platform, &actor, request).expect("query answers");
            let opened = credit_platform::crypto::decryptions_on_this_thread() - before;
            (opened, answer.records.iter().map(|r| r.fields.len()).sum::<usize>())
        })
        .await
        .expect("joined");
        assert_eq!(opened as usize, returned, "{purpose}: decrypted {opened} cells for {returned} disclosed fields");
        assert!(returned > 0, "{purpose} discloses something");
    }
}

#[tokio::test]
async fn revoked_and_expired_records_are_never_disclosed_and_unknown_subjects_look_the_same() {
    let mut app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(6);
    let id = app.submit_ok(&provider, &penalty(&identifier, "李二")).await["id"].as_str().expect("id").to_owned();
    let old = {
        let mut record = penalty(&identifier, "李二");
        record["conduct_started_on"] = json!("2021-09-01");
        record["conduct_ended_on"] = json!("2021-10-05");
        record
    };
    app.submit_ok(&provider, &old).await;
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let ask = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    let (_, answer) = query(&app, &organ, ask.clone()).await;
    assert_eq!(answer["records"].as_array().map(Vec::len), Some(2));

    let revoke = json!({ "source_document": { "number": "撤〔2026〕1号", "date": "2026-09-30", "authority": "南京市市场监督管理局" }, "reason": "撤销" });
    assert_eq!(app.post(&format!("/api/v1/records/{id}/revoke"), Some(&provider), &revoke).await.0, StatusCode::OK);
    app.advance_clock(chrono::Duration::days(7)).await; // the old record's period ends on 2026-10-05
    let organ = app.relogin(&organ).await;
    let (status, answer) = query(&app, &organ, ask).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["records"], json!([]), "revoked and expired records are gone");

    let (status, unknown) =
        query(&app, &organ, json!({ "subject_identifier": credit_code(4242), "purpose": "supervision" })).await;
    assert_eq!(status, StatusCode::OK, "{unknown}");
    assert_eq!(unknown["records"], json!([]));
    assert!(unknown["subject"]["id"].is_null());
    assert_eq!(unknown["subject"]["kind"], "legal_person");
    assert!(unknown["query_id"].is_string());
}

#[tokio::test]
async fn the_subject_sees_who_accessed_them_and_delayed_purposes_stay_hidden() {
    let mut app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(7);
    app.submit_ok(&provider, &penalty(&identifier, "孙三")).await;
    let subject = app.subject_account(&identifier, "natural_person").await;
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let (_, court) = app.staff("requester", "judicial_organ", "南京市玄武区人民法院").await;
    let (_, shop) = app.staff("requester", "enterprise", "某零售公司").await;
    assert_eq!(
        query(&app, &organ, json!({ "subject_identifier": identifier, "purpose": "supervision" })).await.0,
        StatusCode::OK
    );
    assert_eq!(
        query(&app, &court, json!({ "subject_identifier": identifier, "purpose": "judicial" })).await.0,
        StatusCode::OK
    );
    let (status, _) =
        query(&app, &shop, json!({ "subject_identifier": identifier, "purpose": "market_transaction" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The subject's own reading is not listed as someone else's access.
    assert_eq!(app.get("/api/v1/me/records", Some(&subject)).await.0, StatusCode::OK);

    let (status, log) = app.get("/api/v1/me/access-log", Some(&subject)).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let items = log["items"].as_array().expect("items");
    let queries: Vec<&Value> = items.iter().filter(|i| i["action"] == "query").collect();
    assert_eq!(queries.len(), 2, "the judicial query is hidden for now: {log}");
    let allowed = queries.iter().find(|i| i["decision"] == "allowed").expect("the supervision query");
    assert_eq!(allowed["organization"], json!({ "name": "南京市商务局", "kind": "administrative_organ" }));
    assert_eq!(allowed["purpose"]["code"], "supervision");
    assert!(allowed["purpose"]["name_zh"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(
        allowed["fields"].as_array().is_some_and(|f| f.iter().any(|n| n == "administrative_penalty.penalty_content"))
    );
    let denied = queries.iter().find(|i| i["decision"] == "denied").expect("the refused query");
    assert_eq!(denied["organization"]["name"], "某零售公司");
    assert!(denied["fields"].as_array().is_some_and(Vec::is_empty));
    assert!(items.iter().all(|i| i["action"] != "self_view"), "{log}");
    assert!(items.iter().any(|i| i["action"] == "record_submitted"), "the provider's submission is listed: {log}");

    app.advance_clock(chrono::Duration::days(91)).await;
    let subject = app.relogin(&subject).await;
    let (_, log) = app.get("/api/v1/me/access-log", Some(&subject)).await;
    let judicial = log["items"].as_array().expect("items").iter().find(|i| i["purpose"]["code"] == "judicial").cloned();
    assert_eq!(judicial.expect("visible after 90 days")["organization"]["kind"], "judicial_organ");
}

#[tokio::test]
async fn a_query_whose_log_entry_cannot_be_written_answers_503_and_discloses_nothing() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    let identifier = resident_id(8);
    let mut record = penalty(&identifier, "周四");
    record["fields"]["penalty_content"] = json!("FAILCLOSED-CANARY");
    app.submit_ok(&provider, &record).await;
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let (create, drop) = crate::audit::refusing_log_writes(&app);
    crate::audit::sql(&app, create);
    let ask = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    let (status, body) = query(&app, &organ, ask.clone()).await;
    assert_error(status, &body, StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable");
    assert!(!body.to_string().contains("FAILCLOSED-CANARY") && body.get("records").is_none(), "{body}");
    // A denied query is logged the same way: no log, no answer either.
    let (status, _) = query(&app, &organ, json!({ "subject_identifier": identifier, "purpose": "nonsense" })).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    crate::audit::sql(&app, drop);
    let (status, body) = query(&app, &organ, ask).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["records"][0]["fields"]["penalty_content"], "FAILCLOSED-CANARY");
}
