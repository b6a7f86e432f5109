//! Portal sessions: the `credit_session` cookie holds the bearer token `login::log_in` issued
//! (HttpOnly, SameSite=Strict, Path=/, Secure when the request came over https), so the token
//! rules (hashing, expiry, revocation) are the API's. CSRF tokens are HMAC(session key, token)
//! in hex, recomputed per request and compared in constant time; the login form, before any
//! session exists, is bound the same way to a random `credit_login` cookie. The page language
//! comes from `?lang=`, then the `lang` cookie, then zh-CN.

use super::text::Lang;
use crate::workflow::Platform;
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use std::collections::HashMap;

pub const SESSION_COOKIE: &str = "credit_session";
pub const LOGIN_COOKIE: &str = "credit_login";
pub const LANG_COOKIE: &str = "lang";

/// Whether the request reached us over https (directly or as told by the proxy in front).
pub fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme().eq_ignore_ascii_case("https")
}

/// The session token from the cookie, if it has a plausible shape.
pub fn session_token(req: &HttpRequest) -> Option<String> {
    cookie_value(req, SESSION_COOKIE)
}

/// The pre-login nonce from the cookie, if any.
pub fn login_nonce(req: &HttpRequest) -> Option<String> {
    cookie_value(req, LOGIN_COOKIE)
}

fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(name).map(|c| c.value().to_owned()).filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A strict, HttpOnly cookie for the whole site; `Secure` only over https.
pub fn cookie(name: &'static str, value: String, req: &HttpRequest) -> Cookie<'static> {
    Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Strict).secure(is_https(req)).finish()
}

/// A cookie that makes the browser forget `name`.
pub fn removal(name: &'static str, req: &HttpRequest) -> Cookie<'static> {
    let mut gone = cookie(name, String::new(), req);
    gone.make_removal();
    gone
}

/// The CSRF token forms of this session carry.
pub fn csrf_token(platform: &Platform, session: &str) -> String {
    platform.keys.derived.session.csrf_token(session.as_bytes())
}

/// Whether `presented` is this session's CSRF token.
pub fn csrf_ok(platform: &Platform, session: &str, presented: &str) -> bool {
    platform.keys.derived.session.csrf_matches(session.as_bytes(), presented)
}

/// The login form's token: bound to the pre-login nonce, in its own domain.
pub fn login_csrf_token(platform: &Platform, nonce: &str) -> String {
    csrf_token(platform, &format!("login:{nonce}"))
}

pub fn login_csrf_ok(platform: &Platform, nonce: &str, presented: &str) -> bool {
    csrf_ok(platform, &format!("login:{nonce}"), presented)
}

/// The page language, and whether `?lang=` asked for it (then it is remembered in a cookie).
pub fn language(req: &HttpRequest) -> (Lang, bool) {
    let asked = actix_web::web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("lang").and_then(|v| Lang::parse(v)));
    if let Some(lang) = asked {
        return (lang, true);
    }
    let remembered = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value()));
    (remembered.unwrap_or(Lang::ZhCn), false)
}

/// The cookie remembering the chosen language (not secret, but kept off scripts anyway).
pub fn lang_cookie(lang: Lang, req: &HttpRequest) -> Cookie<'static> {
    let mut c = cookie(LANG_COOKIE, lang.code().to_owned(), req);
    c.set_max_age(actix_web::cookie::time::Duration::days(365));
    c
}
