//! The provider's inbox (the provider portal's landing page): the objections against its
//! organization's records with what a clerk needs to triage them (record type, contested field
//! names, the deadline that counts and working days left): every open one (up to 1,000), the
//! most urgent first, then the newest closed ones; a short page of the organization's records;
//! and `objection`, one of them opened for the provider portal.
//!
//! Contract: provider role only (403 otherwise, even for a subject or officer who may read the
//! objection elsewhere: these are the provider's pages). The inbox decrypts nothing (field
//! *names* and record types are not personal data), so, like `GET /objections`, it is not an
//! access-log entry; opening one objection (`read::get`) is.

use super::read::{ObjectionSummary, ObjectionView, Recorded, get_with_recorded, summary};
use super::{Actor, Platform, WorkflowError};
use crate::domain::Role;
use crate::domain::objection::ObjectionStatus;
use crate::storage::objections::{self as rows, Scope};
use crate::storage::records;
use crate::workflow::read_records::{RecordSummary, list_own};
use std::collections::{BTreeMap, HashMap};

/// Open objections the inbox shows: every one, up to this many (each has a deadline running,
/// so none may drop off the page because newer ones were filed or decided).
const OPEN_SHOWN: i64 = 1000;
/// Closed objections and records shown below them; the JSON API pages through the rest.
const CLOSED_SHOWN: i64 = 50;
const RECORDS_SHOWN: i64 = 20;

pub struct InboxItem {
    pub summary: ObjectionSummary,
    /// The record's catalogue code (the page names it in its language).
    pub record_type: String,
    pub fields: Vec<String>,
    pub open: bool,
}

pub struct Inbox {
    pub objections: Vec<InboxItem>,
    pub records: Vec<RecordSummary>,
}

pub fn inbox(platform: &Platform, actor: &Actor) -> Result<Inbox, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let organization = actor.organization()?;
    let statuses = |open: bool| -> Vec<&str> {
        ObjectionStatus::ALL.iter().filter(|s| s.is_open() == open).map(|s| s.as_str()).collect()
    };
    let (open, closed) = (statuses(true), statuses(false));
    let mut conn = platform.db.get()?;
    let mut found = rows::list(&mut conn, Scope::Provider(organization), &open, None, OPEN_SHOWN)?;
    found.extend(rows::list(&mut conn, Scope::Provider(organization), &closed, None, CLOSED_SHOWN)?);
    let record_ids: Vec<String> = found.iter().map(|row| row.record_id.clone()).collect();
    let types: HashMap<String, String> = records::types_of(&mut conn, &record_ids)?.into_iter().collect();
    drop(conn);
    let mut objections = found
        .into_iter()
        .map(|row| {
            let fields: Vec<String> = serde_json::from_str(&row.fields).map_err(WorkflowError::internal)?;
            let record_type = types.get(&row.record_id).cloned().unwrap_or_default();
            let summary = summary(platform, row)?;
            let open = summary.status.parse::<ObjectionStatus>().is_ok_and(|s| s.is_open());
            Ok(InboxItem { summary, record_type, fields, open })
        })
        .collect::<Result<Vec<_>, WorkflowError>>()?;
    // Open first, the most urgent on top (ISO dates sort as text); closed ones newest first.
    objections.sort_by(|a, b| {
        b.open.cmp(&a.open).then_with(|| match (a.open, &a.summary.due_on, &b.summary.due_on) {
            (true, Some(x), Some(y)) => x.cmp(y),
            (true, None, Some(_)) => std::cmp::Ordering::Greater,
            (true, Some(_), None) => std::cmp::Ordering::Less,
            _ => b.summary.filed_on.cmp(&a.summary.filed_on),
        })
    });
    let records = list_own(platform, actor, None, Some(RECORDS_SHOWN))?.items;
    Ok(Inbox { objections, records })
}

/// One objection opened on the provider's page: the view `GET /objections/{id}` answers, the
/// catalogue code of the record it contests and its contested fields' current values.
pub struct Opened {
    pub view: ObjectionView,
    pub record_type: String,
    /// What the record holds now for each contested field.
    pub recorded: BTreeMap<String, String>,
}

/// One objection against the organization's records, as `GET /objections/{id}` shows it.
pub fn objection(platform: &Platform, actor: &Actor, request_id: &str, id: &str) -> Result<Opened, WorkflowError> {
    actor.require(&[Role::Provider])?;
    let (view, Recorded { record_type, values }) = get_with_recorded(platform, actor, request_id, id)?;
    Ok(Opened { view, record_type, recorded: values })
}
