//! `--from`: the answer from elsewhere joined to the verdict from here, in every format, and
//! over repeated runs.

use std::time::{Duration, Instant};

use crate::support::elsewhere::{config, one_probe, reason, run_json, target, NAME};
use crate::support::globalping::{FakeGlobalping, Mode, Outcome};
use crate::support::{isitdown_with_config, json_lines, Reply, TestServer, SLACK};
use serde_json::Value;

#[test]
fn down_here_and_everywhere() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::Status(503),
        Outcome::Status(503),
        Outcome::Timeout,
        Outcome::Status(200),
    ]);
    let (code, probe) = one_probe(&fake, &server, "/status/503", "world:4");
    assert_eq!(code, 2, "{probe}");
    assert_eq!(probe["state"], "down");
    assert_eq!(
        reason(&probe),
        "server error: 503 Service Unavailable; also down from 3 of 4 places elsewhere: \
         down for everyone"
    );
    let elsewhere = &probe["elsewhere"];
    assert_eq!(elsewhere["state"], "down");
    assert_eq!(
        (&elsewhere["asked"], &elsewhere["up"], &elsewhere["down"]),
        (&4.into(), &1.into(), &3.into())
    );
    assert_eq!(elsewhere["places"][0]["state"], "down", "worst first");
    assert_eq!(elsewhere["places"][3]["status"], 200);
    assert_eq!(elsewhere["places"][3]["error"], Value::Null);
    assert_eq!(elsewhere["places"][3]["city"], "São Paulo");
    assert_eq!(elsewhere["places"][3]["country"], "BR");
    assert_eq!(elsewhere["places"][3]["asn"], 28573);
    assert_eq!(elsewhere["places"][3]["timings_ms"]["total"], 120.0);
    let timeout = elsewhere["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["error"]["kind"] == "timeout")
        .expect("the timed-out place");
    assert_eq!(timeout["status"], Value::Null);
    let id = elsewhere["measurement"].as_str().unwrap();
    assert_eq!(
        elsewhere["url"],
        format!("https://globalping.io?measurement={id}")
    );
    assert_eq!(elsewhere["error"], Value::Null);
}

#[test]
fn down_here_only() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(200); 3]);
    let (code, probe) = one_probe(&fake, &server, "/status/502", "world:3");
    assert_eq!(
        code, 2,
        "the exit code stays the verdict from here: {probe}"
    );
    assert_eq!(probe["state"], "down");
    assert!(
        reason(&probe).ends_with(
            "; but up from 3 of 3 places elsewhere: the problem is between you and the \
             service (your network, ISP or region)"
        ),
        "{probe}"
    );
    assert_eq!(probe["elsewhere"]["state"], "up");
}

#[test]
fn up_here_but_down_elsewhere() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(503), Outcome::Dns]);
    let (code, probe) = one_probe(&fake, &server, "/", "Germany:2");
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    assert!(
        reason(&probe).contains("; but down from 2 of 2 places elsewhere"),
        "{probe}"
    );
    let kinds: Vec<&str> = probe["elsewhere"]["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["error"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"dns") && kinds.contains(&"status"),
        "{kinds:?}"
    );
    let sent = &fake.created()[0];
    assert_eq!(
        sent["locations"],
        serde_json::json!([{"magic": "Germany", "limit": 2}])
    );
}

#[test]
fn a_network_failure_here_is_fused_too() {
    let fake = FakeGlobalping::start();
    fake.set_places(vec![Outcome::Status(200)]);
    // Nobody listens on port 9: refused here, up elsewhere.
    let url = format!("http://{NAME}:9/");
    let pin = format!("{NAME}:9:127.0.0.1");
    let (code, lines, _) = run_json(&fake, &["--resolve", &pin, &url], "world:1");
    assert_eq!(code, 2);
    assert_eq!(lines[0]["error"]["kind"], "refused");
    assert!(reason(&lines[0]).contains("but up from 1 of 1 place elsewhere"));
}

#[test]
fn the_deadline_holds_when_places_never_finish() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::NeverFinishes,
        Outcome::NeverFinishes,
        Outcome::Status(200),
    ]);
    let (url, pin) = target(&server, "/");
    let started = Instant::now();
    let margin = ["--test-globalping-margin", "1s"];
    let (code, lines, _) = run_json(
        &fake,
        &[&margin[..], &["-t", "1s", "--resolve", &pin, &url]].concat(),
        "world:3",
    );
    // The measurement's timeout (5 s, the API's least) plus the margin (shortened to 1 s
    // here), and whatever a loaded machine adds for the last call.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1 + 5) + SLACK, "{took:?}");
    assert!(took >= Duration::from_secs(5), "{took:?}");
    assert_eq!(code, 0);
    let elsewhere = &lines[0]["elsewhere"];
    assert_eq!(
        (&elsewhere["up"], &elsewhere["unknown"]),
        (&1.into(), &2.into())
    );
    assert_eq!(elsewhere["places"][0]["reason"], "no result in time");
    assert_eq!(elsewhere["state"], "up");
}

#[test]
fn repeated_runs_measure_at_the_start_then_not_again_within_minutes() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(200); 2]);
    fake.set_in_progress_polls(0);
    let (url, pin) = target(&server, "/flip");
    // Probes 1 and 2 find it up; from the third on it answers 503.
    let up = Reply::text(200, "ok");
    server.route_each("/flip", vec![up.clone(), up, Reply::text(503, "down")]);
    let (code, lines, stderr) = run_json(
        &fake,
        &["-n", "4", "-i", "1s", "--resolve", &pin, &url],
        "world:2",
    );
    assert_eq!(code, 2, "{stderr}");
    let probes: Vec<&Value> = lines.iter().filter(|l| l["type"] == "probe").collect();
    let states: Vec<&str> = probes
        .iter()
        .map(|p| p["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["up", "up", "down", "down"]);
    // The change at the third probe is seconds after the first measurement: the shared
    // service is not asked again so soon.
    let asked: Vec<bool> = probes.iter().map(|p| !p["elsewhere"].is_null()).collect();
    assert_eq!(asked, [true, false, false, false]);
    assert_eq!(fake.created().len(), 1);
    assert!(reason(probes[0]).contains("also up from 2 of 2 places elsewhere"));
    assert!(!reason(probes[2]).contains("elsewhere"));
}

#[test]
fn the_human_report_lists_every_place_worst_first_with_the_link() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::Status(200),
        Outcome::Refused,
        Outcome::Status(503),
    ]);
    let (url, pin) = target(&server, "/");
    let output = isitdown_with_config(&config(&fake))
        .args(["--from", "world:3", "--resolve", &pin, &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("UP  "), "{text}");
    let places: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("            ") && l.contains("(AS"))
        .collect();
    assert_eq!(places.len(), 3, "{text}");
    assert!(places[0].trim_start().starts_with("DOWN"), "{text}");
    assert!(places[1].trim_start().starts_with("DOWN"), "{text}");
    assert!(places[2].contains("UP        Frankfurt, DE"), "{text}");
    assert!(places[2].contains("Deutsche Telekom AG (AS3320)"), "{text}");
    assert!(places[2].contains("120 ms  answered 200 OK"), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(
        text.contains("from elsewhere: https://globalping.io?measurement=fake"),
        "{text}"
    );
}

#[test]
fn monitoring_formats_count_the_places() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![
        Outcome::Status(200),
        Outcome::Status(503),
        Outcome::Status(200),
    ]);
    let (url, pin) = target(&server, "/");
    let nagios = isitdown_with_config(&config(&fake))
        .args([
            "--format",
            "nagios",
            "--from",
            "world:3",
            "--resolve",
            &pin,
            &url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&nagios.stdout);
    assert!(
        text.contains(" 'elsewhere_up'=2;;;0;3 'elsewhere_asked'=3"),
        "{text}"
    );
    let prometheus = isitdown_with_config(&config(&fake))
        .args([
            "--format",
            "prometheus",
            "--from",
            "world:3",
            "--resolve",
            &pin,
            &url,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&prometheus.stdout);
    let labels = format!(
        "target=\"{url}\",name=\"{NAME}:{}\",url=\"{url}\"",
        server.port()
    );
    for (state, count) in [("up", 2), ("degraded", 0), ("down", 1), ("unknown", 0)] {
        let series = format!("isitdown_elsewhere_places{{{labels},state=\"{state}\"}} {count}\n");
        assert!(text.contains(&series), "{series} in\n{text}");
    }
}

#[test]
fn without_from_elsewhere_is_null_and_nothing_is_asked() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (url, pin) = target(&server, "/");
    let output = isitdown_with_config(&config(&fake))
        .env("ISITDOWN_GLOBALPING_URL", fake.url())
        .args(["--json", "--resolve", &pin, &url])
        .output()
        .unwrap();
    assert_eq!(json_lines(&output.stdout)[0]["elsewhere"], Value::Null);
    assert!(fake.requests().is_empty());
}

#[test]
fn from_can_be_a_default_of_the_config_file() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    let (url, pin) = target(&server, "/");
    let config = format!("[defaults]\nfrom = \"world:2\"\n{}", config(&fake));
    let output = isitdown_with_config(&config)
        .args(["--json", "--resolve", &pin, &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(json_lines(&output.stdout)[0]["elsewhere"]["asked"], 2);
    let created = fake.created().len();

    // --no-from turns it off for one run.
    let output = isitdown_with_config(&config)
        .args(["--json", "--no-from", "--resolve", &pin, &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(json_lines(&output.stdout)[0]["elsewhere"], Value::Null);
    assert_eq!(fake.created().len(), created);

    let bad = "[connectivity]\nreferences = []\ndns = []\n[defaults]\nfrom = \"world:0\"\n";
    let output = isitdown_with_config(bad).arg(&url).output().unwrap();
    assert_eq!(output.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 5: [defaults] from: "), "{stderr}");
}

/// Watches a target that flaps between up and down at every probe, `--watch -i 0 --from`,
/// until it has been probed a few hundred times well after the first measurement was asked
/// for; returns the probes' JSON lines.
fn watch_a_flapping_target(fake: &FakeGlobalping) -> Vec<Value> {
    use std::process::Stdio;
    let server = TestServer::start();
    let flapping: Vec<Reply> = (0..5000)
        .map(|i| {
            if i % 2 == 0 {
                Reply::text(200, "ok")
            } else {
                Reply::text(503, "down")
            }
        })
        .collect();
    server.route_each("/flap", flapping);
    let (url, pin) = target(&server, "/flap");
    // Written to a file: a pipe nobody reads would stop the run once full.
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "flapping-{}-{}.jsonl",
        std::process::id(),
        server.port()
    ));
    let mut child = crate::support::sealed_command(&config(fake))
        .args(["--json", "--watch", "-i", "0s", "--from", "world:1"])
        .args(["--resolve", &pin, &url])
        .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first measurement is asked for, and done with (answered or refused), then the
    // target flaps hundreds of times more: each flap would have asked again.
    crate::support::eventually("the first measurement", || !fake.requests().is_empty());
    let seen = server.requests().len();
    crate::support::eventually("a few hundred more probes", || {
        server.requests().len() >= seen + 300
    });
    std::thread::sleep(Duration::from_secs(1));
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    child.wait().unwrap();
    let written = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    json_lines(&written)
}

#[test]
fn a_flapping_target_is_measured_elsewhere_once_in_minutes() {
    let fake = FakeGlobalping::start();
    fake.set_in_progress_polls(0);
    let lines = watch_a_flapping_target(&fake);
    let probes: Vec<&Value> = lines.iter().filter(|l| l["type"] == "probe").collect();
    let changes = probes
        .windows(2)
        .filter(|w| w[0]["state"] != w[1]["state"])
        .count();
    assert!(changes >= 100, "{changes} changes of state");
    assert_eq!(fake.created().len(), 1, "{:?}", fake.requests());
    // The last answer from elsewhere is the one kept for the summary's target.
    assert!(!probes[0]["elsewhere"].is_null());
}

#[test]
fn after_a_429_nothing_more_is_asked_before_the_reset() {
    let fake = FakeGlobalping::start();
    fake.set_mode(Mode::RateLimited { reset_secs: 600 });
    let lines = watch_a_flapping_target(&fake);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].answered, 429);
    let first = lines.iter().find(|l| l["type"] == "probe").unwrap();
    let error = first["elsewhere"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("hourly limit is reached (resets in 10 min"),
        "{error}"
    );
}
