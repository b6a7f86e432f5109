//! The requester portal under `/ui/requester` (DESIGN §5, §8): a clerk of a requesting
//! organization runs a purpose-bound query in a browser and reads the answer.
//!
//! Contract: the form offers only the purposes open to the requester's organization kind
//! (`query_subject::purposes_for`); the query itself is the JSON API's use case
//! (`query_subject::query`), so refusals carry the same codes, only the purpose's fields are
//! decrypted, and every query, refused or not, is in the access log before the page is sent.
//! The form is a CSRF-checked POST (`actions::act`) and nothing of it travels in a URL: a
//! subject's identifier must not reach access logs or browser history. A refusal is shown on
//! the page with its code and message; a failure (5xx, e.g. the log could not be written)
//! shows the notice page and discloses nothing. Another role's session gets the 403 page.

mod text;

use super::actions::act;
use super::catalogue_words::{labelled, type_name};
use super::guard::signed_in;
use super::labels::label;
use super::text::{Lang, Text};
use super::{Ctx, notice, page, session};
use crate::web::error::status_of;
use crate::workflow::query_subject::{self, PurposeChoice, QueryAnswer, QueryRequest};
use crate::workflow::{Platform, WorkflowError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use text::RequesterText;

/// Registers the requester portal's routes inside the `/ui` scope.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/requester", web::get().to(form)).route("/requester", web::post().to(run));
}

#[derive(Template)]
#[template(path = "ui/requester/query.html")]
struct QueryPage {
    lang: &'static str,
    t: &'static Text,
    r: &'static RequesterText,
    csrf: String,
    purposes: Vec<PurposeOption>,
    identifier: String,
    authorization_id: String,
    refusal: Option<(&'static str, String)>,
    answer: Option<AnswerView>,
}

struct PurposeOption {
    code: String,
    name: String,
    needs_authorization: bool,
    chosen: bool,
}

struct AnswerView {
    query_id: String,
    subject_id: Option<String>,
    records: Vec<RecordView>,
}

struct RecordView {
    type_name: String,
    category: String,
    version: i32,
    disputed: bool,
    fields: Vec<(String, String)>,
    statement: Option<String>,
}

#[derive(Deserialize)]
struct QueryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject_identifier: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    authorization_id: String,
}

/// What the page shows below the form, and what the form keeps filled in.
#[derive(Default)]
struct Shown {
    identifier: String,
    purpose: String,
    authorization_id: String,
    refusal: Option<(&'static str, String)>,
    answer: Option<AnswerView>,
}

async fn form(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    match signed_in(&req, &platform, query_subject::purposes_for).await {
        Ok((token, choices)) => render(&req, &platform, &ctx, &token, StatusCode::OK, choices, Shown::default()),
        Err(answer) => answer(&req, &ctx),
    }
}

async fn run(req: HttpRequest, platform: web::Data<Platform>, form: web::Form<QueryForm>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let QueryForm { csrf, subject_identifier, purpose, authorization_id } = form.into_inner();
    let authorization = Some(authorization_id.trim().to_owned()).filter(|id| !id.is_empty());
    let request = QueryRequest {
        subject_identifier: subject_identifier.clone(),
        purpose: purpose.clone(),
        authorization_id: authorization,
    };
    // The role check (`purposes_for`) refuses other roles before any query is made.
    let outcome = act(&req, &platform, &ctx, &csrf, move |platform, actor| {
        let choices = query_subject::purposes_for(platform, actor)?;
        Ok((choices, query_subject::query(platform, actor, request)))
    })
    .await;
    let (choices, answered) = match outcome {
        Ok(done) => done,
        Err(answer) => return answer,
    };
    let token = session::session_token(&req).unwrap_or_default();
    let mut shown = Shown { identifier: subject_identifier, purpose, authorization_id, ..Shown::default() };
    let status = match answered {
        Ok(answer) => {
            shown.answer = Some(answer_view(answer, &platform, ctx.lang));
            StatusCode::OK
        }
        Err(error) => {
            let status = status_of(&error);
            if status.is_server_error() {
                if let WorkflowError::Internal { cause } = &error {
                    tracing::error!(%cause, "portal query failed");
                }
                let t = ctx.t();
                return notice(&req, &ctx, status, t.error_title, t.failed, session::csrf_token(&platform, &token));
            }
            shown.refusal = Some((error.code(), error.to_string()));
            status
        }
    };
    render(&req, &platform, &ctx, &token, status, choices, shown)
}

fn render(
    req: &HttpRequest,
    platform: &Platform,
    ctx: &Ctx,
    token: &str,
    status: StatusCode,
    choices: Vec<PurposeChoice>,
    shown: Shown,
) -> HttpResponse {
    let purposes = choices
        .into_iter()
        .map(|c| PurposeOption {
            chosen: c.code == shown.purpose,
            name: if ctx.lang == Lang::En { c.name_en } else { c.name_zh },
            code: c.code,
            needs_authorization: c.requires_authorization,
        })
        .collect();
    let tpl = QueryPage {
        lang: ctx.code(),
        t: ctx.t(),
        r: RequesterText::of(ctx.lang),
        csrf: session::csrf_token(platform, token),
        purposes,
        identifier: shown.identifier,
        authorization_id: shown.authorization_id,
        refusal: shown.refusal,
        answer: shown.answer,
    };
    page(req, ctx, status, tpl.render(), Vec::new())
}

fn answer_view(answer: QueryAnswer, platform: &Platform, lang: Lang) -> AnswerView {
    let records = answer
        .records
        .into_iter()
        .map(|r| RecordView {
            type_name: type_name(platform, lang, &r.record_type),
            category: label(lang, &r.category),
            version: r.version,
            disputed: r.disputed,
            fields: labelled(platform, lang, &r.record_type, r.fields),
            statement: r.statement,
        })
        .collect();
    AnswerView { query_id: answer.query_id, subject_id: answer.subject.id, records }
}
