//! Bearer-token authentication as an extractor: a handler that takes `Authenticated` runs only
//! for a live token of an enabled account. Missing or malformed headers are 401s in the shared
//! error shape.

use crate::web::error::ApiError;
use crate::workflow::{self, Actor, Platform, WorkflowError};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;

/// The authenticated actor of this request.
pub struct Authenticated(pub Actor);

/// The raw bearer token of the request, for logout.
pub fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or(
        ApiError(WorkflowError::Unauthenticated {
            code: "missing_token",
            message: "an Authorization: Bearer token is required",
        }),
    )?;
    let token = header.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty());
    token
        .map(str::to_owned)
        .ok_or(ApiError(WorkflowError::Unauthenticated { code: "invalid_token", message: "the token is not valid" }))
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let platform = req.app_data::<web::Data<Platform>>().cloned();
        Box::pin(async move {
            let token = token?;
            let platform = platform.ok_or_else(|| ApiError(WorkflowError::internal("platform not configured")))?;
            let actor = blocking(move || workflow::login::authenticate(&platform, &token)).await?;
            Ok(Authenticated(actor))
        })
    }
}

/// Runs blocking workflow code (diesel, argon2) off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WorkflowError> + Send + 'static,
) -> Result<T, ApiError> {
    web::block(f).await.map_err(|_| ApiError(WorkflowError::internal("blocking task was cancelled")))?.map_err(ApiError)
}
