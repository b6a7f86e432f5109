//! Who to write to: the sealed e-mail cells of the enabled accounts of one subject, of one
//! organization in one role, or of one role platform-wide (officers). The cells are sealed
//! under the platform data key, bound to the account row (`accounts.email`).

use super::schema::accounts;
use super::{AnyConnection, StorageError};
use diesel::prelude::*;

/// A group of accounts to notify.
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// The subject accounts bound to this subject.
    Subject(&'a str),
    /// The accounts of this organization that have this role.
    Organization { id: &'a str, role: &'a str },
    /// Every account of this role (officers).
    Role(&'a str),
}

/// `(account_id, email_cell)` of every enabled account in `audience`, by account id.
pub fn emails(conn: &mut AnyConnection, audience: Audience<'_>) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    let mut query = accounts::table
        .filter(accounts::disabled.eq(false))
        .select((accounts::id, accounts::email_cell))
        .order(accounts::id)
        .into_boxed();
    query = match audience {
        Audience::Subject(id) => {
            query.filter(accounts::subject_id.eq(id.to_owned())).filter(accounts::role.eq("subject"))
        }
        Audience::Organization { id, role } => {
            query.filter(accounts::organization_id.eq(id.to_owned())).filter(accounts::role.eq(role.to_owned()))
        }
        Audience::Role(role) => query.filter(accounts::role.eq(role.to_owned())),
    };
    Ok(query.load(conn)?)
}
