//! Calendar tests on the shipped 2025 and 2026 files (2027 has none).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

const Y2025: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/calendar/cn-2025.toml"));
const Y2026: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/calendar/cn-2026.toml"));

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn shipped() -> Calendar {
    Calendar::from_years(vec![
        CalendarYear::parse("calendar/cn-2025.toml", Y2025).unwrap(),
        CalendarYear::parse("calendar/cn-2026.toml", Y2026).unwrap(),
    ])
    .unwrap()
}

fn due(cal: &Calendar, start: &str, n: u32) -> NaiveDate {
    cal.add_working_days(d(start), WorkingDays(n)).due_on
}

#[test]
fn day_kinds() {
    let cal = shipped();
    assert_eq!(cal.is_working_day(d("2026-10-01")), DayKind::Holiday);
    assert_eq!(cal.is_working_day(d("2026-10-05")), DayKind::Holiday, "a Monday inside a holiday");
    assert_eq!(cal.is_working_day(d("2026-10-10")), DayKind::MakeUpWorkingDay);
    assert_eq!(cal.is_working_day(d("2026-10-11")), DayKind::Weekend);
    assert_eq!(cal.is_working_day(d("2026-10-12")), DayKind::Working);
    assert_eq!(cal.is_working_day(d("2027-01-01")), DayKind::EstimatedWorking);
    assert_eq!(cal.is_working_day(d("2027-01-02")), DayKind::EstimatedWeekend);
    assert!(cal.is_working_day(d("2025-01-26")).is_working(), "Sunday make-up day");
}

#[test]
fn national_day_2026_objection_accepted_on_wednesday_30_september() {
    // Sep 30 (Wed) not counted; Oct 1-7 holiday; Oct 8 Thu = 1, Oct 9 Fri = 2,
    // Oct 10 Sat (make-up working day) = 3.
    let cal = shipped();
    let deadline = cal.add_working_days(d("2026-09-30"), WorkingDays(3));
    assert_eq!(deadline.due_on, d("2026-10-10"));
    assert!(!deadline.estimated);
    assert_eq!(deadline.calendar_version, format!("2026:{}", cal.version_of(2026).unwrap()));
    // With the one extension (3 + 3): Oct 12, 13, 14.
    assert_eq!(due(&cal, "2026-09-30", 6), d("2026-10-14"));
}

#[test]
fn spring_festival_spans_are_skipped_and_make_up_days_counted() {
    let cal = shipped();
    // 2026: Feb 14 (Sat) make-up = 1; Feb 15-23 holiday; Feb 24 = 2; Feb 25 = 3.
    assert_eq!(due(&cal, "2026-02-13", 1), d("2026-02-14"));
    assert_eq!(due(&cal, "2026-02-13", 3), d("2026-02-25"));
    // Feb 28 (Sat) is a make-up working day: Friday 27 + 1 = Saturday 28.
    assert_eq!(due(&cal, "2026-02-27", 1), d("2026-02-28"));
    // 2025: Jan 25 Sat no; Jan 26 Sun make-up = 1; Jan 27 = 2; Jan 28-Feb 4 holiday; Feb 5 = 3.
    assert_eq!(due(&cal, "2025-01-24", 3), d("2025-02-05"));
    // The hard cap of 7: Feb 6, 7, 8 (Sat make-up), 10 -> 7th working day is Feb 10.
    assert_eq!(due(&cal, "2025-01-24", 7), d("2025-02-10"));
    // A start on a holiday: counting starts the next working day.
    assert_eq!(due(&cal, "2026-10-03", 1), d("2026-10-08"));
    assert_eq!(due(&cal, "2026-10-03", 0), d("2026-10-03"));
}

#[test]
fn crossing_into_a_year_without_a_file_is_estimated() {
    let cal = shipped();
    // Dec 31 Thu = 1; Jan 1 2027 Fri (no file: weekday) = 2; Jan 2-3 weekend; Jan 4 = 3.
    let deadline = cal.add_working_days(d("2026-12-30"), WorkingDays(3));
    assert_eq!(deadline.due_on, d("2027-01-04"));
    assert!(deadline.estimated);
    assert!(deadline.calendar_version.ends_with(",2027:none"));
    assert!(deadline.calendar_version.starts_with("2026:"));
    let inside = cal.add_working_days(d("2026-12-28"), WorkingDays(3));
    assert_eq!(inside.due_on, d("2026-12-31"));
    assert!(!inside.estimated);
    // 2025 into 2026: both known.
    let known = cal.add_working_days(d("2025-12-30"), WorkingDays(3));
    assert_eq!(known.due_on, d("2026-01-05"), "Jan 1-3 holiday, Jan 4 (Sun) make-up");
    assert!(!known.estimated);
}

#[test]
fn working_days_between_counts_days_left_and_overdue() {
    let cal = shipped();
    assert_eq!(cal.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
    assert_eq!(cal.working_days_between(d("2026-10-10"), d("2026-09-30")), -3);
    assert_eq!(cal.working_days_between(d("2026-10-10"), d("2026-10-10")), 0);
    assert_eq!(cal.working_days_between(d("2026-10-09"), d("2026-10-12")), 2);
}

#[test]
fn calendar_days_move_off_holidays() {
    let cal = shipped();
    let deadline = cal.add_calendar_days(d("2026-09-21"), 10);
    assert_eq!(deadline.due_on, d("2026-10-08"), "Oct 1 is a holiday: the next working day");
    assert_eq!(cal.add_calendar_days(d("2026-03-02"), 20).due_on, d("2026-03-23"), "Sunday 22 moves");
    assert_eq!(cal.add_calendar_days(d("2026-03-03"), 20).due_on, d("2026-03-23"));
    assert!(cal.add_calendar_days(d("2026-12-20"), 20).estimated);
}

#[test]
fn december_warns_when_next_year_is_missing() {
    let cal = shipped();
    let warning = cal.missing_next_year_warning(d("2026-12-01")).unwrap();
    assert!(warning.contains("2027") && warning.contains("cn-2027.toml"));
    assert!(cal.missing_next_year_warning(d("2026-11-30")).is_none());
    assert!(cal.missing_next_year_warning(d("2025-12-15")).is_none(), "2026 exists");
    assert!(cal.missing_next_year_warning(d("2027-03-01")).unwrap().contains("2027"));
}

#[test]
fn year_files_are_validated() {
    let text = std::str::from_utf8(Y2026).unwrap();
    let parse = |name: &str, t: String| CalendarYear::parse(name, t.as_bytes()).unwrap_err();
    let err = parse("calendar/cn-2027.toml", text.to_owned());
    assert_eq!((err.file(), err.key()), ("calendar/cn-2027.toml", "year"));
    let both = text.replacen("[\"2026-01-04\"]", "[\"2026-01-03\"]", 1);
    let err = parse("calendar/cn-2026.toml", both);
    assert_eq!(err.code(), "bad_date");
    assert!(err.to_string().contains("both a holiday and a make-up"));
    let weekday = text.replacen("[\"2026-01-04\"]", "[\"2026-01-05\"]", 1);
    assert!(parse("calendar/cn-2026.toml", weekday).to_string().contains("Saturday or Sunday"));
    let overlap = text.replacen("to = \"2026-01-03\"", "to = \"2026-02-16\"", 1);
    assert_eq!(parse("calendar/cn-2026.toml", overlap).code(), "bad_date");
    let extra = text.replacen("year = 2026", "year = 2026\nregion = \"cn\"", 1);
    assert_eq!(parse("calendar/cn-2026.toml", extra).key(), "region");
    assert!(
        Calendar::from_years(vec![
            CalendarYear::parse("calendar/cn-2026.toml", Y2026).unwrap(),
            CalendarYear::parse("calendar/cn-2026.toml", Y2026).unwrap(),
        ])
        .is_err()
    );
}

#[test]
fn shipped_years_have_the_published_days() {
    let cal = shipped();
    let count = |y: i32| {
        let year = cal.years().find(|c| c.year == y).unwrap();
        let days: usize = year.holidays.iter().map(|h| h.from.iter_days().take_while(|x| *x <= h.to).count()).sum();
        (days, year.holidays.iter().map(|h| h.make_up_working_days.len()).sum::<usize>())
    };
    assert_eq!(count(2026), (3 + 9 + 3 + 5 + 3 + 3 + 7, 6));
    assert_eq!(count(2025), (1 + 8 + 3 + 5 + 3 + 8, 5));
}
