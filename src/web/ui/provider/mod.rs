//! The provider portal under `/ui/provider` (DESIGN §7, §8): a provider's staff work the
//! objections against their organization's records in a browser. `inbox.rs` is the landing page
//! (open objections by due date, a few recent records), `objection.rs` one objection with its
//! timeline and the subject's statement, `evidence.rs` its evidence files as downloads, `forms.rs`
//! the decision, extension and clock-pause forms, `record.rs` one record with every version,
//! `text.rs` the words.
//!
//! Contract: every page and form goes through the subject portal's machinery (`guard::signed_in`,
//! `actions::act`, `page`, `see_other`), so sessions, CSRF, security headers and the mapping of
//! workflow errors are the same; each handler calls the same workflow use case as the JSON API.
//! Another organization's objection answers the 404 page, another role's session the 403 page.

mod evidence;
mod forms;
mod inbox;
mod objection;
mod record;
mod text;

use actix_web::{HttpRequest, web};
use text::ProviderText;

/// Registers the provider portal's routes inside the `/ui` scope.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/provider", web::get().to(inbox::page))
        .route("/provider/objections/{id}", web::get().to(objection::page))
        .route("/provider/records/{id}", web::get().to(record::page))
        .route("/provider/objections/{id}/decision", web::post().to(forms::decision))
        .route("/provider/objections/{id}/extension", web::post().to(forms::extension))
        .route("/provider/objections/{id}/pause", web::post().to(forms::pause))
        .route("/provider/objections/{id}/evidence/{evidence_id}", web::get().to(evidence::download));
}

/// The page of objection `id` (where its forms send the clerk back).
fn objection_path(id: &str) -> String {
    format!("/ui/provider/objections/{id}")
}

/// The success message `?done=` asks for, if it names one of this portal's actions.
fn flash(req: &HttpRequest, p: &'static ProviderText) -> Option<&'static str> {
    Some(match super::actions::done_action(req)?.as_str() {
        "decided" => p.done_decided,
        "extended" => p.done_extended,
        "paused" => p.done_paused,
        _ => return None,
    })
}
