//! Formal credit reports issued to subjects: one row per issued report, holding only its
//! slot (the subject's row id, the calendar year, the report's number within it) and when it
//! was issued. The content is built from records and the access log at issue time and is never
//! stored here. The unique slot `(subject_id, year, number)` is the last word on the yearly
//! limit: a second holder of a slot fails with `StorageError::Duplicate`.

use super::schema::formal_reports;
use super::{AnyConnection, StorageError, Timestamp};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = formal_reports)]
pub struct FormalReportRow {
    pub id: String,
    pub subject_id: String,
    /// The calendar year in the platform's time zone.
    pub year: i32,
    /// 1-based number within the year.
    pub number: i32,
    pub issued_at: Timestamp,
}

/// Takes the row's slot; `Duplicate` when another transaction took it first.
pub fn insert(conn: &mut AnyConnection, row: &FormalReportRow) -> Result<(), StorageError> {
    diesel::insert_into(formal_reports::table).values(row).execute(conn)?;
    Ok(())
}

/// The subject's reports of `year`, first issued first (read through the slot's unique index).
pub fn in_year(conn: &mut AnyConnection, subject_id: &str, year: i32) -> Result<Vec<FormalReportRow>, StorageError> {
    Ok(formal_reports::table
        .filter(formal_reports::subject_id.eq(subject_id))
        .filter(formal_reports::year.eq(year))
        .order(formal_reports::number)
        .select(FormalReportRow::as_select())
        .load(conn)?)
}
