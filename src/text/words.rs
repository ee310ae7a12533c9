//! Errors from the operating system, in the words a sentence for people needs, and the
//! closest of a few known words for "did you mean".

/// An I/O error in words, without Rust's "(os error 2)".
pub fn io_error(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_lowercase(),
        None => text.to_lowercase(),
    }
}

/// A duration for a sentence, rounded as people say it: "250ms", "7s", "2m 30s"; never
/// humantime's nanoseconds ("6s 999ms 959us").
pub fn duration(duration: std::time::Duration) -> String {
    use std::time::Duration;
    let rounded = if duration < Duration::from_secs(10) {
        Duration::from_millis(duration.as_millis().try_into().unwrap_or(u64::MAX))
            + Duration::from_millis(u64::from(duration.subsec_micros() % 1000 >= 500))
    } else {
        Duration::from_secs(duration.as_secs() + u64::from(duration.subsec_millis() >= 500))
    };
    humantime::format_duration(rounded).to_string()
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
    use std::time::Duration;

    #[test]
    fn durations_are_rounded_for_people() {
        assert_eq!(duration(Duration::from_nanos(6_999_959_420)), "7s");
        assert_eq!(duration(Duration::from_millis(300)), "300ms");
        assert_eq!(duration(Duration::from_millis(1500)), "1s 500ms");
        assert_eq!(duration(Duration::from_millis(150_400)), "2m 30s");
        assert_eq!(duration(Duration::from_secs(10)), "10s");
    }
}
