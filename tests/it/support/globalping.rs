//! A fake Globalping API on 127.0.0.1, speaking the documented JSON.
//!
//! `POST /v1/measurements` answers 202 with an id (or, as set, 429 with the rate-limit headers,
//! 422, 400, or garbage); `GET /v1/measurements/{id}` answers in-progress for the first polls,
//! then every place's outcome, with an `ETag` and a 304 when nothing changed. Places that never
//! finish keep the measurement in progress for ever. Every request is recorded with its
//! headers and body, so tests can check what reached the API and what did not.
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
use std::time::Duration;

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
    in_progress_polls: u32,
    measurements: HashMap<String, Measurement>,
    created: u32,
    /// Fields laid over every place of every measurement.
    patch: Patch,
    /// The id of the next measurements, instead of a made-up one.
    id: Option<String>,
}

struct Measurement {
    target: String,
    outcomes: Vec<Outcome>,
    polls: u32,
    garbage: bool,
}

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
                in_progress_polls: 1,
                measurements: HashMap::new(),
                created: 0,
                patch: Patch::default(),
                id: None,
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

    /// The places of measurements of this target host.
    pub fn set_places_for(&self, target: &str, outcomes: Vec<Outcome>) {
        lock(&self.shared.script)
            .places_for
            .insert(target.to_string(), outcomes);
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
    let (status, headers, body) = answer(&request, shared);
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
        Mode::Measure | Mode::GarbagePolls => {}
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
    script.created += 1;
    let id = script
        .id
        .clone()
        .unwrap_or_else(|| format!("fake{}x{}", script.created, std::process::id()));
    let outcomes = script
        .places_for
        .get(&target)
        .unwrap_or(&script.places)
        .clone();
    let probes = outcomes.len();
    script.measurements.insert(
        id.clone(),
        Measurement {
            target,
            outcomes,
            polls: 0,
            garbage: script.mode == Mode::GarbagePolls,
        },
    );
    let mut headers = limits(249, 3600);
    headers.push(("Location", format!("/v1/measurements/{id}")));
    (
        202,
        json_headers(&headers),
        answers::created(&id, probes).into_bytes(),
    )
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
    let etag = format!("\"{id}-{}\"", if finished_yet { 2 } else { 1 });
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return (304, vec![("ETag".into(), etag)], Vec::new());
    }
    let body = answers::measurement(
        id,
        &measurement.target,
        &measurement.outcomes,
        finished_yet,
        &script.patch,
    );
    (200, json_headers(&[("ETag", etag)]), body.into_bytes())
}
