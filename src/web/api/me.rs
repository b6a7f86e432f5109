//! The subject's own view: `GET /me/records` (all records, all fields, all versions; free and
//! unlimited), `GET /me/access-log` (who accessed them) and the formal report (`POST /me/reports`
//! issues one, two free per calendar year; `GET /me/reports` lists this year's and what is left).

use crate::web::auth::{Authenticated, blocking};
use crate::web::error::ApiError;
use crate::workflow::{Platform, formal_report, my_access_log as access_log, read_records};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/records", web::get().to(my_records))
        .route("/me/access-log", web::get().to(my_access_log))
        .route("/me/reports", web::post().to(issue_report))
        .route("/me/reports", web::get().to(my_reports));
}

async fn my_records(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let items = blocking(move || read_records::my_records(&platform, &actor)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cursor {
    cursor: Option<String>,
}

async fn my_access_log(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    query: web::Query<Cursor>,
) -> Result<HttpResponse, ApiError> {
    let cursor = query.into_inner().cursor;
    let page = blocking(move || access_log::my_access_log(&platform, &actor, cursor.as_deref())).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// `?expected_number=N`: the `next_number` the client read from `GET /me/reports`; a retried
/// request then answers 409 `report_already_issued` instead of spending another free report.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueParams {
    expected_number: Option<i32>,
}

async fn issue_report(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
    params: web::Query<IssueParams>,
) -> Result<HttpResponse, ApiError> {
    let expected = params.into_inner().expected_number;
    let report = blocking(move || formal_report::issue(&platform, &actor, expected)).await?;
    Ok(HttpResponse::Created().json(report))
}

async fn my_reports(
    platform: web::Data<Platform>,
    Authenticated(actor): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let list = blocking(move || formal_report::list(&platform, &actor)).await?;
    Ok(HttpResponse::Ok().json(list))
}
