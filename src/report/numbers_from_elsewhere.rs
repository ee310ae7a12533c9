//! Any number Globalping may send, in any timing or status field, is read without a panic and
//! reported in every format without one.

use std::time::{Duration, Instant, SystemTime};

use proptest::prelude::*;
use url::Url;

use super::{reporter, Format, Output};
use crate::elsewhere::globalping::{self, Api, Elsewhere, Locations, MeasurementRequest, Rules};
use crate::engine::check::Outcome;
use crate::engine::history::History;
use crate::probe::{Method, Request, Response};
use crate::verdict::State;

/// A finished measurement of one place whose numbers are `numbers`, written as given (JSON
/// number literals), after a create answer whose rate-limit reset is `reset`.
fn measured(numbers: &[String; 9], reset: &str) -> Elsewhere {
    let [total, dns, tcp, tls, first_byte, download, status, asn, probes] = numbers;
    let poll = format!(
        r#"{{"id": "m1", "status": "finished", "results": [{{
            "probe": {{"continent": "EU", "country": "DE", "city": "Berlin", "asn": {asn},
                       "network": "Example"}},
            "result": {{"status": "finished", "statusCode": {status}, "statusCodeName": "OK",
                        "timings": {{"total": {total}, "dns": {dns}, "tcp": {tcp}, "tls": {tls},
                                     "firstByte": {first_byte}, "download": {download}}}}}}}]}}"#
    );
    let create = format!(r#"{{"id": "m1", "probesCount": {probes}}}"#);
    let reset = reset.to_string();
    let send = move |request: &Request| {
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        headers.push(("x-ratelimit-reset".to_string(), reset.clone()));
        let (code, body) = match request.method {
            Method::Post => (202, create.clone()),
            _ => (200, poll.clone()),
        };
        Response::of(code, headers, body.into_bytes())
    };
    let mut api = Api::new("https://api.globalping.test", Some("tok".to_string()));
    api.poll_interval = Duration::ZERO;
    let url = Url::parse("https://shop.example.com/").unwrap();
    let locations = Locations::parse("world:1").unwrap();
    let request = MeasurementRequest::http(&url, Method::Get, &locations).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    globalping::measure(&send, &api, &request, Rules::default(), deadline)
}

/// Every format, one-shot and repeated, told about an outcome carrying `elsewhere`.
fn report_everywhere(elsewhere: Elsewhere) {
    let mut outcome = Outcome::sample("https://shop.example.com/", 200, 12, State::Up);
    outcome.elsewhere = Some(elsewhere);
    let targets = [(*outcome.target).clone()];
    let histories = [History::new(
        outcome.target.clone(),
        SystemTime::now(),
        Instant::now(),
    )];
    for format in [
        Format::Human,
        Format::Json,
        Format::Nagios,
        Format::Prometheus,
    ] {
        for verbose in [false, true] {
            let output = Output {
                format,
                quiet: false,
                only_problems: false,
                verbose,
                color: false,
                live: false,
                progress: false,
                limits: Default::default(),
                rounds: None,
            };
            let mut written = Vec::new();
            {
                let mut report = reporter(output, &targets, false, Box::new(&mut written));
                let _ = report.judged(0, &outcome, &histories);
                let _ = report.finish(&[Some(outcome.clone())], &[]);
            }
            assert!(std::str::from_utf8(&written).is_ok());
        }
    }
}

/// JSON number literals: small and huge, negative, fractions, exponents far out of range.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<u64>().prop_map(|u| u.to_string()),
        (any::<i32>(), -400i32..400).prop_map(|(m, e)| format!("{m}e{e}")),
        (0u32..1000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        Just("2e22".to_string()),
        Just("-0".to_string()),
        Just("18446744073709551616".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_number_in_an_answer_is_read_and_reported_without_a_panic(
        numbers in proptest::array::uniform9(number()),
        reset in number(),
    ) {
        let elsewhere = measured(&numbers, &reset);
        for place in &elsewhere.places {
            let t = place.timings_ms;
            for phase in [t.dns, t.connect, t.tls, t.first_byte, t.total].into_iter().flatten() {
                prop_assert!((0.0..=3_600_000.0).contains(&phase), "{phase}");
            }
        }
        report_everywhere(elsewhere);
    }
}

#[test]
fn a_timing_of_2e22_ms_is_reported_as_none() {
    let numbers = ["2e22", "1", "1", "1", "1", "1", "200", "3320", "1"].map(str::to_string);
    let elsewhere = measured(&numbers, "60");
    assert_eq!(elsewhere.places[0].timings_ms.total, None);
    report_everywhere(elsewhere.clone());
    // Even a place built with one (not through the reader) is no panic in the human report.
    let mut forged = elsewhere;
    forged.places[0].timings_ms.total = Some(2e22);
    let lines = super::human_elsewhere::lines(&forged, true);
    assert!(lines[0].contains(" - "), "{lines:?}");
}
