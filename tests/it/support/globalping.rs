//! A fake Globalping API on 127.0.0.1, speaking the documented JSON.
//!
//! `POST /v1/measurements` answers 202 with an id (or, as set, 429 with the rate-limit headers,
//! 422, 400, 401, 403 or garbage); `GET /v1/measurements/{id}` answers in-progress for the first
//! polls, then every place's outcome, with a weak `ETag` and a 304 when nothing changed. As the
//! API does, a target that hangs is reported only once the measurement's `timeout` (15 s when
//! none is sent) has passed, places that do not report are ended at that timeout plus 5 s
//! ("The measurement timed out."), an empty `query` or an `ipVersion` for an address is a 400,
//! and `locations` may be an earlier measurement's id (its probes again; 422 once forgotten).
//! Places that never finish keep the measurement in progress for ever. Every request is
//! recorded with its headers and body, so tests can check what reached the API and what did
//! not.
//!
//! One request per connection (`Connection: close`); every wait is bounded, and dropping the
//! fake stops it.

mod answers;
mod wire;

pub use answers::{city_of, Patch};

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use wire::{read_request, Incoming};

/// What one place finds.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Finished with this HTTP status.
    Status(u16),
    /// Failed: the request timed out.
    Timeout,
    /// Failed: the name did not resolve.
    Dns,
    /// Failed: connection refused.
    Refused,
    /// The probe was offline.
    Offline,
    /// Stays in progress for ever.
    NeverFinishes,
    /// The target hangs: failed with "Request timeout." once the measurement's timeout passed.
    Hangs,
    /// The probe never reports: the API ends it at the timeout plus 5 s.
    Unreported,
    /// The name resolves to private addresses only: the probe refuses it.
    PrivateIp,
    /// The probe's resolver failed (SERVFAIL).
    ResolverFails,
    /// Finished with this redirect status, to this location.
    Redirect(u16, String),
    /// Finished with this status, these headers (an object) and this body start.
    Answer(u16, Value, Option<String>),
    /// Finished with 200, but the probe did not trust the certificate.
    Untrusted,
}

/// How the fake answers a create request.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Accepts and runs the places.
    Measure,
    /// 429 with the rate-limit headers, resetting in this many seconds.
    RateLimited { reset_secs: u64 },
    /// 422: no probes in the locations asked.
    NoProbes,
    /// 400 with this message.
    Invalid(String),
    /// 202 with a body that is not JSON.
    Garbage,
    /// Accepts, then answers every poll with garbage.
    GarbagePolls,
    /// 403 `access_forbidden`: this client is blocked, token or not.
    Blocked,
    /// 401 for any request that carries a token.
    RefusesTokens,
}

/// One request as the fake saw it, and the status it answered.
#[derive(Clone, Debug)]
pub struct ApiRecorded {
    pub method: String,
    /// Request target as sent, query included.
    pub path: String,
    /// Names lowercased, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub answered: u16,
}

impl ApiRecorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        super::header_in(&self.headers, name)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The whole request as text: handy for "this never reached the API" checks.
    pub fn everything(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        format!(
            "{} {}\n{}\n\n{}",
            self.method,
            self.path,
            headers.join("\n"),
            self.body_text()
        )
    }
}

pub struct FakeGlobalping {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

struct Shared {
    stop: AtomicBool,
    script: Mutex<Script>,
    requests: Mutex<Vec<ApiRecorded>>,
}

struct Script {
    mode: Mode,
    places: Vec<Outcome>,
    places_for: HashMap<String, Vec<Outcome>>,
    /// Per location name: the places found there (their `probe` fields), and their outcomes.
    places_at: HashMap<String, Vec<(Value, Outcome)>>,
    in_progress_polls: u32,
    measurements: HashMap<String, Measurement>,
    created: u32,
    /// Fields laid over every place of every measurement.
    patch: Patch,
    /// The id of the next measurements, instead of a made-up one.
    id: Option<String>,
    /// Spaces put in every poll answer before its end, to make it this large once decompressed.
    padding: usize,
    /// Earlier measurements are forgotten at once: asking for their probes is a 422.
    forgetful: bool,
}

struct Measurement {
    target: String,
    outcomes: Vec<Outcome>,
    /// Each place's `probe` fields over the default ones.
    probes: Vec<Option<Value>>,
    polls: u32,
    garbage: bool,
    created: Instant,
    /// The measurement's `timeout`, as sent, or the API's default for HTTP.
    timeout: Duration,
}

/// The API's timeout for an HTTP measurement that sends none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// The API ends a measurement this long after its timeout.
const FINALISED_AFTER: Duration = Duration::from_secs(5);

impl FakeGlobalping {
    /// Accepts measurements with one place answering 200, final after one in-progress poll.
    pub fn start() -> FakeGlobalping {
        let listener = TcpListener::bind("127.0.0.1:0").expect("fake globalping: bind");
        let addr = listener.local_addr().expect("fake globalping: local_addr");
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            script: Mutex::new(Script {
                mode: Mode::Measure,
                places: vec![Outcome::Status(200)],
                places_for: HashMap::new(),
                places_at: HashMap::new(),
                in_progress_polls: 1,
                measurements: HashMap::new(),
                created: 0,
                patch: Patch::default(),
                id: None,
                forgetful: false,
                padding: 0,
            }),
            requests: Mutex::new(Vec::new()),
        });
        let accepting = Arc::clone(&shared);
        thread::Builder::new()
            .name(format!("fake-globalping-{}", addr.port()))
            .spawn(move || accept_loop(listener, accepting))
            .expect("fake globalping: spawn");
        FakeGlobalping { addr, shared }
    }

    /// The API base: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// The places of every measurement created from now on (unless set for its target).
    pub fn set_places(&self, outcomes: Vec<Outcome>) {
        lock(&self.shared.script).places = outcomes;
    }

    /// The places of measurements of this target host, or of `host/path` (a path's own win).
    pub fn set_places_for(&self, target: &str, outcomes: Vec<Outcome>) {
        lock(&self.shared.script)
            .places_for
            .insert(target.to_string(), outcomes);
    }

    /// The places found at location `magic` (as asked in `locations`): each with its `probe`
    /// fields (country, asn, network...) and what it finds.
    pub fn set_places_at(&self, magic: &str, places: Vec<(Value, Outcome)>) {
        lock(&self.shared.script)
            .places_at
            .insert(magic.to_string(), places);
    }

    /// Pads every poll answer with white space to `bytes` (a tiny answer once compressed).
    pub fn set_padding(&self, bytes: usize) {
        lock(&self.shared.script).padding = bytes;
    }

    /// Forgets every measurement for reuse: asking for its probes again is a 422, as once it
    /// expired (it can still be polled).
    pub fn set_forgetful(&self) {
        lock(&self.shared.script).forgetful = true;
    }

    /// Fields laid over every place's `probe` and finished `result` from now on.
    pub fn set_patch(&self, patch: Patch) {
        lock(&self.shared.script).patch = patch;
    }

    /// The id given to measurements created from now on.
    pub fn set_id(&self, id: &str) {
        lock(&self.shared.script).id = Some(id.to_string());
    }

    pub fn set_mode(&self, mode: Mode) {
        lock(&self.shared.script).mode = mode;
    }

    /// Polls answered "in progress" before the places' outcomes show.
    pub fn set_in_progress_polls(&self, polls: u32) {
        lock(&self.shared.script).in_progress_polls = polls;
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<ApiRecorded> {
        lock(&self.shared.requests).clone()
    }

    /// The JSON bodies of the create requests so far.
    pub fn created(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST")
            .filter_map(ApiRecorded::json)
            .collect()
    }
}

impl Drop for FakeGlobalping {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = incoming else {
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let serving = Arc::clone(&shared);
        let _ = thread::Builder::new()
            .name("fake-globalping-conn".into())
            .spawn(move || serve(stream, &serving));
    }
}

/// A reply: status, extra headers, body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

fn serve(mut stream: TcpStream, shared: &Shared) {
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let (status, mut headers, mut body) = answer(&request, shared);
    let gzip = request
        .headers
        .iter()
        .any(|(k, v)| k == "accept-encoding" && v.contains("gzip"));
    if gzip && !body.is_empty() {
        body = wire::gzip(&body);
        headers.push(("Content-Encoding".into(), "gzip".into()));
    }
    lock(&shared.requests).push(ApiRecorded {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
        answered: status,
    });
    wire::write_reply(&mut stream, status, &headers, &body);
}

fn json_headers(extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut headers = vec![(
        "Content-Type".to_string(),
        "application/json; charset=utf-8".to_string(),
    )];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    headers
}

fn answer(request: &Incoming, shared: &Shared) -> Answer {
    let path = request.path.split('?').next().unwrap_or("");
    let mut script = lock(&shared.script);
    match (request.method.as_str(), path) {
        ("POST", "/v1/measurements") => create(request, &mut script),
        ("GET", _) if path.starts_with("/v1/measurements/") => {
            let id = &path["/v1/measurements/".len()..];
            let if_none_match = request
                .headers
                .iter()
                .find(|(k, _)| k == "if-none-match")
                .map(|(_, v)| v.clone());
            poll(id, if_none_match, &mut script)
        }
        _ => (
            404,
            json_headers(&[]),
            answers::error("not_found", "Couldn't find the requested item.").into_bytes(),
        ),
    }
}

fn create(request: &Incoming, script: &mut Script) -> Answer {
    let limits = |remaining: u64, reset: u64| {
        vec![
            ("X-RateLimit-Limit", "250".to_string()),
            ("X-RateLimit-Consumed", "0".to_string()),
            ("X-RateLimit-Remaining", remaining.to_string()),
            ("X-RateLimit-Reset", reset.to_string()),
        ]
    };
    match script.mode.clone() {
        Mode::RateLimited { reset_secs } => {
            let body = answers::error(
                "rate_limit_exceeded",
                "This measurement exceeds the remaining hourly rate limit for your IP address.",
            );
            return (429, json_headers(&limits(0, reset_secs)), body.into_bytes());
        }
        Mode::NoProbes => {
            let body = answers::error("no_probes_found", "No matching IPv4 probes available.");
            return (422, json_headers(&[]), body.into_bytes());
        }
        Mode::Invalid(message) => {
            return (
                400,
                json_headers(&[]),
                answers::validation_error(&message).into_bytes(),
            )
        }
        Mode::Garbage => {
            return (
                202,
                vec![("Content-Type".into(), "text/html".into())],
                b"<html>\x00\xff oops".to_vec(),
            )
        }
        Mode::Blocked => {
            let body = answers::error(
                "access_forbidden",
                "Access from your IP address is forbidden.",
            );
            return (403, json_headers(&[]), body.into_bytes());
        }
        Mode::RefusesTokens if request.headers.iter().any(|(k, _)| k == "authorization") => {
            let body = answers::error("unauthorized", "Invalid token.");
            return (401, json_headers(&[]), body.into_bytes());
        }
        Mode::Measure | Mode::GarbagePolls | Mode::RefusesTokens => {}
    }
    let sent: Option<Value> = serde_json::from_slice(&request.body).ok();
    let Some(target) = sent
        .as_ref()
        .and_then(|v| v["target"].as_str())
        .map(str::to_string)
    else {
        let body = answers::validation_error("Parameter validation failed.");
        return (400, json_headers(&[]), body.into_bytes());
    };
    if let Some(refused) = invalid(sent.as_ref()) {
        let body = answers::validation_error(refused);
        return (400, json_headers(&[]), body.into_bytes());
    }
    let sent = sent.unwrap_or_default();
    let timeout = sent["timeout"]
        .as_u64()
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let path = sent["measurementOptions"]["request"]["path"]
        .as_str()
        .unwrap_or("/");
    let mut outcomes = script
        .places_for
        .get(&format!("{target}{path}"))
        .or_else(|| script.places_for.get(&target))
        .unwrap_or(&script.places)
        .clone();
    let mut probes = vec![None; outcomes.len()];
    match &sent["locations"] {
        // The probes of an earlier measurement, in its order; none once it is forgotten.
        Value::String(earlier) => match script
            .measurements
            .get(earlier)
            .filter(|_| !script.forgetful)
        {
            Some(first) => {
                probes = first.probes.clone();
                outcomes.resize(probes.len(), Outcome::Status(200));
            }
            None => {
                let body = answers::error(
                    "validation_error",
                    "Measurement with this id does not exist or has expired.",
                );
                return (422, json_headers(&[]), body.into_bytes());
            }
        },
        Value::Array(locations) => {
            let at: Vec<(Value, Outcome)> = locations
                .iter()
                .filter_map(|l| script.places_at.get(l["magic"].as_str()?))
                .flatten()
                .cloned()
                .collect();
            if !at.is_empty() {
                probes = at.iter().map(|(probe, _)| Some(probe.clone())).collect();
                outcomes = at.into_iter().map(|(_, outcome)| outcome).collect();
            }
        }
        _ => {}
    }
    script.created += 1;
    let id = script
        .id
        .clone()
        .unwrap_or_else(|| format!("fake{}x{}", script.created, std::process::id()));
    let count = outcomes.len();
    script.measurements.insert(
        id.clone(),
        Measurement {
            target,
            outcomes,
            probes,
            polls: 0,
            garbage: script.mode == Mode::GarbagePolls,
            created: Instant::now(),
            timeout,
        },
    );
    let mut headers = limits(249, 3600);
    headers.push(("Location", format!("/v1/measurements/{id}")));
    (
        202,
        json_headers(&headers),
        answers::created(&id, count).into_bytes(),
    )
}

/// What the API's validation refuses in an HTTP measurement, as the fake knows it.
fn invalid(sent: Option<&Value>) -> Option<&'static str> {
    let sent = sent?;
    let options = &sent["measurementOptions"];
    if options["request"]["query"] == "" {
        return Some("\"measurementOptions.request.query\" is not allowed to be empty");
    }
    let target_is_address = sent["target"]
        .as_str()
        .is_some_and(|t| t.parse::<std::net::IpAddr>().is_ok());
    if target_is_address && !options["ipVersion"].is_null() {
        return Some("\"measurementOptions.ipVersion\" is not allowed");
    }
    match sent["timeout"].as_u64() {
        Some(5..=30) => None,
        Some(_) => Some("\"timeout\" must be between 5 and 30"),
        None if sent["timeout"].is_null() => None,
        None => Some("\"timeout\" must be a number"),
    }
}

/// A small hash of an answer, for its tag.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3)
    })
}

fn poll(id: &str, if_none_match: Option<String>, script: &mut Script) -> Answer {
    let in_progress_polls = script.in_progress_polls;
    let Some(measurement) = script.measurements.get_mut(id) else {
        let body = answers::error("not_found", "Couldn't find the requested item.");
        return (404, json_headers(&[]), body.into_bytes());
    };
    if measurement.garbage {
        return (
            200,
            json_headers(&[]),
            b"{\"status\": \"finished\", \"results\": [tru".to_vec(),
        );
    }
    measurement.polls += 1;
    let finished_yet = measurement.polls > in_progress_polls;
    let age = measurement.created.elapsed();
    let timed = answers::Clock {
        timed_out: age >= measurement.timeout,
        finalised: age >= measurement.timeout + FINALISED_AFTER,
    };
    let body = answers::measurement(
        id,
        &measurement.target,
        &measurement.outcomes,
        &measurement.probes,
        finished_yet,
        timed,
        &script.patch,
    );
    let body = match script.padding {
        0 => body,
        bytes => format!("{body}{}", " ".repeat(bytes)),
    };
    // Weak, as the API's are: the same answer has the same tag.
    let etag = format!("W/\"{:x}\"", fnv(&body));
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return (304, vec![("ETag".into(), etag)], Vec::new());
    }
    (200, json_headers(&[("ETag", etag)]), body.into_bytes())
}
