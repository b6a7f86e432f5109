//! `StoredTime`: a `TIMESTAMP` column value that SQLite writes and reads without chrono's
//! format machinery, for the row types that bulk intake writes and the hot paths read.
//!
//! diesel stores a SQLite timestamp as text formatted with `"%F %T%.f"`, which parses that
//! pattern again for every value: about 7 % of the intake writer's time went to formatting
//! the rows' timestamps. `StoredTime` writes exactly the same text by hand (a test compares
//! it with chrono's over arbitrary instants), so rows written either way sort and compare
//! alike, and reads diesel's stored form directly, falling back to diesel for any other text.
//! PostgreSQL's binary timestamps go through diesel unchanged.

use super::connection::MultiBackend;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// A stored instant (naive UTC, like `storage::Timestamp`), cheap to bind and decode on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub struct StoredTime(pub NaiveDateTime);

/// Read as the instant it holds (`row.created_at.and_utc()`).
impl std::ops::Deref for StoredTime {
    type Target = NaiveDateTime;
    fn deref(&self) -> &NaiveDateTime {
        &self.0
    }
}

impl From<NaiveDateTime> for StoredTime {
    fn from(at: NaiveDateTime) -> Self {
        StoredTime(at)
    }
}

impl ToSql<Timestamp, Sqlite> for StoredTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(encode(&self.0));
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Pg> for StoredTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<Timestamp, Sqlite> for StoredTime {
    fn from_sql(mut value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(at) = parse(value.read_text()) {
            return Ok(StoredTime(at));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(StoredTime)
    }
}

impl FromSql<Timestamp, Pg> for StoredTime {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(StoredTime)
    }
}

/// Rows written through `AnyConnection` bind on whichever backend it is.
impl ToSql<Timestamp, MultiBackend> for StoredTime {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((Timestamp, self));
        Ok(IsNull::No)
    }
}

/// Rows read through `AnyConnection` decode on whichever backend they came from.
impl FromSql<Timestamp, MultiBackend> for StoredTime {
    fn from_sql(value: <MultiBackend as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// How diesel writes a SQLite `TIMESTAMP`.
const DIESEL_FORMAT: &str = "%F %T%.f";

/// diesel's `"%F %T%.f"`: the fraction is left out when zero, else 3, 6 or 9 digits, the
/// fewest that hold it. Years outside 0..=9999 and leap seconds go through chrono.
fn encode(at: &NaiveDateTime) -> String {
    let (date, time) = (at.date(), at.time());
    let nanos = time.nanosecond();
    let year = match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 && nanos < 1_000_000_000 => year,
        _ => return at.format(DIESEL_FORMAT).to_string(),
    };
    let mut text = String::with_capacity(29);
    push_digits(&mut text, year, 4);
    text.push('-');
    push_digits(&mut text, date.month(), 2);
    text.push('-');
    push_digits(&mut text, date.day(), 2);
    text.push(' ');
    push_digits(&mut text, time.hour(), 2);
    text.push(':');
    push_digits(&mut text, time.minute(), 2);
    text.push(':');
    push_digits(&mut text, time.second(), 2);
    if nanos != 0 {
        text.push('.');
        if nanos % 1_000_000 == 0 {
            push_digits(&mut text, nanos / 1_000_000, 3);
        } else if nanos % 1_000 == 0 {
            push_digits(&mut text, nanos / 1_000, 6);
        } else {
            push_digits(&mut text, nanos, 9);
        }
    }
    text
}

/// `value` as exactly `width` decimal digits (callers keep it below 10^width).
fn push_digits(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

/// `YYYY-MM-DD HH:MM:SS` with an optional `.` and 1 to 9 fraction digits; None otherwise.
fn parse(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let nanos = match b.get(19..) {
        Some([]) => 0,
        Some([b'.', digits @ ..]) if (1..=9).contains(&digits.len()) => {
            num(20..b.len())? * 10u32.pow(9 - u32::try_from(digits.len()).ok()?)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(NaiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_stored_forms_parse_exactly_and_anything_else_is_left_to_diesel() {
        let chrono = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").ok();
        for text in [
            "2026-09-30 01:00:00",
            "2026-09-30 01:00:00.1",
            "2026-09-30 01:00:00.123456",
            "1999-12-31 23:59:59.987654321",
        ] {
            assert_eq!(parse(text), chrono(text), "{text}");
            assert!(parse(text).is_some());
        }
        for text in ["2026-09-30T01:00:00", "2026-09-30 01:00", "2026-13-30 01:00:00", "2026-09-30 01:00:00.", "x"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    proptest! {
        /// Whole seconds, milli-, micro- and nanosecond fractions, leap seconds and years
        /// beyond four digits: the text is diesel's, and it reads back as the same instant.
        #[test]
        fn encoding_matches_chrono_and_reads_back(
            secs in -70_000_000_000i64..300_000_000_000i64,
            nanos in prop_oneof![Just(0u32), (1u32..1000).prop_map(|m| m * 1_000_000),
                                 (1u32..1_000_000).prop_map(|u| u * 1000), 1u32..2_000_000_000],
        ) {
            let Some(at) = chrono::DateTime::from_timestamp(secs, nanos).map(|t| t.naive_utc()) else {
                return Ok(());
            };
            let text = encode(&at);
            prop_assert_eq!(&text, &at.format(DIESEL_FORMAT).to_string());
            if (0..=9999).contains(&at.year()) && nanos < 1_000_000_000 {
                prop_assert_eq!(parse(&text), Some(at));
            }
        }
    }
}
