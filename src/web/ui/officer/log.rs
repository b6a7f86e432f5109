//! `/ui/officer`: the access-log review table, through `audit_review::search_named`, which logs
//! the officer's read exactly like `GET /api/v1/audit/entries` (the export is `export.rs` when
//! the filter names a subject, the request of a bulk export, `exports.rs`, when it does not).
//!
//! The page answers a GET with the filter in the query string and a POST of the filter form,
//! which carries the CSRF token and keeps a typed subject identifier out of every URL
//! (`filter.rs`). A filter the workflow refuses is shown on the page with its message and status
//! (422), after the role check, so other roles still get 403.
//!
//! The table is for people: disclosed fields by their catalogue labels in the page language
//! (the subjects' words, `catalogue_words`; the codes in the cell's `title`), reason codes in
//! words (`reason_words.rs`) with the code beside them. The CSV export and the API keep codes.

use super::super::catalogue_words::entry_fields;
use super::super::guard::signed_in;
use super::super::session;
use super::super::text::{Lang, Text};
use super::super::{Ctx, page};
use super::filter::{Filter, csrf_refused, from_query, query_of};
use super::reason_words::reason_words;
use super::text::OfficerText;
use crate::domain::Role;
use crate::web::error::status_of;
use crate::workflow::audit_review::{self, EntryView, NamedPage};
use crate::workflow::{Actor, Platform, WorkflowError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;
use tracing_actix_web::RequestId;

#[derive(Template)]
#[template(path = "ui/officer/access_log.html")]
struct LogPage {
    lang: &'static str,
    t: &'static Text,
    o: &'static OfficerText,
    csrf: String,
    filter: Filter,
    purposes: Vec<Choice>,
    organizations: Vec<Choice>,
    kinds: Vec<Choice>,
    error: Option<String>,
    rows: Vec<Row>,
    next: Option<Onward>,
    /// The filter as hidden fields of the export form: the direct CSV export when it names a
    /// subject, the request of a bulk export (four eyes, `exports.rs`) when it does not.
    export: Vec<(&'static str, String)>,
}

/// An option of a `<select>`.
struct Choice {
    code: String,
    name: String,
    selected: bool,
}

/// Where a button leads with the current filter: a plain link, or (when the filter holds a
/// subject identifier) a form posted with `hidden` fields and the CSRF token.
struct Onward {
    href: Option<String>,
    hidden: Vec<(&'static str, String)>,
}

impl Onward {
    fn to(path: &str, filter: &Filter, cursor: Option<&str>) -> Onward {
        if filter.needs_post() {
            Onward { href: None, hidden: filter.pairs(cursor) }
        } else {
            Onward { href: Some(format!("{path}{}", filter.query_string(cursor))), hidden: Vec::new() }
        }
    }
}

struct Row {
    sequence: i64,
    at: String,
    organization: String,
    actor: String,
    action: String,
    purpose: String,
    subject: String,
    denied: bool,
    reason: Option<Reason>,
    /// The disclosed fields by their catalogue labels (`catalogue_words::entry_fields`).
    fields: String,
    /// The same fields as the entry's codes, as the CSV export and the API give them.
    field_codes: String,
}

/// An entry's reason code and, when it has them, its words (`reason_words.rs`).
struct Reason {
    code: String,
    words: Option<String>,
}

/// Runs `use_case` with the parsed query; a refused filter (or query) comes back as `Ok(Err)`
/// so the page can show its message, once the actor is known to be an officer.
pub(super) fn run_showing_refusals<T>(
    query: Result<audit_review::EntryQuery, WorkflowError>,
    platform: &Platform,
    actor: &Actor,
    use_case: impl FnOnce(&Platform, &Actor, audit_review::EntryQuery) -> Result<T, WorkflowError>,
) -> Result<Result<T, WorkflowError>, WorkflowError> {
    match query {
        Ok(query) => shown(actor, use_case(platform, actor, query)),
        Err(refused) => shown(actor, Err(refused)),
    }
}

/// Splits a use case's outcome for an officer's page: a refusal written for the officer (a bad
/// filter, an export that needs a second officer, an approval of one's own request...) comes
/// back as `Ok(Err)` to be shown with its message. Another role's attempt stays an `Err`, so
/// `signed_in` answers the plain 403 page (the use case has logged it), as do an expired
/// session and internal failures, whose details are not for the page.
pub(super) fn shown<T>(
    actor: &Actor,
    outcome: Result<T, WorkflowError>,
) -> Result<Result<T, WorkflowError>, WorkflowError> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(
            failed @ (WorkflowError::Unauthenticated { .. }
            | WorkflowError::Internal { .. }
            | WorkflowError::Unavailable { .. }),
        ) => Err(failed),
        Err(refused) => actor.require(&[Role::Officer]).map(|_| Err(refused)),
    }
}

pub(super) async fn review(req: HttpRequest, platform: web::Data<Platform>, request_id: RequestId) -> HttpResponse {
    let filter = from_query(&req);
    show(&req, &platform, request_id.to_string(), filter).await
}

pub(super) async fn review_posted(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    form: web::Form<Filter>,
) -> HttpResponse {
    let filter = form.into_inner();
    if let Some(refused) = csrf_refused(&req, &platform, &Ctx::of(&req), &filter) {
        return refused;
    }
    show(&req, &platform, request_id.to_string(), Some(filter)).await
}

async fn show(
    req: &HttpRequest,
    platform: &web::Data<Platform>,
    request_id: String,
    filter: Option<Filter>,
) -> HttpResponse {
    let ctx = Ctx::of(req);
    let query = query_of(filter.as_ref());
    let outcome = signed_in(req, platform, move |platform, actor| {
        let found = run_showing_refusals(query, platform, actor, |platform, actor, query| {
            audit_review::search_named(platform, actor, &request_id, query)
        })?;
        Ok((audit_review::organization_choices(platform, actor)?, found))
    })
    .await;
    let (token, (organizations, result)) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(req, &ctx),
    };
    let filter = filter.unwrap_or_default();
    let (status, error, found) = match result {
        Ok(found) => (StatusCode::OK, None, Some(found)),
        Err(refused) => (status_of(&refused), Some(refused.to_string()), None),
    };
    let (rows, next_cursor) = match found {
        Some(NamedPage { page, organization_names }) => {
            let rows = page.items.into_iter().map(|e| row(e, &organization_names, platform, &ctx)).collect();
            (rows, page.next_cursor)
        }
        None => (Vec::new(), None),
    };
    let o = OfficerText::of(ctx.lang);
    let tpl = LogPage {
        lang: ctx.code(),
        t: ctx.t(),
        o,
        csrf: session::csrf_token(platform, &token),
        purposes: purposes(platform, ctx.lang, &filter.purpose),
        organizations: organizations
            .into_iter()
            .map(|(id, name)| Choice { selected: id == filter.organization_id.trim(), code: id, name })
            .collect(),
        kinds: o
            .subject_kinds
            .iter()
            .map(|(code, name)| Choice {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                selected: filter.subject_kind == *code,
            })
            .collect(),
        error,
        rows,
        next: next_cursor.as_deref().map(|cursor| Onward::to("/ui/officer", &filter, Some(cursor))),
        export: filter.pairs(None),
        filter,
    };
    page(req, &ctx, status, tpl.render(), Vec::new())
}

fn purposes(platform: &Platform, lang: Lang, chosen: &str) -> Vec<Choice> {
    platform
        .policies
        .purposes
        .iter()
        .map(|p| Choice {
            code: p.code.clone(),
            name: purpose_name(platform, lang, &p.code),
            selected: p.code == chosen,
        })
        .collect()
}

/// A purpose's name in the page language, or its code when the policy does not know it.
pub(super) fn purpose_name(platform: &Platform, lang: Lang, code: &str) -> String {
    let name = platform.policies.purposes.get(code).map(|p| if lang == Lang::En { &p.names.en } else { &p.names.zh });
    match name {
        Some(name) if !name.is_empty() => name.clone(),
        _ => code.to_owned(),
    }
}

fn row(e: EntryView, names: &HashMap<String, String>, platform: &Platform, ctx: &Ctx) -> Row {
    let o = OfficerText::of(ctx.lang);
    let organization = match &e.organization_id {
        Some(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
        None => String::new(),
    };
    let actor = match &e.actor_account_id {
        Some(account) => format!("{account} ({})", e.role),
        None => ctx.t().platform.to_owned(),
    };
    Row {
        sequence: e.sequence,
        at: e.at,
        organization,
        actor,
        action: o.code(e.action),
        purpose: e.purpose.as_deref().map(|code| purpose_name(platform, ctx.lang, code)).unwrap_or_default(),
        subject: e.subject_id.unwrap_or_default(),
        denied: e.decision != "allowed",
        reason: e.reason_code.map(|code| Reason { words: reason_words(ctx.lang, &code), code }),
        fields: entry_fields(platform, ctx.lang, &e.fields),
        field_codes: e.fields.join(", "),
    }
}
