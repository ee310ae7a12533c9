use serde_json::json;

use super::*;

const FINISHED: &str = include_str!("../fixtures/finished.json");
const IN_PROGRESS: &str = include_str!("../fixtures/in-progress.json");

fn reply(status: u16, body: &str) -> Response {
    let headers = vec![("Content-Type".into(), "application/json".into())];
    Response::of(status, headers, body.as_bytes().to_vec())
}

fn asking() -> RequestContext<'static> {
    RequestContext {
        locations: "Atlantis",
        probes: 10,
        token: None,
    }
}

#[test]
fn reads_a_created_measurement() {
    let created = created(
        &reply(202, r#"{"id":"PZ3kq9Lr2Aa_x-7","probesCount":3}"#),
        asking(),
    );
    assert_eq!(
        created,
        Ok(Created {
            id: "PZ3kq9Lr2Aa_x-7".into(),
            probes: 3
        })
    );
}

#[test]
fn refuses_created_answers_that_are_not_documented() {
    for body in [
        "",
        "null",
        "[]",
        "not json",
        r#"{"probesCount":3}"#,
        r#"{"id":"abc"}"#,
        r#"{"id":42,"probesCount":3}"#,
        r#"{"id":"../../v1/limits","probesCount":3}"#,
        r#"{"id":"a b","probesCount":3}"#,
        r#"{"id":"","probesCount":3}"#,
        r#"{"id":"abc","probesCount":-1}"#,
    ] {
        let error = created(&reply(202, body), asking())
            .unwrap_err()
            .to_string();
        assert!(error.contains("documented JSON"), "{body}: {error}");
    }
}

#[test]
fn reads_a_finished_http_measurement_field_by_field() {
    let snapshot = snapshot(&reply(200, FINISHED), asking()).unwrap();
    assert!(snapshot.finished);
    assert_eq!(snapshot.places.len(), 3);
    let melbourne = &snapshot.places[0];
    assert_eq!(melbourne.continent.as_deref(), Some("OC"));
    assert_eq!(melbourne.country.as_deref(), Some("AU"));
    assert_eq!(melbourne.city.as_deref(), Some("Melbourne"));
    assert_eq!(melbourne.asn, Some(13335));
    assert_eq!(melbourne.network.as_deref(), Some("Cloudflare, Inc."));
    assert_eq!(melbourne.run, Some(Run::Finished));
    assert_eq!(melbourne.status_code, Some(200));
    assert_eq!(melbourne.status_name.as_deref(), Some("OK"));
    assert_eq!(melbourne.tls_trusted, Some(true));
    assert_eq!(
        melbourne.timings,
        TimingsMs {
            dns: Some(24.0),
            connect: Some(78.0),
            tls: Some(118.0),
            first_byte: Some(190.0),
            total: Some(412.0),
        }
    );
    let ashburn = &snapshot.places[1];
    assert_eq!(ashburn.status_code, Some(503));
    assert_eq!(ashburn.tls_trusted, None);
    assert_eq!(ashburn.timings.total, Some(95.0));
    let frankfurt = &snapshot.places[2];
    assert_eq!(frankfurt.run, Some(Run::Failed));
    assert_eq!(frankfurt.failure_source.as_deref(), Some("target"));
    assert_eq!(
        frankfurt.output.as_deref(),
        Some("getaddrinfo ENOTFOUND status.example.org - ENOTFOUND")
    );
    assert_eq!(frankfurt.timings, TimingsMs::default());
}

#[test]
fn reads_a_measurement_in_progress() {
    let snapshot = snapshot(&reply(200, IN_PROGRESS), asking()).unwrap();
    assert!(!snapshot.finished);
    let runs: Vec<_> = snapshot.places.iter().map(|p| p.run).collect();
    assert_eq!(runs, [Some(Run::InProgress), Some(Run::Offline)]);
    assert_eq!(snapshot.places[0].city.as_deref(), Some("São Paulo"));
}

#[test]
fn any_status_but_in_progress_is_final() {
    let done = snapshot(
        &reply(200, r#"{"status":"whatever","results":[]}"#),
        asking(),
    )
    .unwrap();
    assert!(done.finished && done.places.is_empty());
}

#[test]
fn wrong_types_and_missing_fields_give_empty_places_not_errors() {
    let body = json!({"status": "finished", "results": [
        null, 7, "x", [], {},
        {"probe": "nowhere", "result": []},
        {"probe": {"city": 12, "asn": "AS3320", "country": null, "network": {"n": 1}},
         "result": {"status": 5, "statusCode": "200", "timings": {"total": "fast", "dns": -3},
                    "tls": {"authorized": "yes"}}},
        {"probe": {"asn": 99999999999u64}, "result": {"status": "finished", "statusCode": 70000}},
        {"result": {"status": "finished", "statusCode": 42}},
    ]});
    let snapshot = snapshot(&reply(200, &body.to_string()), asking()).unwrap();
    assert_eq!(snapshot.places.len(), 9);
    for place in &snapshot.places {
        assert_eq!(place.city, None);
        assert_eq!(place.asn, None);
        assert_eq!(place.status_code, None);
        assert_eq!(place.timings, TimingsMs::default());
        assert_eq!(place.tls_trusted, None);
    }
    assert_eq!(snapshot.places[6].run, None);
    assert_eq!(snapshot.places[7].run, Some(Run::Finished));
}

#[test]
fn refuses_snapshots_that_are_not_documented() {
    for body in [
        "",
        "{",
        "[1,2]",
        r#"{"status":"finished"}"#,
        r#"{"results":[]}"#,
        r#"{"status":"finished","results":{}}"#,
        r#"{"status":null,"results":[]}"#,
    ] {
        let error = snapshot(&reply(200, body), asking())
            .unwrap_err()
            .to_string();
        assert!(error.contains("documented JSON"), "{body}: {error}");
    }
    let deep = "[".repeat(100_000);
    assert!(snapshot(&reply(200, &deep), asking()).is_err());
    let bytes = Response::of(200, vec![], vec![0xff, 0xfe, 0x00, 0x7b]);
    assert!(snapshot(&bytes, asking()).is_err());
}

#[test]
fn answers_over_the_size_limit_are_refused() {
    let mut body = br#"{"status":"finished","results":[],"pad":""#.to_vec();
    body.resize(MAX_ANSWER_BYTES + 10, b'x');
    body.extend_from_slice(br#""}"#);
    let big = Response::of(200, vec![], body);
    assert!(snapshot(&big, asking())
        .unwrap_err()
        .to_string()
        .contains("larger than"));
}

#[test]
fn keeps_at_most_the_probes_one_measurement_can_have() {
    let one =
        json!({"probe": {"city": "Oslo"}, "result": {"status": "finished", "statusCode": 200}});
    let body = json!({"status": "finished", "results": vec![one; 500]});
    let snapshot = snapshot(&reply(200, &body.to_string()), asking()).unwrap();
    assert_eq!(snapshot.places.len(), MAX_PROBES as usize);
}

#[test]
fn strings_from_the_api_are_sanitized_and_bounded() {
    let body = json!({"status": "finished", "results": [{
        "probe": {"city": "Evil\u{1b}[2J\u{202e}town", "network": "N".repeat(5000),
                  "country": "DE\nXX"},
        "result": {"status": "failed", "rawOutput": format!("boom\u{7}\r\n{}", "y".repeat(9000)),
                   "statusCodeName": "O\u{9b}K"}
    }]});
    let snapshot = snapshot(&reply(200, &body.to_string()), asking()).unwrap();
    let place = &snapshot.places[0];
    let texts = [
        place.city.clone().unwrap(),
        place.network.clone().unwrap(),
        place.country.clone().unwrap(),
        place.output.clone().unwrap(),
        place.status_name.clone().unwrap(),
    ];
    for text in texts {
        assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
        assert!(!text.contains('\u{202e}'));
        assert!(text.chars().count() <= MAX_MESSAGE, "{}", text.len());
    }
    assert!(place.country.as_ref().unwrap().chars().count() <= 8);
}

#[test]
fn validation_errors_carry_the_api_message_and_details() {
    let body = json!({"error": {"type": "validation_error", "message": "Parameter validation failed.",
        "params": {"measurement": "\"measurement\" does not match any of the allowed types"}},
        "links": {"documentation": "https://globalping.io/docs/api.globalping.io#post-/v1/measurements"}});
    let error = refusal(&reply(400, &body.to_string()), asking());
    assert_eq!(
        error,
        "Globalping refused the measurement: Parameter validation failed. \
         (measurement: \"measurement\" does not match any of the allowed types)"
    );
    assert_eq!(
        refusal(&reply(400, "<html>"), asking()),
        "Globalping refused the measurement"
    );
}

#[test]
fn no_probes_names_the_locations() {
    let body =
        r#"{"error":{"type":"no_probes_found","message":"No matching IPv4 probes available."}}"#;
    assert_eq!(
        refusal(&reply(422, body), asking()),
        "Globalping found no probes available in Atlantis: No matching IPv4 probes available."
    );
}

fn limited(headers: &[(&str, &str)], kind: &str, with_token: bool) -> String {
    let token = with_token.then_some("tok");
    let body = json!({"error": {"type": kind, "message": "over"}}).to_string();
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.insert(0, ("Content-Type".into(), "application/json".into()));
    let answer = Response::of(429, headers, body.into_bytes());
    refusal(&answer, RequestContext { token, ..asking() })
}

#[test]
fn the_hourly_limit_says_when_it_resets_and_what_helps() {
    let headers = [
        ("X-RateLimit-Limit", "250"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "754"),
    ];
    assert_eq!(
        limited(&headers, "rate_limit_exceeded", false),
        "the Globalping hourly limit is reached (resets in 13 min; a free token raises the limit)"
    );
    assert_eq!(
        limited(&headers, "rate_limit_exceeded", true),
        "the Globalping hourly limit is reached (resets in 13 min)"
    );
    let few_left = [("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "20")];
    assert_eq!(
        limited(&few_left, "rate_limit_exceeded", false),
        "the Globalping hourly limit has 3 tests left, 10 asked \
         (resets in 1 min; a free token raises the limit)"
    );
    assert!(limited(&[], "rate_limit_exceeded", false).contains("resets within the hour"));
    assert!(limited(&[("X-RateLimit-Reset", "soon")], "x", false).contains("within the hour"));
    assert!(limited(&headers, "insufficient_credits", true)
        .starts_with("Globalping credits are used up"));
    let credits = [
        ("X-RateLimit-Reset", "60"),
        ("X-Credits-Remaining", "7"),
        ("X-Request-Cost", "10"),
    ];
    assert_eq!(
        limited(&credits, "insufficient_credits", true),
        "Globalping credits are used up (resets in 1 min; 7 credits left, this measurement costs 10)"
    );
}

#[test]
fn other_refusals_are_one_sentence() {
    let with_token = RequestContext {
        token: Some("tok"),
        ..asking()
    };
    assert!(refusal(&reply(401, "{}"), with_token).contains("did not accept the token (401)"));
    assert!(refusal(&reply(403, "{}"), with_token).contains("did not accept the token (403)"));
    let no_token = refusal(&reply(403, "{}"), asking());
    assert!(no_token.contains("no token was sent"), "{no_token}");
    let blocked = r#"{"error":{"type":"access_forbidden","message":"Access forbidden."}}"#;
    let said = refusal(&reply(403, blocked), with_token);
    assert!(
        said.contains("refuses requests from this address or client"),
        "{said}"
    );
    assert!(!said.contains("token"), "{said}");
    assert!(refusal(&reply(404, "{}"), asking()).contains("no longer knows"));
    assert!(refusal(&reply(502, "<html>bad gateway</html>"), asking()).contains("answered 502"));
    assert!(refusal(&reply(302, ""), asking()).contains("documented JSON (status 302)"));
    let hostile = r#"{"error":{"message":"\u001b]0;pwned\u0007 gone"}}"#;
    let shown = refusal(&reply(400, hostile), asking());
    assert!(!shown.chars().any(char::is_control), "{shown:?}");
}

#[test]
fn a_place_keeps_its_answer_headers_and_the_start_of_its_body_bounded() {
    let long_body = "x".repeat(MAX_BODY_START * 2);
    let many: serde_json::Map<String, serde_json::Value> = (0..100)
        .map(|i| (format!("X-Extra-{i}"), json!("v")))
        .collect();
    let mut headers = json!({"Server": "cloudflare", "Set-Cookie": ["a=1", "b=2"]});
    headers.as_object_mut().unwrap().extend(many);
    let place = raw_place(
        &json!({
            "probe": {},
            "result": {"status": "finished", "statusCode": 403, "headers": headers, "rawBody": long_body}
        }),
        None,
    );
    assert!(place
        .headers
        .contains(&("server".to_string(), "cloudflare".to_string())));
    assert!(place
        .headers
        .contains(&("set-cookie".to_string(), "b=2".to_string())));
    assert_eq!(place.headers.len(), MAX_HEADERS);
    assert_eq!(place.body_start.len(), MAX_BODY_START);
    let bare = raw_place(
        &json!({"result": {"headers": "not an object", "rawBody": null}}),
        None,
    );
    assert!(bare.headers.is_empty() && bare.body_start.is_empty());
}

#[test]
fn timings_outside_plausible_ranges_are_dropped() {
    let body = json!({"status": "finished", "results": [{
        "probe": {},
        "result": {"status": "finished", "statusCode": 200,
                   "timings": {"total": 2e22, "dns": -1, "tcp": 3_600_000, "tls": 3_600_000.5,
                               "firstByte": 12.5}}
    }]});
    let snapshot = snapshot(&reply(200, &body.to_string()), asking()).unwrap();
    let timings = snapshot.places[0].timings;
    assert_eq!(timings.total, None, "2e22 ms is no timing");
    assert_eq!(timings.dns, None);
    assert_eq!(timings.connect, Some(3_600_000.0), "an hour is believed");
    assert_eq!(timings.tls, None, "beyond an hour is not");
    assert_eq!(timings.first_byte, Some(12.5));
}

#[test]
fn a_reset_further_than_a_day_is_not_quoted() {
    let nonsense = [("X-RateLimit-Reset", "18446744073709551615")];
    let said = limited(&nonsense, "rate_limit_exceeded", true);
    assert_eq!(
        said,
        "the Globalping hourly limit is reached (resets within the hour)"
    );
    let a_day = [("X-RateLimit-Reset", "86400")];
    assert!(limited(&a_day, "rate_limit_exceeded", true).contains("resets in 1440 min"));
    let too_far = [("Retry-After", "86401")];
    assert!(limited(&too_far, "rate_limit_exceeded", true).contains("within the hour"));
}

const TOKEN: &str = "gpTok-5ecret-77";

fn with_token() -> RequestContext<'static> {
    RequestContext {
        token: Some(TOKEN),
        ..asking()
    }
}

#[test]
fn the_token_is_redacted_from_every_string_of_a_place() {
    // Echoed in every field, in other cases and with white space inside, and straddling where
    // each field is cut.
    let variants = [
        TOKEN.to_string(),
        TOKEN.to_uppercase(),
        "gpTok-5e cret-77".to_string(),
        "gpTok-\n5ecret-77".to_string(),
    ];
    for variant in variants {
        let near_cut = |max: usize| format!("{}{variant}", "x".repeat(max - 3));
        let body = json!({"status": "finished", "results": [{
            "probe": {"continent": variant, "country": near_cut(8), "city": near_cut(MAX_NAME),
                      "network": format!("net {variant}")},
            "result": {"status": "finished", "statusCode": 200,
                       "statusCodeName": near_cut(MAX_NAME),
                       "rawOutput": near_cut(MAX_MESSAGE),
                       "failureSource": variant,
                       "tls": {"authorized": false, "error": near_cut(MAX_MESSAGE)},
                       "headers": {variant.clone(): near_cut(MAX_HEADER_VALUE)},
                       "rawBody": format!("{}{variant}", "b".repeat(MAX_BODY_START - 3))}
        }]});
        let snapshot = snapshot(&reply(200, &body.to_string()), with_token()).unwrap();
        let place = &snapshot.places[0];
        let mut texts: Vec<String> = [
            &place.continent,
            &place.country,
            &place.city,
            &place.network,
            &place.status_name,
            &place.output,
            &place.failure_source,
            &place.tls_error,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        for (name, value) in &place.headers {
            texts.push(format!("{name}: {value}"));
        }
        texts.push(String::from_utf8_lossy(&place.body_start).into_owned());
        for text in texts {
            let squeezed: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            assert!(!squeezed.contains("gptok"), "{variant:?} left in {text:?}");
        }
    }
}

#[test]
fn a_measurement_id_with_the_token_is_refused() {
    for id in ["gpTok-5ecret-77", "xGPTOK-5ECRET-77x"] {
        let body = json!({"id": id, "probesCount": 1}).to_string();
        let error = created(&reply(202, &body), with_token())
            .unwrap_err()
            .to_string();
        assert!(error.contains("documented JSON"), "{error}");
        assert!(!error.to_lowercase().contains("gptok"), "{error}");
    }
    let fine = created(&reply(202, r#"{"id":"abc","probesCount":1}"#), with_token());
    assert_eq!(fine.map(|c| c.id), Ok("abc".to_string()));
}

#[test]
fn a_refusal_echoing_the_token_does_not_show_it() {
    let body = json!({"error": {"type": "validation_error",
        "message": format!("{}{}", "m".repeat(MAX_MESSAGE - 3), TOKEN),
        "params": {TOKEN: format!("bad {}", TOKEN.to_lowercase())}}});
    let shown = refusal(&reply(400, &body.to_string()), with_token());
    assert!(!shown.to_lowercase().contains("gptok"), "{shown}");
    assert!(!shown.contains("gpT"), "{shown}");
}
