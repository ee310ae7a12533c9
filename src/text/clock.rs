//! Times as people read them: in their own time zone (`TZ`, else the system's), with the zone
//! named. JSON keeps UTC (see `timestamp`).

use std::time::{SystemTime, UNIX_EPOCH};

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

    /// In a given zone: for tests, and for whoever needs another zone than the reader's.
    pub fn in_zone(zone: TimeZone) -> Clock {
        Clock { zone }
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
        // "Etc/UTC" is UTC by another name.
        match self
            .zone
            .iana_name()
            .map(|n| n.strip_prefix("Etc/").unwrap_or(n))
        {
            Some(name) if name == abbreviation || abbreviation.is_empty() => name.to_string(),
            Some(name) => format!("{name} ({abbreviation})"),
            None if abbreviation.is_empty() => "local time".to_string(),
            None => abbreviation,
        }
    }

    /// The time of day to the second, the zone named: "10:07:40 CET".
    pub fn time_of_day(&self, time: SystemTime) -> String {
        self.format(time, "%H:%M:%S %Z")
    }

    /// "since 10:05 CET, 37 min", or "since 2026-09-20 10:05 CET, 2 days" when it is not today.
    pub fn since(&self, start: SystemTime, now: SystemTime) -> String {
        let when = match self.same_day(start, now) {
            true => self.format(start, "%H:%M %Z"),
            false => self.format(start, "%F %H:%M %Z"),
        };
        match now.duration_since(start) {
            Ok(age) => format!("since {when}, {}", crate::text::words::age(age)),
            Err(_) => format!("from {when}"),
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

    /// [`Clock::moment`] with its zone: "07:42 CET", "Mon 30 Nov 07:42 CET".
    pub fn moment_in_zone(&self, time: SystemTime, now: SystemTime) -> String {
        format!("{} {}", self.moment(time, now), self.format(time, "%Z"))
    }

    pub fn same_day(&self, a: SystemTime, b: SystemTime) -> bool {
        match (self.zoned(a), self.zoned(b)) {
            (Some(a), Some(b)) => a.date() == b.date(),
            _ => false,
        }
    }

    /// `time` written with a strftime `pattern`; one that jiff cannot hold, as the epoch.
    fn format(&self, time: SystemTime, pattern: &str) -> String {
        self.zoned(time)
            .or_else(|| self.zoned(UNIX_EPOCH))
            .map(|z| z.strftime(pattern).to_string())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::timestamp::parse;
    use std::time::Duration;

    #[test]
    fn since_reads_like_a_status_line() {
        let now = parse("2026-09-23T10:42:00Z").unwrap();
        let utc = Clock::in_zone(TimeZone::UTC);
        assert_eq!(
            utc.time_of_day(parse("2026-11-27T09:59:01Z").unwrap()),
            "09:59:01 UTC"
        );
        assert_eq!(
            utc.time_of_day(UNIX_EPOCH - Duration::from_millis(500)),
            "23:59:59 UTC"
        );
        assert_eq!(
            utc.since(parse("2026-09-23T10:05:00Z").unwrap(), now),
            "since 10:05 UTC, 37 min"
        );
        assert_eq!(
            utc.since(parse("2026-09-21T08:00:00Z").unwrap(), now),
            "since 2026-09-21 08:00 UTC, 2 days 2 h"
        );
    }

    #[test]
    fn people_read_their_own_zone() {
        // A POSIX TZ string: no zone database needed.
        let east = Clock::in_zone(TimeZone::posix("XST-3").unwrap());
        let now = parse("2026-09-23T22:42:00Z").unwrap();
        assert_eq!(east.time_of_day(now), "01:42:00 XST");
        // 01:42 there is the next day: the start, on the day before, is given its date.
        assert_eq!(
            east.since(parse("2026-09-23T20:05:00Z").unwrap(), now),
            "since 2026-09-23 23:05 XST, 2 h 37 min"
        );
        assert_eq!(
            east.since(parse("2026-09-23T22:05:00Z").unwrap(), now),
            "since 01:05 XST, 37 min"
        );
    }
}
