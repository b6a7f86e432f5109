//! The administrator's portal under `/ui/admin` (DESIGN §8, "a portal per role"): register
//! organizations and open accounts in a browser, the same use cases as `POST
//! /api/v1/admin/organizations` and `/admin/accounts` (`workflow::manage_accounts`), so the
//! checks, error codes and access-log entries are the API's.
//!
//! Contract: only an administrator's session sees the page (another role gets the 403 page,
//! before anything is listed); both forms are CSRF-checked POSTs (`actions::act`) that answer
//! 303 back here with `?done=` on success and a notice page with the API's status and message
//! otherwise; nothing typed into a form travels in a URL, and an initial password is never
//! shown again. The staff accounts are listed with their e-mail addresses (opened for the
//! administrator) and a disable button each, and provider, requester and officer accounts a
//! form that issues a machine token (`tokens.rs`). Subjects' accounts are not listed
//! (`manage_accounts::list_staff_accounts`); a form disables any account by its e-mail address.

mod text;
mod tokens;

use super::actions::{CsrfForm, act_then_show, done_action};
use super::guard::signed_in;
use super::labels::label;
use super::text::Text;
use super::{Ctx, page, session};
use crate::domain::{OrganizationKind, Role, SubjectKind};
use crate::workflow::manage_accounts::{self, AccountView, NewAccount, OrganizationView, Page};
use crate::workflow::{Platform, WorkflowError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use text::AdminText;

const HERE: &str = "/ui/admin";
/// Organizations, and staff accounts, listed per page.
const LISTED: i64 = 100;

/// Registers the administrator portal's routes inside the `/ui` scope.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(show))
        .route("/admin/organizations", web::post().to(register_organization))
        .route("/admin/accounts", web::post().to(open_account))
        .route("/admin/accounts/disable", web::post().to(disable_by_email))
        .route("/admin/accounts/{id}/disable", web::post().to(disable_account))
        .route("/admin/accounts/{id}/tokens", web::post().to(tokens::issue));
}

#[derive(Template)]
#[template(path = "ui/admin/page.html")]
struct AdminPage {
    lang: &'static str,
    t: &'static Text,
    a: &'static AdminText,
    csrf: String,
    flash: Option<&'static str>,
    organizations: Vec<OrganizationRow>,
    /// The account form's organizations, (id, name): this page's, and the chosen one first.
    choices: Vec<(String, String)>,
    /// The organization preselected in the account form (`?organization=`).
    chosen: Option<String>,
    /// The cursor of the next page of organizations, if there is one.
    next: Option<String>,
    kinds: Vec<(&'static str, String)>,
    accounts: Vec<AccountRow>,
    /// The cursor of the next page of accounts, if there is one.
    more_accounts: Option<String>,
}

struct AccountRow {
    id: String,
    email: String,
    role: &'static str,
    organization: String,
    disabled: bool,
    /// Active and not the administrator's own (which the use case refuses to disable).
    can_disable: bool,
    /// Active, and of a role that may hold a machine token (`workflow::machine_tokens`).
    can_hold_token: bool,
}

struct OrganizationRow {
    id: String,
    name: String,
    kind: String,
}

#[derive(Deserialize)]
struct Listing {
    after: Option<String>,
    accounts_after: Option<String>,
    /// The organization the account form opens an account in (its row's link), from any page.
    organization: Option<String>,
}

async fn show(req: HttpRequest, platform: web::Data<Platform>, listing: web::Query<Listing>) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let Listing { after, accounts_after, organization } = listing.into_inner();
    let listed = signed_in(&req, &platform, move |platform, actor| {
        // Officers may list organizations through the API; this page is the administrator's.
        actor.require(&[Role::Admin])?;
        let organizations = manage_accounts::list_organizations(platform, actor, after.as_deref(), Some(LISTED))?;
        let accounts = manage_accounts::list_staff_accounts(platform, actor, accounts_after.as_deref(), Some(LISTED))?;
        let chosen = organization.map(|id| manage_accounts::organization(platform, actor, &id)).transpose()?;
        Ok((organizations, accounts, actor.account_id.clone(), chosen))
    })
    .await;
    let (token, (Page { items, next_cursor }, accounts, me, chosen)) = match listed {
        Ok(done) => done,
        Err(answer) => return answer(&req, &ctx),
    };
    let a = AdminText::of(ctx.lang);
    let flash = done_action(&req).and_then(|what| match what.as_str() {
        "organization" => Some(a.done_organization),
        "account" => Some(a.done_account),
        "disabled" => Some(a.done_disabled),
        _ => None,
    });
    let names: std::collections::HashMap<&str, &str> = items.iter().map(|o| (o.id.as_str(), o.name.as_str())).collect();
    let account_rows = accounts.items.into_iter().map(|account| account_row(account, &names, &me, a)).collect();
    let tpl = AdminPage {
        lang: ctx.code(),
        t: ctx.t(),
        a,
        csrf: session::csrf_token(&platform, &token),
        flash,
        choices: choices(&items, chosen.as_ref()),
        chosen: chosen.map(|o| o.id),
        organizations: items.into_iter().map(|o| row(o, &ctx)).collect(),
        next: next_cursor,
        kinds: OrganizationKind::ALL.iter().map(|k| (k.as_str(), label(ctx.lang, k.as_str()))).collect(),
        accounts: account_rows,
        more_accounts: accounts.next_cursor,
    };
    page(&req, &ctx, StatusCode::OK, tpl.render(), Vec::new())
}

/// An account's row: its organization by name when this page lists it, else by id.
fn account_row(
    account: AccountView,
    names: &std::collections::HashMap<&str, &str>,
    me: &str,
    a: &AdminText,
) -> AccountRow {
    let organization = match account.organization_id.as_deref() {
        Some(id) => names.get(id).map_or_else(|| id.to_owned(), |name| (*name).to_owned()),
        None => String::new(),
    };
    let role = a.roles.iter().find(|(code, _)| *code == account.role).map_or("", |(_, words)| words);
    let can_disable = !account.disabled && account.id != me;
    let can_hold_token =
        !account.disabled && account.role.parse::<Role>().is_ok_and(crate::workflow::machine_tokens::may_hold);
    AccountRow {
        id: account.id,
        email: account.email,
        role,
        organization,
        disabled: account.disabled,
        can_disable,
        can_hold_token,
    }
}

/// The account form's choices: the chosen organization (which may be on another page of the
/// list), then this page's.
fn choices(listed: &[OrganizationView], chosen: Option<&OrganizationView>) -> Vec<(String, String)> {
    let others = listed.iter().filter(|o| chosen.is_none_or(|c| c.id != o.id));
    chosen.into_iter().chain(others).map(|o| (o.id.clone(), o.name.clone())).collect()
}

fn row(organization: OrganizationView, ctx: &Ctx) -> OrganizationRow {
    let kind = label(ctx.lang, &organization.kind);
    OrganizationRow { id: organization.id, name: organization.name, kind }
}

/// A closed-vocabulary form value, refused like the API refuses it.
fn parse<T: std::str::FromStr<Err = crate::domain::DomainError>>(raw: &str, field: &str) -> Result<T, WorkflowError> {
    raw.parse().map_err(|e| WorkflowError::from_domain(e, field))
}

/// An optional form field: empty means absent.
fn given(raw: String) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|value| !value.is_empty())
}

#[derive(Deserialize)]
struct OrganizationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

async fn register_organization(
    req: HttpRequest,
    platform: web::Data<Platform>,
    form: web::Form<OrganizationForm>,
) -> HttpResponse {
    let OrganizationForm { csrf, name, kind } = form.into_inner();
    act_then_show(&req, &platform, &csrf, HERE, "organization", move |platform, actor| {
        // The role first: another role learns nothing about what it typed.
        actor.require(&[Role::Admin])?;
        let kind: OrganizationKind = parse(&kind, "kind")?;
        manage_accounts::create_organization(platform, actor, &name, kind)
    })
    .await
}

#[derive(Deserialize)]
struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    subject_identifier: String,
    #[serde(default)]
    subject_kind: String,
}

async fn open_account(req: HttpRequest, platform: web::Data<Platform>, form: web::Form<AccountForm>) -> HttpResponse {
    let AccountForm { csrf, email, password, role, organization_id, subject_identifier, subject_kind } =
        form.into_inner();
    act_then_show(&req, &platform, &csrf, HERE, "account", move |platform, actor| {
        actor.require(&[Role::Admin])?;
        let role: Role = parse(&role, "role")?;
        let subject_kind = given(subject_kind).map(|k| parse::<SubjectKind>(&k, "subject_kind")).transpose()?;
        let new = NewAccount {
            email,
            password,
            role,
            organization_id: given(organization_id),
            subject_identifier: given(subject_identifier),
            subject_kind,
            subject_name: None,
        };
        manage_accounts::create_account(platform, actor, new)
    })
    .await
}

async fn disable_account(
    req: HttpRequest,
    platform: web::Data<Platform>,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let id = id.into_inner();
    act_then_show(&req, &platform, &form.csrf, HERE, "disabled", move |platform, actor| {
        manage_accounts::disable_account(platform, actor, &id)
    })
    .await
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

async fn disable_by_email(req: HttpRequest, platform: web::Data<Platform>, form: web::Form<EmailForm>) -> HttpResponse {
    let EmailForm { csrf, email } = form.into_inner();
    act_then_show(&req, &platform, &csrf, HERE, "disabled", move |platform, actor| {
        manage_accounts::disable_account_by_email(platform, actor, &email)
    })
    .await
}
