//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`.

use crate::web::auth::{Authenticated, bearer_token, blocking};
use crate::web::error::ApiError;
use crate::workflow::{Platform, login};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login", web::post().to(log_in)).route("/auth/logout", web::post().to(log_out));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    email: String,
    password: String,
}

async fn log_in(platform: web::Data<Platform>, body: web::Json<LoginBody>) -> Result<HttpResponse, ApiError> {
    let LoginBody { email, password } = body.into_inner();
    let session = blocking(move || login::log_in(&platform, &email, &password)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "token": session.token,
        "role": session.role,
        "expires_at": session.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })))
}

async fn log_out(
    platform: web::Data<Platform>,
    req: HttpRequest,
    _actor: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req)?;
    blocking(move || login::log_out(&platform, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}
