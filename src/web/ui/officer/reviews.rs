//! Re-reviews (复核): `GET /ui/officer/reviews` lists the objections whose subject asked for one
//! (`objections::read::list`, status `review_requested`; nothing decrypted, not logged, like
//! `GET /api/v1/objections`); `GET /ui/officer/reviews/{id}` opens one (`read::get`, logged as
//! an officer read like `GET /api/v1/objections/{id}`) with the decision form, which `POST
//! .../decision` (CSRF) sends to `objections::review::review`, the use case of `POST
//! /api/v1/objections/{id}/review`.
//!
//! The objection use cases serve subjects and providers too (their own objections), so these
//! pages require the officer role first: another role gets the 403 page, never its own data
//! under an officer's address. Corrected values are typed as `name = value` lines and sent as
//! strings, as the API's JSON would carry them; the workflow validates them.

use super::super::actions::{act_then_show, done_action};
use super::super::guard::signed_in;
use super::super::labels::label;
use super::super::objections::ground_label;
use super::super::text::Text;
use super::super::{Ctx, page, session};
use super::text::OfficerText;
use crate::domain::Role;
use crate::domain::objection::DecisionOutcome;
use crate::workflow::objections::{read, review};
use crate::workflow::{Actor, Platform, WorkflowError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::{Map, Value};
use tracing_actix_web::RequestId;

const LIST: &str = "/ui/officer/reviews";

/// Objections listed at once (the oldest re-reviews are the most urgent and come first).
const LISTED: i64 = 200;

#[derive(Template)]
#[template(path = "ui/officer/reviews.html")]
struct ReviewsPage {
    lang: &'static str,
    t: &'static Text,
    o: &'static OfficerText,
    csrf: String,
    flash: Option<&'static str>,
    rows: Vec<read::ObjectionSummary>,
}

#[derive(Template)]
#[template(path = "ui/officer/review.html")]
struct ReviewPage {
    lang: &'static str,
    t: &'static Text,
    o: &'static OfficerText,
    csrf: String,
    objection: read::ObjectionView,
    ground: &'static str,
    status: String,
    events: Vec<read::EventView>,
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    fields: String,
}

fn officer(actor: &Actor) -> Result<(), WorkflowError> {
    actor.require(&[Role::Officer]).map(|_| ())
}

pub(super) async fn list(req: HttpRequest, platform: web::Data<Platform>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let outcome = signed_in(&req, &platform, |platform, actor| {
        officer(actor)?;
        read::list(platform, actor, Some("review_requested"), None, Some(LISTED))
    })
    .await;
    let (token, found) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let o = OfficerText::of(ctx.lang);
    let tpl = ReviewsPage {
        lang: ctx.code(),
        t: ctx.t(),
        o,
        csrf: session::csrf_token(&platform, &token),
        flash: flash(&req, o),
        rows: found.items,
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// The message `?done=decided` asks for (the only one this portal sends).
fn flash(req: &HttpRequest, o: &'static OfficerText) -> Option<&'static str> {
    (done_action(req)? == "decided").then_some(o.done_decided)
}

pub(super) async fn one(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let outcome = signed_in(&req, &platform, move |platform, actor| {
        officer(actor)?;
        read::get(platform, actor, &request_id, &id)
    })
    .await;
    let (token, mut objection) = match outcome {
        Ok(found) => found,
        Err(answer) => return answer(&req, &ctx),
    };
    let t = ctx.t();
    let events = std::mem::take(&mut objection.events)
        .into_iter()
        .map(|e| read::EventView { kind: label(ctx.lang, &e.kind), status: label(ctx.lang, &e.status), ..e })
        .collect();
    let tpl = ReviewPage {
        lang: ctx.code(),
        t,
        o: OfficerText::of(ctx.lang),
        csrf: session::csrf_token(&platform, &token),
        ground: ground_label(t, &objection.ground),
        status: label(ctx.lang, &objection.status),
        events,
        objection,
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

pub(super) async fn decide(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> HttpResponse {
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let DecisionForm { csrf, decision, reason, fields } = form.into_inner();
    act_then_show(&req, &platform, &csrf, LIST, "decided", move |platform, actor| {
        officer(actor)?;
        let input = review::Review {
            decision: Some(
                decision.trim().parse::<DecisionOutcome>().map_err(|e| WorkflowError::from_domain(e, "decision"))?,
            ),
            reason: Some(reason),
            fields: corrected_fields(&fields)?,
        };
        review::review(platform, actor, &request_id, &id, input)
    })
    .await
}

/// `name = value` lines as the API's `fields` object; blank input means no fields.
fn corrected_fields(text: &str) -> Result<Option<Map<String, Value>>, WorkflowError> {
    let mut fields = Map::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once('=') else {
            let message = "write each corrected field as: name = value";
            return Err(WorkflowError::invalid("invalid_fields", Some("fields"), message));
        };
        fields.insert(name.trim().to_owned(), Value::String(value.trim().to_owned()));
    }
    Ok((!fields.is_empty()).then_some(fields))
}

#[cfg(test)]
mod tests {
    use super::corrected_fields;

    #[test]
    fn corrected_fields_are_name_value_lines() {
        let fields = corrected_fields(" fine_amount = 500.00 \n\n note=a=b ").expect("valid").expect("some");
        assert_eq!(fields["fine_amount"], "500.00");
        assert_eq!(fields["note"], "a=b");
        assert!(corrected_fields("  \n ").expect("valid").is_none());
        assert!(corrected_fields("no equals sign").is_err());
    }
}
