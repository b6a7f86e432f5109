//! Logging in and out, and turning a bearer token into an `Actor`.
//!
//! Tokens are 32 random bytes (base64url); only their keyed hash is stored. An unknown e-mail
//! and a wrong password answer the same code after the same work, so neither the answer nor its
//! timing tells whether an account exists. Attempts per e-mail are throttled.

use super::{Actor, Platform, WorkflowError};
use crate::crypto::password;
use crate::domain::Role;
use crate::storage::AnyConnection;
use crate::storage::accounts::{self, TokenRow};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};

pub struct Session {
    pub token: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

const BAD_CREDENTIALS: WorkflowError = WorkflowError::Unauthenticated {
    code: "invalid_credentials",
    message: "the e-mail address or the password is wrong",
};
const INVALID_TOKEN: WorkflowError =
    WorkflowError::Unauthenticated { code: "invalid_token", message: "the token is not valid" };

/// 32 random bytes, base64url without padding.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Lower-cased, trimmed e-mail: the form that is indexed.
pub fn normalize_email(raw: &str) -> Result<String, WorkflowError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if valid {
        Ok(email)
    } else {
        Err(WorkflowError::invalid("invalid_email", Some("email"), "the e-mail address is not valid"))
    }
}

pub fn email_index(platform: &Platform, normalized: &str) -> [u8; 32] {
    platform.keys.derived.blind_index.index("account_email", normalized)
}

fn token_hash(platform: &Platform, token: &str) -> [u8; 32] {
    platform.keys.derived.token_hash.hash(token.as_bytes())
}

pub fn log_in(platform: &Platform, email: &str, password_text: &str) -> Result<Session, WorkflowError> {
    let Ok(email) = normalize_email(email) else {
        password::dummy_verify(password_text);
        return Err(BAD_CREDENTIALS);
    };
    let index = email_index(platform, &email);
    let now = platform.clock.now();
    let auth = &platform.settings.auth;
    let mut conn = platform.db.get()?;
    let window_start = (now - Duration::seconds(auth.login_window_seconds)).naive_utc();
    if accounts::count_login_attempts_since(&mut conn, &index, window_start)? >= i64::from(auth.login_attempts) {
        return Err(WorkflowError::TooManyRequests);
    }
    let account = accounts::find_by_email_index(&mut conn, &index)?;
    let verified = match &account {
        Some(row) => password::verify_password(password_text, &row.password_hash),
        None => {
            password::dummy_verify(password_text);
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        accounts::record_login_attempt(&mut conn, &index, now.naive_utc())?;
        return Err(BAD_CREDENTIALS);
    };
    if account.disabled {
        return Err(WorkflowError::Unauthenticated { code: "account_disabled", message: "this account is disabled" });
    }
    accounts::clear_login_attempts(&mut conn, &index)?;
    let token = random_token();
    let expires_at = now + Duration::minutes(auth.token_ttl_minutes);
    accounts::insert_token(
        &mut conn,
        &TokenRow {
            token_hash: token_hash(platform, &token).to_vec(),
            account_id: account.id.clone(),
            kind: "session".into(),
            expires_at: expires_at.naive_utc(),
            created_at: now.naive_utc(),
            revoked_at: None,
        },
    )?;
    let role = account.role.parse().map_err(WorkflowError::internal)?;
    Ok(Session { token, role, expires_at })
}

pub fn log_out(platform: &Platform, token: &str) -> Result<(), WorkflowError> {
    let now = platform.clock.now_naive();
    let hash = token_hash(platform, token);
    accounts::revoke_token(&mut *platform.db.get()?, &hash, now)?;
    platform.tokens.forget_token(&hash);
    Ok(())
}

/// The actor behind a bearer token: 401 for unknown, revoked or expired tokens and for
/// disabled accounts.
pub fn authenticate(platform: &Platform, token: &str) -> Result<Actor, WorkflowError> {
    if token.len() > 128 {
        return Err(INVALID_TOKEN);
    }
    let hash = token_hash(platform, token);
    let now = platform.clock.now();
    if let Some(actor) = platform.tokens.get(&hash, now) {
        return Ok(actor);
    }
    let found = accounts::find_token(&mut *platform.db.get()?, &hash)?;
    let Some((token_row, account)) = found else {
        return Err(INVALID_TOKEN);
    };
    if token_row.revoked_at.is_some() {
        return Err(INVALID_TOKEN);
    }
    if token_row.expires_at <= now.naive_utc() {
        return Err(WorkflowError::Unauthenticated { code: "token_expired", message: "the token has expired" });
    }
    if account.disabled {
        return Err(WorkflowError::Unauthenticated { code: "account_disabled", message: "this account is disabled" });
    }
    let actor = Actor {
        role: account.role.parse().map_err(WorkflowError::internal)?,
        account_id: account.id,
        organization_id: account.organization_id,
        subject_id: account.subject_id,
    };
    platform.tokens.remember(hash, &actor, token_row.expires_at, now);
    Ok(actor)
}

/// A long-lived token for a machine client, stored (as its keyed hash) in the caller's
/// transaction; `machine_tokens::issue` decides who may have one. Returns the token and when
/// it expires.
pub fn issue_machine_token(
    conn: &mut AnyConnection,
    platform: &Platform,
    account_id: &str,
    valid_for: Duration,
) -> Result<(String, DateTime<Utc>), WorkflowError> {
    let token = random_token();
    let now = platform.clock.now();
    let expires_at = now + valid_for;
    accounts::insert_token(
        conn,
        &TokenRow {
            token_hash: token_hash(platform, &token).to_vec(),
            account_id: account_id.to_owned(),
            kind: "machine".into(),
            expires_at: expires_at.naive_utc(),
            created_at: now.naive_utc(),
            revoked_at: None,
        },
    )?;
    Ok((token, expires_at))
}
