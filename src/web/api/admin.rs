//! Admin endpoints: organizations and accounts.

use crate::domain::{OrganizationKind, Role, SubjectKind};
use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::machine_tokens;
use crate::workflow::manage_accounts::{self, NewAccount};
use crate::workflow::{Platform, WorkflowError};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/organizations", web::post().to(create_organization))
        .route("/admin/organizations", web::get().to(list_organizations))
        .route("/admin/accounts", web::post().to(create_account))
        .route("/admin/accounts", web::get().to(list_staff_accounts))
        .route("/admin/accounts/{id}/disable", web::post().to(disable_account))
        .route("/admin/accounts/{id}/tokens", web::post().to(issue_machine_token));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationBody {
    name: String,
    kind: String,
}

fn parse<T: std::str::FromStr<Err = crate::domain::DomainError>>(raw: &str, field: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|e| ApiError(WorkflowError::from_domain(e, field)))
}

async fn create_organization(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    body: web::Json<OrganizationBody>,
) -> Result<HttpResponse, ApiError> {
    let OrganizationBody { name, kind } = body.into_inner();
    let kind: OrganizationKind = parse(&kind, "kind")?;
    let id = blocking(move || manage_accounts::create_organization(&platform, &actor, &name, kind)).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    after: Option<String>,
    limit: Option<i64>,
}

async fn list_organizations(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListQuery { after, limit } = query.into_inner();
    let page =
        blocking(move || manage_accounts::list_organizations(&platform, &actor, after.as_deref(), limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn list_staff_accounts(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListQuery { after, limit } = query.into_inner();
    let page =
        blocking(move || manage_accounts::list_staff_accounts(&platform, &actor, after.as_deref(), limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountBody {
    email: String,
    password: String,
    role: String,
    organization_id: Option<String>,
    subject_identifier: Option<String>,
    subject_kind: Option<String>,
    subject_name: Option<String>,
}

async fn create_account(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    body: web::Json<AccountBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let role: Role = parse(&body.role, "role")?;
    let subject_kind = body.subject_kind.as_deref().map(|k| parse::<SubjectKind>(k, "subject_kind")).transpose()?;
    let new = NewAccount {
        email: body.email,
        password: body.password,
        role,
        organization_id: body.organization_id,
        subject_identifier: body.subject_identifier,
        subject_kind,
        subject_name: body.subject_name,
    };
    let id = blocking(move || manage_accounts::create_account(&platform, &actor, new)).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

async fn disable_account(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    blocking(move || manage_accounts::disable_account(&platform, &actor, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MachineTokenBody {
    valid_days: i64,
}

/// 201 with the token, shown this once.
async fn issue_machine_token(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
    body: web::Json<MachineTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, days) = (id.into_inner(), body.valid_days);
    let issued = blocking(move || machine_tokens::issue(&platform, &actor, &id, days)).await?;
    let expires_at = issued.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(HttpResponse::Created().json(serde_json::json!({ "token": issued.token, "expires_at": expires_at })))
}
