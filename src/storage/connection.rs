//! Backend selection by URL scheme, the r2d2 connection manager and the pool.
//!
//! diesel's derived `AnyConnection::establish` tries each backend in turn and hides the real
//! error, and treats any string as a SQLite path; our manager picks the backend from the scheme
//! so a typo is an error, never a silently created file, and libpq's message survives.

use super::StorageError;
use diesel::connection::SimpleConnection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use std::time::Duration;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type PooledConnection = r2d2::PooledConnection<AnyManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where to connect: the backend and the string its driver takes.
#[derive(Clone)]
pub struct Target {
    backend: Backend,
    driver_url: String,
}

impl Target {
    /// `postgres://` / `postgresql://` -> PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a bare
    /// path (no `scheme://`) -> SQLite; anything else is refused.
    pub fn parse(url: &str) -> Result<Target, StorageError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target { backend: Backend::Postgres, driver_url: url.to_owned() });
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if url.contains("://") || url.is_empty() {
            return Err(StorageError::UnsupportedUrl);
        } else {
            url
        };
        if path.is_empty() || path.starts_with(":memory:") {
            // Each pooled connection would get its own empty in-memory database.
            return Err(StorageError::UnsupportedUrl);
        }
        Ok(Target { backend: Backend::Sqlite, driver_url: path.to_owned() })
    }
}

pub struct AnyManager {
    target: Target,
}

impl ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match self.target.backend {
            Backend::Postgres => PgConnection::establish(&self.target.driver_url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(&self.target.driver_url).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: setting WAL while another connection opens can fail with
                // "database is locked" unless the timeout is already in force.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
    }
}

/// The pool plus what the layers above may ask about it.
#[derive(Clone)]
pub struct Database {
    pool: Pool<AnyManager>,
    backend: Backend,
    target: Target,
}

impl Database {
    /// Connects eagerly: a wrong URL or an unreachable server fails here, within `timeout`.
    pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> Result<Database, StorageError> {
        let target = Target::parse(url)?;
        let backend = target.backend;
        let manager = AnyManager { target: target.clone() };
        // One direct connection first, so the caller sees the driver's own message instead of
        // r2d2's generic timeout.
        manager.connect().map_err(|e| StorageError::Connect(e.to_string()))?;
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .build(manager)
            .map_err(|e| StorageError::Connect(e.to_string()))?;
        Ok(Database { pool, backend, target })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn get(&self) -> Result<PooledConnection, StorageError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` in one write transaction on a pooled connection (see `write_transaction`).
    pub fn transaction<T, E>(&self, f: impl FnOnce(&mut AnyConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StorageError> + From<diesel::result::Error>,
    {
        let mut conn = self.get()?;
        write_transaction(&mut conn, f)
    }

    /// A connection outside the pool, configured like pooled ones, for a long-lived worker
    /// (the audit writer) that must never wait for a pool its own waiters may have exhausted.
    pub fn dedicated(&self) -> Result<AnyConnection, StorageError> {
        AnyManager { target: self.target.clone() }.connect().map_err(|e| StorageError::Connect(e.to_string()))
    }

    /// Reachability for /readyz.
    pub fn ping(&self) -> Result<(), StorageError> {
        let mut conn = self.get()?;
        conn.ping().map_err(StorageError::from)
    }
}

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
    use super::*;

    #[test]
    fn backend_is_chosen_by_scheme_and_unknown_schemes_are_refused() {
        assert_eq!(Target::parse("postgres://u@h/db").map(|t| t.backend).ok(), Some(Backend::Postgres));
        assert_eq!(Target::parse("sqlite://data/x.db").map(|t| t.driver_url).ok(), Some("data/x.db".into()));
        assert_eq!(Target::parse("./x.sqlite3").map(|t| t.backend).ok(), Some(Backend::Sqlite));
        assert!(Target::parse("mysql://h/db").is_err());
        assert!(Target::parse("sqlite://:memory:").is_err());
        assert!(Target::parse("").is_err());
    }

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
