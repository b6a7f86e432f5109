//! Bulk access-log exports under four eyes (R-20; `workflow::bulk_export`):
//! `POST /audit/exports` asks for one (a filter without a subject), `GET /audit/exports` lists
//! the latest requests, `POST /audit/exports/{id}/approval` is a second officer's approval, and
//! `GET /audit/exports/{id}/file.csv` streams the approved file to its asker, once. The file is
//! the same CSV as `/audit/export.csv` (`audit::csv_stream`).

use super::audit::{csv_stream, instant};
use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::Platform;
use crate::workflow::bulk_export::{self, BulkFilter};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tracing_actix_web::RequestId;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit/exports", web::post().to(request))
        .route("/audit/exports", web::get().to(list))
        .route("/audit/exports/{id}/approval", web::post().to(approve))
        .route("/audit/exports/{id}/file.csv", web::get().to(file));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportBody {
    from: Option<String>,
    to: Option<String>,
    organization_id: Option<String>,
    account_id: Option<String>,
    purpose: Option<String>,
    decision: Option<String>,
}

impl ExportBody {
    fn parse(self) -> Result<BulkFilter, ApiError> {
        Ok(BulkFilter {
            from: instant(self.from.as_deref(), "from")?,
            to: instant(self.to.as_deref(), "to")?,
            organization_id: self.organization_id,
            account_id: self.account_id,
            purpose: self.purpose,
            decision: self.decision,
        })
    }
}

async fn request(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    body: web::Json<ExportBody>,
) -> Result<HttpResponse, ApiError> {
    let filter = body.into_inner().parse()?;
    let request_id = request_id.to_string();
    let asked = blocking(move || bulk_export::request(&platform, &actor, &request_id, filter)).await?;
    Ok(HttpResponse::Created().json(asked))
}

async fn list(platform: web::Data<Platform>, Authenticated(actor): Authenticated) -> Result<HttpResponse, ApiError> {
    let items = blocking(move || bulk_export::list(&platform, &actor)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

async fn approve(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request_id = request_id.to_string();
    let approved = blocking(move || bulk_export::approve(&platform, &actor, &request_id, &id)).await?;
    Ok(HttpResponse::Ok().json(approved))
}

async fn file(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request_id = request_id.to_string();
    let opened = platform.clone();
    // Taken (once) and logged before the first byte leaves.
    let selection = blocking(move || bulk_export::start(&opened, &actor, &request_id, &id)).await?;
    Ok(csv_stream(platform, selection))
}
