//! Timestamps as status pages write them (RFC 3339 with any offset, or Unix seconds), read into
//! `SystemTime` and written back in UTC.

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

/// The time of day in UTC, to the second: "10:07:40".
pub fn clock(time: SystemTime) -> String {
    utc(time)
        .format(format_description!("[hour]:[minute]:[second]"))
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

/// "25 min ago", or "just now"; a time ahead of the clock is given as it is.
pub fn ago(when: SystemTime, now: SystemTime) -> String {
    match now.duration_since(when) {
        Ok(age) if age.as_secs() < 60 => "just now".into(),
        Ok(age) => format!("{} ago", age_words(age)),
        Err(_) => rfc3339(when),
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
        assert_eq!(clock(round_trip), "09:59:01");
        assert_eq!(clock(UNIX_EPOCH - Duration::from_millis(500)), "23:59:59");
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
