//! Requests for bulk access-log exports and their second officer's approval.
//!
//! Contract: every state change is one conditional `UPDATE`, so two officers racing to
//! approve, or two downloads racing to take the file, change the row at most once; the
//! workflow reads the row again to tell the loser why. The filter is stored as the workflow
//! serialized it (ids and codes only).

use super::schema::audit_export_approvals as approvals;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = approvals)]
pub struct ExportApprovalRow {
    pub id: String,
    pub requested_by: String,
    pub filter: String,
    pub requested_at: Timestamp,
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
    pub taken_at: Option<Timestamp>,
}

pub fn insert(conn: &mut AnyConnection, row: &ExportApprovalRow) -> Result<(), StorageError> {
    diesel::insert_into(approvals::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<ExportApprovalRow>, StorageError> {
    Ok(approvals::table.find(id).select(ExportApprovalRow::as_select()).first(conn).optional()?)
}

/// Approves a request nobody has approved yet, by anyone but its requester; false otherwise.
pub fn approve(conn: &mut AnyConnection, id: &str, approver: &str, at: Timestamp) -> Result<bool, StorageError> {
    let changed = diesel::update(
        approvals::table.find(id).filter(approvals::approved_by.is_null()).filter(approvals::requested_by.ne(approver)),
    )
    .set((approvals::approved_by.eq(Some(approver)), approvals::approved_at.eq(Some(at))))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks an approved request's file taken by its requester, if approved after
/// `approved_after` and not taken before; false otherwise.
pub fn take(
    conn: &mut AnyConnection,
    id: &str,
    requester: &str,
    approved_after: Timestamp,
    at: Timestamp,
) -> Result<bool, StorageError> {
    let changed = diesel::update(
        approvals::table
            .find(id)
            .filter(approvals::requested_by.eq(requester))
            .filter(approvals::approved_at.gt(approved_after))
            .filter(approvals::taken_at.is_null()),
    )
    .set(approvals::taken_at.eq(Some(at)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The latest requests, newest first.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<ExportApprovalRow>, StorageError> {
    Ok(approvals::table
        .order((approvals::requested_at.desc(), approvals::id.desc()))
        .limit(limit)
        .select(ExportApprovalRow::as_select())
        .load(conn)?)
}
