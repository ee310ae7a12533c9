//! `--from near`: where this machine is (a fake whoami endpoint and a fake DNS-over-HTTPS
//! resolver answering Team Cymru's TXT records), places on its network, in its country and in
//! the world, and the level at which the target breaks, in every output format.

use crate::support::elsewhere::{target, NAME};
use crate::support::globalping::{FakeGlobalping, Outcome};
use crate::support::{isitdown_with_config, json_lines, Reply, TestServer};
use serde_json::{json, Value};

/// The address the fake whoami gives this machine, and Team Cymru's names for it.
const ADDRESS: &str = "151.20.3.4";
const ORIGIN: &str = "/dns-query?name=4.3.20.151.origin.asn.cymru.com&type=TXT";
const AS_NAME: &str = "/dns-query?name=AS3269.asn.cymru.com&type=TXT";

fn txt(status: u64, data: &str) -> Reply {
    let answer = match data {
        "" => json!([]),
        _ => json!([{"name": "x.", "type": 16, "TTL": 300, "data": format!("\"{data}\"")}]),
    };
    Reply::json(
        200,
        &json!({"Status": status, "Answer": answer}).to_string(),
    )
}

/// A server that is the whoami endpoint and the resolver. `asn_known`: whether the origin
/// lookup answers.
fn whereabouts(asn_known: bool) -> TestServer {
    let server = TestServer::start();
    server.route(
        "/cdn-cgi/trace",
        Reply::text(
            200,
            &format!("fl=1\nh=1.1.1.1\nip={ADDRESS}\nloc=IT\ntls=TLSv1.3\n"),
        ),
    );
    match asn_known {
        true => server.route(
            ORIGIN,
            txt(0, "3269 | 151.0.0.0/16 | IT | ripencc | 1998-05-12"),
        ),
        false => server.route(ORIGIN, txt(2, "")),
    }
    server.route(
        AS_NAME,
        txt(0, "3269 | IT | ripencc | 1993-09-01 | Telecom Italia, IT"),
    );
    server
}

fn config(fake: &FakeGlobalping, near: &TestServer) -> String {
    format!(
        "[connectivity]\nreferences = []\ndns = [\"{}\"]\n\n[globalping]\nurl = \"{}\"\nwhoami = \"{}\"\n",
        near.url("/dns-query"),
        fake.url(),
        near.url("/cdn-cgi/trace"),
    )
}

fn at(country: &str, asn: u32, network: &str, city: &str) -> Value {
    json!({"country": country, "asn": asn, "network": network, "city": city})
}

/// The places: on this network, elsewhere in Italy, elsewhere in the world.
fn places(fake: &FakeGlobalping, network: u16, country: u16, world: u16) {
    fake.set_places_at(
        "AS3269",
        vec![
            (
                at("IT", 3269, "Telecom Italia", "Milan"),
                Outcome::Status(network)
            );
            3
        ],
    );
    fake.set_places_at(
        "IT",
        vec![(at("IT", 12874, "Fastweb", "Rome"), Outcome::Status(country)); 3],
    );
    fake.set_places_at(
        "world",
        vec![
            (
                at("DE", 3320, "Deutsche Telekom AG", "Berlin"),
                Outcome::Status(world)
            );
            4
        ],
    );
}

/// Runs `--from near` on a target down here, in `format`: exit code and what it printed.
fn run(fake: &FakeGlobalping, near: &TestServer, format: &str) -> (i32, String) {
    let server = TestServer::start();
    let (url, pin) = target(&server, "/status/503");
    let output = isitdown_with_config(&config(fake, near))
        .args(["--format", format, "--color", "never", "--from", "near"])
        .args(["--resolve", &pin, &url])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{printed}");
    (output.status.code().unwrap_or(-1), printed)
}

fn near_json(fake: &FakeGlobalping, near: &TestServer) -> Value {
    let (code, printed) = run(fake, near, "json");
    assert_eq!(code, 2);
    json_lines(printed.as_bytes()).remove(0)
}

#[test]
fn down_on_your_network_only_is_your_network_in_every_format() {
    let (fake, near) = (FakeGlobalping::start(), whereabouts(true));
    places(&fake, 503, 200, 200);
    let probe = near_json(&fake, &near);
    let found = &probe["elsewhere"]["near"];
    assert_eq!(found["address"], ADDRESS);
    assert_eq!(found["country"], "IT");
    assert_eq!(found["asn"], 3269);
    assert_eq!(found["network"], "Telecom Italia");
    assert_eq!(found["level"], "network");
    assert_eq!(
        found["levels"],
        json!([
            {"level": "network", "asked": 3, "up": 0, "degraded": 0, "down": 3, "unknown": 0},
            {"level": "country", "asked": 3, "up": 3, "degraded": 0, "down": 0, "unknown": 0},
            {"level": "world", "asked": 4, "up": 4, "degraded": 0, "down": 0, "unknown": 0},
        ])
    );
    let said = probe["reason"].as_str().unwrap();
    assert!(
        said.contains("it is your network (AS3269 Telecom Italia), not "),
        "{said}"
    );
    assert_eq!(
        fake.created()[0]["locations"],
        json!([{"magic": "AS3269", "limit": 3}, {"magic": "IT", "limit": 3},
               {"magic": "world", "limit": 4}])
    );
    let (_, human) = run(&fake, &near, "human");
    assert!(
        human.contains("it is your network (AS3269 Telecom Italia)"),
        "{human}"
    );
    assert!(
        human.contains(&format!(
            "near you ({ADDRESS}, AS3269 Telecom Italia, Italy)"
        )),
        "{human}"
    );
    let (_, nagios) = run(&fake, &near, "nagios");
    assert!(nagios.contains("'near_level'=1;;;0;3"), "{nagios}");
    assert!(nagios.contains("it is your network"), "{nagios}");
    let (_, prometheus) = run(&fake, &near, "prometheus");
    assert!(
        prometheus
            .lines()
            .any(|l| l.starts_with("isitdown_elsewhere_near_level{")
                && l.contains("level=\"network\"")
                && l.ends_with("} 1")),
        "{prometheus}"
    );
    // This machine's address went to the whoami endpoint and, reversed, to the resolver.
    let asked: Vec<String> = near.requests().iter().map(|r| r.path.clone()).collect();
    assert!(asked.iter().any(|p| p == ORIGIN), "{asked:?}");
}

#[test]
fn down_across_your_country_is_a_regional_outage() {
    let (fake, near) = (FakeGlobalping::start(), whereabouts(true));
    places(&fake, 503, 503, 200);
    let probe = near_json(&fake, &near);
    assert_eq!(probe["elsewhere"]["near"]["level"], "country");
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .contains("a regional outage (Italy)"),
        "{probe}"
    );
    let (_, human) = run(&fake, &near, "human");
    assert!(human.contains("a regional outage (Italy)"), "{human}");
    let (_, nagios) = run(&fake, &near, "nagios");
    assert!(nagios.contains("'near_level'=2;;;0;3"), "{nagios}");
}

#[test]
fn down_everywhere_is_down_for_everyone() {
    let (fake, near) = (FakeGlobalping::start(), whereabouts(true));
    places(&fake, 503, 503, 503);
    let probe = near_json(&fake, &near);
    assert_eq!(probe["elsewhere"]["near"]["level"], "world");
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .contains("down for everyone"),
        "{probe}"
    );
    let (_, prometheus) = run(&fake, &near, "prometheus");
    assert!(prometheus.contains("level=\"world\"} 1"), "{prometheus}");
}

#[test]
fn up_from_your_network_is_just_this_machine() {
    let (fake, near) = (FakeGlobalping::start(), whereabouts(true));
    places(&fake, 200, 200, 200);
    let probe = near_json(&fake, &near);
    assert_eq!(probe["elsewhere"]["near"]["level"], "machine");
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .contains("just this machine"),
        "{probe}"
    );
}

#[test]
fn without_the_network_it_says_so_and_asks_the_country_and_the_world() {
    let (fake, near) = (FakeGlobalping::start(), whereabouts(false));
    places(&fake, 503, 503, 200);
    let probe = near_json(&fake, &near);
    let found = &probe["elsewhere"]["near"];
    assert_eq!(found["asn"], Value::Null);
    assert_eq!(found["level"], "country", "{probe}");
    let levels: Vec<&Value> = found["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["level"])
        .collect();
    assert_eq!(levels, [&json!("country"), &json!("world")]);
    assert_eq!(
        fake.created()[0]["locations"],
        json!([{"magic": "IT", "limit": 3}, {"magic": "world", "limit": 4}])
    );
    let notes = probe["elsewhere"]["notes"].to_string();
    assert!(
        notes.contains("its network (ASN) could not be learnt"),
        "{notes}"
    );
    assert!(notes.contains("SERVFAIL"), "{notes}");
    let (_, human) = run(&fake, &near, "human");
    assert!(
        human.contains("its network (ASN) could not be learnt"),
        "{human}"
    );
}

#[test]
fn without_a_whoami_answer_only_the_world_is_asked() {
    let (fake, near) = (FakeGlobalping::start(), TestServer::start());
    near.route("/cdn-cgi/trace", Reply::new(500));
    fake.set_places(vec![Outcome::Status(200); 4]);
    let probe = near_json(&fake, &near);
    assert_eq!(
        fake.created()[0]["locations"],
        json!([{"magic": "world", "limit": 4}])
    );
    let notes = probe["elsewhere"]["notes"].to_string();
    assert!(
        notes.contains("public address and country could not be learnt"),
        "{notes}"
    );
    assert_eq!(probe["elsewhere"]["near"]["level"], Value::Null);
    assert!(
        probe["reason"]
            .as_str()
            .unwrap()
            .contains("but up from 4 of 4 places elsewhere"),
        "{probe}"
    );
}

#[test]
fn a_target_that_cannot_be_asked_learns_nothing_about_this_machine() {
    let (fake, near, site) = (
        FakeGlobalping::start(),
        whereabouts(true),
        TestServer::start(),
    );
    let output = isitdown_with_config(&config(&fake, &near))
        .args(["--json", "--from", "near", &site.url("/")])
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    assert!(
        probe["elsewhere"]["error"]
            .as_str()
            .unwrap()
            .contains("loopback"),
        "{probe}"
    );
    assert!(near.requests().is_empty(), "{:?}", near.requests());
    assert!(fake.requests().is_empty());
}

#[test]
fn a_service_is_named_by_its_name() {
    let (fake, near, site) = (
        FakeGlobalping::start(),
        whereabouts(true),
        TestServer::start(),
    );
    places(&fake, 503, 200, 200);
    let port = site.port();
    let service = format!(
        "{}\n[services.chatgpt]\nurl = \"http://{NAME}:{port}/status/503\"\nname = \"ChatGPT\"\n",
        config(&fake, &near)
    );
    let output = isitdown_with_config(&service)
        .args(["--json", "--from", "near", "--resolve"])
        .arg(format!("{NAME}:{port}:127.0.0.1"))
        .arg("chatgpt")
        .output()
        .unwrap();
    let probe = &json_lines(&output.stdout)[0];
    let said = probe["reason"].as_str().unwrap();
    assert!(
        said.ends_with("it is your network (AS3269 Telecom Italia), not ChatGPT"),
        "{said}"
    );
}
