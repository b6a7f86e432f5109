//! Backend selection by URL scheme, the r2d2 connection manager and the pool.
//!
//! diesel's derived `AnyConnection::establish` tries each backend in turn and hides the real
//! error, and treats any string as a SQLite path; our manager picks the backend from the scheme
//! so a typo is an error, never a silently created file, and libpq's message survives.

use super::StorageError;
use super::wal_checkpointer::Checkpointer;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use std::sync::Arc;
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
    /// SQLite's page cache per connection, in KiB.
    cache_kib: u32,
}

/// SQLite page cache of a connection that serves requests. In WAL mode a connection empties
/// its whole cache whenever it sees another connection's commit, and the access log commits
/// about a thousand times a second under load, so a request connection rarely finds more than
/// the last query's pages. Emptying walks the cache's whole hash table, which never shrinks:
/// with 32 MiB (8,192 pages, reached by any large read or write) that walk alone was 5 % of the
/// query path's CPU, and 2 MiB served 15–20 % more audited queries (`benches/query_load.rs`).
const REQUEST_CACHE_KIB: u32 = 2 * 1024;

/// SQLite page cache of the bulk connections (`Database::bulk_transaction`): a 1,000-record
/// intake chunk dirties thousands of pages in one transaction, which must not spill to the
/// WAL before its commit.
const BULK_CACHE_KIB: u32 = 32 * 1024;

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
                // WAL with synchronous=NORMAL is durable against process crashes (a committed
                // transaction is in the WAL before COMMIT returns); the page cache is the pool's.
                // No memory-mapped reads: a reader that sees a new commit unmaps its whole map
                // (`munmap` + TLB shootdowns on every core) and faults the pages back in; with
                // the access log committing ~1,000 times a second that cost the query path a
                // fifth of its throughput, while intake measured the same either way.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -{}; PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY; \
                     PRAGMA wal_autocheckpoint = {};",
                    self.cache_kib,
                    super::wal_checkpointer::BACKSTOP_PAGES
                ))
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
    /// SQLite only: connections with a large page cache for bulk writes.
    bulk: Option<Pool<AnyManager>>,
    backend: Backend,
    target: Target,
    /// SQLite only: checkpoints off the request path, for as long as any clone lives.
    checkpointer: Option<Arc<Checkpointer>>,
}

impl Database {
    /// Connects eagerly: a wrong URL or an unreachable server fails here, within `timeout`.
    pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> Result<Database, StorageError> {
        let target = Target::parse(url)?;
        let backend = target.backend;
        let manager = AnyManager { target: target.clone(), cache_kib: REQUEST_CACHE_KIB };
        // One direct connection first, so the caller sees the driver's own message instead of
        // r2d2's generic timeout; on SQLite it then serves the background checkpointer.
        let first = manager.connect().map_err(|e| StorageError::Connect(e.to_string()))?;
        let pool = build_pool(manager, pool_size, timeout)?;
        // SQLite has one writer at a time, so two bulk connections are plenty: a third chunk
        // would only wait for the write lock instead of for the pool.
        let bulk = match backend {
            Backend::Sqlite => {
                Some(build_pool(AnyManager { target: target.clone(), cache_kib: BULK_CACHE_KIB }, 2, timeout)?)
            }
            Backend::Postgres => None,
        };
        let checkpointer = match backend {
            Backend::Sqlite => Some(Arc::new(Checkpointer::start(first))),
            Backend::Postgres => None,
        };
        Ok(Database { pool, bulk, backend, target, checkpointer })
    }

    /// Tells the background checkpointer that a large transaction just committed (SQLite; a
    /// no-op on PostgreSQL), so the WAL is copied back before the next one starts.
    pub fn after_bulk_commit(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.nudge();
        }
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
        super::transaction::write_transaction(&mut conn, f)
    }

    /// Runs `f` in one write transaction that writes many rows (a batch intake chunk): on SQLite
    /// on a connection with a large page cache, on PostgreSQL like `transaction`.
    pub fn bulk_transaction<T, E>(&self, f: impl FnOnce(&mut AnyConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StorageError> + From<diesel::result::Error>,
    {
        let mut conn = match &self.bulk {
            Some(bulk) => bulk.get().map_err(StorageError::from)?,
            None => self.get()?,
        };
        super::transaction::write_transaction(&mut conn, f)
    }

    /// A connection outside the pool, configured like pooled ones, for a long-lived worker
    /// (the audit writer) that must never wait for a pool its own waiters may have exhausted.
    pub fn dedicated(&self) -> Result<AnyConnection, StorageError> {
        AnyManager { target: self.target.clone(), cache_kib: REQUEST_CACHE_KIB }
            .connect()
            .map_err(|e| StorageError::Connect(e.to_string()))
    }

    /// Reachability for /readyz.
    pub fn ping(&self) -> Result<(), StorageError> {
        let mut conn = self.get()?;
        conn.ping().map_err(StorageError::from)
    }
}

fn build_pool(manager: AnyManager, size: u32, timeout: Duration) -> Result<Pool<AnyManager>, StorageError> {
    Pool::builder()
        .max_size(size.max(1))
        // Every connection is opened here, before `build` returns. With fewer kept idle,
        // r2d2 opens a new one in the background whenever a checkout finds none idle, and a
        // command that ends while such a PostgreSQL connect is in flight crashed in libpq's
        // TLS setup as the exit handlers tore OpenSSL down (SIGSEGV, seen on `import`).
        .min_idle(None)
        // No `SELECT 1` before every checkout: a broken connection surfaces on use and is
        // dropped by `has_broken`, and the hot path saves a statement per request.
        .test_on_check_out(false)
        .connection_timeout(timeout)
        .build(manager)
        .map_err(|e| StorageError::Connect(e.to_string()))
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
}
