//! The JSON API under `/api/v1` (DESIGN §8). Handlers are thin: extract, parse into domain
//! types, call one workflow use case inside `blocking`, shape the answer.

mod admin;
pub(crate) mod audit;
mod audit_exports;
mod auth;
mod me;
mod objections;
mod queries;
mod records;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .configure(auth::configure)
            .configure(admin::configure)
            .configure(records::configure)
            .configure(me::configure)
            .configure(audit::configure)
            .configure(audit_exports::configure)
            .configure(queries::configure)
            .configure(objections::configure),
    );
}
