//! Subjects grant and revoke query authorizations (R-16, PIPL 15): one organization, one
//! purpose, until a date. A purpose that needs the subject's authorization is answered only
//! with a live grant matching subject, grantee and purpose.

use super::{Actor, Platform, WorkflowError, access_log};
use crate::audit::Action;
use crate::domain::{OrganizationKind, Role};
use crate::storage::authorizations::{self, AuthorizationRow};
use crate::storage::organizations;
use chrono::NaiveDate;
use serde::Serialize;

/// The longest grant a subject can give in one go.
const MAX_YEARS: u32 = 5;

#[derive(Debug, Serialize)]
pub struct AuthorizationView {
    pub id: String,
    pub organization: OrganizationRef,
    pub purpose: String,
    pub valid_until: String,
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct OrganizationRef {
    pub id: String,
    pub name: String,
    pub kind: String,
}

pub fn grant(
    platform: &Platform,
    actor: &Actor,
    organization_id: &str,
    purpose: &str,
    valid_until: &str,
) -> Result<String, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let subject_id = actor.subject()?.to_owned();
    let today = platform.clock.today();
    let until = NaiveDate::parse_from_str(valid_until.trim(), "%Y-%m-%d")
        .map_err(|_| WorkflowError::invalid("invalid_date", Some("valid_until"), "dates are written YYYY-MM-DD"))?;
    let latest = today.checked_add_months(chrono::Months::new(12 * MAX_YEARS)).unwrap_or(today);
    if until < today || until > latest {
        return Err(WorkflowError::invalid(
            "invalid_date",
            Some("valid_until"),
            format!("an authorization runs from today for at most {MAX_YEARS} years"),
        ));
    }
    let mut conn = platform.db.get()?;
    let organization = organizations::find(&mut conn, organization_id)?.ok_or_else(|| {
        WorkflowError::invalid("unknown_organization", Some("organization_id"), "no such organization")
    })?;
    let kind: OrganizationKind = organization.kind.parse()?;
    let known = platform.policies.purposes.get(purpose).ok_or_else(|| {
        WorkflowError::invalid("unknown_purpose", Some("purpose"), "this purpose is not on the closed list")
    })?;
    if !known.allows_organization(kind) {
        return Err(WorkflowError::invalid(
            "purpose_not_allowed",
            Some("purpose"),
            "organizations of this kind may not query for this purpose",
        ));
    }
    let row = AuthorizationRow {
        id: crate::storage::new_row_id(),
        subject_id,
        organization_id: organization.id,
        purpose: known.code.clone(),
        valid_until: until.to_string(),
        evidence_cell: None,
        created_at: platform.clock.now_naive(),
        revoked_at: None,
    };
    drop(conn);
    platform.db.transaction(|conn| {
        authorizations::insert(conn, &row)?;
        let entry = access_log::change(platform, actor, Action::AuthorizationChange, Some(&row.subject_id), Vec::new())
            .reason("authorization_granted");
        platform.audit.record_in(conn, &[entry])?;
        Ok::<_, WorkflowError>(())
    })?;
    Ok(row.id)
}

pub fn list(platform: &Platform, actor: &Actor) -> Result<Vec<AuthorizationView>, WorkflowError> {
    actor.require(&[Role::Subject])?;
    let today = platform.clock.today().to_string();
    let rows = authorizations::for_subject(&mut *platform.db.get()?, actor.subject()?)?;
    Ok(rows
        .into_iter()
        .map(|(row, name, kind)| AuthorizationView {
            status: if row.revoked_at.is_some() {
                "revoked"
            } else if row.valid_until < today {
                "expired"
            } else {
                "active"
            },
            id: row.id,
            organization: OrganizationRef { id: row.organization_id, name, kind },
            purpose: row.purpose,
            valid_until: row.valid_until,
            created_at: row.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect())
}

pub fn revoke(platform: &Platform, actor: &Actor, id: &str) -> Result<(), WorkflowError> {
    actor.require(&[Role::Subject])?;
    let now = platform.clock.now_naive();
    let subject_id = actor.subject()?;
    platform.db.transaction(|conn| {
        if !authorizations::revoke(conn, id, subject_id, now)? {
            return Err(WorkflowError::NotFound { what: "authorization" });
        }
        let entry = access_log::change(platform, actor, Action::AuthorizationChange, Some(subject_id), Vec::new())
            .reason("authorization_revoked");
        platform.audit.record_in(conn, &[entry])?;
        Ok(())
    })
}

/// Why an authorization does not cover a query, or `None` when it does.
pub fn invalid_reason(
    row: &AuthorizationRow,
    subject_id: &str,
    organization_id: &str,
    purpose: &str,
    today: &str,
) -> Option<&'static str> {
    if row.subject_id != subject_id {
        Some("authorization_other_subject")
    } else if row.organization_id != organization_id {
        Some("authorization_other_grantee")
    } else if row.purpose != purpose {
        Some("authorization_other_purpose")
    } else if row.revoked_at.is_some() {
        Some("authorization_revoked")
    } else if row.valid_until.as_str() < today {
        Some("authorization_expired")
    } else {
        None
    }
}
