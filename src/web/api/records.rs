//! Records: submit one (`POST /records`) or a stream of NDJSON lines (`POST /records/batch`,
//! answered line by line as NDJSON while the body is still being read, so memory stays flat),
//! read (`GET /records/{id}`), list a provider's own (`GET /records`), correct
//! (`PATCH /records/{id}`) and revoke (`POST /records/{id}/revoke`).

use crate::domain::Role;
use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::intake::{SourceDocument, Submission};
use crate::workflow::submit_record::{self, LineError, LineReport};
use crate::workflow::{Actor, Platform, change_record, read_records};
use actix_web::web::{Bytes, BytesMut};
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Map, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/records", web::post().to(submit))
        .route("/records", web::get().to(list_own))
        .route("/records/batch", web::post().to(submit_batch))
        .route("/records/{id}", web::get().to(read_one))
        .route("/records/{id}", web::patch().to(correct))
        .route("/records/{id}/revoke", web::post().to(revoke));
}

async fn submit(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    body: web::Json<Submission>,
) -> Result<HttpResponse, ApiError> {
    let submission = body.into_inner();
    let stored = blocking(move || submit_record::submit(&platform, &actor, submission)).await?;
    Ok(HttpResponse::Created().json(stored))
}

/// Lines checked and stored per transaction.
const LINES_PER_CHUNK: usize = 1000;
/// Longest accepted line; a longer one ends the batch with an error line.
const MAX_LINE_BYTES: usize = 256 * 1024;

struct Batch {
    payload: web::Payload,
    buffer: BytesMut,
    lines: Vec<String>,
    next_line: u64,
    finished: bool,
    platform: web::Data<Platform>,
    actor: Actor,
}

impl Batch {
    /// Moves complete lines from the buffer into `lines`; non-UTF-8 lines become empty
    /// placeholders reported as invalid.
    fn split_lines(&mut self) {
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line = self.buffer.split_to(end + 1);
            let text = std::str::from_utf8(&line[..end]).map(|s| s.trim_end_matches('\r').to_owned());
            self.lines.push(text.unwrap_or_else(|_| "\u{0}".to_owned()));
        }
    }

    /// Reads until a chunk is full or the body ends.
    async fn fill(&mut self) -> Option<LineError> {
        while self.lines.len() < LINES_PER_CHUNK && !self.finished {
            match self.payload.next().await {
                Some(Ok(bytes)) => {
                    self.buffer.extend_from_slice(&bytes);
                    self.split_lines();
                    if self.buffer.len() > MAX_LINE_BYTES {
                        self.finished = true;
                        return Some(LineError { code: "line_too_long", field: None });
                    }
                }
                Some(Err(_)) => {
                    self.finished = true;
                    return Some(LineError { code: "body_read_failed", field: None });
                }
                None => {
                    self.finished = true;
                    if !self.buffer.is_empty() {
                        let rest = self.buffer.split();
                        self.lines.push(String::from_utf8(rest.to_vec()).unwrap_or_else(|_| "\u{0}".to_owned()));
                    }
                }
            }
        }
        None
    }
}

fn ndjson(reports: &[LineReport]) -> Bytes {
    let mut out = Vec::with_capacity(reports.len() * 64);
    for report in reports {
        if serde_json::to_writer(&mut out, report).is_ok() {
            out.push(b'\n');
        }
    }
    Bytes::from(out)
}

async fn submit_batch(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    actor.require(&[Role::Provider]).map_err(ApiError)?;
    actor.organization().map_err(ApiError)?;
    let batch =
        Batch { payload, buffer: BytesMut::new(), lines: Vec::new(), next_line: 1, finished: false, platform, actor };
    let stream = futures_util::stream::unfold(batch, |mut batch| async move {
        let read_error = batch.fill().await;
        if batch.lines.is_empty() && read_error.is_none() {
            return None;
        }
        let lines = std::mem::take(&mut batch.lines);
        let first = batch.next_line;
        batch.next_line += lines.len() as u64;
        let (platform, actor) = (batch.platform.clone(), batch.actor.clone());
        let numbered = lines.len() as u64;
        let mut reports = web::block(move || submit_record::submit_lines(&platform, &actor, first, &lines))
            .await
            .map_err(|_| crate::workflow::WorkflowError::internal("batch worker cancelled"))
            .and_then(|r| r)
            .unwrap_or_else(|e| {
                (first..first + numbered)
                    .map(|line| LineReport { line, id: None, error: Some(LineError { code: e.code(), field: None }) })
                    .collect()
            });
        if let Some(error) = read_error {
            reports.push(LineReport { line: batch.next_line, id: None, error: Some(error) });
        }
        Some((Ok::<_, actix_web::Error>(ndjson(&reports)), batch))
    });
    Ok(HttpResponse::Ok().content_type("application/x-ndjson").streaming(stream))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    after: Option<String>,
    limit: Option<i64>,
}

async fn list_own(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    query: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let Page { after, limit } = query.into_inner();
    let page = blocking(move || read_records::list_own(&platform, &actor, after.as_deref(), limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn read_one(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = blocking(move || read_records::one_record(&platform, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionBody {
    fields: Map<String, Value>,
    reason: String,
}

async fn correct(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
    body: web::Json<CorrectionBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, CorrectionBody { fields, reason }) = (id.into_inner(), body.into_inner());
    let changed = blocking(move || change_record::correct(&platform, &actor, &id, fields, &reason)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    source_document: SourceDocument,
    reason: String,
}

async fn revoke(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
    body: web::Json<RevokeBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, RevokeBody { source_document, reason }) = (id.into_inner(), body.into_inner());
    let changed = blocking(move || change_record::revoke(&platform, &actor, &id, source_document, &reason)).await?;
    Ok(HttpResponse::Ok().json(changed))
}
