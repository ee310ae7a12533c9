//! One probe as the history keeps it: when, which target, what it answered and how it was
//! judged, what the provider's page said at that moment and, with `--from`, how many places
//! elsewhere found it up, degraded, down or unknown.

use std::time::{Duration, SystemTime};

use crate::engine::check::Outcome;
use crate::status_page::{self, Severity};
use crate::target::Target;
use crate::verdict::State;

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRow {
    /// When the probe started.
    pub at: SystemTime,
    /// Which target: see [`key`].
    pub target: String,
    /// The URL probed, credentials redacted.
    pub url: String,
    pub state: State,
    pub error_kind: Option<&'static str>,
    pub status: Option<u16>,
    /// How long the answer took; none when there was none.
    pub latency: Option<Duration>,
    pub reason: String,
    /// The page's word at that moment (`operational`, `minor`... or `unreadable`).
    pub page: Option<&'static str>,
    /// Up, degraded, down, unknown, from elsewhere.
    pub elsewhere: Option<[u32; 4]>,
}

/// The name a target's rows are kept under: a service's catalog key (whatever alias or case
/// was typed), or the URL, credentials redacted.
pub fn key(target: &Target) -> String {
    match &target.service {
        Some(service) => service.key.clone(),
        None => target.display_url(),
    }
}

impl ProbeRow {
    pub fn of(outcome: &Outcome) -> ProbeRow {
        let seen = &outcome.seen;
        ProbeRow {
            at: seen.started_at,
            target: key(&outcome.target),
            url: outcome.target.display_url(),
            state: outcome.verdict.state,
            error_kind: outcome.verdict.error.as_ref().map(|e| e.kind.as_str()),
            status: seen.answer.as_ref().map(|a| a.status),
            latency: seen.answer.as_ref().map(|_| seen.timings.total),
            reason: outcome.verdict.reason.to_string(),
            page: outcome.status_page.as_ref().map(page_word),
            elsewhere: outcome
                .elsewhere
                .as_ref()
                .map(|e| [e.up, e.degraded, e.down, e.unknown]),
        }
    }
}

fn page_word(report: &status_page::Report) -> &'static str {
    if !report.is_readable() {
        return "unreadable";
    }
    severity_word(report.severity)
}

pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Operational => "operational",
        Severity::Maintenance => "maintenance",
        Severity::Minor => "minor",
        Severity::Major => "major",
        Severity::Critical => "critical",
    }
}
