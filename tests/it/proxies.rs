//! The user's proxy, named: one that refuses, never answers or will not open the tunnel is
//! UNKNOWN (`error.kind` "proxy"), never the service DOWN; and every probe says which proxy
//! carried it.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use crate::support::*;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Probes `target` through `proxy` set in `variable`, and checks what every proxy failure has
/// in common: UNKNOWN, exit 3, the proxy named by the variable that named it, its password never
/// shown, no connection check. Returns the probe and how long the run took.
fn fails_through(
    variable: &str,
    proxy: &str,
    target: &str,
    args: &[&str],
) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    let output = isitdown()
        .env(variable, proxy)
        .args(args)
        .arg("--json")
        .arg(target)
        .output()
        .expect("isitdown runs");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!stdout.contains("hunter2"), "{stdout}");
    let probe = json_lines(&output.stdout).remove(0);
    assert_eq!(output.status.code(), Some(3), "{probe}");
    assert_eq!(probe["state"], "unknown", "{probe}");
    assert_eq!(probe["error"]["kind"], "proxy", "{probe}");
    assert!(probe["connectivity"].is_null(), "{probe}");
    (probe, took)
}

fn message(probe: &serde_json::Value) -> &str {
    probe["error"]["message"].as_str().unwrap_or_default()
}

#[test]
fn a_proxy_that_refuses_is_named_not_the_service() {
    let port = closed_port(LOOPBACK);
    let proxy = format!("http://me:hunter2@127.0.0.1:{port}");
    let (probe, _) = fails_through("HTTPS_PROXY", &proxy, "https://example.com/", &[]);
    assert_eq!(
        message(&probe),
        format!(
            "your proxy 127.0.0.1:{port} (from HTTPS_PROXY) refused the connection: not the \
             service's fault"
        )
    );
    assert_eq!(probe["reason"], probe["error"]["message"]);
    assert_eq!(
        probe["proxy"],
        format!("127.0.0.1:{port} (from HTTPS_PROXY)")
    );
}

#[test]
fn a_proxy_that_accepts_and_never_answers_is_named_within_the_deadline() {
    let proxy = TestServer::start();
    // The CONNECT is read, and answered only after the test is over.
    proxy.route("example.com:443", Reply::new(200).after(&Gate::new()));
    let (probe, took) = fails_through(
        "https_proxy",
        &proxy.url(""),
        "https://example.com/",
        &["-t", "1s"],
    );
    assert_eq!(
        message(&probe),
        format!(
            "your proxy 127.0.0.1:{} (from https_proxy) did not answer within 1 s: not the \
             service's fault",
            proxy.port()
        )
    );
    assert!(took < Duration::from_secs(1) + SLACK, "{took:?}");
    assert_eq!(proxy.requests()[0].method, "CONNECT");
}

#[test]
fn a_black_holed_proxy_is_named_within_the_deadline() {
    let Some(hole) = BlackHole::at(LOOPBACK, 0) else {
        panic!("a loopback listener can be bound");
    };
    let proxy = format!("http://{}", hole.address);
    let (probe, took) = fails_through("ALL_PROXY", &proxy, "http://example.com/", &["-t", "1s"]);
    assert_eq!(
        message(&probe),
        format!(
            "your proxy {} (from ALL_PROXY) did not answer within 1 s: not the service's fault",
            hole.address
        )
    );
    assert!(took < Duration::from_secs(1) + SLACK, "{took:?}");
}

#[test]
fn a_proxy_that_refuses_the_tunnel_says_how() {
    let proxy = TestServer::start();
    proxy.route("example.com:443", Reply::new(403));
    let (probe, _) = fails_through("HTTPS_PROXY", &proxy.url(""), "https://example.com/", &[]);
    assert_eq!(
        message(&probe),
        format!(
            "your proxy 127.0.0.1:{} (from HTTPS_PROXY) answered 403 Forbidden to CONNECT \
             example.com:443: not the service's fault",
            proxy.port()
        )
    );
    let asked = proxy.requests();
    assert_eq!(
        (asked[0].method.as_str(), asked[0].path.as_str()),
        ("CONNECT", "example.com:443")
    );
    // People read the same sentence.
    isitdown()
        .env("HTTPS_PROXY", proxy.url(""))
        .arg("https://example.com/")
        .assert()
        .code(3)
        .stdout(predicates::str::contains(
            "answered 403 Forbidden to CONNECT example.com:443",
        ));
}

#[test]
fn a_proxy_that_cannot_reach_the_service_leaves_it_unverified() {
    let proxy = TestServer::start();
    proxy.route("example.com:443", Reply::new(502));
    let (probe, _) = fails_through("HTTPS_PROXY", &proxy.url(""), "https://example.com/", &[]);
    assert!(
        message(&probe).ends_with(
            "answered 502 Bad Gateway to CONNECT example.com:443: the service itself is unverified"
        ),
        "{probe}"
    );
}

#[test]
fn the_proxy_that_carried_a_probe_is_named() {
    let server = TestServer::start();
    let proxy = TunnellingProxy::start();
    let target = format!("http://localhost:{}/", server.port());
    let (code, probe) = probe_json(isitdown().env("http_proxy", proxy.url()).arg(&target));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    assert_eq!(
        probe["proxy"],
        format!("127.0.0.1:{} (from http_proxy)", proxy.port)
    );
    assert_eq!(
        proxy.asked(),
        vec![format!("CONNECT localhost:{} HTTP/1.1", server.port())]
    );
    isitdown()
        .env("http_proxy", proxy.url())
        .args(["-v", &target])
        .assert()
        .code(0)
        .stdout(
            predicates::str::is_match(format!(
                r"proxy +127\.0\.0\.1:{} \(from http_proxy\)",
                proxy.port
            ))
            .unwrap(),
        );

    // Direct, there is none.
    let (_, direct) = probe_json(isitdown().arg(&target));
    assert!(direct["proxy"].is_null(), "{direct}");
}
