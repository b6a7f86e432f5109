//! `GET /me/access-log`: every access to the subject's data — by which organization (name and
//! kind), when, for what purpose, which fields, allowed or denied (R-21, DESIGN §6). An access
//! under a purpose with a delay (judicial investigation) stays hidden until the delay has
//! passed. The subject's own views are left out: this is who else looked.

use super::manage_accounts::Page;
use super::{Actor, Platform, WorkflowError};
use crate::audit::Entry;
use crate::domain::Role;
use crate::storage::audit_log::{self, EntryFilter};
use crate::storage::{AnyConnection, records};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct AccessView {
    pub at: String,
    /// None when the platform itself acted (jobs, operators' commands).
    pub organization: Option<OrganizationView>,
    pub role: String,
    pub action: &'static str,
    pub purpose: Option<PurposeView>,
    pub record_ids: Vec<String>,
    pub fields: Vec<String>,
    pub decision: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationView {
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Serialize)]
pub struct PurposeView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

const PAGE: i64 = 100;

pub fn my_access_log(
    platform: &Platform,
    actor: &Actor,
    cursor: Option<&str>,
) -> Result<Page<AccessView>, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let before = cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| WorkflowError::invalid("invalid_cursor", Some("cursor"), "unknown cursor"))
        })
        .transpose()?;
    page(&mut *platform.db.get()?, platform, actor, before)
}

/// The whole history the subject may see, newest first, page after page: the query-history
/// section of the formal report, under the same rules as `my_access_log`.
pub(super) fn whole_history(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
) -> Result<Vec<AccessView>, WorkflowError> {
    let mut history = Vec::new();
    let mut before = None;
    loop {
        let Page { items, next_cursor } = page(conn, platform, actor, before)?;
        history.extend(items);
        // The cursor is a sequence this module wrote; anything else ends the walk.
        match next_cursor.and_then(|c| c.parse::<i64>().ok()) {
            Some(sequence) => before = Some(sequence),
            None => return Ok(history),
        }
    }
}

/// One page of entries older than `before`, as the subject sees them.
fn page(
    conn: &mut AnyConnection,
    platform: &Platform,
    actor: &Actor,
    before: Option<i64>,
) -> Result<Page<AccessView>, WorkflowError> {
    let filter = EntryFilter {
        subject_id: Some(actor.subject()?.to_owned()),
        visible_to_subject_at: Some(platform.clock.now_naive()),
        before,
        ..EntryFilter::default()
    };
    let rows = audit_log::search(conn, &filter, PAGE)?;
    let next_cursor = (rows.len() as i64 == PAGE).then(|| rows.last().map(|r| r.sequence.to_string())).flatten();
    let entries: Vec<Entry> = rows
        .into_iter()
        .map(Entry::try_from)
        .collect::<Result<_, _>>()
        .map_err(|_| WorkflowError::internal("malformed access-log entry"))?;
    let mut organization_ids: Vec<String> = entries.iter().filter_map(|e| e.organization_id.clone()).collect();
    organization_ids.sort();
    organization_ids.dedup();
    let names: HashMap<String, OrganizationView> = records::organization_names(conn, &organization_ids)?
        .into_iter()
        .map(|(id, name, kind)| (id, OrganizationView { name, kind }))
        .collect();
    let items = entries
        .into_iter()
        .filter(|e| e.actor_account_id.as_deref() != Some(actor.account_id.as_str()))
        .map(|e| AccessView {
            at: e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            organization: e.organization_id.as_ref().and_then(|id| names.get(id).cloned()),
            role: e.role,
            action: e.action.as_str(),
            purpose: e.purpose.map(|code| {
                let known = platform.policies.purposes.get(&code);
                PurposeView {
                    name_zh: known.map(|p| p.names.zh.clone()).unwrap_or_default(),
                    name_en: known.map(|p| p.names.en.clone()).unwrap_or_default(),
                    code,
                }
            }),
            record_ids: e.record_ids,
            fields: e.fields,
            decision: e.decision.as_str(),
        })
        .collect();
    Ok(Page { items, next_cursor })
}
