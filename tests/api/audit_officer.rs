//! Officers' views of the access log: only officers get in, every officer read and export is
//! itself an entry (and so is a refused attempt), filters and cursors work, a subject is found
//! through the blind index, and the CSV export streams without any plaintext identifier.

use crate::audit::{entry, officer, officer_named, record, seed};
use crate::helpers::{TestApp, assert_error, resident_id, spawn_app};
use crate::privacy::assert_no_canary;
use credit_platform::audit::{Action, Decision};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn entries(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/audit/entries?{query}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn sequences(page: &Value) -> Vec<i64> {
    page["items"].as_array().expect("items").iter().map(|i| i["sequence"].as_i64().expect("sequence")).collect()
}

/// A subject account for `seed`; returns its pseudonymous subject id.
/// A subject created out of band (no access-log entry), so the chain holds only what the tests
/// append; returns its pseudonymous id.
async fn subject(app: &TestApp, seed: u32) -> String {
    let identifier = credit_platform::domain::identifier::SubjectIdentifier::parse_for(
        credit_platform::domain::SubjectKind::NaturalPerson,
        &resident_id(seed),
    )
    .expect("valid");
    let platform = app.platform.clone();
    platform
        .db
        .transaction(|conn| {
            credit_platform::workflow::subjects::find_or_create(
                conn,
                &platform,
                credit_platform::domain::SubjectKind::NaturalPerson,
                &identifier,
                Some("金丝雀"),
            )
        })
        .expect("subject")
        .0
        .id
}

#[tokio::test]
async fn only_officers_read_the_log_and_refusals_are_logged() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    let org = app.create_organization("某银行南京分行", "financial_institution").await;
    let requester = app
        .account_with_token(json!({
            "email": "req@example.org", "password": "a-long-password-2", "role": "requester", "organization_id": org,
        }))
        .await;
    for (path, who) in [
        ("/api/v1/audit/entries", &requester),
        ("/api/v1/audit/export.csv", &requester),
        ("/api/v1/audit/verify", &requester),
        ("/api/v1/audit/checkpoints", &requester),
        ("/api/v1/audit/entries", &app.admin_token),
    ] {
        let (status, body) = app.get(path, Some(who)).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden_role");
    }
    let (status, _) = app.get("/api/v1/audit/entries", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let denied = entries(&app, &token, "decision=denied").await;
    let items = denied["items"].as_array().expect("items");
    // entries, export, verify by the requester, entries by the admin; newest first.
    let actions: Vec<_> = items.iter().map(|i| i["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["officer_read", "audit_verify", "export", "officer_read"], "{denied}");
    assert!(items.iter().all(|i| i["reason_code"] == "forbidden_role"));
    assert_eq!(items[3]["organization_id"], org.as_str());
    assert_eq!(items[3]["role"], "requester");

    // The officer's own read just now is the newest entry.
    let mine = entries(&app, &token, "limit=1").await;
    assert_eq!(mine["items"][0]["action"], "officer_read");
    assert_eq!(mine["items"][0]["decision"], "allowed");
    assert_eq!(mine["items"][0]["role"], "officer");
    assert!(mine["items"][0]["actor_account_id"].is_string());
}

#[tokio::test]
async fn filters_and_cursors_select_entries_and_subjects_are_found_through_the_blind_index() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    let watched = subject(&app, 31).await;
    seed(&app, 3); // 1..=3: another subject (none)
    for i in 0..5 {
        let e = entry(&app.platform, app.clock.as_ref(), i).subject(&watched);
        let e = if i == 4 { credit_platform::audit::NewEntry { decision: Decision::Denied, ..e } } else { e };
        record(&app.platform, e).await.expect("recorded"); // 4..=8
    }
    let identifier = resident_id(31);
    // The officer's own reads are entries about this subject too; the account filter leaves
    // the requester's.
    let by_requester =
        format!("subject_identifier={identifier}&subject_kind=natural_person&account_id=requester-account");
    let page = entries(&app, &token, &format!("{by_requester}&limit=2")).await;
    assert_eq!(sequences(&page), [8, 7]);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let page = entries(&app, &token, &format!("{by_requester}&limit=2&cursor={cursor}")).await;
    assert_eq!(sequences(&page), [6, 5]);
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    let page = entries(&app, &token, &format!("{by_requester}&limit=2&cursor={cursor}")).await;
    assert_eq!(sequences(&page), [4]);
    assert!(page["next_cursor"].is_null());

    let page = entries(&app, &token, &format!("subject_identifier={identifier}&decision=denied")).await;
    assert_eq!(sequences(&page), [8]);
    let page =
        entries(&app, &token, "purpose=financial_credit&organization_id=bank-org&account_id=requester-account").await;
    assert_eq!(sequences(&page).len(), 8);
    let page = entries(&app, &token, &format!("subject_identifier={}", resident_id(32))).await;
    assert!(sequences(&page).is_empty(), "an unknown subject has no entries");
    // Every entry so far was made at the tests' "now", 2026-09-30T01:00:00Z; `to` is exclusive.
    let page = entries(&app, &token, "to=2026-09-30T01:00:00Z").await;
    assert!(sequences(&page).is_empty());
    let page =
        entries(&app, &token, "from=2026-09-30T01:00:00Z&to=2026-09-30T01:00:01Z&purpose=financial_credit").await;
    assert_eq!(sequences(&page), [8, 7, 6, 5, 4, 3, 2, 1]);

    // The officer's subject search is logged with the pseudonymous subject id, so the subject
    // can see it; the identifier itself is stored nowhere.
    let log = entries(&app, &token, &format!("subject_identifier={identifier}&limit=50")).await;
    let officer_reads: Vec<_> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["action"] == Action::OfficerRead.as_str())
        .collect();
    assert!(officer_reads.len() >= 4, "{log}");
    assert!(officer_reads.iter().all(|i| i["subject_id"] == watched.as_str()));
    assert_no_canary(&app, &[&identifier]);

    let (status, body) = app.get("/api/v1/audit/entries?subject_identifier=320102199001011234", Some(&token)).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_identifier");
    assert!(!body.to_string().contains("320102199001011234"));
    let (status, body) = app.get("/api/v1/audit/entries?from=yesterday", Some(&token)).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_instant");
    let (status, body) = app.get("/api/v1/audit/entries?decision=maybe", Some(&token)).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "unknown_code");
}

#[tokio::test]
async fn the_csv_export_streams_every_entry_and_no_identifier() {
    let app = spawn_app().await;
    let token = officer(&app).await;
    let watched = subject(&app, 41).await;
    seed(&app, 1200);
    record(&app.platform, entry(&app.platform, app.clock.as_ref(), 5000).subject(&watched)).await.expect("recorded");
    let identifier = resident_id(41);

    // Every subject's accesses at once: a bulk export, under four eyes.
    let second = officer_named(&app, "second.officer@example.org").await;
    let (status, asked) = app.post("/api/v1/audit/exports", Some(&token), &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    let id = asked["id"].as_str().expect("id");
    let (status, approved) = app.post(&format!("/api/v1/audit/exports/{id}/approval"), Some(&second), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let file = format!("/api/v1/audit/exports/{id}/file.csv");
    let response = app.client.get(app.url(&file)).bearer_auth(&token).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.content_length().is_none(), "a streamed body has no length up front");
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let mut chunks = 0;
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        body.extend_from_slice(&chunk.expect("chunk"));
        chunks += 1;
    }
    assert!(chunks > 1, "the export arrived in one piece");
    let text = String::from_utf8(body).expect("utf-8");
    let lines: Vec<_> = text.lines().collect();
    assert!(lines[0].starts_with("sequence,at,request_id,"), "{}", lines[0]);
    // Header, 1201 entries, the request, its approval and the export's own entry (logged
    // before it ran), newest first.
    assert_eq!(lines.len(), 1 + 1204, "rows: {}", lines.len());
    assert!(lines[1].starts_with("1204,") && lines[1].contains(",export,"), "{}", lines[1]);
    assert!(lines[2].starts_with("1203,") && lines[2].contains(",export_approved,"), "{}", lines[2]);
    assert!(lines[3].starts_with("1202,") && lines[3].contains(",export_requested,"), "{}", lines[3]);
    assert!(lines[4].starts_with("1201,") && lines[4].contains(&watched), "{}", lines[4]);
    assert!(lines.last().expect("row").starts_with("1,"));
    assert!(!text.contains(&identifier) && !text.contains("金丝雀"));

    let filtered = app
        .client
        .get(app.url(&format!("/api/v1/audit/export.csv?subject_identifier={identifier}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("body");
    // Header, the subject's one entry, and this export's own entry (it names the subject).
    assert_eq!(filtered.lines().count(), 1 + 2, "{filtered}");
    assert!(filtered.lines().nth(1).is_some_and(|l| l.contains(",export,") && l.contains(&watched)), "{filtered}");
    assert!(!filtered.contains(&identifier));
}
