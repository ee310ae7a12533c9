//! Times as people read them: in their own time zone (`TZ`, else the system's), with the zone
//! named once. JSON keeps UTC.

use std::time::SystemTime;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The reader's time zone.
#[derive(Debug, Clone)]
pub struct Clock {
    zone: TimeZone,
}

impl Clock {
    /// `TZ`, else the system's zone, else UTC.
    pub fn local() -> Clock {
        Clock {
            zone: TimeZone::try_system().unwrap_or(TimeZone::UTC),
        }
    }

    pub fn utc() -> Clock {
        Clock {
            zone: TimeZone::UTC,
        }
    }

    fn zoned(&self, time: SystemTime) -> Option<ZonedDateTime> {
        Timestamp::try_from(time)
            .ok()
            .map(|t| t.to_zoned_datetime(self.zone.clone()))
    }

    /// "Europe/Paris (CET)", "UTC", or the offset's abbreviation alone.
    pub fn zone_name(&self, now: SystemTime) -> String {
        let abbreviation = Timestamp::try_from(now)
            .ok()
            .map(|t| self.zone.to_offset_info(t).abbreviation().to_string())
            .unwrap_or_default();
        match self.zone.iana_name() {
            Some(name) if name == abbreviation || abbreviation.is_empty() => name.to_string(),
            Some(name) => format!("{name} ({abbreviation})"),
            None if abbreviation.is_empty() => "local time".to_string(),
            None => abbreviation,
        }
    }

    /// "07:42".
    pub fn time(&self, time: SystemTime) -> String {
        self.format(time, "%H:%M")
    }

    /// "Tue 1 Dec".
    pub fn day(&self, time: SystemTime) -> String {
        self.format(time, "%a %-d %b")
    }

    /// "07:42" today, else "Tue 1 Dec 07:42".
    pub fn moment(&self, time: SystemTime, now: SystemTime) -> String {
        if self.same_day(time, now) {
            self.time(time)
        } else {
            self.format(time, "%a %-d %b %H:%M")
        }
    }

    pub fn same_day(&self, a: SystemTime, b: SystemTime) -> bool {
        match (self.zoned(a), self.zoned(b)) {
            (Some(a), Some(b)) => a.date() == b.date(),
            _ => false,
        }
    }

    /// The start of the local hour (or of the local day) that holds `time`.
    pub fn start_of(&self, time: SystemTime, whole_days: bool) -> SystemTime {
        let Some(zoned) = self.zoned(time) else {
            return time;
        };
        let start = if whole_days {
            zoned.start_of_day().ok()
        } else {
            zoned
                .datetime()
                .with()
                .minute(0)
                .second(0)
                .subsec_nanosecond(0)
                .build()
                .ok()
                .and_then(|dt| dt.to_zoned_datetime(self.zone.clone()).ok())
        };
        start
            .and_then(|z| SystemTime::try_from(z.timestamp()).ok())
            .unwrap_or(time)
    }

    fn format(&self, time: SystemTime, pattern: &str) -> String {
        self.zoned(time)
            .map(|z| z.strftime(pattern).to_string())
            .unwrap_or_default()
    }
}
