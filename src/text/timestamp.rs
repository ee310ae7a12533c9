//! Timestamps as status pages write them (RFC 3339 with any offset, or Unix seconds), read into
//! `SystemTime` and written back in UTC for JSON; and times for people, in their own time zone
//! (`TZ`, else the system's), with the zone named.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// 9999-12-31T23:59:59Z: RFC 3339 has four digits for the year.
const LAST_SECOND: i64 = 253_402_300_799;
/// 0000-01-01T00:00:00Z.
const FIRST_SECOND: i64 = -62_167_219_200;

/// Reads `2026-09-23T10:11:12.836Z`, `2020-06-16T13:27:41.521-07:00`, `2020-07-30 15:12:34 +0000`
/// or Unix seconds (`1772369485`, as a number or a string).
pub fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: i64 = text.parse().ok()?;
        return (seconds <= LAST_SECOND).then(|| UNIX_EPOCH + Duration::from_secs(seconds as u64));
    }
    let moment = OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .or_else(|| with_space_and_bare_offset(text))?;
    let seconds = moment.unix_timestamp();
    if !(0..=LAST_SECOND).contains(&seconds) {
        return None;
    }
    Some(UNIX_EPOCH + Duration::new(seconds as u64, moment.nanosecond()))
}

/// Reads a date as mail and RSS 2.0 write it (RFC 2822, `Wed, 23 Sep 2026 10:35:00 +0000`), and
/// as feeds get it wrong: a missing or misspelt day name, long month names, the month before
/// the day, a one-digit hour, hour 24, two-digit years, and zones as words (`GMT`, `UTC`, `Z`,
/// `EST`...) or missing (UTC).
pub fn parse_rfc2822(text: &str) -> Option<SystemTime> {
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .peekable();
    // The day name says nothing the date does not: skip it, right or wrong, short or long.
    if words.peek().is_some_and(|w| is_day_name(w)) {
        words.next();
    }
    let (first, second) = (words.next()?, words.next()?);
    let (day, month) = match (first.parse::<u8>(), month(second)) {
        (Ok(day), Some(month)) => (day, month),
        _ => (second.parse::<u8>().ok()?, month(first)?),
    };
    let year = words.next()?;
    let year: i32 = match (year.len(), year.parse::<i32>().ok()?) {
        (4, year) => year,
        (2, year) if year < 50 => 2000 + year,
        (2 | 3, year) => 1900 + year,
        _ => return None,
    };
    let mut clock = words.next()?.split(':');
    let hour: u8 = clock.next()?.parse().ok()?;
    let minute: u8 = clock.next()?.parse().ok()?;
    let second: u8 = match clock.next() {
        Some(second) => second.parse().ok()?,
        None => 0,
    };
    if clock.next().is_some() {
        return None;
    }
    // Some feeds write midnight as 24:00 of the day; a leap second is the next minute's first.
    let hour = if hour == 24 { 0 } else { hour };
    let (second, leap) = if second == 60 { (59, 1) } else { (second, 0) };
    let offset = match words.next() {
        None => UtcOffset::UTC,
        Some(zone) => zone_offset(zone)?,
    };
    // Nothing may follow but a comment: `+0000 (UTC)`.
    let rest: Vec<&str> = words.collect();
    if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
        if !first.starts_with('(') || !last.ends_with(')') {
            return None;
        }
    }
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    let seconds = PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .unix_timestamp()
        + leap;
    (0..=LAST_SECOND)
        .contains(&seconds)
        .then(|| UNIX_EPOCH + Duration::from_secs(seconds as u64))
}

/// `Wed`, `Thurs`, `wednesday`: a word that starts as a day's name.
fn is_day_name(word: &str) -> bool {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    word.chars().all(|c| c.is_ascii_alphabetic())
        && word
            .get(..3)
            .is_some_and(|start| NAMES.contains(&start.to_ascii_lowercase().as_str()))
}

/// `Sep`, `sep`, `September`: the month its first three letters name.
fn month(word: &str) -> Option<time::Month> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let start = word.get(..3)?.to_ascii_lowercase();
    if !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let number = NAMES.iter().position(|name| *name == start)?;
    time::Month::try_from(u8::try_from(number + 1).ok()?).ok()
}

/// `+0200`, `-07:00`, or a zone's name as RFC 2822 and feeds write it.
fn zone_offset(zone: &str) -> Option<UtcOffset> {
    let hours = match zone.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        _ => {
            let (sign, digits) = match zone.as_bytes().first()? {
                b'+' => (1, &zone[1..]),
                b'-' => (-1, &zone[1..]),
                _ => return None,
            };
            let digits = digits.replace(':', "");
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i8 = digits[..2].parse().ok()?;
            let minutes: i8 = digits[2..].parse().ok()?;
            return UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok();
        }
    };
    UtcOffset::from_hms(hours, 0, 0).ok()
}

/// `2020-07-30 15:12:34 +0000`, as some pages write it.
fn with_space_and_bare_offset(text: &str) -> Option<OffsetDateTime> {
    let (local, zone) = text.rsplit_once(' ')?;
    let local = PrimitiveDateTime::parse(
        local.trim(),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
    .ok()?;
    let offset = UtcOffset::parse(
        zone,
        format_description!("[offset_hour sign:mandatory][offset_minute]"),
    )
    .ok()?;
    Some(local.assume_offset(offset))
}

/// RFC 3339 in UTC, to the second. Times outside years 0000 to 9999 (a certificate can say
/// anything) are clamped to them rather than refused.
pub fn rfc3339(time: SystemTime) -> String {
    utc(time)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default()
}

/// RFC 3339 in UTC, to the millisecond: every timestamp of the JSON output.
pub fn rfc3339_millis(time: SystemTime) -> String {
    utc(time)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// The moment in UTC, clamped to the years RFC 3339 can write.
fn utc(time: SystemTime) -> OffsetDateTime {
    let nanos: i128 = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos().try_into().unwrap_or(i128::MAX),
        Err(before) => -i128::try_from(before.duration().as_nanos()).unwrap_or(i128::MAX),
    };
    let first = i128::from(FIRST_SECOND) * 1_000_000_000;
    let last = i128::from(LAST_SECOND) * 1_000_000_000 + 999_999_999;
    OffsetDateTime::from_unix_timestamp_nanos(nanos.clamp(first, last))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// "25 min ago", or "just now"; a time ahead of the clock is given as it is.
pub fn ago(when: SystemTime, now: SystemTime) -> String {
    match now.duration_since(when) {
        Ok(age) if age.as_secs() < 60 => "just now".into(),
        Ok(age) => format!("{} ago", crate::text::words::age(age)),
        Err(_) => rfc3339(when),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_fractions_are_read() {
        let utc = parse("2026-09-23T10:11:12.836Z").unwrap();
        assert_eq!(rfc3339(utc), "2026-09-23T10:11:12Z");
        let pacific = parse("2020-06-16T13:27:41.521-07:00").unwrap();
        assert_eq!(rfc3339(pacific), "2020-06-16T20:27:41Z");
        assert_eq!(
            rfc3339(parse("2020-07-30 15:12:34 +0200").unwrap()),
            "2020-07-30T13:12:34Z"
        );
        assert_eq!(
            rfc3339(parse("1772369485").unwrap()),
            "2026-03-01T12:51:25Z"
        );
        assert_eq!(
            rfc3339(parse("2024-02-29T00:00:00Z").unwrap()),
            "2024-02-29T00:00:00Z"
        );
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-09-23",
            "2026-09-23T10:11:12+7",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn mail_dates_are_read_as_feeds_write_them() {
        let read = |text: &str| parse_rfc2822(text).map(rfc3339);
        for (text, utc) in [
            ("Wed, 23 Sep 2026 10:35:00 +0000", "2026-09-23T10:35:00Z"),
            ("23 Sep 2026 10:35:00 GMT", "2026-09-23T10:35:00Z"),
            ("Wed, 23 Sep 2026 10:35 -0700", "2026-09-23T17:35:00Z"),
            (
                "Wednesday, 23 September 2026 10:35:00 UTC",
                "2026-09-23T10:35:00Z",
            ),
            ("Thurs, 24 Sep 2026 9:05:00 PDT", "2026-09-24T16:05:00Z"),
            ("Sep 23 2026 10:35:00 +02:00", "2026-09-23T08:35:00Z"),
            ("Wed, 23 Sep 26 10:35:00 Z", "2026-09-23T10:35:00Z"),
            ("23 sep 2026 24:00:00", "2026-09-23T00:00:00Z"),
            ("31 Dec 2026 23:59:60 GMT", "2027-01-01T00:00:00Z"),
            (
                "Wed, 23 Sep 2026 10:35:00 +0000 (Coordinated Universal Time)",
                "2026-09-23T10:35:00Z",
            ),
        ] {
            assert_eq!(read(text).as_deref(), Some(utc), "{text}");
        }
        for bad in [
            "",
            "Wed,",
            "2026-09-23T10:35:00Z",
            "31 Feb 2026 10:00:00 GMT",
            "23 Sep 2026 10:61:00 GMT",
            "23 Sep 2026 10:00:00 +99999",
            "23 Sep 2026 10:00:00 Mars",
            "23 Sep 12026 10:00:00 GMT",
            "23 Sep 1969 10:00:00 GMT",
            "Someday, 23 Sep 2026 10:00:00 GMT",
            "23 Sep 2026 10:00:00 GMT and more",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[test]
    fn any_time_can_be_written() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339_millis(UNIX_EPOCH + Duration::from_millis(1_500)),
            "1970-01-01T00:00:01.500Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(86_400 * 365)),
            "1969-01-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_millis(500)),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(u64::MAX / 4)),
            "9999-12-31T23:59:59Z"
        );
        let round_trip = parse("2026-11-27T09:59:01Z").unwrap();
        assert_eq!(rfc3339(round_trip), "2026-11-27T09:59:01Z");
    }
}
