//! Sentences people read when something is off: a misspelt config key, a count of zero, and
//! the counts line.

use crate::support::*;
use predicates::prelude::*;

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
            "invalid value '0' for '--count <N>': it counts probes, so it must be 1 or more",
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
