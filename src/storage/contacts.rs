//! Who to write to: the sealed e-mail cells of the enabled accounts of one subject, of one
//! organization in one role, or of one role platform-wide (officers). The cells are sealed
//! under the platform data key, bound to the account row (`accounts.email`). Also the past
//! recipients of a record, from the access log.

use super::schema::accounts;
use super::{AnyConnection, StorageError, Timestamp};
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

/// The organizations that received `record_id` in an allowed query since `since`, each with
/// the last time it did, from the access log (R-24: past recipients hear of a correction).
/// Record ids are stored as a JSON array of UUID strings, so the quoted id matches exactly.
pub fn recipients_of_record(
    conn: &mut AnyConnection,
    record_id: &str,
    since: Timestamp,
) -> Result<Vec<(String, Timestamp)>, StorageError> {
    use super::schema::audit_entries;
    let rows: Vec<(Option<String>, Option<Timestamp>)> = audit_entries::table
        .filter(audit_entries::action.eq("query"))
        .filter(audit_entries::decision.eq("allowed"))
        .filter(audit_entries::at.ge(since))
        .filter(audit_entries::organization_id.is_not_null())
        .filter(audit_entries::record_ids.like(format!("%\"{record_id}\"%")))
        .group_by(audit_entries::organization_id)
        .select((audit_entries::organization_id, diesel::dsl::max(audit_entries::at)))
        .order(audit_entries::organization_id)
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(org, at)| Some((org?, at?))).collect())
}
