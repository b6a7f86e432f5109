//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the JSON API, built from one table
//! of operations (method, path, who may call it, what it does, its body's fields, its answers).
//! A test calls every documented operation to prove each path exists; keep the table in step
//! with `api/`.

use actix_web::{HttpResponse, web};
use serde_json::{Map, Value, json};

/// One operation: method, path under `/api/v1`, roles, summary, required body fields, and the
/// success status.
struct Operation {
    method: &'static str,
    path: &'static str,
    roles: &'static str,
    summary: &'static str,
    body: &'static [&'static str],
    success: u16,
}

const fn op(
    method: &'static str,
    path: &'static str,
    roles: &'static str,
    summary: &'static str,
    body: &'static [&'static str],
    success: u16,
) -> Operation {
    Operation { method, path, roles, summary, body, success }
}

const OPERATIONS: &[Operation] = &[
    op("post", "/auth/login", "anyone", "Log in; returns {token, role, expires_at}", &["email", "password"], 200),
    op("post", "/auth/logout", "any account", "Revoke the bearer token", &[], 204),
    op("post", "/admin/organizations", "admin", "Create an organization {name, kind}", &["name", "kind"], 201),
    op("get", "/admin/organizations", "admin, officer", "List organizations", &[], 200),
    op("post", "/admin/accounts", "admin", "Create an account with one role", &["email", "password", "role"], 201),
    op("get", "/admin/accounts", "admin", "List staff accounts (not subjects'), e-mail opened", &[], 200),
    op("post", "/admin/accounts/{id}/disable", "admin", "Disable an account (its tokens stop working)", &[], 204),
    op(
        "post",
        "/admin/accounts/{id}/tokens",
        "admin",
        "Issue a long-lived token for an organization's system, answered once (1..366 days)",
        &["valid_days"],
        201,
    ),
    op(
        "post",
        "/records",
        "provider",
        "Submit one record; 201 {id, version, status, disclose_until}",
        &["record_type", "subject", "fields", "source_document"],
        201,
    ),
    op(
        "post",
        "/records/batch",
        "provider",
        "Submit NDJSON lines; streamed per-line report {line, id | error}",
        &[],
        200,
    ),
    op("get", "/records", "provider", "The provider's own records (no decryption)", &[], 200),
    op("get", "/records/{id}", "provider (own), officer", "A record with every version (logged read)", &[], 200),
    op(
        "patch",
        "/records/{id}",
        "provider (own)",
        "Correct: a new version with the reason",
        &["fields", "reason"],
        200,
    ),
    op(
        "post",
        "/records/{id}/revoke",
        "provider (own)",
        "Revoke with the revoking document; a tombstone stays",
        &["source_document", "reason"],
        200,
    ),
    op(
        "post",
        "/records/{id}/statement",
        "subject (own record)",
        "Attach the subject's statement (<= 500 characters)",
        &["statement"],
        200,
    ),
    op(
        "post",
        "/queries",
        "requester",
        "Purpose-bound query; only allowed fields, logged before the answer",
        &["subject_identifier", "purpose"],
        200,
    ),
    op("get", "/me/records", "subject", "All own records, all fields and versions (logged self-view)", &[], 200),
    op("get", "/me/access-log", "subject", "Who accessed my data: organization, time, purpose, fields", &[], 200),
    op("get", "/me/authorizations", "subject", "My query authorizations", &[], 200),
    op(
        "post",
        "/me/authorizations",
        "subject",
        "Authorize an organization for one purpose until a date",
        &["organization_id", "purpose", "valid_until"],
        201,
    ),
    op("delete", "/me/authorizations/{id}", "subject", "Revoke an authorization", &[], 204),
    op(
        "post",
        "/me/reports",
        "subject",
        "Issue a formal credit report (a logged disclosure): records as in /me/records plus the query \
         history; 2 free per calendar year, the 3rd is 429 yearly_report_limit; optional \
         ?expected_number= (next_number of GET) makes a retry answer 409 report_already_issued",
        &[],
        201,
    ),
    op(
        "get",
        "/me/reports",
        "subject",
        "This year's formal reports, free_reports_left_this_year and next_number",
        &[],
        200,
    ),
    op(
        "post",
        "/objections",
        "subject",
        "Object to an entry; 201 {id, status, due_on}",
        &["record_id", "ground", "fields", "statement"],
        201,
    ),
    op("get", "/objections", "subject, provider, officer", "Objections in the caller's scope", &[], 200),
    op(
        "get",
        "/objections/{id}",
        "subject, provider, officer",
        "An objection's timeline, deadline and days left",
        &[],
        200,
    ),
    op(
        "get",
        "/objections/{id}/evidence/{evidence_id}",
        "subject, provider, officer",
        "One evidence file (logged read)",
        &[],
        200,
    ),
    op(
        "post",
        "/objections/{id}/decision",
        "provider",
        "Decide: upheld | corrected | withdrawn | unverifiable",
        &["outcome", "reason"],
        200,
    ),
    op(
        "post",
        "/objections/{id}/extension",
        "provider",
        "Extend once, with reason and approval reference",
        &["reason", "approval_reference"],
        200,
    ),
    op(
        "post",
        "/objections/{id}/pause",
        "provider",
        "Declare time not counted (inspection | testing | quarantine | appraisal | expert_review)",
        &["kind", "reason", "working_days"],
        200,
    ),
    op("post", "/objections/{id}/withdraw", "subject", "Withdraw the objection", &[], 200),
    op("post", "/objections/{id}/review", "subject (ask), officer (decide)", "Ask for or decide a re-review", &[], 200),
    op("get", "/audit/entries", "officer", "Search the access log (filters, cursor)", &[], 200),
    op("get", "/audit/export.csv", "officer", "Export one subject's access-log entries as CSV (streamed)", &[], 200),
    op("post", "/audit/exports", "officer", "Ask for a bulk export (a second officer must approve)", &[], 201),
    op("get", "/audit/exports", "officer", "The latest bulk export requests and their status", &[], 200),
    op("post", "/audit/exports/{id}/approval", "officer", "Approve another officer's bulk export", &[], 200),
    op("get", "/audit/exports/{id}/file.csv", "officer", "Take an approved bulk export, once, within a day", &[], 200),
    op("get", "/audit/verify", "officer", "Verify the MAC chain and checkpoints", &[], 200),
    op("get", "/audit/checkpoints", "officer", "Signed checkpoints of the access log", &[], 200),
    op("get", "/audit/public-key", "anyone", "The Ed25519 key that verifies checkpoints", &[], 200),
];

/// Every documented `(method, path)`, for the test that proves each exists.
pub fn documented() -> impl Iterator<Item = (&'static str, &'static str)> {
    OPERATIONS.iter().map(|o| (o.method, o.path))
}

fn operation(o: &Operation) -> Value {
    let mut responses = Map::new();
    responses.insert(o.success.to_string(), json!({ "description": "success" }));
    for (code, what) in [
        ("400", "malformed request"),
        ("401", "no valid token"),
        ("403", "role, purpose or authorization refused (reason code)"),
        ("404", "not found, or not yours"),
        ("409", "conflict with the current state"),
        ("422", "invalid input (code and field)"),
        ("429", "too many attempts, or a yearly free allowance used up (the message says when it returns)"),
        ("503", "database or access log unavailable: nothing disclosed"),
    ] {
        responses.insert(
            code.into(),
            json!({ "description": what, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    let mut value = json!({
        "summary": o.summary,
        "description": format!("Who may call it: {}.", o.roles),
        "security": if o.path == "/auth/login" || o.path == "/audit/public-key" { json!([]) } else { json!([{ "bearer": [] }]) },
        "responses": responses,
    });
    if !o.body.is_empty() {
        value["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "type": "object", "required": o.body } } },
        });
    }
    value
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for o in OPERATIONS {
        let entry = paths.entry(format!("/api/v1{}", o.path)).or_insert_with(|| json!({}));
        entry[o.method] = operation(o);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Municipal public credit information platform",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Purpose-bound queries, a tamper-evident access log, objections with working-day deadlines.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": { "Error": {
                "type": "object",
                "required": ["error"],
                "properties": { "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string", "description": "stable snake_case reason" },
                        "message": { "type": "string" },
                        "field": { "type": "string" },
                    },
                } },
            } },
        },
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(|| async { HttpResponse::Ok().json(document()) }));
}
