//! Parsing and validation of one `cn-YYYY.toml`: the file name names the year, every date lies
//! in it, holidays do not overlap, make-up working days are weekend days and never holidays.

use super::{CalendarYear, Holiday};
use crate::policy::Names;
use crate::policy::error::{PolicyError, parse_toml};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name_zh: String,
    name_en: String,
    from: String,
    to: String,
    make_up_working_days: Vec<String>,
}

impl CalendarYear {
    /// The year named by a file name `cn-YYYY.toml`, if it is one.
    pub fn year_of_file_name(name: &str) -> Option<i32> {
        let digits = name.strip_prefix("cn-")?.strip_suffix(".toml")?;
        let ok = digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| digits.parse().ok()).flatten()
    }

    /// Parses and validates one year file; `file` is its path relative to the policy folder
    /// (`calendar/cn-2026.toml`) and names the year.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<CalendarYear, PolicyError> {
        let name = file.rsplit('/').next().unwrap_or(file);
        let named = Self::year_of_file_name(name)
            .ok_or_else(|| PolicyError::invalid(file, "", "a calendar file is named cn-YYYY.toml"))?;
        let text = std::str::from_utf8(bytes)
            .map_err(|_| PolicyError::Unreadable { file: file.into(), reason: "not UTF-8".into() })?;
        let raw: YearFile = parse_toml(file, text)?;
        if raw.year != named {
            let reason = format!("the file name says {named} but `year` is {}", raw.year);
            return Err(PolicyError::invalid(file, "year", reason));
        }
        let mut year = CalendarYear {
            year: named,
            source: raw.source,
            holidays: Vec::with_capacity(raw.holidays.len()),
            version: hex(&Sha256::digest(bytes)),
            holiday_days: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
        };
        for (i, h) in raw.holidays.into_iter().enumerate() {
            let at = format!("holidays[{i}]");
            let date = |key: String, value: &str| parse_date(file, key, value, named);
            let from = date(format!("{at}.from"), &h.from)?;
            let to = date(format!("{at}.to"), &h.to)?;
            if to < from {
                let reason = "`to` is before `from`".to_owned();
                return Err(PolicyError::BadDate { file: file.into(), key: format!("{at}.to"), value: h.to, reason });
            }
            for day in from.iter_days().take_while(|d| *d <= to) {
                if !year.holiday_days.insert(day) {
                    let reason = "the day is already in another holiday".to_owned();
                    return Err(PolicyError::BadDate {
                        file: file.into(),
                        key: format!("{at}.from"),
                        value: day.to_string(),
                        reason,
                    });
                }
            }
            let mut make_up = Vec::with_capacity(h.make_up_working_days.len());
            for (j, value) in h.make_up_working_days.iter().enumerate() {
                let key = format!("{at}.make_up_working_days[{j}]");
                let day = date(key.clone(), value)?;
                if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    let reason = "a make-up working day must be a Saturday or Sunday".to_owned();
                    return Err(PolicyError::BadDate { file: file.into(), key, value: value.clone(), reason });
                }
                if !year.make_up_days.insert(day) {
                    return Err(PolicyError::Duplicate {
                        file: file.into(),
                        key,
                        what: "make-up working day",
                        value: value.clone(),
                    });
                }
                make_up.push(day);
            }
            let names = Names { zh: h.name_zh, en: h.name_en };
            year.holidays.push(Holiday { names, from, to, make_up_working_days: make_up });
        }
        if let Some(both) = year.holiday_days.intersection(&year.make_up_days).next() {
            let reason = "a date cannot be both a holiday and a make-up working day".to_owned();
            return Err(PolicyError::BadDate {
                file: file.into(),
                key: "holidays".into(),
                value: both.to_string(),
                reason,
            });
        }
        Ok(year)
    }
}

fn parse_date(file: &str, key: String, value: &str, year: i32) -> Result<NaiveDate, PolicyError> {
    let bad =
        |reason: String| PolicyError::BadDate { file: file.into(), key: key.clone(), value: value.into(), reason };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| bad("expected an existing date YYYY-MM-DD".into()))?;
    if date.year() != year {
        return Err(bad(format!("not in {year}, the year of the file")));
    }
    Ok(date)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
