//! A stand-in for the network that answers from a script, and the answers of a small
//! measurement.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use url::Url;

use super::super::{measure, Api};
use crate::elsewhere::globalping::{Elsewhere, Locations, MeasurementRequest, Rules};
use crate::probe::{ErrorKind, Failure, Method, Request, Response};

/// Answers from a script, then repeats the last answer; remembers every call.
pub(super) struct Scripted {
    answers: RefCell<VecDeque<Response>>,
    calls: RefCell<Vec<Call>>,
}

#[derive(Debug, Clone)]
pub(super) struct Call {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl Call {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Scripted {
    pub(super) fn new(answers: Vec<Response>) -> Scripted {
        Scripted {
            answers: RefCell::new(answers.into()),
            calls: RefCell::new(Vec::new()),
        }
    }

    pub(super) fn calls(&self) -> Vec<Call> {
        self.calls.borrow().clone()
    }
}

impl Scripted {
    pub(super) fn send(&self, request: &Request) -> Response {
        self.calls.borrow_mut().push(Call {
            method: request.method.as_str(),
            url: request.url.to_string(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            timeout: request.timeout.unwrap_or_default(),
        });
        let mut answers = self.answers.borrow_mut();
        match answers.len() {
            0 => fault("script ended"),
            1 => answers[0].clone(),
            _ => answers.pop_front().unwrap_or_else(|| fault("script ended")),
        }
    }
}

/// No answer at all, for this reason.
pub(super) fn fault(why: &str) -> Response {
    Response::failed(Failure::new(ErrorKind::Reset, why))
}

pub(super) fn json_reply(status: u16, body: &Value, headers: &[(&str, &str)]) -> Response {
    let headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Response::of(status, headers, body.to_string().into_bytes())
}

pub(super) fn accepted() -> Response {
    json_reply(
        202,
        &json!({"id": "m3As9", "probesCount": 2}),
        &[("Location", "https://api.example/v1/measurements/m3As9")],
    )
}

pub(super) fn result(city: &str, result: Value) -> Value {
    json!({"probe": {"continent": "EU", "country": "DE", "city": city, "asn": 3320,
                     "network": "Deutsche Telekom AG", "state": null},
           "result": result})
}

pub(super) fn measurement(status: &str, results: Vec<Value>) -> Value {
    json!({"id": "m3As9", "type": "http", "status": status, "target": "example.com",
           "probesCount": results.len(), "results": results})
}

pub(super) fn running() -> Value {
    measurement(
        "in-progress",
        vec![
            result("Berlin", json!({"status": "in-progress", "rawOutput": ""})),
            result("Munich", json!({"status": "in-progress", "rawOutput": ""})),
        ],
    )
}

pub(super) fn done() -> Value {
    measurement(
        "finished",
        vec![
            result(
                "Berlin",
                json!({"status": "finished", "statusCode": 200, "statusCodeName": "OK",
                "timings": {"total": 120, "dns": 5, "tcp": 10, "tls": 20, "firstByte": 80, "download": 5},
                "tls": {"authorized": true}}),
            ),
            result(
                "Munich",
                json!({"status": "failed", "rawOutput": "connect ECONNREFUSED 192.0.2.1:443 - ECONNREFUSED"}),
            ),
        ],
    )
}

pub(super) fn api(token: Option<&str>) -> Api {
    let mut api = Api::new("https://api.example/", token.map(str::to_string));
    api.poll_interval = Duration::from_millis(1);
    api
}

pub(super) fn request(url: &str) -> MeasurementRequest {
    let locations = Locations::parse("Germany:2").unwrap();
    MeasurementRequest::http(&Url::parse(url).unwrap(), Method::Get, &locations).unwrap()
}

pub(super) fn run_with(script: &Scripted, token: Option<&str>, within: Duration) -> Elsewhere {
    measure(
        &|request| script.send(request),
        &api(token),
        &request("https://user:pw@example.com/a?b=1"),
        Rules::default(),
        Instant::now() + within,
    )
}
