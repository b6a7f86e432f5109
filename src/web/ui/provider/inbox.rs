//! `GET /ui/provider`: the organization's objections inbox (`objections::inbox::inbox`), open
//! ones first by due date, each with its record type in the page language, status, due date,
//! working days left and contested fields; below it a few of the organization's records.

use super::super::catalogue_words::{field_label, type_name};
use super::super::guard::signed_in;
use super::super::labels::label;
use super::super::text::{Lang, Text};
use super::super::{Ctx, page as render, session};
use super::text::ProviderText;
use crate::workflow::Platform;
use crate::workflow::objections::inbox::{self, InboxItem};
use crate::workflow::read_records::RecordSummary;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "ui/provider/inbox.html")]
struct InboxPage {
    lang: &'static str,
    t: &'static Text,
    p: &'static ProviderText,
    csrf: String,
    objections: Vec<ObjectionRow>,
    records: Vec<RecordRow>,
}

struct ObjectionRow {
    id: String,
    type_name: String,
    status: String,
    filed_on: String,
    due_on: String,
    days_left: Option<i64>,
    fields: String,
    open: bool,
}

struct RecordRow {
    id: String,
    type_name: String,
    status: String,
    version: i32,
    disputed: bool,
}

fn objection_row(item: InboxItem, platform: &Platform, lang: Lang) -> ObjectionRow {
    let s = item.summary;
    ObjectionRow {
        type_name: type_name(platform, lang, &item.record_type),
        status: label(lang, &s.status),
        fields: item
            .fields
            .iter()
            .map(|f| field_label(platform, lang, &item.record_type, f))
            .collect::<Vec<_>>()
            .join("、"),
        due_on: s.due_on.unwrap_or_default(),
        days_left: s.days_left,
        filed_on: s.filed_on,
        open: item.open,
        id: s.id,
    }
}

fn record_row(record: RecordSummary, platform: &Platform, lang: Lang) -> RecordRow {
    RecordRow {
        type_name: type_name(platform, lang, &record.record_type),
        status: label(lang, &record.status),
        version: record.version,
        disputed: record.disputed,
        id: record.id,
    }
}

pub(super) async fn page(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let (token, found) = match signed_in(&req, &platform, inbox::inbox).await {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let tpl = InboxPage {
        lang: ctx.code(),
        t: ctx.t(),
        p: ProviderText::of(ctx.lang),
        csrf: session::csrf_token(&platform, &token),
        objections: found.objections.into_iter().map(|o| objection_row(o, &platform, ctx.lang)).collect(),
        records: found.records.into_iter().map(|r| record_row(r, &platform, ctx.lang)).collect(),
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
