//! The objection page's forms, each through `actions::act` (CSRF, session, one blocking hop)
//! into the use case the JSON API calls, so the rules and error codes are the API's:
//! `POST .../decision` -> `decide::decide`, `.../extension` -> `decide::extend`,
//! `.../pause` -> `pause::pause`. Success answers 303 back to the objection page with
//! `?done=`; a refusal answers the notice page with the workflow's message.
//!
//! The forms are read as name/value pairs into typed inputs here; text that must be a code or a
//! number is parsed inside the use-case closure so that a bad value is the workflow's 422.

use super::super::actions::act_then_show;
use super::objection_path;
use crate::domain::objection::DecisionOutcome;
use crate::workflow::objections::decide::{self, Decision, Extension};
use crate::workflow::objections::pause::{self, Pause};
use crate::workflow::{Platform, WorkflowError};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Map, Value};
use tracing_actix_web::RequestId;

/// Corrected values arrive as `field.<name>`; empty ones are left out (unchanged).
const FIELD_PREFIX: &str = "field.";

/// The decision form: `csrf`, `outcome`, `reason` and any number of `field.<name>` values.
struct DecisionForm {
    csrf: String,
    outcome: String,
    reason: String,
    fields: Map<String, Value>,
}

impl DecisionForm {
    fn read(pairs: Vec<(String, String)>) -> DecisionForm {
        let mut form =
            DecisionForm { csrf: String::new(), outcome: String::new(), reason: String::new(), fields: Map::new() };
        for (name, value) in pairs {
            match name.as_str() {
                "csrf" => form.csrf = value,
                "outcome" => form.outcome = value,
                "reason" => form.reason = value,
                _ => {
                    if let Some(field) = name.strip_prefix(FIELD_PREFIX)
                        && !value.trim().is_empty()
                    {
                        form.fields.insert(field.to_owned(), Value::String(value));
                    }
                }
            }
        }
        form
    }
}

#[derive(Deserialize)]
pub(super) struct ExtensionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    approval_reference: String,
    /// A checkbox: present ("on") when ticked.
    complex: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct PauseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    working_days: String,
}

pub(super) async fn decision(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let DecisionForm { csrf, outcome, reason, fields } = DecisionForm::read(form.into_inner());
    let objection = id.clone();
    act_then_show(&req, &platform, &csrf, &objection_path(&id), "decided", move |platform, actor| {
        let outcome: DecisionOutcome = outcome.parse().map_err(|e| WorkflowError::from_domain(e, "outcome"))?;
        // Like the API: no values means no `fields`; values with another outcome are refused.
        let fields = (!fields.is_empty()).then_some(fields);
        decide::decide(platform, actor, &request_id, &objection, Decision { outcome, reason, fields })
    })
    .await
}

pub(super) async fn extension(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<ExtensionForm>,
) -> HttpResponse {
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let ExtensionForm { csrf, reason, approval_reference, complex } = form.into_inner();
    let objection = id.clone();
    act_then_show(&req, &platform, &csrf, &objection_path(&id), "extended", move |platform, actor| {
        // An empty reference is no reference: the policy decides whether one is required.
        let approval_reference = (!approval_reference.trim().is_empty()).then_some(approval_reference);
        let extension = Extension { reason, approval_reference, complex: complex.is_some() };
        decide::extend(platform, actor, &request_id, &objection, extension)
    })
    .await
}

pub(super) async fn pause(
    req: HttpRequest,
    platform: web::Data<Platform>,
    request_id: RequestId,
    id: web::Path<String>,
    form: web::Form<PauseForm>,
) -> HttpResponse {
    let (id, request_id) = (id.into_inner(), request_id.to_string());
    let PauseForm { csrf, kind, reason, working_days } = form.into_inner();
    let objection = id.clone();
    act_then_show(&req, &platform, &csrf, &objection_path(&id), "paused", move |platform, actor| {
        let working_days: u32 = working_days.trim().parse().map_err(|_| {
            WorkflowError::invalid("invalid_value", Some("working_days"), "the working days are a whole number")
        })?;
        pause::pause(platform, actor, &request_id, &objection, Pause { kind, reason, working_days })
    })
    .await
}
