//! PostgreSQL: a batch of access-log entries appended in ONE statement, one round trip, by an
//! appender that already knows the chain head (the group-commit writer remembers the head it
//! committed last). The statement moves the head from the expected sequence to the batch's
//! last and inserts the rows; when another appender moved the head first (another server
//! instance, or a workflow that logged a change in its own transaction) it changes nothing and
//! answers `false`, and the caller appends the usual way under the head lock
//! (`audit_log::lock_head`).
//!
//! Why: the locked path costs six round trips per batch (BEGIN, the head lock, a multi-row
//! INSERT prepared anew for every batch size, the head update, COMMIT), about as many round
//! trips as the queries whose entries it writes. Atomic without BEGIN/COMMIT: one statement
//! is its own transaction, and PostgreSQL runs a data-modifying CTE to completion whether or
//! not the main query reads it. Concurrency: the head UPDATE waits for any appender holding
//! the row lock and then re-checks `sequence` on the row that appender committed, so a stale
//! head matches nothing and nothing is inserted. The rows go in as one array per column
//! through UNNEST, so the statement's text never changes and stays prepared.

use super::audit_log::AuditEntryRow;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Binary, Nullable, Text};
use diesel::{PgConnection, QueryResult, RunQueryDsl};

const SQL_HEAD: &str = "WITH head AS (UPDATE audit_head SET sequence = ";
const SQL_INSERT: &str = " RETURNING id) INSERT INTO audit_entries (sequence, at, request_id, actor_account_id, \
     organization_id, role, action, purpose, authorization_id, subject_id, record_ids, fields, decision, \
     reason_code, policy_version, visible_to_subject_from, prev_mac, mac) SELECT * FROM UNNEST(";
const SQL_TAIL: &str = ") WHERE EXISTS (SELECT 1 FROM head)";

/// Inserts `rows` (already chained from the head at `expected`) and moves the head to the
/// last of them, if the head is still at `expected`. `Ok(false)`: the head had moved, or the
/// database is SQLite (whose appends have no round trips to save), and nothing was written.
pub fn append_after(conn: &mut AnyConnection, expected: i64, rows: &[AuditEntryRow]) -> Result<bool, StorageError> {
    let AnyConnection::Postgresql(conn) = conn else {
        return Ok(false);
    };
    let Some(last) = rows.last() else {
        return Ok(true);
    };
    let statement = AppendAfter { expected, last_sequence: last.sequence, last_mac: &last.mac, columns: columns(rows) };
    match statement.execute(conn)? {
        0 => Ok(false),
        n if n == rows.len() => Ok(true),
        // One statement is all or nothing; a partial count would be a bug in the SQL above.
        _ => Err(StorageError::Malformed("access-log append count")),
    }
}

/// The rows, one array per column, in the table's column order.
struct Columns<'a> {
    sequence: Vec<i64>,
    at: Vec<Timestamp>,
    request_id: Vec<&'a str>,
    actor_account_id: Vec<Option<&'a str>>,
    organization_id: Vec<Option<&'a str>>,
    role: Vec<&'a str>,
    action: Vec<&'a str>,
    purpose: Vec<Option<&'a str>>,
    authorization_id: Vec<Option<&'a str>>,
    subject_id: Vec<Option<&'a str>>,
    record_ids: Vec<&'a str>,
    fields: Vec<&'a str>,
    decision: Vec<&'a str>,
    reason_code: Vec<Option<&'a str>>,
    policy_version: Vec<&'a str>,
    visible_to_subject_from: Vec<Option<Timestamp>>,
    prev_mac: Vec<&'a [u8]>,
    mac: Vec<&'a [u8]>,
}

fn columns(rows: &[AuditEntryRow]) -> Columns<'_> {
    let text = |f: fn(&AuditEntryRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let optional = |f: fn(&AuditEntryRow) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
    Columns {
        sequence: rows.iter().map(|r| r.sequence).collect(),
        at: rows.iter().map(|r| r.at.0).collect(),
        request_id: text(|r| &r.request_id),
        actor_account_id: optional(|r| r.actor_account_id.as_deref()),
        organization_id: optional(|r| r.organization_id.as_deref()),
        role: text(|r| &r.role),
        action: text(|r| &r.action),
        purpose: optional(|r| r.purpose.as_deref()),
        authorization_id: optional(|r| r.authorization_id.as_deref()),
        subject_id: optional(|r| r.subject_id.as_deref()),
        record_ids: text(|r| &r.record_ids),
        fields: text(|r| &r.fields),
        decision: text(|r| &r.decision),
        reason_code: optional(|r| r.reason_code.as_deref()),
        policy_version: text(|r| &r.policy_version),
        visible_to_subject_from: rows.iter().map(|r| r.visible_to_subject_from.map(|t| t.0)).collect(),
        prev_mac: rows.iter().map(|r| r.prev_mac.as_slice()).collect(),
        mac: rows.iter().map(|r| r.mac.as_slice()).collect(),
    }
}

struct AppendAfter<'a> {
    expected: i64,
    last_sequence: i64,
    last_mac: &'a [u8],
    columns: Columns<'a>,
}

/// One static id: the SQL never changes, so diesel keeps the statement prepared.
impl QueryId for AppendAfter<'_> {
    type QueryId = AppendAfter<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl RunQueryDsl<PgConnection> for AppendAfter<'_> {}

impl QueryFragment<Pg> for AppendAfter<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        use diesel::sql_types::Timestamp as Ts;
        let c = &self.columns;
        out.push_sql(SQL_HEAD);
        out.push_bind_param::<BigInt, _>(&self.last_sequence)?;
        out.push_sql(", mac = ");
        out.push_bind_param::<Binary, _>(self.last_mac)?;
        out.push_sql(" WHERE id = 1 AND sequence = ");
        out.push_bind_param::<BigInt, _>(&self.expected)?;
        out.push_sql(SQL_INSERT);
        out.push_bind_param::<Array<BigInt>, _>(&c.sequence)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Ts>, _>(&c.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&c.request_id)?;
        for optional in [&c.actor_account_id, &c.organization_id] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Nullable<Text>>, _>(optional)?;
        }
        for text in [&c.role, &c.action] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(text)?;
        }
        for optional in [&c.purpose, &c.authorization_id, &c.subject_id] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Nullable<Text>>, _>(optional)?;
        }
        for text in [&c.record_ids, &c.fields, &c.decision] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Text>, _>(text)?;
        }
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&c.reason_code)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&c.policy_version)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Ts>>, _>(&c.visible_to_subject_from)?;
        for macs in [&c.prev_mac, &c.mac] {
            out.push_sql(", ");
            out.push_bind_param::<Array<Binary>, _>(macs)?;
        }
        out.push_sql(SQL_TAIL);
        Ok(())
    }
}
