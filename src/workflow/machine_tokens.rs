//! Long-lived bearer tokens for organizations' systems (DESIGN §8: "machine clients get
//! long-lived tokens from an admin"), such as a provider's nightly `POST /records/batch`.
//!
//! Contract: only an administrator issues one, for an enabled provider, requester or officer
//! account. Never for a subject's account (a person signs in) nor an administrator's (that
//! would be a standing superuser credential). Valid 1 to [`MAX_DAYS`] days. The token is
//! answered once and stored only as its keyed hash, like a session's; issuing it is an
//! access-log entry in the same transaction. It stops working at its expiry, when its holder
//! logs out with it (`POST /auth/logout`), or at once when the account is disabled.

use super::{Actor, Platform, WorkflowError, access_log, login};
use crate::audit::Action;
use crate::domain::Role;
use crate::storage::AnyConnection;
use crate::storage::accounts::{self, AccountRow};
use chrono::{DateTime, Duration, Utc};

/// A year and a day: long enough for a yearly rotation, short enough that one is due.
pub const MAX_DAYS: i64 = 366;

/// Whether an account of `role` may hold a machine token: the systems of providers,
/// requesters and officers; never a person's subject account, never an administrator.
pub fn may_hold(role: Role) -> bool {
    matches!(role, Role::Provider | Role::Requester | Role::Officer)
}

pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub fn issue(platform: &Platform, actor: &Actor, account_id: &str, days: i64) -> Result<IssuedToken, WorkflowError> {
    issue_to(platform, actor, days, |conn| Ok(accounts::find(conn, account_id)?))
}

/// [`issue`] for the account that signs in with `email`: the CLI names accounts this way.
pub fn issue_for_email(
    platform: &Platform,
    actor: &Actor,
    email: &str,
    days: i64,
) -> Result<IssuedToken, WorkflowError> {
    issue_to(platform, actor, days, |conn| {
        let index = login::email_index(platform, &login::normalize_email(email)?);
        Ok(accounts::find_by_email_index(conn, &index)?)
    })
}

/// The checks and the write, with the account found by `find` inside the transaction.
fn issue_to(
    platform: &Platform,
    actor: &Actor,
    days: i64,
    find: impl FnOnce(&mut AnyConnection) -> Result<Option<AccountRow>, WorkflowError>,
) -> Result<IssuedToken, WorkflowError> {
    actor.require(&[Role::Admin])?;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(WorkflowError::invalid(
            "invalid_valid_days",
            Some("valid_days"),
            format!("a machine token is valid for 1 to {MAX_DAYS} days"),
        ));
    }
    platform.db.transaction(|conn| {
        let account = find(conn)?.ok_or(WorkflowError::NotFound { what: "account" })?;
        if account.disabled {
            return Err(WorkflowError::Conflict {
                code: "account_disabled",
                message: "this account is disabled".into(),
            });
        }
        let role: Role = account.role.parse().map_err(WorkflowError::internal)?;
        if !may_hold(role) {
            return Err(WorkflowError::Conflict {
                code: "no_machine_token_for_role",
                message: "machine tokens are for the systems of providers, requesters and officers".into(),
            });
        }
        let (token, expires_at) = login::issue_machine_token(conn, platform, &account.id, Duration::days(days))?;
        let entry =
            access_log::change(platform, actor, Action::AccountChange, None, Vec::new()).reason("machine_token_issued");
        platform.audit.record_in(conn, &[entry])?;
        Ok(IssuedToken { token, expires_at })
    })
}
