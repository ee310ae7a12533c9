//! `--from` against a fake that behaves as Globalping does: the measurement's timeout and its
//! end, redirects the probes do not follow, names they refuse, their resolvers failing, walls,
//! the API's validation, its private ranges, its refusals, and measuring again on the same
//! probes.

use std::time::{Duration, Instant};

use crate::support::elsewhere::{config, one_probe, reason, run_json, target, NAME};
use crate::support::globalping::{FakeGlobalping, Mode, Outcome};
use crate::support::{isitdown_with_config, json_lines, Reply, TestServer};
use serde_json::{json, Value};

fn notes(probe: &Value) -> Vec<String> {
    probe["elsewhere"]["notes"]
        .as_array()
        .map(|notes| {
            notes
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_hanging_target_gets_a_verdict_from_elsewhere_after_its_timeout() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Hangs, Outcome::Hangs, Outcome::Status(200)]);
    let (url, pin) = target(&server, "/status/503");
    let started = Instant::now();
    // Without a timeout the fake, as the API, reports a hanging target only after 15 s: past
    // the probe's 1 s plus the 5 s isitdown used to wait.
    let (code, lines, _) = run_json(&fake, &["-t", "1s", "--resolve", &pin, &url], "world:3");
    assert!(started.elapsed() >= Duration::from_secs(5));
    assert_eq!(code, 2);
    let probe = &lines[0];
    let elsewhere = &probe["elsewhere"];
    assert_eq!(
        fake.created()[0]["timeout"],
        5,
        "the probe's timeout, at least 5 s"
    );
    assert_eq!(
        (&elsewhere["down"], &elsewhere["up"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(elsewhere["places"][0]["error"]["kind"], "timeout");
    assert_eq!(elsewhere["places"][0]["failure_source"], "target");
    assert!(!reason(probe).contains("in time"), "{probe}");
    assert!(
        reason(probe).contains("also down from 2 of 3 places elsewhere"),
        "{probe}"
    );
}

#[test]
fn places_that_never_report_are_ended_by_the_measurement() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Unreported; 2]);
    let (url, pin) = target(&server, "/");
    let (_, lines, _) = run_json(&fake, &["-t", "1s", "--resolve", &pin, &url], "world:2");
    let probe = &lines[0];
    assert_eq!(probe["elsewhere"]["state"], "unknown");
    assert!(
        notes(probe)
            .iter()
            .any(|n| n.contains("the measurement timed out")),
        "{probe}"
    );
    assert!(!reason(probe).contains("in time"), "{probe}");
}

#[test]
fn a_redirect_is_followed_to_where_the_probe_from_here_ended() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let port = server.port();
    let login = format!("http://{NAME}:{port}/login");
    server.route("/", Reply::new(302).header("location", &login));
    server.route("/login", Reply::new(503));
    fake.set_places(vec![Outcome::Redirect(302, login.clone()); 3]);
    fake.set_places_for(&format!("{NAME}/login"), vec![Outcome::Status(503); 3]);
    let (code, probe) = one_probe(&fake, &server, "/", "world:3");
    assert_eq!(code, 2);
    let elsewhere = &probe["elsewhere"];
    assert_eq!(elsewhere["measured_url"], login.as_str());
    assert_eq!(elsewhere["down"], 3, "{probe}");
    assert!(
        reason(&probe).ends_with("also down from 3 of 3 places elsewhere: down for everyone"),
        "{probe}"
    );
    let created = fake.created();
    assert_eq!(created.len(), 2);
    assert_eq!(
        created[1]["measurementOptions"]["request"]["path"],
        "/login"
    );
    assert!(
        created[1]["locations"].is_string(),
        "on the same probes: {created:?}"
    );
    // Picked for this very question: not told as a measurement made again.
    assert!(
        !notes(&probe)
            .iter()
            .any(|n| n.contains("probes of measurement")),
        "{probe}"
    );
    // A person is told which URL was measured there.
    let (url, pin) = target(&server, "/");
    let human = isitdown_with_config(&config(&fake))
        .args([
            "--color",
            "never",
            "--from",
            "world:3",
            "--resolve",
            &pin,
            &url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!("measured elsewhere at {login}")),
        "{text}"
    );
}

#[test]
fn a_redirect_alone_is_not_counted_as_up() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::Redirect(
            301,
            "https://www.example.com/".into()
        );
        2
    ]);
    let (code, probe) = one_probe(&fake, &server, "/status/503", "world:2");
    assert_eq!(code, 2);
    assert_eq!(probe["elsewhere"]["state"], "unknown", "{probe}");
    assert!(!reason(&probe).contains("but up from"), "{probe}");
    assert!(
        reason(&probe).contains("do not follow redirects"),
        "{probe}"
    );
}

#[test]
fn names_that_resolve_to_private_addresses_are_refused_there_not_down() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::PrivateIp; 3]);
    let (code, probe) = one_probe(&fake, &server, "/status/503", "world:3");
    assert_eq!(code, 2);
    assert_eq!(probe["elsewhere"]["state"], "unknown");
    assert_eq!(probe["elsewhere"]["down"], 0);
    assert!(
        reason(&probe).contains("probes elsewhere refuse names that resolve to private addresses"),
        "{probe}"
    );
}

#[test]
fn resolvers_failing_everywhere_point_at_the_names_own_dns() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::ResolverFails; 3]);
    let (_, probe) = one_probe(&fake, &server, "/status/503", "world:3");
    assert_eq!(probe["elsewhere"]["state"], "unknown");
    assert_eq!(
        probe["elsewhere"]["places"][0]["failure_source"],
        "resolver"
    );
    assert!(
        reason(&probe)
            .contains("their resolvers could not resolve it: the name's own DNS may be failing"),
        "{probe}"
    );
}

#[test]
fn walls_elsewhere_are_judged_as_from_here() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::Answer(
            403,
            json!({"cf-mitigated": "challenge", "server": "cloudflare"}),
            None,
        ),
        Outcome::Answer(
            503,
            json!({"content-type": "text/html", "server": "cloudflare"}),
            Some("<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>".into()),
        ),
    ]);
    let (_, probe) = one_probe(&fake, &server, "/", "world:2");
    let elsewhere = &probe["elsewhere"];
    assert_eq!(elsewhere["up"], 0, "a wall is not the service: {probe}");
    assert_eq!(elsewhere["down"], 0, "nor its failure: {probe}");
    assert_eq!(elsewhere["unknown"], 2, "{probe}");
    for place in elsewhere["places"].as_array().unwrap() {
        let said = place["reason"].as_str().unwrap_or_default().to_lowercase();
        assert!(said.contains("cloudflare"), "{place}");
    }
}

#[test]
fn a_url_ending_in_a_question_mark_sends_no_query() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    server.route("/search", Reply::new(200));
    let (code, probe) = one_probe(&fake, &server, "/search?", "world:1");
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["elsewhere"]["error"], Value::Null, "{probe}");
    let sent = &fake.created()[0];
    assert!(
        sent["measurementOptions"]["request"].get("query").is_none(),
        "{sent}"
    );
}

#[test]
fn ipv4_and_ipv6_only_are_forwarded_for_names() {
    for (flag, version) in [("-4", 4), ("-6", 6)] {
        let (fake, server) = (FakeGlobalping::start(), TestServer::start());
        let (url, pin) = target(&server, "/");
        let _ = run_json(&fake, &[flag, "--resolve", &pin, &url], "world:1");
        let sent = &fake.created()[0];
        assert_eq!(
            sent["measurementOptions"]["ipVersion"], version,
            "{flag}: {sent}"
        );
    }
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (url, pin) = target(&server, "/");
    let _ = run_json(&fake, &["--resolve", &pin, &url], "world:1");
    assert!(fake.created()[0]["measurementOptions"]
        .get("ipVersion")
        .is_none());
}

#[test]
fn a_documentation_address_is_never_sent() {
    let (fake, proxy) = (FakeGlobalping::start(), TestServer::start());
    // The probe from here goes through a proxy on this machine: nothing leaves it.
    let output = isitdown_with_config(&config(&fake))
        .env("HTTP_PROXY", proxy.url(""))
        .args(["--json", "--from", "world", "http://192.0.2.10/"])
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("192.0.2.10 is a documentation address"),
        "{probe}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn a_refusal_blames_the_token_only_when_one_was_sent_and_refused() {
    let server = TestServer::start();
    let blocked = FakeGlobalping::start();
    blocked.set_mode(Mode::Blocked);
    let (_, probe) = one_probe(&blocked, &server, "/", "world:1");
    let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("refuses requests from this address or client"),
        "{error}"
    );
    assert!(!error.contains("token"), "{error}");

    let picky = FakeGlobalping::start();
    picky.set_mode(Mode::RefusesTokens);
    let (url, pin) = target(&server, "/");
    let with_token = format!("{}token = \"gp-wrong-token\"\n", config(&picky));
    let output = isitdown_with_config(&with_token)
        .args(["--json", "--from", "world:1", "--resolve", &pin, &url])
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("did not accept the token (401)"), "{error}");
    // Without a token the same API measures.
    let (_, probe) = one_probe(&picky, &server, "/", "world:1");
    assert_eq!(probe["elsewhere"]["error"], Value::Null, "{probe}");
}

/// `-n 3` against a target that changes at every probe, measured again at once.
fn three_changes(fake: &FakeGlobalping, server: &TestServer) -> Vec<Value> {
    server.route_each(
        "/flap",
        vec![Reply::new(503), Reply::new(200), Reply::new(503)],
    );
    let (url, pin) = target(server, "/flap");
    let args = [
        "-n",
        "3",
        "-i",
        "0s",
        "--test-globalping-interval",
        "0s",
        "--resolve",
        &pin,
        &url,
    ];
    let (_, lines, stderr) = run_json(fake, &args, "world:2");
    let probes: Vec<Value> = lines.into_iter().filter(|l| l["type"] == "probe").collect();
    assert_eq!(probes.len(), 3, "{stderr}");
    probes
}

#[test]
fn repeated_runs_measure_again_on_the_same_probes() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let probes = three_changes(&fake, &server);
    let created = fake.created();
    assert_eq!(created.len(), 3, "{created:?}");
    assert!(created[0]["locations"].is_array());
    let first = probes[0]["elsewhere"]["measurement"].as_str().unwrap();
    assert_eq!(
        created[1]["locations"], first,
        "the first measurement's probes"
    );
    assert!(created[2]["locations"].is_string());
    assert!(
        notes(&probes[1])
            .iter()
            .any(|n| n.contains(&format!("probes of measurement {first}"))),
        "{}",
        probes[1]
    );
    let cities = |probe: &Value| -> Vec<Value> {
        let mut cities: Vec<Value> = probe["elsewhere"]["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["city"].clone())
            .collect();
        cities.sort_by_key(|c| c.to_string());
        cities
    };
    assert_eq!(cities(&probes[0]), cities(&probes[1]));
}

#[test]
fn probes_globalping_forgot_are_replaced_and_said_so() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_forgetful();
    let probes = three_changes(&fake, &server);
    let created = fake.created();
    assert!(created[1]["locations"].is_string());
    assert!(
        created[2]["locations"].is_array(),
        "fresh probes: {created:?}"
    );
    assert_eq!(
        probes[1]["elsewhere"]["error"],
        Value::Null,
        "{}",
        probes[1]
    );
    assert!(
        notes(&probes[1])
            .iter()
            .any(|n| n.contains("no longer knows it")),
        "{}",
        probes[1]
    );
}

#[test]
fn a_private_ca_cannot_be_checked_elsewhere_and_is_not_down_there() {
    use crate::support::TestCert;
    let fake = FakeGlobalping::start();
    let cert = TestCert::signed_by_test_ca(&[NAME], 90);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    fake.set_places(vec![Outcome::Untrusted; 2]);
    let url = format!("https://{NAME}:{}/", server.port());
    let pin = format!("{NAME}:{}:127.0.0.1", server.port());
    let ca = ca.to_str().unwrap();
    let (code, lines, stderr) =
        run_json(&fake, &["--cacert", ca, "--resolve", &pin, &url], "world:2");
    assert_eq!(code, 0, "{stderr} {lines:?}");
    let probe = &lines[0];
    assert_eq!(probe["elsewhere"]["up"], 2, "{probe}");
    assert!(
        notes(probe)
            .iter()
            .any(|n| n.contains("a private CA (--cacert) cannot be checked elsewhere")),
        "{probe}"
    );
    // With -k a certificate is no failure there either, as from here.
    let (_, lines, _) = run_json(&fake, &["-k", "--resolve", &pin, &url], "world:2");
    assert_eq!(lines[0]["elsewhere"]["up"], 2, "-k: {}", lines[0]);
}

#[test]
fn cert_warn_applies_to_the_certificate_seen_elsewhere() {
    use crate::support::globalping::Patch;
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let soon = std::time::SystemTime::now() + Duration::from_secs(3 * 86_400);
    let soon = humantime::format_rfc3339_seconds(soon).to_string();
    fake.set_patch(Patch {
        probe: None,
        result: Some(json!({"tls": {"authorized": true, "expiresAt": soon}})),
    });
    let (_, probe) = one_probe(&fake, &server, "/", "world:1");
    assert_eq!(probe["elsewhere"]["degraded"], 1, "{probe}");
    let place = &probe["elsewhere"]["places"][0]["reason"];
    assert!(
        place.as_str().unwrap().contains("certificate expires in"),
        "{place}"
    );
    let (url, pin) = target(&server, "/");
    let (_, lines, _) = run_json(
        &fake,
        &["--cert-warn", "1d", "--resolve", &pin, &url],
        "world:1",
    );
    assert_eq!(lines[0]["elsewhere"]["up"], 1, "{}", lines[0]);
}

#[test]
fn answers_come_compressed_and_stay_bounded_once_decompressed() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (code, probe) = one_probe(&fake, &server, "/", "world:1");
    assert_eq!((code, &probe["elsewhere"]["up"]), (0, &json!(1)), "{probe}");
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.header("accept-encoding") == Some("gzip")));
    // A few kilobytes on the wire that grow to 5 MiB are read no further than the limit.
    fake.set_padding(5 * 1024 * 1024);
    let (_, probe) = one_probe(&fake, &server, "/", "world:1");
    let error = probe["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than the 4 MiB accepted"), "{probe}");
    // The target itself is asked for no compression.
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("accept-encoding").is_none()));
}

#[test]
fn verbose_shows_each_places_address_and_failure_source() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(200), Outcome::Refused]);
    let (url, pin) = target(&server, "/");
    let run = |verbose: bool| {
        let output = isitdown_with_config(&config(&fake))
            .args([
                "--color",
                "never",
                "--from",
                "world:2",
                "--resolve",
                &pin,
                &url,
            ])
            .args(verbose.then_some("-v"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let verbose = run(true);
    assert!(verbose.contains("address 192.0.2.10"), "{verbose}");
    assert!(verbose.contains("failure source target"), "{verbose}");
    let plain = run(false);
    assert!(!plain.contains("failure source"), "{plain}");
}
