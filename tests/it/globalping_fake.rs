//! The fake Globalping API answers as documented, driven by the crate's own measurement loop
//! over the crate's own HTTP client (`probe::send`), to 127.0.0.1 only.

use std::time::{Duration, Instant};

use crate::support::globalping::{city_of, FakeGlobalping, Mode, Outcome};
use crate::support::{PATIENCE, SLACK};
use isitdown::elsewhere::globalping::{
    measure, Api, Elsewhere, Locations, MeasurementRequest, Rules, State,
};
use isitdown::probe::{self, ProxyEnv, Request, Response};
use url::Url;

/// The crate's own client, with no proxies from the environment: the fake is on the loopback.
fn send(request: &Request) -> Response {
    match probe::Client::with_machine_trust(PATIENCE, ProxyEnv::default()) {
        Ok(client) => probe::send(&client, request),
        Err(e) => panic!("a client for the loopback: {e}"),
    }
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
    let request =
        MeasurementRequest::http(&url, isitdown::probe::Method::Head, &locations).unwrap();
    measure(
        &send,
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
    let kinds: Vec<Option<isitdown::verdict::ErrorKind>> = elsewhere
        .places
        .iter()
        .map(|p| p.error.as_ref().map(|e| e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            Some(isitdown::verdict::ErrorKind::Status),
            Some(isitdown::verdict::ErrorKind::Timeout),
            Some(isitdown::verdict::ErrorKind::Dns),
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
