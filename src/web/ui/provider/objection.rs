//! `GET /ui/provider/objections/{id}`: one objection as `objections::inbox::objection` (the
//! provider-only `read::get`; an access-log entry, as the statement and notes are personal data)
//! returns it, with its timeline, the subject's statement and evidence names, and the forms that
//! apply in its status.
//! Whether a form is shown is only a convenience: the use cases behind them decide.

use super::super::catalogue_words::{field_label, field_value, type_name};
use super::super::guard::signed_in;
use super::super::labels::label;
use super::super::objections::ground_label;
use super::super::text::Text;
use super::super::{Ctx, page as render, session};
use super::text::ProviderText;
use super::{flash, objection_path};
use crate::workflow::Platform;
use crate::workflow::objections::inbox::{self, Opened};
use crate::workflow::objections::read::EvidenceView;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use tracing_actix_web::RequestId;

#[derive(Template)]
#[template(path = "ui/provider/objection.html")]
struct ObjectionPage {
    lang: &'static str,
    t: &'static Text,
    p: &'static ProviderText,
    csrf: String,
    flash: Option<&'static str>,
    action: String,
    type_name: String,
    record_id: String,
    record_version: i32,
    status: String,
    ground: String,
    /// The contested fields' labels, for the summary.
    contested: String,
    /// Each contested field's (code, label, what the record holds now or `not_recorded`); the
    /// code names the decision form's inputs.
    recorded: Vec<(String, String, String)>,
    statement: String,
    filed_on: String,
    due_on: String,
    days_left: Option<i64>,
    outcome: String,
    evidence: Vec<EvidenceView>,
    events: Vec<Event>,
    decidable: bool,
    extendable: bool,
    pausable: bool,
}

struct Event {
    at: String,
    kind: String,
    actor: String,
    status: String,
    note: String,
}

pub(super) async fn page(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let outcome =
        signed_in(&req, &platform, move |platform, actor| inbox::objection(platform, actor, &request_id, &id)).await;
    let (token, Opened { view, record_type, mut recorded }) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let (t, p, lang) = (ctx.t(), ProviderText::of(ctx.lang), ctx.lang);
    let with_provider = view.status == "with_provider";
    let contested: Vec<(String, String, String)> = view
        .fields
        .iter()
        .map(|f| {
            let now = match recorded.remove(f) {
                Some(value) => field_value(&platform, lang, &record_type, f, value),
                None => p.not_recorded.to_owned(),
            };
            (f.clone(), field_label(&platform, lang, &record_type, f), now)
        })
        .collect();
    let tpl = ObjectionPage {
        lang: ctx.code(),
        t,
        p,
        csrf: session::csrf_token(&platform, &token),
        flash: flash(&req, p),
        action: objection_path(&view.id),
        type_name: type_name(&platform, lang, &record_type),
        status: label(lang, &view.status),
        ground: ground_label(t, &view.ground).to_owned(),
        decidable: with_provider || view.status == "overdue",
        extendable: with_provider && !view.extension_used,
        pausable: with_provider,
        contested: contested.iter().map(|(_, l, _)| l.as_str()).collect::<Vec<_>>().join("、"),
        recorded: contested,
        record_id: view.record_id,
        record_version: view.record_version,
        statement: view.statement,
        filed_on: view.filed_on,
        due_on: view.due_on.unwrap_or_default(),
        days_left: view.days_left,
        outcome: view.outcome.map(|o| label(lang, &o)).unwrap_or_default(),
        evidence: view.evidence,
        events: view
            .events
            .into_iter()
            .map(|e| Event {
                kind: label(lang, &e.kind),
                actor: p.role(&e.actor_role),
                status: label(lang, &e.status),
                note: e.note.unwrap_or_default(),
                at: e.at,
            })
            .collect(),
    };
    render(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}
