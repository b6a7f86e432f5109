//! The group-commit writer: one thread owns a dedicated database connection and appends
//! entries sent to it over a bounded channel. Each caller sends its entry with a one-shot
//! reply channel and blocks until the transaction holding its entry has committed. The thread
//! takes the first queued entry, drains whatever else is already queued (up to `batch_max`)
//! and appends them all in ONE transaction, so under load many requests share one commit and
//! its fsync, while an idle platform still commits each entry at once.
//!
//! Fail closed: if the transaction fails, every waiter of that batch gets `Unavailable` and
//! nothing of the batch is stored. The connection is then dropped and re-established for the
//! next batch. A dedicated connection (not the pool) means requests that hold pooled
//! connections while they wait can never starve the writer.
//!
//! The thread also runs reads queued as jobs (`job.rs`): each runs on the writer's connection
//! as it is dequeued, its entry joins the batch, and its answer is handed over with the
//! batch's outcome, exactly as a blocked caller's reply is.
//!
//! On PostgreSQL the writer remembers the head it committed last and appends the next batch
//! in one statement that only applies if the head is still there (`append::append_after`, one
//! round trip instead of six); when another appender moved the head it takes the locked path.

use super::AuditError;
use super::append::{Head, append_after, append_locked};
use super::entry::NewEntry;
use super::job::{Finish, Job, run_contained};
use crate::crypto::AuditMacKey;
use crate::storage::{AnyConnection, Backend, Database, write_transaction};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

/// What a waiter learns once its entry is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub sequence: i64,
}

pub(super) type Reply = SyncSender<Result<Appended, AuditError>>;

pub(super) enum Message {
    Append(Box<NewEntry>, Reply),
    /// A read to run on the writer's connection, logged in the next batch (`job.rs`).
    Run(Box<dyn Job>),
    Stop,
}

/// Who waits for an entry of the batch.
enum Waiter {
    /// A thread blocked in `submit`.
    Thread(Reply),
    /// A job's answer, handed over once the batch is durable.
    Job(Finish),
}

/// Commits and entries since start: `entries / transactions` is the batching factor.
#[derive(Debug, Default)]
pub struct WriterStats {
    transactions: AtomicU64,
    entries: AtomicU64,
    failed_batches: AtomicU64,
    one_statement: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterCounts {
    pub transactions: u64,
    pub entries: u64,
    pub failed_batches: u64,
    /// Batches appended after the remembered head in one statement (PostgreSQL).
    pub one_statement: u64,
}

impl WriterStats {
    pub fn snapshot(&self) -> WriterCounts {
        WriterCounts {
            transactions: self.transactions.load(Ordering::Relaxed),
            entries: self.entries.load(Ordering::Relaxed),
            failed_batches: self.failed_batches.load(Ordering::Relaxed),
            one_statement: self.one_statement.load(Ordering::Relaxed),
        }
    }
}

pub(super) struct Writer {
    pub db: Database,
    pub key: AuditMacKey,
    pub batch_max: usize,
    pub stats: Arc<WriterStats>,
    /// Called with the number of entries after every successful commit (checkpoint schedule).
    pub on_commit: Box<dyn Fn(u64) + Send>,
}

/// How long the writer waits for more entries before committing a batch.
const LINGER: Duration = Duration::from_micros(400);

/// The channel to a new writer and its receiving end; the caller spawns `run`.
pub(super) fn channel(capacity: usize) -> (SyncSender<Message>, Receiver<Message>) {
    sync_channel(capacity.max(1))
}

impl Writer {
    /// Runs until `Stop` or until every sender is gone; entries queued before `Stop` are
    /// still written.
    pub fn run(self, rx: Receiver<Message>) {
        let mut session: Option<Session> = None;
        let mut entries: Vec<NewEntry> = Vec::with_capacity(self.batch_max);
        let mut waiters: Vec<Waiter> = Vec::with_capacity(self.batch_max);
        loop {
            match rx.recv() {
                Ok(Message::Stop) | Err(_) => return,
                Ok(message) => self.take(message, &mut session, &mut entries, &mut waiters),
            }
            let mut stop = false;
            // Gather what is queued, and what arrives within a short linger: every commit
            // rewrites the same index pages and makes every pooled reader's page cache cold, so
            // a few hundred microseconds of waiting buys far fewer commits under load. Jobs
            // that arrive meanwhile run at once, so the linger is not idle time.
            let linger_until = Instant::now() + LINGER;
            while entries.len() < self.batch_max {
                let next = match rx.try_recv() {
                    Err(TryRecvError::Empty) => match linger_until.checked_duration_since(Instant::now()) {
                        Some(left) => rx.recv_timeout(left).map_err(|_| TryRecvError::Empty),
                        None => Err(TryRecvError::Empty),
                    },
                    other => other,
                };
                match next {
                    Ok(Message::Stop) => {
                        stop = true;
                        break;
                    }
                    Ok(message) => self.take(message, &mut session, &mut entries, &mut waiters),
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            if !entries.is_empty() {
                self.commit(&mut session, &entries, waiters.drain(..));
            }
            entries.clear();
            waiters.clear();
            if stop {
                return;
            }
        }
    }

    /// Queues an entry, or runs a job and queues the entry it returns.
    fn take(
        &self,
        message: Message,
        session: &mut Option<Session>,
        entries: &mut Vec<NewEntry>,
        waiters: &mut Vec<Waiter>,
    ) {
        match message {
            Message::Append(entry, reply) => {
                entries.push(*entry);
                waiters.push(Waiter::Thread(reply));
            }
            Message::Run(job) => {
                let conn = match self.session(session) {
                    Ok(open) => &mut open.conn,
                    Err(error) => {
                        tracing::error!(%error, "access-log writer has no connection; answering 503");
                        return job.refuse(AuditError::Unavailable);
                    }
                };
                match run_contained(job, conn) {
                    Some((Some(entry), finish)) => {
                        entries.push(entry);
                        waiters.push(Waiter::Job(finish));
                    }
                    // Nothing was read that needs logging: answer at once.
                    Some((None, finish)) => finish(Ok(())),
                    // The statement it was in may have left the connection mid-way.
                    None => *session = None,
                }
            }
            Message::Stop => {}
        }
    }

    /// The writer's connection, opened on first use and again after a failed batch.
    fn session<'s>(&self, session: &'s mut Option<Session>) -> Result<&'s mut Session, AuditError> {
        match session {
            Some(open) => Ok(open),
            None => Ok(session.insert(Session { conn: self.db.dedicated()?, head: None })),
        }
    }

    fn commit(&self, conn: &mut Option<Session>, entries: &[NewEntry], waiters: impl Iterator<Item = Waiter>) {
        match self.append(conn, entries) {
            Ok(sequences) => {
                let n = sequences.len() as u64;
                self.stats.transactions.fetch_add(1, Ordering::Relaxed);
                self.stats.entries.fetch_add(n, Ordering::Relaxed);
                for (waiter, sequence) in waiters.zip(sequences) {
                    // A waiter that gave up is no reason to fail the others.
                    match waiter {
                        Waiter::Thread(reply) => {
                            let _ = reply.send(Ok(Appended { sequence }));
                        }
                        Waiter::Job(finish) => finish(Ok(())),
                    }
                }
                (self.on_commit)(n);
            }
            Err(error) => {
                self.stats.failed_batches.fetch_add(1, Ordering::Relaxed);
                tracing::error!(%error, entries = entries.len(), "access-log batch not committed; answering 503");
                // The connection may be the cause (server restarted, broken transaction).
                *conn = None;
                for waiter in waiters {
                    match waiter {
                        Waiter::Thread(reply) => {
                            let _ = reply.send(Err(AuditError::Unavailable));
                        }
                        Waiter::Job(finish) => finish(Err(AuditError::Unavailable)),
                    }
                }
            }
        }
    }

    fn append(&self, session: &mut Option<Session>, entries: &[NewEntry]) -> Result<Vec<i64>, AuditError> {
        let session = self.session(session)?;
        if let Some(known) = session.head
            && let Some(head) = append_after(&mut session.conn, &self.key, entries, known)?
        {
            session.head = Some(head);
            self.stats.one_statement.fetch_add(1, Ordering::Relaxed);
            return Ok(head.last_sequences(entries.len()));
        }
        let head = write_transaction(&mut session.conn, |c| append_locked(c, &self.key, entries))?;
        // Only PostgreSQL has round trips to save by appending after a remembered head.
        if self.db.backend() == Backend::Postgres {
            session.head = head;
        }
        Ok(head.map(|h| h.last_sequences(entries.len())).unwrap_or_default())
    }
}

/// The writer's connection and, on PostgreSQL, the head its last batch left.
pub(super) struct Session {
    conn: AnyConnection,
    head: Option<Head>,
}

/// Sends one entry and blocks until the writer answers.
pub(super) fn submit(tx: &SyncSender<Message>, entry: NewEntry) -> Result<Appended, AuditError> {
    let (reply, answer) = sync_channel(1);
    tx.send(Message::Append(Box::new(entry), reply)).map_err(|_| AuditError::Stopped)?;
    // A dropped reply means the writer thread died before answering: not durable.
    answer.recv().map_err(|_| AuditError::Stopped)?
}
