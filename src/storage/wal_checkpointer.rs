//! Moves SQLite's WAL checkpoints off the request path.
//!
//! By default the connection whose commit pushes the WAL past 1,000 pages copies it back into
//! the database file inside that commit: the access-log writer or an intake chunk then waits
//! for the copy (and two fsyncs). A dedicated thread instead runs a PASSIVE checkpoint every
//! [`EVERY`] on its own connection; PASSIVE never blocks readers or writers. Connections keep
//! a larger automatic threshold as a backstop, so the WAL stays bounded if this thread ever
//! stalls. The thread ends as soon as the last handle to the database is dropped.
//!
//! A bulk writer (an intake chunk writes over 1,000 pages) nudges the thread right after its
//! commit: waiting up to 50 ms, the copy was still running when the next chunk began, the WAL
//! could not restart from its first frame and grew until a commit crossed the backstop and
//! checkpointed on the writer's thread (7 % of a long intake run).

use super::AnyConnection;
use diesel::connection::SimpleConnection;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::time::Duration;

pub const EVERY: Duration = Duration::from_millis(50);
/// The automatic threshold each SQLite connection keeps (pages), above the default 1,000.
pub const BACKSTOP_PAGES: u32 = 4_000;

/// Stops the thread when dropped (its channel disconnects).
pub struct Checkpointer {
    nudges: SyncSender<()>,
}

impl Checkpointer {
    pub fn start(conn: AnyConnection) -> Checkpointer {
        Self::start_every(conn, EVERY)
    }

    fn start_every(mut conn: AnyConnection, every: Duration) -> Checkpointer {
        // One pending nudge is enough: nudges that find one waiting are coalesced.
        let (nudges, nudged) = mpsc::sync_channel::<()>(1);
        let spawned = std::thread::Builder::new().name("wal-checkpointer".into()).spawn(move || {
            while !matches!(nudged.recv_timeout(every), Err(RecvTimeoutError::Disconnected)) {
                if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                    // The backstop threshold keeps the WAL bounded meanwhile.
                    tracing::warn!(%error, "background WAL checkpoint failed");
                }
            }
        });
        if let Err(error) = spawned {
            tracing::warn!(%error, "no background WAL checkpointer; commits will checkpoint");
        }
        Checkpointer { nudges }
    }

    /// Asks for a checkpoint now rather than at the next tick; never blocks.
    pub fn nudge(&self) {
        // Full: a checkpoint is already asked for. Disconnected: the thread is gone and the
        // backstop applies. Neither needs the caller's attention.
        let _ = self.nudges.try_send(());
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AnyConnection, Database};
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    use std::time::{Duration, Instant};

    fn sqlite(file: &std::path::Path) -> AnyConnection {
        let mut conn =
            diesel::SqliteConnection::establish(&file.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        // No automatic checkpoints: only the thread under test copies pages back.
        conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .unwrap_or_else(|e| panic!("{e}"));
        AnyConnection::Sqlite(conn)
    }

    /// With a tick of an hour, only the nudge can have copied the committed pages back.
    #[test]
    fn a_nudge_checkpoints_without_waiting_for_the_tick() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let file = dir.path().join("n.sqlite3");
        let mut writer = sqlite(&file);
        writer.batch_execute("CREATE TABLE t (b BLOB NOT NULL)").unwrap_or_else(|e| panic!("{e}"));
        let checkpointer = super::Checkpointer::start_every(sqlite(&file), Duration::from_secs(3600));
        let size = || std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let before = size();
        writer
            .batch_execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
                 INSERT INTO t SELECT randomblob(3000) FROM n",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(size() < before + 50 * 3000, "nothing was checkpointed before the nudge");
        checkpointer.nudge();
        let waited = Instant::now();
        while size() < before + 50 * 3000 && waited.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(size() >= before + 50 * 3000, "the database file stayed at {} bytes", size());
    }

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
