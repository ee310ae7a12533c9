//! One probe of one URL: resolve, connect, TLS, request, answer, and maybe the body, all within
//! one deadline, every phase timed. The result is a plain [`Observation`]; judging it is the
//! verdict's job.
//!
//! The timing seams (`resolve`, `tcp`, `tls_transport`, `first_byte`) write to one
//! `phase_log` per probe; `head` reads raw response heads; `redirect` is the one loop from the
//! first URL to the answer, for probes and page fetches alike; `exchange` is one plain call to
//! an API.

pub mod bot_wall;
pub mod dns;
pub mod dual_stack;
pub mod edge;
pub mod eyeballs;
pub mod head;
pub mod tls;

mod answer;
mod auth;
mod body;
mod exchange;
mod failure;
mod proxy;
mod redirect;
mod transport;

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::ClientConfig;
use serde::Deserialize;
use ureq::config::IpFamily;
use url::Url;

pub use answer::Answer;
use auth::OwnHeaders;
pub use body::MAX_BODY;
use body::{body_has, WALL_SNIFF_BYTES};
use dns::pins::Pins;
use dns::seam::FixedDns;
pub use exchange::{exchange, Call, Reply};
pub use eyeballs::{Attempt, Outcome as AttemptOutcome};
pub use failure::{ErrorKind, Failure, Stage};
pub use proxy::ProxyEnv;
use redirect::{Arrival, Route};
pub use tls::Certificate;
use tls::Trusted;
use transport::session::{self, Session};

/// What every probe of a run shares: TLS trust, the deadline, headers, the IP family, and
/// where names lead.
#[derive(Debug, Clone)]
pub struct Client {
    pub tls: Arc<ClientConfig>,
    /// Whom certificates are checked against; `None` with `--insecure`.
    pub trust: Option<Arc<Trusted>>,
    pub timeout: Duration,
    pub ip_family: IpFamily,
    pub headers: Vec<(String, String)>,
    pub proxies: ProxyEnv,
    /// `--resolve`: addresses for a host and port instead of DNS.
    pub pins: Pins,
    /// The test seam standing in for the system resolver (see `dns_seam`); `None` in real use.
    pub fixed_dns: Option<Arc<FixedDns>>,
}

/// The request methods a probe knows. HEAD asks for the answer without its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
        }
    }
}

/// What to probe, for one target.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: Url,
    pub method: Method,
    /// A HEAD refused with 405 or 501 is asked again with GET (catalog entries prefer HEAD).
    pub head_falls_back_to_get: bool,
    /// Read the body (at most [`MAX_BODY`]) and look for this text.
    pub find_in_body: Option<String>,
}

/// Everything one probe saw. Timings of redirect hops add up.
#[derive(Debug, Clone)]
pub struct Observation {
    pub started_at: SystemTime,
    pub answer: Option<Answer>,
    pub failure: Option<Failure>,
    pub timings: Timings,
    pub certificate: Option<Certificate>,
    pub address: Option<SocketAddr>,
    /// Every connection attempt, in the order started (see `eyeballs`).
    pub attempts: Vec<Attempt>,
    /// Whom HTTPS trusted, when the probe spoke TLS and checked certificates.
    pub trust: Option<Arc<Trusted>>,
    pub redirects: Vec<Redirect>,
    /// Whether `find_in_body` was found; `None` when not looked for or not reached.
    pub body_contains: Option<bool>,
    /// The vendor of the bot wall that answered instead of the service, if one did.
    pub bot_wall: Option<&'static str>,
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

/// Probes once. Never fails: whatever happens is in the observation.
pub fn probe(client: &Client, request: &Request) -> Observation {
    let started_at = SystemTime::now();
    let session = Session::new(client, client.timeout);
    let own_headers = OwnHeaders::of(&request.url, &client.headers);
    let walk = redirect::walk(
        &session,
        Route {
            url: request.url.clone(),
            method: request.method,
            head_falls_back_to_get: request.head_falls_back_to_get,
            follow_redirects: true,
            own_headers: Some(&own_headers),
        },
    );
    let mut answer = walk.last_redirect;
    let mut failure = None;
    let mut body_contains = None;
    let mut bot_wall = None;
    let mut answered_after = None;

    match walk.end {
        Err(why) => failure = Some(why),
        Ok(Arrival {
            mut response,
            method,
            answer: this_answer,
        }) => {
            let status = this_answer.status;
            let could_be_a_wall = bot_wall::may_be_a_wall(status);
            let needle = request
                .find_in_body
                .as_deref()
                .filter(|_| method == Method::Get);
            let mut body_start = Vec::new();
            if let Some(needle) = needle {
                match body_has(
                    response.body_mut().as_reader(),
                    needle.as_bytes(),
                    &mut body_start,
                ) {
                    Ok(found) => body_contains = Some(found),
                    Err(error) => failure = Some(session.classify(&error, Stage::Body)),
                }
            } else if could_be_a_wall && method == Method::Get {
                // A little of the body tells a challenge page; it is ours, not the service's time.
                answered_after = Some(session.start.elapsed());
                // The answer stands whatever the body does; a broken body only leaves less to
                // look at.
                let _ = response
                    .body_mut()
                    .as_reader()
                    .take(WALL_SNIFF_BYTES)
                    .read_to_end(&mut body_start);
            }
            if could_be_a_wall {
                bot_wall = bot_wall::vendor(status, &this_answer.headers, &body_start);
            }
            answer = Some(this_answer);
        }
    }

    let log = session.recorder.snapshot();
    Observation {
        started_at,
        answer,
        failure,
        timings: Timings {
            dns: log.dns,
            connect: log.connect,
            tls: log.tls,
            first_byte: log.first_byte,
            total: answered_after.unwrap_or_else(|| session.start.elapsed()),
        },
        trust: client.trust.clone().filter(|_| log.tls.is_some()),
        certificate: log.certificate,
        address: log.address,
        attempts: log.attempts,
        redirects: walk.redirects,
        body_contains,
        bot_wall,
    }
}

/// A plain GET of a small document (a status page, a reference endpoint, a DNS answer): no
/// headers of the user's, its own deadline, at most `max_body` bytes, and `accept` when given.
/// Redirects are followed only when asked: a reference endpoint that redirects is a captive
/// portal talking.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

pub fn fetch(
    client: &Client,
    url: &str,
    timeout: Duration,
    max_body: usize,
    follow_redirects: bool,
) -> Result<Fetched, Failure> {
    fetch_accepting(client, url, timeout, max_body, follow_redirects, None)
}

/// [`fetch`], asking for the media type `accept`.
pub fn fetch_accepting(
    client: &Client,
    url: &str,
    timeout: Duration,
    max_body: usize,
    follow_redirects: bool,
    accept: Option<&str>,
) -> Result<Fetched, Failure> {
    let url =
        Url::parse(url).map_err(|e| Failure::new(ErrorKind::Protocol, format!("bad URL: {e}")))?;
    let accept: Vec<(String, String)> = accept
        .map(|media| ("accept".to_string(), media.to_string()))
        .into_iter()
        .collect();
    // Only `accept`: credentials in a page's URL are not sent as a header here.
    let headers = OwnHeaders::of(&session::bare(&url), &accept);
    let session = Session::new(client, timeout);
    let walk = redirect::walk(
        &session,
        Route {
            url,
            method: Method::Get,
            head_falls_back_to_get: false,
            follow_redirects,
            own_headers: Some(&headers),
        },
    );
    let mut response = walk.end?.response;
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(max_body as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| session.classify(&ureq::Error::from(e), Stage::Body))?;
    if body.len() > max_body {
        return Err(Failure::new(
            ErrorKind::Protocol,
            format!("larger than {} KiB", max_body / 1024),
        ));
    }
    Ok(Fetched {
        status: response.status().as_u16(),
        content_type,
        body,
    })
}

#[cfg(test)]
impl Observation {
    /// What a probe saw when `status` came back after `total`, at second 1,700,000,000.
    pub(crate) fn answered(status: u16, total: Duration) -> Observation {
        Observation {
            started_at: std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            answer: Some(Answer {
                status,
                reason: String::new(),
                version: "HTTP/1.1".into(),
                headers: vec![],
            }),
            failure: None,
            timings: Timings {
                total,
                ..Timings::default()
            },
            certificate: None,
            address: None,
            attempts: vec![],
            trust: None,
            redirects: vec![],
            body_contains: None,
            bot_wall: None,
        }
    }
}
