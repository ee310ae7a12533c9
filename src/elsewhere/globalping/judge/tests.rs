use super::*;

fn finished(code: u16, name: &str) -> RawPlace {
    RawPlace {
        city: Some("Tokyo".into()),
        country: Some("JP".into()),
        run: Some(Run::Finished),
        status_code: Some(code),
        status_name: Some(name.into()),
        ..RawPlace::default()
    }
}

fn failed_with(output: &str, source: Option<&str>) -> RawPlace {
    RawPlace {
        run: Some(Run::Failed),
        output: Some(output.into()),
        failure_source: source.map(str::to_string),
        ..RawPlace::default()
    }
}

fn judged(raw: &RawPlace) -> (State, String, Option<ErrorKind>) {
    let place = judge(raw, Rules::default());
    (place.state, place.reason, place.error.map(|e| e.kind))
}

#[test]
fn statuses_are_judged_as_from_here() {
    let (state, reason, kind) = judged(&finished(503, "Service Unavailable"));
    assert_eq!(
        (state, reason.as_str(), kind),
        (
            State::Down,
            "server error: 503 Service Unavailable",
            Some(ErrorKind::Status)
        )
    );
    let (state, reason, _) = judged(&finished(429, "Too Many Requests"));
    assert_eq!(state, State::Degraded);
    assert_eq!(
        reason,
        "rate limited: 429 Too Many Requests (the service sheds load)"
    );
    let (state, reason, kind) = judged(&finished(200, "OK"));
    assert_eq!((state, kind), (State::Up, None));
    assert_eq!(reason, "answered 200 OK");
    let (state, reason, kind) = judged(&finished(404, "Not Found"));
    assert_eq!(
        (state, reason.as_str(), kind),
        (
            State::Degraded,
            "answers, but refuses this request: 404 Not Found",
            Some(ErrorKind::Status)
        )
    );
    let nameless = judge(
        &RawPlace {
            status_name: None,
            ..finished(204, "")
        },
        Rules::default(),
    );
    // As from here: a status sent without its name is given the standard one.
    assert_eq!(nameless.reason, "answered 204 No Content");
    assert_eq!(nameless.status, Some(204));
}

#[test]
fn expect_decides_when_given() {
    let only_200 = StatusSet::parse("200").unwrap();
    let rules = Rules {
        expect: Some(&only_200),
        insecure: false,
        ..Rules::default()
    };
    let moved = judge(&finished(404, "Not Found"), rules);
    assert_eq!(moved.state, State::Down);
    assert_eq!(moved.reason, "answered 404 Not Found, expected 200");
    assert_eq!(judge(&finished(200, "OK"), rules).state, State::Up);
    let maintenance = StatusSet::parse("200,503").unwrap();
    let rules = Rules {
        expect: Some(&maintenance),
        insecure: false,
        ..Rules::default()
    };
    assert_eq!(
        judge(&finished(503, "Service Unavailable"), rules).state,
        State::Up
    );
    assert_eq!(judge(&finished(500, "Oops"), rules).state, State::Down);
}

#[test]
fn an_untrusted_certificate_is_down_unless_insecure() {
    let raw = RawPlace {
        tls_trusted: Some(false),
        tls_error: Some("CERT_HAS_EXPIRED".into()),
        ..finished(200, "OK")
    };
    let place = judge(&raw, Rules::default());
    assert_eq!(place.state, State::Down);
    assert_eq!(place.reason, "certificate not trusted: CERT_HAS_EXPIRED");
    assert_eq!(place.error.unwrap().kind, ErrorKind::Tls);
    let insecure = Rules {
        expect: None,
        insecure: true,
        ..Rules::default()
    };
    assert_eq!(judge(&raw, insecure).state, State::Up);
}

#[test]
fn failures_are_classified_from_the_probe_error_text() {
    let cases = [
        ("getaddrinfo ENOTFOUND nope.example - ENOTFOUND", ErrorKind::Dns),
        ("getaddrinfo EAI_AGAIN api.example.com - EAI_AGAIN", ErrorKind::Dns),
        ("queryA ENODATA example.com - ENODATA", ErrorKind::Dns),
        ("Timeout awaiting 'request' for 10000ms - ETIMEDOUT", ErrorKind::Timeout),
        ("connect ETIMEDOUT 203.0.113.9:443 - ETIMEDOUT", ErrorKind::Timeout),
        ("connect ECONNREFUSED 203.0.113.9:443 - ECONNREFUSED", ErrorKind::Refused),
        ("connect EHOSTUNREACH 203.0.113.9:443 - EHOSTUNREACH", ErrorKind::Unreachable),
        ("connect ENETUNREACH 2001:db8::1:443 - ENETUNREACH", ErrorKind::Unreachable),
        (
            "write EPROTO 00A8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number - EPROTO",
            ErrorKind::Tls,
        ),
        ("Client network socket disconnected before secure TLS connection was established - ECONNRESET", ErrorKind::Tls),
        ("read ECONNRESET - ECONNRESET", ErrorKind::Reset),
        ("socket hang up - ECONNRESET", ErrorKind::Reset),
        ("Parse Error: Invalid header value char - HPE_INVALID_HEADER_TOKEN", ErrorKind::Protocol),
        ("something odd happened - EWHATEVER", ErrorKind::Unknown),
    ];
    for (output, expected) in cases {
        let place = judge(&failed_with(output, Some("target")), Rules::default());
        assert_eq!(place.state, State::Down, "{output}");
        let error = place.error.unwrap();
        assert_eq!(error.kind, expected, "{output}");
        assert_eq!(error.message, output);
        assert!(place.reason.ends_with(output), "{}", place.reason);
        assert_eq!(place.status, None);
    }
    let silent = judge(
        &RawPlace {
            run: Some(Run::Failed),
            ..RawPlace::default()
        },
        Rules::default(),
    );
    assert_eq!(silent.state, State::Down);
    assert_eq!(silent.error.unwrap().kind, ErrorKind::Unknown);
}

#[test]
fn a_probe_failing_on_its_own_says_nothing_about_the_service() {
    for source in ["internal", "resolver"] {
        let place = judge(&failed_with("spawn EAGAIN", Some(source)), Rules::default());
        assert_eq!(place.state, State::Unknown, "{source}");
        assert_eq!(place.error, None);
    }
    let cases = [
        (Some(Run::InProgress), "no result in time"),
        (Some(Run::Offline), "no result: the probe was offline"),
        (Some(Run::Other), "no usable result"),
        (None, "no usable result"),
    ];
    for (run, reason) in cases {
        let place = judge(
            &RawPlace {
                run,
                status_code: Some(200),
                ..RawPlace::default()
            },
            Rules::default(),
        );
        assert_eq!(
            (place.state, place.reason.as_str()),
            (State::Unknown, reason)
        );
        assert_eq!(place.status, None, "a status only counts once finished");
    }
    let no_status = judge(
        &RawPlace {
            run: Some(Run::Finished),
            ..RawPlace::default()
        },
        Rules::default(),
    );
    assert_eq!(no_status.state, State::Unknown);
}

#[test]
fn places_describe_where_they_are() {
    let mut place = judge(&finished(200, "OK"), Rules::default());
    assert_eq!(place.whereabouts(), "Tokyo, JP");
    assert_eq!(place.network_and_asn(), "");
    place.network = Some("KDDI".into());
    place.asn = Some(2516);
    assert_eq!(place.network_and_asn(), "KDDI (AS2516)");
    place.city = None;
    place.country = None;
    assert_eq!(place.whereabouts(), "somewhere");
}

#[test]
fn a_wall_elsewhere_is_judged_as_a_wall_from_here() {
    let walled = RawPlace {
        headers: vec![
            ("server".into(), "cloudflare".into()),
            ("cf-mitigated".into(), "challenge".into()),
        ],
        body_start: b"<!DOCTYPE html><title>Just a moment...</title>".to_vec(),
        ..finished(403, "Forbidden")
    };
    let place = judge(&walled, Rules::default());
    assert_eq!(place.state, State::Unknown, "{}", place.reason);
    assert_eq!(place.error.map(|e| e.kind), Some(ErrorKind::Blocked));
    assert!(place.reason.contains("Cloudflare"), "{}", place.reason);

    let refused = RawPlace {
        body_start: b"<h1>whoa there, pardner!</h1>".to_vec(),
        ..finished(200, "OK")
    };
    let place = judge(&refused, Rules::default());
    assert_eq!(place.state, State::Unknown, "{}", place.reason);
    assert!(
        place.reason.contains("a Reddit block page answered 200"),
        "{}",
        place.reason
    );
    let not_http = judge(&finished(999, "Request denied"), Rules::default());
    assert_eq!(not_http.state, State::Down);
    assert_eq!(not_http.error.map(|e| e.kind), Some(ErrorKind::Protocol));
}

#[test]
fn a_redirect_is_not_compared_unless_expected() {
    let mut raw = finished(301, "Moved Permanently");
    raw.headers = vec![("location".into(), "https://www.example.com/".into())];
    let place = judge(&raw, Rules::default());
    assert_eq!(place.state, State::Unknown);
    assert_eq!(place.note, Some(Caveat::Redirected));
    assert!(
        place.reason.contains("to https://www.example.com/"),
        "{}",
        place.reason
    );
    let moved = StatusSet::parse("301").unwrap();
    let expected = Rules {
        expect: Some(&moved),
        ..Rules::default()
    };
    assert_eq!(judge(&raw, expected).state, State::Up);
}

#[test]
fn refusals_and_failures_of_globalping_itself_are_unknown_with_their_note() {
    for (output, source, note) in [
        (
            "Private IP ranges are not allowed.",
            Some("target"),
            Caveat::PrivateAddress,
        ),
        (
            "The measurement timed out.",
            None,
            Caveat::MeasurementTimedOut,
        ),
        (
            "queryA ESERVFAIL shop.example.com",
            Some("resolver"),
            Caveat::Resolver,
        ),
    ] {
        let place = judge(&failed_with(output, source), Rules::default());
        assert_eq!(
            (place.state, place.note),
            (State::Unknown, Some(note)),
            "{output}"
        );
    }
}

#[test]
fn a_private_ca_is_not_judged_elsewhere_and_cert_warn_applies() {
    let raw = RawPlace {
        tls_trusted: Some(false),
        tls_error: Some("UNABLE_TO_VERIFY_LEAF_SIGNATURE".into()),
        ..finished(200, "OK")
    };
    let private = Rules {
        private_ca: true,
        ..Rules::default()
    };
    let place = judge(&raw, private);
    assert_eq!(
        (place.state, place.note),
        (State::Up, Some(Caveat::PrivateCa))
    );
    let soon = RawPlace {
        tls_expires_at: Some(
            std::time::SystemTime::now() + std::time::Duration::from_secs(3 * 86_400),
        ),
        ..finished(200, "OK")
    };
    let warned = Rules {
        cert_warn: std::time::Duration::from_secs(14 * 86_400),
        ..Rules::default()
    };
    assert_eq!(judge(&soon, warned).state, State::Degraded);
    assert_eq!(judge(&soon, Rules::default()).state, State::Up);
}
