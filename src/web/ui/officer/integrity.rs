//! `GET /ui/officer/integrity`: the signed checkpoints (through `audit_integrity::checkpoints`,
//! like `GET /api/v1/audit/checkpoints`) and the "verify the log" form; `POST
//! /ui/officer/verify` (CSRF) runs `audit_integrity::verify`, the use case of `GET
//! /api/v1/audit/verify`, so the verification is logged the same way, and shows its report:
//! intact, or the first bad sequence and the problem, with the last signed checkpoint.
//!
//! The report is answered on the POST itself (nothing to redirect to: it is a fresh computation,
//! not a stored change); a GET of `/ui/officer/verify` (the language switch) shows the form.

use super::super::actions::act;
use super::super::guard::signed_in;
use super::super::session;
use super::super::text::Text;
use super::super::{Ctx, page};
use super::text::OfficerText;
use crate::workflow::Platform;
use crate::workflow::audit_integrity::{self, CheckpointView, ReportView};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use tracing_actix_web::RequestId;

/// Checkpoints listed on the page (the newest; the API pages through all of them).
const CHECKPOINTS_SHOWN: i64 = 20;

#[derive(Template)]
#[template(path = "ui/officer/integrity.html")]
struct IntegrityPage {
    lang: &'static str,
    t: &'static Text,
    o: &'static OfficerText,
    csrf: String,
    report: Option<Report>,
    checkpoints: Vec<CheckpointView>,
}

struct Report {
    ok: bool,
    entries: u64,
    first_bad_sequence: Option<i64>,
    problem: Option<String>,
    last_checkpoint: Option<CheckpointView>,
}

#[derive(Deserialize)]
pub(super) struct VerifyForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn checkpoints(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome = signed_in(&req, &platform, |platform, actor| {
        audit_integrity::checkpoints(platform, actor, None, Some(CHECKPOINTS_SHOWN))
    })
    .await;
    let (token, found) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let tpl = IntegrityPage {
        lang: ctx.code(),
        t: ctx.t(),
        o: OfficerText::of(ctx.lang),
        csrf: session::csrf_token(&platform, &token),
        report: None,
        checkpoints: found.items,
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

pub(super) async fn verify(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    form: web::Form<VerifyForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let request_id = request_id.to_string();
    let outcome = act(&req, &platform, &ctx, &form.csrf, move |platform, actor| {
        audit_integrity::verify(platform, actor, &request_id)
    })
    .await;
    let report = match outcome {
        Ok(report) => report,
        Err(answer) => return answer,
    };
    let o = OfficerText::of(ctx.lang);
    let ReportView { ok, entries, first_bad_sequence, problem, last_checkpoint } = report;
    if !ok {
        // Codes only: the sequence and the problem, never an entry's content.
        tracing::warn!(first_bad_sequence, problem, "an officer's verification found the access log broken");
    }
    let tpl = IntegrityPage {
        lang: ctx.code(),
        t: ctx.t(),
        o,
        // `act` has checked the session; its token signs the page's forms.
        csrf: session::session_token(&req).map(|token| session::csrf_token(&platform, &token)).unwrap_or_default(),
        report: Some(Report { ok, entries, first_bad_sequence, problem: problem.map(|p| o.code(p)), last_checkpoint }),
        checkpoints: Vec::new(),
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
