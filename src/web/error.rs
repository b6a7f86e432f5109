//! The only mapping from errors to HTTP. Every error answers
//! `{"error": {"code": "...", "message": "...", "field": "..."}}` (DESIGN §8). Internal causes
//! are logged with the request's span and replaced by an opaque message.

use crate::workflow::WorkflowError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A workflow error on its way out through HTTP.
#[derive(Debug)]
pub struct ApiError(pub WorkflowError);

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> Self {
        ApiError(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

pub fn status_of(error: &WorkflowError) -> StatusCode {
    match error {
        WorkflowError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
        WorkflowError::Forbidden { .. } => StatusCode::FORBIDDEN,
        WorkflowError::NotFound { .. } => StatusCode::NOT_FOUND,
        WorkflowError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        WorkflowError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        WorkflowError::Conflict { .. } => StatusCode::CONFLICT,
        WorkflowError::TooManyRequests | WorkflowError::LimitReached { .. } => StatusCode::TOO_MANY_REQUESTS,
        WorkflowError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        WorkflowError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        if let WorkflowError::Internal { cause } = &self.0 {
            tracing::error!(%cause, "request failed");
        }
        let field = match &self.0 {
            WorkflowError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        };
        let body = Body { error: Detail { code: self.0.code(), message: self.0.to_string(), field } };
        HttpResponse::build(self.status_code()).json(body)
    }
}

/// Malformed JSON bodies and paths answer in the same shape, without echoing the input
/// (serde's messages can quote the offending value).
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default().limit(256 * 1024).error_handler(|err, _req| {
        use actix_web::error::JsonPayloadError;
        let (code, message) = match &err {
            JsonPayloadError::ContentType => ("unsupported_content_type", "expected application/json"),
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ("payload_too_large", "the request body is too large")
            }
            JsonPayloadError::Deserialize(e) if e.is_data() => {
                ("invalid_body", "the request body does not have the expected fields and types")
            }
            _ => ("malformed_json", "the request body is not valid JSON"),
        };
        ApiError(WorkflowError::BadRequest { code, message: message.to_owned() }).into()
    })
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|_err, _req| ApiError(WorkflowError::NotFound { what: "resource" }).into())
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|_err, _req| {
        ApiError(WorkflowError::BadRequest {
            code: "invalid_query_string",
            message: "the query string has unknown or malformed parameters".to_owned(),
        })
        .into()
    })
}

/// Unknown routes answer the JSON error shape too.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError(WorkflowError::NotFound { what: "route" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_never_reach_the_body() {
        let response = ApiError(WorkflowError::internal("secret detail")).error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = actix_web::body::to_bytes(response.into_body());
        let body = futures_util::FutureExt::now_or_never(bytes).and_then(Result::ok).unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("internal_error"), "{text}");
        assert!(!text.contains("secret detail"), "{text}");
    }
}
