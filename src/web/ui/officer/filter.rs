//! The access-log filter of `/ui/officer` and its CSV export, as typed by an officer: every
//! field is text (an empty field means "any"), parsed here into the workflow's `EntryQuery`.
//!
//! Contract: nothing a request sends can panic; a value that cannot be used is the workflow's
//! `Invalid` error naming the field (never quoting the input). Times are accepted as RFC 3339 or
//! as the `YYYY-MM-DDTHH:MM[:SS]` a browser's date-time field sends, read as the platform's
//! local time (Asia/Shanghai, the time the pages show). A subject's
//! identifier is personal data: pages carry it only in form bodies, never in a URL
//! (`needs_post`), so it cannot reach access logs or browser history through an address.
//! A filter arrives in a GET's query string (`from_query`) or a form posted with the session's
//! CSRF token (`csrf_refused`).

use super::super::session;
use super::super::{Ctx, notice};
use crate::workflow::audit_review::{self, EntryQuery};
use crate::workflow::{Platform, WorkflowError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

/// Entries per page of the review table.
const PAGE_SIZE: i64 = 50;

/// Longest value any filter field takes (ids, codes, identifiers are all far shorter).
const MAX_FIELD_CHARS: usize = 128;

/// The filter as sent by the page's forms and links; unknown keys (`lang`, `csrf`) are ignored.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct Filter {
    pub from: String,
    pub to: String,
    pub organization_id: String,
    pub purpose: String,
    pub decision: String,
    pub subject_identifier: String,
    pub subject_kind: String,
    pub cursor: String,
    /// Only in the forms posted with a subject's identifier; never part of the filter.
    pub csrf: String,
}

impl Filter {
    /// The filter's fields by name, the cursor aside.
    fn named(&self) -> [(&'static str, &String); 7] {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("organization_id", &self.organization_id),
            ("purpose", &self.purpose),
            ("decision", &self.decision),
            ("subject_identifier", &self.subject_identifier),
            ("subject_kind", &self.subject_kind),
        ]
    }

    /// The workflow's query for this filter (one page of `PAGE_SIZE`).
    pub fn to_query(&self) -> Result<EntryQuery, WorkflowError> {
        let cursor = ("cursor", &self.cursor);
        if let Some((name, _)) =
            self.named().into_iter().chain([cursor]).find(|(_, value)| value.chars().count() > MAX_FIELD_CHARS)
        {
            return Err(WorkflowError::invalid("too_long", Some(name), "this filter value is too long"));
        }
        let kind = given(&self.subject_kind);
        let subject = given(&self.subject_identifier)
            .map(|raw| audit_review::subject_filter(&raw, kind.as_deref()))
            .transpose()?;
        Ok(EntryQuery {
            from: instant(&self.from, "from")?,
            to: instant(&self.to, "to")?,
            organization_id: given(&self.organization_id),
            account_id: None,
            purpose: given(&self.purpose),
            decision: given(&self.decision),
            subject,
            cursor: given(&self.cursor),
            limit: Some(PAGE_SIZE),
        })
    }

    /// Whether links to this filter must be forms posted with the CSRF token instead of URLs,
    /// because the filter holds a subject's identifier.
    pub fn needs_post(&self) -> bool {
        given(&self.subject_identifier).is_some()
    }

    /// The filter's non-empty fields (with `cursor` replaced), for hidden form fields.
    pub fn pairs(&self, cursor: Option<&str>) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = self
            .named()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, v.trim().to_owned()))
            .collect();
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor.to_owned()));
        }
        pairs
    }

    /// `?k=v&...` of `pairs`, percent-encoded; empty when there is nothing to carry.
    pub fn query_string(&self, cursor: Option<&str>) -> String {
        let encoded: Vec<String> =
            self.pairs(cursor).iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
    }
}

/// The filter of a GET; `None` when the query string cannot be read.
pub(super) fn from_query(req: &HttpRequest) -> Option<Filter> {
    web::Query::<Filter>::from_query(req.query_string()).map(web::Query::into_inner).ok()
}

/// The workflow's query for a filter; an unreadable one is a refused filter.
pub(super) fn query_of(filter: Option<&Filter>) -> Result<EntryQuery, WorkflowError> {
    match filter {
        Some(filter) => filter.to_query(),
        None => Err(WorkflowError::invalid("invalid_query_string", None, "the filter could not be read")),
    }
}

/// A POSTed filter form without this session's CSRF token answers the expired-form page.
pub(super) fn csrf_refused(req: &HttpRequest, platform: &Platform, ctx: &Ctx, filter: &Filter) -> Option<HttpResponse> {
    token_refused(req, platform, ctx, &filter.csrf)
}

/// `csrf_refused` for any form's token. Without a session there is nothing to check: the
/// page's `signed_in` sends the browser to the sign-in page.
pub(super) fn token_refused(req: &HttpRequest, platform: &Platform, ctx: &Ctx, csrf: &str) -> Option<HttpResponse> {
    let token = session::session_token(req)?;
    if session::csrf_ok(platform, &token, csrf) {
        return None;
    }
    let t = ctx.t();
    Some(notice(req, ctx, StatusCode::FORBIDDEN, t.forbidden_title, t.expired_form, String::new()))
}

fn given(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn instant(raw: &str, field: &str) -> Result<Option<DateTime<Utc>>, WorkflowError> {
    let Some(raw) = given(raw) else { return Ok(None) };
    if let Ok(at) = DateTime::parse_from_rfc3339(&raw) {
        return Ok(Some(at.to_utc()));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(&raw, format).ok())
        .and_then(|at| at.and_local_timezone(crate::workflow::clock::local_offset()).single())
        .map(|at| Some(at.to_utc()))
        .ok_or_else(|| {
            WorkflowError::invalid("invalid_instant", Some(field), "expected a date and time such as 2026-05-01T08:00")
        })
}

/// RFC 3986: unreserved characters as they are, every other byte as `%XX`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_any_and_browser_times_are_utc() {
        let filter = Filter { from: "2026-05-01T08:00".into(), decision: " denied ".into(), ..Filter::default() };
        let query = filter.to_query().expect("valid");
        assert_eq!(query.from.map(|t| t.to_rfc3339()), Some("2026-05-01T00:00:00+00:00".to_owned()));
        assert_eq!(query.decision.as_deref(), Some("denied"));
        assert!(query.to.is_none() && query.purpose.is_none() && query.subject.is_none());
    }

    #[test]
    fn unusable_values_are_invalid_errors_naming_the_field() {
        for filter in [
            Filter { to: "yesterday".into(), ..Filter::default() },
            Filter { subject_identifier: "<script>".into(), ..Filter::default() },
            Filter { purpose: "x".repeat(500), ..Filter::default() },
        ] {
            assert!(matches!(filter.to_query(), Err(WorkflowError::Invalid { field: Some(_), .. })));
        }
    }

    #[test]
    fn links_carry_the_filter_encoded_and_identifiers_need_a_form() {
        let filter = Filter { purpose: "a b&c".into(), ..Filter::default() };
        assert_eq!(filter.query_string(Some("42")), "?purpose=a%20b%26c&cursor=42");
        assert!(!filter.needs_post());
        assert!(Filter { subject_identifier: "x".into(), ..Filter::default() }.needs_post());
    }
}
