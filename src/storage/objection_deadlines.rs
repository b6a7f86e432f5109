//! What the deadline sweeper reads and claims (`workflow::objections::sweep`): objections past
//! the provider's due date, reminders due, re-reviews past their due date. Each claim is one
//! UPDATE conditional on the state it was read in, so among several instances exactly one
//! wins and the others write nothing.

use super::objections::ObjectionRow;
use super::schema::objections;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

/// With the provider and past `due_on` (`due_on < today`): the sweeper's overdue candidates.
pub fn past_due(conn: &mut AnyConnection, today: &str, limit: i64) -> Result<Vec<ObjectionRow>, StorageError> {
    Ok(objections::table
        .filter(objections::status.eq("with_provider"))
        .filter(objections::due_on.lt(today))
        .order(objections::due_on)
        .limit(limit)
        .select(ObjectionRow::as_select())
        .load(conn)?)
}

/// With the provider or waiting for an officer's re-review, reminder day reached, reminder not
/// yet claimed.
pub fn reminders_due(conn: &mut AnyConnection, today: &str, limit: i64) -> Result<Vec<ObjectionRow>, StorageError> {
    Ok(objections::table
        .filter(objections::status.eq_any(["with_provider", "review_requested"]))
        .filter(objections::reminded_at.is_null())
        .filter(objections::remind_on.le(today))
        .order(objections::remind_on)
        .limit(limit)
        .select(ObjectionRow::as_select())
        .load(conn)?)
}

/// Takes the reminder of the deadline `due_on` (the provider's, or with `review` the officers'
/// re-review deadline) for this caller; `true` only for the one winner. Conditional on the due
/// date too: an extension meanwhile makes a new reminder, not this one.
pub fn claim_reminder(
    conn: &mut AnyConnection,
    id: &str,
    review: bool,
    due_on: &str,
    now: Timestamp,
) -> Result<bool, StorageError> {
    let mine = objections::table.find(id).filter(objections::reminded_at.is_null());
    let n = if review {
        diesel::update(
            mine.filter(objections::status.eq("review_requested")).filter(objections::review_due_on.eq(due_on)),
        )
        .set(objections::reminded_at.eq(Some(now)))
        .execute(conn)?
    } else {
        diesel::update(mine.filter(objections::status.eq("with_provider")).filter(objections::due_on.eq(due_on)))
            .set(objections::reminded_at.eq(Some(now)))
            .execute(conn)?
    };
    Ok(n == 1)
}

/// Waiting for an officer's re-review past its due date, not yet escalated.
pub fn reviews_past_due(conn: &mut AnyConnection, today: &str, limit: i64) -> Result<Vec<ObjectionRow>, StorageError> {
    Ok(objections::table
        .filter(objections::status.eq("review_requested"))
        .filter(objections::review_due_on.lt(today))
        .filter(objections::review_escalated_at.is_null())
        .order(objections::review_due_on)
        .limit(limit)
        .select(ObjectionRow::as_select())
        .load(conn)?)
}

/// Takes the escalation of a re-review past `review_due_on`; `true` only for the one winner,
/// and only while the review is still undecided.
pub fn claim_review_escalation(
    conn: &mut AnyConnection,
    id: &str,
    review_due_on: &str,
    now: Timestamp,
) -> Result<bool, StorageError> {
    let n = diesel::update(
        objections::table
            .find(id)
            .filter(objections::status.eq("review_requested"))
            .filter(objections::review_due_on.eq(review_due_on))
            .filter(objections::review_escalated_at.is_null()),
    )
    .set(objections::review_escalated_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
