//! Write transactions that behave the same on both backends and never leak an open
//! transaction back into the pool.

use super::{AnyConnection, StorageError};
use diesel::connection::{AnsiTransactionManager, TransactionManager};

/// Runs `f` in a write transaction: commits on Ok, rolls back on Err, and rolls back if `f`
/// panics, so a connection never goes back to the pool inside an open transaction.
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock up front. diesel's default deferred `BEGIN`
/// starts as a reader; two read-then-write transactions then deadlock on the upgrade and one
/// fails with SQLITE_BUSY at once, busy_timeout notwithstanding. PostgreSQL: a plain `BEGIN`.
/// The transaction goes through diesel's transaction manager, so nested `conn.transaction`
/// calls inside `f` become savepoints as usual.
pub fn write_transaction<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<StorageError> + From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?,
    }
    let mut guard = RollbackGuard { conn, armed: true };
    let result = f(guard.conn);
    guard.armed = false;
    match result {
        Ok(value) => {
            end(guard.conn, true)?;
            Ok(value)
        }
        Err(error) => {
            // The closure's error is the one worth reporting; a failed rollback leaves the
            // connection marked broken, and r2d2 discards it.
            let _ = end(guard.conn, false);
            Err(error)
        }
    }
}

fn end(conn: &mut AnyConnection, commit: bool) -> diesel::QueryResult<()> {
    match (conn, commit) {
        (AnyConnection::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
        (AnyConnection::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
        (AnyConnection::Postgresql(c), true) => AnsiTransactionManager::commit_transaction(c),
        (AnyConnection::Postgresql(c), false) => AnsiTransactionManager::rollback_transaction(c),
    }
}

/// Rolls the open transaction back when dropped still armed, i.e. when the closure unwound.
struct RollbackGuard<'a> {
    conn: &'a mut AnyConnection,
    armed: bool,
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = end(self.conn, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Database;
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::r2d2::R2D2Connection;
    use std::time::Duration;

    fn scratch_database(pool_size: u32) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = format!("sqlite://{}", dir.path().join("t.sqlite3").display());
        let db = Database::connect(&url, pool_size, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
        let mut conn = db.get().unwrap_or_else(|e| panic!("{e}"));
        conn.batch_execute("CREATE TABLE t (n INTEGER NOT NULL)").unwrap_or_else(|e| panic!("{e}"));
        (dir, db)
    }

    fn count(conn: &mut AnyConnection) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query("SELECT COUNT(*) AS n FROM t")
            .get_result::<Count>(conn)
            .map(|c| c.n)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Read-then-write transactions from many threads: with a deferred BEGIN, SQLite fails the
    /// lock upgrade with SQLITE_BUSY at once; BEGIN IMMEDIATE serializes them instead.
    #[test]
    fn concurrent_read_then_write_transactions_all_commit_on_sqlite() {
        let (_dir, db) = scratch_database(8);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        db.transaction::<_, StorageError>(|conn| {
                            let seen = count(conn);
                            std::thread::yield_now();
                            conn.batch_execute(&format!("INSERT INTO t (n) VALUES ({seen})"))?;
                            Ok(())
                        })?;
                    }
                    Ok::<_, StorageError>(())
                })
            })
            .collect();
        for thread in threads {
            let outcome = thread.join().unwrap_or_else(|_| panic!("thread panicked"));
            assert!(outcome.is_ok(), "a transaction failed: {outcome:?}");
        }
        assert_eq!(count(&mut db.get().unwrap_or_else(|e| panic!("{e}"))), 200);
    }

    #[test]
    fn errors_and_panics_roll_back_and_the_connection_comes_back_usable() {
        let (_dir, db) = scratch_database(1);
        // A per-connection marker: it survives only if the pool keeps the same connection,
        // i.e. if the guard rolled back instead of leaving r2d2 to discard a broken one.
        db.get()
            .and_then(|mut c| Ok(c.batch_execute("CREATE TEMP TABLE marker (x INTEGER)")?))
            .unwrap_or_else(|e| panic!("{e}"));
        let failed = db.transaction::<(), StorageError>(|conn| {
            conn.batch_execute("INSERT INTO t (n) VALUES (1)")?;
            Err(StorageError::NotFound)
        });
        assert!(matches!(failed, Err(StorageError::NotFound)));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            db.transaction::<(), StorageError>(|conn| {
                conn.batch_execute("INSERT INTO t (n) VALUES (2)")?;
                panic!("boom inside a transaction");
            })
        }));
        assert!(panicked.is_err());
        // The pool has one connection: it must be the same one, out of any transaction
        // (a new transaction can begin, and nothing from the two above was kept).
        let mut conn = db.get().unwrap_or_else(|e| panic!("{e}"));
        assert!(!conn.is_broken(), "the connection was returned inside a transaction");
        assert!(conn.batch_execute("SELECT x FROM marker").is_ok(), "the pool had to replace the connection");
        assert_eq!(count(&mut conn), 0);
        drop(conn);
        db.transaction::<_, StorageError>(|conn| Ok(conn.batch_execute("INSERT INTO t (n) VALUES (3)")?))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count(&mut db.get().unwrap_or_else(|e| panic!("{e}"))), 1);
    }
}
