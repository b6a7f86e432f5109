//! Accounts, bearer tokens (stored as keyed hashes, never the token) and login attempts for
//! throttling. Login e-mails are found through a blind index and kept as encrypted cells.

use super::schema::{accounts, api_tokens, login_attempts};
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: String,
    pub email_index: Vec<u8>,
    pub email_cell: Vec<u8>,
    pub password_hash: String,
    pub role: String,
    pub organization_id: Option<String>,
    pub subject_id: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub token_hash: Vec<u8>,
    pub account_id: String,
    pub kind: String,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

pub fn insert(conn: &mut AnyConnection, row: &AccountRow) -> Result<(), StorageError> {
    diesel::insert_into(accounts::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find_by_email_index(conn: &mut AnyConnection, index: &[u8]) -> Result<Option<AccountRow>, StorageError> {
    Ok(accounts::table
        .filter(accounts::email_index.eq(index))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<AccountRow>, StorageError> {
    Ok(accounts::table.find(id).select(AccountRow::as_select()).first(conn).optional()?)
}

/// Accounts of every role but subjects, in id (creation) order after `after`.
pub fn list_staff(conn: &mut AnyConnection, after: Option<&str>, limit: i64) -> Result<Vec<AccountRow>, StorageError> {
    let mut query = accounts::table
        .select(AccountRow::as_select())
        .filter(accounts::role.ne("subject"))
        .order(accounts::id)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(accounts::id.gt(cursor.to_owned()));
    }
    Ok(query.limit(limit).load(conn)?)
}

pub fn count(conn: &mut AnyConnection) -> Result<i64, StorageError> {
    Ok(accounts::table.count().get_result(conn)?)
}

pub fn set_disabled(conn: &mut AnyConnection, id: &str, disabled: bool) -> Result<bool, StorageError> {
    Ok(diesel::update(accounts::table.find(id)).set(accounts::disabled.eq(disabled)).execute(conn)? == 1)
}

pub fn insert_token(conn: &mut AnyConnection, row: &TokenRow) -> Result<(), StorageError> {
    diesel::insert_into(api_tokens::table).values(row).execute(conn)?;
    Ok(())
}

/// The token and its account, whatever their state: the caller decides expiry and disabling.
pub fn find_token(conn: &mut AnyConnection, hash: &[u8]) -> Result<Option<(TokenRow, AccountRow)>, StorageError> {
    Ok(api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(hash))
        .select((TokenRow::as_select(), AccountRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn revoke_token(conn: &mut AnyConnection, hash: &[u8], now: Timestamp) -> Result<bool, StorageError> {
    Ok(diesel::update(api_tokens::table.find(hash).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(Some(now)))
        .execute(conn)?
        == 1)
}

pub fn record_login_attempt(conn: &mut AnyConnection, index: &[u8], at: Timestamp) -> Result<(), StorageError> {
    diesel::insert_into(login_attempts::table)
        .values((login_attempts::email_index.eq(index), login_attempts::attempted_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

pub fn count_login_attempts_since(
    conn: &mut AnyConnection,
    index: &[u8],
    since: Timestamp,
) -> Result<i64, StorageError> {
    Ok(login_attempts::table
        .filter(login_attempts::email_index.eq(index))
        .filter(login_attempts::attempted_at.ge(since))
        .count()
        .get_result(conn)?)
}

pub fn clear_login_attempts(conn: &mut AnyConnection, index: &[u8]) -> Result<(), StorageError> {
    diesel::delete(login_attempts::table.filter(login_attempts::email_index.eq(index))).execute(conn)?;
    Ok(())
}
