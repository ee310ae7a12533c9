//! What came back: one response type for every request, whatever happened. Timings of redirect
//! hops add up.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::answer::Answer;
use super::bot_wall::{self, Wall};
use super::edge::{self, Edge};
use super::eyeballs::Attempt;
use super::failure::{ErrorKind, Failure};
use super::proxy::ProxyUsed;
use super::tls::{Certificate, Trusted};

/// Everything one request saw: the answer and as much of its body as asked, or why there is
/// none, with every phase timed.
#[derive(Debug, Clone)]
pub struct Response {
    pub started_at: SystemTime,
    /// Status, reason, version and headers. With a failure, the answer of the last redirect
    /// met, if one came before it.
    pub answer: Option<Answer>,
    /// The body of a document ([`super::ReadBody::Upto`]): at most the request's limit, and one
    /// byte more when it is longer. Empty for a probe, whose reading of a challenge page's start
    /// or of `--contains` ends in `bot_wall` and `body_contains`.
    pub body: Vec<u8>,
    pub failure: Option<Failure>,
    pub timings: Timings,
    pub certificate: Option<Certificate>,
    /// The TLS protocol, cipher suite, subject and issuer, when the request spoke TLS.
    pub handshake: Option<crate::probe::tls::Handshake>,
    pub address: Option<SocketAddr>,
    /// Every connection attempt, in the order started (see `eyeballs`).
    pub attempts: Vec<Attempt>,
    /// Whom HTTPS trusted, when the request spoke TLS and checked certificates.
    pub trust: Option<Arc<Trusted>>,
    pub redirects: Vec<Redirect>,
    /// Whether the `--contains` text was found; `None` when not looked for or not reached.
    pub body_contains: Option<bool>,
    /// The bot wall that answered instead of the service, if one did.
    pub bot_wall: Option<&'static Wall>,
    /// The CDN the answer came through, and who made it (see `edge`).
    pub edge: Option<Edge>,
    /// The proxy that carried the last request, if one did.
    pub proxy: Option<ProxyUsed>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
    pub first_byte: Option<Duration>,
    pub total: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    pub status: u16,
    /// Where it pointed, password redacted.
    pub to: String,
}

impl Response {
    /// Nothing seen yet, from `started_at`.
    pub(super) fn started(started_at: SystemTime) -> Response {
        Response {
            started_at,
            answer: None,
            body: Vec::new(),
            failure: None,
            timings: Timings::default(),
            certificate: None,
            handshake: None,
            address: None,
            attempts: Vec::new(),
            trust: None,
            redirects: Vec::new(),
            body_contains: None,
            bot_wall: None,
            edge: None,
            proxy: None,
        }
    }

    /// An answer made of its parts, nothing timed: what a stand-in for the network (a test, a
    /// scripted API) answers.
    pub fn of(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
        Response {
            answer: Some(Answer {
                status,
                reason: String::new(),
                version: "HTTP/1.1".into(),
                headers,
            }),
            body,
            ..Response::started(SystemTime::now())
        }
    }

    /// No answer, for this reason: what a stand-in for the network answers when it fails.
    pub fn failed(failure: Failure) -> Response {
        Response {
            failure: Some(failure),
            ..Response::started(SystemTime::now())
        }
    }

    /// The answer's status, if an answer came.
    pub fn status(&self) -> Option<u16> {
        self.answer.as_ref().map(|a| a.status)
    }

    /// The first value of header `name` (any case), if an answer came with it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.answer.as_ref()?.header(name)
    }

    /// Recognises who answered, from the answer and the first bytes of its body: a bot wall
    /// instead of the service, the CDN it came through. Every answer judged is recognised here,
    /// from this machine or from elsewhere.
    pub fn recognise(&mut self, body_start: &[u8]) {
        let Some(answer) = &self.answer else {
            return;
        };
        // Lowercased once for both: it may be 32 KiB of page.
        let body = String::from_utf8_lossy(body_start).to_lowercase();
        self.bot_wall = bot_wall::recognise(answer.status, &answer.headers, &body);
        self.edge = edge::recognise(answer.status, &answer.reason, &answer.headers, &body);
    }

    /// The status and the whole body of a document read with [`super::ReadBody::Upto`]`(limit)`,
    /// or why there are none: no answer, or a body longer than `limit`.
    pub fn whole(&self, limit: usize) -> Result<(u16, &[u8]), Failure> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        let Some(status) = self.status() else {
            return Err(Failure::new(ErrorKind::Protocol, "no answer"));
        };
        if self.body.len() > limit {
            return Err(Failure::new(
                ErrorKind::Protocol,
                format!("larger than {} KiB", limit / 1024),
            ));
        }
        Ok((status, &self.body))
    }
}

impl Response {
    /// What a probe saw when `status` came back after `total` (from elsewhere, say), at
    /// second 1,700,000,000.
    pub fn answered(status: u16, total: Duration) -> Response {
        let mut response = Response::of(status, vec![], vec![]);
        response.started_at = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        response.timings.total = total;
        response
    }
}
