//! Timestamps as status pages write them (RFC 3339 with any offset, or Unix seconds), read into
//! `SystemTime` and written back in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Reads `2026-09-23T10:11:12.836Z`, `2020-06-16T13:27:41.521-07:00`, `2020-07-30 15:12:34 +0000`
/// or Unix seconds (`1772369485`, as a number or a string).
pub fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(UNIX_EPOCH + Duration::from_secs(text.parse().ok()?));
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
    let seconds = u64::try_from(seconds).ok()?;
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

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
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
