//! What a hostile server or status page may send, and what must still hold: the deadline, the
//! size of the output, text safe for a terminal in every format, and the right words.

use std::time::Instant;

use crate::support::*;
use isitdown::status_page::{self, Indexed, Report, Source};
use isitdown::target::catalog::{Service, StatusFormat};
use serde_json::{json, Value};

fn service_with_page(server: &TestServer, components: &[&str]) -> String {
    format!(
        "[services.svc]\nname = \"Service\"\nurl = \"{}\"\nstatus_page = \"{}\"\ncomponents = {:?}\n",
        server.url("/"),
        server.url(""),
        components
    )
}

/// A raw server that answers every connection with exactly these bytes, until dropped.
fn raw_server(answer: &'static [u8]) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(answer);
        }
    });
    port
}

/// A page of about 3 MB: 20,000 groups all called "API", 30,000 members, 2,000 incidents
/// naming components: narrowing it by name and group was quadratic.
fn huge_page() -> String {
    let mut components = Vec::new();
    for g in 0..20_000 {
        components.push(json!({"id": format!("g{g}"), "name": "API", "status": "operational"}));
    }
    for m in 0..30_000 {
        components.push(json!({"id": format!("m{m}"), "name": format!("c{m}"),
            "status": "degraded_performance", "group_id": format!("g{}", m % 20_000)}));
    }
    let incidents: Vec<Value> = (0..2_000)
        .map(|i| {
            json!({"name": format!("Incident {i}"), "status": "investigating",
            "impact": "minor", "components": [{"name": format!("c{i}")}]})
        })
        .collect();
    let page = json!({"page": {"name": "Huge"}, "status": {"indicator": "minor"},
        "components": components, "incidents": incidents});
    page.to_string()
}

/// Whether `text` says the page's 2 s ran out: while it was read, while it arrived, or before.
fn out_of_time(text: &str) -> bool {
    [
        "took longer than 2 s",
        "no answer within",
        "no time was left",
    ]
    .iter()
    .any(|words| text.contains(words))
}

/// What the service with this component learns from `page`, read as `server`'s Statuspage
/// summary with no clock running.
fn read_without_a_deadline(server: &TestServer, page: &str, component: &str) -> Report {
    let source = Source {
        format: StatusFormat::Statuspage,
        page_url: server.url(""),
        api_url: server.url("/api/v2/summary.json"),
    };
    let service = Service {
        key: "svc".into(),
        url: server.url("/"),
        components: vec![component.into()],
        ..Service::default()
    };
    let read = status_page::parse(&source, "application/json", page.as_bytes()).unwrap();
    Indexed::new(read).report(&source, &service)
}

#[test]
fn a_huge_status_page_is_read_within_the_deadline_and_shown_bounded() {
    let server = TestServer::start();
    let page = huge_page();
    assert!(page.len() < 4 * 1024 * 1024, "{} bytes", page.len());
    server.route("/api/v2/summary.json", Reply::json(200, &page));
    let config = service_with_page(&server, &["API"]);
    let started = Instant::now();
    // 2 s: the most a status page is given, whatever the deadline. A page that arrived in time
    // is read to its end before it is judged late, so a loaded machine takes longer than that,
    // but nowhere near what a quadratic reading of this page would take.
    let (_, probe) = probe_json(isitdown_with_config(&config).args(["-t", "2s", "svc"]));
    let took = started.elapsed();
    assert!(took < PATIENCE, "took {took:?}");
    // Read within those 2 s, or said to be too slow to read: a debug build on a loaded machine
    // may need longer for 50,000 components, and how fast it goes is for bench/. Then the
    // reading itself is checked without a deadline, through the library.
    let status_page = &probe["status_page"];
    let (components_total, listed, incidents_total) = match status_page["error"].as_str() {
        None => (
            status_page["components_total"].as_u64().unwrap() as usize,
            status_page["components"].as_array().unwrap().len(),
            status_page["incidents_total"].as_u64().unwrap() as usize,
        ),
        Some(error) => {
            assert!(out_of_time(error), "{status_page}");
            let report = read_without_a_deadline(&server, &page, "API");
            (
                report.components_total,
                report.components.len(),
                report.incidents_total,
            )
        }
    };
    assert_eq!(components_total, 50_000, "{status_page}");
    assert_eq!(listed, 50);
    assert_eq!(incidents_total, 2_000);
    assert!(probe["reason"].as_str().unwrap().len() < 2000);

    let output = isitdown_with_config(&config)
        .args(["--color", "never", "-t", "2s", "svc"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(human.lines().count() < 20, "{human}");
    // The reading itself is checked above; a machine too busy to read it in time says so
    // instead, and either way the text stays short.
    assert!(
        human.contains("and 1995 more") || out_of_time(&human),
        "{human}"
    );
    let output = isitdown_with_config(&config)
        .args(["--format", "nagios", "svc"])
        .output()
        .unwrap();
    assert!(output.stdout.len() < 4000, "{} bytes", output.stdout.len());
}

#[test]
fn many_troubled_components_are_counted_not_listed() {
    let server = TestServer::start();
    let components: Vec<Value> = (0..3_000)
        .map(|c| json!({"name": format!("Part {c}"), "status": "partial_outage"}))
        .collect();
    let page = json!({"status": {"indicator": "major"}, "components": components});
    server.route("/api/v2/summary.json", Reply::json(200, &page.to_string()));
    let config = service_with_page(&server, &[]);
    let output = isitdown_with_config(&config)
        .args(["--color", "never", "svc"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(human.contains("and 2995 more"), "{human}");
    assert!(human.len() < 2000, "{human}");
    let output = isitdown_with_config(&config)
        .args(["--format", "nagios", "svc"])
        .output()
        .unwrap();
    let nagios = String::from_utf8_lossy(&output.stdout);
    assert!(nagios.contains("and 2997 more"), "{nagios}");
    assert!(nagios.len() < 1000, "{nagios}");
}

const STEERING: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}\u{2066}\u{200f}\n\r";

fn no_steering(text: &str, what: &str) {
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    assert!(!text.chars().any(bad), "{what}: {text:?}");
}

#[test]
fn server_text_is_safe_in_every_format() {
    let server = TestServer::start();
    let name = format!("Outage{STEERING}end");
    let page = json!({"page": {"name": format!("Evil{STEERING}")},
        "status": {"indicator": "major", "description": format!("bad{STEERING}")},
        "incidents": [{"name": name, "status": "investigating", "impact": "major",
            "shortlink": format!("https://x.test/{STEERING}")}],
        "components": [{"name": format!("API{STEERING}"), "status": "major_outage"}]});
    server.route("/api/v2/summary.json", Reply::json(200, &page.to_string()));
    server.route(
        "/",
        Reply::new(503)
            .reason("Bad\u{1b}[31m\u{9b}Gateway\u{202e}")
            .header("Server", "ev\u{1b}[2Jil\u{202e}"),
    );
    let config = service_with_page(&server, &[]);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["http"]["status"], 503);
    let reason = probe["http"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Bad") && reason.contains("Gateway"),
        "{reason}"
    );
    // jq -r prints these raw: the JSON strings themselves must be safe.
    for field in [
        &probe["reason"],
        &probe["http"]["reason"],
        &probe["status_page"]["description"],
        &probe["status_page"]["incidents"][0]["name"],
        &probe["status_page"]["incidents"][0]["url"],
    ] {
        no_steering(field.as_str().unwrap_or_default(), "a JSON string");
    }
    for format in ["human", "nagios", "prometheus"] {
        let output = isitdown_with_config(&config)
            .args(["-v", "--color", "never", "--format", format, "svc"])
            .output()
            .unwrap();
        no_steering(&String::from_utf8_lossy(&output.stdout), format);
    }
}

#[test]
fn a_bare_cr_in_the_reason_phrase_is_still_an_answer() {
    let port = raw_server(
        b"HTTP/1.1 503 Service\rUnavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let (code, probe) = probe_json(isitdown().arg(format!("http://127.0.0.1:{port}/")));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["http"]["status"], 503);
    assert_eq!(probe["error"]["kind"], "status");
    assert_eq!(probe["http"]["reason"], "Service Unavailable");
}

#[test]
fn a_status_http_does_not_have_is_a_protocol_error() {
    for (answer, status) in [
        (
            &b"HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n"[..],
            999,
        ),
        (
            &b"HTTP/1.1 600 Beyond\r\nContent-Length: 0\r\n\r\n"[..],
            600,
        ),
    ] {
        let port = raw_server(answer);
        let (code, probe) = probe_json(isitdown().arg(format!("http://127.0.0.1:{port}/")));
        assert_eq!(code, 2, "{status}: {probe}");
        assert_eq!(probe["error"]["kind"], "protocol");
        assert!(probe["reason"]
            .as_str()
            .unwrap()
            .contains(&format!("status {status} does not exist")));
    }
}

#[test]
fn an_explicit_authorization_header_is_sent_once_and_wins() {
    let server = TestServer::start();
    let url = format!("http://me:pw@127.0.0.1:{}/", server.port());
    isitdown()
        .args(["-H", "Authorization: Bearer token"])
        .arg(&url)
        .assert()
        .code(0);
    let request = &server.requests()[0];
    let sent: Vec<&String> = request
        .headers
        .iter()
        .filter(|(name, _)| name == "authorization")
        .map(|(_, value)| value)
        .collect();
    assert_eq!(sent, ["Bearer token"]);
}

#[test]
fn a_certificate_chain_too_large_is_named_as_such() {
    // A valid leaf, sent with sixteen more certificates of 5 KB each.
    let mut cert = TestCert::self_signed(&["127.0.0.1"]);
    let names: Vec<String> = (0..150)
        .map(|i| format!("host-number-{i:05}.example.test"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for _ in 0..16 {
        cert.cert_pem
            .push_str(&TestCert::self_signed(&names).cert_pem);
    }
    let server = TestServer::start_tls(&cert);
    let (code, probe) = probe_json(isitdown().arg("-k").arg(server.url("/")));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "tls");
    let message = probe["error"]["message"].as_str().unwrap();
    assert!(message.contains("certificate chain is larger"), "{message}");
}

#[test]
fn plain_http_on_a_tls_port_is_named_as_such() {
    let port = raw_server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    let url = format!("https://127.0.0.1:{port}/");
    let (code, probe) = probe_json(isitdown().arg("-k").arg(url));
    assert_eq!(code, 2, "{probe}");
    let message = probe["error"]["message"].as_str().unwrap();
    assert!(message.contains("does not speak TLS"), "{message}");
}

#[test]
fn an_answer_in_another_protocol_is_named_by_what_it_said() {
    for (answer, says) in [
        (
            &b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"[..],
            "the answer is not HTTP: it begins \"SSH-2.0-OpenSSH_9.2p1 Debian-2\"",
        ),
        (
            &b"220 mail.example.test ESMTP\r\n"[..],
            "the answer is not HTTP: it begins \"220 mail.example.test ESMTP\"",
        ),
        // A TLS server's alert to a request in plain HTTP.
        (
            &b"\x15\x03\x03\x00\x02\x02\x46"[..],
            "a TLS server answered (try https://)",
        ),
        (
            &b"\x00\x01\x02\xff\xfe\r\n\r\n"[..],
            "begins with binary data",
        ),
        (
            &b"HTTP/9.9 200 OK\r\n\r\n"[..],
            "the answer is not valid HTTP: its status line is \"HTTP/9.9 200 OK\"",
        ),
        // The status line is fine: the parser's own words say what is not.
        (
            &b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"[..],
            "the answer is not valid HTTP: invalid header name",
        ),
    ] {
        let port = raw_server(answer);
        let (code, probe) = probe_json(isitdown().arg(format!("http://127.0.0.1:{port}/")));
        assert_eq!(code, 2, "{probe}");
        assert_eq!(probe["error"]["kind"], "protocol", "{probe}");
        let reason = probe["reason"].as_str().unwrap();
        assert!(reason.contains(says), "{says}: {reason}");
    }
}
