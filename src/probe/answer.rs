//! The answer a server gave, as the report shows it: status, reason phrase as sent, version,
//! and a few headers of note.

use super::head::{has_status, reason_phrase};
use super::transport::phase_log::PhaseLog;
use crate::text::sanitize;

/// Headers worth showing with `-v`, in this order; they also tell which CDN served the answer.
const HEADERS_OF_NOTE: &[&str] = &[
    "server",
    "content-type",
    "content-length",
    "location",
    "retry-after",
    "via",
    "x-cache",
    "age",
    "cf-ray",
    "cf-mitigated",
    "x-vercel-mitigated",
    "x-served-by",
    "x-amz-cf-pop",
    "x-amz-cf-id",
    "x-fastly-request-id",
    "akamai-grn",
    "cache-control",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// The reason phrase as the server sent it, made safe to show; empty when it sent none.
    pub reason: String,
    pub version: String,
    /// The headers of note, bounded in number and length, made safe to show.
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The answer of a response, with the reason phrase from the raw status line the phase
    /// log kept.
    pub(super) fn of(response: &ureq::http::Response<ureq::Body>, log: &PhaseLog) -> Answer {
        let status = response.status();
        // The sniffed line must be this answer's: a status line of another code is not.
        let own_line = log
            .status_line
            .as_deref()
            .filter(|line| has_status(line, status.as_str()));
        let reason = own_line
            .and_then(reason_phrase)
            .map(|phrase| sanitize::text(&phrase, sanitize::SHORT))
            .unwrap_or_default();
        let headers = HEADERS_OF_NOTE
            .iter()
            .filter_map(|&name| {
                let value = response.headers().get(name)?;
                let text = String::from_utf8_lossy(value.as_bytes());
                Some((name.to_string(), sanitize::text(&text, sanitize::SHORT)))
            })
            .collect();
        Answer {
            status: status.as_u16(),
            reason,
            version: format!("{:?}", response.version()),
            headers,
        }
    }

    /// The reason phrase for a sentence: the server's, or the standard one when it sent none.
    pub fn phrase(&self) -> &str {
        if self.reason.is_empty() {
            ureq::http::StatusCode::from_u16(self.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
        } else {
            &self.reason
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
