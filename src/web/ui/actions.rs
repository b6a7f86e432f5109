//! What the portal's forms share. Every POST carries the session's CSRF token (403 page
//! otherwise), runs one workflow use case for the signed-in subject inside `blocking`, and on
//! success answers 303 back to its page with `?done=<what>`, which the page shows as a short
//! message from `text.rs` (nothing of the input travels in the URL). A refused action answers a
//! notice page with the status the API would give and the workflow error's message (written
//! for the caller, never quoting the input); internal causes go to the log, not the page.

use super::session::{self, SESSION_COOKIE};
use super::text::Text;
use super::{Ctx, notice, see_other};
use crate::web::auth::blocking;
use crate::web::error::{ApiError, status_of};
use crate::workflow::{Actor, Platform, WorkflowError, login};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::collections::HashMap;

/// A form that carries nothing but its CSRF token (sign-out, revoking, withdrawing, disabling).
#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    pub(super) csrf: String,
}

/// Checks the form's CSRF token, then authenticates the session and runs `use_case` on one
/// blocking hop. `Err` is the finished answer (sign-in redirect, 403 or notice page).
pub(super) async fn act<T: Send + 'static>(
    req: &HttpRequest,
    platform: &web::Data<Platform>,
    ctx: &Ctx,
    csrf: &str,
    use_case: impl FnOnce(&Platform, &Actor) -> Result<T, WorkflowError> + Send + 'static,
) -> Result<T, HttpResponse> {
    let Some(token) = session::session_token(req) else {
        return Err(see_other(req, ctx, "/ui/login", Vec::new()));
    };
    if !session::csrf_ok(platform, &token, csrf) {
        let t = ctx.t();
        return Err(notice(req, ctx, StatusCode::FORBIDDEN, t.forbidden_title, t.expired_form, String::new()));
    }
    let worker = platform.clone();
    let session_token = token.clone();
    let result = blocking(move || {
        let actor = login::authenticate(&worker, &session_token)?;
        use_case(&worker, &actor)
    })
    .await;
    result.map_err(|ApiError(e)| refused(req, ctx, platform, &token, e))
}

fn refused(req: &HttpRequest, ctx: &Ctx, platform: &Platform, token: &str, e: WorkflowError) -> HttpResponse {
    let t = ctx.t();
    let csrf = session::csrf_token(platform, token);
    match e {
        WorkflowError::Unauthenticated { .. } => {
            see_other(req, ctx, "/ui/login", vec![session::removal(SESSION_COOKIE, req)])
        }
        WorkflowError::Forbidden { .. } => {
            notice(req, ctx, StatusCode::FORBIDDEN, t.wrong_role_title, t.wrong_role, csrf)
        }
        WorkflowError::Internal { cause } => {
            tracing::error!(%cause, "portal action failed");
            notice(req, ctx, StatusCode::INTERNAL_SERVER_ERROR, t.error_title, t.failed, csrf)
        }
        other => {
            tracing::info!(code = other.code(), "portal action refused");
            notice(req, ctx, status_of(&other), t.action_refused_title, other.to_string(), csrf)
        }
    }
}

/// Runs a form's use case (`act`) and answers: back to `page` with the `what` message on
/// success, the refusal page otherwise.
pub(super) async fn act_then_show<T: Send + 'static>(
    req: &HttpRequest,
    platform: &web::Data<Platform>,
    csrf: &str,
    page: &str,
    what: &str,
    use_case: impl FnOnce(&Platform, &Actor) -> Result<T, WorkflowError> + Send + 'static,
) -> HttpResponse {
    let ctx = Ctx::of(req);
    match act(req, platform, &ctx, csrf, use_case).await {
        Ok(_) => done(req, &ctx, page, what),
        Err(answer) => answer,
    }
}

/// The 303 back to `page` after a successful action, naming it in `?done=`.
pub(super) fn done(req: &HttpRequest, ctx: &Ctx, page: &str, what: &str) -> HttpResponse {
    see_other(req, ctx, &format!("{page}?done={what}"), Vec::new())
}

/// What `?done=` names (set by `done`), for each portal to turn into its own message.
pub(super) fn done_action(req: &HttpRequest) -> Option<String> {
    let mut query = web::Query::<HashMap<String, String>>::from_query(req.query_string()).ok()?.into_inner();
    query.remove("done")
}

/// The success message `?done=` asks for, if it names one we know.
pub(super) fn flash(req: &HttpRequest, t: &'static Text) -> Option<&'static str> {
    Some(match done_action(req)?.as_str() {
        "granted" => t.done_granted,
        "revoked" => t.done_revoked,
        "filed" => t.done_filed,
        "withdrawn" => t.done_withdrawn,
        "statement" => t.done_statement,
        _ => return None,
    })
}
