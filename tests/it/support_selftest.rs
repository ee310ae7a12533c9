//! Quick checks that the test-support server misbehaves as advertised.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::{Gate, Reply, TestCert, TestServer, PATIENCE};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

fn connect(server: &TestServer) -> TcpStream {
    let s = TcpStream::connect(server.addr()).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s
}

/// Sends a raw request and returns the whole response (until EOF).
fn raw(server: &TestServer, request: &str) -> String {
    let mut s = connect(server);
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read response");
    String::from_utf8_lossy(&out).into_owned()
}

fn get(server: &TestServer, path: &str) -> String {
    raw(
        server,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            server.port()
        ),
    )
}

#[test]
fn status_head_line_and_raw_reason() {
    let server = TestServer::start();
    let r = get(&server, "/status/503");
    assert!(
        r.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{r:?}"
    );
    assert!(r.contains("Content-Length: 11\r\n"), "{r:?}");
    assert!(r.ends_with("\r\n\r\nstatus 503\n"), "{r:?}");

    let r = get(&server, "/status/200?reason=Fine%1b%5B31m+ok");
    assert!(r.starts_with("HTTP/1.1 200 Fine\x1b[31m+ok\r\n"), "{r:?}");

    let r = raw(&server, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r:?}");
    assert!(r.contains("Content-Length: 6\r\n"), "{r:?}");
    assert!(r.ends_with("\r\n\r\n"), "{r:?}");

    assert!(get(&server, "/nope").starts_with("HTTP/1.1 404 Not Found\r\n"));
    assert!(server.url("/x").starts_with("http://127.0.0.1:"));
}

#[test]
fn custom_route_and_recording() {
    let server = TestServer::start();
    server.route("/api", Reply::json(201, "{}").header("X-Test", "yes"));
    server.route("/reset", Reply::text(200, "overridden\n"));
    let r = raw(
        &server,
        "GET /api?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: selftest/1\r\n\r\n",
    );
    assert!(r.starts_with("HTTP/1.1 201 Created\r\n"), "{r:?}");
    assert!(r.contains("X-Test: yes\r\n"), "{r:?}");
    assert!(r.contains("Content-Type: application/json\r\n"), "{r:?}");
    assert!(r.ends_with("\r\n\r\n{}"), "{r:?}");
    assert!(get(&server, "/reset").ends_with("overridden\n"));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, "/api?x=1");
    assert_eq!(reqs[0].header("User-Agent"), Some("selftest/1"));
    assert_eq!(reqs[1].path, "/reset");
}

#[test]
fn reset_gives_connection_reset() {
    let server = TestServer::start();
    let mut s = connect(&server);
    s.write_all(b"GET /reset HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let err = s
        .read(&mut buf)
        .expect_err("expected a reset, got data/EOF");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err:?}");
    assert_eq!(server.requests()[0].path, "/reset");
}

#[test]
fn close_gives_clean_eof_and_garbage_is_not_http() {
    let server = TestServer::start();
    assert_eq!(get(&server, "/close"), "");
    assert!(get(&server, "/garbage").starts_with("SSH-2.0-"));
}

#[test]
fn redirects() {
    let server = TestServer::start();
    let r = get(&server, "/redirect/2");
    assert!(r.starts_with("HTTP/1.1 302 Found\r\n"), "{r:?}");
    assert!(r.contains("\r\nLocation: /redirect/1\r\n"), "{r:?}");
    assert!(get(&server, "/redirect/0").ends_with("\r\n\r\narrived\n"));
    let r = get(&server, "/redirect-to?url=file%3A%2F%2F%2Fetc%2Fpasswd");
    assert!(r.contains("\r\nLocation: file:///etc/passwd\r\n"), "{r:?}");
}

#[test]
fn hang_ends_when_client_times_out() {
    let server = TestServer::start();
    let mut s = connect(&server);
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    s.write_all(b"GET /hang HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let err = s.read(&mut buf).expect_err("hang must not answer");
    assert!(matches!(
        err.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut
    ));
}

#[test]
fn delays_are_served_in_parallel() {
    let server = Arc::new(TestServer::start());
    // Nothing is answered before all twenty wait at once.
    server.gather(20);
    let started = Instant::now();
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || get(&server, "/delay/500"))
        })
        .collect();
    for h in handles {
        let r = h.join().unwrap();
        assert!(
            r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("slept\n"),
            "{r:?}"
        );
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "took {took:?}");
    assert_eq!(server.requests().len(), 20);
    assert_eq!(server.most_in_flight(), 20);
}

#[test]
fn gathered_requests_wait_for_each_other_and_then_not_again() {
    let server = Arc::new(TestServer::start());
    server.gather(2);
    let first = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || get(&server, "/"))
    };
    server.wait_for_requests(1);
    assert_eq!(server.most_in_flight(), 1);
    assert!(!first.is_finished(), "answered alone");
    assert!(get(&server, "/").ends_with("\r\n\r\nhello\n"));
    assert!(first.join().unwrap().ends_with("\r\n\r\nhello\n"));
    // Gathered once: later requests are answered at once, alone.
    assert!(get(&server, "/").ends_with("\r\n\r\nhello\n"));
    assert_eq!(server.most_in_flight(), 2);
}

#[test]
fn a_reply_waits_at_its_gate_and_can_open_another() {
    let server = Arc::new(TestServer::start());
    let (first_sent, opened) = (Gate::new(), Gate::new());
    server.route("/first", Reply::text(200, "first").opening(&first_sent));
    server.route("/second", Reply::text(200, "second").after(&first_sent));
    server.route("/held", Reply::text(200, "held").after(&opened));
    let held = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || get(&server, "/held"))
    };
    let second = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || get(&server, "/second"))
    };
    server.wait_for_requests(2);
    assert!(!held.is_finished() && !second.is_finished());
    assert!(get(&server, "/first").ends_with("first"));
    assert!(second.join().unwrap().ends_with("second"));
    assert!(!held.is_finished(), "its gate is still shut");
    opened.open();
    assert!(held.join().unwrap().ends_with("held"));
}

#[test]
fn a_route_gives_its_replies_in_turn_then_the_last_again() {
    let server = TestServer::start();
    server.route_each(
        "/turns",
        vec![Reply::text(200, "one"), Reply::text(503, "two")],
    );
    assert!(get(&server, "/turns").ends_with("one"));
    for _ in 0..2 {
        let r = get(&server, "/turns");
        assert!(
            r.starts_with("HTTP/1.1 503 ") && r.ends_with("two"),
            "{r:?}"
        );
    }
}

fn tls_get(server: &TestServer, trust_pem: &str, name: &str, path: &str) -> Result<String, String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(trust_pem.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from(name.to_string()).unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, connect(server));
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    tls.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    tls.read_to_end(&mut out).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn tls_with_test_ca() {
    let cert = TestCert::signed_by_test_ca(&["127.0.0.1", "localhost"], 3);
    let server = TestServer::start_tls(&cert);
    assert!(server.url("/").starts_with("https://127.0.0.1:"));

    // A client that does not trust the CA fails; the server shrugs it off.
    let other = TestCert::self_signed(&["localhost"]);
    assert!(tls_get(&server, &other.ca_pem, "localhost", "/").is_err());

    for name in ["127.0.0.1", "localhost"] {
        let r = tls_get(&server, &cert.ca_pem, name, "/").expect("TLS GET /");
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r:?}");
        assert!(r.ends_with("\r\n\r\nhello\n"), "{r:?}");
    }
    assert_eq!(server.requests().len(), 2);

    let dir = tempfile::tempdir().unwrap();
    let path = cert.write_ca(dir.path());
    assert_eq!(std::fs::read_to_string(path).unwrap(), cert.ca_pem);
}

#[test]
fn tls_self_signed_and_expired() {
    let cert = TestCert::self_signed(&["127.0.0.1", "localhost"]);
    assert_eq!(cert.ca_pem, cert.cert_pem);
    let server = TestServer::start_tls(&cert);
    let r = tls_get(&server, &cert.ca_pem, "127.0.0.1", "/status/418").unwrap();
    assert!(r.starts_with("HTTP/1.1 418 I'm a teapot\r\n"), "{r:?}");

    let expired = TestCert::signed_by_test_ca(&["127.0.0.1"], -3);
    let server = TestServer::start_tls(&expired);
    let err = tls_get(&server, &expired.ca_pem, "127.0.0.1", "/").unwrap_err();
    assert!(err.to_lowercase().contains("expired"), "{err}");
}

#[test]
fn oversized_request_head_gets_431() {
    let server = TestServer::start();
    let request = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(70_000));
    let r = raw(&server, &request);
    assert!(r.starts_with("HTTP/1.1 431 "), "{r:?}");
    assert!(server.requests().is_empty());
}
