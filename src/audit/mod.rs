//! Audit: the tamper-evident access log of DESIGN §6. Entries (`entry.rs`) are chained by an
//! HMAC (`chain.rs`), appended either by the group-commit writer (`writer.rs`) or inside a
//! workflow's own transaction (`append.rs`), pinned by signed checkpoints (`checkpoint.rs`) and
//! checked end to end by `verify.rs`.
//!
//! Contract: `AuditLog::record` returns only once the entry is durably committed; on any error
//! the caller must disclose nothing (the web layer answers 503). Entries name subjects by their
//! pseudonymous row id and fields by name: never an identifier, a name or a value. This layer
//! uses storage and the audit keys from crypto; it must not know workflow, policy or HTTP.

mod append;
mod canonical;
mod chain;
pub mod checkpoint;
pub mod entry;
mod error;
mod job;
pub mod verify;
mod writer;

pub use append::append_in;
pub use checkpoint::Checkpoint;
pub use entry::{Action, Decision, Entry, NewEntry};
pub use error::AuditError;
pub use job::Pending;
pub use verify::{Problem, Progress, Report};
pub use writer::{Appended, WriterCounts};

use crate::crypto::{AuditMacKey, CheckpointSigningKey};
use crate::storage::{AnyConnection, Database, Timestamp};
use checkpoint::Schedule;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use writer::{Message, Writer, WriterStats};

/// Tuning of the writer and the checkpoint schedule.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Most entries one transaction appends.
    pub batch_max: usize,
    /// Entries that may wait for the writer before `record` blocks on sending.
    pub queue_capacity: usize,
    pub checkpoint_every_entries: u64,
    pub checkpoint_interval: Duration,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            batch_max: 256,
            queue_capacity: 4096,
            checkpoint_every_entries: 1000,
            checkpoint_interval: Duration::from_secs(60),
        }
    }
}

/// The time source of checkpoints (the platform's clock, injected: this layer reads none).
pub type Now = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The running access log; cheap to clone, all clones share one writer.
#[derive(Clone)]
pub struct AuditLog {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    key: AuditMacKey,
    signer: CheckpointSigningKey,
    now: Now,
    tx: SyncSender<Message>,
    stats: Arc<WriterStats>,
    schedule: Arc<Schedule>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The published checkpoint key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub bytes: [u8; 32],
    pub id: String,
}

impl AuditLog {
    /// Starts the writer thread and the checkpoint thread.
    pub fn start(
        db: Database,
        key: AuditMacKey,
        signer: CheckpointSigningKey,
        options: AuditOptions,
        now: Now,
    ) -> Result<AuditLog, AuditError> {
        let (tx, rx) = writer::channel(options.queue_capacity);
        let stats = Arc::new(WriterStats::default());
        let schedule = Arc::new(Schedule::new(options.checkpoint_every_entries));
        let on_commit = {
            let schedule = schedule.clone();
            Box::new(move |n| schedule.appended(n))
        };
        let writer = Writer {
            db: db.clone(),
            key: key.clone(),
            batch_max: options.batch_max.max(1),
            stats: stats.clone(),
            on_commit,
        };
        let writer = std::thread::Builder::new().name("audit-writer".into()).spawn(move || writer.run(rx))?;
        let checkpointer = {
            let (db, key, signer, now, schedule) =
                (db.clone(), key.clone(), signer.clone(), now.clone(), schedule.clone());
            let interval = options.checkpoint_interval;
            std::thread::Builder::new()
                .name("audit-checkpoints".into())
                .spawn(move || checkpoint_loop(&db, &key, &signer, &now, &schedule, interval))?
        };
        let threads = Mutex::new(vec![writer, checkpointer]);
        Ok(AuditLog { inner: Arc::new(Inner { db, key, signer, now, tx, stats, schedule, threads }) })
    }

    /// Appends one entry and blocks until it is durably committed (call it inside
    /// `web::block`, never on an async worker). Any error: disclose nothing, answer 503.
    pub fn record(&self, entry: NewEntry) -> Result<Appended, AuditError> {
        writer::submit(&self.inner.tx, entry)
    }

    /// Runs `work` on the writer's own thread and connection, appends the entry it returns
    /// in the writer's next batch, and hands back what it returned once that entry is
    /// durable (see `job.rs`). If the batch fails, or the queue is full, the answer is
    /// dropped and the caller gets `Unavailable`: nothing read leaves unlogged. `work` must
    /// be short (it holds up every other entry of the batch) and must not wait for the
    /// access log itself.
    pub fn read_then_record<T, W>(&self, work: W) -> Pending<T>
    where
        W: FnOnce(&mut AnyConnection) -> (Option<NewEntry>, T) + Send + 'static,
        T: Send + 'static,
    {
        let (answer, pending) = tokio::sync::oneshot::channel();
        let job = Box::new(job::ReadThenRecord { work, answer });
        // Never blocks the caller, which may be an async worker: a full queue is an overload
        // answered 503 rather than a stalled worker.
        if let Err(refused) = self.inner.tx.try_send(Message::Run(job)) {
            let (message, error) = match refused {
                TrySendError::Full(message) => (message, AuditError::Unavailable),
                TrySendError::Disconnected(message) => (message, AuditError::Stopped),
            };
            if let Message::Run(job) = message {
                job.refuse(error);
            }
        }
        Pending { answer: pending }
    }

    /// `record` for an async caller: the entry goes into the writer's next batch and the
    /// caller awaits its commit without holding a thread.
    pub fn record_async(&self, entry: NewEntry) -> Pending<()> {
        self.read_then_record(move |_| (Some(entry), ()))
    }

    /// Appends inside the caller's transaction, for a state change that must be logged
    /// atomically with itself; call it last (it locks the chain head until commit).
    pub fn record_in(&self, conn: &mut AnyConnection, entries: &[NewEntry]) -> Result<Vec<i64>, AuditError> {
        append_in(conn, &self.inner.key, entries)
    }

    /// Verifies the whole chain against the head and the signed checkpoints.
    pub fn verify(&self, progress: &mut dyn FnMut(Progress)) -> Result<Report, AuditError> {
        verify::verify_log(&self.inner.db, &self.inner.key, &self.inner.signer.public_key_bytes(), progress)
    }

    /// As `verify`, with the parallel workers' page size chosen (tests).
    pub fn verify_paged(&self, page: i64) -> Result<Report, AuditError> {
        verify::verify_log_paged(
            &self.inner.db,
            &self.inner.key,
            &self.inner.signer.public_key_bytes(),
            page,
            &mut |_| {},
        )
    }

    /// Signs the current head now (the loop does this on its own every N entries / T seconds).
    pub fn checkpoint_now(&self) -> Result<Option<Checkpoint>, AuditError> {
        checkpoint::checkpoint_now(&self.inner.db, &self.inner.key, &self.inner.signer, (self.inner.now)())
    }

    pub fn checkpoints(&self, before: Option<i64>, limit: i64) -> Result<Vec<Checkpoint>, AuditError> {
        checkpoint::list(&mut *self.inner.db.get()?, before, limit)
    }

    pub fn public_key(&self) -> PublicKey {
        let bytes = self.inner.signer.public_key_bytes();
        PublicKey { bytes, id: checkpoint::public_key_id(&bytes) }
    }

    /// Transactions and entries committed by the writer so far.
    pub fn stats(&self) -> WriterCounts {
        self.inner.stats.snapshot()
    }

    /// Writes what is queued, takes a last checkpoint and stops both threads. Later `record`
    /// calls fail with `Stopped`.
    pub fn shutdown(&self) {
        let _ = self.inner.tx.send(Message::Stop);
        self.inner.schedule.stop();
        let threads = std::mem::take(&mut *self.inner.threads.lock().unwrap_or_else(|p| p.into_inner()));
        for thread in threads {
            let _ = thread.join();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The writer ends when `tx` drops with us; the checkpoint thread needs telling.
        self.schedule.stop();
    }
}

fn checkpoint_loop(
    db: &Database,
    key: &AuditMacKey,
    signer: &CheckpointSigningKey,
    now: &Now,
    schedule: &Schedule,
    interval: Duration,
) {
    loop {
        let stopping = schedule.wait(interval);
        match checkpoint::checkpoint_now(db, key, signer, now()) {
            Ok(Some(c)) => tracing::debug!(size = c.size, "access-log checkpoint signed"),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "access-log checkpoint not signed"),
        }
        if stopping {
            return;
        }
    }
}
