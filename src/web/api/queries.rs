//! `POST /api/v1/queries`: the purpose-bound query (DESIGN §5), and the subject's
//! authorizations `GET/POST /api/v1/me/authorizations`, `DELETE /api/v1/me/authorizations/{id}`.

use crate::web::auth::{Authenticated, bearer_token, blocking};
use crate::web::error::ApiError;
use crate::workflow::query_subject::{self, QueryRequest};
use crate::workflow::{Platform, authorizations};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/queries", web::post().to(query))
        .route("/me/authorizations", web::get().to(list_authorizations))
        .route("/me/authorizations", web::post().to(grant_authorization))
        .route("/me/authorizations/{id}", web::delete().to(revoke_authorization));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryBody {
    subject_identifier: String,
    purpose: String,
    authorization_id: Option<String>,
}

/// The hot path holds no thread while it waits: authentication, the read and the access-log
/// entry all happen on the writer's thread (`query_subject::query_by_token`).
async fn query(
    platform: web::Data<Platform>,
    req: actix_web::HttpRequest,
    body: web::Json<QueryBody>,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req)?;
    let QueryBody { subject_identifier, purpose, authorization_id } = body.into_inner();
    let request = QueryRequest { subject_identifier, purpose, authorization_id };
    let answer = query_subject::query_by_token(&platform, token, request).await.map_err(ApiError)?;
    Ok(HttpResponse::Ok().json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantBody {
    organization_id: String,
    purpose: String,
    valid_until: String,
}

async fn grant_authorization(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    body: web::Json<GrantBody>,
) -> Result<HttpResponse, ApiError> {
    let GrantBody { organization_id, purpose, valid_until } = body.into_inner();
    let id =
        blocking(move || authorizations::grant(&platform, &actor, &organization_id, &purpose, &valid_until)).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

async fn list_authorizations(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = blocking(move || authorizations::list(&platform, &actor)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}

async fn revoke_authorization(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    blocking(move || authorizations::revoke(&platform, &actor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
