//! `GET /ui/me/objections` (the subject's objections with their deadlines and timelines,
//! through `objections::read::list` and `read::get`), the filing form of the records page
//! (`POST /ui/me/objections` -> `objections::file::file`), the withdraw buttons
//! (`POST /ui/me/objections/{id}/withdraw` -> `objections::review::withdraw`) and the statement
//! form of the records page (`POST /ui/me/records/{id}/statement` -> `record_statement::put`).

use super::actions::{CsrfForm, act_then_show, flash};
use super::catalogue_words::entry_fields;
use super::guard::signed_in;
use super::labels::label;
use super::session;
use super::text::Text;
use super::{Ctx, page as render};
use crate::domain::objection::{ObjectionGround, ObjectionStatus};
use crate::workflow::objections::{NewObjection, file as filing, read, review};
use crate::workflow::{Platform, WorkflowError, record_statement};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use tracing_actix_web::RequestId;

const PAGE: &str = "/ui/me/objections";

#[derive(Template)]
#[template(path = "ui/subject/objections.html")]
struct ObjectionsPage {
    lang: &'static str,
    t: &'static Text,
    csrf: String,
    flash: Option<&'static str>,
    rows: Vec<Row>,
}

struct Row {
    id: String,
    status: String,
    ground: &'static str,
    fields: String,
    filed_on: String,
    due_on: String,
    days_left: Option<i64>,
    open: bool,
    events: Vec<read::EventView>,
}

#[derive(Deserialize)]
pub(super) struct StatementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    statement: String,
}

/// A ground's label in the page language (the code when unknown).
pub(super) fn ground_label(t: &'static Text, code: &str) -> &'static str {
    t.grounds.iter().find(|(c, _)| *c == code).map(|(_, label)| *label).unwrap_or("")
}

pub(super) async fn page(req: HttpRequest, platform: web::Data<Platform>, request_id: RequestId) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let request_id = request_id.to_string();
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        let page = read::list(platform, actor, None, None, Some(200))?;
        page.items.iter().map(|summary| read::get(platform, actor, &request_id, &summary.id)).collect()
    })
    .await;
    let (token, views): (String, Vec<read::ObjectionView>) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let t = ctx.t();
    let rows = views
        .into_iter()
        .map(|v| Row {
            open: v.status.parse::<ObjectionStatus>().is_ok_and(|s| s.is_open()),
            ground: ground_label(t, &v.ground),
            fields: entry_fields(&platform, ctx.lang, &v.fields),
            id: v.id,
            status: label(ctx.lang, &v.status),
            filed_on: v.filed_on,
            due_on: v.due_on.or(v.provider_due_on).unwrap_or_default(),
            days_left: v.days_left,
            events: v
                .events
                .into_iter()
                .map(|e| read::EventView { kind: label(ctx.lang, &e.kind), status: label(ctx.lang, &e.status), ..e })
                .collect(),
        })
        .collect();
    let tpl = ObjectionsPage {
        lang: ctx.code(),
        t,
        csrf: session::csrf_token(&platform, &token),
        flash: flash(&req, t),
        rows,
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// The filing form: `record_id`, `ground`, `statement`, one `fields` per checked box, `csrf`.
pub(super) async fn file(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (mut csrf, mut record_id, mut ground, mut statement, mut fields) =
        (String::new(), String::new(), String::new(), String::new(), Vec::new());
    for (name, value) in form.into_inner() {
        match name.as_str() {
            "csrf" => csrf = value,
            "record_id" => record_id = value,
            "ground" => ground = value,
            "statement" => statement = value,
            "fields" => fields.push(value),
            _ => {}
        }
    }
    let request_id = request_id.to_string();
    act_then_show(&req, &platform, &csrf, PAGE, "filed", move |platform, actor| {
        let ground: ObjectionGround = ground.parse().map_err(|e| WorkflowError::from_domain(e, "ground"))?;
        let new = NewObjection { record_id, ground, fields, statement, evidence: Vec::new() };
        filing::file(platform, actor, &request_id, new)
    })
    .await
}

pub(super) async fn withdraw(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    act_then_show(&req, &platform, &form.csrf, PAGE, "withdrawn", move |platform, actor| {
        review::withdraw(platform, actor, &request_id, &id, None)
    })
    .await
}

pub(super) async fn statement(
    req: HttpRequest,
    platform: web::Data<Platform>,
    id: web::Path<String>,
    form: web::Form<StatementForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let StatementForm { csrf, statement } = form.into_inner();
    act_then_show(&req, &platform, &csrf, "/ui/me", "statement", move |platform, actor| {
        record_statement::put(platform, actor, &id, &statement)
    })
    .await
}
