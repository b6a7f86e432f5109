//! The compliance officers' portal under `/ui/officer` (DESIGN §6, §8): the access-log review
//! table with filters and pages (`log.rs`, `filter.rs`) and its CSV export (`export.rs`: one
//! subject's accesses); bulk exports, which need a second officer's approval (R-20,
//! `exports.rs`); the log's integrity: verification and signed checkpoints (`integrity.rs`);
//! objections awaiting an officer's re-review and the decision form (`reviews.rs`). Words live
//! in `text.rs`, those of the log's reason codes in `reason_words.rs`.
//!
//! Contract: the same as the rest of `/ui` (one workflow use case per handler, inside the
//! blocking hop that authenticates the session cookie; escaped askama pages with the security
//! headers; CSRF on every POST). The use cases are the JSON API's, so every officer read, export
//! and verification is logged exactly as through `/api/v1/audit/...`, and any other role gets the
//! 403 page (its attempt logged as denied where the API logs it).

mod export;
mod exports;
mod filter;
mod integrity;
mod log;
mod reason_words;
mod reviews;
mod text;

use actix_web::web;

/// The officer routes, inside the `/ui` scope.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officer", web::get().to(log::review))
        .route("/officer", web::post().to(log::review_posted))
        .route("/officer/export.csv", web::get().to(export::export))
        .route("/officer/export.csv", web::post().to(export::export_posted))
        .route("/officer/exports", web::get().to(exports::list))
        .route("/officer/exports", web::post().to(exports::request))
        .route("/officer/exports/{id}/approval", web::post().to(exports::approve))
        .route("/officer/exports/{id}/file.csv", web::post().to(exports::file))
        .route("/officer/integrity", web::get().to(integrity::checkpoints))
        .route("/officer/verify", web::get().to(integrity::checkpoints))
        .route("/officer/verify", web::post().to(integrity::verify))
        .route("/officer/reviews", web::get().to(reviews::list))
        .route("/officer/reviews/{id}", web::get().to(reviews::one))
        .route("/officer/reviews/{id}/decision", web::post().to(reviews::decide));
}
