//! `/healthz` (the process answers), `/readyz` (database reachable, policies loaded),
//! `/metrics` (Prometheus text: counts only, no personal data; scrape it from the internal
//! network, like the probes).

use crate::web::auth::blocking;
use crate::workflow::Platform;
use actix_web::{HttpResponse, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

async fn readyz(platform: web::Data<Platform>) -> HttpResponse {
    let probe = platform.clone();
    let database = blocking(move || probe.db.ping().map_err(Into::into)).await.is_ok();
    let body = serde_json::json!({
        "status": if database { "ready" } else { "not_ready" },
        "database": database,
        "backend": platform.db.backend().as_str(),
        "policies": platform.policies.version,
    });
    if database { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

async fn metrics(platform: web::Data<Platform>) -> Result<HttpResponse, crate::web::error::ApiError> {
    let text = blocking(move || crate::workflow::metrics::render(&platform)).await?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text))
}
