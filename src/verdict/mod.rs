//! From what a probe saw to UP / DEGRADED / DOWN / UNKNOWN, with the reason in one sentence.
//! What the user's own side explains is judged in `your_side`.

mod reason;
mod your_side;

use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::just_me::connectivity::Connectivity;
use crate::probe::bot_wall::Wall;
use crate::probe::{Failure, Response};
use crate::status_page::{self, Severity};
use crate::target::expect::{StatusRule, StatusSet};

pub use crate::probe::ErrorKind;
pub use crate::state::State;
pub use reason::{PageNote, Reason, Seen};

/// What is wrong with a target: its kind and one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
        Error::new(failure.kind, failure.message.clone())
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
    /// One short sentence, in its parts.
    pub reason: Reason,
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
    /// The row's sibling probes (`also`), each judged on its own: they decide when a bot wall
    /// answers the probe.
    pub also: &'a [Sibling],
}

/// A sibling probe of the same provider (a catalog row's `also`): a door a script can reach,
/// judged by this same judge on its own.
#[derive(Debug, Clone)]
pub struct Sibling {
    /// Where it went, password redacted.
    pub url: String,
    /// Its host, for sentences ("api.openai.com fails too").
    pub host: String,
    pub seen: Response,
    pub verdict: Verdict,
}

impl Sibling {
    /// What it saw in a few words: its status ("503 Service Unavailable") or its failure.
    fn what(&self) -> String {
        match (&self.seen.answer, &self.seen.failure) {
            (Some(answer), None) => answer.status_words(),
            _ => self.verdict.reason.to_string(),
        }
    }
}

/// Judges one probe in its context.
pub fn judge(seen: &Response, criteria: &Criteria, context: Context, now: SystemTime) -> Verdict {
    let readable_page = context.page.filter(|p| p.is_readable());
    if let Some(failure) = &seen.failure {
        return your_side::failed(failure, context.connectivity, context.host);
    }
    // A wall is judged as a wall whatever the status, and whatever `expect` says of it.
    if let (Some(wall), Some(answer)) = (seen.bot_wall, &seen.answer) {
        return behind_a_wall(
            wall,
            answer.status,
            readable_page,
            context.page.is_some(),
            context.also,
        );
    }
    let mut verdict = judge_answer(seen, criteria, context.name, now);
    // One family answered, the other did not: say which, and what the other did.
    if let Some(dual) = your_side::dual_stack(seen) {
        if matches!(verdict.state, State::Up | State::Degraded) {
            verdict.reason.over = Some(dual.answered_over);
        }
        verdict.reason.dual_stack = Some(dual.note);
    }
    if let Some(page) = readable_page.filter(|page| page.admits_trouble()) {
        let made_it_worse = verdict.state == State::Up;
        if made_it_worse || verdict.state == State::Degraded {
            verdict.state = State::Degraded;
            verdict.reason.page = Some(PageNote {
                summary: page.summary(),
                made_it_worse,
            });
        }
    }
    verdict
}

/// A wall (a challenge, a proof-of-work page, a block page) proves only that the edge
/// answers. The row's sibling probes decide first: one that fails makes the service DOWN, one
/// that answers keeps it UP (unless the status page admits more). Without a sibling that
/// tells, the status page decides, and without one there is no verdict.
fn behind_a_wall(
    wall: &Wall,
    status: u16,
    page: Option<&status_page::Report>,
    had_page: bool,
    also: &[Sibling],
) -> Verdict {
    let wall = format!("{} answered {status} instead of the service", wall.named());
    let blocked = |sentence: &str| {
        Some(Error::new(
            ErrorKind::Blocked,
            format!("{sentence}: the service itself is unverified"),
        ))
    };
    // A sibling that fails speaks for the provider: its servers are in trouble.
    if let Some(failing) = also.iter().find(|s| s.verdict.state == State::Down) {
        let sentence = format!("{wall}; {} fails too: {}", failing.host, failing.what());
        let kind = failing
            .verdict
            .error
            .as_ref()
            .map_or(ErrorKind::Status, |e| e.kind);
        return Verdict {
            state: State::Down,
            error: Some(Error::new(kind, &sentence)),
            reason: Reason::said(sentence),
        };
    }
    let answering = also
        .iter()
        .find(|s| matches!(s.verdict.state, State::Up | State::Degraded));
    if let Some(answering) = answering {
        let sentence = format!(
            "{wall}; {} answers ({}), so the provider's servers are up, though the service \
             itself was not seen",
            answering.host,
            answering.what()
        );
        let error = blocked(&wall);
        let mut verdict = Verdict {
            state: State::Up,
            reason: Reason::said(sentence),
            error,
        };
        // The provider may admit more than a sibling can show.
        if let Some(page) = page.filter(|page| page.admits_trouble()) {
            verdict.state = state_of(page.severity);
            verdict.reason.page = Some(PageNote {
                summary: page.summary(),
                made_it_worse: true,
            });
        }
        return verdict;
    }
    let walled_too: Vec<&str> = also
        .iter()
        .filter(|s| s.seen.bot_wall.is_some())
        .map(|s| s.host.as_str())
        .collect();
    let wall = match walled_too.as_slice() {
        [] => wall,
        hosts => format!("{wall} ({} walled too)", hosts.join(", ")),
    };
    let error = blocked(&wall);
    let Some(page) = page else {
        let why = if had_page {
            "its status page is unreadable"
        } else {
            "there is no status page to ask"
        };
        return Verdict {
            state: State::Unknown,
            reason: Reason::said(format!("{wall}, and {why}")),
            error,
        };
    };
    Verdict {
        state: state_of(page.severity),
        reason: Reason {
            page: Some(PageNote {
                summary: page.summary(),
                made_it_worse: false,
            }),
            ..Reason::said(wall)
        },
        error,
    }
}

/// What a status page's word means for a service no probe could see.
fn state_of(severity: Severity) -> State {
    match severity {
        Severity::Operational => State::Up,
        Severity::Maintenance | Severity::Minor => State::Degraded,
        Severity::Major | Severity::Critical => State::Down,
    }
}

/// Judges the answer itself: status, body, speed, certificate.
fn judge_answer(seen: &Response, criteria: &Criteria, name: &str, now: SystemTime) -> Verdict {
    let Some(answer) = &seen.answer else {
        let error = Error::new(ErrorKind::Protocol, "no answer");
        return Verdict {
            state: State::Down,
            reason: Reason::said(&error.message),
            error: Some(error),
        };
    };
    let status = answer.status_words();
    let down = |kind, reason: String| Verdict {
        state: State::Down,
        error: Some(Error::new(kind, &reason)),
        reason: Reason::said(reason),
    };
    let rule = StatusRule::of(answer.status, criteria.expect.as_ref());
    match rule {
        StatusRule::Fine => {}
        StatusRule::ServerError => {
            // A CDN's own error page: the edge is up, the service behind it is not. Or the
            // service's own gateway failed, and the CDN only carried its answer.
            let name = crate::text::sanitize::for_terminal(name);
            let reason = match &seen.edge {
                Some(edge) if edge.error => edge.sentence(&name, answer.status),
                Some(edge) => edge
                    .carried(&name, &status)
                    .unwrap_or_else(|| format!("server error: {status}")),
                None => format!("server error: {status}"),
            };
            return down(ErrorKind::Status, reason);
        }
        StatusRule::NotHttp(_) => {
            return down(
                ErrorKind::Protocol,
                rule.sentence(&status).unwrap_or_default(),
            );
        }
        StatusRule::RateLimited | StatusRule::Refused | StatusRule::Unexpected(_) => {
            let reason = rule.sentence(&status).unwrap_or_default();
            return Verdict {
                state: rule.state(),
                error: Some(Error::new(ErrorKind::Status, &reason)),
                reason: Reason::said(reason),
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
                crate::text::words::duration(slow)
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
    Verdict {
        state: if worries.is_empty() {
            State::Up
        } else {
            State::Degraded
        },
        reason: Reason {
            worries,
            ..Reason::answered(status)
        },
        error: None,
    }
}

#[cfg(test)]
mod tests;
