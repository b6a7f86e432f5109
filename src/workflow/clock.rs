//! Time as a dependency: the platform reads "now" only through a `Clock`, so tests move time
//! (deadlines, token expiry, sweeps) instead of sleeping.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Naive UTC, the stored timestamp form.
    fn now_naive(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }

    /// Today's local date in the platform's time zone: deadlines are local dates.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&local_offset()).date_naive()
    }
}

/// Asia/Shanghai, the platform's time zone: UTC+08:00 all year (no daylight saving since 1991),
/// so a fixed offset is exact and needs no time-zone database.
pub fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
