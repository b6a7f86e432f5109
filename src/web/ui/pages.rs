//! `GET /ui/me` (the subject's records: every version, every field, reason and source document,
//! through `read_records::my_records`, which logs the self-view), the same as a JSON file to
//! keep (`GET /ui/me/records.json`) and `GET /ui/me/access-log`
//! (who else looked, through `my_access_log::my_access_log`).
//!
//! Authentication and the use case share one blocking hop; an unknown, expired or revoked
//! session goes back to the sign-in page (and its cookie is dropped), another role gets 403.

use super::catalogue_words::{entry_fields, field_label, labelled, type_name};
use super::guard::signed_in;
use super::labels::label;
use super::session;
use super::text::Text;
use super::{Ctx, page};
use crate::workflow::my_access_log::AccessView;
use crate::workflow::read_records::RecordView;
use crate::workflow::{Platform, my_access_log, read_records};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "ui/subject/records.html")]
struct RecordsPage {
    lang: &'static str,
    t: &'static Text,
    csrf: String,
    flash: Option<&'static str>,
    records: Vec<RecordRow>,
}

/// One record as the portal shows it (the subject's records page, the provider's record page).
pub(super) struct RecordRow {
    pub(super) id: String,
    /// The current version's fields, (code, label): the objection form's checkboxes.
    pub(super) field_names: Vec<(String, String)>,
    /// Whether the record still takes objections and statements.
    pub(super) open: bool,
    /// The catalogue's name in the page language (the code when the type is unknown).
    pub(super) type_name: String,
    pub(super) record_type: String,
    pub(super) category: String,
    pub(super) status: String,
    pub(super) disputed: bool,
    pub(super) disclose_until: String,
    pub(super) provider: String,
    pub(super) statement: Option<String>,
    pub(super) versions: Vec<VersionRow>,
}

pub(super) struct VersionRow {
    pub(super) version: i32,
    pub(super) change_kind: String,
    pub(super) at: String,
    pub(super) reason: Option<String>,
    pub(super) source: String,
    /// (label, value) in the page language.
    pub(super) fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "ui/subject/access_log.html")]
struct AccessLogPage {
    lang: &'static str,
    t: &'static Text,
    csrf: String,
    rows: Vec<AccessRow>,
}

/// One access as the subject reads it (the access-log page, the formal report's history).
pub(super) struct AccessRow {
    pub(super) at: String,
    pub(super) organization: String,
    pub(super) organization_kind: String,
    pub(super) purpose: String,
    pub(super) fields: String,
    pub(super) decision: &'static str,
}

pub(super) async fn records(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome = signed_in(&req, &platform, read_records::my_records).await;
    let (token, views) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let tpl = RecordsPage {
        lang: ctx.code(),
        t: ctx.t(),
        csrf: session::csrf_token(&platform, &token),
        flash: super::actions::flash(&req, ctx.t()),
        records: views.into_iter().map(|v| record_row(v, &platform, &ctx)).collect(),
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// `GET /ui/me/records.json`: the records page's data as a file to keep (the right to a copy,
/// PIPL 45): the same use case and the same logged self-view as `GET /api/v1/me/records`,
/// served with the portal's headers as an attachment.
pub(super) async fn records_download(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome = signed_in(&req, &platform, read_records::my_records).await;
    let (_, views) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let body = match serde_json::to_vec_pretty(&serde_json::json!({ "items": views })) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "records download not serialized");
            return HttpResponse::InternalServerError().content_type("text/plain; charset=utf-8").body(ctx.t().failed);
        }
    };
    let mut response = HttpResponse::Ok();
    super::secure_headers(&mut response);
    response
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            r#"attachment; filename="my-credit-records.json""#,
        ))
        .content_type("application/json")
        .body(body)
}

pub(super) async fn access_log(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome =
        signed_in(&req, &platform, |platform, actor| my_access_log::my_access_log(platform, actor, None)).await;
    let (token, log) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let t = ctx.t();
    let tpl = AccessLogPage {
        lang: ctx.code(),
        t,
        csrf: session::csrf_token(&platform, &token),
        rows: log.items.into_iter().map(|a| access_row(a, &platform, &ctx)).collect(),
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

pub(super) fn record_row(view: RecordView, platform: &Platform, ctx: &Ctx) -> RecordRow {
    let record_type = view.record_type.clone();
    let field_names = view
        .versions
        .iter()
        .max_by_key(|v| v.version)
        .map(|v| v.fields.keys().map(|f| (f.clone(), field_label(platform, ctx.lang, &record_type, f))).collect())
        .unwrap_or_default();
    let open = crate::domain::record::RecordStatus::parse(&view.status).is_ok_and(|s| s.accepts_changes());
    RecordRow {
        id: view.id,
        field_names,
        open,
        type_name: type_name(platform, ctx.lang, &record_type),
        record_type: view.record_type,
        category: label(ctx.lang, &view.category),
        status: label(ctx.lang, &view.status),
        disputed: view.disputed,
        disclose_until: view.disclose_until.unwrap_or_default(),
        provider: view.provider.name,
        statement: view.statement,
        versions: view
            .versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                change_kind: label(ctx.lang, &v.change_kind),
                at: v.at,
                reason: v.reason,
                source: v
                    .source_document
                    .map(|d| format!("{} ({}, {})", d.number, d.date, d.authority))
                    .unwrap_or_default(),
                fields: labelled(platform, ctx.lang, &record_type, v.fields),
            })
            .collect(),
    }
}

pub(super) fn access_row(access: AccessView, platform: &Platform, ctx: &Ctx) -> AccessRow {
    let t = ctx.t();
    let (organization, organization_kind) = match access.organization {
        Some(o) => (o.name, label(ctx.lang, &o.kind)),
        None => (t.platform.to_owned(), String::new()),
    };
    let purpose = access
        .purpose
        .map(|p| {
            let name = if ctx.lang == super::text::Lang::En { p.name_en } else { p.name_zh };
            if name.is_empty() { p.code } else { name }
        })
        .unwrap_or_default();
    AccessRow {
        at: access.at,
        organization,
        organization_kind,
        purpose,
        fields: entry_fields(platform, ctx.lang, &access.fields),
        decision: if access.decision == "allowed" { t.allowed } else { t.denied },
    }
}
