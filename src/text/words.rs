//! Errors from the operating system and durations, in the words a sentence for people needs,
//! and the closest of a few known words for "did you mean". Every duration a person reads is
//! written here: in a sentence ([`duration`]), as an age ([`age`]) or a span of time
//! ([`span`]), and in a table's narrow column ([`compact`]).

use std::time::Duration;

/// An I/O error in words, without Rust's "(os error 2)".
pub fn io_error(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_lowercase(),
        None => text.to_lowercase(),
    }
}

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
/// From here on, a duration is told in days.
const TWO_DAYS: u64 = 2 * DAY;

/// A duration for a sentence, rounded as people say it: "250 ms", "1.5 s", "7 s", "2 min 30 s",
/// "1 h 4 min", "2 days 23 h"; never the nanoseconds of a clock ("6s 999ms 959us").
pub fn duration(duration: Duration) -> String {
    // To the millisecond below 10 s, where a deadline or a threshold may have been typed so.
    let millis = duration.as_millis() + u128::from(duration.subsec_nanos() % 1_000_000 >= 500_000);
    if millis < 1000 {
        return format!("{millis} ms");
    }
    if millis < 10_000 {
        let (whole, thousandths) = (millis / 1000, millis % 1000);
        let fraction = format!("{thousandths:03}");
        let fraction = fraction.trim_end_matches('0');
        return match fraction.is_empty() {
            true => format!("{whole} s"),
            false => format!("{whole}.{fraction} s"),
        };
    }
    let secs = duration.as_secs() + u64::from(duration.subsec_millis() >= 500);
    match secs {
        0..MINUTE => format!("{secs} s"),
        MINUTE..HOUR => match secs % MINUTE {
            0 => format!("{} min", secs / MINUTE),
            s => format!("{} min {s} s", secs / MINUTE),
        },
        HOUR..TWO_DAYS => match secs % HOUR / MINUTE {
            0 => format!("{} h", secs / HOUR),
            m => format!("{} h {m} min", secs / HOUR),
        },
        _ => match secs % DAY / HOUR {
            0 => format!("{} days", secs / DAY),
            h => format!("{} days {h} h", secs / DAY),
        },
    }
}

/// How old something is, to the minute: "just now", "37 min", "1 h 4 min", "3 days".
pub fn age(age: Duration) -> String {
    to_the_minute(age, "just now")
}

/// How long something lasted, to the minute: "under a minute", "45 min", "2 h 13 min",
/// "7 days".
pub fn span(span: Duration) -> String {
    to_the_minute(span, "under a minute")
}

fn to_the_minute(length: Duration, under_a_minute: &str) -> String {
    let minutes = length.as_secs() / MINUTE;
    match minutes {
        0 => under_a_minute.into(),
        _ => duration(Duration::from_secs(minutes * MINUTE)),
    }
}

/// A duration for a narrow column, two units at most: "12s", "3m12s", "1h04m", "2d03h".
pub fn compact(duration: Duration) -> String {
    let s = duration.as_secs();
    match s {
        0..MINUTE => format!("{s}s"),
        MINUTE..HOUR => format!("{}m{:02}s", s / MINUTE, s % MINUTE),
        HOUR..DAY => format!("{}h{:02}m", s / HOUR, s % HOUR / MINUTE),
        _ => format!("{}d{:02}h", s / DAY, s % DAY / HOUR),
    }
}

/// The name closest to a mistyped word of three letters or more, when one is close enough to
/// be meant (at most a third of its letters wrong, or one).
pub fn closest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    // One or two letters are close to too many names to mean any of them.
    if word.chars().count() <= 2 {
        return None;
    }
    names
        .into_iter()
        .map(|name| {
            (
                strsim::damerau_levenshtein(&word, &name.to_lowercase()),
                name,
            )
        })
        .filter(|&(distance, name)| distance <= (name.chars().count() / 3).max(1))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_rounded_for_people() {
        assert_eq!(duration(Duration::from_nanos(1_999_997_717)), "2 s");
        assert_eq!(duration(Duration::from_nanos(6_999_959_420)), "7 s");
        assert_eq!(duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(duration(Duration::from_micros(249_600)), "250 ms");
        assert_eq!(duration(Duration::ZERO), "0 ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(duration(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(duration(Duration::from_millis(10_400)), "10 s");
        assert_eq!(duration(Duration::from_millis(150_400)), "2 min 30 s");
        assert_eq!(duration(Duration::from_secs(120)), "2 min");
        assert_eq!(duration(Duration::from_secs(3_840)), "1 h 4 min");
        assert_eq!(duration(Duration::from_secs(3 * DAY)), "3 days");
        assert_eq!(duration(Duration::from_secs(258_863)), "2 days 23 h");
    }

    #[test]
    fn ages_are_told_to_the_minute() {
        assert_eq!(age(Duration::from_secs(59)), "just now");
        assert_eq!(age(Duration::from_secs(37 * 60 + 59)), "37 min");
        assert_eq!(age(Duration::from_secs(60 * 60)), "1 h");
        assert_eq!(age(Duration::from_secs(64 * 60 + 30)), "1 h 4 min");
        assert_eq!(age(Duration::from_secs(2 * DAY + 5)), "2 days");
    }

    #[test]
    fn columns_get_two_units_at_most() {
        assert_eq!(compact(Duration::from_secs(7)), "7s");
        assert_eq!(compact(Duration::from_secs(192)), "3m12s");
        assert_eq!(compact(Duration::from_secs(3_840)), "1h04m");
        assert_eq!(compact(Duration::from_secs(2 * DAY + 3 * HOUR)), "2d03h");
    }
}
