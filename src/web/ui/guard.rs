//! Who may see a portal page: the session cookie is authenticated on the same blocking hop as
//! the page's use case, and each role has one landing page.
//!
//! Contract: no session, or an unknown, expired or revoked one, goes (303) to the sign-in page
//! and drops the cookie; a use case that refuses the actor's role answers the 403 page; any
//! other failure answers a page with its status and no detail.

use super::session::{self, SESSION_COOKIE};
use super::{Ctx, notice, see_other};
use crate::domain::Role;
use crate::web::auth::blocking;
use crate::web::error::ApiError;
use crate::workflow::{Platform, WorkflowError, login};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

/// Where a role's portal starts.
pub(super) fn landing(role: Role) -> &'static str {
    match role {
        Role::Subject => "/ui/me",
        Role::Provider => "/ui/provider",
        Role::Officer => "/ui/officer",
        Role::Requester => "/ui/requester",
        Role::Admin => "/ui/admin",
    }
}

/// `/ui`: each role's landing page.
pub(super) async fn home(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    match signed_in(&req, &platform, |_, actor| Ok(actor.role)).await {
        Ok((_, role)) => see_other(&req, &ctx, landing(role), Vec::new()),
        Err(answer) => answer(&req, &ctx),
    }
}

/// How a refused page answers, once the language is known.
pub(super) type Refusal = Box<dyn FnOnce(&HttpRequest, &Ctx) -> HttpResponse>;

/// Authenticates the session cookie and runs `use_case` on the same blocking hop; returns the
/// session token (for the CSRF token of the page's forms) with the result.
pub(super) async fn signed_in<T: Send + 'static>(
    req: &HttpRequest,
    platform: &web::Data<Platform>,
    use_case: impl FnOnce(&Platform, &crate::workflow::Actor) -> Result<T, WorkflowError> + Send + 'static,
) -> Result<(String, T), Refusal> {
    let Some(token) = session::session_token(req) else {
        return Err(Box::new(|req, ctx| see_other(req, ctx, "/ui/login", Vec::new())));
    };
    let worker = platform.clone();
    let session = token.clone();
    let result = blocking(move || {
        let actor = login::authenticate(&worker, &session)?;
        use_case(&worker, &actor)
    })
    .await;
    match result {
        Ok(value) => Ok((token, value)),
        Err(ApiError(WorkflowError::Unauthenticated { .. })) => {
            Err(Box::new(|req, ctx| see_other(req, ctx, "/ui/login", vec![session::removal(SESSION_COOKIE, req)])))
        }
        Err(ApiError(WorkflowError::Forbidden { .. })) => {
            let csrf = session::csrf_token(platform, &token);
            Err(Box::new(move |req, ctx| {
                let t = ctx.t();
                notice(req, ctx, StatusCode::FORBIDDEN, t.wrong_role_title, t.wrong_role, csrf)
            }))
        }
        Err(ApiError(e)) => {
            if let WorkflowError::Internal { cause } = &e {
                tracing::error!(%cause, "portal page failed");
            }
            let status = crate::web::error::status_of(&e);
            Err(Box::new(move |req, ctx| {
                let t = ctx.t();
                notice(req, ctx, status, t.error_title, t.failed, String::new())
            }))
        }
    }
}
