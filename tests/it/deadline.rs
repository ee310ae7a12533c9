//! One deadline for the whole run: whatever hangs (the resolver, the status page, the reference
//! endpoints, public DNS), the verdict is due when `-t` says, with the connection check begun
//! early while the probe is still silent. Bounds here are generous, to hold on a loaded
//! machine; the exact overshoot is measured by hand (see doc/deadline-and-proxies.md).

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

/// What a loaded machine may add to `-t` here. Without one deadline, each test below would take
/// at least a second (and up to two) more than `-t`.
const BOUND: Duration = Duration::from_millis(1500);

/// A route that is read and never answered while the test runs.
fn hanging(server: &TestServer, path: &str, gate: &Gate) {
    server.route(path, Reply::json(200, "{}").after(gate));
}

/// Runs isitdown with this config and arguments; the probe and how long the run took.
fn timed(config: &str, args: &[&str]) -> (i32, Value, Duration) {
    let started = Instant::now();
    let output = isitdown_with_config(config)
        .args(args)
        .arg("--json")
        .output()
        .expect("isitdown runs");
    let took = started.elapsed();
    let mut lines = json_lines(&output.stdout);
    assert_eq!(
        lines.len(),
        1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), lines.remove(0), took)
}

#[test]
fn a_silent_resolver_page_references_and_public_dns_all_end_by_the_deadline() {
    let gate = Gate::new();
    let (page, reference, resolver) = (
        TestServer::start(),
        TestServer::start(),
        TestServer::start(),
    );
    hanging(&page, "/api/v2/summary.json", &gate);
    hanging(&reference, "/204", &gate);
    hanging(&resolver, "/dns-query", &gate);
    let config = format!(
        "[services.myapi]\nurl = \"https://chatgpt.example/\"\nstatus_page = \"{}\"\n\
         [connectivity]\nreferences = [\"{}\"]\ndns = [\"{}\"]\n",
        page.url(""),
        reference.url("/204"),
        resolver.url("/dns-query"),
    );
    let (code, probe, took) = timed(
        &config,
        &["-t", "2s", "--test-dns=chatgpt.example=hang", "myapi"],
    );
    assert!(took < Duration::from_secs(2) + BOUND, "took {took:?}");
    assert_eq!(code, 3, "{probe}");
    let reason = probe["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with(
            "no answer within 2 s: the DNS lookup of chatgpt.example did not finish; your \
             connection seems down"
        ),
        "{probe}"
    );
    // Each was asked, and none was waited for past the deadline.
    assert!(!reference.requests().is_empty(), "{probe}");
    assert_eq!(probe["connectivity"]["online"], false, "{probe}");
    assert_eq!(
        probe["connectivity"]["public_dns"]["resolved"],
        Value::Null,
        "{probe}"
    );
    assert!(!resolver.requests().is_empty(), "{probe}");
    assert!(probe["status_page"]["error"].is_string(), "{probe}");
    gate.open();
}

#[test]
fn a_probe_silent_until_its_deadline_has_its_connection_checked_by_then() {
    let reference = TestServer::start();
    reference.route("/204", Reply::new(204));
    let config = format!(
        "[connectivity]\nreferences = [\"{}\"]\ndns = []\n",
        reference.url("/204")
    );
    let (code, probe, took) = timed(
        &config,
        &[
            "-t",
            "1s",
            "--test-dns=chatgpt.example=hang",
            "https://chatgpt.example/",
        ],
    );
    assert!(took < Duration::from_secs(1) + BOUND, "took {took:?}");
    // The references were asked while the lookup hung: by the deadline, the connection is
    // known to work, and only this machine's resolver is left to blame.
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["connectivity"]["online"], true, "{probe}");
    assert_eq!(
        probe["reason"],
        "no answer within 1 s: the DNS lookup of chatgpt.example did not finish; your DNS \
         resolver failed and no public DNS resolver was asked, so nothing shows whether \
         chatgpt.example resolves for anyone else"
    );
    assert_eq!(reference.requests().len(), 1);
}

#[test]
fn an_answer_before_the_mark_asks_nothing_of_the_references() {
    let (server, reference) = (TestServer::start(), TestServer::start());
    reference.route("/204", Reply::new(204));
    let config = format!(
        "[connectivity]\nreferences = [\"{}\"]\ndns = []\n",
        reference.url("/204")
    );
    let target = format!("http://chatgpt.example:{}/", server.port());
    let pin = format!("chatgpt.example:{}:127.0.0.1", server.port());
    let (code, probe, _) = timed(&config, &["-t", "2s", "--resolve", &pin, &target]);
    assert_eq!(code, 0, "{probe}");
    assert!(probe["connectivity"].is_null(), "{probe}");
    assert!(reference.requests().is_empty());
}
