//! The access log for officers (`/audit/entries`, `/audit/export.csv`, `/audit/verify`,
//! `/audit/checkpoints`) and the public checkpoint key (`/audit/public-key`, no login: it is
//! meant to be published). The CSV export is streamed page by page, never built in memory
//! (`csv_stream`, shared with the officer portal's export).

use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::audit_review::{self, EntryQuery, EntryView};
use crate::workflow::{Platform, WorkflowError, audit_integrity};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tracing_actix_web::RequestId;

/// Rows per database round trip of the CSV export.
const EXPORT_PAGE: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit/entries", web::get().to(entries))
        .route("/audit/export.csv", web::get().to(export_csv))
        .route("/audit/verify", web::get().to(verify))
        .route("/audit/checkpoints", web::get().to(checkpoints))
        .route("/audit/public-key", web::get().to(public_key));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntriesParams {
    from: Option<String>,
    to: Option<String>,
    organization_id: Option<String>,
    account_id: Option<String>,
    purpose: Option<String>,
    decision: Option<String>,
    subject_identifier: Option<String>,
    subject_kind: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

pub(super) fn instant(raw: Option<&str>, field: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    raw.map(|r| {
        DateTime::parse_from_rfc3339(r).map(|t| t.to_utc()).map_err(|_| {
            ApiError(WorkflowError::invalid("invalid_instant", Some(field), "expected an RFC 3339 instant"))
        })
    })
    .transpose()
}

impl EntriesParams {
    fn parse(self) -> Result<EntryQuery, ApiError> {
        let subject = self
            .subject_identifier
            .as_deref()
            .map(|raw| audit_review::subject_filter(raw, self.subject_kind.as_deref()))
            .transpose()
            .map_err(ApiError)?;
        Ok(EntryQuery {
            from: instant(self.from.as_deref(), "from")?,
            to: instant(self.to.as_deref(), "to")?,
            organization_id: self.organization_id,
            account_id: self.account_id,
            purpose: self.purpose,
            decision: self.decision,
            subject,
            cursor: self.cursor,
            limit: self.limit,
        })
    }
}

async fn entries(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    params: web::Query<EntriesParams>,
) -> Result<HttpResponse, ApiError> {
    let query = params.into_inner().parse()?;
    let request_id = request_id.to_string();
    let page = blocking(move || audit_review::search(&platform, &actor, &request_id, query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn export_csv(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    params: web::Query<EntriesParams>,
) -> Result<HttpResponse, ApiError> {
    let query = params.into_inner().parse()?;
    let request_id = request_id.to_string();
    let opened = platform.clone();
    // Logged (and refused for non-officers) before the first byte leaves.
    let selection = blocking(move || audit_review::start_export(&opened, &actor, &request_id, query)).await?;
    Ok(csv_stream(platform, selection))
}

/// The CSV answer for an export already logged by `audit_review::start_export`, streamed page by
/// page; the portal's export (`/ui/officer/export.csv`) answers with it too.
pub(crate) fn csv_stream(platform: web::Data<Platform>, selection: audit_review::Selection) -> HttpResponse {
    let header = web::Bytes::from_static(CSV_HEADER.as_bytes());
    let head = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(header) });
    let pages = futures_util::stream::unfold(Some(selection), move |state| {
        let platform = platform.clone();
        async move {
            let selection = state?;
            let page = blocking(move || audit_review::next_page(&platform, &selection, EXPORT_PAGE)).await;
            match page {
                Ok((page, next)) => Some((Ok(web::Bytes::from(csv_rows(&page.items))), next)),
                Err(error) => {
                    // Headers are gone already: the connection is cut, so the file is visibly
                    // incomplete rather than silently short.
                    tracing::error!(error = %error, "access-log export stopped");
                    Some((Err(actix_web::Error::from(error)), None))
                }
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"access-log.csv\""))
        .streaming(futures_util::StreamExt::chain(head, pages))
}

const CSV_HEADER: &str = "sequence,at,request_id,actor_account_id,organization_id,role,action,purpose,\
authorization_id,subject_id,record_ids,fields,decision,reason_code,policy_version,visible_to_subject_from\r\n";

fn csv_rows(items: &[EntryView]) -> String {
    let mut out = String::with_capacity(items.len() * 256);
    for e in items {
        let cells: [&str; 16] = [
            &e.sequence.to_string(),
            &e.at,
            &e.request_id,
            e.actor_account_id.as_deref().unwrap_or(""),
            e.organization_id.as_deref().unwrap_or(""),
            &e.role,
            e.action,
            e.purpose.as_deref().unwrap_or(""),
            e.authorization_id.as_deref().unwrap_or(""),
            e.subject_id.as_deref().unwrap_or(""),
            &e.record_ids.join(";"),
            &e.fields.join(";"),
            e.decision,
            e.reason_code.as_deref().unwrap_or(""),
            &e.policy_version,
            e.visible_to_subject_from.as_deref().unwrap_or(""),
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_cell(&mut out, cell);
        }
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180 quoting, and a leading `'` before `= + - @` so a spreadsheet never runs a cell as
/// a formula (the values are ids and codes, but the export must be safe to open regardless).
fn push_cell(out: &mut String, cell: &str) {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

async fn verify(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let request_id = request_id.to_string();
    let report = blocking(move || audit_integrity::verify(&platform, &actor, &request_id)).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    cursor: Option<String>,
    limit: Option<i64>,
}

async fn checkpoints(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let PageParams { cursor, limit } = params.into_inner();
    let page = blocking(move || audit_integrity::checkpoints(&platform, &actor, cursor.as_deref(), limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn public_key(platform: web::Data<Platform>) -> HttpResponse {
    HttpResponse::Ok().json(audit_integrity::public_key(&platform))
}

#[cfg(test)]
mod tests {
    use super::push_cell;

    #[test]
    fn cells_are_quoted_and_defused() {
        let cases =
            [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("=1+1", "\"'=1+1\"")];
        for (cell, expected) in cases {
            let mut out = String::new();
            push_cell(&mut out, cell);
            assert_eq!(out, expected);
        }
    }
}
