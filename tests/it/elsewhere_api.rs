//! `--from`: what reaches the Globalping API and what does not, the token, the settings, and
//! every way the API can refuse.

use crate::support::elsewhere::{config, one_probe, reason, run_json, target, NAME};
use crate::support::globalping::{FakeGlobalping, Mode, Outcome, Patch};
use crate::support::{isitdown_with_config, json_lines, Reply, TestServer};
use serde_json::Value;

#[test]
fn only_the_resource_reaches_the_api() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    server.route("/health", Reply::new(200));
    let port = server.port();
    let url = format!("http://alice:s3cret-pw@{NAME}:{port}/health?x=1#top");
    let pin = format!("{NAME}:{port}:127.0.0.1");
    let (code, lines, _) = run_json(
        &fake,
        &[
            "-H",
            "X-Api-Key: hunter2-key",
            "-H",
            "Cookie: session=c00kie",
            "--resolve",
            &pin,
            &url,
        ],
        "world",
    );
    assert_eq!(code, 0, "{lines:?}");
    let seen = server.requests();
    assert_eq!(
        seen[0].header("x-api-key"),
        Some("hunter2-key"),
        "the target gets its headers"
    );
    let requests = fake.requests();
    assert!(requests.len() >= 2, "{requests:?}");
    for request in &requests {
        let text = request.everything().to_lowercase();
        for secret in [
            "alice",
            "s3cret-pw",
            "hunter2",
            "x-api-key",
            "c00kie",
            "#top",
        ] {
            assert!(!text.contains(secret), "{secret} reached the API: {text}");
        }
        assert!(
            request.header("authorization").is_none(),
            "no token, no header"
        );
        assert!(request
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("isitdown/")));
    }
    let sent = &fake.created()[0];
    assert_eq!(sent["target"], NAME);
    assert_eq!(
        sent["measurementOptions"],
        serde_json::json!({"request": {"method": "GET", "path": "/health", "query": "x=1"},
                           "protocol": "HTTP", "port": port})
    );
}

#[test]
fn the_token_is_sent_as_a_bearer_token_and_never_printed() {
    const TOKEN: &str = "gp-token-Zx81q";
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    // The API echoes the token back in its refusal: it must not reach the output either.
    fake.set_mode(Mode::Invalid(format!("token {TOKEN} cannot ask for this")));
    let (url, pin) = target(&server, "/");
    for format in ["json", "human", "nagios", "prometheus"] {
        let output = isitdown_with_config(&config(&fake))
            .env("GLOBALPING_TOKEN", TOKEN)
            .args([
                "--format",
                format,
                "-v",
                "--from",
                "world",
                "--resolve",
                &pin,
                &url,
            ])
            .output()
            .unwrap();
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!everything.contains(TOKEN), "{format}: {everything}");
        if format != "prometheus" {
            assert!(everything.contains("***"), "{format}: {everything}");
        }
        assert_eq!(output.status.code(), Some(0), "{everything}");
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), 4);
    for request in requests {
        let bearer = format!("Bearer {TOKEN}");
        assert_eq!(request.header("authorization"), Some(bearer.as_str()));
    }
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[test]
fn the_token_may_come_from_the_config_file_and_the_environment_wins() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (url, pin) = target(&server, "/");
    let with_token = format!("{}token = \"from-file\"\n", config(&fake));
    let run = |env: Option<&str>| {
        let mut command = isitdown_with_config(&with_token);
        if let Some(token) = env {
            command.env("GLOBALPING_TOKEN", token);
        }
        let output = command
            .args(["--from", "world:1", "--resolve", &pin, &url])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert!(!String::from_utf8_lossy(&output.stdout).contains("from-"));
    };
    run(None);
    run(Some("from-env"));
    let tokens: Vec<Option<String>> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(
        tokens,
        [
            Some("Bearer from-file".to_string()),
            Some("Bearer from-env".to_string())
        ]
    );
}

#[test]
fn private_targets_are_not_sent() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let output = isitdown_with_config(&config(&fake))
        .args(["--json", "--from", "world", &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let probe = &json_lines(&output.stdout)[0];
    let elsewhere = &probe["elsewhere"];
    assert_eq!(elsewhere["state"], "unknown");
    assert_eq!(elsewhere["measurement"], Value::Null);
    assert_eq!(elsewhere["asked"], 5);
    assert!(elsewhere["error"]
        .as_str()
        .unwrap()
        .contains("127.0.0.1 is a loopback address"));
    assert!(reason(probe).starts_with("answered 200 OK; no answer from elsewhere: "));
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn refusals_and_garbage_each_say_why_in_one_sentence() {
    let cases = [
        (
            Mode::RateLimited { reset_secs: 1800 },
            "hourly limit is reached (resets in 30 min; a free token raises the limit)",
        ),
        (
            Mode::NoProbes,
            "Globalping found no probes available in Atlantis",
        ),
        (
            Mode::Invalid("Parameter validation failed.".into()),
            "Globalping refused the measurement: Parameter validation failed.",
        ),
        (Mode::Garbage, "other than the documented JSON"),
        (Mode::GarbagePolls, "other than the documented JSON"),
    ];
    let server = TestServer::start();
    for (mode, expected) in cases {
        let fake = FakeGlobalping::start();
        fake.set_mode(mode.clone());
        let (code, probe) = one_probe(&fake, &server, "/", "Atlantis");
        assert_eq!(code, 0, "{mode:?}: {probe}");
        let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
        assert!(error.contains(expected), "{mode:?}: {error}");
        assert!(!error.contains('\n'));
        assert_eq!(probe["elsewhere"]["state"], "unknown");
        assert!(
            reason(&probe).contains("no answer from elsewhere: "),
            "{probe}"
        );
    }
}

#[test]
fn an_unreachable_api_says_your_connection_may_be_down() {
    let server = TestServer::start();
    let (url, pin) = target(&server, "/");
    let output = isitdown_with_config("[connectivity]\nreferences = []\n")
        .env("ISITDOWN_GLOBALPING_URL", "http://127.0.0.1:9")
        .args(["--json", "--from", "world", "--resolve", &pin, &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let probe = &json_lines(&output.stdout)[0];
    let error = probe["elsewhere"]["error"].as_str().unwrap();
    assert!(error.contains("could not be reached"), "{error}");
    assert!(error.contains("your own connection may be down"), "{error}");
}

#[test]
fn the_environment_names_the_api_over_the_config_file() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (url, pin) = target(&server, "/");
    let output = isitdown_with_config(
        "[connectivity]\nreferences = []\n[globalping]\nurl = \"http://127.0.0.1:9\"\n",
    )
    .env("ISITDOWN_GLOBALPING_URL", fake.url())
    .args(["--from", "world:1", "--resolve", &pin, &url])
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(fake.created().len(), 1);
}

#[test]
fn a_bad_from_is_bad_input() {
    for value in [
        "",
        "world:0",
        "world:51",
        "world:30,Japan:21",
        "Germany,,Japan",
        "near,world",
        "near:3",
    ] {
        let output = isitdown_with_config("[connectivity]\nreferences = []\n")
            .args(["--from", value, "http://127.0.0.1:9/"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(64), "{value:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("isitdown: --from: "),
            "{value:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn a_bad_api_url_is_bad_input() {
    let output = isitdown_with_config("[globalping]\nurl = \"ftp://x:pw1@example.com\"\n")
        .arg("http://127.0.0.1:9/")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[globalping] url"), "{stderr}");
    assert!(!stderr.contains("pw1"), "{stderr}");
    let output = isitdown_with_config("[globalping]\ntokn = \"x\"\n")
        .arg("http://127.0.0.1:9/")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
}

/// Runs `--from world:1` against `fake` with the token set, in `format` (and `-v`), and returns
/// the exit code and everything printed.
fn run_with_token(
    fake: &FakeGlobalping,
    server: &TestServer,
    token: &str,
    format: &str,
) -> (i32, String) {
    let (url, pin) = target(server, "/");
    let output = isitdown_with_config(&config(fake))
        .env("GLOBALPING_TOKEN", token)
        .args([
            "--format",
            format,
            "-v",
            "--from",
            "world:1",
            "--resolve",
            &pin,
            &url,
        ])
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), printed)
}

/// Whether `printed` still holds any part of the token worth hiding: its first eight
/// characters, in any case, with white space taken out.
fn shows(printed: &str, token: &str) -> bool {
    let squeezed: String = printed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    squeezed.contains(&token[..8].to_lowercase())
}

#[test]
fn a_token_echoed_in_any_field_of_a_place_is_never_printed() {
    const TOKEN: &str = "gpEcho-T0ken-991";
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(503)]);
    // Straddling where each field is cut (8 characters for codes, 80 for names, 200 for
    // sentences and headers), in another case, and with white space inside.
    let straddling = |max: usize| format!("{}{TOKEN}", "x".repeat(max - 4));
    let upper = TOKEN.to_uppercase();
    let spaced = "gpEcho-T0 ken-\n991".to_string();
    fake.set_patch(Patch {
        probe: Some(serde_json::json!({
            "continent": spaced, "country": straddling(8), "city": straddling(80),
            "network": upper,
        })),
        result: Some(serde_json::json!({
            "statusCodeName": straddling(80),
            "rawOutput": straddling(200),
            "headers": {"server": straddling(200), TOKEN: "v"},
            "rawBody": format!("<html>{TOKEN}</html>"),
        })),
    });
    for format in ["json", "human", "nagios", "prometheus"] {
        let (code, printed) = run_with_token(&fake, &server, TOKEN, format);
        assert_eq!(code, 0, "{printed}");
        assert!(!shows(&printed, TOKEN), "{format}: {printed}");
    }
}

#[test]
fn a_measurement_id_holding_the_token_is_refused_and_never_polled() {
    const TOKEN: &str = "gpIdT0ken77";
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_id(&format!("m-{}-x", TOKEN.to_uppercase()));
    for format in ["json", "human"] {
        let (code, printed) = run_with_token(&fake, &server, TOKEN, format);
        assert_eq!(code, 0, "{printed}");
        assert!(!shows(&printed, TOKEN), "{format}: {printed}");
        assert!(printed.contains("documented JSON"), "{format}: {printed}");
        assert!(!printed.contains("globalping.io?measurement"), "{printed}");
    }
    let requests = fake.requests();
    assert!(requests.iter().all(|r| r.method == "POST"), "{requests:?}");
}

#[test]
fn a_timing_no_duration_holds_is_dropped_not_a_crash() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_patch(Patch {
        probe: None,
        result: Some(serde_json::json!({"timings": {"total": 2e22, "dns": -5, "tcp": 1e308}})),
    });
    let (url, pin) = target(&server, "/");
    for format in ["human", "json"] {
        let output = isitdown_with_config(&config(&fake))
            .args([
                "--format",
                format,
                "-v",
                "--from",
                "world:1",
                "--resolve",
                &pin,
                &url,
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{format}: {stdout}");
        if format == "json" {
            let timings = &json_lines(&output.stdout)[0]["elsewhere"]["places"][0]["timings_ms"];
            assert_eq!(timings["total"], Value::Null, "{timings}");
            assert_eq!(timings["dns"], Value::Null, "{timings}");
            assert_eq!(timings["connect"], Value::Null, "{timings}");
        }
    }
}

#[test]
fn a_reset_no_one_can_wait_for_is_not_quoted() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_mode(Mode::RateLimited {
        reset_secs: u64::MAX,
    });
    let (_, probe) = one_probe(&fake, &server, "/", "world:1");
    let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("resets within the hour"), "{error}");
    assert!(!error.contains("307445734561825861"), "{error}");
}
