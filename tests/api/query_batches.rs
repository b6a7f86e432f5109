//! Many queries at once. Whether they are read one by one (SQLite, on the access-log writer)
//! or a batch per statement (PostgreSQL, `workflow::query_reads`), each gets the answer it
//! would get alone, duplicates and failures included, and each is logged once.

use crate::helpers::{assert_error, penalty, resident_id, spawn_app};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn concurrent_queries_each_get_their_own_answer_and_one_entry() {
    let app = spawn_app().await;
    let (_, provider) = app.provider().await;
    for seed in 40..43 {
        let mut record = penalty(&resident_id(seed), "孙三");
        record["fields"]["penalty_content"] = json!(format!("CONTENT-{seed}"));
        app.submit_ok(&provider, &record).await;
    }
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let ask = |identifier: String, purpose: &str| json!({ "subject_identifier": identifier, "purpose": purpose });
    // Each kind of query four times over, interleaved, so that batches hold duplicates.
    let mut asked: Vec<(&str, Value, &str)> = Vec::new();
    for _ in 0..4 {
        for seed in 40..43 {
            asked.push(("known", ask(resident_id(seed), "supervision"), &organ));
        }
        asked.push(("unknown", ask(resident_id(99), "supervision"), &organ));
        asked.push(("malformed", ask("12345".into(), "supervision"), &organ));
        asked.push(("refused", ask(resident_id(40), "nonsense"), &organ));
        asked.push(("unauthenticated", ask(resident_id(41), "supervision"), "not-a-token"));
    }
    let logged_before = app.platform.audit.stats().entries;
    let answers = join_all(asked.iter().map(|(_, body, token)| app.post("/api/v1/queries", Some(token), body))).await;
    for ((kind, body, _), (status, answer)) in asked.iter().zip(&answers) {
        match *kind {
            "known" => {
                assert_eq!(*status, StatusCode::OK, "{answer}");
                let identifier = body["subject_identifier"].as_str().unwrap_or_default();
                let seed = (40..43).find(|s| resident_id(*s) == identifier).unwrap_or(0);
                let records = answer["records"].as_array().expect("records");
                assert_eq!(records.len(), 1, "{answer}");
                assert_eq!(
                    records[0]["fields"]["penalty_content"],
                    format!("CONTENT-{seed}"),
                    "another subject's answer"
                );
            }
            "unknown" => {
                assert_eq!(*status, StatusCode::OK, "{answer}");
                assert!(answer["subject"]["id"].is_null() && answer["records"] == json!([]), "{answer}");
            }
            "malformed" => assert_error(*status, answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid_identifier"),
            "refused" => assert_error(*status, answer, StatusCode::FORBIDDEN, "unknown_purpose"),
            _ => assert_error(*status, answer, StatusCode::UNAUTHORIZED, "invalid_token"),
        }
    }
    // Every authenticated query is one entry, allowed or denied; the unauthenticated none.
    let authenticated = asked.iter().filter(|(kind, _, _)| *kind != "unauthenticated").count() as u64;
    assert_eq!(app.platform.audit.stats().entries - logged_before, authenticated);
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok);
}
