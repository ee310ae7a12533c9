//! The fake Globalping API answers as documented, driven by the crate's own measurement loop
//! over a plain `std::net` transport.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::support::globalping::{city_of, FakeGlobalping, Mode, Outcome};
use crate::support::{PATIENCE, SLACK};
use isitdown::globalping::{
    measure, Api, ApiReply, ApiRequest, Elsewhere, FailureKind, HttpMethod, Locations,
    MeasurementRequest, Rules, State, Transport, MAX_ANSWER_BYTES,
};
use url::Url;

/// HTTP/1.1 to 127.0.0.1 only, one request per connection.
struct Loopback;

impl Transport for Loopback {
    fn send(&self, request: ApiRequest<'_>) -> Result<ApiReply, String> {
        let rest = request
            .url
            .strip_prefix("http://127.0.0.1:")
            .ok_or("this transport only speaks to http://127.0.0.1")?;
        let (port, path) = match rest.split_once('/') {
            Some((port, path)) => (port, format!("/{path}")),
            None => (rest, "/".to_string()),
        };
        let port: u16 = port.parse().map_err(|_| "bad port".to_string())?;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream =
            TcpStream::connect_timeout(&address, request.timeout).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(request.timeout))
            .map_err(|e| e.to_string())?;
        let mut head = format!(
            "{} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n",
            request.method
        );
        for (name, value) in &request.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let body = request.body.unwrap_or_default();
        if request.body.is_some() {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        stream.write_all(&bytes).map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream
            .take(MAX_ANSWER_BYTES as u64 + 64 * 1024)
            .read_to_end(&mut answer)
            .map_err(|e| e.to_string())?;
        parse_reply(&answer)
    }
}

fn parse_reply(answer: &[u8]) -> Result<ApiReply, String> {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no complete head")?;
    let head = String::from_utf8_lossy(&answer[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or("no status line")?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(ApiReply {
        status,
        headers,
        body: answer[end + 4..].to_vec(),
    })
}

fn api(fake: &FakeGlobalping, token: Option<&str>) -> Api {
    let mut api = Api::new(&fake.url(), token.map(str::to_string));
    api.poll_interval = Duration::from_millis(50);
    api
}

fn ask(
    fake: &FakeGlobalping,
    token: Option<&str>,
    url: &str,
    from: &str,
    within: Duration,
) -> Elsewhere {
    let url = Url::parse(url).unwrap();
    let locations = Locations::parse(from).unwrap();
    let request = MeasurementRequest::http(&url, HttpMethod::Head, &locations).unwrap();
    measure(
        &Loopback,
        &api(fake, token),
        &request,
        Rules::default(),
        Instant::now() + within,
    )
}

#[test]
fn every_place_is_reported_and_only_the_resource_reaches_the_api() {
    let fake = FakeGlobalping::start();
    fake.set_places(vec![
        Outcome::Status(200),
        Outcome::Status(503),
        Outcome::Timeout,
        Outcome::Dns,
    ]);
    fake.set_in_progress_polls(2);
    let elsewhere = ask(
        &fake,
        Some("selftest-token-7"),
        "https://alice:s3cret-pw@status.example.com:8443/health?x=1#top",
        "world",
        PATIENCE,
    );
    assert_eq!(elsewhere.error, None);
    assert_eq!((elsewhere.asked, elsewhere.places.len()), (5, 4));
    assert_eq!(
        (elsewhere.up, elsewhere.down, elsewhere.state),
        (1, 3, State::Down)
    );
    let kinds: Vec<Option<FailureKind>> = elsewhere
        .places
        .iter()
        .map(|p| p.error.as_ref().map(|e| e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            Some(FailureKind::Status),
            Some(FailureKind::Timeout),
            Some(FailureKind::Dns),
            None
        ]
    );
    assert_eq!(elsewhere.places[3].city.as_deref(), Some(city_of(0)));
    assert_eq!(elsewhere.places[3].status, Some(200));
    let measurement = elsewhere.measurement.clone().unwrap();

    let requests = fake.requests();
    let create = &requests[0];
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/v1/measurements")
    );
    assert_eq!(
        create.header("authorization"),
        Some("Bearer selftest-token-7")
    );
    assert_eq!(create.header("content-type"), Some("application/json"));
    let sent = create.json().unwrap();
    assert_eq!(sent["target"], "status.example.com");
    assert_eq!(
        sent["locations"],
        serde_json::json!([{"magic": "world", "limit": 5}])
    );
    assert_eq!(
        sent["measurementOptions"],
        serde_json::json!({"request": {"method": "HEAD", "path": "/health", "query": "x=1"},
                           "protocol": "HTTPS", "port": 8443})
    );
    for request in &requests {
        let seen = request.everything();
        assert!(
            !seen.contains("alice") && !seen.contains("s3cret-pw") && !seen.contains("top"),
            "{seen}"
        );
    }
    let polls: Vec<_> = requests.iter().skip(1).collect();
    assert!(polls
        .iter()
        .all(|p| p.path == format!("/v1/measurements/{measurement}")));
    assert!(polls
        .iter()
        .all(|p| p.header("authorization") == Some("Bearer selftest-token-7")));
    assert_eq!(polls[0].header("if-none-match"), None);
    assert!(
        polls.iter().any(|p| p.answered == 304),
        "an unchanged poll is a 304"
    );
    assert!(polls[1..]
        .iter()
        .all(|p| p.header("if-none-match").is_some()));
    assert_eq!(polls.last().unwrap().answered, 200);
}

#[test]
fn places_that_never_finish_end_at_the_deadline() {
    let fake = FakeGlobalping::start();
    fake.set_places(vec![
        Outcome::Status(200),
        Outcome::NeverFinishes,
        Outcome::Offline,
    ]);
    // Long enough for the place that does finish, however loaded the machine.
    let deadline = Duration::from_secs(3);
    let started = Instant::now();
    let elsewhere = ask(&fake, None, "https://example.com/", "Germany:3", deadline);
    assert!(
        started.elapsed() < deadline + SLACK,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (elsewhere.up, elsewhere.unknown, elsewhere.state),
        (1, 2, State::Up)
    );
    assert!(elsewhere
        .places
        .iter()
        .any(|p| p.reason == "no result in time"));
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[test]
fn refusals_come_back_as_one_sentence() {
    let cases = [
        (
            Mode::RateLimited { reset_secs: 754 },
            "hourly limit is reached (resets in 13 min; a free token raises the limit)",
        ),
        (
            Mode::NoProbes,
            "no probes available in world: No matching IPv4 probes available.",
        ),
        (
            Mode::Invalid("Parameter validation failed.".into()),
            "refused the measurement: Parameter validation failed.",
        ),
        (Mode::Garbage, "documented JSON"),
        (Mode::GarbagePolls, "documented JSON"),
    ];
    for (mode, expected) in cases {
        let fake = FakeGlobalping::start();
        fake.set_mode(mode.clone());
        let elsewhere = ask(&fake, None, "https://example.com/", "world", PATIENCE);
        let error = elsewhere.error.clone().unwrap_or_default();
        assert!(error.contains(expected), "{mode:?}: {error}");
        assert_eq!(elsewhere.state, State::Unknown, "{mode:?}");
        assert_eq!(elsewhere.measurement.is_some(), mode == Mode::GarbagePolls);
    }
}

#[test]
fn places_can_differ_by_target() {
    let fake = FakeGlobalping::start();
    fake.set_places_for(
        "down.example.com",
        vec![Outcome::Status(503), Outcome::Refused],
    );
    let down = ask(
        &fake,
        None,
        "https://down.example.com/",
        "world:2",
        PATIENCE,
    );
    let up = ask(&fake, None, "http://up.example.com/", "world:2", PATIENCE);
    assert_eq!((down.state, down.down), (State::Down, 2));
    assert_eq!((up.state, up.up), (State::Up, 1));
    assert_ne!(down.measurement, up.measurement);
    assert_eq!(fake.created().len(), 2);
}
