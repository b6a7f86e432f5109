//! Reads run on the access-log writer (`AuditLog::read_then_record`): the answer comes back
//! only with its entry committed, never when the batch fails, a job that logs nothing is
//! answered at once, and a job that panics costs only its own answer.

use crate::audit::{entry, refusing_log_writes, sql};
use crate::helpers::spawn_app;
use credit_platform::audit::AuditError;
use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn stored_entries(app: &crate::helpers::TestApp) -> i64 {
    let mut conn = app.platform.db.get().expect("connection");
    diesel::sql_query("SELECT COUNT(*) AS n FROM audit_entries").get_result::<Count>(&mut *conn).expect("count").n
}

#[tokio::test]
async fn a_read_on_the_writer_is_answered_with_its_entry_already_stored() {
    let app = spawn_app().await;
    let before = stored_entries(&app);
    let logged = entry(&app.platform, app.clock.as_ref(), 1);
    let answer = app
        .platform
        .audit
        .read_then_record(move |conn| {
            // The job reads on the writer's own connection.
            let seen = diesel::sql_query("SELECT COUNT(*) AS n FROM audit_entries").get_result::<Count>(conn);
            (Some(logged), seen.map(|c| c.n).unwrap_or(-1))
        })
        .outcome()
        .await
        .expect("answered");
    assert_eq!(answer, before, "the job read the log as it stood before its own entry");
    assert_eq!(stored_entries(&app), before + 1, "the entry is committed by the time the answer arrives");
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok);
}

#[tokio::test]
async fn when_the_batch_fails_the_read_is_not_answered() {
    let app = spawn_app().await;
    let (create, drop) = refusing_log_writes(&app);
    sql(&app, create);
    let logged = entry(&app.platform, app.clock.as_ref(), 2);
    let refused = app.platform.audit.read_then_record(move |_| (Some(logged), "SECRET-VALUE")).outcome().await;
    assert!(matches!(refused, Err(AuditError::Unavailable)), "{refused:?}");
    sql(&app, drop);
    let logged = entry(&app.platform, app.clock.as_ref(), 3);
    let answered = app.platform.audit.read_then_record(move |_| (Some(logged), 7)).outcome().await;
    assert!(matches!(answered, Ok(7)), "the writer recovers: {answered:?}");
}

#[tokio::test]
async fn a_job_that_reads_nothing_personal_is_answered_without_an_entry() {
    let app = spawn_app().await;
    let before = stored_entries(&app);
    let answered = app.platform.audit.read_then_record(|_| (None, "refused before any read")).outcome().await;
    assert!(matches!(answered, Ok("refused before any read")), "{answered:?}");
    assert_eq!(stored_entries(&app), before);
}

#[tokio::test]
async fn a_job_that_panics_loses_only_its_own_answer() {
    let app = spawn_app().await;
    let panicked = app
        .platform
        .audit
        .read_then_record(|_| -> (Option<credit_platform::audit::NewEntry>, ()) { panic!("a job broke") })
        .outcome()
        .await;
    assert!(matches!(panicked, Err(AuditError::Stopped)), "{panicked:?}");
    let logged = entry(&app.platform, app.clock.as_ref(), 4);
    let answered = app.platform.audit.read_then_record(move |_| (Some(logged), "still running")).outcome().await;
    assert!(matches!(answered, Ok("still running")), "the writer goes on: {answered:?}");
    assert!(app.platform.audit.verify(&mut |_| {}).expect("verifies").ok);
}
