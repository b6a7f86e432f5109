//! `/ui/officer/export.csv`: the access log as CSV for the same filter as the review page,
//! through `audit_review::start_export` (logged, and refused for other roles, before the first
//! byte leaves) and the API's streaming (`api::audit::csv_stream`), so it is the file and the log
//! entry `GET /api/v1/audit/export.csv` gives, with the session cookie instead of a bearer token.
//! A GET takes the filter from the query string; the review page's button POSTs it with the
//! CSRF token when it holds a subject identifier. A refused filter answers a notice with the
//! workflow's message and status; so does a filter without a subject (403
//! `export_approval_required`: such exports go through a second officer, `exports.rs`).

use super::super::guard::signed_in;
use super::super::{Ctx, notice};
use super::filter::{Filter, csrf_refused, from_query, query_of};
use super::log::run_showing_refusals;
use super::text::OfficerText;
use crate::web::error::status_of;
use crate::workflow::{Platform, WorkflowError, audit_review};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use tracing_actix_web::RequestId;

pub(super) async fn export(req: HttpRequest, platform: web::Data<Platform>, request_id: RequestId) -> HttpResponse {
    let filter = from_query(&req);
    export_csv(&req, &platform, request_id.to_string(), filter).await
}

pub(super) async fn export_posted(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    form: web::Form<Filter>,
) -> HttpResponse {
    let filter = form.into_inner();
    if let Some(refused) = csrf_refused(&req, &platform, &Ctx::of(&req), &filter) {
        return refused;
    }
    export_csv(&req, &platform, request_id.to_string(), Some(filter)).await
}

/// Logged (and refused for other roles) before the first byte leaves, like the API's export.
async fn export_csv(
    req: &HttpRequest,
    platform: &web::Data<Platform>,
    request_id: String,
    filter: Option<Filter>,
) -> HttpResponse {
    let ctx = Ctx::of(req);
    let query = query_of(filter.as_ref());
    let outcome = signed_in(req, platform, move |platform, actor| {
        run_showing_refusals(query, platform, actor, |platform, actor, query| {
            audit_review::start_export(platform, actor, &request_id, query)
        })
    })
    .await;
    match outcome {
        Ok((_, Ok(selection))) => {
            let mut response = crate::web::api::audit::csv_stream(platform.clone(), selection);
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            response
        }
        Ok((_, Err(refused))) => {
            let o = OfficerText::of(ctx.lang);
            // A filter without a subject is well-formed but needs four eyes (`exports.rs`).
            let title =
                if matches!(refused, WorkflowError::Invalid { .. }) { o.filter_refused } else { o.export_refused };
            notice(req, &ctx, status_of(&refused), title, refused.to_string(), String::new())
        }
        Err(answer) => answer(req, &ctx),
    }
}
