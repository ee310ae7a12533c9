use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::*;
use crate::elsewhere::globalping::State;

mod script;

use crate::probe::Response;
use script::{
    accepted, api, done, fault, json_reply, measurement, request, result, run_with, running,
    Scripted,
};

#[test]
fn creates_polls_with_etags_and_judges_every_place() {
    let script = Scripted::new(vec![
        accepted(),
        json_reply(200, &running(), &[("ETag", "\"v1\"")]),
        json_reply(304, &json!(null), &[]),
        json_reply(200, &done(), &[("ETag", "\"v2\"")]),
    ]);
    let elsewhere = run_with(&script, Some("tok-123"), Duration::from_secs(5));
    assert_eq!(elsewhere.error, None);
    assert_eq!(elsewhere.measurement.as_deref(), Some("m3As9"));
    assert_eq!(
        elsewhere.url.as_deref(),
        Some("https://globalping.io?measurement=m3As9")
    );
    assert_eq!((elsewhere.state, elsewhere.asked), (State::Down, 2));
    assert_eq!((elsewhere.up, elsewhere.down), (1, 1));
    assert_eq!(
        elsewhere.places[0].city.as_deref(),
        Some("Munich"),
        "worst first"
    );
    assert_eq!(elsewhere.places[1].timings_ms.first_byte, Some(80.0));

    let calls = script.calls();
    assert_eq!(calls.len(), 4);
    let create = &calls[0];
    assert_eq!(
        (create.method, create.url.as_str()),
        ("POST", "https://api.example/v1/measurements")
    );
    assert_eq!(create.header("content-type"), Some("application/json"));
    assert_eq!(create.header("authorization"), Some("Bearer tok-123"));
    assert!(create
        .header("user-agent")
        .unwrap()
        .starts_with("isitdown/"));
    assert!(create
        .header("user-agent")
        .unwrap()
        .contains("https://github.com/isitdown/isitdown"));
    let sent: Value = serde_json::from_slice(create.body.as_ref().unwrap()).unwrap();
    assert_eq!(sent["target"], "example.com");
    assert!(!String::from_utf8_lossy(create.body.as_ref().unwrap()).contains("pw"));
    for poll in &calls[1..] {
        assert_eq!(
            (poll.method, poll.url.as_str()),
            ("GET", "https://api.example/v1/measurements/m3As9")
        );
        assert_eq!(poll.body, None);
        assert_eq!(poll.header("authorization"), Some("Bearer tok-123"));
        assert!(poll.timeout <= Duration::from_secs(5));
    }
    assert_eq!(calls[1].header("if-none-match"), None);
    assert_eq!(calls[2].header("if-none-match"), Some("\"v1\""));
    assert_eq!(calls[3].header("if-none-match"), Some("\"v1\""));
}

#[test]
fn without_a_token_no_authorization_is_sent() {
    let script = Scripted::new(vec![accepted(), json_reply(200, &done(), &[])]);
    run_with(&script, None, Duration::from_secs(5));
    assert!(script
        .calls()
        .iter()
        .all(|c| c.header("authorization").is_none()));
    let blank = Scripted::new(vec![accepted(), json_reply(200, &done(), &[])]);
    run_with(&blank, Some("  "), Duration::from_secs(5));
    assert!(blank
        .calls()
        .iter()
        .all(|c| c.header("authorization").is_none()));
}

#[test]
fn the_deadline_holds_when_places_never_finish() {
    let script = Scripted::new(vec![
        accepted(),
        json_reply(200, &running(), &[("ETag", "\"v1\"")]),
    ]);
    let started = Instant::now();
    let elsewhere = run_with(&script, None, Duration::from_millis(300));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((elsewhere.state, elsewhere.unknown), (State::Unknown, 2));
    assert!(elsewhere
        .places
        .iter()
        .all(|p| p.reason == "no result in time"));
    assert_eq!(elsewhere.error, None);
    assert!(script.calls().len() > 2);
}

#[test]
fn polls_wait_about_half_a_second_after_each_answer() {
    let script = Scripted::new(vec![
        accepted(),
        json_reply(200, &running(), &[]),
        json_reply(200, &done(), &[]),
    ]);
    let mut api = api(None);
    api.poll_interval = POLL_INTERVAL;
    let started = Instant::now();
    let elsewhere = measure(
        &|request| script.send(request),
        &api,
        &request("https://example.com/"),
        Rules::default(),
        Instant::now() + Duration::from_secs(5),
    );
    assert_eq!(elsewhere.places.len(), 2);
    assert!(
        started.elapsed() >= 2 * POLL_INTERVAL,
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn refusals_at_creation_end_the_measurement_with_one_sentence() {
    let cases: Vec<(Response, &str)> = vec![
        (
            json_reply(
                429,
                &json!({"error": {"type": "rate_limit_exceeded", "message": "x"}}),
                &[("X-RateLimit-Reset", "600"), ("X-RateLimit-Remaining", "0")],
            ),
            "hourly limit is reached (resets in 10 min; a free token raises the limit)",
        ),
        (
            json_reply(
                422,
                &json!({"error": {"type": "no_probes_found", "message": "No matching IPv4 probes available."}}),
                &[],
            ),
            "no probes available in Germany",
        ),
        (
            json_reply(
                400,
                &json!({"error": {"type": "validation_error", "message": "Parameter validation failed."}}),
                &[],
            ),
            "refused the measurement: Parameter validation failed.",
        ),
        (
            Response::of(202, vec![], b"<html>hello</html>".to_vec()),
            "documented JSON",
        ),
        (
            fault("connection refused"),
            "could not be reached (connection refused); your own connection may be down",
        ),
    ];
    for (answer, expected) in cases {
        let script = Scripted::new(vec![answer]);
        let elsewhere = run_with(&script, None, Duration::from_secs(5));
        let error = elsewhere.error.clone().unwrap();
        assert!(error.contains(expected), "{error}");
        assert_eq!((elsewhere.state, elsewhere.asked), (State::Unknown, 2));
        assert!(elsewhere.places.is_empty() && elsewhere.measurement.is_none());
        assert_eq!(script.calls().len(), 1, "nothing more is asked");
    }
}

#[test]
fn the_token_never_appears_in_what_comes_back() {
    let token = "gp-secret-42";
    let script = Scripted::new(vec![fault(&format!(
        "proxy said: Authorization: Bearer {token}"
    ))]);
    let elsewhere = run_with(&script, Some(token), Duration::from_secs(5));
    let shown = serde_json::to_string(&elsewhere).unwrap();
    assert!(!shown.contains(token), "{shown}");
    assert!(shown.contains("***"));

    let echo =
        json!({"error": {"type": "validation_error", "message": format!("bad token {token}")}});
    let script = Scripted::new(vec![json_reply(400, &echo, &[])]);
    let shown =
        serde_json::to_string(&run_with(&script, Some(token), Duration::from_secs(5))).unwrap();
    assert!(!shown.contains(token), "{shown}");

    let places = measurement(
        "finished",
        vec![result(
            "Berlin",
            json!({"status": "failed", "rawOutput": format!("odd {token}")}),
        )],
    );
    let script = Scripted::new(vec![accepted(), json_reply(200, &places, &[])]);
    let shown =
        serde_json::to_string(&run_with(&script, Some(token), Duration::from_secs(5))).unwrap();
    assert!(!shown.contains(token), "{shown}");

    assert!(!format!("{:?}", api(Some(token))).contains(token));
    let url = url::Url::parse("https://api.example/").unwrap();
    let request = crate::probe::Request {
        headers: vec![("Authorization".into(), format!("Bearer {token}"))],
        ..crate::probe::Request::document(url, Duration::from_secs(1), 1024)
    };
    assert!(!format!("{request:?}").contains(token));
}

#[test]
fn a_token_that_could_break_a_header_is_never_sent() {
    let script = Scripted::new(vec![accepted()]);
    let elsewhere = run_with(&script, Some("abc\r\nX-Evil: 1"), Duration::from_secs(5));
    assert!(elsewhere.error.unwrap().contains("token has characters"));
    assert!(script.calls().is_empty());
}

#[test]
fn garbage_while_polling_keeps_what_was_known() {
    let script = Scripted::new(vec![
        accepted(),
        json_reply(200, &running(), &[]),
        Response::of(200, vec![], b"\x00\x01garbage".to_vec()),
    ]);
    let elsewhere = run_with(&script, None, Duration::from_secs(5));
    assert!(elsewhere.error.unwrap().contains("documented JSON"));
    assert_eq!(elsewhere.unknown, 2);
    assert_eq!(script.calls().len(), 3);

    let script = Scripted::new(vec![
        accepted(),
        json_reply(404, &json!({"error": {"type": "not_found"}}), &[]),
    ]);
    let elsewhere = run_with(&script, None, Duration::from_secs(5));
    assert!(elsewhere.error.unwrap().contains("no longer knows"));
    assert_eq!(elsewhere.measurement.as_deref(), Some("m3As9"));
}

#[test]
fn passing_faults_and_polling_limits_are_waited_out() {
    let script = Scripted::new(vec![
        accepted(),
        fault("connection reset"),
        json_reply(
            429,
            &json!({"error": {"type": "too_many_requests"}}),
            &[("Retry-After", "0")],
        ),
        json_reply(200, &done(), &[]),
    ]);
    let elsewhere = run_with(&script, None, Duration::from_secs(5));
    assert_eq!(elsewhere.error, None);
    assert_eq!(elsewhere.places.len(), 2);
}

#[test]
fn an_api_that_stops_answering_is_said_so() {
    let script = Scripted::new(vec![accepted(), fault("timed out")]);
    let elsewhere = run_with(&script, None, Duration::from_millis(200));
    assert_eq!(
        elsewhere.error.as_deref(),
        Some("the Globalping API stopped answering (timed out)")
    );
    assert_eq!(elsewhere.state, State::Unknown);
}

#[test]
fn unsafe_etags_are_not_echoed() {
    let script = Scripted::new(vec![
        accepted(),
        json_reply(200, &running(), &[("ETag", "\"v1\"\r\nX-Evil: 1")]),
        json_reply(200, &done(), &[]),
    ]);
    run_with(&script, None, Duration::from_secs(5));
    assert_eq!(script.calls()[2].header("if-none-match"), None);
}

#[test]
fn no_time_left_asks_nothing() {
    let script = Scripted::new(vec![accepted()]);
    let elsewhere = measure(
        &|request| script.send(request),
        &api(None),
        &request("https://example.com/"),
        Rules::default(),
        Instant::now(),
    );
    assert!(elsewhere.error.unwrap().contains("no time was left"));
    assert!(script.calls().is_empty());
}

#[test]
fn any_bytes_at_all_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"status\":",
        b"\"results\":",
        b"\"finished\"",
        b"\"in-progress\"",
        b",",
        b"null",
        b"{\"probe\":{},\"result\":{\"status\":\"failed\"}}",
        b"\xff",
    ];
    for _ in 0..300 {
        let mut body = Vec::new();
        for _ in 0..(next() % 40) {
            body.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let status = [200u16, 202, 304, 400, 422, 429, 500][(next() % 7) as usize];
        let reply = Response::of(status, vec![], body);
        let script = Scripted::new(vec![accepted(), reply]);
        let _ = run_with(&script, None, Duration::from_millis(20));
    }
}

#[test]
fn a_measurement_without_places_says_so() {
    let none = json_reply(202, &json!({"id": "m0", "probesCount": 0}), &[]);
    let script = Scripted::new(vec![none]);
    let elsewhere = run_with(&script, None, Duration::from_secs(5));
    assert_eq!(
        elsewhere.error.as_deref(),
        Some("Globalping found no probes available in Germany")
    );
    assert_eq!(script.calls().len(), 1);

    let empty = json_reply(200, &measurement("finished", vec![]), &[]);
    let script = Scripted::new(vec![accepted(), empty]);
    let elsewhere = run_with(&script, None, Duration::from_secs(5));
    assert!(elsewhere.error.unwrap().contains("without a result"));
}

#[test]
fn a_compressed_answer_is_inflated_through_the_limit_and_a_damaged_one_is_said() {
    use std::io::Write;
    let gzip = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("compressed");
        encoder.finish().expect("compressed")
    };
    let encoded =
        |body: Vec<u8>| Response::of(200, vec![("Content-Encoding".into(), "gzip".into())], body);
    let plain = inflated(encoded(gzip(b"{\"id\":\"m1\"}"))).expect("inflated");
    assert_eq!(plain.body, b"{\"id\":\"m1\"}");
    assert_eq!(
        plain
            .answer
            .as_ref()
            .and_then(|a| a.header("content-encoding")),
        None
    );

    // Ten times the limit, in a few kilobytes: inflated no further than one byte past it, which
    // the answer's reader refuses as too large.
    let bomb = inflated(encoded(gzip(&vec![b' '; 10 * MAX_ANSWER_BYTES]))).expect("read");
    assert_eq!(bomb.body.len(), MAX_ANSWER_BYTES + 1);

    let damaged = inflated(encoded(b"not gzip at all".to_vec())).expect_err("damaged");
    assert_eq!(damaged.kind, ErrorKind::Protocol);
    assert!(damaged
        .message
        .starts_with("the answer's gzip body could not be inflated"));

    // An answer sent as it is stays as it is.
    let as_is = inflated(json_reply(200, &json!({"id": "m2"}), &[])).expect("as is");
    assert_eq!(as_is.body, br#"{"id":"m2"}"#);
}
