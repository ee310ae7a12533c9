//! `--expect` status sets (`200`, `2xx`, `200-299,301`), and what a status says about a service,
//! by the same rules for the probe from here and for every place elsewhere.

use std::fmt;

use crate::state::State;

/// A set of HTTP statuses, kept as inclusive ranges in the order they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    ranges: Vec<(u16, u16)>,
    text: String,
}

/// An `--expect` (or a row's `expect`) that is not a list of statuses, as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a list of statuses (try 200, 2xx or 200-299,301)")]
pub struct NotStatuses(String);

impl StatusSet {
    pub fn parse(text: &str) -> Result<StatusSet, NotStatuses> {
        let ranges = text
            .split(',')
            .map(|part| parse_part(part.trim()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| NotStatuses(text.to_string()))?;
        Ok(StatusSet {
            ranges,
            text: text.split(',').map(str::trim).collect::<Vec<_>>().join(","),
        })
    }

    pub fn contains(&self, status: u16) -> bool {
        self.ranges
            .iter()
            .any(|&(low, high)| (low..=high).contains(&status))
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What an HTTP status alone says about the service. Without `--expect` (or a row's
/// `expect`), as peers judge: 2xx and 3xx serve, 429 sheds load, any other 4xx refuses this
/// request, 5xx is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRule<'a> {
    /// Expected, or nothing against it.
    Fine,
    /// 5xx, unless `--expect` names it: down.
    ServerError,
    /// 429, unless `--expect` names it: degraded, the service sheds load.
    RateLimited,
    /// Another 4xx, without `--expect`: degraded, the service answers but refuses this request
    /// (a mistyped path, a missing credential).
    Refused,
    /// Outside the `--expect` set: down.
    Unexpected(&'a StatusSet),
    /// A status HTTP does not have (600 and over): a protocol error, down.
    NotHttp(u16),
}

impl StatusRule<'_> {
    /// `--expect` decides first; without it (or outside it) 5xx is down, 429 and any other
    /// 4xx degraded.
    pub fn of(status: u16, expect: Option<&StatusSet>) -> StatusRule<'_> {
        match expect {
            _ if !(100..600).contains(&status) => StatusRule::NotHttp(status),
            Some(set) if set.contains(status) => StatusRule::Fine,
            _ if (500..600).contains(&status) => StatusRule::ServerError,
            _ if status == 429 => StatusRule::RateLimited,
            Some(set) => StatusRule::Unexpected(set),
            None if (400..500).contains(&status) => StatusRule::Refused,
            None => StatusRule::Fine,
        }
    }

    /// The state the status alone leaves the service in.
    pub fn state(self) -> State {
        match self {
            StatusRule::Fine => State::Up,
            StatusRule::RateLimited | StatusRule::Refused => State::Degraded,
            StatusRule::ServerError | StatusRule::Unexpected(_) | StatusRule::NotHttp(_) => {
                State::Down
            }
        }
    }

    /// The reason given, with the status as shown (`503 Service Unavailable`).
    pub fn sentence(self, status: &str) -> Option<String> {
        match self {
            StatusRule::Fine => None,
            StatusRule::ServerError => Some(format!("server error: {status}")),
            StatusRule::RateLimited => {
                Some(format!("rate limited: {status} (the service sheds load)"))
            }
            StatusRule::Refused => Some(format!("answers, but refuses this request: {status}")),
            StatusRule::Unexpected(set) => Some(format!("answered {status}, expected {set}")),
            StatusRule::NotHttp(code) => Some(format!(
                "the answer is not valid HTTP: status {code} does not exist"
            )),
        }
    }
}

fn parse_part(part: &str) -> Option<(u16, u16)> {
    let code = |s: &str| -> Option<u16> {
        let value: u16 = s.trim().parse().ok()?;
        (100..=599).contains(&value).then_some(value)
    };
    if let Some(class) = part.strip_suffix("xx").or_else(|| part.strip_suffix("XX")) {
        let digit: u16 = class.parse().ok().filter(|d| (1..=5).contains(d))?;
        return (class.len() == 1).then_some((digit * 100, digit * 100 + 99));
    }
    match part.split_once('-') {
        Some((low, high)) => {
            let (low, high) = (code(low)?, code(high)?);
            (low <= high).then_some((low, high))
        }
        None => code(part).map(|c| (c, c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_decides_first_then_5xx_is_down_and_4xx_degraded() {
        let only_200 = StatusSet::parse("200").expect("valid");
        let with_503 = StatusSet::parse("2xx,503").expect("valid");
        assert_eq!(StatusRule::of(200, None), StatusRule::Fine);
        assert_eq!(StatusRule::of(404, None), StatusRule::Refused);
        assert_eq!(StatusRule::of(302, None), StatusRule::Fine);
        assert_eq!(StatusRule::of(999, None), StatusRule::NotHttp(999));
        assert_eq!(StatusRule::of(404, None).state(), State::Degraded);
        assert_eq!(
            StatusRule::of(404, None).sentence("404 Not Found"),
            Some("answers, but refuses this request: 404 Not Found".to_string())
        );
        let with_404 = StatusSet::parse("2xx,404").expect("valid");
        assert_eq!(StatusRule::of(404, Some(&with_404)), StatusRule::Fine);
        assert_eq!(StatusRule::of(503, None), StatusRule::ServerError);
        assert_eq!(StatusRule::of(429, None), StatusRule::RateLimited);
        assert_eq!(StatusRule::of(503, Some(&with_503)), StatusRule::Fine);
        assert_eq!(
            StatusRule::of(503, Some(&only_200)),
            StatusRule::ServerError
        );
        assert_eq!(
            StatusRule::of(429, Some(&only_200)),
            StatusRule::RateLimited
        );
        assert_eq!(
            StatusRule::of(404, Some(&only_200)),
            StatusRule::Unexpected(&only_200)
        );
        assert_eq!(
            StatusRule::of(404, Some(&only_200)).sentence("404 Not Found"),
            Some("answered 404 Not Found, expected 200".to_string())
        );
        assert_eq!(
            StatusRule::of(429, None).sentence("429"),
            Some("rate limited: 429 (the service sheds load)".to_string())
        );
    }

    #[test]
    fn reads_codes_classes_and_ranges() {
        let set = StatusSet::parse("200-299, 301,4xx").unwrap();
        assert!(set.contains(200) && set.contains(299) && set.contains(301));
        assert!(set.contains(404) && !set.contains(302) && !set.contains(500));
        assert_eq!(set.to_string(), "200-299,301,4xx");
    }

    #[test]
    fn rejects_what_is_not_a_status() {
        for bad in [
            "", "abc", "2zz", "299-200", "42", "1000", "0xx", "20xx", "200,",
        ] {
            assert!(StatusSet::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
