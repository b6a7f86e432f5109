//! PostgreSQL: the query hot path's reads, one statement per batch of queries.
//!
//! Each query's read was a round trip of its own on a pooled connection, from a blocking
//! thread: the server woke a backend per query, and the request crossed two threads for it.
//! Here one thread with a connection of its own takes whatever queries are queued, reads all
//! their subjects with one prepared statement (`records::disclosable_by_indexes`) and decides
//! each (`query_subject::finish`), while the access-log writer commits the previous batch's
//! entries. The caller awaits the answer without holding a thread.
//!
//! Contract: the answer is what `query_subject::answer` would give: nothing is opened here,
//! and the caller hands out nothing before the entry is durable. A failed statement answers
//! every query of its batch 503 and the connection is opened again; a panic loses only that
//! batch's answers (their callers see an internal error), never the thread.
//!
//! No cycle keeps the thread alive: the queue holds a `Platform` only while a query waits,
//! and the thread ends when the last `Platform` (the last sender) is dropped.

use super::query_subject::{self, Answered, QueryRequest};
use super::{Platform, WorkflowError, login};
use crate::storage::{AnyConnection, Database, records};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use tokio::sync::oneshot;

/// Most queries one statement reads.
const BATCH_MAX: usize = 64;
/// Queries that may wait before new ones are answered 503 (an overload, not a stall).
const QUEUE: usize = 4096;

pub struct QueryReads {
    queue: SyncSender<Queued>,
}

struct Queued {
    platform: Platform,
    token: String,
    request: QueryRequest,
    reply: oneshot::Sender<Answered>,
}

const UNAVAILABLE: WorkflowError =
    WorkflowError::Unavailable { code: "database_unavailable", message: "the database is unavailable" };

impl QueryReads {
    pub fn start(db: &Database) -> std::io::Result<QueryReads> {
        let (queue, queued) = sync_channel(QUEUE);
        let db = db.clone();
        std::thread::Builder::new().name("query-reads".into()).spawn(move || run(&db, queued))?;
        Ok(QueryReads { queue })
    }

    /// Authenticates `token` and reads and decides the query, in the next batch.
    pub async fn read(&self, platform: &Platform, token: String, request: QueryRequest) -> Answered {
        let (reply, answer) = oneshot::channel();
        let queued = Queued { platform: platform.clone(), token, request, reply };
        if self.queue.try_send(queued).is_err() {
            return (None, Err(UNAVAILABLE));
        }
        answer.await.unwrap_or_else(|_| (None, Err(WorkflowError::internal("a batch of query reads failed"))))
    }
}

fn run(db: &Database, queued: Receiver<Queued>) {
    let mut conn: Option<AnyConnection> = None;
    while let Ok(first) = queued.recv() {
        // No linger: the time one batch's statement takes is the time the next one gathers.
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match queued.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let open = match conn {
            Some(ref mut open) => open,
            None => match db.dedicated() {
                Ok(fresh) => conn.insert(fresh),
                Err(error) => {
                    tracing::error!(%error, "query reads have no connection; answering 503");
                    for query in batch {
                        let _ = query.reply.send((None, Err(UNAVAILABLE)));
                    }
                    continue;
                }
            },
        };
        // A failed or panicked batch may have left the connection mid-statement.
        if !matches!(catch_unwind(AssertUnwindSafe(|| serve(open, batch))), Ok(true)) {
            conn = None;
        }
    }
}

/// Answers one batch; false when its statement failed.
fn serve(conn: &mut AnyConnection, batch: Vec<Queued>) -> bool {
    let mut started = Vec::with_capacity(batch.len());
    for Queued { platform, token, request, reply } in batch {
        let begun = login::authenticate(&platform, &token)
            .map_err(|error| Box::new((None, Err(error))))
            .and_then(|actor| query_subject::start(&platform, &actor, request));
        match begun {
            Ok(query) => started.push((platform, query, reply)),
            Err(answered) => {
                let _ = reply.send(*answered);
            }
        }
    }
    if started.is_empty() {
        return true;
    }
    let indexes: Vec<Vec<u8>> = started.iter().map(|(_, query, _)| query.index.clone()).collect();
    match records::disclosable_by_indexes(conn, &indexes) {
        Ok(found) => {
            for (platform, query, reply) in started {
                let subject = found.get(&query.index).cloned();
                let _ = reply.send(query_subject::finish(&platform, conn, query, subject));
            }
            true
        }
        Err(error) => {
            tracing::error!(%error, queries = started.len(), "a batch of query reads failed; answering 503");
            for (_, _, reply) in started {
                let _ = reply.send((None, Err(UNAVAILABLE)));
            }
            false
        }
    }
}
