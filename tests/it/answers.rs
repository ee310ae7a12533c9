//! What the server answers, and the verdict and exit code a script gets for it.

use crate::support::*;
use predicates::prelude::*;

#[test]
fn a_healthy_server_is_up_with_every_probe_field() {
    let server = TestServer::start();
    let url = server.url("/");
    let (code, probe) = probe_json(isitdown().arg(&url));
    assert_eq!(code, 0);
    assert_eq!(probe["type"], "probe");
    assert_eq!(probe["target"], url.as_str());
    assert_eq!(probe["name"], format!("127.0.0.1:{}", server.port()));
    assert_eq!(probe["url"], url.as_str());
    assert_eq!(probe["seq"], 1);
    assert!(
        probe["at"].as_str().unwrap().ends_with('Z'),
        "at is RFC 3339 UTC: {}",
        probe["at"]
    );
    assert_eq!(probe["state"], "up");
    assert_eq!(probe["reason"], "answered 200 OK");
    assert_eq!(probe["http"]["status"], 200);
    assert_eq!(probe["http"]["reason"], "OK");
    assert_eq!(probe["http"]["version"], "HTTP/1.1");
    assert!(probe["error"].is_null());
    let timings = &probe["timings_ms"];
    assert!(timings["dns"].is_null(), "an IP literal needs no lookup");
    assert!(timings["connect"].as_f64().unwrap() >= 0.0);
    assert!(timings["tls"].is_null(), "plain HTTP has no handshake");
    assert!(timings["first_byte"].as_f64().unwrap() > 0.0);
    assert!(timings["total"].as_f64().unwrap() >= timings["first_byte"].as_f64().unwrap());
    assert!(probe["tls"].is_null());
    assert!(probe.as_object().unwrap().contains_key("status_page"));
    assert!(probe.as_object().unwrap().contains_key("connectivity"));
}

#[test]
fn server_errors_are_down_with_the_reason_phrase_as_sent() {
    let server = TestServer::start();
    let url = server.url("/status/503?reason=Service%20Temporarily%20Unavailable");
    let (code, probe) = probe_json(isitdown().arg(&url));
    assert_eq!(code, 2);
    assert_eq!(probe["state"], "down");
    assert_eq!(probe["http"]["status"], 503);
    assert_eq!(probe["http"]["reason"], "Service Temporarily Unavailable");
    assert_eq!(probe["error"]["kind"], "status");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("503 Service Temporarily Unavailable"));

    isitdown()
        .arg(server.url("/status/500"))
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("DOWN")
                .and(predicate::str::contains("500 Internal Server Error")),
        );
}

#[test]
fn rate_limiting_is_degraded() {
    let server = TestServer::start();
    let (code, probe) = probe_json(isitdown().arg(server.url("/status/429")));
    assert_eq!(code, 1);
    assert_eq!(probe["state"], "degraded");
    assert_eq!(probe["error"]["kind"], "status");
}

#[test]
fn a_4xx_is_degraded_unless_expect_says_otherwise() {
    let server = TestServer::start();
    let (code, probe) = probe_json(isitdown().arg(server.url("/status/404")));
    assert_eq!(
        (code, probe["state"].as_str()),
        (1, Some("degraded")),
        "a 404 proves the server answers, but not what was asked: {probe}"
    );
    assert_eq!(
        probe["reason"],
        "answers, but refuses this request: 404 Not Found"
    );
    assert_eq!(probe["error"]["kind"], "status");
    for status in [400, 401, 403, 418] {
        let (code, probe) = probe_json(isitdown().arg(server.url(&format!("/status/{status}"))));
        assert_eq!(
            (code, probe["state"].as_str()),
            (1, Some("degraded")),
            "{probe}"
        );
    }
    for status in [200, 204] {
        let (code, probe) = probe_json(isitdown().arg(server.url(&format!("/status/{status}"))));
        assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
    }
    let (code, probe) = probe_json(
        isitdown()
            .args(["--expect", "404"])
            .arg(server.url("/status/404")),
    );
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");

    let (code, probe) = probe_json(
        isitdown()
            .args(["--expect", "200"])
            .arg(server.url("/status/404")),
    );
    assert_eq!((code, probe["state"].as_str()), (2, Some("down")));
    assert_eq!(probe["error"]["kind"], "status");
    assert!(probe["reason"].as_str().unwrap().contains("expected 200"));

    isitdown()
        .args(["--expect", "2xx,404"])
        .arg(server.url("/status/404"))
        .assert()
        .code(0);
    isitdown()
        .args(["--expect", "200-299,301"])
        .arg(server.url("/status/204"))
        .assert()
        .code(0);
    isitdown()
        .args(["--expect", "503"])
        .arg(server.url("/status/503"))
        .assert()
        .code(0);
}

#[test]
fn contains_reads_the_body() {
    let server = TestServer::start();
    let url = server.url("/body?text=all%20systems%20ok");
    isitdown()
        .args(["--contains", "systems ok"])
        .arg(&url)
        .assert()
        .code(0);
    let (code, probe) = probe_json(isitdown().args(["--contains", "broken"]).arg(&url));
    assert_eq!(code, 2);
    assert_eq!(probe["error"]["kind"], "content");
    assert_eq!(probe["http"]["status"], 200);
}

#[test]
fn contains_reads_at_most_one_mebibyte_of_an_endless_body() {
    let server = TestServer::start();
    let (code, probe) = probe_json(
        isitdown()
            .args(["--contains", "never", "-t", "10s"])
            .arg(server.url("/endless")),
    );
    assert_eq!(code, 2);
    assert_eq!(probe["error"]["kind"], "content");
}

#[test]
fn an_endless_body_is_not_read_without_contains() {
    let server = TestServer::start();
    let (code, probe) = probe_json(isitdown().arg(server.url("/endless")));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")));
}

#[test]
fn slow_answers_are_degraded() {
    let server = TestServer::start();
    let (code, probe) = probe_json(
        isitdown()
            .args(["--slow", "100ms"])
            .arg(server.url("/delay/300")),
    );
    assert_eq!(code, 1);
    assert_eq!(probe["state"], "degraded");
    assert!(probe["reason"].as_str().unwrap().contains("slow"));
    assert!(probe["timings_ms"]["total"].as_f64().unwrap() >= 300.0);
}

#[test]
fn method_headers_and_user_agent_are_sent() {
    let server = TestServer::start();
    isitdown()
        .args([
            "-X",
            "HEAD",
            "-H",
            "X-Api-Key: sekrit-value",
            "-H",
            "Accept-Language: de",
        ])
        .arg(server.url("/"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("sekrit-value").not());
    let requests = server.requests();
    let request = requests.last().unwrap();
    assert_eq!(request.method, "HEAD");
    assert_eq!(request.header("x-api-key"), Some("sekrit-value"));
    assert_eq!(request.header("accept-language"), Some("de"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("isitdown/", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn redirects_are_followed_and_bounded() {
    let server = TestServer::start();
    let (code, probe) = probe_json(isitdown().arg(server.url("/redirect/3")));
    assert_eq!(code, 0);
    assert_eq!(probe["http"]["status"], 200);
    assert_eq!(server.requests().len(), 4);

    let (code, probe) = probe_json(isitdown().arg(server.url("/loop")));
    assert_eq!(code, 2);
    assert_eq!(probe["error"]["kind"], "redirects");
    assert!(probe["reason"].as_str().unwrap().contains("loop"));

    let (code, probe) = probe_json(isitdown().arg(server.url("/redirect/12")));
    assert_eq!(code, 2);
    assert_eq!(probe["error"]["kind"], "redirects");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("more than 10 redirects"));

    let (code, probe) =
        probe_json(isitdown().arg(server.url("/redirect-to?url=file:///etc/passwd")));
    assert_eq!(code, 2);
    assert_eq!(probe["error"]["kind"], "redirects");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("file:///etc/passwd"));
}

#[test]
fn verbose_shows_phases_address_redirects_and_headers() {
    let server = TestServer::start();
    server.route("/start", Reply::new(301).header("Location", "/end"));
    server.route(
        "/end",
        Reply::text(200, "fine").header("Server", "test-server"),
    );
    isitdown()
        .arg("-v")
        .arg(server.url("/start"))
        .arg(server.url("/end"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("connect")
                .and(predicate::str::contains("first byte"))
                .and(predicate::str::contains(format!(
                    "address  127.0.0.1:{}",
                    server.port()
                )))
                .and(predicate::str::contains("301 →"))
                .and(predicate::str::contains("server: test-server")),
        );
}

#[test]
fn passwords_in_urls_are_never_printed_but_are_sent() {
    let server = TestServer::start();
    let url = format!(
        "http://alice:hunter2@127.0.0.1:{}/status/503",
        server.port()
    );
    for format in [
        &["--json"][..],
        &["-v"][..],
        &["--format", "nagios"][..],
        &["--format", "prometheus"][..],
    ] {
        let output = isitdown().args(format).arg(&url).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !all.contains("hunter2") && !all.contains("alice"),
            "user or password printed with {format:?}: {all}"
        );
    }
    let (_, probe) = probe_json(isitdown().arg(&url));
    assert_eq!(
        probe["url"],
        format!("http://***:***@127.0.0.1:{}/status/503", server.port())
    );
    // "alice:hunter2" in base64: the server got the credentials.
    assert_eq!(
        server.requests().last().unwrap().header("authorization"),
        Some("Basic YWxpY2U6aHVudGVyMg==")
    );
}

#[test]
fn passwords_are_redacted_in_redirect_targets_too() {
    let server = TestServer::start();
    let target = format!("http://bob:s3cret@127.0.0.1:{}/", server.port());
    server.route("/go", Reply::new(302).header("Location", &target));
    let output = isitdown()
        .arg("-v")
        .arg(server.url("/go"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("s3cret") && !stdout.contains("bob"),
        "{stdout}"
    );
    assert!(stdout.contains("***:***@"), "{stdout}");
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let server = TestServer::start();
    // A C1 control (CSI) is valid in a reason phrase as obs-text; it must not reach the screen.
    server.route(
        "/evil",
        Reply::new(500).reason("Bad\u{9b}2J\u{9b}31mGateway"),
    );
    let output = isitdown()
        .args(["--color", "never"])
        .arg(server.url("/evil"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Bad") && stdout.contains("Gateway"),
        "{stdout}"
    );
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reached the terminal: {stdout:?}"
    );

    let (_, probe) = probe_json(isitdown().arg(server.url("/evil")));
    assert_eq!(
        probe["http"]["reason"], "Bad\u{fffd}2J\u{fffd}31mGateway",
        "JSON keeps the words without the C1 controls: jq -r prints them raw"
    );
}

#[test]
fn twenty_slow_targets_are_probed_together_in_argument_order() {
    let server = TestServer::start();
    // Nothing is answered before all twenty wait at once: one after another, none would be.
    server.gather(20);
    let urls: Vec<String> = (0..20)
        .map(|i| server.url(&format!("/delay/500?n={i}")))
        .collect();
    let output = isitdown().arg("--json").args(&urls).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, urls.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(server.most_in_flight(), 20, "probed together");
}

#[test]
fn the_worst_state_sets_the_exit_code() {
    let server = TestServer::start();
    let up = server.url("/");
    let degraded = server.url("/status/429");
    let down = server.url("/status/502");
    isitdown().args([&up, &up]).assert().code(0);
    isitdown().args([&up, &degraded]).assert().code(1);
    isitdown().args([&degraded, &down, &up]).assert().code(2);
}

#[test]
fn quiet_prints_nothing() {
    let server = TestServer::start();
    isitdown()
        .arg("-q")
        .arg(server.url("/status/503"))
        .assert()
        .code(2)
        .stdout("")
        .stderr("");
    isitdown()
        .arg("--quiet")
        .arg(server.url("/"))
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn head_is_asked_again_with_get_when_a_catalog_service_refuses_it() {
    let server = TestServer::start();
    // Refused as HEAD, served as GET.
    server.route_each("/picky", vec![Reply::new(405), Reply::new(200)]);
    let config = format!(
        "[services.picky]\nurl = \"{}\"\nmethod = \"HEAD\"\n",
        server.url("/picky")
    );
    isitdown_with_config(&config).arg("picky").assert().code(0);
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, vec!["HEAD", "GET"]);
}

#[test]
fn retries_probe_a_failing_target_again_and_the_last_probe_counts() {
    let server = TestServer::start();
    isitdown()
        .args(["--retries", "2"])
        .arg(server.url("/status/503"))
        .assert()
        .code(2);
    assert_eq!(server.requests().len(), 3, "one probe and two retries");
    isitdown()
        .args(["--retries", "2"])
        .arg(server.url("/"))
        .assert()
        .code(0);
    assert_eq!(
        server.requests().len(),
        4,
        "an up target is not probed again"
    );
}

/// A one-shot raw server: answers the first connection with exactly these bytes.
fn raw_server(answer: &'static [u8]) -> (u16, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let _ = stream.write_all(answer);
    });
    (port, handle)
}

#[test]
fn the_reason_phrase_is_the_final_answers_not_an_early_hint() {
    let (port, server) = raw_server(
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 503 Service Temporarily Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let (code, probe) = probe_json(isitdown().arg(format!("http://127.0.0.1:{port}/")));
    server.join().unwrap();
    assert_eq!(code, 2);
    assert_eq!(probe["http"]["status"], 503);
    assert_eq!(probe["http"]["reason"], "Service Temporarily Unavailable");
}

#[test]
fn statuses_beyond_5xx_are_not_http() {
    let server = TestServer::start();
    server.route("/odd", Reply::new(999).reason("Request denied"));
    let (code, probe) = probe_json(isitdown().arg(server.url("/odd")));
    assert_eq!(
        (code, probe["state"].as_str()),
        (2, Some("down")),
        "{probe}"
    );
    assert_eq!(probe["error"]["kind"], "protocol");
}

#[test]
fn headers_and_credentials_stay_with_the_target_across_redirects() {
    let first = TestServer::start();
    let second = TestServer::start();
    let elsewhere = format!("http://localhost:{}/landed", second.port());
    first.route("/go", Reply::new(302).header("Location", &elsewhere));
    second.route("/landed", Reply::new(200));
    let url = format!("http://me:pw@127.0.0.1:{}/go", first.port());
    isitdown()
        .args(["-4", "-H", "X-Api-Key: topsecret"])
        .arg(&url)
        .assert()
        .code(0);
    let at_first = first.requests();
    assert_eq!(at_first[0].header("x-api-key"), Some("topsecret"));
    assert!(at_first[0].header("authorization").is_some());
    let at_second = second.requests();
    assert_eq!(at_second.len(), 1, "the redirect was followed");
    assert_eq!(
        at_second[0].header("x-api-key"),
        None,
        "no -H header for another host"
    );
    assert_eq!(
        at_second[0].header("authorization"),
        None,
        "no credentials for another host"
    );
}

#[test]
fn escape_sequences_in_the_head_are_data_not_a_broken_answer() {
    let server = TestServer::start();
    server.route(
        "/colour",
        Reply::new(503)
            .reason("Bad\u{1b}[31mGateway\u{7f}")
            .header("Server", "ev\u{1b}[2Jil"),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/colour")));
    assert_eq!(code, 2, "a 503 with odd bytes is still a 503: {probe}");
    assert_eq!(probe["error"]["kind"], "status");
    assert_eq!(
        probe["http"]["reason"], "Bad\u{fffd}[31mGateway\u{fffd}",
        "JSON keeps the words, not the escape sequence: jq -r prints it raw"
    );
    let output = isitdown()
        .args(["-v", "--color", "never"])
        .arg(server.url("/colour"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Gateway") && stdout.contains("server: ev"),
        "{stdout}"
    );
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    server.route(
        "/fine",
        Reply::text(200, "ok").header("X-Note", "tab\there"),
    );
    isitdown().arg(server.url("/fine")).assert().code(0);
}

#[test]
fn a_missing_reason_phrase_is_reported_as_missing() {
    let (port, server) =
        raw_server(b"HTTP/1.1 503 \r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let (code, probe) = probe_json(isitdown().arg(format!("http://127.0.0.1:{port}/")));
    server.join().unwrap();
    assert_eq!(code, 2);
    assert_eq!(probe["http"]["reason"], "", "the server sent none");
    assert_eq!(
        probe["reason"], "server error: 503 Service Unavailable",
        "the sentence names the status"
    );
}

#[test]
fn a_user_name_alone_is_a_token_and_never_printed_but_is_sent() {
    // `https://TOKEN@host/` is how GitHub and many APIs take a token.
    const TOKEN: &str = "ghp_Us3rT0ken";
    let server = TestServer::start();
    server.route("/", Reply::text(200, "ok"));
    let url = format!("http://{TOKEN}@127.0.0.1:{}/", server.port());
    for format in [
        &["--json"][..],
        &["-v"][..],
        &["--format", "nagios"][..],
        &["--format", "prometheus"][..],
        &["--json", "-n", "2", "-i", "0s"][..],
    ] {
        let output = isitdown().args(format).arg(&url).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!all.contains(TOKEN), "printed with {format:?}: {all}");
        // Nagios names the target by its host alone.
        if !format.contains(&"nagios") {
            assert!(all.contains("***@127.0.0.1"), "{format:?}: {all}");
        }
    }
    let (_, probe) = probe_json(isitdown().arg(&url));
    let shown = format!("http://***@127.0.0.1:{}/", server.port());
    assert_eq!(
        (&probe["target"], &probe["url"]),
        (&shown.clone().into(), &shown.into())
    );
    // "ghp_Us3rT0ken:" in base64: the server got the user name.
    assert_eq!(
        server.requests().last().unwrap().header("authorization"),
        Some("Basic Z2hwX1VzM3JUMGtlbjo=")
    );
}
