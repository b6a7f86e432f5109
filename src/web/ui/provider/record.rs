//! `GET /ui/provider/records/{id}`: one of the organization's records with every version, as
//! `GET /api/v1/records/{id}` answers it (`read_records::one_record`: another organization's
//! record is a 404, and the read is a provider-read access-log entry before anything is
//! opened). Fields by their catalogue labels, shown with the subject's own records page's
//! markup (`ui/record_detail.html`).

use super::super::guard::signed_in;
use super::super::pages::{RecordRow, record_row};
use super::super::text::Text;
use super::super::{Ctx, page as render, session};
use super::text::ProviderText;
use crate::workflow::{Platform, read_records};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "ui/provider/record.html")]
struct RecordPage {
    lang: &'static str,
    t: &'static Text,
    p: &'static ProviderText,
    csrf: String,
    r: RecordRow,
}

pub(super) async fn page(req: HttpRequest, platform: web::Data<Platform>, id: web::Path<String>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let id = id.into_inner();
    let outcome =
        signed_in(&req, &platform, move |platform, actor| read_records::one_record(platform, actor, &id)).await;
    let (token, view) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let tpl = RecordPage {
        lang: ctx.code(),
        t: ctx.t(),
        p: ProviderText::of(ctx.lang),
        csrf: session::csrf_token(&platform, &token),
        r: record_row(view, &platform, &ctx),
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
