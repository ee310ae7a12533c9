//! The answer a server gave: status, reason phrase as sent, version, and its headers: a few
//! of note, made safe to show, for a probe; all of them, as sent, for a program.

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
    "akamai-cache-status",
    "cf-error-details",
    "x-amzn-errortype",
    "x-amz-apigw-id",
    "x-amzn-requestid",
    "cache-control",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// The reason phrase as the server sent it, made safe to show; empty when it sent none.
    pub reason: String,
    pub version: String,
    /// A probe's: the headers of note, bounded in number and length, made safe to show. A
    /// program's (see `Request::all_headers`): every header, names lowercase, values as text.
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The answer of a response, with the reason phrase from the raw status line the phase
    /// log kept, and every header or only those of note.
    pub(super) fn of(
        response: &ureq::http::Response<ureq::Body>,
        log: &PhaseLog,
        all_headers: bool,
    ) -> Answer {
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
        let text = |value: &ureq::http::HeaderValue| {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        let headers = if all_headers {
            response
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str().to_string(), text(value)))
                .collect()
        } else {
            HEADERS_OF_NOTE
                .iter()
                .filter_map(|&name| {
                    let value = text(response.headers().get(name)?);
                    Some((name.to_string(), sanitize::text(&value, sanitize::SHORT)))
                })
                .collect()
        };
        Answer {
            status: status.as_u16(),
            reason,
            version: version_of(response.version()).into(),
            headers,
        }
    }

    /// The status for a sentence: "503 Service Unavailable", or "999" when it has no phrase.
    pub fn status_words(&self) -> String {
        let phrase = crate::text::sanitize::for_terminal(self.phrase());
        format!("{} {phrase}", self.status).trim_end().to_string()
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

    /// The first value of header `name`, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The version as a status line writes it.
fn version_of(version: ureq::http::Version) -> &'static str {
    use ureq::http::Version;
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}
