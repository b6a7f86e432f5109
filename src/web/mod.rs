//! Web: the only layer that knows actix. `error.rs` is the only error -> HTTP mapping; `auth.rs`
//! turns bearer tokens into an `Actor`; `api/` is the JSON API; `health.rs` the probes; `ui/` the
//! server-rendered portal; `request_span.rs` what a request's log lines say about it.
//!
//! Contract: handlers parse input into domain types at the edge and call one workflow use case;
//! they hold no business rules and never touch storage or crypto directly.

pub mod api;
pub mod auth;
pub mod error;
pub mod health;
pub mod openapi;
pub mod request_span;
pub mod ui;

use actix_web::web;

/// Mounts every route; used by `app.rs` and by benchmarks.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(error::json_config())
        .app_data(error::path_config())
        .app_data(error::query_config())
        .configure(health::configure)
        .configure(openapi::configure)
        .configure(api::configure)
        .configure(ui::configure);
}
