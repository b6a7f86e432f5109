//! Moves SQLite's WAL checkpoints off the request path.
//!
//! By default the connection whose commit pushes the WAL past 1,000 pages copies it back into
//! the database file inside that commit: the access-log writer or an intake chunk then waits
//! for the copy (and two fsyncs). A dedicated thread instead runs a PASSIVE checkpoint every
//! [`EVERY`] on its own connection; PASSIVE never blocks readers or writers. Connections keep
//! a larger automatic threshold as a backstop, so the WAL stays bounded if this thread ever
//! stalls. The thread ends as soon as the last handle to the database is dropped.

use super::AnyConnection;
use diesel::connection::SimpleConnection;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

pub const EVERY: Duration = Duration::from_millis(50);
/// The automatic threshold each SQLite connection keeps (pages), above the default 1,000.
pub const BACKSTOP_PAGES: u32 = 4_000;

/// Stops the thread when dropped (its channel disconnects).
pub struct Checkpointer {
    _stop: Sender<()>,
}

impl Checkpointer {
    pub fn start(mut conn: AnyConnection) -> Checkpointer {
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new().name("wal-checkpointer".into()).spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                    // The backstop threshold keeps the WAL bounded meanwhile.
                    tracing::warn!(%error, "background WAL checkpoint failed");
                }
            }
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no background WAL checkpointer; commits will checkpoint");
        }
        Checkpointer { _stop: stop }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Database;
    use diesel::connection::SimpleConnection;
    use std::time::{Duration, Instant};

    /// Rows committed to the WAL reach the database file without any commit crossing the
    /// automatic threshold: only the background thread can have copied them.
    #[test]
    fn committed_pages_reach_the_database_file_in_the_background() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let file = dir.path().join("c.sqlite3");
        let db = Database::connect(&format!("sqlite://{}", file.display()), 2, Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("{e}"));
        let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let mut conn = db.get().unwrap_or_else(|e| panic!("{e}"));
        conn.batch_execute("CREATE TABLE t (b BLOB NOT NULL)").unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(super::EVERY * 4);
        let before = size();
        // About 50 pages: far below the 4,000-page backstop.
        conn.batch_execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
             INSERT INTO t SELECT randomblob(3000) FROM n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let waited = Instant::now();
        while size() < before + 50 * 3000 && waited.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(super::EVERY);
        }
        assert!(size() >= before + 50 * 3000, "the database file stayed at {} bytes", size());
    }
}
