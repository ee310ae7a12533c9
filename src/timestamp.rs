//! Timestamps as status pages write them (RFC 3339 with any offset, or Unix seconds), read into
//! `SystemTime` and written back in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59Z: RFC 3339 has four digits for the year.
const LAST_SECOND: u64 = 253_402_300_799;

/// Reads `2026-09-23T10:11:12.836Z`, `2020-06-16T13:27:41.521-07:00`, `2020-07-30 15:12:34 +0000`
/// or Unix seconds (`1772369485`, as a number or a string).
pub fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = text.parse().ok()?;
        return (seconds <= LAST_SECOND).then(|| UNIX_EPOCH + Duration::from_secs(seconds));
    }
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || !matches!(bytes.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let kept = &fraction[..digits.min(9)];
        nanos = format!("{kept:0<9}").parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest.trim_start() {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits[2..].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    let seconds = u64::try_from(seconds).ok().filter(|&s| s <= LAST_SECOND)?;
    Some(UNIX_EPOCH + Duration::new(seconds, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 in UTC, to the second. Times outside years 0000 to 9999 (a certificate can say
/// anything) are clamped to them rather than refused.
pub fn rfc3339(time: SystemTime) -> String {
    format(time, false)
}

/// RFC 3339 in UTC, to the millisecond.
pub fn rfc3339_millis(time: SystemTime) -> String {
    format(time, true)
}

fn format(time: SystemTime, millis: bool) -> String {
    const FIRST_SECOND: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (
            i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            after.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            match before.subsec_nanos() {
                0 => (-whole, 0),
                n => (-whole.saturating_add(1), 1_000_000_000 - n),
            }
        }
    };
    let (seconds, nanos) = match seconds {
        s if s > LAST_SECOND as i64 => (LAST_SECOND as i64, 999_999_999),
        s if s < FIRST_SECOND => (FIRST_SECOND, 0),
        s => (s, nanos),
    };
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    let fraction = if millis {
        format!(".{:03}", nanos / 1_000_000)
    } else {
        String::new()
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
}

/// "since 10:05 UTC, 37 min" (or "since 2026-09-20 10:05 UTC" when it is not today).
pub fn since(start: SystemTime, now: SystemTime) -> String {
    let stamp = rfc3339(start);
    let same_day = stamp.get(..10) == Some(&rfc3339(now)[..10]);
    let when = if same_day {
        format!("{} UTC", &stamp[11..16])
    } else {
        format!("{} {} UTC", &stamp[..10], &stamp[11..16])
    };
    match now.duration_since(start) {
        Ok(age) => format!("since {when}, {}", age_words(age)),
        Err(_) => format!("from {when}"),
    }
}

fn age_words(age: Duration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min"),
        60..=2879 => format!("{} h {} min", minutes / 60, minutes % 60),
        _ => format!("{} days", minutes / 1440),
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

    #[test]
    fn since_reads_like_a_status_line() {
        let now = parse("2026-09-23T10:42:00Z").unwrap();
        assert_eq!(
            since(parse("2026-09-23T10:05:00Z").unwrap(), now),
            "since 10:05 UTC, 37 min"
        );
        assert_eq!(
            since(parse("2026-09-21T08:00:00Z").unwrap(), now),
            "since 2026-09-21 08:00 UTC, 2 days"
        );
    }
}
