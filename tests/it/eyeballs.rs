//! Happy Eyeballs end to end: a name pinned with --resolve to ::1 and 127.0.0.1, one of them a
//! black hole (a listener whose full backlog drops connection attempts) or closed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::Value;

const V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);
/// How long an attempt waits before the next address is tried (RFC 8305's 250 ms).
const STAGGER: Duration = Duration::from_millis(250);

/// A working server on 127.0.0.1 and a black hole on ::1 at the same port.
fn dead_ipv6_live_ipv4() -> (TestServer, BlackHole) {
    for _ in 0..20 {
        let server = TestServer::start();
        if let Some(hole) = BlackHole::at(V6, server.port()) {
            return (server, hole);
        }
    }
    panic!("no port free on both 127.0.0.1 and ::1");
}

/// Probes `http://dual.example:PORT/` with the name pinned to these addresses.
fn probe_pinned(port: u16, addrs: &str, extra: &[&str]) -> (i32, Value, Duration) {
    let started = Instant::now();
    let (code, probe) = probe_json(isitdown().args(extra).args([
        "--resolve".to_string(),
        format!("dual.example:{port}:{addrs}"),
        format!("http://dual.example:{port}/"),
    ]));
    (code, probe, started.elapsed())
}

fn attempts(probe: &Value) -> Vec<(String, String)> {
    probe["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| {
            (
                a["address"].as_str().unwrap_or_default().to_string(),
                a["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn ms(probe: &Value, phase: &str) -> f64 {
    probe["timings_ms"][phase].as_f64().unwrap_or(f64::NAN)
}

#[test]
fn a_dead_ipv6_address_costs_the_stagger_and_ipv4_answers() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    // The order given does not matter: IPv6 is tried first either way.
    for addrs in ["[::1],127.0.0.1", "127.0.0.1,[::1]"] {
        let (code, probe, _) = probe_pinned(port, addrs, &[]);
        assert_eq!(code, 0, "{probe}");
        // "within 250 ms" or more: the stagger, and whatever a busy machine adds to it, but
        // not the 10 s deadline.
        let reason = probe["reason"].as_str().unwrap_or_default();
        let waited = reason
            .strip_prefix(&format!(
                "answered 200 OK over IPv4; IPv6 [::1]:{port} did not answer within "
            ))
            .and_then(|rest| rest.strip_suffix(" ms (your IPv6 path may be broken)"))
            .and_then(|millis| millis.parse::<u64>().ok());
        let stagger = STAGGER.as_millis() as u64;
        let limit = (STAGGER + SLACK).as_millis() as u64;
        assert!(
            waited.is_some_and(|w| (stagger..limit).contains(&w)),
            "{reason}"
        );
        assert_eq!(
            attempts(&probe),
            vec![
                (format!("[::1]:{port}"), "abandoned".into()),
                (format!("127.0.0.1:{port}"), "connected".into())
            ]
        );
        // The IPv6 attempt lasts the stagger and then the IPv4 connect, which the whole probe
        // includes; the connect phase is the winner's own time, without the stagger.
        let abandoned = probe["attempts"][0]["ms"].as_f64().unwrap_or_default();
        let total = ms(&probe, "total");
        let connect = ms(&probe, "connect");
        assert!(abandoned >= 250.0, "{probe}");
        assert!(
            waited.is_some_and(|w| w as f64 <= abandoned + 1.0),
            "{probe}"
        );
        assert!(
            total >= 250.0 && abandoned <= total + 1.0,
            "total {total} ms: {probe}"
        );
        assert!(
            connect <= abandoned - 250.0 + 1.0,
            "the winner's own time: {probe}"
        );
    }
}

#[test]
fn every_format_tells_the_dual_stack_story() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    let run = |args: &[&str]| {
        let output = isitdown()
            .args(args)
            .args([
                "--resolve".to_string(),
                format!("dual.example:{port}:[::1],127.0.0.1"),
                format!("http://dual.example:{port}/"),
            ])
            .output()
            .expect("isitdown runs");
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let sentence = format!("IPv6 [::1]:{port} did not answer within ");
    let human = run(&["-v"]);
    assert!(human.contains(&sentence), "{human}");
    assert!(
        human.contains(&format!("attempt  [::1]:{port} abandoned after 2")),
        "{human}"
    );
    assert!(
        human.contains(&format!("attempt  127.0.0.1:{port} connected after")),
        "{human}"
    );
    let nagios = run(&["--format", "nagios"]);
    assert!(
        nagios.starts_with("ISITDOWN OK - ") && nagios.contains(&sentence),
        "{nagios}"
    );
    let prometheus = run(&["--format", "prometheus"]);
    for outcome in ["abandoned", "connected"] {
        assert!(
            prometheus.contains(&format!("outcome=\"{outcome}\"}} 1")),
            "{prometheus}"
        );
    }
}

#[test]
fn a_dead_ipv4_address_next_to_a_working_ipv6_one_is_never_waited_for() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = (0..20)
        .find_map(|_| {
            let server = TestServer::start_at("[::1]:0".parse().expect("an address"))?;
            let hole = BlackHole::at(V4, server.port())?;
            Some((server, hole))
        })
        .expect("a port free on both ::1 and 127.0.0.1");
    let port = server.port();
    let (code, probe, _) = probe_pinned(port, "127.0.0.1,[::1]", &[]);
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["reason"], "answered 200 OK");
    // IPv4 was never tried: nothing waited for the stagger, let alone the dead address.
    assert_eq!(
        attempts(&probe),
        vec![(format!("[::1]:{port}"), "connected".into())]
    );
    assert!(
        ms(&probe, "total") < (STAGGER + SLACK).as_millis() as f64,
        "{probe}"
    );
}

#[test]
fn both_families_dead_is_down_with_every_attempt_recorded() {
    if !ipv6_works() {
        return;
    }
    let port = closed_port(V4);
    if std::net::TcpListener::bind((V6, port)).is_err() {
        eprintln!("skipped: port {port} is taken on ::1");
        return;
    }
    let (code, probe, took) = probe_pinned(port, "127.0.0.1,[::1]", &[]);
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "refused");
    assert_eq!(
        attempts(&probe),
        vec![
            (format!("[::1]:{port}"), "refused".into()),
            (format!("127.0.0.1:{port}"), "refused".into())
        ]
    );
    // Refusals end the race at once, long before the 10 s deadline.
    assert!(took < Duration::from_secs(10), "took {took:?}");

    let (server, hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    drop(server);
    let Some(hole4) = BlackHole::at(V4, port) else {
        eprintln!("skipped: port {port} was taken again on 127.0.0.1");
        return;
    };
    let (code, probe, _) = probe_pinned(port, "[::1],127.0.0.1", &["-t", "1s"]);
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "timeout");
    assert_eq!(
        attempts(&probe),
        vec![
            (hole.address.to_string(), "timeout".into()),
            (hole4.address.to_string(), "timeout".into())
        ]
    );
}

#[test]
fn one_family_only_with_4_and_6() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    let (code, probe, _) = probe_pinned(port, "[::1],127.0.0.1", &["-4"]);
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["reason"], "answered 200 OK");
    assert_eq!(
        attempts(&probe),
        vec![(format!("127.0.0.1:{port}"), "connected".into())]
    );
    let (code, probe, _) = probe_pinned(port, "[::1],127.0.0.1", &["-6", "-t", "500ms"]);
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["error"]["kind"], "timeout");
    assert_eq!(
        attempts(&probe),
        vec![(format!("[::1]:{port}"), "timeout".into())]
    );
    let (code, probe, _) = probe_pinned(port, "[::1]", &["-4"]);
    assert_eq!(probe["error"]["kind"], "dns", "{code}: {probe}");
    assert!(probe["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("--resolve pins no address of the wanted IP family"));
    assert!(probe["attempts"].as_array().expect("attempts").is_empty());
}

#[test]
fn watching_a_host_with_a_dead_ipv6_address_keeps_threads_and_sockets_bounded() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    server.route(
        "/api/v2/summary.json",
        Reply::json(
            200,
            r#"{"status":{"indicator":"none","description":"All Systems Operational"},"components":[],"incidents":[]}"#,
        ),
    );
    // The service's page is on the same host, so it is read through the same race.
    let config = format!(
        "[services.dual]\nurl = \"http://dual.example:{port}/\"\nstatus_page = \"http://dual.example:{port}\"\n"
    );
    // Each probe waits out the stagger on ::1, then connects over IPv4: four probes a second,
    // each leaving an attempt on ::1 that would run to the 10 s deadline if nobody stopped it.
    let mut child = sealed_command(&config)
        .args(["--watch", "-i", "0", "-q", "-t", "10s", "--resolve"])
        .arg(format!("dual.example:{port}:[::1],127.0.0.1"))
        .arg("dual")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("isitdown starts");
    let samples = held_until(child.id(), "sixteen probes", || {
        server.requests().len() >= 16
    });
    let _ = child.kill();
    let _ = child.wait();
    let requests = server.requests();
    let pages = requests
        .iter()
        .filter(|r| r.path == "/api/v2/summary.json")
        .count();
    let probes = requests.len() - pages;
    assert!(probes >= 6, "only {probes} probes");
    assert!(pages >= 1, "the status page was never read");
    // The main thread, the signal thread, the worker probing, the one reading the page and the
    // alarms' (which start a silent probe's connection check early): a race runs on the thread
    // that connects, and its attempts on ::1 are closed as soon as IPv4 answers.
    let threads = samples.iter().map(|s| s.0).max().unwrap_or(0);
    assert!(
        threads <= 5,
        "{threads} threads after {probes} probes: {samples:?}"
    );
    // What the run typically held over its second half: descriptors left open would pile up.
    let later = &samples[samples.len() / 2..];
    let mut held: Vec<usize> = later.iter().map(|s| s.1).collect();
    held.sort_unstable();
    let files = held[held.len() / 2];
    assert!(
        files <= 12,
        "{files} descriptors open after {probes} probes: {samples:?}"
    );
}

#[test]
fn a_long_answer_of_one_family_cannot_push_the_other_out_of_the_race() {
    if !ipv6_works() {
        return;
    }
    let (server, _hole) = dead_ipv6_live_ipv4();
    let port = server.port();
    // Sixteen copies of the dead IPv6 address, then the live IPv4 one: more than the sixteen
    // addresses a connection keeps, unless duplicates go and the families interleave first.
    let answer = format!("{}127.0.0.1", "::1,".repeat(16));
    let (code, probe) = probe_json(isitdown().args([
        "-t".to_string(),
        "5s".to_string(),
        "--test-dns".to_string(),
        // A name of the local network: answers on loopback are not a DNS filter's there.
        format!("dual.lan={answer}"),
        format!("http://dual.lan:{port}/"),
    ]));
    assert_eq!(code, 0, "{probe}");
    let tried: Vec<String> = attempts(&probe).into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        tried,
        [format!("[::1]:{port}"), format!("127.0.0.1:{port}")],
        "{probe}"
    );
}
