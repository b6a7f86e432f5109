//! The subject's own view: `GET /me/records` (all records, all fields, all versions; free and
//! unlimited).

use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::{Platform, read_records};
use actix_web::{HttpResponse, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/records", web::get().to(my_records));
}

async fn my_records(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = blocking(move || read_records::my_records(&platform, &actor)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}
