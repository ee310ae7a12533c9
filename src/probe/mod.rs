//! One probe of one URL: resolve, connect, TLS, request, answer, and maybe the body, all within
//! one deadline, every phase timed. The result is a plain [`Observation`]; judging it is the
//! verdict's job.

mod failure;
mod phases;
mod proxy;
pub mod tls;

use std::collections::HashSet;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rustls::ClientConfig;
use ureq::config::IpFamily;
use ureq::unversioned::transport::{ConnectProxyConnector, Connector};
use ureq::Agent;
use url::Url;

pub use failure::{ErrorKind, Failure, Stage};
use phases::{
    FirstByteConnector, PhaseLog, Recorder, TimedResolver, TimedTcpConnector, TimedTlsConnector,
};
pub use proxy::ProxyEnv;
pub use tls::Certificate;

use crate::bot_wall;
use crate::cli::Method;
use crate::target::redact;

/// At most this much of a body is read, and only when `--contains` needs it.
pub const MAX_BODY: usize = 1024 * 1024;
/// Response headers larger than this are a protocol failure, not a memory problem.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// How much of a 403/429/503 body is read to recognise a challenge page.
const WALL_SNIFF_BYTES: u64 = 32 * 1024;
/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;
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
    "x-served-by",
    "x-amz-cf-pop",
    "x-amz-cf-id",
    "x-fastly-request-id",
    "akamai-grn",
    "cache-control",
];

/// What every probe of a run shares: TLS trust, the deadline, headers, the IP family.
#[derive(Debug, Clone)]
pub struct Client {
    pub tls: Arc<ClientConfig>,
    pub timeout: Duration,
    pub ip_family: IpFamily,
    pub headers: Vec<(String, String)>,
    pub proxies: ProxyEnv,
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
    pub redirects: Vec<Redirect>,
    /// Whether `find_in_body` was found; `None` when not looked for or not reached.
    pub body_contains: Option<bool>,
    /// The vendor of the bot wall that answered instead of the service, if one did.
    pub bot_wall: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// The reason phrase exactly as the server sent it; empty when it sent none.
    pub reason: String,
    pub version: String,
    /// The headers of note, bounded in number and length.
    pub headers: Vec<(String, String)>,
}

impl Answer {
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

    let mut url = request.url.clone();
    let mut method = request.method;
    let mut head_may_fall_back = request.head_falls_back_to_get;
    let mut seen: HashSet<String> = HashSet::from([url.to_string()]);
    let mut redirects = Vec::new();
    let own_headers = OwnHeaders::of(&request.url, &client.headers);
    let mut answer = None;
    let mut failure = None;
    let mut body_contains = None;
    let mut bot_wall = None;
    let mut answered_after = None;

    loop {
        let mut response = match session.send(&url, method, own_headers.for_url(&url)) {
            Ok(response) => response,
            Err(why) => {
                failure = Some(why);
                break;
            }
        };
        let status = response.status().as_u16();
        let this_answer = answer_of(&response, &session.recorder.snapshot());
        if method == Method::Head && head_may_fall_back && matches!(status, 405 | 501) {
            method = Method::Get;
            head_may_fall_back = false;
            continue;
        }
        let location = location_of(&response);
        if let (true, Some(location)) = (is_redirect(status), location) {
            answer = Some(this_answer);
            match next_hop(&url, &location, &seen, redirects.len()) {
                Ok(next) => {
                    redirects.push(Redirect {
                        status,
                        to: redact(&next),
                    });
                    seen.insert(next.to_string());
                    if status == 303 && method != Method::Head {
                        method = Method::Get;
                    }
                    url = next;
                    continue;
                }
                Err(hop_failure) => {
                    failure = Some(hop_failure);
                    break;
                }
            }
        }
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
            // The answer stands whatever the body does; a broken body only leaves less to look at.
            let _ = response
                .body_mut()
                .as_reader()
                .take(WALL_SNIFF_BYTES)
                .read_to_end(&mut body_start);
        }
        if could_be_a_wall {
            bot_wall = bot_wall::vendor(status, this_answer.header("cf-mitigated"), &body_start);
        }
        answer = Some(this_answer);
        break;
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
        certificate: log.certificate,
        address: log.address,
        redirects,
        body_contains,
        bot_wall,
    }
}

/// A plain GET of a small document (a status page, a reference endpoint): no extra headers,
/// its own deadline, at most `max_body` bytes. Redirects are followed only when asked: a
/// reference endpoint that redirects is a captive portal talking.
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
    let mut url =
        Url::parse(url).map_err(|e| Failure::new(ErrorKind::Protocol, format!("bad URL: {e}")))?;
    let session = Session::new(client, timeout);
    let mut seen = HashSet::from([url.to_string()]);
    let mut response = loop {
        let response = session.send(&url, Method::Get, &[])?;
        let status = response.status().as_u16();
        match (
            follow_redirects && is_redirect(status),
            location_of(&response),
        ) {
            (true, Some(location)) => {
                url = next_hop(&url, &location, &seen, seen.len() - 1)?;
                seen.insert(url.to_string());
            }
            _ => break response,
        }
    };
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

/// An agent whose seams report to this probe's recorder. Redirects are ours to follow.
fn agent_for(client: &Client, timeout: Duration, recorder: &Recorder) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("isitdown/", env!("CARGO_PKG_VERSION")))
        .accept("*/*")
        .ip_family(client.ip_family)
        .max_response_header_size(MAX_HEADER_BYTES)
        .timeout_global(Some(timeout))
        .proxy(None)
        .build();
    let connector = ()
        .chain(ConnectProxyConnector::default())
        .chain(TimedTcpConnector {
            recorder: recorder.clone(),
        })
        .chain(TimedTlsConnector {
            recorder: recorder.clone(),
            config: client.tls.clone(),
        })
        .chain(FirstByteConnector {
            recorder: recorder.clone(),
        });
    Agent::with_parts(
        config,
        connector,
        TimedResolver {
            recorder: recorder.clone(),
        },
    )
}

/// One probe's way out: its agent, whose seams report to its phase log, and its deadline.
struct Session<'c> {
    client: &'c Client,
    agent: Agent,
    recorder: Recorder,
    start: Instant,
    timeout: Duration,
}

impl<'c> Session<'c> {
    fn new(client: &'c Client, timeout: Duration) -> Session<'c> {
        let recorder = Recorder::default();
        let agent = agent_for(client, timeout, &recorder);
        Session {
            client,
            agent,
            recorder,
            start: Instant::now(),
            timeout,
        }
    }

    /// Sends one request with what is left of the deadline; a failure is already in words.
    fn send(
        &self,
        url: &Url,
        method: Method,
        headers: &[(String, String)],
    ) -> Result<ureq::http::Response<ureq::Body>, Failure> {
        let left = self.timeout.saturating_sub(self.start.elapsed());
        if left.is_zero() {
            let within = humantime::format_duration(self.timeout);
            return Err(Failure::new(
                ErrorKind::Timeout,
                format!("no answer within {within}"),
            ));
        }
        let mut bare = url.clone();
        let _ = bare.set_username("");
        let _ = bare.set_password(None);
        bare.set_fragment(None);
        let mut builder = match method {
            Method::Get => ureq::http::Request::get(bare.as_str()),
            Method::Head => ureq::http::Request::head(bare.as_str()),
        };
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(())
            .map_err(|e| self.classify(&ureq::Error::Http(e), Stage::Exchange))?;
        let proxy = self.client.proxies.for_url(url);
        self.recorder
            .set_proxy(proxy.as_ref().map(|p| (p.host().to_string(), p.port())));
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(left))
            .proxy(proxy)
            .build();
        self.agent
            .run(request)
            .map_err(|e| self.classify(&e, Stage::Exchange))
    }

    fn classify(&self, error: &ureq::Error, stage: Stage) -> Failure {
        failure::classify(error, &self.recorder.snapshot(), self.timeout, stage)
    }
}

fn answer_of(response: &ureq::http::Response<ureq::Body>, log: &PhaseLog) -> Answer {
    let status = response.status();
    // The sniffed line must be this answer's: a status line of another code is not.
    let own_line = log.status_line.as_deref().filter(|line| {
        let code = String::from_utf8_lossy(line)
            .split(' ')
            .nth(1)
            .map(str::to_string);
        code.as_deref() == Some(status.as_str())
    });
    let reason = own_line.and_then(reason_phrase).unwrap_or_default();
    let headers = HEADERS_OF_NOTE
        .iter()
        .filter_map(|&name| {
            let value = response.headers().get(name)?;
            let text = String::from_utf8_lossy(value.as_bytes());
            Some((name.to_string(), text.chars().take(200).collect()))
        })
        .collect();
    Answer {
        status: status.as_u16(),
        reason,
        version: format!("{:?}", response.version()),
        headers,
    }
}

/// The reason phrase of a raw status line: everything after the code.
fn reason_phrase(line: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(line);
    let mut parts = line.trim_end_matches(['\r', '\n']).splitn(3, ' ');
    let (_version, _code) = (parts.next()?, parts.next()?);
    let reason = parts.next()?.trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

/// The Location header, as text whatever its bytes.
fn location_of(response: &ureq::http::Response<ureq::Body>) -> Option<String> {
    let value = response.headers().get("location")?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Where a redirect leads, if it may be followed.
fn next_hop(
    from: &Url,
    location: &str,
    seen: &HashSet<String>,
    followed: usize,
) -> Result<Url, Failure> {
    let shown = crate::sanitize::for_terminal(&crate::target::redact_typed(location));
    let next = from.join(location).map_err(|_| {
        Failure::new(
            ErrorKind::Redirects,
            format!("redirect to an invalid location '{shown}'"),
        )
    })?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!(
                "redirect to {}: only http and https are followed",
                redact(&next)
            ),
        ));
    }
    if seen.contains(next.as_str()) {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!("redirect loop: {} was already visited", redact(&next)),
        ));
    }
    if followed >= MAX_REDIRECTS {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!("more than {MAX_REDIRECTS} redirects"),
        ));
    }
    Ok(next)
}

/// Reads at most [`MAX_BODY`] bytes, looking for `needle`; stops as soon as it is found. The
/// first [`WALL_SNIFF_BYTES`] are kept in `start`, to recognise a challenge page.
fn body_has(reader: impl Read, needle: &[u8], start: &mut Vec<u8>) -> Result<bool, ureq::Error> {
    let mut reader = reader.take(MAX_BODY as u64);
    let mut seen: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let read = reader.read(&mut chunk).map_err(ureq::Error::from)?;
        if read == 0 {
            return Ok(false);
        }
        let room = (WALL_SNIFF_BYTES as usize).saturating_sub(start.len());
        start.extend_from_slice(&chunk[..read.min(room)]);
        // Only the tail that could start a match is kept from before this chunk.
        let keep_from = seen.len().saturating_sub(needle.len().saturating_sub(1));
        seen.drain(..keep_from);
        seen.extend_from_slice(&chunk[..read]);
        if needle.is_empty() || seen.windows(needle.len()).any(|w| w == needle) {
            return Ok(true);
        }
    }
}

/// What the user gave for the target itself: credentials in its URL (sent as HTTP Basic) and
/// `-H` headers. They go to the target's own origin only, never across a redirect to another
/// host, where they could leak tokens and cookies.
struct OwnHeaders {
    origin: url::Origin,
    headers: Vec<(String, String)>,
}

impl OwnHeaders {
    fn of(url: &Url, extra: &[(String, String)]) -> OwnHeaders {
        let user = percent_decode(url.username());
        let password = url.password().map(percent_decode);
        let basic = (!user.is_empty() || password.is_some()).then(|| {
            let pair = format!("{user}:{}", password.unwrap_or_default());
            (
                "authorization".to_string(),
                format!("Basic {}", base64(pair.as_bytes())),
            )
        });
        OwnHeaders {
            origin: url.origin(),
            headers: basic.into_iter().chain(extra.iter().cloned()).collect(),
        }
    }

    fn for_url(&self, url: &Url) -> &[(String, String)] {
        if url.origin() == self.origin {
            &self.headers
        } else {
            &[]
        }
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_phrases_are_taken_as_sent() {
        assert_eq!(
            reason_phrase(b"HTTP/1.1 503 Service Temporarily Unavailable\r"),
            Some("Service Temporarily Unavailable".into())
        );
        assert_eq!(reason_phrase(b"HTTP/1.1 200\r"), None);
        assert_eq!(reason_phrase(b"HTTP/1.0 404 \r"), None);
    }

    #[test]
    fn body_search_spans_chunks() {
        let body = vec![b'x'; 20_000]
            .into_iter()
            .chain(*b"needle")
            .collect::<Vec<_>>();
        let mut start = Vec::new();
        assert!(body_has(&body[..], b"needle", &mut start).unwrap());
        assert_eq!(start.len(), 20_006, "the start is kept");
        assert!(!body_has(&body[..], b"haystack", &mut Vec::new()).unwrap());
        let huge = vec![b'y'; MAX_BODY + 10];
        let mut with_late_needle = huge.clone();
        with_late_needle.extend_from_slice(b"late");
        assert!(
            !body_has(&with_late_needle[..], b"late", &mut Vec::new()).unwrap(),
            "only 1 MiB is read"
        );
    }

    #[test]
    fn basic_credentials_are_encoded_and_kept_to_their_origin() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        let url = Url::parse("https://us%40er:p%3Ass@example.com/").unwrap();
        let own = OwnHeaders::of(&url, &[("X-Token".into(), "t".into())]);
        let basic = format!("Basic {}", base64(b"us@er:p:ss"));
        assert_eq!(
            own.for_url(&url),
            [
                ("authorization".into(), basic),
                ("X-Token".into(), "t".into())
            ]
        );
        let elsewhere = Url::parse("https://other.example/").unwrap();
        assert!(own.for_url(&elsewhere).is_empty());
    }

    #[test]
    fn redirects_are_checked_before_they_are_followed() {
        let from = Url::parse("http://127.0.0.1:1/a").unwrap();
        let seen = HashSet::from([from.to_string()]);
        assert_eq!(
            next_hop(&from, "/b", &seen, 0).unwrap().as_str(),
            "http://127.0.0.1:1/b"
        );
        assert_eq!(
            next_hop(&from, "file:///etc/passwd", &seen, 0)
                .unwrap_err()
                .kind,
            ErrorKind::Redirects
        );
        assert!(next_hop(&from, "/a", &seen, 0)
            .unwrap_err()
            .message
            .contains("loop"));
        assert!(next_hop(&from, "/c", &seen, MAX_REDIRECTS)
            .unwrap_err()
            .message
            .contains("more than"));
    }
}
