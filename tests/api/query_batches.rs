//! Many queries at once. Whether they are read one by one (SQLite, on the access-log writer)
//! or a batch per statement (PostgreSQL, `workflow::query_reads`), each gets the answer it
//! would get alone, duplicates and failures included, and each is logged once. On PostgreSQL a
//! batch whose statement fails answers 503 to all its queries, discloses and logs nothing, and
//! the reads recover on a new connection.

use crate::audit::sql;
use crate::helpers::{TestApp, assert_error, penalty, resident_id, spawn_app};
use diesel::RunQueryDsl;
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

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct Backend {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// Access-log rows as stored (not the writer's counters), all or those of one request id.
fn stored_entries(app: &TestApp, request_id: Option<&str>) -> i64 {
    let mut conn = app.platform.db.get().expect("connection");
    let query = diesel::sql_query("SELECT COUNT(*) AS n FROM audit_entries WHERE $1::text IS NULL OR request_id = $1")
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(request_id);
    query.get_result::<Count>(&mut *conn).expect("count").n
}

/// PostgreSQL: the backends of the test's database whose last statement is the batched
/// disclosure read (`records::disclosable_by_indexes`, the only statement that selects the
/// blind index first; `pg_stat_activity` truncates the text, so its start is what is matched),
/// i.e. the query-reads thread's connection.
fn batch_readers(app: &TestApp) -> Vec<i32> {
    let mut conn = app.platform.db.get().expect("connection");
    diesel::sql_query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND query LIKE 'SELECT \"subjects\".\"identifier_index\", \"subjects\".\"id\"%'",
    )
    .load::<Backend>(&mut *conn)
    .expect("pg_stat_activity")
    .into_iter()
    .map(|b| b.pid)
    .collect()
}

/// PostgreSQL only (the query-reads thread exists only there). While the batch statement
/// cannot run (`record_versions` renamed away under the running app), every query that
/// reaches it, concurrent or alone, known subject or not, answers 503 `database_unavailable`,
/// discloses none of the record's values and stores no access-log entry. Once the table is
/// back, the next query answers 200 with the record and exactly one entry (its own), on a
/// connection the thread opened again (the one that failed is closed).
#[tokio::test]
async fn a_failed_batch_answers_503_logs_nothing_and_the_reads_recover_on_a_new_connection() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        eprintln!("skipped: the batched query reads exist only on PostgreSQL (set CREDIT_TEST_DATABASE_URL)");
        return;
    }
    let (_, provider) = app.provider().await;
    let identifier = resident_id(44);
    let mut record = penalty(&identifier, "孙四");
    record["fields"]["penalty_content"] = json!("CANARY-CONTENT-44");
    record["fields"]["decision_number"] = json!("CANARY-DECISION-44");
    app.submit_ok(&provider, &record).await;
    let (_, organ) = app.staff("requester", "administrative_organ", "南京市商务局").await;
    let known = json!({ "subject_identifier": identifier, "purpose": "supervision" });
    let unknown = json!({ "subject_identifier": resident_id(98), "purpose": "supervision" });

    // Warm: the thread has its connection and the statement prepared. The first query also
    // reads the organization's kind after the statement; from the second on it is cached, so
    // the statement is that connection's last one in `pg_stat_activity`.
    for _ in 0..2 {
        let (status, answer) = app.post("/api/v1/queries", Some(&organ), &known).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["records"][0]["fields"]["penalty_content"], "CANARY-CONTENT-44", "{answer}");
    }
    let readers = batch_readers(&app);
    assert_eq!(readers.len(), 1, "one connection reads the batches: {readers:?}");
    let failed_reader = readers[0];

    sql(&app, "ALTER TABLE record_versions RENAME TO record_versions_away");
    let logged_before = (stored_entries(&app, None), app.platform.audit.stats().entries);
    let mut asked = vec![&known; 6];
    asked.extend([&unknown, &unknown]);
    let mut answers = join_all(asked.iter().map(|body| app.post("/api/v1/queries", Some(&organ), body))).await;
    // And one alone, after the batches above failed (on the connection opened again).
    answers.push(app.post("/api/v1/queries", Some(&organ), &known).await);
    for (status, answer) in &answers {
        assert_error(*status, answer, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable");
        let text = answer.to_string();
        assert!(answer.get("records").is_none() && !text.contains("CANARY"), "data leaked: {answer}");
    }
    assert_eq!(
        (stored_entries(&app, None), app.platform.audit.stats().entries),
        logged_before,
        "a failed batch stores no access-log entry"
    );

    sql(&app, "ALTER TABLE record_versions_away RENAME TO record_versions");
    let (status, answer) = app.post("/api/v1/queries", Some(&organ), &known).await;
    assert_eq!(status, StatusCode::OK, "the reads did not recover: {answer}");
    let records = answer["records"].as_array().expect("records");
    assert_eq!(records.len(), 1, "{answer}");
    assert_eq!(records[0]["fields"]["penalty_content"], "CANARY-CONTENT-44", "{answer}");
    let query_id = answer["query_id"].as_str().expect("query id");
    assert_eq!(stored_entries(&app, None), logged_before.0 + 1, "exactly one new entry");
    assert_eq!(stored_entries(&app, Some(query_id)), 1, "the new entry is the recovered query's");
    // The statement now runs on a connection other than the one that failed, which is closed.
    let mut readers = batch_readers(&app);
    for _ in 0..100 {
        if !readers.contains(&failed_reader) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        readers = batch_readers(&app);
    }
    assert!(!readers.contains(&failed_reader), "the failed connection was kept: {readers:?}");
    assert_eq!(readers.len(), 1, "the thread reads on one new connection: {readers:?}");
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok);
}
