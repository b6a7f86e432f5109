//! `GET /ui/me/authorizations` (the subject's grants, through `authorizations::list`), the grant
//! form (`POST /ui/me/authorizations` -> `authorizations::grant`) and the revoke buttons
//! (`POST /ui/me/authorizations/{id}/revoke` -> `authorizations::revoke`).

use super::actions::{CsrfForm, act_then_show, flash};
use super::guard::signed_in;
use super::labels::label;
use super::session;
use super::text::{Lang, Text};
use super::{Ctx, page as render};
use crate::workflow::{Platform, authorizations};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

const PAGE: &str = "/ui/me/authorizations";

#[derive(Template)]
#[template(path = "ui/subject/authorizations.html")]
struct AuthorizationsPage {
    lang: &'static str,
    t: &'static Text,
    csrf: String,
    flash: Option<&'static str>,
    rows: Vec<Row>,
    /// Purposes that need the subject's authorization: (code, name in the page language).
    purposes: Vec<(String, String)>,
    today: String,
}

struct Row {
    id: String,
    organization: String,
    organization_kind: String,
    purpose: String,
    valid_until: String,
    status: &'static str,
    active: bool,
}

#[derive(Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    valid_until: String,
}

/// A purpose's name in the page language (its code when unknown).
pub(super) fn purpose_name(platform: &Platform, lang: Lang, code: &str) -> String {
    platform
        .policies
        .purposes
        .get(code)
        .map(|p| if lang == Lang::En { p.names.en.clone() } else { p.names.zh.clone() })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| code.to_owned())
}

pub(super) async fn page(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let (token, views) = match signed_in(&req, &platform, authorizations::list).await {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let t = ctx.t();
    let rows = views
        .into_iter()
        .map(|v| Row {
            purpose: purpose_name(&platform, ctx.lang, &v.purpose),
            active: v.status == "active",
            status: match v.status {
                "active" => t.authorization_active,
                "expired" => t.authorization_expired,
                _ => t.authorization_revoked,
            },
            id: v.id,
            organization: v.organization.name,
            organization_kind: label(ctx.lang, &v.organization.kind),
            valid_until: v.valid_until,
        })
        .collect();
    let purposes = platform
        .policies
        .purposes
        .iter()
        .filter(|p| p.requires_authorization)
        .map(|p| (p.code.clone(), purpose_name(&platform, ctx.lang, &p.code)))
        .collect();
    let tpl = AuthorizationsPage {
        lang: ctx.code(),
        t,
        csrf: session::csrf_token(&platform, &token),
        flash: flash(&req, t),
        rows,
        purposes,
        today: platform.clock.today().to_string(),
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

pub(super) async fn grant(req: HttpRequest, platform: web::Data<Platform>, form: web::Form<GrantForm>) -> HttpResponse {
    let GrantForm { csrf, organization_id, purpose, valid_until } = form.into_inner();
    act_then_show(&req, &platform, &csrf, PAGE, "granted", move |platform, actor| {
        authorizations::grant(platform, actor, organization_id.trim(), purpose.trim(), &valid_until)
    })
    .await
}

pub(super) async fn revoke(
    req: HttpRequest,
    platform: web::Data<Platform>,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let id = id.into_inner();
    act_then_show(&req, &platform, &form.csrf, PAGE, "revoked", move |platform, actor| {
        authorizations::revoke(platform, actor, &id)
    })
    .await
}
