//! The Chinese working-day calendar (`policies/calendar/cn-YYYY.toml`, R-39): statutory
//! holidays and make-up working days (调休) per year, and deadline arithmetic on it.
//!
//! Rules: Monday–Friday are working days, Saturday and Sunday are not, except that a listed
//! holiday is never a working day and a listed make-up day always is. A year without a file is
//! computed on weekends only, and every answer that depended on such a year says so
//! (`DayKind::Estimated*`, `Deadline::estimated`). Counting starts the day after the event
//! (Civil Code Art. 201). Each year's version is the SHA-256 of its file; a deadline records the
//! versions of the years it spans (`calendar_version`), so the workflow can pin it and tell
//! later whether the calendar under it changed.
//!
//! Contract: pure functions of the loaded files; no clock reads (callers pass `today`); no
//! panics on any date (arithmetic stops at `NaiveDate::MAX`, flagged as estimated).

use super::Names;
use super::error::PolicyError;
use super::workflow::WorkingDays;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// The folder inside the policy folder.
pub const DIR: &str = "calendar";

/// What a day is on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Monday–Friday, not a holiday.
    Working,
    /// A weekend day made a working day (调休).
    MakeUpWorkingDay,
    Weekend,
    /// A statutory holiday.
    Holiday,
    /// Monday–Friday in a year with no calendar file.
    EstimatedWorking,
    /// Saturday or Sunday in a year with no calendar file.
    EstimatedWeekend,
}

impl DayKind {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Working | DayKind::MakeUpWorkingDay | DayKind::EstimatedWorking)
    }

    pub fn is_estimated(self) -> bool {
        matches!(self, DayKind::EstimatedWorking | DayKind::EstimatedWeekend)
    }
}

/// A computed due date, with the calendar versions it was computed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub due_on: NaiveDate,
    /// `YYYY:<sha256 hex>` (or `YYYY:none`) for each year from the start to the due date,
    /// comma-separated.
    pub calendar_version: String,
    /// Some day the computation looked at lies in a year with no calendar file.
    pub estimated: bool,
}

/// One statutory holiday of a year, with its make-up working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub names: Names,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub make_up_working_days: Vec<NaiveDate>,
}

/// One loaded `cn-YYYY.toml`.
#[derive(Debug, Clone)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub holidays: Vec<Holiday>,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub version: String,
    holiday_days: BTreeSet<NaiveDate>,
    make_up_days: BTreeSet<NaiveDate>,
}

/// The calendar over every loaded year.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, CalendarYear>,
}

impl Calendar {
    /// Builds a calendar from parsed years; a year given twice is refused.
    pub fn from_years(years: Vec<CalendarYear>) -> Result<Calendar, PolicyError> {
        let mut map = BTreeMap::new();
        for year in years {
            let y = year.year;
            if map.insert(y, year).is_some() {
                let file = format!("{DIR}/cn-{y}.toml");
                let value = y.to_string();
                return Err(PolicyError::Duplicate { file, key: "year".into(), what: "year", value });
            }
        }
        Ok(Calendar { years: map })
    }

    /// Years that have a file, ascending.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// The version (file hash) of a year, `None` when the year has no file.
    pub fn version_of(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.version.as_str())
    }

    /// The pinned version string of the years `from.year()..=to.year()`.
    pub fn span_version(&self, from: NaiveDate, to: NaiveDate) -> String {
        let (a, b) = if from <= to { (from.year(), to.year()) } else { (to.year(), from.year()) };
        (a..=b).map(|y| format!("{y}:{}", self.version_of(y).unwrap_or("none"))).collect::<Vec<_>>().join(",")
    }

    /// What `date` is.
    pub fn is_working_day(&self, date: NaiveDate) -> DayKind {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        match self.years.get(&date.year()) {
            None if weekend => DayKind::EstimatedWeekend,
            None => DayKind::EstimatedWorking,
            Some(y) if y.holiday_days.contains(&date) => DayKind::Holiday,
            Some(y) if y.make_up_days.contains(&date) => DayKind::MakeUpWorkingDay,
            Some(_) if weekend => DayKind::Weekend,
            Some(_) => DayKind::Working,
        }
    }

    /// The `n`th working day after `start` (`start` itself is never counted; `n = 0` is `start`).
    pub fn add_working_days(&self, start: NaiveDate, n: WorkingDays) -> Deadline {
        let (mut day, mut counted, mut estimated) = (start, 0u32, false);
        while counted < n.0 {
            let Some(next) = day.succ_opt() else {
                return self.deadline(start, NaiveDate::MAX, true);
            };
            day = next;
            let kind = self.is_working_day(day);
            estimated |= kind.is_estimated();
            counted += u32::from(kind.is_working());
        }
        self.deadline(start, day, estimated)
    }

    /// `start` plus `n` calendar days; when that day is not a working day the deadline moves to
    /// the next working day (Civil Code Art. 203). Estimated when the last day or a day it
    /// moved over lies in a year with no file.
    pub fn add_calendar_days(&self, start: NaiveDate, n: u32) -> Deadline {
        let Some(mut day) = start.checked_add_days(chrono::Days::new(u64::from(n))) else {
            return self.deadline(start, NaiveDate::MAX, true);
        };
        let mut kind = self.is_working_day(day);
        let mut estimated = kind.is_estimated();
        while !kind.is_working() {
            let Some(next) = day.succ_opt() else {
                return self.deadline(start, NaiveDate::MAX, true);
            };
            day = next;
            kind = self.is_working_day(day);
            estimated |= kind.is_estimated();
        }
        self.deadline(start, day, estimated)
    }

    /// Working days in `(from, to]` ("days left" until `to`); negative when `to` is before
    /// `from` (days overdue); 0 when equal.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let count =
            a.iter_days().skip(1).take_while(|d| *d <= b).filter(|d| self.is_working_day(*d).is_working()).count();
        sign * i64::try_from(count).unwrap_or(i64::MAX)
    }

    /// A start-up warning when the current year has no file, or, from 1 December on, when next
    /// year has none (deadlines reaching into it would be estimated).
    pub fn missing_next_year_warning(&self, today: NaiveDate) -> Option<String> {
        let this = today.year();
        let missing = if !self.years.contains_key(&this) {
            Some(this)
        } else if today.month() == 12 && !self.years.contains_key(&(this + 1)) {
            Some(this + 1)
        } else {
            None
        }?;
        Some(format!(
            "no working-day calendar for {missing}: deadlines reaching into {missing} are \
             computed on weekends only and flagged as estimated; add \
             policies/{DIR}/cn-{missing}.toml once the State Council publishes the holidays"
        ))
    }

    fn deadline(&self, start: NaiveDate, due_on: NaiveDate, estimated: bool) -> Deadline {
        Deadline { due_on, calendar_version: self.span_version(start, due_on), estimated }
    }
}

mod year;
pub(crate) use year::hex;

#[cfg(test)]
mod tests;
