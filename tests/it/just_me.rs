//! Just me? Causes on the user's side, end to end: DNS that lies (through the resolver's test
//! seam, the hidden --test-dns flag), DNS that fails next to a public DNS fake, the machine's trust store
//! (SSL_CERT_FILE, SSL_CERT_DIR), and TLS inspection.

use crate::support::*;
use serde_json::Value;

/// The resolver's test seam: these names and addresses are the whole DNS.
fn test_dns(spec: &str) -> String {
    format!("--test-dns={spec}")
}

#[test]
fn a_public_name_answered_with_a_blocking_address_is_named_not_connected() {
    let server = TestServer::start();
    let port = server.port();
    let url = format!("http://chatgpt.example:{port}/");
    for answer in ["0.0.0.0", "127.0.0.1"] {
        let (code, probe) = probe_json(
            isitdown_with_config("[connectivity]\nreferences = []\n")
                .arg(test_dns(&format!("chatgpt.example={answer}")))
                .arg(&url),
        );
        assert_eq!(code, 3, "{probe}");
        assert_eq!(probe["state"], "unknown");
        assert_eq!(probe["error"]["kind"], "dns");
        let sentence = format!(
            "chatgpt.example resolves to {answer} on your network: blocked by your DNS \
             (an ad blocker or filter?)"
        );
        assert_eq!(probe["reason"], sentence);
        assert!(probe["timings_ms"]["dns"].is_number(), "{probe}");
        assert!(probe["attempts"].as_array().expect("attempts").is_empty());
    }
    assert!(server.requests().is_empty(), "nothing connected");

    // Pinned, the same name goes where it was asked to, blocked by DNS or not.
    let (code, probe) = probe_json(
        isitdown()
            .arg(test_dns("chatgpt.example=0.0.0.0"))
            .args(["--resolve", &format!("chatgpt.example:{port}:127.0.0.1")])
            .arg(&url),
    );
    assert_eq!(code, 0, "{probe}");
    assert!(probe["timings_ms"]["dns"].is_null());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_blocked_name_reads_the_same_in_every_format() {
    let run = |format: &str| {
        let output = isitdown_with_config("[connectivity]\nreferences = []\n")
            .arg(test_dns("chatgpt.example=0.0.0.0"))
            .args(["--format", format, "https://chatgpt.example/"])
            .output()
            .expect("isitdown runs");
        assert_eq!(output.status.code(), Some(3));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let sentence = "chatgpt.example resolves to 0.0.0.0 on your network";
    assert!(run("human").contains(sentence));
    let nagios = run("nagios");
    assert!(nagios.starts_with("ISITDOWN UNKNOWN - ") && nagios.contains(sentence));
    assert!(run("prometheus").contains("state=\"unknown\"} 1"));
}

/// A DNS-over-HTTPS JSON resolver on 127.0.0.1 answering every question with `body`.
fn public_dns(body: &str) -> TestServer {
    let server = TestServer::start();
    server.route("/dns-query", Reply::json(200, body));
    server
}

/// Probes a public name the system resolver cannot resolve, with `resolver` as public DNS.
fn probe_unresolvable(resolver: &str, references: &str) -> (i32, Value) {
    let config = format!("[connectivity]\nreferences = [{references}]\ndns = [\"{resolver}\"]\n");
    probe_json(
        isitdown_with_config(&config)
            .arg(test_dns(""))
            .arg("https://chatgpt.example/"),
    )
}

#[test]
fn public_dns_resolving_what_your_dns_cannot_means_it_is_your_dns() {
    let resolver = public_dns(
        r#"{"Status":0,"Answer":[{"name":"chatgpt.example","type":1,"TTL":60,"data":"192.0.2.7"}]}"#,
    );
    let (code, probe) = probe_unresolvable(
        &resolver.url("/dns-query"),
        &format!("\"{DEAD_REFERENCE}\""),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(
        probe["reason"],
        "your DNS server cannot resolve chatgpt.example, but public DNS can: it is your DNS"
    );
    assert_eq!(probe["error"]["kind"], "dns");
    let public = &probe["connectivity"]["public_dns"];
    assert_eq!(public["resolved"], true, "{probe}");
    assert_eq!(public["addresses"], serde_json::json!(["192.0.2.7"]));
    assert_eq!(public["asked"][0], resolver.url("/dns-query"));
    let questions = resolver.requests();
    assert_eq!(questions.len(), 2, "A and AAAA");
    for question in &questions {
        assert_eq!(question.header("accept"), Some("application/dns-json"));
        assert!(
            question.path.contains("name=chatgpt.example"),
            "{question:?}"
        );
    }
    let mut types: Vec<&str> = questions
        .iter()
        .filter_map(|q| q.path.split("type=").nth(1))
        .collect();
    types.sort_unstable();
    assert_eq!(types, ["A", "AAAA"]);
}

#[test]
fn a_name_public_dns_does_not_know_either_is_down() {
    let resolver = public_dns(r#"{"Status":3}"#);
    let (code, probe) = probe_unresolvable(
        &resolver.url("/dns-query"),
        &format!("\"{DEAD_REFERENCE}\""),
    );
    assert_eq!(code, 2, "{probe}");
    assert_eq!(
        probe["reason"],
        "chatgpt.example does not exist in public DNS either"
    );
    assert_eq!(probe["connectivity"]["public_dns"]["resolved"], false);
    let human = isitdown_with_config(&format!(
        "[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = [\"{}\"]\n",
        resolver.url("/dns-query")
    ))
    .arg(test_dns(""))
    .arg("https://chatgpt.example/")
    .output()
    .expect("isitdown runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("public DNS says chatgpt.example does not exist (NXDOMAIN from"),
        "{text}"
    );
}

#[test]
fn public_dns_unreachable_leaves_the_connection_checks_words() {
    let resolver = TestServer::start();
    resolver.route("/dns-query", Reply::new(500));
    let offline = format!("\"{DEAD_REFERENCE}\"");
    let (code, probe) = probe_unresolvable(&resolver.url("/dns-query"), &offline);
    assert_eq!(code, 3, "{probe}");
    assert!(
        probe["reason"]
            .as_str()
            .unwrap_or_default()
            .ends_with("; your connection seems down"),
        "{probe}"
    );
    let public = &probe["connectivity"]["public_dns"];
    assert!(public["resolved"].is_null(), "{probe}");
    assert!(public["note"]
        .as_str()
        .unwrap_or_default()
        .starts_with("public DNS did not answer"));

    let reference = TestServer::start();
    reference.route("/204", Reply::new(204));
    let dead_resolver = format!("http://127.0.0.1:{}/dns-query", closed_port(LOOPBACK));
    let (code, probe) =
        probe_unresolvable(&dead_resolver, &format!("\"{}\"", reference.url("/204")));
    assert_eq!(code, 2, "{probe}");
    assert!(probe["reason"]
        .as_str()
        .unwrap_or_default()
        .ends_with("(it's not just you)"));
}

#[test]
fn an_empty_resolver_list_asks_no_public_dns() {
    let (code, probe) = probe_json(
        isitdown_with_config(&format!(
            "[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = []\n"
        ))
        .arg(test_dns(""))
        .arg("https://chatgpt.example/"),
    );
    assert_eq!(code, 3, "{probe}");
    assert!(probe["connectivity"]["public_dns"].is_null());
}

#[test]
fn resolvers_must_be_named_by_ip_address() {
    let output = isitdown_with_config("[connectivity]\ndns = [\"https://dns.google/resolve\"]\n")
        .arg("https://chatgpt.example/")
        .output()
        .expect("isitdown runs");
    assert_eq!(output.status.code(), Some(64));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("line 2") && error.contains("IP address"),
        "{error}"
    );
}

const LOOPBACK: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// An HTTPS server on 127.0.0.1 whose certificate a CA of this name signed.
fn tls_server(ca_name: &str) -> (TestServer, TestCert) {
    let cert = TestCert::signed_by_ca_named(&["127.0.0.1"], 365, ca_name);
    (TestServer::start_tls(&cert), cert)
}

#[test]
fn the_trust_store_honours_ssl_cert_file_and_ssl_cert_dir() {
    let (server, cert) = tls_server("isitdown test CA");
    let dir = tempfile::tempdir().expect("a scratch folder");
    let ca = cert.write_ca(dir.path());
    let (code, probe) = probe_json(isitdown().env("SSL_CERT_FILE", &ca).arg(server.url("/")));
    assert_eq!(code, 0, "{probe}");
    let (code, probe) = probe_json(
        isitdown()
            .env("SSL_CERT_DIR", dir.path())
            .arg(server.url("/")),
    );
    assert_eq!(code, 0, "{probe}");

    let verbose = isitdown()
        .env("SSL_CERT_FILE", &ca)
        .args(["-v", &server.url("/")])
        .output()
        .expect("isitdown runs");
    let text = String::from_utf8_lossy(&verbose.stdout);
    assert!(
        text.contains(&format!(
            "trust    trusting 1 root from SSL_CERT_FILE {}",
            ca.display()
        )),
        "{text}"
    );

    // Without them, the operating system's store knows nothing of this CA.
    let (code, probe) = probe_json(isitdown().arg(server.url("/")));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(
        probe["reason"],
        "certificate not trusted: issued by 'isitdown test CA', which this machine does not trust"
    );
}

#[test]
fn a_certificate_from_an_unknown_ca_names_its_issuer() {
    let (server, _) = tls_server("Example Untrusted CA");
    let (code, probe) = probe_json(isitdown().arg(server.url("/")));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "tls");
    assert_eq!(
        probe["error"]["message"],
        "certificate not trusted: issued by 'Example Untrusted CA', which this machine does not trust"
    );
}

#[test]
fn a_certificate_from_an_inspection_product_is_not_the_services_fault() {
    let (server, _) = tls_server("Zscaler Root CA");
    let (code, probe) = probe_json(isitdown().arg(server.url("/")));
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["state"], "unknown");
    assert_eq!(probe["error"]["kind"], "tls");
    assert_eq!(
        probe["reason"],
        "your network or security software inspects TLS (issuer 'Zscaler Root CA'): the service itself may be fine"
    );
    let nagios = isitdown()
        .args(["--format", "nagios", &server.url("/")])
        .output()
        .expect("isitdown runs");
    let line = String::from_utf8_lossy(&nagios.stdout);
    assert!(
        line.starts_with("ISITDOWN UNKNOWN - ") && line.contains("inspects TLS"),
        "{line}"
    );
    // -k skips every check, this one too.
    let (code, _) = probe_json(isitdown().args(["-k", &server.url("/")]));
    assert_eq!(code, 0);
}

#[test]
fn the_machines_roots_are_loaded_only_when_a_certificate_needs_them() {
    // A certificate directory with no certificate in it fails only when something is checked
    // against it (a bad SSL_CERT_FILE is read at the start: see the next test).
    let dir = tempfile::tempdir().expect("a scratch folder");
    let empty = tempfile::tempdir().expect("an empty folder");
    std::fs::write(empty.path().join("notes.pem"), "no certificates here\n").expect("a file");
    let plain = TestServer::start();
    let (code, probe) = probe_json(
        isitdown()
            .env("SSL_CERT_DIR", empty.path())
            .arg(plain.url("/")),
    );
    assert_eq!(code, 0, "plain HTTP checks no certificate: {probe}");

    // A server that --cacert vouches for needs nothing more.
    let (server, cert) = tls_server("isitdown test CA");
    let ca = cert.write_ca(dir.path());
    let (code, probe) = probe_json(
        isitdown()
            .env("SSL_CERT_DIR", empty.path())
            .args(["--cacert".as_ref(), ca.as_os_str()])
            .arg(server.url("/")),
    );
    assert_eq!(code, 0, "--cacert is enough: {probe}");

    // Anything else is checked against the machine's roots, and this directory is no store.
    let other = TestServer::start_tls(&TestCert::signed_by_ca_named(&["127.0.0.1"], 365, "Other"));
    let (code, probe) = probe_json(
        isitdown()
            .env("SSL_CERT_DIR", empty.path())
            .arg(other.url("/")),
    );
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "tls", "{probe}");
    assert!(
        probe["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("SSL_CERT_DIR")),
        "{probe}"
    );

    // A variable naming nothing at all is bad input before any probe.
    isitdown()
        .env("SSL_CERT_FILE", dir.path().join("missing.pem"))
        .arg(plain.url("/"))
        .assert()
        .code(64);
    assert_eq!(plain.requests().len(), 1);
}

#[test]
fn a_password_in_a_resolver_url_is_never_printed() {
    let resolver = public_dns(r#"{"Status":3}"#);
    let with_password = format!(
        "http://dohuser:D0hPass@127.0.0.1:{}/dns-query",
        resolver.port()
    );
    let (code, probe) = probe_unresolvable(&with_password, &format!("\"{DEAD_REFERENCE}\""));
    assert_eq!(code, 2, "{probe}");
    let asked = &probe["connectivity"]["public_dns"]["asked"][0];
    assert_eq!(
        asked,
        &format!("http://***:***@127.0.0.1:{}/dns-query", resolver.port())
    );
    let config = format!(
        "[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = [\"{with_password}\"]\n"
    );
    for format in [&["-v"][..], &["--json"][..], &["--format", "nagios"][..]] {
        let output = isitdown_with_config(&config)
            .args(format)
            .arg(test_dns(""))
            .arg("https://chatgpt.example/")
            .output()
            .expect("isitdown runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !all.contains("D0hPass") && !all.contains("dohuser"),
            "{format:?}: {all}"
        );
    }
    // The resolver still got the question.
    assert!(!resolver.requests().is_empty());
}

#[test]
fn a_failing_resolver_with_no_public_answer_is_unknown_not_down() {
    let reference = TestServer::start();
    reference.route("/204", Reply::new(204));
    let references = format!("\"{}\"", reference.url("/204"));
    let servfail = public_dns(r#"{"Status":2}"#);
    let broken = TestServer::start();
    broken.route("/dns-query", Reply::json(200, "{not json"));
    let failing = TestServer::start();
    failing.route("/dns-query", Reply::new(500));
    for resolver in [&servfail, &broken, &failing] {
        let config = format!(
            "[connectivity]\nreferences = [{references}]\ndns = [\"{}\"]\n",
            resolver.url("/dns-query")
        );
        let (code, probe) = probe_json(
            isitdown_with_config(&config)
                .arg(test_dns("chatgpt.example=fail"))
                .arg("https://chatgpt.example/"),
        );
        assert_eq!(code, 3, "{probe}");
        assert_eq!(probe["state"], "unknown");
        assert_eq!(probe["error"]["kind"], "dns");
        let reason = probe["reason"].as_str().unwrap_or_default();
        assert!(
            reason.ends_with(
                "your DNS resolver failed and no public DNS resolver answered either, so \
                 nothing shows whether chatgpt.example resolves for anyone else"
            ),
            "{probe}"
        );
        assert!(!reason.contains("it's not just you"), "{probe}");
        assert_eq!(probe["connectivity"]["online"], true, "{probe}");
    }
    // A definite "no such name" from the same resolver stays the service's.
    let config = format!(
        "[connectivity]\nreferences = [{references}]\ndns = [\"{}\"]\n",
        failing.url("/dns-query")
    );
    let (code, probe) = probe_json(
        isitdown_with_config(&config)
            .arg(test_dns(""))
            .arg("https://chatgpt.example/"),
    );
    assert_eq!(code, 2, "{probe}");
}

#[test]
fn a_bad_ssl_cert_file_is_bad_input_at_the_start() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("a scratch folder");
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "junk\n").expect("write");
    let key = dir.path().join("key.pem");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
    )
    .expect("write");
    let huge = dir.path().join("huge.pem");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(100 * 1024 * 1024))
        .expect("a sparse file");
    for (file, problem) in [
        (&junk, "no certificate in the file"),
        (&key, "no certificate in the file"),
        (&huge, "is larger than 8 MiB, too large to be read"),
    ] {
        let output = isitdown()
            .env("SSL_CERT_FILE", file)
            .arg(server.url("/"))
            .output()
            .expect("isitdown runs");
        assert_eq!(output.status.code(), Some(64), "{output:?}");
        assert!(output.stdout.is_empty(), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr,
            format!("isitdown: SSL_CERT_FILE {}: {problem}\n", file.display())
        );
    }
}

#[test]
fn with_the_connection_down_its_evidence_is_said_once_for_many_targets() {
    let resolver = TestServer::start();
    resolver.route("/dns-query", Reply::new(500));
    let config = format!(
        "[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = [\"{}\"]\n",
        resolver.url("/dns-query")
    );
    let output = isitdown_with_config(&config)
        .arg(test_dns(""))
        .args([
            "https://one.example/",
            "https://two.example/",
            "https://three.example/",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    let verdicts = stdout.lines().filter(|l| l.starts_with("UNKNOWN")).count();
    assert_eq!(verdicts, 3, "{stdout}");
    assert!(
        stdout
            .lines()
            .all(|l| !l.starts_with("UNKNOWN") || l.ends_with("your connection seems down")),
        "each verdict says why: {stdout}"
    );
    assert_eq!(
        stdout.matches("reference endpoints answered right").count(),
        1,
        "the evidence once: {stdout}"
    );
    assert_eq!(
        stdout.matches("your connection seems down").count(),
        3,
        "{stdout}"
    );
    assert!(
        !stdout.contains("public DNS"),
        "no public-DNS line with the connection down: {stdout}"
    );
}
