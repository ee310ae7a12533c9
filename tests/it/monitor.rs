//! Repeated probes: --count, --interval, --watch, --until, and the summary at the end or on Ctrl-C.

use std::io::Read;
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;

fn at_millis(probe: &Value) -> f64 {
    let text = probe["at"].as_str().unwrap();
    let seconds: f64 = text[17..text.len() - 1].parse().unwrap();
    let minutes: f64 = text[14..16].parse().unwrap();
    let hours: f64 = text[11..13].parse().unwrap();
    hours * 3_600_000.0 + minutes * 60_000.0 + seconds * 1000.0
}

#[test]
fn count_gives_a_probe_line_each_then_a_summary() {
    let server = TestServer::start();
    let url = server.url("/");
    let output = isitdown()
        .args(["--json", "-n", "3", "-i", "0s"])
        .arg(&url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 4);
    let seqs: Vec<i64> = lines[..3]
        .iter()
        .map(|l| l["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert!(lines[..3].iter().all(|l| l["type"] == "probe"));
    let summary = &lines[3];
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["target"], url.as_str());
    assert_eq!(summary["name"], format!("127.0.0.1:{}", server.port()));
    assert_eq!(summary["url"], url.as_str());
    assert_eq!(
        (summary["probes"].as_i64(), summary["up"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        (
            summary["degraded"].as_i64(),
            summary["down"].as_i64(),
            summary["unknown"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(summary["availability_pct"].as_f64(), Some(100.0));
    let latency = &summary["latency_ms"];
    for field in ["min", "p50", "p95", "max", "mean"] {
        assert!(latency[field].as_f64().unwrap() > 0.0, "{field}: {summary}");
    }
    assert!(latency["min"].as_f64() <= latency["max"].as_f64());
    assert_eq!(summary["state"], "up");
    assert!(summary["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(summary["ended_at"].as_str().unwrap() >= summary["started_at"].as_str().unwrap());
    assert_eq!(summary["transitions"], serde_json::json!([]));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn each_target_gets_its_summary_in_argument_order() {
    let server = TestServer::start();
    let (up, down) = (server.url("/"), server.url("/status/500"));
    let output = isitdown()
        .args(["--json", "-n", "2", "-i", "0s"])
        .args([&down, &up])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.iter().filter(|l| l["type"] == "probe").count(), 4);
    let summaries: Vec<&Value> = lines.iter().filter(|l| l["type"] == "summary").collect();
    assert_eq!(summaries[0]["target"], down.as_str());
    assert_eq!(summaries[0]["availability_pct"].as_f64(), Some(0.0));
    assert_eq!(summaries[1]["target"], up.as_str());
    assert!(
        lines.iter().rposition(|l| l["type"] == "probe")
            < lines.iter().position(|l| l["type"] == "summary")
    );
}

#[test]
fn the_interval_is_between_the_starts_of_two_probes() {
    // Each probe takes 1.5 s of the 2 s interval: starts 2 s apart, not 3.5 s (nor back to
    // back). A loaded machine may start a probe late, by less than those 1.5 s.
    let server = TestServer::start();
    let output = isitdown()
        .args(["--json", "-n", "3", "-i", "2s"])
        .arg(server.url("/delay/1500"))
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let gaps: Vec<f64> = lines[..3]
        .windows(2)
        .map(|pair| at_millis(&pair[1]) - at_millis(&pair[0]))
        .collect();
    for gap in gaps {
        assert!(
            (1800.0..3500.0).contains(&gap),
            "starts {gap} ms apart; 2000 ms wanted, not 3500"
        );
    }
}

#[test]
fn until_down_stops_at_the_first_down_probe() {
    let (code, probe) = {
        let output = isitdown()
            .args(["--json", "--until", "down", "-i", "0s"])
            .arg("http://127.0.0.1:9/")
            .output()
            .unwrap();
        let lines = json_lines(&output.stdout);
        assert_eq!(lines.len(), 2, "one probe and its summary");
        (output.status.code(), lines[1].clone())
    };
    assert_eq!(code, Some(2));
    assert_eq!(probe["state"], "down");
}

#[test]
fn until_up_is_bounded_by_count() {
    let server = TestServer::start();
    let output = isitdown()
        .args(["--json", "--until", "up", "-n", "3", "-i", "0s"])
        .arg(server.url("/status/503"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "the last probe is down");
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.iter().filter(|l| l["type"] == "probe").count(), 3);
}

#[test]
fn until_up_waits_for_a_recovery_and_records_the_transition() {
    let server = TestServer::start();
    server.route("/flaky", Reply::new(503));
    let child = sealed_command("")
        .args(["--json", "--until", "up", "-i", "200ms", "-n", "50"])
        .arg(server.url("/flaky"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Three requests: the first two probes have been answered, both down.
    server.wait_for_requests(3);
    server.route("/flaky", Reply::text(200, "back"));
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "it ends when the target is up"
    );
    let lines = json_lines(&output.stdout);
    let summary = lines.last().unwrap();
    assert_eq!(summary["state"], "up");
    let transitions = summary["transitions"].as_array().unwrap();
    assert_eq!(transitions.len(), 1, "{summary}");
    assert_eq!(
        (
            transitions[0]["from"].as_str(),
            transitions[0]["to"].as_str()
        ),
        (Some("down"), Some("up"))
    );
    assert!(transitions[0]["at"].as_str().unwrap().ends_with('Z'));
    assert!(summary["down"].as_i64().unwrap() >= 2);
}

/// Runs isitdown on `server`, and sends Ctrl-C once the server has seen `requests` requests.
fn interrupt_after(
    args: &[&str],
    server: &TestServer,
    path: &str,
    requests: usize,
) -> (Option<i32>, String, Duration) {
    let mut child = sealed_command("")
        .args(args)
        .arg(server.url(path))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    server.wait_for_requests(requests);
    let sent = Instant::now();
    let killed = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code(), stdout, sent.elapsed())
}

#[test]
fn ctrl_c_ends_a_watch_with_a_summary() {
    let server = TestServer::start();
    // Four requests: at least three probes have finished.
    let (code, stdout, _) = interrupt_after(&["--json", "--watch", "-i", "100ms"], &server, "/", 4);
    assert_eq!(code, Some(0), "{stdout}");
    let lines = json_lines(stdout.as_bytes());
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(summary["probes"].as_i64().unwrap() >= 3, "{summary}");
    assert_eq!(
        summary["probes"].as_i64().unwrap() as usize,
        lines.len() - 1
    );
}

#[test]
fn ctrl_c_does_not_wait_for_a_probe_in_flight() {
    let server = TestServer::start();
    let (code, stdout, took) =
        interrupt_after(&["--json", "--watch", "-t", "20s"], &server, "/hang", 1);
    // The probe in flight would wait 20 s; ending takes far less, however loaded the machine.
    assert!(took < SLACK, "took {took:?}");
    assert_eq!(code, Some(3), "never probed: no verdict");
    let lines = json_lines(stdout.as_bytes());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["probes"], 0);
    assert!(lines[0]["availability_pct"].is_null());
    assert!(lines[0]["state"].is_null());
    assert!(lines[0]["latency_ms"].is_null());
}

#[test]
fn people_get_numbered_probes_and_a_summary() {
    let server = TestServer::start();
    isitdown()
        .args(["-n", "3", "-i", "0s", "--color", "never"])
        .arg(server.url("/"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("#1   UP")
                .and(predicate::str::contains("#3   UP"))
                .and(predicate::str::contains(
                    "3 probes, 100% available (3 up), now UP",
                ))
                .and(predicate::str::contains("latency  min"))
                .and(predicate::str::is_match("recent   [▁▂▃▄▅▆▇█]{3}").unwrap()),
        );
}

#[test]
fn a_watch_ends_when_nobody_reads_any_more() {
    let server = TestServer::start();
    let args = ["--json", "--watch", "-i", "20ms"].map(String::from);
    let (status, stderr) = hang_up_early(&[&args[..], &[server.url("/")]].concat());
    assert!(
        status.code().is_some() && !stderr.contains("panicked"),
        "{status:?} {stderr}"
    );
}

#[test]
fn a_slow_probe_is_not_made_up_for_with_a_burst() {
    // The first probe takes three intervals. A burst would start the next ones back to back;
    // a loaded machine may start one late, by less than half an interval.
    let server = TestServer::start();
    server.route_each(
        "/slow-once",
        vec![
            Reply::text(200, "slow").delay(Duration::from_millis(1500)),
            Reply::text(200, "fast"),
        ],
    );
    let output = isitdown()
        .args(["--json", "-n", "4", "-i", "500ms"])
        .arg(server.url("/slow-once"))
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let starts: Vec<f64> = lines[..4].iter().map(at_millis).collect();
    assert!(
        starts[1] - starts[0] >= 1450.0,
        "the first probe took 1500 ms: {starts:?}"
    );
    for pair in starts[1..].windows(2) {
        assert!(
            pair[1] - pair[0] >= 250.0,
            "probes 500 ms apart, not in a burst: {starts:?}"
        );
    }
}

#[test]
fn nagios_counts_a_target_that_never_answered_as_unknown() {
    let server = TestServer::start();
    let hang = server.url("/hang");
    // A watch writes nagios to a file (on stdout it would wait for an end that may not come).
    let dir = tempfile::tempdir().expect("a scratch folder");
    let file = dir.path().join("nagios.txt");
    let file_arg = file.display().to_string();
    let args = [
        "--format",
        "nagios",
        "--output",
        file_arg.as_str(),
        "--watch",
        "-t",
        "20s",
        "-i",
        "100ms",
        hang.as_str(),
    ];
    // Three requests: the hanging one, and two of the other target, one of which finished.
    let (code, stdout, _) = interrupt_after(&args, &server, "/", 3);
    assert!(stdout.is_empty(), "{stdout}");
    let stdout = std::fs::read_to_string(&file).expect("written at the end");
    assert_eq!(code, Some(3), "{stdout}");
    assert!(stdout.starts_with("ISITDOWN UNKNOWN - "), "{stdout}");
    assert!(stdout.contains("UNKNOWN: no probe finished"), "{stdout}");
}

#[test]
fn watching_one_target_with_its_status_page_takes_four_threads_at_most() {
    let server = TestServer::start();
    server.route(
        "/api/v2/summary.json",
        Reply::json(
            200,
            r#"{"status":{"indicator":"none","description":"All Systems Operational"},"components":[],"incidents":[]}"#,
        ),
    );
    let config = format!(
        "[services.svc]\nurl = \"{}\"\nstatus_page = \"{}\"\n",
        server.url("/"),
        server.url("")
    );
    // With `-i 0` the next probe is handed over the moment the last one is reported.
    let mut child = sealed_command(&config)
        .args(["--watch", "-i", "0", "-q", "svc"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (threads, _) = most_held_until(child.id(), "twenty requests", || {
        server.requests().len() >= 20
    });
    let _ = child.kill();
    let _ = child.wait();
    let probes = server.requests().len();
    // The main thread, the signal thread, the worker probing, and the one that read the page.
    assert!(threads <= 4, "{threads} threads after {probes} requests");
}

/// Whether a textfile read back is whole: every metric has its HELP, TYPE and series, and it ends
/// with a line ending.
fn whole_textfile(text: &str) -> bool {
    text.ends_with('\n')
        && text.starts_with("# HELP isitdown_up ")
        && text.contains("isitdown_up{")
        && text.contains("isitdown_duration_seconds{")
}

#[test]
fn watch_with_output_rewrites_the_textfile_after_each_round() {
    let server = TestServer::start();
    server.route("/", Reply::new(200));
    let dir = tempfile::tempdir().expect("a scratch folder");
    let path = dir.path().join("isitdown.prom");
    let mut child = sealed_command("")
        .args([
            "--watch",
            "-i",
            "20ms",
            "--format",
            "prometheus",
            "--output",
        ])
        .arg(&path)
        .arg(server.url("/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("isitdown starts");
    let mut reads = 0;
    let mut read = |wanted: &str| {
        eventually(wanted, || match std::fs::read_to_string(&path) {
            Ok(text) => {
                reads += 1;
                assert!(whole_textfile(&text), "a partial file: {text:?}");
                text.contains(wanted)
            }
            Err(_) => false,
        })
    };
    read("state=\"up\"} 1");
    server.route("/", Reply::new(503));
    read("state=\"down\"} 1");
    server.route("/", Reply::new(200));
    read("state=\"up\"} 1");
    // Read on while it runs: never a partial file.
    for _ in 0..200 {
        read("isitdown_http_status{");
    }
    assert!(reads >= 203);
    child.kill().expect("stop isitdown");
    let output = child.wait_with_output().expect("isitdown ends");
    assert!(output.stdout.is_empty(), "the report goes to the file only");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(names.iter().any(|n| n == "isitdown.prom"), "{names:?}");
}

#[test]
fn output_writes_a_one_shot_report_to_the_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("a scratch folder");
    let path = dir.path().join("check.txt");
    let output = isitdown()
        .args(["--format", "nagios", "--output"])
        .arg(&path)
        .arg(server.url("/"))
        .output()
        .expect("isitdown runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let text = std::fs::read_to_string(&path).expect("the file is there");
    assert!(text.starts_with("ISITDOWN OK - "), "{text}");
}

#[test]
fn endless_runs_of_the_formats_written_at_the_end_need_output() {
    for format in ["prometheus", "nagios"] {
        let output = isitdown()
            .args(["--watch", "--format", format, "http://127.0.0.1:9/"])
            .output()
            .expect("isitdown runs");
        assert_eq!(output.status.code(), Some(64), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("--format {format} is written once"))
                && stderr.contains("--output FILE")
                && stderr.contains("--count N"),
            "{stderr}"
        );
    }
    let output = isitdown()
        .args([
            "--output",
            "/nonexistent-folder/x.prom",
            "--format",
            "prometheus",
        ])
        .arg("http://127.0.0.1:9/")
        .output()
        .expect("isitdown runs");
    assert_eq!(output.status.code(), Some(64), "{output:?}");
    let output = isitdown()
        .args(["--output", "x.prom", "--json", "http://127.0.0.1:9/"])
        .output()
        .expect("isitdown runs");
    assert_eq!(output.status.code(), Some(64), "{output:?}");
}

#[test]
fn ctrl_c_on_many_targets_ends_with_a_compact_summary() {
    let server = TestServer::start();
    let mut urls: Vec<String> = (0..9)
        .map(|n| server.url(&format!("/status/200?n={n}")))
        .collect();
    urls.push(server.url("/status/503"));
    urls.push(server.url("/status/429"));
    let mut child = sealed_command("")
        .args(["--watch", "-i", "100ms", "--color", "never"])
        .args(&urls)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Two rounds of every target.
    server.wait_for_requests(2 * urls.len());
    let killed = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(2), "{stdout}");
    let (_, end) = stdout
        .split_once("\n\n11 targets, ")
        .unwrap_or_else(|| panic!("a compact summary in:\n{stdout}"));
    let lines: Vec<&str> = end.lines().collect();
    assert!(lines[0].ends_with("probes; 2 not up now:"), "{end}");
    assert!(
        lines[1].trim_start().starts_with("DOWN"),
        "worst first: {end}"
    );
    assert!(lines[1].contains("/status/503"), "{end}");
    assert!(lines[2].trim_start().starts_with("DEGRADED"), "{end}");
    assert!(
        lines[3].contains("--json has every target's summary"),
        "{end}"
    );
    assert_eq!(
        lines.last(),
        Some(&"11 checked: 9 up, 1 degraded, 1 down"),
        "{end}"
    );
    assert!(lines.len() <= 6, "compact: {end}");
    assert!(
        !stdout.contains("latency  "),
        "no summary per target: {stdout}"
    );
}
