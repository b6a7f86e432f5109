//! The subject's formal credit report in the portal: `GET /ui/me/reports` (what is free,
//! how many reports are left this year and which were issued, through `formal_report::list`)
//! and `POST /ui/me/reports` (issues one through `formal_report::issue` and answers the report
//! itself as a printable page).
//!
//! Contract:
//! - The button is offered only while a free report is left; otherwise the page says when the
//!   next one comes (1 January of next year). The workflow still decides: a refused POST (the
//!   yearly limit, 429) answers the notice page with the workflow's message.
//! - The POST carries the session's CSRF token (403 page otherwise, nothing issued): issuing
//!   spends one of the year's two free reports, so a forged form must not be able to.
//! - The report shows the records and the query history the way `/ui/me` and
//!   `/ui/me/access-log` do (`pages::record_row`, `pages::access_row`): one set of words.
//! - The document exists only in this answer (`no-store`, like every portal page); the
//!   platform keeps the slot and its access-log entry, never the content.

mod text;

use super::actions::act;
use super::guard::signed_in;
use super::pages::{AccessRow, RecordRow, access_row, record_row};
use super::text::Text;
use super::{Ctx, page as render, session};
use crate::workflow::Platform;
use crate::workflow::formal_report::{self, FREE_PER_YEAR, IssuedReport, ReportDocument};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;
use text::ReportText;

#[derive(Template)]
#[template(path = "ui/subject/reports.html")]
struct ReportsPage {
    lang: &'static str,
    t: &'static Text,
    w: &'static ReportText,
    csrf: String,
    /// `w.yearly_free` with the number filled in.
    yearly_free: String,
    left: i32,
    /// Empty while a free report is left; else `w.next_free` with the date filled in.
    next_free: String,
    items: Vec<IssuedReport>,
    /// The number this page's form asks for (`formal_report::issue`'s `expected`).
    next_number: i32,
}

#[derive(Template)]
#[template(path = "ui/subject/report.html")]
struct ReportPage {
    lang: &'static str,
    t: &'static Text,
    w: &'static ReportText,
    /// For the nav's sign-out form.
    csrf: String,
    number: String,
    issued_at: String,
    left: i32,
    records: Vec<RecordRow>,
    /// The query history, named `rows` for `ui/subject/access_table.html`.
    rows: Vec<AccessRow>,
}

pub(super) async fn page(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    // The year comes from the platform's clock, as the workflow counts it (Asia/Shanghai).
    let outcome = signed_in(&req, &platform, |platform, actor| {
        Ok((formal_report::list(platform, actor)?, platform.clock.today().year()))
    })
    .await;
    let (token, (list, year)) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let w = ReportText::of(ctx.lang);
    let left = list.free_reports_left_this_year;
    let tpl = ReportsPage {
        lang: ctx.code(),
        t: ctx.t(),
        w,
        csrf: session::csrf_token(&platform, &token),
        yearly_free: w.yearly_free.replace("{n}", &FREE_PER_YEAR.to_string()),
        left,
        next_free: if left > 0 { String::new() } else { w.next_free.replace("{date}", &format!("{}-01-01", year + 1)) },
        items: list.items,
        next_number: list.next_number,
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// The issue form: the CSRF token and the number the page offered as next, so that the same
/// form sent again (a reload of the report it answered) spends no second free report.
#[derive(Deserialize)]
pub(super) struct IssueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: Option<i32>,
}

pub(super) async fn issue(req: HttpRequest, platform: web::Data<Platform>, form: web::Form<IssueForm>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let IssueForm { csrf, number } = form.into_inner();
    let use_case = move |platform: &Platform, actor: &_| formal_report::issue(platform, actor, number);
    let document: ReportDocument = match act(&req, &platform, &ctx, &csrf, use_case).await {
        Ok(document) => document,
        // No session (303), a bad token (403) or the workflow's refusal (429 at the limit).
        Err(answer) => return answer,
    };
    // `act` accepted the session, so the cookie is there; the token only signs the nav's form.
    let token = session::session_token(&req).unwrap_or_default();
    let tpl = ReportPage {
        lang: ctx.code(),
        t: ctx.t(),
        w: ReportText::of(ctx.lang),
        csrf: session::csrf_token(&platform, &token),
        number: document.number,
        issued_at: document.issued_at,
        left: document.free_reports_left_this_year,
        records: document.records.into_iter().map(|r| record_row(r, &platform, &ctx)).collect(),
        rows: document.query_history.into_iter().map(|a| access_row(a, &platform, &ctx)).collect(),
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
