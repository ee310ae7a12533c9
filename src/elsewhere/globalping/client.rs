//! The measurement loop: create, then poll as the API asks (about 500 ms after each answer,
//! `If-None-Match` with the last `ETag`) until the results are final or the deadline passes.
//!
//! The loop sends through a function the caller gives, `probe::send` over the crate's own
//! client in real use, so that tests can answer with anything. The token goes only to the API,
//! as a bearer token, and is redacted from everything this loop returns.

use std::fmt;
use std::io::Read;
use std::thread;
use std::time::{Duration, Instant};

use url::Url;

use super::answer::{self, RequestContext, Snapshot};
use super::clean;
use super::elsewhere::Elsewhere;
use super::judge::{self, Rules};
use super::request::MeasurementRequest;
use crate::probe::{BadUrl, ErrorKind, Failure, Method, Request, Response};

/// Sent with every call, as the API's guidelines ask.
pub const USER_AGENT: &str = concat!(
    "isitdown/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/isitdown/isitdown)"
);
/// The largest answer read; a stand-in for the network should stop reading past it. Fifty places with their
/// headers and first 10 kB of body fit with room to spare.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// The pause after each answer before the next poll.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// One call never waits longer than this, whatever the deadline.
const MAX_CALL: Duration = Duration::from_secs(10);
/// How much longer than a measurement's own timeout its results are waited for: the API
/// finalises a measurement at its timeout plus 5 s, and asks clients to allow at least 10 s
/// for the probes to report and the measurement to be finalised.
pub const MARGIN: Duration = Duration::from_secs(10);
/// An `ETag` longer than this is not echoed back.
const MAX_ETAG: usize = 256;
/// After a `429` that does not say when the limit resets (or says something unbelievable),
/// no measurement is asked for this long. The allowance is counted per hour; a quarter of it
/// lets a part of the window pass without hammering the API.
pub const RATE_LIMIT_BACKOFF: Duration = Duration::from_secs(15 * 60);

/// Where the API is and who asks.
#[derive(Clone)]
pub struct Api {
    /// `https://api.globalping.io`, no trailing slash.
    pub base: String,
    token: Option<String>,
    /// [`POLL_INTERVAL`]; shorter only in tests.
    pub poll_interval: Duration,
}

impl Api {
    /// An empty token is no token.
    pub fn new(base: &str, token: Option<String>) -> Api {
        Api {
            base: base.trim().trim_end_matches('/').to_string(),
            token: token
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            poll_interval: POLL_INTERVAL,
        }
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Removes the token from a text that is about to be shown, in any case and with white
    /// space anywhere in it.
    pub fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(token) => crate::text::redact::secret(text, token),
            None => text.to_string(),
        }
    }
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

/// Runs one measurement until its results are final or `deadline` passes (the caller gives
/// now + the measurement's timeout + [`MARGIN`]). Never fails: what went wrong is in [`Elsewhere::error`].
pub fn measure(
    send: &dyn Fn(&Request) -> Response,
    api: &Api,
    request: &MeasurementRequest,
    rules: Rules<'_>,
    deadline: Instant,
) -> Elsewhere {
    let mut elsewhere = run(
        &Session {
            send,
            api,
            deadline,
        },
        request,
        rules,
    );
    // Every text was redacted as it was read; this is the last look before it is shown.
    elsewhere.error = elsewhere.error.map(|e| api.redact(&e));
    for place in &mut elsewhere.places {
        place.reason = api.redact(&place.reason);
        if let Some(error) = &mut place.error {
            error.message = api.redact(&error.message);
        }
        for text in [
            &mut place.continent,
            &mut place.country,
            &mut place.city,
            &mut place.network,
        ]
        .into_iter()
        .flatten()
        {
            *text = api.redact(text);
        }
    }
    elsewhere
}

struct Session<'a> {
    /// `probe::send` over the crate's own client, or a stand-in that answers from a script.
    send: &'a dyn Fn(&Request) -> Response,
    api: &'a Api,
    deadline: Instant,
}

impl Session<'_> {
    /// `None` when no time is left for a call. `Err` is for no answer at all (DNS, connection,
    /// timeout), in one sentence; any status is an answer.
    fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
        etag: Option<&str>,
    ) -> Option<Result<Response, Failure>> {
        let left = self.deadline.checked_duration_since(Instant::now())?;
        if left.is_zero() {
            return None;
        }
        let url = match Url::parse(url) {
            Ok(url) => url,
            Err(e) => {
                let bad = BadUrl(e).to_string();
                return Some(Err(Failure::new(ErrorKind::Protocol, bad)));
            }
        };
        let mut headers = vec![
            ("User-Agent", USER_AGENT.to_string()),
            ("Accept", "application/json".to_string()),
            // Up to ~10 kB of body per place, twice per measurement: worth compressing.
            ("Accept-Encoding", "gzip".to_string()),
        ];
        if let Some(token) = &self.api.token {
            headers.push(("Authorization", format!("Bearer {token}")));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json".to_string()));
        }
        if let Some(etag) = etag {
            headers.push(("If-None-Match", etag.to_string()));
        }
        // One call, no redirects followed, the API's own headers only, every header back.
        let request = Request {
            method,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
            body: body.map(<[u8]>::to_vec),
            ..Request::document(url, left.min(MAX_CALL), MAX_ANSWER_BYTES)
        };
        let response = (self.send)(&request);
        Some(match response.failure {
            Some(failure) => Err(failure),
            None => inflated(response),
        })
    }

    /// Sleeps `pause`, or until the deadline; false once the deadline has passed.
    fn wait(&self, pause: Duration) -> bool {
        let Some(left) = self.deadline.checked_duration_since(Instant::now()) else {
            return false;
        };
        thread::sleep(pause.min(left));
        Instant::now() < self.deadline
    }
}

fn run(session: &Session<'_>, request: &MeasurementRequest, rules: Rules<'_>) -> Elsewhere {
    let asked = request.probes();
    let names = request.place_names();
    let asking = RequestContext {
        locations: &names,
        probes: asked,
        token: session.api.token.as_deref(),
    };
    if session
        .api
        .token
        .as_deref()
        .is_some_and(|t| !header_safe(t))
    {
        return Elsewhere::failed(
            asked,
            "the Globalping token has characters an HTTP header cannot carry",
        );
    }
    let create_url = format!("{}/v1/measurements", session.api.base);
    let body = request.to_json();
    let created = match session.call(Method::Post, &create_url, Some(&body), None) {
        None => return Elsewhere::failed(asked, "no time was left to ask Globalping"),
        Some(Err(e)) => {
            return Elsewhere::failed(
                asked,
                format!(
                    "the Globalping API could not be reached ({}); your own connection may be down",
                    clean(&e.message, 200, asking.token)
                ),
            )
        }
        Some(Ok(reply)) => match answer::created(&reply, asking) {
            Ok(created) => created,
            Err(e) => {
                let mut failed = Elsewhere::failed(asked, e.to_string());
                failed.refused_with = reply.status();
                // Over the limit: nothing more is asked until it resets.
                if reply.status() == Some(429) {
                    failed.retry_after =
                        Some(answer::reset_after(&reply).unwrap_or(RATE_LIMIT_BACKOFF));
                }
                return failed;
            }
        },
    };
    if created.probes == 0 {
        let error = format!("Globalping found no probes available in {names}");
        return Elsewhere::of(asked, Some(created.id), Vec::new(), Some(error));
    }
    let poll_url = format!("{create_url}/{}", created.id);
    let (last, error) = poll(session, &poll_url, asking);
    let finished = last.as_ref().is_some_and(|s| s.finished);
    let places: Vec<_> = last
        .map(|s| s.places.iter().map(|p| judge::judge(p, rules)).collect())
        .unwrap_or_default();
    let error = error.or_else(|| match (places.is_empty(), finished) {
        (false, _) => None,
        (true, true) => Some("Globalping finished without a result from any place".to_string()),
        (true, false) => Some("Globalping gave no result in time".to_string()),
    });
    Elsewhere::of(asked, Some(created.id), places, error)
}

/// Polls until the results are final, the API refuses, or time runs out. Returns the last
/// results seen and why polling ended early, if it did.
fn poll(
    session: &Session<'_>,
    url: &str,
    asking: RequestContext,
) -> (Option<Snapshot>, Option<String>) {
    let mut last: Option<Snapshot> = None;
    let mut etag: Option<String> = None;
    let mut pause = session.api.poll_interval;
    let mut trouble: Option<Failure> = None;
    while session.wait(pause) {
        pause = session.api.poll_interval;
        let reply = match session.call(Method::Get, url, None, etag.as_deref()) {
            None => break,
            // A passing fault: the next poll may get through before the deadline.
            Some(Err(e)) => {
                trouble = Some(e);
                continue;
            }
            Some(Ok(reply)) => reply,
        };
        trouble = None;
        match reply.status() {
            Some(304) if last.is_some() => {}
            Some(200) => match answer::snapshot(&reply, asking) {
                Ok(snapshot) => {
                    etag = reply
                        .header("etag")
                        .filter(|e| e.len() <= MAX_ETAG && header_safe(e))
                        .map(str::to_string);
                    let done = snapshot.finished;
                    last = Some(snapshot);
                    if done {
                        break;
                    }
                }
                Err(e) => return (last, Some(e.to_string())),
            },
            // Polled too often: wait as long as the API asks (the deadline still holds).
            Some(429) => pause = retry_after(&reply).max(session.api.poll_interval),
            _ => return (last, Some(answer::refusal(&reply, asking))),
        }
    }
    let stopped = trouble.filter(|_| last.is_none()).map(|e| {
        let why = clean(&e.message, 200, asking.token);
        format!("the Globalping API stopped answering ({why})")
    });
    (last, stopped)
}

fn retry_after(reply: &Response) -> Duration {
    let seconds = reply
        .header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(seconds.min(60))
}

/// Visible ASCII and spaces only: nothing that could end a header line.
fn header_safe(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// An answer sent gzip-compressed, as asked, inflated: read compressed through the limit, then
/// inflated through it again, so that a small answer cannot grow past it either.
fn inflated(mut response: Response) -> Result<Response, Failure> {
    let gzip = response
        .answer
        .as_ref()
        .and_then(|a| a.header("content-encoding"))
        .is_some_and(|coding| coding.trim().eq_ignore_ascii_case("gzip"));
    if !gzip {
        return Ok(response);
    }
    let mut body = Vec::new();
    let limit = MAX_ANSWER_BYTES as u64 + 1;
    flate2::read::GzDecoder::new(response.body.as_slice())
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| {
            let why = crate::text::words::io_error(&e);
            Failure::new(
                ErrorKind::Protocol,
                format!("the answer's gzip body could not be inflated: {why}"),
            )
        })?;
    response.body = body;
    if let Some(answer) = response.answer.as_mut() {
        answer
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-encoding"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests;
