//! Servers that misbehave: every failure gets its error kind, a sentence, and an answer within
//! the deadline.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::support::*;

/// The deadline `fails_with` sets when it expects a timeout: the servers it meets then
/// misbehave for far longer (20 s).
const DEADLINE: Duration = Duration::from_secs(1);
/// The deadline for every other failure, which comes without waiting for one: room enough for
/// a TLS handshake on a loaded machine.
const ROOMY: Duration = Duration::from_secs(5);

/// Probes with a deadline (a short one when a timeout is expected) and checks the kind of
/// failure and that the deadline held.
fn fails_with(url: &str, kind: &str, extra: &[&str]) -> serde_json::Value {
    let deadline = if kind == "timeout" { DEADLINE } else { ROOMY };
    let timeout = format!("{}s", deadline.as_secs());
    let started = Instant::now();
    let (code, probe) = probe_json(
        isitdown()
            .args(["--timeout", &timeout])
            .args(extra)
            .arg(url),
    );
    let elapsed = started.elapsed();
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["state"], "down", "{probe}");
    assert_eq!(probe["error"]["kind"], kind, "{probe}");
    assert!(!probe["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(probe["reason"], probe["error"]["message"]);
    assert!(
        elapsed < deadline + SLACK,
        "took {elapsed:?} for a {timeout} deadline"
    );
    probe
}

#[test]
fn a_closed_port_is_refused() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let probe = fails_with(&format!("http://127.0.0.1:{port}/"), "refused", &[]);
    assert_eq!(
        probe["error"]["message"],
        format!("connection refused by 127.0.0.1:{port}")
    );
    assert!(probe["http"].is_null());
    assert!(probe["timings_ms"]["connect"].is_number());
    assert!(probe["timings_ms"]["first_byte"].is_null());
}

#[test]
fn a_silent_server_times_out_within_the_deadline() {
    let server = TestServer::start();
    let probe = fails_with(&server.url("/hang"), "timeout", &[]);
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no answer within 1 s"));
    let total = probe["timings_ms"]["total"].as_f64().unwrap();
    let limit = (DEADLINE + SLACK).as_millis() as f64;
    assert!((900.0..limit).contains(&total), "total {total}");
}

#[test]
fn trickled_headers_do_not_stretch_the_deadline() {
    let server = TestServer::start();
    let probe = fails_with(&server.url("/trickle-headers"), "timeout", &[]);
    assert!(
        probe["timings_ms"]["first_byte"].is_number(),
        "the first byte did arrive"
    );
}

#[test]
fn a_trickled_body_does_not_stretch_the_deadline() {
    let server = TestServer::start();
    let probe = fails_with(
        &server.url("/trickle-body"),
        "timeout",
        &["--contains", "never"],
    );
    assert_eq!(probe["http"]["status"], 200, "the headers did arrive");
}

#[test]
fn a_body_that_stops_halfway_times_out() {
    let server = TestServer::start();
    fails_with(
        &server.url("/hang-body"),
        "timeout",
        &["--contains", "never"],
    );
}

#[test]
fn a_page_whose_body_stalls_is_down_once_the_deadline_passes() {
    // No --contains: the start of a text page is read all the same, to look for a wall, and
    // a page that never loads is not UP.
    let server = TestServer::start();
    for path in ["/hang-body", "/trickle-body"] {
        let probe = fails_with(&server.url(path), "timeout", &[]);
        assert_eq!(probe["state"], "down", "{probe}");
        assert_eq!(probe["http"]["status"], 200, "the headers did arrive");
        let message = probe["error"]["message"].as_str().unwrap();
        assert!(message.contains("body was still arriving"), "{message}");
        let total = probe["timings_ms"]["total"].as_f64().unwrap();
        assert!(total >= 900.0, "the wait counts in the time: {total}");
    }
}

#[test]
fn a_reset_connection_is_reported_as_such() {
    let server = TestServer::start();
    fails_with(&server.url("/reset"), "reset", &[]);
}

#[test]
fn a_connection_closed_without_a_word() {
    let server = TestServer::start();
    let probe = fails_with(&server.url("/close"), "reset", &[]);
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap()
        .contains("without answering"));
}

#[test]
fn garbage_instead_of_http_is_a_protocol_failure() {
    let server = TestServer::start();
    fails_with(&server.url("/garbage"), "protocol", &[]);
}

#[test]
fn a_flood_of_headers_is_refused_with_bounded_memory() {
    let server = TestServer::start();
    let probe = fails_with(&server.url("/big-headers"), "protocol", &[]);
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap()
        .contains("headers"));
}

#[test]
fn an_unresolvable_name_is_a_dns_failure() {
    // A 64-letter label is longer than DNS allows: the resolver fails without asking anyone.
    let host = format!("{}.invalid", "a".repeat(64));
    let probe = fails_with(
        &format!("http://{host}/"),
        "dns",
        &["--no-connectivity-check"],
    );
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("could not resolve"));
    assert!(probe["timings_ms"]["connect"].is_null());
}

#[test]
fn tls_to_a_plain_http_server_is_a_tls_failure() {
    // A plain HTTP server answers a TLS hello with an HTTP error, as nginx does.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut hello = [0u8; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let probe = fails_with(&format!("https://127.0.0.1:{port}/"), "tls", &[]);
    assert!(
        probe["error"]["message"].as_str().unwrap().contains("TLS"),
        "{probe}"
    );
    server.join().unwrap();
}

#[test]
fn a_self_signed_certificate_is_not_trusted() {
    let cert = TestCert::self_signed(&["127.0.0.1", "localhost"]);
    let server = TestServer::start_tls(&cert);
    let probe = fails_with(&server.url("/"), "tls", &[]);
    assert_eq!(
        probe["error"]["message"],
        "certificate not trusted: self-signed ('127.0.0.1')"
    );
    assert!(probe["timings_ms"]["tls"].is_number());
}

#[test]
fn an_expired_certificate_is_a_tls_failure() {
    let cert = TestCert::signed_by_test_ca(&["127.0.0.1"], -2);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let probe = fails_with(&server.url("/"), "tls", &["--cacert", ca.to_str().unwrap()]);
    assert_eq!(probe["error"]["message"], "certificate expired");
}

#[test]
fn a_certificate_for_another_name_is_a_tls_failure() {
    let cert = TestCert::signed_by_test_ca(&["other.example"], 90);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let probe = fails_with(&server.url("/"), "tls", &["--cacert", ca.to_str().unwrap()]);
    assert!(
        probe["error"]["message"]
            .as_str()
            .unwrap()
            .contains("other.example"),
        "{probe}"
    );
}

#[test]
fn a_trusted_certificate_is_timed_and_its_expiry_reported() {
    let cert = TestCert::signed_by_test_ca(&["127.0.0.1", "localhost"], 90);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let (code, probe) = probe_json(isitdown().arg("--cacert").arg(&ca).arg(server.url("/")));
    assert_eq!(code, 0, "{probe}");
    assert!(probe["timings_ms"]["tls"].as_f64().unwrap() > 0.0);
    let days = probe["tls"]["days_left"].as_i64().unwrap();
    assert!((88..=90).contains(&days), "days_left {days}");
    assert!(probe["tls"]["expires_at"].as_str().unwrap().ends_with('Z'));

    // By name, so that DNS is timed too.
    let by_name = format!("https://localhost:{}/", server.port());
    let (code, probe) = probe_json(isitdown().arg("--cacert").arg(&ca).arg("-4").arg(&by_name));
    assert_eq!(code, 0, "{probe}");
    assert!(probe["timings_ms"]["dns"].is_number());
}

#[test]
fn a_certificate_about_to_expire_is_degraded() {
    let cert = TestCert::signed_by_test_ca(&["127.0.0.1"], 3);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let (code, probe) = probe_json(isitdown().arg("--cacert").arg(&ca).arg(server.url("/")));
    assert_eq!(code, 1);
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .contains("certificate expires in"),
        "{probe}"
    );
    isitdown()
        .arg("--cacert")
        .arg(&ca)
        .args(["--cert-warn", "1d"])
        .arg(server.url("/"))
        .assert()
        .code(0);
}

#[test]
fn insecure_skips_verification_but_still_reads_the_certificate() {
    let cert = TestCert::self_signed(&["127.0.0.1"]);
    let server = TestServer::start_tls(&cert);
    let (code, probe) = probe_json(isitdown().arg("-k").arg(server.url("/")));
    assert_eq!(code, 0, "{probe}");
    assert!(probe["tls"]["days_left"].is_number());
}

#[test]
fn a_self_signed_certificate_given_with_cacert_is_trusted() {
    for cert in [
        TestCert::self_signed(&["127.0.0.1", "localhost"]),
        TestCert::self_signed_ca(&["127.0.0.1", "localhost"]),
    ] {
        let server = TestServer::start_tls(&cert);
        let dir = tempfile::tempdir().unwrap();
        let ca = cert.write_ca(dir.path());
        let (code, probe) = probe_json(isitdown().arg("--cacert").arg(&ca).arg(server.url("/")));
        assert_eq!(code, 0, "{probe}");
        // Trusted as itself, it must still name the host.
        let other = TestCert::self_signed_ca(&["other.example"]);
        let elsewhere = TestServer::start_tls(&other);
        let other_ca = other.write_ca(dir.path());
        let (code, probe) = probe_json(
            isitdown()
                .arg("--cacert")
                .arg(&other_ca)
                .arg(elsewhere.url("/")),
        );
        assert_eq!(code, 2, "{probe}");
        assert_eq!(probe["error"]["kind"], "tls");
    }
}

#[test]
fn a_self_signed_ca_certificate_is_not_trusted_without_cacert() {
    let server = TestServer::start_tls(&TestCert::self_signed_ca(&["127.0.0.1"]));
    let probe = fails_with(&server.url("/"), "tls", &[]);
    assert!(
        probe["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("certificate not trusted: self-signed"),
        "{probe}"
    );
}

#[test]
fn https_goes_through_https_proxy_and_no_proxy_goes_direct() {
    let proxy = TestServer::start();
    let proxy_url = proxy.url("");
    // The proxy refuses the tunnel; what matters is that it was asked, and for what.
    let (code, probe) = probe_json(
        isitdown()
            .env("HTTPS_PROXY", &proxy_url)
            .args(["--no-connectivity-check", "-t", "2s"])
            .arg("https://example.com/"),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "proxy");
    let asked = proxy.requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        (asked[0].method.as_str(), asked[0].path.as_str()),
        ("CONNECT", "example.com:443")
    );

    // http_proxy is for http URLs only; no_proxy sends a host direct.
    let unresolvable = format!("https://{}.example/", "c".repeat(64));
    isitdown()
        .env("http_proxy", &proxy_url)
        .arg("--no-connectivity-check")
        .arg(&unresolvable)
        .assert()
        .code(2);
    isitdown()
        .env("HTTPS_PROXY", &proxy_url)
        .env("NO_PROXY", "example")
        .arg("--no-connectivity-check")
        .arg(&unresolvable)
        .assert()
        .code(2);
    assert_eq!(proxy.requests().len(), 1, "neither went through the proxy");
}

#[test]
fn https_through_a_tunnelling_proxy_is_timed_once() {
    let cert = TestCert::signed_by_test_ca(&["localhost"], 90);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let proxy = TunnellingProxy::start();
    let (code, probe) = probe_json(
        isitdown()
            .env("HTTPS_PROXY", proxy.url())
            .arg("--cacert")
            .arg(&ca)
            .arg(format!("https://localhost:{}/delay/200", server.port())),
    );
    assert_eq!(code, 0, "{probe}");
    assert_eq!(
        proxy.asked(),
        vec![format!("CONNECT localhost:{} HTTP/1.1", server.port())]
    );
    let timings = &probe["timings_ms"];
    let first_byte = timings["first_byte"].as_f64().unwrap();
    let (connect, tls) = (
        timings["connect"].as_f64().unwrap(),
        timings["tls"].as_f64().unwrap(),
    );
    // At least the server's 200 ms, once: the phases, one after another, fit in the whole
    // probe, which they would not if the wait were counted twice.
    let total = timings["total"].as_f64().unwrap();
    assert!(
        (150.0..total).contains(&first_byte) && connect + tls + first_byte <= total + 1.0,
        "{timings}"
    );
    assert!(timings["tls"].as_f64().unwrap() > 0.0);
}
