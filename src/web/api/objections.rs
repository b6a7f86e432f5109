//! Objections (DESIGN §7, §8): `POST /objections` (the subject files; evidence files as base64
//! in the JSON body), `GET /objections` (each role its own), `GET /objections/{id}` (timeline,
//! deadline, days left), `GET /objections/{id}/evidence/{evidence_id}`, and the transitions
//! `.../decision`, `.../extension`, `.../pause`, `.../withdraw`, `.../review`; plus the
//! subject's statement on a record, `POST /records/{id}/statement`.

use crate::domain::objection::{DecisionOutcome, ObjectionGround};
use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::objections::decide::{self, Decision, Extension};
use crate::workflow::objections::file::{self, EvidenceFile, MAX_EVIDENCE_TOTAL, NewObjection};
use crate::workflow::objections::pause::{self, Pause};
use crate::workflow::objections::{read, review};
use crate::workflow::{Platform, WorkflowError, record_statement};
use actix_web::{HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tracing_actix_web::RequestId;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Evidence travels as base64 inside JSON: room for the files at 4/3 their size, plus text.
    let filing_body = crate::web::error::json_config().limit(MAX_EVIDENCE_TOTAL / 3 * 4 + 64 * 1024);
    cfg.service(web::resource("/objections").app_data(filing_body).post(file_one).get(list))
        .route("/objections/{id}", web::get().to(get_one))
        .route("/objections/{id}/evidence/{evidence_id}", web::get().to(evidence))
        .route("/objections/{id}/decision", web::post().to(decision))
        .route("/objections/{id}/extension", web::post().to(extension))
        .route("/objections/{id}/pause", web::post().to(pause))
        .route("/objections/{id}/withdraw", web::post().to(withdraw))
        .route("/objections/{id}/review", web::post().to(review_one))
        .route("/records/{id}/statement", web::post().to(statement));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilingBody {
    record_id: String,
    ground: String,
    #[serde(default)]
    fields: Vec<String>,
    statement: String,
    #[serde(default)]
    evidence: Vec<EvidenceBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceBody {
    name: String,
    media_type: String,
    content_base64: String,
}

fn invalid(code: &'static str, field: &str, message: &str) -> ApiError {
    ApiError(WorkflowError::invalid(code, Some(field), message))
}

async fn file_one(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    body: web::Json<FilingBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ground: ObjectionGround = body.ground.parse().map_err(|e| ApiError(WorkflowError::from_domain(e, "ground")))?;
    let evidence = body
        .evidence
        .into_iter()
        .map(|e| {
            let content = STANDARD
                .decode(e.content_base64.trim())
                .map_err(|_| invalid("invalid_base64", "evidence", "content_base64 is not valid base64"))?;
            Ok(EvidenceFile { name: e.name, media_type: e.media_type, content })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let new =
        NewObjection { record_id: body.record_id, ground, fields: body.fields, statement: body.statement, evidence };
    let request_id = request_id.to_string();
    let filed = blocking(move || file::file(&platform, &actor, &request_id, new)).await?;
    Ok(HttpResponse::Created().json(filed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    /// The `next_cursor` of the previous page.
    after: Option<String>,
    limit: Option<i64>,
}

async fn list(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let ListQuery { status, after, limit } = query.into_inner();
    let page = blocking(move || read::list(&platform, &actor, status.as_deref(), after.as_deref(), limit)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn get_one(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let request_id = request_id.to_string();
    let view = blocking(move || read::get(&platform, &actor, &request_id, &id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn evidence(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, evidence_id) = path.into_inner();
    let request_id = request_id.to_string();
    let file = blocking(move || read::evidence(&platform, &actor, &request_id, &id, &evidence_id)).await?;
    Ok(HttpResponse::Ok().json(json!({
        "name": file.name, "media_type": file.media_type, "content_base64": STANDARD.encode(&file.content),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    outcome: String,
    reason: String,
    fields: Option<Map<String, Value>>,
}

fn outcome(text: &str, field: &str) -> Result<DecisionOutcome, ApiError> {
    text.parse().map_err(|e| ApiError(WorkflowError::from_domain(e, field)))
}

async fn decision(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
    body: web::Json<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let decision = Decision { outcome: outcome(&body.outcome, "outcome")?, reason: body.reason, fields: body.fields };
    let request_id = request_id.to_string();
    let changed = blocking(move || decide::decide(&platform, &actor, &request_id, &id, decision)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionBody {
    reason: String,
    approval_reference: Option<String>,
    #[serde(default)]
    complex: bool,
}

async fn extension(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
    body: web::Json<ExtensionBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let extension =
        Extension { reason: body.reason, approval_reference: body.approval_reference, complex: body.complex };
    let request_id = request_id.to_string();
    let changed = blocking(move || decide::extend(&platform, &actor, &request_id, &id, extension)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseBody {
    kind: String,
    reason: String,
    working_days: u32,
}

async fn pause(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
    body: web::Json<PauseBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let declared = Pause { kind: body.kind, reason: body.reason, working_days: body.working_days };
    let request_id = request_id.to_string();
    let changed = blocking(move || pause::pause(&platform, &actor, &request_id, &id, declared)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WithdrawBody {
    reason: Option<String>,
}

/// The body is optional: an empty POST withdraws without a reason.
fn optional_json<T: for<'de> Deserialize<'de> + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|_| {
        ApiError(WorkflowError::BadRequest {
            code: "invalid_body",
            message: "the request body does not have the expected fields and types".into(),
        })
    })
}

async fn withdraw(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), optional_json::<WithdrawBody>(&body)?);
    let request_id = request_id.to_string();
    let changed = blocking(move || review::withdraw(&platform, &actor, &request_id, &id, body.reason)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    decision: Option<String>,
    reason: Option<String>,
    fields: Option<Map<String, Value>>,
}

async fn review_one(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    request_id: RequestId,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), optional_json::<ReviewBody>(&body)?);
    let decision = body.decision.as_deref().map(|d| outcome(d, "decision")).transpose()?;
    let input = review::Review { decision, reason: body.reason, fields: body.fields };
    let request_id = request_id.to_string();
    let changed = blocking(move || review::review(&platform, &actor, &request_id, &id, input)).await?;
    Ok(HttpResponse::Ok().json(changed))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementBody {
    statement: String,
}

async fn statement(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    id: web::Path<String>,
    body: web::Json<StatementBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let stored = blocking(move || record_statement::put(&platform, &actor, &id, &body.statement)).await?;
    Ok(HttpResponse::Ok().json(stored))
}
