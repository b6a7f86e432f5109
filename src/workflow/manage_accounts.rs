//! Admin use cases: organizations and accounts. An account has exactly one role; provider and
//! requester accounts belong to an organization, subject accounts to one subject (created here
//! if the platform does not know it yet).

use super::{Actor, Platform, WorkflowError, access_log, login, subjects};
use crate::audit::Action;
use crate::crypto::password;
use crate::domain::identifier::SubjectIdentifier;
use crate::domain::{OrganizationKind, Role, SubjectKind};
use crate::storage::accounts::{self, AccountRow};
use crate::storage::organizations::{self, OrganizationRow};
use crate::storage::{AnyConnection, StorageError};
use serde::Serialize;

pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub role: Role,
    pub organization_id: Option<String>,
    pub subject_identifier: Option<String>,
    pub subject_kind: Option<SubjectKind>,
    pub subject_name: Option<String>,
}

#[derive(Serialize)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    pub kind: String,
}

impl From<OrganizationRow> for OrganizationView {
    fn from(row: OrganizationRow) -> Self {
        OrganizationView { id: row.id, name: row.name, kind: row.kind }
    }
}

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A staff account as the administrator sees it.
#[derive(Serialize)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub role: String,
    pub organization_id: Option<String>,
    pub disabled: bool,
    /// RFC 3339 UTC.
    pub created_at: String,
}

const MIN_PASSWORD_CHARS: usize = 12;

/// The page size a caller asked for, within 1..=200 (50 when not given).
fn page_size(limit: Option<i64>) -> i64 {
    limit.unwrap_or(50).clamp(1, 200)
}

/// The cursor of the next page: the last row's id when the page is full.
fn cursor_after<R>(rows: &[R], limit: i64, id: impl Fn(&R) -> &String) -> Option<String> {
    rows.last().filter(|_| rows.len() as i64 == limit).map(|row| id(row).clone())
}

pub fn create_organization(
    platform: &Platform,
    actor: &Actor,
    name: &str,
    kind: OrganizationKind,
) -> Result<String, WorkflowError> {
    actor.require(&[Role::Admin])?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(WorkflowError::invalid("invalid_name", Some("name"), "the name must have 1 to 200 characters"));
    }
    let row = OrganizationRow {
        id: crate::storage::new_row_id(),
        name: name.to_owned(),
        kind: kind.as_str().to_owned(),
        created_at: platform.clock.now_naive(),
    };
    platform.db.transaction(|conn| {
        organizations::insert(conn, &row)?;
        let entry =
            access_log::change(platform, actor, Action::AccountChange, None, Vec::new()).reason("organization_created");
        platform.audit.record_in(conn, &[entry])?;
        Ok::<_, WorkflowError>(())
    })?;
    Ok(row.id)
}

pub fn list_organizations(
    platform: &Platform,
    actor: &Actor,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<OrganizationView>, WorkflowError> {
    actor.require(&[Role::Admin, Role::Officer])?;
    let limit = page_size(limit);
    let rows = organizations::list(&mut *platform.db.get()?, after, limit)?;
    let next_cursor = cursor_after(&rows, limit, |r| &r.id);
    let items = rows.into_iter().map(OrganizationView::from).collect();
    Ok(Page { items, next_cursor })
}

/// One organization by id, for a form that opens an account in it (any page of the list).
pub fn organization(platform: &Platform, actor: &Actor, id: &str) -> Result<OrganizationView, WorkflowError> {
    actor.require(&[Role::Admin, Role::Officer])?;
    let row = organizations::find(&mut *platform.db.get()?, id)?;
    row.map(OrganizationView::from).ok_or(WorkflowError::NotFound { what: "organization" })
}

/// The staff accounts (providers, requesters, officers, admins), oldest first, with their
/// e-mail addresses opened for the administrator who manages them. Subjects' accounts are left
/// out: their addresses are a person's data, and nothing an administrator does needs a list
/// of them (a subject's account is disabled by its id).
pub fn list_staff_accounts(
    platform: &Platform,
    actor: &Actor,
    after: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<AccountView>, WorkflowError> {
    actor.require(&[Role::Admin])?;
    let limit = page_size(limit);
    let rows = accounts::list_staff(&mut *platform.db.get()?, after, limit)?;
    let next_cursor = cursor_after(&rows, limit, |r| &r.id);
    let cipher = &platform.keys.platform_cipher;
    let items = rows
        .into_iter()
        .map(|row| {
            let email = cipher.open_string("accounts", "email", &row.id, &row.email_cell)?.expose_str().to_owned();
            Ok(AccountView {
                email,
                role: row.role,
                organization_id: row.organization_id,
                disabled: row.disabled,
                created_at: row.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                id: row.id,
            })
        })
        .collect::<Result<Vec<_>, WorkflowError>>()?;
    Ok(Page { items, next_cursor })
}

pub fn create_account(platform: &Platform, actor: &Actor, new: NewAccount) -> Result<String, WorkflowError> {
    actor.require(&[Role::Admin])?;
    if new.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WorkflowError::invalid(
            "weak_password",
            Some("password"),
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    let subject = match (new.role, &new.subject_identifier) {
        (Role::Subject, Some(raw)) => {
            let kind = new.subject_kind.unwrap_or(SubjectKind::NaturalPerson);
            let identifier = SubjectIdentifier::parse_for(kind, raw)
                .map_err(|e| WorkflowError::from_domain(e, "subject_identifier"))?;
            Some((kind, identifier))
        }
        (Role::Subject, None) => {
            return Err(WorkflowError::invalid(
                "missing_field",
                Some("subject_identifier"),
                "a subject account needs the subject's identifier",
            ));
        }
        (_, Some(_)) => {
            return Err(WorkflowError::invalid(
                "unexpected_field",
                Some("subject_identifier"),
                "only subject accounts are bound to a subject",
            ));
        }
        (_, None) => None,
    };
    match (new.role.needs_organization(), &new.organization_id) {
        (true, None) => {
            return Err(WorkflowError::invalid(
                "missing_field",
                Some("organization_id"),
                "provider and requester accounts belong to an organization",
            ));
        }
        (false, Some(_)) => {
            return Err(WorkflowError::invalid(
                "unexpected_field",
                Some("organization_id"),
                "only provider and requester accounts belong to an organization",
            ));
        }
        _ => {}
    }
    let email = new.email.clone();
    let password_text = new.password.clone();
    let subject_name = new.subject_name.clone();
    let organization_id = new.organization_id.clone();
    // Hash before the transaction: argon2 is slow and must not hold a database lock.
    let password_hash = password::hash_password(&password_text)?;
    platform.db.transaction(|conn| {
        if let Some(org) = &organization_id {
            organizations::find(conn, org)?.ok_or_else(|| {
                WorkflowError::invalid("unknown_organization", Some("organization_id"), "no such organization")
            })?;
        }
        let subject_id = match &subject {
            Some((kind, identifier)) => {
                Some(subjects::find_or_create(conn, platform, *kind, identifier, subject_name.as_deref())?.0.id)
            }
            None => None,
        };
        let id = insert_account_row(
            conn,
            platform,
            &email,
            password_hash.clone(),
            new.role,
            organization_id.clone(),
            subject_id.clone(),
        )?;
        let entry = access_log::change(platform, actor, Action::AccountChange, subject_id.as_deref(), Vec::new())
            .reason("account_created");
        platform.audit.record_in(conn, &[entry])?;
        Ok(id)
    })
}

/// Creates an account without an acting admin (first start, CLI).
pub fn insert_account(
    platform: &Platform,
    email: &str,
    password_text: &str,
    role: Role,
    organization_id: Option<String>,
    subject_id: Option<String>,
) -> Result<String, WorkflowError> {
    let hash = password::hash_password(password_text)?;
    let mut conn = platform.db.get()?;
    insert_account_row(&mut conn, platform, email, hash, role, organization_id, subject_id)
}

fn insert_account_row(
    conn: &mut AnyConnection,
    platform: &Platform,
    email: &str,
    password_hash: String,
    role: Role,
    organization_id: Option<String>,
    subject_id: Option<String>,
) -> Result<String, WorkflowError> {
    let email = login::normalize_email(email)?;
    let id = crate::storage::new_row_id();
    let row = AccountRow {
        email_index: login::email_index(platform, &email).to_vec(),
        email_cell: platform.keys.platform_cipher.seal_str("accounts", "email", &id, &email)?,
        password_hash,
        role: role.as_str().to_owned(),
        organization_id,
        subject_id,
        disabled: false,
        created_at: platform.clock.now_naive(),
        id,
    };
    match accounts::insert(conn, &row) {
        Ok(()) => Ok(row.id),
        Err(StorageError::Duplicate) => Err(WorkflowError::Conflict {
            code: "email_taken",
            message: "an account with this e-mail address exists".into(),
        }),
        Err(e) => Err(e.into()),
    }
}

pub fn disable_account(platform: &Platform, actor: &Actor, account_id: &str) -> Result<(), WorkflowError> {
    actor.require(&[Role::Admin])?;
    if account_id == actor.account_id {
        return Err(WorkflowError::Conflict {
            code: "cannot_disable_self",
            message: "an admin cannot disable itself".into(),
        });
    }
    platform.db.transaction(|conn| {
        if !accounts::set_disabled(conn, account_id, true)? {
            return Err(WorkflowError::NotFound { what: "account" });
        }
        let entry =
            access_log::change(platform, actor, Action::AccountChange, None, Vec::new()).reason("account_disabled");
        platform.audit.record_in(conn, &[entry])?;
        Ok(())
    })?;
    platform.tokens.forget_account(account_id);
    Ok(())
}

/// [`disable_account`] for the account that signs in with `email`: how the portal reaches a
/// data subject's account, which it never lists. An unknown address is `NotFound`, like an
/// unknown id.
pub fn disable_account_by_email(platform: &Platform, actor: &Actor, email: &str) -> Result<(), WorkflowError> {
    actor.require(&[Role::Admin])?;
    let index = login::email_index(platform, &login::normalize_email(email)?);
    let account = accounts::find_by_email_index(&mut *platform.db.get()?, &index)?;
    let account = account.ok_or(WorkflowError::NotFound { what: "account" })?;
    disable_account(platform, actor, &account.id)
}
