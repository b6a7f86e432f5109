//! What is attached to a record besides its versions: the subject's statement, shown
//! with every disclosure, and the permanent annotations an objection decision leaves (an
//! "unverifiable" outcome records the verification and the objection for good).

use super::records::ROWS_PER_STATEMENT;
use super::schema::{record_annotations, record_statements};
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

/// The subject's statements on `record_ids`: `(record_id, cell)`. The cell is sealed under the
/// subject's data key for table `record_statements`, column `statement`, row id = record id
/// (open it with `workflow::record_statement::open`).
pub fn statements_for(conn: &mut AnyConnection, record_ids: &[String]) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    let mut found = Vec::new();
    for chunk in record_ids.chunks(ROWS_PER_STATEMENT) {
        found.extend(
            record_statements::table
                .filter(record_statements::record_id.eq_any(chunk))
                .select((record_statements::record_id, record_statements::statement_cell))
                .load::<(String, Vec<u8>)>(conn)?,
        );
    }
    Ok(found)
}

/// Adds or replaces the subject's statement on a record (one per record).
pub fn put_statement(
    conn: &mut AnyConnection,
    record_id: &str,
    subject_id: &str,
    cell: &[u8],
    now: Timestamp,
) -> Result<(), StorageError> {
    let query = diesel::insert_into(record_statements::table)
        .values((
            record_statements::record_id.eq(record_id),
            record_statements::subject_id.eq(subject_id),
            record_statements::statement_cell.eq(cell),
            record_statements::created_at.eq(now),
            record_statements::updated_at.eq(now),
        ))
        .on_conflict(record_statements::record_id)
        .do_update()
        .set((record_statements::statement_cell.eq(cell), record_statements::updated_at.eq(now)));
    // diesel's MultiConnection has no ON CONFLICT: run it on the concrete connection.
    on_backend!(conn, |c| query.execute(c))?;
    Ok(())
}

/// A permanent annotation on a record ("verified, could not be confirmed", with the objection).
pub fn annotate_record(
    conn: &mut AnyConnection,
    id: &str,
    record_id: &str,
    objection_id: &str,
    kind: &str,
    now: Timestamp,
) -> Result<(), StorageError> {
    diesel::insert_into(record_annotations::table)
        .values((
            record_annotations::id.eq(id),
            record_annotations::record_id.eq(record_id),
            record_annotations::objection_id.eq(objection_id),
            record_annotations::kind.eq(kind),
            record_annotations::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// `(record_id, kind, objection_id)` of the annotations on `record_ids`.
pub fn annotations_for(
    conn: &mut AnyConnection,
    record_ids: &[String],
) -> Result<Vec<(String, String, String)>, StorageError> {
    Ok(record_annotations::table
        .filter(record_annotations::record_id.eq_any(record_ids))
        .order(record_annotations::created_at)
        .select((record_annotations::record_id, record_annotations::kind, record_annotations::objection_id))
        .load(conn)?)
}

/// Whether the record carries an annotation of this kind.
pub fn has_annotation(conn: &mut AnyConnection, record_id: &str, kind: &str) -> Result<bool, StorageError> {
    let found: i64 = record_annotations::table
        .filter(record_annotations::record_id.eq(record_id))
        .filter(record_annotations::kind.eq(kind))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}
