//! The judgement of probes: each rule of the verdict, as a user would check it.

use super::*;
use crate::probe::Certificate;

fn answered(status: u16) -> Response {
    Response::answered(status, Duration::from_millis(100))
}

fn state(seen: &Response, criteria: &Criteria) -> State {
    judge(seen, criteria, Context::default(), SystemTime::now()).state
}

#[test]
fn statuses_follow_the_rules() {
    let plain = Criteria::default();
    assert_eq!(state(&answered(200), &plain), State::Up);
    assert_eq!(state(&answered(302), &plain), State::Up);
    assert_eq!(
        state(&answered(404), &plain),
        State::Degraded,
        "any 4xx but 429 refuses this request"
    );
    assert_eq!(state(&answered(401), &plain), State::Degraded);
    assert_eq!(state(&answered(503), &plain), State::Down);
    let not_http = judge(
        &answered(999),
        &plain,
        Context::default(),
        SystemTime::now(),
    );
    assert_eq!(
        (not_http.state, not_http.error.map(|e| e.kind)),
        (State::Down, Some(ErrorKind::Protocol))
    );
    assert_eq!(state(&answered(429), &plain), State::Degraded);
    let expect = Criteria {
        expect: Some(StatusSet::parse("2xx").unwrap()),
        ..plain.clone()
    };
    assert_eq!(state(&answered(404), &expect), State::Down);
    assert_eq!(state(&answered(204), &expect), State::Up);
    let with_404 = Criteria {
        expect: Some(StatusSet::parse("2xx,404").unwrap()),
        ..plain.clone()
    };
    assert_eq!(state(&answered(404), &with_404), State::Up);
    let maintenance = Criteria {
        expect: Some(StatusSet::parse("503").unwrap()),
        ..plain
    };
    assert_eq!(
        state(&answered(503), &maintenance),
        State::Up,
        "an expected status is up"
    );
}

#[test]
fn content_speed_and_certificates() {
    let mut seen = answered(200);
    seen.body_contains = Some(false);
    let contains = Criteria {
        contains: Some("ok".into()),
        ..Criteria::default()
    };
    let verdict = judge(&seen, &contains, Context::default(), SystemTime::now());
    assert_eq!(
        (verdict.state, verdict.error.map(|e| e.kind)),
        (State::Down, Some(ErrorKind::Content))
    );

    let slow = Criteria {
        slow: Some(Duration::from_millis(50)),
        ..Criteria::default()
    };
    assert_eq!(state(&answered(200), &slow), State::Degraded);

    let mut expiring = answered(200);
    expiring.certificate = Some(Certificate {
        expires_at: SystemTime::now() + Duration::from_secs(3 * 86_400 + 60),
    });
    let warn = Criteria {
        cert_warn: Duration::from_secs(14 * 86_400),
        ..Criteria::default()
    };
    let verdict = judge(&expiring, &warn, Context::default(), SystemTime::now());
    assert_eq!(verdict.state, State::Degraded);
    assert!(
        verdict.reason.to_string().contains("expires in 3 days"),
        "{}",
        verdict.reason
    );
}

#[test]
fn severity_orders_the_exit_code() {
    assert!(
        State::Down > State::Unknown
            && State::Unknown > State::Degraded
            && State::Degraded > State::Up
    );
    assert_eq!(
        [State::Up, State::Degraded, State::Down, State::Unknown].map(State::exit_code),
        [0, 1, 2, 3]
    );
}

/// How the provider's word and the user's connection change a verdict.
mod context {
    use super::*;
    use crate::status_page::Report;

    fn seen(
        status: Option<u16>,
        failure: Option<ErrorKind>,
        wall: Option<&'static crate::probe::bot_wall::Wall>,
    ) -> Response {
        let mut seen = Response::answered(status.unwrap_or(0), Duration::ZERO);
        seen.answer = seen.answer.filter(|_| status.is_some());
        seen.failure = failure.map(|kind| Failure::new(kind, "it failed"));
        seen.bot_wall = wall;
        seen
    }

    fn page(severity: Severity, error: Option<&str>) -> Report {
        Report {
            url: "https://status.example.com".into(),
            provider: Some("Example".into()),
            error: error.map(str::to_string),
            severity,
            ..Report::default()
        }
    }

    fn state(seen: &Response, page: Option<&Report>, connectivity: Option<&Connectivity>) -> State {
        judge(
            seen,
            &Criteria::default(),
            Context {
                page,
                connectivity,
                name: "",
                host: "",
                also: &[],
            },
            SystemTime::now(),
        )
        .state
    }

    #[test]
    fn the_page_only_makes_a_healthy_probe_worse() {
        let up = seen(Some(200), None, None);
        let down = seen(Some(503), None, None);
        let trouble = page(Severity::Major, None);
        let calm = page(Severity::Operational, None);
        let unreadable = page(Severity::Operational, Some("not JSON"));
        assert_eq!(state(&up, Some(&trouble), None), State::Degraded);
        assert_eq!(state(&up, Some(&calm), None), State::Up);
        assert_eq!(state(&up, Some(&unreadable), None), State::Up);
        assert_eq!(state(&down, Some(&calm), None), State::Down);
        assert_eq!(state(&down, Some(&trouble), None), State::Down);
    }

    #[test]
    fn behind_a_bot_wall_the_page_decides() {
        let wall = seen(Some(403), None, crate::probe::bot_wall::WALLS.first());
        assert_eq!(state(&wall, None, None), State::Unknown);
        assert_eq!(
            state(
                &wall,
                Some(&page(Severity::Operational, Some("timeout"))),
                None
            ),
            State::Unknown
        );
        assert_eq!(
            state(&wall, Some(&page(Severity::Operational, None)), None),
            State::Up
        );
        assert_eq!(
            state(&wall, Some(&page(Severity::Minor, None)), None),
            State::Degraded
        );
        assert_eq!(
            state(&wall, Some(&page(Severity::Critical, None)), None),
            State::Down
        );
        let verdict = judge(
            &wall,
            &Criteria::default(),
            Context::default(),
            SystemTime::now(),
        );
        assert_eq!(verdict.error.map(|e| e.kind), Some(ErrorKind::Blocked));
    }

    /// A sibling probe that saw `seen`, judged as the engine judges it.
    fn sibling(seen: Response) -> Sibling {
        let verdict = judge(
            &seen,
            &Criteria::default(),
            Context::default(),
            SystemTime::now(),
        );
        Sibling {
            url: "https://api.example.com/v1/models".into(),
            host: "api.example.com".into(),
            seen,
            verdict,
        }
    }

    fn walled_with(also: &[Sibling], page: Option<&Report>) -> Verdict {
        let wall = seen(Some(403), None, crate::probe::bot_wall::WALLS.first());
        let context = Context {
            page,
            also,
            ..Context::default()
        };
        judge(&wall, &Criteria::default(), context, SystemTime::now())
    }

    #[test]
    fn behind_a_bot_wall_a_sibling_decides_before_the_page() {
        let calm = page(Severity::Operational, None);
        let failing = sibling(seen(Some(503), None, None));
        let verdict = walled_with(&[failing], Some(&calm));
        assert_eq!(verdict.state, State::Down);
        let reason = verdict.reason.to_string();
        assert!(
            reason.contains("api.example.com fails too: 503"),
            "{reason}"
        );
        let unreachable = sibling(seen(None, Some(ErrorKind::Refused), None));
        let verdict = walled_with(&[unreachable], None);
        assert_eq!(verdict.state, State::Down);
        assert_eq!(verdict.error.map(|e| e.kind), Some(ErrorKind::Refused));

        let answering = sibling(seen(Some(401), None, None));
        let verdict = walled_with(std::slice::from_ref(&answering), None);
        assert_eq!(verdict.state, State::Up);
        assert!(verdict
            .reason
            .to_string()
            .contains("api.example.com answers (401"));
        let trouble = page(Severity::Minor, None);
        let verdict = walled_with(&[answering], Some(&trouble));
        assert_eq!(verdict.state, State::Degraded, "the page may admit more");

        let walled_too = sibling(seen(Some(403), None, crate::probe::bot_wall::WALLS.first()));
        let verdict = walled_with(&[walled_too], None);
        assert_eq!(verdict.state, State::Unknown);
        assert!(verdict.reason.to_string().contains("walled too"));
    }

    #[test]
    fn siblings_never_change_an_answer_the_service_gave() {
        let failing = sibling(seen(Some(503), None, None));
        let context = Context {
            also: std::slice::from_ref(&failing),
            ..Context::default()
        };
        let up = seen(Some(200), None, None);
        let verdict = judge(&up, &Criteria::default(), context, SystemTime::now());
        assert_eq!(verdict.state, State::Up);
    }

    #[test]
    fn an_expected_status_never_turns_a_wall_into_up() {
        let expect = Criteria {
            expect: Some(StatusSet::parse("2xx,3xx,401,403,404,405").unwrap()),
            ..Criteria::default()
        };
        for status in [200, 401, 403, 999] {
            let wall = seen(Some(status), None, crate::probe::bot_wall::WALLS.first());
            let verdict = judge(&wall, &expect, Context::default(), SystemTime::now());
            assert_eq!(verdict.state, State::Unknown, "{status}");
        }
    }

    #[test]
    fn the_users_connection_decides_between_down_and_unknown() {
        let failed = seen(None, Some(ErrorKind::Dns), None);
        let offline = Connectivity {
            online: false,
            checked: 3,
            ok: 0,
            note: crate::just_me::connectivity::Note::Down,
            public_dns: None,
        };
        let online = Connectivity {
            online: true,
            checked: 3,
            ok: 1,
            note: crate::just_me::connectivity::Note::Works,
            public_dns: None,
        };
        assert_eq!(state(&failed, None, Some(&offline)), State::Unknown);
        assert_eq!(state(&failed, None, Some(&online)), State::Down);
        assert_eq!(state(&failed, None, None), State::Down);
    }

    #[test]
    fn a_shortage_on_this_machine_is_never_down() {
        let mut short = seen(None, None, None);
        short.failure = Some(Failure::yours(
            ErrorKind::Local,
            "this machine ran out of memory",
        ));
        let online = Connectivity {
            online: true,
            checked: 1,
            ok: 1,
            note: crate::just_me::connectivity::Note::Works,
            public_dns: None,
        };
        assert_eq!(state(&short, None, None), State::Unknown);
        assert_eq!(state(&short, None, Some(&online)), State::Unknown);
    }
}
