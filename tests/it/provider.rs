//! Everyone, or just me? The provider's status page, bot walls, and the user's own connection.

use std::time::{Duration, Instant};

use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A service whose probe and Statuspage-style page are both on `server`.
fn service_config(server: &TestServer, probe_path: &str, components: &[&str]) -> String {
    format!(
        "[services.svc]\nname = \"Service\"\nurl = \"{}\"\nstatus_page = \"{}\"\ncomponents = {:?}\n",
        server.url(probe_path),
        server.url(""),
        components
    )
}

fn serve_page(server: &TestServer, body: &str) {
    server.route("/api/v2/summary.json", Reply::json(200, body));
}

fn probe_service(config: &str, extra: &[&str]) -> (i32, Value) {
    probe_json(isitdown_with_config(config).args(extra).arg("svc"))
}

#[test]
fn a_healthy_service_with_a_calm_page_is_up() {
    let server = TestServer::start();
    serve_page(&server, &fixture("incidentio-calm.json"));
    let (code, probe) = probe_service(&service_config(&server, "/", &[]), &[]);
    assert_eq!(code, 0, "{probe}");
    let page = &probe["status_page"];
    assert_eq!(page["url"], server.url(""));
    assert_eq!(page["indicator"], "none");
    assert_eq!(page["description"], "All Systems Operational");
    assert_eq!(page["incidents"], serde_json::json!([]));
    assert_eq!(page["components"], serde_json::json!([]));
    assert!(page["error"].is_null());
    assert!(probe["connectivity"].is_null());
}

#[test]
fn an_open_incident_makes_a_healthy_probe_degraded() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-major-outage.json"));
    let config = service_config(&server, "/", &[]);
    let (code, probe) = probe_service(&config, &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(probe["state"], "degraded");
    let page = &probe["status_page"];
    assert_eq!(page["indicator"], "major");
    assert_eq!(page["description"], "Partial System Outage");
    let incident = &page["incidents"][0];
    assert_eq!(incident["name"], "Web and API unavailable");
    assert_eq!(incident["impact"], "major");
    assert_eq!(incident["status"], "investigating");
    assert_eq!(
        incident["started_at"], "2026-11-20T17:38:02.301Z",
        "offsets are turned into UTC"
    );
    assert_eq!(incident["url"], "https://stspg.io/exmpl1");
    assert_eq!(
        page["components"].as_array().unwrap().len(),
        4,
        "all components when none are named"
    );
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("Example Cloud reports: Web and API unavailable"));

    isitdown_with_config(&config)
        .arg("svc")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("DEGRADED")
                .and(predicate::str::contains("Example Cloud reports:"))
                .and(predicate::str::contains(
                    "Web and API unavailable (major, since 2026-11-20 17:38 UTC",
                ))
                .and(predicate::str::contains("https://stspg.io/exmpl1")),
        );
}

#[test]
fn repeated_probes_tell_the_page_once_while_it_says_the_same() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-major-outage.json"));
    let config = service_config(&server, "/", &[]);
    let out = isitdown_with_config(&config)
        .args(["-n", "3", "-i", "0", "svc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let probes = text.lines().filter(|l| l.starts_with('#')).count();
    assert_eq!(probes, 3, "{text}");
    assert_eq!(
        text.matches("Example Cloud reports 1 open incident")
            .count(),
        1,
        "the page's lines once, under the first probe: {text}"
    );
    assert_eq!(text.matches("https://stspg.io/exmpl1").count(), 1, "{text}");
}

#[test]
fn a_down_probe_stays_down_whatever_the_page_says() {
    let server = TestServer::start();
    serve_page(&server, &fixture("incidentio-calm.json"));
    let (code, probe) = probe_service(&service_config(&server, "/status/503", &[]), &[]);
    assert_eq!((code, probe["state"].as_str()), (2, Some("down")));
    let troubled = TestServer::start();
    serve_page(&troubled, &fixture("statuspage-major-outage.json"));
    let (code, _) = probe_service(&service_config(&troubled, "/status/503", &[]), &[]);
    assert_eq!(code, 2);
}

#[test]
fn components_are_matched_by_name_with_their_groups() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-degraded-groups.json"));
    let (code, probe) = probe_service(&service_config(&server, "/", &["messaging"]), &[]);
    assert_eq!(code, 1, "{probe}");
    let names: Vec<&str> = probe["status_page"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["MESSAGING", "SMS Delivery", "MMS Delivery"]);
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "SMS delivery delays to some carriers"
    );
    assert_eq!(
        probe["status_page"]["incidents"].as_array().unwrap().len(),
        1,
        "scheduled maintenance is not open"
    );

    // The voice service is fine: the page's own indicator speaks for the whole page, not for it.
    let (code, probe) = probe_service(&service_config(&server, "/", &["VOICE"]), &[]);
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["status_page"]["incidents"], serde_json::json!([]));
    assert_eq!(
        probe["status_page"]["indicator"], "minor",
        "the indicator is as published"
    );
}

#[test]
fn maintenance_in_progress_is_reported_and_degrades() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-maintenance.json"));
    let (code, probe) = probe_service(&service_config(&server, "/", &["Brokers"]), &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "Broker upgrades"
    );
    assert_eq!(
        probe["status_page"]["incidents"][0]["impact"],
        "maintenance"
    );
    assert_eq!(
        probe["status_page"]["components"][0]["status"],
        "under_maintenance"
    );
    let (code, _) = probe_service(&service_config(&server, "/", &["Console"]), &[]);
    assert_eq!(code, 0, "the console is not under maintenance");
}

#[test]
fn an_open_incident_counts_even_when_the_indicator_says_none() {
    let server = TestServer::start();
    serve_page(
        &server,
        &fixture("statuspage-indicator-none-open-incident.json"),
    );
    let (code, probe) = probe_service(&service_config(&server, "/", &[]), &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(probe["status_page"]["indicator"], "none");
    assert_eq!(probe["status_page"]["incidents"][0]["impact"], "minor");
}

#[test]
fn services_sharing_a_page_are_judged_by_their_own_components_and_it_is_read_once() {
    let server = TestServer::start();
    // The page's one incident names no component, as on incident.io pages: it cannot be tied
    // to the API, whose own component is operational.
    serve_page(&server, &fixture("incidentio-nulls.json"));
    let config = format!(
        "[services.chat]\nurl = \"{url}\"\nstatus_page = \"{page}\"\ncomponents = [\"Conversations\", \"Login\"]\n\
         [services.api]\nurl = \"{url}\"\nstatus_page = \"{page}\"\ncomponents = [\"Chat Completions\"]\n",
        url = server.url("/"),
        page = server.url("")
    );
    let output = isitdown_with_config(&config)
        .args(["--json", "chat", "api"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(lines[0]["state"], "degraded", "{}", lines[0]);
    let statuses: Vec<&str> = lines[0]["status_page"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["full_outage", "operational", "operational"],
        "both Login components"
    );
    assert_eq!(lines[1]["state"], "up", "{}", lines[1]);
    assert_eq!(lines[1]["status_page"]["incidents"], serde_json::json!([]));
    assert_eq!(output.status.code(), Some(1));
    let page_reads = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v2/summary.json")
        .count();
    assert_eq!(page_reads, 1, "one page, read once");
    let human = isitdown_with_config(&config)
        .args(["--color", "never", "api"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("Example AI reports: Chat Completions operational"),
        "{human}"
    );
    assert!(
        !human.contains("Partial outage"),
        "the page's overall word is about another service: {human}"
    );
}

#[test]
fn incident_io_nulls_and_full_outage_are_understood() {
    let server = TestServer::start();
    serve_page(&server, &fixture("incidentio-nulls.json"));
    let (code, probe) = probe_service(&service_config(&server, "/", &["Conversations"]), &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "Elevated error rates in conversations"
    );
    assert!(probe["status_page"]["incidents"][0]["url"].is_null());
    assert_eq!(
        probe["status_page"]["incidents"][0]["started_at"],
        "2026-11-20T09:13:00.000Z"
    );
}

#[test]
fn an_unreadable_page_never_changes_the_verdict() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::html(200, "<html><body>Status</body></html>"),
            "not JSON",
        ),
        (
            Reply::json(200, "{\"status\": {\"indicator\": "),
            "not valid JSON",
        ),
        (Reply::json(404, "{}"), "answered 404"),
        (Reply::json(200, "[1, 2, 3]"), "expected format"),
    ];
    for (reply, says) in cases {
        let server = TestServer::start();
        server.route("/api/v2/summary.json", reply);
        let (code, probe) = probe_service(&service_config(&server, "/", &[]), &[]);
        assert_eq!(code, 0, "{probe}");
        let error = probe["status_page"]["error"].as_str().unwrap_or_default();
        assert!(error.contains(says), "{says}: {probe}");
        let (code, _) = probe_service(&service_config(&server, "/status/503", &[]), &[]);
        assert_eq!(code, 2);
    }
}

#[test]
fn a_slow_page_is_given_up_on_within_the_deadline() {
    let server = TestServer::start();
    server.route(
        "/api/v2/summary.json",
        Reply::json(200, &fixture("statuspage-major-outage.json")).delay(Duration::from_secs(20)),
    );
    let started = Instant::now();
    let (code, probe) = probe_service(&service_config(&server, "/", &[]), &["--timeout", "1s"]);
    assert!(
        started.elapsed() < Duration::from_secs(1) + SLACK,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 0, "{probe}");
    assert!(
        probe["status_page"]["error"]
            .as_str()
            .unwrap()
            .contains("no answer within"),
        "{probe}"
    );
}

#[test]
fn page_text_cannot_drive_the_terminal() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-control-sequences.json"));
    let config = service_config(&server, "/", &[]);
    let output = isitdown_with_config(&config)
        .args(["--color", "never", "svc"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Clears your screen"), "{stdout}");
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    let (_, probe) = probe_service(&config, &[]);
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"], "Clears your screen\u{fffd}[2J\u{fffd}[H now",
        "JSON keeps the words without the escape sequence: jq -r prints it raw"
    );
}

#[test]
fn no_status_page_skips_it() {
    let server = TestServer::start();
    serve_page(&server, &fixture("statuspage-major-outage.json"));
    let (code, probe) = probe_service(&service_config(&server, "/", &[]), &["--no-status-page"]);
    assert_eq!(code, 0);
    assert!(probe["status_page"].is_null());
    assert!(server
        .requests()
        .iter()
        .all(|r| r.path != "/api/v2/summary.json"));
}

#[test]
fn a_bot_wall_leaves_the_verdict_to_the_status_page() {
    let cases = [
        (Some("incidentio-calm.json"), 0, "up"),
        (Some("statuspage-degraded-groups.json"), 1, "degraded"),
        (Some("statuspage-major-outage.json"), 2, "down"),
        (None, 3, "unknown"),
    ];
    for (page, code, state) in cases {
        let server = TestServer::start();
        let config = match page {
            Some(page) => {
                serve_page(&server, &fixture(page));
                service_config(&server, "/cf-challenge", &[])
            }
            None => format!(
                "[services.svc]\nurl = \"{}\"\n",
                server.url("/cf-challenge")
            ),
        };
        let (got, probe) = probe_service(&config, &[]);
        assert_eq!(
            (got, probe["state"].as_str()),
            (code, Some(state)),
            "{page:?}: {probe}"
        );
        assert_eq!(probe["error"]["kind"], "blocked");
        assert_eq!(probe["http"]["status"], 403);
    }
}

#[test]
fn a_challenge_page_without_the_header_is_a_bot_wall_too() {
    let server = TestServer::start();
    server.route(
        "/wall",
        Reply::html(
            503,
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
        ),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/wall")));
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "blocked");
    assert!(probe["reason"].as_str().unwrap().contains("no status page"));
}

#[test]
fn other_status_page_formats_are_read_behind_the_same_interface() {
    struct Case {
        format: &'static str,
        path: &'static str,
        fixture: &'static str,
        content_type: &'static str,
        components: &'static [&'static str],
        product: Option<&'static str>,
        code: i32,
        incident: Option<&'static str>,
    }
    let cases = [
        Case {
            format: "slack",
            path: "/api/v2.0.0/current",
            fixture: "slack-active.json",
            content_type: "application/json",
            components: &["Messaging"],
            product: None,
            code: 1,
            incident: Some("Messages are slow to send"),
        },
        Case {
            format: "slack",
            path: "/api/v2.0.0/current",
            fixture: "slack-active.json",
            content_type: "application/json",
            components: &["Huddles"],
            product: None,
            code: 0,
            incident: None,
        },
        Case {
            format: "heroku",
            path: "/api/v4/current-status",
            fixture: "heroku-incident.json",
            content_type: "application/json; charset=utf-8",
            components: &[],
            product: None,
            code: 1,
            incident: Some("Router timeouts for some apps"),
        },
        Case {
            format: "statusio",
            path: "/1.0/status/page",
            fixture: "statusio-partial.json",
            content_type: "application/json",
            components: &["Automated Builds"],
            product: None,
            code: 1,
            incident: Some("Automated builds stuck"),
        },
        Case {
            format: "statusio",
            path: "/1.0/status/page",
            fixture: "statusio-partial.json",
            content_type: "application/json",
            components: &["Registry"],
            product: None,
            code: 0,
            incident: None,
        },
        Case {
            format: "betterstack",
            path: "/index.json",
            fixture: "betterstack-degraded.json",
            content_type: "application/vnd.api+json",
            components: &["Model Hub"],
            product: None,
            code: 1,
            incident: Some("Slow downloads from the hub"),
        },
        Case {
            format: "instatus",
            path: "/summary.json",
            fixture: "instatus-issues.json",
            content_type: "application/json; charset=utf-8",
            components: &[],
            product: None,
            code: 1,
            incident: Some("Deploys stuck in the build queue"),
        },
        Case {
            format: "google-workspace",
            path: "/incidents.json",
            fixture: "google-incidents.json",
            content_type: "application/json",
            components: &[],
            product: Some("Gmail"),
            code: 1,
            incident: Some("Some users see delayed mail delivery"),
        },
        Case {
            format: "google-cloud",
            path: "/incidents.json",
            fixture: "google-incidents.json",
            content_type: "application/json",
            components: &[],
            product: Some("BigQuery"),
            code: 0,
            incident: None,
        },
    ];
    for case in cases {
        let server = TestServer::start();
        server.route(
            case.path,
            Reply::new(200)
                .header("Content-Type", case.content_type)
                .body(fixture(case.fixture)),
        );
        let mut config = format!(
            "[services.svc]\nurl = \"{}\"\nstatus_page = \"{}\"\nstatus_format = \"{}\"\nstatus_api = \"{}\"\ncomponents = {:?}\n",
            server.url("/"),
            server.url(""),
            case.format,
            server.url(case.path),
            case.components
        );
        if let Some(product) = case.product {
            config.push_str(&format!("product = \"{product}\"\n"));
        }
        let (code, probe) = probe_service(&config, &[]);
        assert_eq!(code, case.code, "{} {}: {probe}", case.format, case.fixture);
        assert!(probe["status_page"]["error"].is_null(), "{probe}");
        match case.incident {
            Some(name) => assert_eq!(probe["status_page"]["incidents"][0]["name"], name),
            None => assert_eq!(probe["status_page"]["incidents"], serde_json::json!([])),
        }
    }
}

#[test]
fn a_utf16_page_is_decoded() {
    let server = TestServer::start();
    let text = fixture("aws-currentevents.json");
    let mut body = vec![0xff, 0xfe];
    body.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    server.route(
        "/public/currentevents",
        Reply::new(200)
            .header("Content-Type", "application/json;charset=utf-16")
            .body(body),
    );
    let config = format!(
        "[services.svc]\nurl = \"{}\"\nstatus_page = \"{}\"\nstatus_format = \"aws\"\nstatus_api = \"{}\"\nproduct = \"us-east-1\"\n",
        server.url("/"),
        server.url(""),
        server.url("/public/currentevents")
    );
    let (code, probe) = probe_service(&config, &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(
        probe["status_page"]["incidents"][0]["name"],
        "Amazon Elastic Compute Cloud: Increased API error rates"
    );
}

/// A public name that cannot resolve, without asking any DNS server: its 64-letter label is
/// longer than DNS allows.
fn unresolvable_public_url() -> String {
    format!("https://{}.example/", "a".repeat(64))
}

fn references_config(references: &[String]) -> String {
    let list: Vec<String> = references
        .iter()
        .map(|r| {
            if r.starts_with('{') {
                r.clone()
            } else {
                format!("\"{r}\"")
            }
        })
        .collect();
    format!("[connectivity]\nreferences = [{}]\n", list.join(", "))
}

#[test]
fn when_no_reference_answers_your_connection_seems_down() {
    let dead = "http://127.0.0.1:9/generate_204".to_string();
    let (code, probe) = probe_json(
        isitdown_with_config(&references_config(&[dead.clone(), dead]))
            .arg(unresolvable_public_url()),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["state"], "unknown");
    assert_eq!(probe["error"]["kind"], "dns");
    assert_eq!(
        probe["connectivity"],
        serde_json::json!({"online": false, "checked": 2, "ok": 0, "note": "your connection seems down", "public_dns": null})
    );
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("your connection seems down"));
}

#[test]
fn when_references_answer_wrongly_something_intercepts_traffic() {
    let portal = TestServer::start();
    portal.route(
        "/generate_204",
        Reply::new(302).header("Location", "http://login.portal.example/"),
    );
    portal.route(
        "/success.txt",
        Reply::html(200, "<html>Please log in</html>"),
    );
    let exact = format!(
        "{{ url = \"{}\", status = 200, body = \"success\" }}",
        portal.url("/success.txt")
    );
    let config = references_config(&[portal.url("/generate_204"), exact]);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg(unresolvable_public_url()));
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["connectivity"]["online"], false);
    assert_eq!(probe["connectivity"]["ok"], 0);
    assert_eq!(
        probe["connectivity"]["note"],
        "something on your network intercepts traffic (captive portal or proxy)"
    );
    assert_eq!(portal.requests().len(), 2, "no redirect was followed");
}

#[test]
fn when_one_reference_answers_right_it_is_not_just_you() {
    let reference = TestServer::start();
    reference.route("/generate_204", Reply::new(204));
    let exact = format!(
        "{{ url = \"{}\", status = 204, body = \"\" }}",
        reference.url("/generate_204")
    );
    let config = references_config(&["http://127.0.0.1:9/dead".to_string(), exact]);
    let target = unresolvable_public_url();
    let (code, probe) = probe_json(isitdown_with_config(&config).arg(&target));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["state"], "down");
    assert_eq!(probe["connectivity"]["online"], true);
    assert_eq!(probe["connectivity"]["ok"], 1);
    assert_eq!(probe["connectivity"]["checked"], 2);
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("it's not just you"));

    isitdown_with_config(&config)
        .arg(&target)
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("it's not just you")
                .and(predicate::str::contains("1 of 2 reference endpoints")),
        );
}

#[test]
fn references_are_asked_once_for_many_failing_targets() {
    let reference = TestServer::start();
    let config = references_config(&[reference.url("/")]);
    let targets: Vec<String> = (0..5)
        .map(|i| format!("https://{}{i}.example/", "b".repeat(64)))
        .collect();
    let output = isitdown_with_config(&config)
        .arg("--json")
        .args(&targets)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(json_lines(&output.stdout)
        .iter()
        .all(|p| p["connectivity"]["online"] == true));
    assert_eq!(reference.requests().len(), 1);
}

#[test]
fn local_targets_and_no_connectivity_check_skip_the_check() {
    let reference = TestServer::start();
    let config = references_config(&[reference.url("/")]);
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("http://127.0.0.1:9/"));
    assert_eq!(code, 2);
    assert!(
        probe["connectivity"].is_null(),
        "a loopback target says nothing about the connection"
    );
    let (code, probe) = probe_json(
        isitdown_with_config(&config)
            .arg("--no-connectivity-check")
            .arg(unresolvable_public_url()),
    );
    assert_eq!(code, 2);
    assert!(probe["connectivity"].is_null());
    assert!(reference.requests().is_empty());
}

#[test]
fn answers_that_are_not_network_failures_need_no_check() {
    let reference = TestServer::start();
    let server = TestServer::start();
    let config = format!(
        "{}[services.svc]\nurl = \"{}\"\n",
        references_config(&[reference.url("/")]),
        server.url("/status/503")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("svc"));
    assert_eq!(code, 2);
    assert!(probe["connectivity"].is_null());
    assert!(reference.requests().is_empty());
}

#[test]
fn a_challenge_is_recognised_while_looking_for_contains() {
    let server = TestServer::start();
    server.route(
        "/wall",
        Reply::html(
            503,
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
        ),
    );
    let (code, probe) = probe_json(
        isitdown()
            .args(["--contains", "ok"])
            .arg(server.url("/wall")),
    );
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "blocked");
}

#[test]
fn absurd_timestamps_on_a_page_are_no_timestamps() {
    let server = TestServer::start();
    serve_page(
        &server,
        r#"{"status": {"indicator": "minor"}, "incidents": [
            {"name": "Milliseconds", "status": "investigating", "started_at": 1772369485000},
            {"name": "Huge", "status": "investigating", "started_at": "18446744073709551615"},
            {"name": "Far future", "status": "investigating", "started_at": "9999-12-31T23:59:59-01:00"}]}"#,
    );
    let config = service_config(&server, "/", &[]);
    let (code, probe) = probe_service(&config, &[]);
    assert_eq!(code, 1, "{probe}");
    let incidents = probe["status_page"]["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 3);
    assert!(
        incidents.iter().all(|i| i["started_at"].is_null()),
        "{probe}"
    );
    isitdown_with_config(&config)
        .arg("svc")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Milliseconds"));
}

#[test]
fn the_pages_word_counts_when_none_of_the_named_components_is_on_it() {
    let server = TestServer::start();
    serve_page(
        &server,
        r#"{"page": {"name": "OpenAI"}, "status": {"indicator": "major", "description": "Partial outage"}, "components": null, "incidents": null}"#,
    );
    let (code, probe) = probe_service(&service_config(&server, "/", &["Conversations"]), &[]);
    assert_eq!(code, 1, "{probe}");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .contains("OpenAI reports: Partial outage"));
}

#[test]
fn passwords_in_service_urls_are_never_printed() {
    let server = TestServer::start();
    serve_page(&server, &fixture("incidentio-calm.json"));
    let config = format!(
        "[services.svc]\nurl = \"http://admin:hunter2@127.0.0.1:{port}/\"\nstatus_page = \"http://pager:s3cret@127.0.0.1:{port}\"\n",
        port = server.port()
    );
    for args in [
        &["--list"][..],
        &["--list", "--json"][..],
        &["--json", "svc"][..],
        &["-v", "svc"][..],
    ] {
        let output = isitdown_with_config(&config).args(args).output().unwrap();
        let all = String::from_utf8_lossy(&output.stdout);
        assert!(
            !all.contains("hunter2") && !all.contains("s3cret"),
            "{args:?}: {all}"
        );
    }
    let bad = "[services.svc]\nurl = \"https://admin:hunter2@bad host/\"\n";
    let output = isitdown_with_config(bad).arg("svc").output().unwrap();
    assert_eq!(output.status.code(), Some(64));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hunter2"));
}

#[test]
fn no_references_means_no_connectivity_check() {
    let (code, probe) = probe_json(
        isitdown_with_config("[connectivity]\nreferences = []\n").arg(unresolvable_public_url()),
    );
    assert_eq!(code, 2, "{probe}");
    assert!(probe["connectivity"].is_null());
}

#[test]
fn a_status_page_that_moved_is_followed() {
    let server = TestServer::start();
    server.route(
        "/api/v2/summary.json",
        Reply::new(301).header("Location", "/moved/summary.json"),
    );
    server.route(
        "/moved/summary.json",
        Reply::json(200, &fixture("statuspage-major-outage.json")),
    );
    let (code, probe) = probe_service(&service_config(&server, "/", &[]), &[]);
    assert_eq!(code, 1, "{probe}");
    assert_eq!(probe["status_page"]["indicator"], "major");
}

#[test]
fn the_first_right_reference_ends_the_check() {
    // The slow one answers right too, as soon as the fast one has: a check that waited for
    // every reference would count two right answers, not one.
    let reference = TestServer::start();
    let fast_answered = Gate::new();
    reference.route("/fast", Reply::new(204).opening(&fast_answered));
    reference.route("/slow", Reply::new(204).after(&fast_answered));
    let config = references_config(&[reference.url("/slow"), reference.url("/fast")]);
    let started = Instant::now();
    let (code, probe) = probe_json(isitdown_with_config(&config).arg(unresolvable_public_url()));
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["connectivity"]["online"], true);
    assert_eq!(
        (
            &probe["connectivity"]["checked"],
            &probe["connectivity"]["ok"]
        ),
        (&2.into(), &1.into()),
        "{probe}"
    );
    // Nor did it hold the answer for the whole 2 s deadline of the references.
    assert!(
        started.elapsed() < Duration::from_secs(2) + SLACK,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_status_page_and_the_connection_check_run_at_the_same_time() {
    // A failing public service whose page and reference are each answered only once both
    // have been asked: one after the other, the first would wait out its deadline.
    let server = TestServer::start();
    server.gather(2);
    server.route(
        "/api/v2/summary.json",
        Reply::json(200, &fixture("incidentio-calm.json")),
    );
    server.route("/generate_204", Reply::new(204));
    let config = format!(
        "[services.svc]\nname = \"Service\"\nurl = \"{}\"\nstatus_page = \"{}\"\n{}",
        unresolvable_public_url(),
        server.url(""),
        references_config(&[server.url("/generate_204")])
    );
    let (code, probe) = probe_service(&config, &[]);
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["connectivity"]["online"], true, "{probe}");
    assert_eq!(probe["status_page"]["indicator"], "none", "{probe}");
    assert!(server.most_in_flight() >= 2, "one after the other");
}
