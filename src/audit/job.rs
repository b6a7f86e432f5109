//! Reads that run on the access-log writer's own thread and connection, ahead of the batch
//! that logs them (`AuditLog::read_then_record`).
//!
//! Why: a read through the pool and an entry through the writer cost four thread hand-offs
//! per request (worker → blocking thread → writer → blocking thread → worker), and every
//! commit of the writer made each pooled SQLite connection drop its page cache, so the read
//! fetched its pages again. A read run by the writer itself needs no hand-off of its own, and
//! the writer's connection keeps its cache: its own commits do not invalidate it.
//!
//! Contract: a job returns the entry describing what it read together with its answer; the
//! answer is handed back only once the batch holding that entry has committed, and dropped
//! (the waiter gets `Unavailable`) when the batch fails. A job that returns no entry read
//! nothing personal (an authentication failure, say) and is answered at once. A job that
//! panics loses its answer: its waiter sees `Stopped`, never a partial result, and the writer
//! goes on with the others.

use super::AuditError;
use super::entry::NewEntry;
use crate::storage::AnyConnection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::sync::oneshot;

/// Hands a job's answer to its waiter, with the outcome of the batch that logged it.
pub(super) type Finish = Box<dyn FnOnce(Result<(), AuditError>) + Send>;

/// A read queued for the writer's thread.
pub(super) trait Job: Send {
    /// Runs the read on the writer's connection: the entry to append, and how to answer.
    fn run(self: Box<Self>, conn: &mut AnyConnection) -> (Option<NewEntry>, Finish);
    /// The writer could not run it (no connection): the waiter gets `error`.
    fn refuse(self: Box<Self>, error: AuditError);
}

/// The one implementation: a closure and the channel back to its waiter.
pub(super) struct ReadThenRecord<W, T> {
    pub work: W,
    pub answer: oneshot::Sender<Result<T, AuditError>>,
}

impl<W, T> Job for ReadThenRecord<W, T>
where
    W: FnOnce(&mut AnyConnection) -> (Option<NewEntry>, T) + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut AnyConnection) -> (Option<NewEntry>, Finish) {
        let ReadThenRecord { work, answer } = *self;
        let (entry, value) = work(conn);
        let finish: Finish = Box::new(move |outcome| {
            // A waiter that gave up (client gone) is no reason to fail the batch.
            let _ = answer.send(outcome.map(|()| value));
        });
        (entry, finish)
    }

    fn refuse(self: Box<Self>, error: AuditError) {
        let _ = self.answer.send(Err(error));
    }
}

/// Runs `job`, containing a panic: `None` when it panicked (its waiter then sees `Stopped`).
pub(super) fn run_contained(job: Box<dyn Job>, conn: &mut AnyConnection) -> Option<(Option<NewEntry>, Finish)> {
    match catch_unwind(AssertUnwindSafe(|| job.run(conn))) {
        Ok(done) => Some(done),
        Err(_) => {
            tracing::error!("a read on the access-log writer panicked; its request is answered 503");
            None
        }
    }
}

/// The answer of a queued job, once its entry is durable.
pub struct Pending<T> {
    pub(super) answer: oneshot::Receiver<Result<T, AuditError>>,
}

impl<T> Pending<T> {
    /// Awaits the answer (async callers; the waiting costs no thread).
    pub async fn outcome(self) -> Result<T, AuditError> {
        self.answer.await.map_err(|_| AuditError::Stopped)?
    }

    /// Blocks until the answer (call only off the async workers, e.g. inside `web::block`).
    pub fn wait(self) -> Result<T, AuditError> {
        self.answer.blocking_recv().map_err(|_| AuditError::Stopped)?
    }
}
