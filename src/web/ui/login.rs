//! `GET/POST /ui/login` and `POST /ui/logout`.
//!
//! Sign-in goes through `login::log_in`, so throttling, the uniform answer for unknown e-mails
//! and wrong passwords, and the error codes are the API's; the page shows a friendly message
//! that never says which part was wrong (the code rides along in `data-code`). A successful
//! sign-in lands on the role's portal page.

use super::actions::CsrfForm;
use super::session::{self, LOGIN_COOKIE, SESSION_COOKIE};
use super::text::Text;
use super::{Ctx, notice, page, see_other};
use crate::web::auth::blocking;
use crate::web::error::status_of;
use crate::workflow::{Platform, WorkflowError, login};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "ui/login.html")]
struct LoginPage {
    lang: &'static str,
    t: &'static Text,
    csrf: String,
    email: String,
    message: Option<&'static str>,
    code: &'static str,
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// Renders the form; a visitor without a pre-login nonce gets one.
fn login_page(
    req: &HttpRequest,
    platform: &Platform,
    ctx: &Ctx,
    status: StatusCode,
    email: String,
    failure: Option<(&'static str, &'static str)>,
) -> HttpResponse {
    let (nonce, fresh) = match session::login_nonce(req) {
        Some(nonce) => (nonce, false),
        None => (login::random_token(), true),
    };
    let tpl = LoginPage {
        lang: ctx.code(),
        t: ctx.t(),
        csrf: session::login_csrf_token(platform, &nonce),
        email,
        message: failure.map(|(message, _)| message),
        code: failure.map(|(_, code)| code).unwrap_or_default(),
    };
    let cookies = if fresh { vec![session::cookie(LOGIN_COOKIE, nonce, req)] } else { Vec::new() };
    page(req, ctx, status, tpl.render(), cookies)
}

pub(super) async fn form(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    login_page(&req, &platform, &ctx, StatusCode::OK, String::new(), None)
}

pub(super) async fn submit(
    req: HttpRequest,
    platform: web::Data<Platform>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let LoginForm { email, password, csrf } = form.into_inner();
    let nonce_ok = session::login_nonce(&req).is_some_and(|n| session::login_csrf_ok(&platform, &n, &csrf));
    if !nonce_ok {
        let failure = Some((ctx.t().expired_form, "invalid_csrf_token"));
        return login_page(&req, &platform, &ctx, StatusCode::FORBIDDEN, email, failure);
    }
    let shown_email = email.clone();
    let worker = platform.clone();
    let session = match blocking(move || login::log_in(&worker, &email, &password)).await {
        Ok(session) => session,
        Err(e) => {
            let message = match &e.0 {
                WorkflowError::TooManyRequests => ctx.t().throttled,
                WorkflowError::Unauthenticated { .. } | WorkflowError::Invalid { .. } => ctx.t().bad_credentials,
                WorkflowError::Internal { cause } => {
                    tracing::error!(%cause, "portal sign-in failed");
                    ctx.t().failed
                }
                _ => ctx.t().failed,
            };
            let failure = Some((message, e.0.code()));
            return login_page(&req, &platform, &ctx, status_of(&e.0), shown_email, failure);
        }
    };
    let landing = super::guard::landing(session.role);
    let cookies = vec![session::cookie(SESSION_COOKIE, session.token, &req), session::removal(LOGIN_COOKIE, &req)];
    see_other(&req, &ctx, landing, cookies)
}

pub(super) async fn log_out(
    req: HttpRequest,
    platform: web::Data<Platform>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let Some(token) = session::session_token(&req) else {
        return see_other(&req, &ctx, "/ui/login", Vec::new());
    };
    if !session::csrf_ok(&platform, &token, &form.csrf) {
        let t = ctx.t();
        return notice(&req, &ctx, StatusCode::FORBIDDEN, t.forbidden_title, t.expired_form, String::new());
    }
    let worker = platform.clone();
    if let Err(e) = blocking(move || login::log_out(&worker, &token)).await {
        if let WorkflowError::Internal { cause } = &e.0 {
            tracing::error!(%cause, "portal sign-out failed");
        }
        let t = ctx.t();
        return notice(&req, &ctx, status_of(&e.0), t.error_title, t.failed, String::new());
    }
    see_other(&req, &ctx, "/ui/login", vec![session::removal(SESSION_COOKIE, &req)])
}
