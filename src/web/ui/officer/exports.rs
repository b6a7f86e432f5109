//! Bulk access-log exports under four eyes in the officer portal, through the use cases
//! of `/api/v1/audit/exports` (`workflow::bulk_export`), so every step and every refused attempt
//! is logged exactly as through the API:
//! - `POST /ui/officer/exports`: the review page's filter (no subject) asks for an export;
//! - `GET /ui/officer/exports`: the latest requests, their filter and status in words, with the
//!   buttons the viewer may use: "approve" on someone else's awaiting request, "download" on
//!   their own approved one;
//! - `POST /ui/officer/exports/{id}/approval`: a second officer's approval;
//! - `POST /ui/officer/exports/{id}/file.csv`: the asker takes the file, once (`csv_stream`).
//!
//! Contract: every POST carries the session's CSRF token (403 page otherwise) and answers a 303
//! back to the list, or the file; a refusal written for officers (four eyes, a file already
//! taken, someone else's file...) answers a notice with the workflow's message and status, and
//! any other role gets the 403 page (`log::shown`). The download is a POST so that no link
//! prefetcher can consume the one-time file. A subject's identifier in the request form is
//! refused (one subject's export needs no approval: `export.rs`) and never stored or echoed.

use super::super::actions::{CsrfForm, done, done_action};
use super::super::guard::{Refusal, signed_in};
use super::super::text::{Lang, Text};
use super::super::{Ctx, local_time, notice, page, session};
use super::filter::{Filter, csrf_refused, token_refused};
use super::log::{purpose_name, shown};
use super::text::OfficerText;
use crate::web::error::status_of;
use crate::workflow::audit_review::{self, rfc3339};
use crate::workflow::bulk_export::{self, BulkFilter, ExportRequestView};
use crate::workflow::{Platform, WorkflowError};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;
use tracing_actix_web::RequestId;

const LIST: &str = "/ui/officer/exports";

#[derive(Template)]
#[template(path = "ui/officer/exports.html")]
struct ExportsPage {
    lang: &'static str,
    t: &'static Text,
    o: &'static OfficerText,
    csrf: String,
    flash: Option<&'static str>,
    rows: Vec<Row>,
}

struct Row {
    id: String,
    requested_at: String,
    requested_by: String,
    /// (label, value) of each field the filter sets; empty means every entry.
    filter: Vec<(&'static str, String)>,
    status: &'static str,
    /// Until when an approved file can be taken (RFC 3339).
    until: Option<String>,
    approved_by: Option<String>,
    /// Someone else's request awaiting approval: the viewer may be the second pair of eyes.
    can_approve: bool,
    /// The viewer's own approved request, not taken and not expired.
    can_download: bool,
    /// The viewer's own request awaiting approval: only another officer can move it on.
    awaits_another: bool,
}

pub(super) async fn list(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome = signed_in(&req, &platform, |platform, actor| {
        let requests = bulk_export::list(platform, actor)?;
        let names: HashMap<String, String> = audit_review::organization_choices(platform, actor)?.into_iter().collect();
        Ok((actor.account_id.clone(), requests, names))
    })
    .await;
    let (token, (viewer, requests, names)) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let o = OfficerText::of(ctx.lang);
    let flash = match done_action(&req).as_deref() {
        Some("requested") => Some(o.done_requested),
        Some("approved") => Some(o.done_approved),
        _ => None,
    };
    let words = Words { platform: &platform, lang: ctx.lang, o, names: &names };
    let tpl = ExportsPage {
        lang: ctx.code(),
        t: ctx.t(),
        o,
        csrf: session::csrf_token(&platform, &token),
        flash,
        rows: requests.into_iter().map(|request| words.row(request, &viewer)).collect(),
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// What turns a request's codes and ids into the page's words.
struct Words<'a> {
    platform: &'a Platform,
    lang: Lang,
    o: &'static OfficerText,
    names: &'a HashMap<String, String>,
}

impl Words<'_> {
    fn row(&self, request: ExportRequestView, viewer: &str) -> Row {
        let o = self.o;
        let own = request.requested_by == viewer;
        let status = match request.status {
            "awaiting_approval" => o.awaiting_approval,
            "approved" => o.approved_until,
            "taken" => o.taken,
            "expired" => o.expired,
            // A status added later shows as its code rather than vanish.
            other => other,
        };
        Row {
            filter: self.filter(&request.filter),
            can_approve: !own && request.status == "awaiting_approval",
            can_download: own && request.status == "approved",
            awaits_another: own && request.status == "awaiting_approval",
            until: request.expires_at.filter(|_| request.status == "approved"),
            status,
            id: request.id,
            requested_at: request.requested_at,
            requested_by: request.requested_by,
            approved_by: request.approved_by,
        }
    }

    /// Names where the page knows them (organizations, purposes, decisions), ids otherwise.
    fn filter(&self, filter: &BulkFilter) -> Vec<(&'static str, String)> {
        let o = self.o;
        let time = |at: &chrono::DateTime<chrono::Utc>| local_time(rfc3339(*at));
        let decision = |code: &String| match code.as_str() {
            "allowed" => o.allowed.to_owned(),
            "denied" => o.denied.to_owned(),
            other => other.to_owned(),
        };
        [
            (o.from, filter.from.as_ref().map(time)),
            (o.to, filter.to.as_ref().map(time)),
            (o.organization, filter.organization_id.as_ref().map(|id| self.names.get(id).unwrap_or(id).clone())),
            (o.actor, filter.account_id.clone()),
            (o.purpose, filter.purpose.as_ref().map(|code| purpose_name(self.platform, self.lang, code))),
            (o.decision, filter.decision.as_ref().map(decision)),
        ]
        .into_iter()
        .filter_map(|(label, value)| Some((label, value?)))
        .collect()
    }
}

pub(super) async fn request(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    form: web::Form<Filter>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let filter = form.into_inner();
    if let Some(refused) = csrf_refused(&req, &platform, &ctx, &filter) {
        return refused;
    }
    let asked = bulk_filter(&filter);
    let request_id = request_id.to_string();
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        shown(actor, asked.and_then(|filter| bulk_export::request(platform, actor, &request_id, filter)))
    })
    .await;
    answered(&req, &ctx, &platform, outcome, |_| done(&req, &ctx, LIST, "requested"))
}

pub(super) async fn approve(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    if let Some(refused) = token_refused(&req, &platform, &ctx, &form.csrf) {
        return refused;
    }
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        shown(actor, bulk_export::approve(platform, actor, &request_id, &id))
    })
    .await;
    answered(&req, &ctx, &platform, outcome, |_| done(&req, &ctx, LIST, "approved"))
}

pub(super) async fn file(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    if let Some(refused) = token_refused(&req, &platform, &ctx, &form.csrf) {
        return refused;
    }
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    // Taken (once) and logged before the first byte leaves.
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        shown(actor, bulk_export::start(platform, actor, &request_id, &id))
    })
    .await;
    answered(&req, &ctx, &platform, outcome, |selection| {
        let mut response = crate::web::api::audit::csv_stream(platform.clone(), selection);
        // A one-time file of many subjects' accesses: no cache keeps a copy.
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        response
    })
}

/// The answer to a step: `granted` on success, the notice with the workflow's message and
/// status when it refused the officer, `signed_in`'s own answer otherwise.
fn answered<T>(
    req: &HttpRequest,
    ctx: &Ctx,
    platform: &Platform,
    outcome: Result<(String, Result<T, WorkflowError>), Refusal>,
    granted: impl FnOnce(T) -> HttpResponse,
) -> HttpResponse {
    match outcome {
        Ok((_, Ok(value))) => granted(value),
        Ok((token, Err(refused))) => {
            tracing::info!(code = refused.code(), "a bulk export step was refused");
            let csrf = session::csrf_token(platform, &token);
            let title = OfficerText::of(ctx.lang).export_refused;
            notice(req, ctx, status_of(&refused), title, refused.to_string(), csrf)
        }
        Err(answer) => answer(req, ctx),
    }
}

/// The bulk export's filter from the review page's form. A subject's identifier is refused
/// before anything else reads it, so it is neither stored with the request nor echoed.
fn bulk_filter(filter: &Filter) -> Result<BulkFilter, WorkflowError> {
    if filter.needs_post() {
        return Err(WorkflowError::invalid(
            "subject_export_needs_no_approval",
            Some("subject_identifier"),
            "an export of one subject's accesses needs no approval: export it from the review page",
        ));
    }
    // The cursor only pages the review table; the export covers the whole filter.
    let query = filter.to_query()?;
    Ok(BulkFilter {
        from: query.from,
        to: query.to,
        organization_id: query.organization_id,
        account_id: query.account_id,
        purpose: query.purpose,
        decision: query.decision,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_bulk_filter_and_a_subject_is_refused_unechoed() {
        let form = Filter {
            decision: "denied".into(),
            purpose: " supervision ".into(),
            subject_kind: "natural_person".into(),
            cursor: "7".into(),
            ..Filter::default()
        };
        let filter = bulk_filter(&form).expect("a bulk filter");
        assert_eq!(filter.decision.as_deref(), Some("denied"));
        assert_eq!(filter.purpose.as_deref(), Some("supervision"));
        assert!(filter.from.is_none() && filter.organization_id.is_none() && filter.account_id.is_none());

        let with_subject = Filter { subject_identifier: "320102199001011234".into(), ..form };
        let refused = bulk_filter(&with_subject).expect_err("refused");
        assert!(matches!(refused, WorkflowError::Invalid { .. }));
        assert!(!refused.to_string().contains("320102"), "never echoed: {refused}");
    }
}
