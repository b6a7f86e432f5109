//! Machine tokens from the administrator's portal: the use case of `POST
//! /api/v1/admin/accounts/{id}/tokens` (`workflow::machine_tokens::issue`), so who may hold
//! one, the validity bounds, the error codes and the access-log entry are the API's.
//!
//! Contract: a CSRF-checked POST from a staff account's row. Success answers a page that
//! shows the token this once (no-store, like every portal page), never a redirect: the token
//! travels in no URL and no later page shows it. A refusal answers the API's status and
//! message on the notice page.

use super::text::AdminText;
use crate::web::ui::actions::act;
use crate::web::ui::text::Text;
use crate::web::ui::{Ctx, local_time, page};
use crate::workflow::{Platform, WorkflowError, machine_tokens};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    valid_days: String,
}

#[derive(Template)]
#[template(path = "ui/admin/token.html")]
struct IssuedPage {
    lang: &'static str,
    t: &'static Text,
    a: &'static AdminText,
    csrf: String,
    token: String,
    expires_at: String,
}

pub(super) async fn issue(
    req: HttpRequest,
    platform: web::Data<Platform>,
    id: web::Path<String>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let TokenForm { csrf, valid_days } = form.into_inner();
    let id = id.into_inner();
    let issued = act(&req, &platform, &ctx, &csrf, move |platform, actor| {
        // A number the form's field did not produce is refused like an out-of-range one.
        let days = valid_days.trim().parse::<i64>().map_err(|_| {
            WorkflowError::invalid("invalid_valid_days", Some("valid_days"), "the validity is a number of days")
        })?;
        machine_tokens::issue(platform, actor, &id, days)
    })
    .await;
    let issued = match issued {
        Ok(issued) => issued,
        Err(answer) => return answer,
    };
    // `act` accepted the form's token, so it is this session's: the page's sign-out form carries it.
    let expires_at = issued.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let tpl = IssuedPage {
        lang: ctx.code(),
        t: ctx.t(),
        a: AdminText::of(ctx.lang),
        csrf,
        token: issued.token,
        expires_at: local_time(expires_at),
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
