//! Sentences people read when something is off: a misspelt config key, a count of zero, and
//! the counts line.

use crate::support::*;
use predicates::prelude::*;

/// The sparkline's mark for a failed probe.
const FAILED: char = '✗';

#[test]
fn a_misspelt_config_key_gets_a_did_you_mean() {
    for (config, meant) in [
        (
            "[defaults]\ntimout = \"5s\"\n",
            "[defaults] timout: not an isitdown option; did you mean `timeout`?",
        ),
        (
            "[connectivty]\n",
            "unknown field `connectivty`; did you mean `connectivity`?",
        ),
        (
            "[services.api]\nulr = \"http://127.0.0.1:9/\"\n",
            "unknown field `ulr`; did you mean `url`?",
        ),
    ] {
        isitdown_with_config(config)
            .arg("127.0.0.1:9")
            .assert()
            .code(64)
            .stderr(predicate::str::contains(meant));
    }
    isitdown_with_config("[defaults]\nzzzzzz = 1\n")
        .arg("127.0.0.1:9")
        .assert()
        .code(64)
        .stderr(predicate::str::contains("not an isitdown option\n"));
}

#[test]
fn a_count_of_zero_is_said_in_words() {
    isitdown()
        .args(["-n", "0", "127.0.0.1:9"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "invalid value '0' for '--count <N>': at least one probe is needed",
        ))
        .stderr(predicate::str::contains("..=").not());
}

#[test]
fn verbose_names_the_tls_protocol_cipher_subject_and_issuer() {
    let cert = TestCert::signed_by_ca_named(&["127.0.0.1"], 90, "Tiny Test Issuer");
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let output = isitdown()
        .args(["-v", "--color", "never", "--cacert"])
        .arg(&ca)
        .arg(server.url("/"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let line = |label: &str| {
        text.lines()
            .map(str::trim_start)
            .find(|l| l.starts_with(label) && l[label.len()..].starts_with(' '))
            .unwrap_or_else(|| panic!("no {label} line in\n{text}"))
            .to_string()
    };
    let tls = line("tls");
    assert!(tls.contains("TLSv1_3") || tls.contains("TLSv1_2"), "{text}");
    assert!(
        tls.contains("TLS13_") || tls.contains("TLS_ECDHE_"),
        "{text}"
    );
    assert!(line("issuer").contains("CN=Tiny Test Issuer"), "{text}");
    assert!(line("issuer").contains("O=isitdown tests"), "{text}");
    assert!(line("subject").len() > "subject".len(), "{text}");
    // Without -v, none of it.
    let quiet = isitdown()
        .args(["--color", "never", "--cacert"])
        .arg(&ca)
        .arg(server.url("/"))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("issuer"));
}

#[test]
fn retries_are_said_in_words_and_counted_in_json() {
    let server = TestServer::start();
    server.route_each(
        "/blip",
        vec![Reply::new(503), Reply::new(503), Reply::new(200)],
    );
    let output = isitdown()
        .args(["--retries", "3", "--color", "never"])
        .arg(server.url("/blip"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("answered 200 OK (after 2 retries)"), "{text}");

    server.route_each("/blip", vec![Reply::new(503), Reply::new(200)]);
    let output = isitdown()
        .args(["--retries", "3", "--json"])
        .arg(server.url("/blip"))
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    assert_eq!(probe["tries"], 2, "{probe}");
    let output = isitdown()
        .args(["--retries", "3", "--json"])
        .arg(server.url("/status/200"))
        .output()
        .unwrap();
    assert_eq!(json_lines(&output.stdout)[0]["tries"], 1);
}

#[test]
fn names_keep_the_query_that_tells_two_targets_apart() {
    let server = TestServer::start();
    let (eu, us, alone) = (
        server.url("/status/200?region=eu"),
        server.url("/status/200?region=us"),
        server.url("/status/204?region=eu"),
    );
    let output = isitdown()
        .args(["--json", &eu, &us, &alone])
        .output()
        .unwrap();
    let names: Vec<String> = json_lines(&output.stdout)
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let port = server.port();
    assert_eq!(
        names,
        [
            format!("127.0.0.1:{port}/status/200?region=eu"),
            format!("127.0.0.1:{port}/status/200?region=us"),
            // Alone on its path, it needs no query to be told apart.
            format!("127.0.0.1:{port}/status/204"),
        ]
    );
}

#[test]
fn names_keep_the_scheme_that_tells_two_targets_apart() {
    let server = TestServer::start();
    let port = server.port();
    let plain = server.url("/");
    let secure = format!("https://127.0.0.1:{port}/");
    let output = isitdown()
        .args(["--json", "-t", "1s", &plain, &secure, &server.url("/other")])
        .output()
        .unwrap();
    let names: Vec<String> = json_lines(&output.stdout)
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            format!("http://127.0.0.1:{port}"),
            format!("https://127.0.0.1:{port}"),
            format!("127.0.0.1:{port}/other"),
        ]
    );
}

#[test]
fn without_colour_a_failed_probe_is_marked_in_the_sparkline() {
    let server = TestServer::start();
    server.route_each(
        "/flaky",
        vec![Reply::new(200), Reply::new(503), Reply::new(200)],
    );
    let output = isitdown()
        .env("NO_COLOR", "1")
        .args(["-n", "3", "-i", "0s"])
        .arg(server.url("/flaky"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains('\x1b'), "{text}");
    let recent = text
        .lines()
        .find(|l| l.trim_start().starts_with("recent"))
        .unwrap_or_else(|| panic!("a sparkline in\n{text}"));
    let marks: String = recent.chars().filter(|c| !c.is_ascii()).collect();
    assert_eq!(marks.chars().count(), 3, "{recent}");
    assert_eq!(marks.chars().nth(1), Some(FAILED), "{recent}");
    let marks: Vec<char> = marks.chars().collect();
    assert!(marks[0] != FAILED && marks[2] != FAILED, "{recent}");
}

#[test]
fn people_read_times_in_their_own_zone_and_json_stays_utc() {
    let server = TestServer::start();
    server.route_each("/back", vec![Reply::new(503), Reply::new(200)]);
    // A POSIX zone three hours east of UTC, named XST: no zone database needed.
    let run = |args: &[&str]| {
        let output = isitdown()
            .env("TZ", "XST-3")
            .args(["-n", "2", "-i", "0s", "--color", "never"])
            .args(args)
            .arg(server.url("/back"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let text = run(&[]);
    let change = text
        .lines()
        .find(|l| l.contains("down → up"))
        .unwrap_or_else(|| panic!("the change in\n{text}"));
    assert!(change.contains(" XST down → up"), "{change}");
    assert!(!text.contains("UTC"), "{text}");
    server.route_each("/back", vec![Reply::new(503), Reply::new(200)]);
    let json = run(&["--json"]);
    for line in json_lines(json.as_bytes()) {
        let at = line["at"].as_str().or(line["started_at"].as_str()).unwrap();
        assert!(at.ends_with('Z'), "{line}");
    }
}
