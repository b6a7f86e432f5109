//! The portal under `/ui` (DESIGN §8): server-rendered askama pages, zh-CN by default with an
//! English switch. `login.rs` signs in and out and sends each role to its landing page
//! (`guard.rs`); `pages.rs` shows the subject's records and access log, `reports.rs` issues
//! their formal credit report; `session.rs` holds the cookie and CSRF rules, `text.rs` every word.
//!
//! Contract: like the API, handlers call one workflow use case inside `blocking`; every page is
//! rendered with owned fields and escaped by askama; every answer carries `no-store` and a CSP
//! that allows nothing external (no CSS, JS or CDN). Unauthenticated visitors are sent (303) to
//! `/ui/login`; a page of another role's portal answers a 403 page.

mod actions;
mod admin;
mod authorizations;
mod catalogue_words;
mod guard;
mod labels;
mod login;
mod objections;
mod officer;
mod pages;
mod provider;
mod reports;
mod requester;
mod session;
mod text;

use actix_web::cookie::Cookie;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use text::{Lang, Text};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/ui")
            .app_data(form_config())
            .route("", web::get().to(guard::home))
            .route("/", web::get().to(guard::home))
            .route("/login", web::get().to(login::form))
            .route("/login", web::post().to(login::submit))
            .route("/logout", web::post().to(login::log_out))
            .route("/me", web::get().to(pages::records))
            .route("/me/records.json", web::get().to(pages::records_download))
            .route("/me/access-log", web::get().to(pages::access_log))
            .route("/me/reports", web::get().to(reports::page))
            .route("/me/reports", web::post().to(reports::issue))
            .route("/me/authorizations", web::get().to(authorizations::page))
            .route("/me/authorizations", web::post().to(authorizations::grant))
            .route("/me/authorizations/{id}/revoke", web::post().to(authorizations::revoke))
            .route("/me/objections", web::get().to(objections::page))
            .route("/me/objections", web::post().to(objections::file))
            .route("/me/objections/{id}/withdraw", web::post().to(objections::withdraw))
            .route("/me/records/{id}/statement", web::post().to(objections::statement))
            .configure(provider::configure)
            .configure(requester::configure)
            .configure(officer::configure)
            .configure(admin::configure)
            .route("/portal.css", web::get().to(stylesheet)),
    );
}

/// The portal's one stylesheet, compiled in: no external or inline style, so the CSP can stay
/// `style-src 'self'`.
async fn stylesheet() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../../templates/static/portal.css"))
}

/// A form that cannot be read is refused like one without its CSRF token (403), except when
/// it is too large (413); nothing of the input is echoed.
fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(16 * 1024).error_handler(|err, _req| {
        let status = match err {
            actix_web::error::UrlencodedError::Overflow { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::FORBIDDEN,
        };
        let response = HttpResponse::build(status).content_type("text/plain; charset=utf-8").body("form refused");
        actix_web::error::InternalError::from_response("form refused", response).into()
    })
}

/// An instant as the platform's users read it: local time (Asia/Shanghai) to the second, for
/// templates (`{{ crate::web::ui::local_time(x.at) }}` inside `<time datetime="{{ x.at }}">`,
/// which keeps the exact UTC instant machine-readable). Text that is not RFC 3339 is shown as
/// it is; a plain date stays a date.
pub fn local_time(at: impl AsRef<str>) -> String {
    let at = at.as_ref();
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(instant) => {
            instant.with_timezone(&crate::workflow::clock::local_offset()).format("%Y-%m-%d %H:%M:%S").to_string()
        }
        Err(_) => at.to_owned(),
    }
}

/// What every page needs: its language, and whether `?lang=` chose it (to remember it).
pub(super) struct Ctx {
    lang: Lang,
    remember: bool,
}

impl Ctx {
    fn of(req: &HttpRequest) -> Ctx {
        let (lang, remember) = session::language(req);
        Ctx { lang, remember }
    }

    fn t(&self) -> &'static Text {
        self.lang.text()
    }

    fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// A short page with a heading and one message (403s, failures).
#[derive(Template)]
#[template(path = "ui/notice.html")]
struct Notice {
    lang: &'static str,
    t: &'static Text,
    title: &'static str,
    message: String,
    /// Non-empty when a session exists: the page then offers the sign-out form.
    csrf: String,
}

/// The answer for a rendered page: security headers, the language cookie when it was chosen,
/// and `cookies`.
fn page(
    req: &HttpRequest,
    ctx: &Ctx,
    status: StatusCode,
    rendered: Result<String, askama::Error>,
    cookies: Vec<Cookie<'static>>,
) -> HttpResponse {
    let body = match rendered {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "portal template failed");
            return HttpResponse::InternalServerError().content_type("text/plain; charset=utf-8").body(ctx.t().failed);
        }
    };
    let mut response = HttpResponse::build(status);
    secure_headers(&mut response);
    if ctx.remember {
        response.cookie(session::lang_cookie(ctx.lang, req));
    }
    for cookie in cookies {
        response.cookie(cookie);
    }
    response.content_type("text/html; charset=utf-8").body(body)
}

fn secure_headers(response: &mut actix_web::HttpResponseBuilder) {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
}

/// A 303 to `to`, setting `cookies` (and the language cookie when it was chosen).
fn see_other(req: &HttpRequest, ctx: &Ctx, to: &str, cookies: Vec<Cookie<'static>>) -> HttpResponse {
    let mut response = HttpResponse::SeeOther();
    secure_headers(&mut response);
    response.insert_header((header::LOCATION, to));
    if ctx.remember {
        response.cookie(session::lang_cookie(ctx.lang, req));
    }
    for cookie in cookies {
        response.cookie(cookie);
    }
    response.finish()
}

/// A notice page.
fn notice(
    req: &HttpRequest,
    ctx: &Ctx,
    status: StatusCode,
    title: &'static str,
    message: impl Into<String>,
    csrf: String,
) -> HttpResponse {
    let tpl = Notice { lang: ctx.code(), t: ctx.t(), title, message: message.into(), csrf };
    page(req, ctx, status, tpl.render(), Vec::new())
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_read_as_nanjing_time_and_anything_else_is_left_alone() {
        assert_eq!(super::local_time("2026-11-29T18:05:03.123456Z"), "2026-11-30 02:05:03");
        assert_eq!(super::local_time("2026-11-29T10:05:03+08:00"), "2026-11-29 10:05:03");
        for text in ["2026-10-10", "", "<script>"] {
            assert_eq!(super::local_time(text), text);
        }
    }
}
