//! From what a probe saw to UP / DEGRADED / DOWN / UNKNOWN, with the reason in one sentence.
//! What the user's own side explains is judged in `your_side`.

mod your_side;

use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::just_me::connectivity::Connectivity;
use crate::probe::{self, Failure, Response};
use crate::status_page::{self, Severity};
use crate::target::expect::{StatusRule, StatusSet};

pub use crate::state::State;

/// Why a target is not up, in one word for scripts (`error.kind`): the network's failures,
/// as the probe names them, and the verdict's own objections to an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    Dns,
    Refused,
    Unreachable,
    Timeout,
    Tls,
    Reset,
    Protocol,
    Redirects,
    /// This machine ran short of descriptors, ports or memory.
    Local,
    /// The status code is not one that means the service works.
    Status,
    /// The body lacks the text asked for.
    Content,
    /// A bot wall answered instead of the service.
    Blocked,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Status => "status",
            ErrorKind::Content => "content",
            ErrorKind::Blocked => "blocked",
            ErrorKind::Dns => "dns",
            ErrorKind::Refused => "refused",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Reset => "reset",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Redirects => "redirects",
            ErrorKind::Local => "local",
        }
    }
}

impl From<probe::ErrorKind> for ErrorKind {
    fn from(kind: probe::ErrorKind) -> ErrorKind {
        match kind {
            probe::ErrorKind::Dns => ErrorKind::Dns,
            probe::ErrorKind::Refused => ErrorKind::Refused,
            probe::ErrorKind::Unreachable => ErrorKind::Unreachable,
            probe::ErrorKind::Timeout => ErrorKind::Timeout,
            probe::ErrorKind::Tls => ErrorKind::Tls,
            probe::ErrorKind::Reset => ErrorKind::Reset,
            probe::ErrorKind::Protocol => ErrorKind::Protocol,
            probe::ErrorKind::Redirects => ErrorKind::Redirects,
            probe::ErrorKind::Local => ErrorKind::Local,
        }
    }
}

/// What is wrong with a target: its kind and one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }
}

impl From<&Failure> for Error {
    fn from(failure: &Failure) -> Error {
        Error::new(failure.kind.into(), failure.message.clone())
    }
}

/// What counts as healthy for one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Criteria {
    pub expect: Option<StatusSet>,
    pub contains: Option<String>,
    pub slow: Option<Duration>,
    pub cert_warn: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub state: State,
    /// One short sentence.
    pub reason: String,
    pub error: Option<Error>,
}

/// What else is known when judging a probe: the provider's word and the user's connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    pub page: Option<&'a status_page::Report>,
    pub connectivity: Option<&'a Connectivity>,
    /// The target's display name, for a sentence about its servers.
    pub name: &'a str,
    /// The target's host, for a sentence about its name.
    pub host: &'a str,
}

/// Judges one probe in its context.
pub fn judge(seen: &Response, criteria: &Criteria, context: Context, now: SystemTime) -> Verdict {
    let readable_page = context.page.filter(|p| p.is_readable());
    if let Some(failure) = &seen.failure {
        return your_side::failed(failure, context.connectivity, context.host);
    }
    if let (Some(vendor), Some(answer)) = (seen.bot_wall, &seen.answer) {
        return behind_a_wall(vendor, answer.status, readable_page, context.page.is_some());
    }
    let verdict = judge_answer(seen, criteria, context.name, now);
    // One family answered, the other did not: say which, and what the other did.
    let verdict = match your_side::dual_stack(seen) {
        Some(dual) if matches!(verdict.state, State::Up | State::Degraded) => Verdict {
            reason: format!(
                "{}; {}",
                over(&verdict.reason, dual.answered_over),
                dual.note
            ),
            ..verdict
        },
        Some(dual) => Verdict {
            reason: format!("{}; {}", verdict.reason, dual.note),
            ..verdict
        },
        None => verdict,
    };
    match readable_page {
        Some(page) if page.admits_trouble() && verdict.state == State::Up => Verdict {
            state: State::Degraded,
            reason: format!("{}, but {}", verdict.reason, page.summary()),
            error: None,
        },
        Some(page) if page.admits_trouble() && verdict.state == State::Degraded => Verdict {
            reason: format!("{}; {}", verdict.reason, page.summary()),
            ..verdict
        },
        _ => verdict,
    }
}

/// "answered 200 OK" becomes "answered 200 OK over IPv4"; other reasons stay as they are.
fn over(reason: &str, family: &str) -> String {
    match reason.split_once(", but ") {
        Some((answered, rest)) if answered.starts_with("answered ") => {
            format!("{answered} over {family}, but {rest}")
        }
        _ if reason.starts_with("answered ") => format!("{reason} over {family}"),
        _ => reason.to_string(),
    }
}

/// A bot wall proves only that the edge answers: the status page decides, and without one
/// there is no verdict.
fn behind_a_wall(
    vendor: &str,
    status: u16,
    page: Option<&status_page::Report>,
    had_page: bool,
) -> Verdict {
    let wall = format!("a {vendor} bot wall answered {status} instead of the service");
    let error = Some(Error::new(
        ErrorKind::Blocked,
        format!("{wall}: the service itself is unverified"),
    ));
    let Some(page) = page else {
        let why = if had_page {
            "its status page is unreadable"
        } else {
            "there is no status page to ask"
        };
        return Verdict {
            state: State::Unknown,
            reason: format!("{wall}, and {why}"),
            error,
        };
    };
    let state = match page.severity {
        Severity::Operational => State::Up,
        Severity::Maintenance | Severity::Minor => State::Degraded,
        Severity::Major | Severity::Critical => State::Down,
    };
    Verdict {
        state,
        reason: format!("{wall}; {}", page.summary()),
        error,
    }
}

/// Judges the answer itself: status, body, speed, certificate.
fn judge_answer(seen: &Response, criteria: &Criteria, name: &str, now: SystemTime) -> Verdict {
    let Some(answer) = &seen.answer else {
        let error = Error::new(ErrorKind::Protocol, "no answer");
        return Verdict {
            state: State::Down,
            reason: error.message.clone(),
            error: Some(error),
        };
    };
    let status = format!(
        "{} {}",
        answer.status,
        crate::text::sanitize::for_terminal(answer.phrase())
    )
    .trim_end()
    .to_string();
    let down = |kind, reason: String| Verdict {
        state: State::Down,
        reason: reason.clone(),
        error: Some(Error::new(kind, reason)),
    };
    let rule = StatusRule::of(answer.status, criteria.expect.as_ref());
    match rule {
        StatusRule::Fine => {}
        StatusRule::ServerError => {
            // A CDN's own error page: the edge is up, the service behind it is not.
            let edge =
                crate::probe::edge::recognise(answer.status, &answer.reason, &answer.headers);
            let reason = match edge.filter(|edge| edge.error) {
                Some(edge) => {
                    edge.sentence(&crate::text::sanitize::for_terminal(name), answer.status)
                }
                None => format!("server error: {status}"),
            };
            return down(ErrorKind::Status, reason);
        }
        StatusRule::RateLimited | StatusRule::Unexpected(_) => {
            let reason = rule.sentence(&status).unwrap_or_default();
            return Verdict {
                state: rule.state(),
                reason: reason.clone(),
                error: Some(Error::new(ErrorKind::Status, reason)),
            };
        }
    }
    if let (Some(needle), Some(false)) = (&criteria.contains, seen.body_contains) {
        return down(
            ErrorKind::Content,
            format!(
                "answered {status} but the body does not contain '{}'",
                crate::text::sanitize::for_terminal(needle)
            ),
        );
    }

    let mut worries = Vec::new();
    if let Some(slow) = criteria.slow {
        if seen.timings.total > slow {
            worries.push(format!(
                "slow: {} ms, over {}",
                seen.timings.total.as_millis(),
                humantime::format_duration(slow)
            ));
        }
    }
    if let Some(certificate) = &seen.certificate {
        if certificate.expires_within(criteria.cert_warn, now) {
            let days = certificate.days_left(now);
            worries.push(match days {
                d if d < 0 => "the TLS certificate has expired".to_string(),
                0 => "the TLS certificate expires within a day".to_string(),
                1 => "the TLS certificate expires in 1 day".to_string(),
                d => format!("the TLS certificate expires in {d} days"),
            });
        }
    }
    if worries.is_empty() {
        Verdict {
            state: State::Up,
            reason: format!("answered {status}"),
            error: None,
        }
    } else {
        Verdict {
            state: State::Degraded,
            reason: format!("answered {status}, but {}", worries.join(" and ")),
            error: None,
        }
    }
}

#[cfg(test)]
mod tests;
