//! Pinned deadlines on the working-day calendar: computed once when a clock starts, stored with
//! the calendar versions they used, never recomputed from a later calendar.

use super::Platform;
use crate::policy::{Calendar, WorkingDays};
use crate::storage::objections::{ObjectionRow, StateChange};
use chrono::NaiveDate;

/// Starts (or continues) the provider's clock: `due_on` is `n` working days after `start`;
/// the reminder goes out `reminder_working_days_before_due` working days before it.
/// `earlier_version` is the pinned version of a previous segment (an extension's base).
pub(super) fn pin_provider_deadline(
    platform: &Platform,
    change: &mut StateChange,
    start: NaiveDate,
    n: WorkingDays,
    earlier: Option<(&str, bool)>,
) -> NaiveDate {
    let calendar = &platform.policies.calendar;
    let deadline = calendar.add_working_days(start, n);
    let reminder = platform.policies.workflow.objection.reminder_working_days_before_due;
    let (version, estimated) = match earlier {
        Some((before, was_estimated)) => (merge_versions(before, &deadline.calendar_version), was_estimated),
        None => (deadline.calendar_version.clone(), false),
    };
    change.due_on = Some(deadline.due_on.to_string());
    change.due_calendar_version = Some(version);
    change.due_estimated = estimated || deadline.estimated;
    change.remind_on = Some(working_days_before(calendar, deadline.due_on, reminder).to_string());
    change.reminded_at = None;
    deadline.due_on
}

/// The provider's current deadline, to be moved by an extension or a pause: the due date, the
/// calendar versions pinned for it and whether it was estimated. Without one (never expected
/// while with the provider) the clock is taken to start today.
pub(super) fn current_deadline(
    platform: &Platform,
    row: &ObjectionRow,
) -> Result<(NaiveDate, String, bool), super::WorkflowError> {
    Ok(match (&row.due_on, &row.due_calendar_version) {
        (Some(due), Some(version)) => (super::parse_date(due)?, version.clone(), row.due_estimated),
        _ => (platform.clock.today(), String::new(), row.due_estimated),
    })
}

/// The `n`th working day before `date` (the reminder day).
pub(super) fn working_days_before(calendar: &Calendar, date: NaiveDate, n: WorkingDays) -> NaiveDate {
    let (mut day, mut counted) = (date, 0);
    while counted < n.0 {
        let Some(previous) = day.pred_opt() else { return day };
        day = previous;
        counted += u32::from(calendar.is_working_day(day).is_working());
    }
    day
}

/// The union of two pinned version lists (`YYYY:hash,...`), keeping order: a year counted on
/// two different files keeps both entries, which is exactly what happened.
pub(super) fn merge_versions(a: &str, b: &str) -> String {
    let mut parts: Vec<&str> = a.split(',').filter(|p| !p.is_empty()).collect();
    for part in b.split(',').filter(|p| !p.is_empty()) {
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join(",")
}

/// Working days left until the end of `due_on` (negative once overdue).
pub(super) fn days_left(platform: &Platform, due_on: NaiveDate) -> i64 {
    platform.policies.calendar.working_days_between(platform.clock.today(), due_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_merge_without_repeats() {
        assert_eq!(merge_versions("2026:a", "2026:a"), "2026:a");
        assert_eq!(merge_versions("2026:a", "2026:a,2027:none"), "2026:a,2027:none");
        assert_eq!(merge_versions("2026:a", "2026:b"), "2026:a,2026:b");
    }

    #[test]
    fn the_reminder_day_skips_back_over_days_off() {
        let calendar = Calendar::default();
        let monday = NaiveDate::from_ymd_opt(2031, 3, 10).unwrap_or_default();
        let friday = NaiveDate::from_ymd_opt(2031, 3, 7).unwrap_or_default();
        assert_eq!(working_days_before(&calendar, monday, WorkingDays(1)), friday);
    }
}
