//! Signals in repeated runs: termination ends a run with its summaries and the commands it
//! started, and exits 128 + the signal's number.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;

fn signal(pid: u32, name: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
}

/// Waits (at most 20 s) until `ready` holds.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "no {what} within 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A watch of a local server whose hook writes its own process id to a file, then becomes a
/// long sleep under that id: the watch, and the id of the command it started.
fn watch_with_a_long_hook(server: &TestServer, name: &str) -> (std::process::Child, u32) {
    let dir = std::env::temp_dir().join(format!("isitdown-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pid_file = dir.join("hook.pid");
    let _ = std::fs::remove_file(&pid_file);
    let hook = format!(
        "echo $$ > '{}.tmp' && mv '{0}.tmp' '{0}' && exec sleep 30",
        pid_file.display()
    );
    let child = sealed_command("")
        .args(["--watch", "-i", "100ms", "--json", "--on-change-initial"])
        .args(["--on-change", &hook])
        .arg(server.url("/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("command started", || pid_file.exists());
    let hook_pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (child, hook_pid)
}

#[test]
fn sigterm_ends_a_watch_with_its_summaries_and_the_commands_it_started() {
    let server = TestServer::start();
    let (mut child, hook_pid) = watch_with_a_long_hook(&server, "sigterm");
    assert!(std::path::Path::new(&format!("/proc/{hook_pid}")).exists());
    signal(child.id(), "TERM");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{stdout}");
    let lines = json_lines(stdout.as_bytes());
    let summary = lines.iter().find(|l| l["type"] == "summary");
    assert!(
        summary.is_some_and(|s| s["probes"].as_u64() >= Some(1)),
        "{stdout}"
    );
    // The command's process group was ended with the run, not left behind.
    assert!(
        !std::path::Path::new(&format!("/proc/{hook_pid}")).exists(),
        "the command {hook_pid} outlived the run"
    );
}

#[test]
fn sighup_ends_a_watch_with_its_summaries() {
    let server = TestServer::start();
    let mut child = sealed_command("")
        .args(["--watch", "-i", "100ms", "--json"])
        .arg(server.url("/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The first probe's line says the run is under way.
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    signal(child.id(), "HUP");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(129));
    assert!(rest.contains("\"type\":\"summary\""), "{rest}");
}

#[test]
fn a_command_ends_when_isitdown_is_killed_outright() {
    let server = TestServer::start();
    let (mut child, hook_pid) = watch_with_a_long_hook(&server, "sigkill");
    // SIGKILL: no handler runs, so only the parent-death signal can end the command.
    signal(child.id(), "KILL");
    child.wait().unwrap();
    let proc_entry = format!("/proc/{hook_pid}");
    wait_until("the command's end", || {
        // Gone, or a zombie waiting to be reaped: it has ended either way.
        std::fs::read_to_string(format!("{proc_entry}/stat"))
            .map(|stat| stat.contains(") Z "))
            .unwrap_or(true)
    });
}

/// The one-letter state of a process, as `ps` shows it ('T' when stopped).
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The state follows the command's name, which is in parentheses.
    stat.rsplit(')').next()?.trim_start().chars().next()
}

#[test]
fn a_probe_that_spans_ctrl_z_is_made_again_rather_than_called_down() {
    let server = TestServer::start();
    let gate = Gate::new();
    server.route("/", Reply::text(200, "ok").after(&gate));
    let mut child = sealed_command("")
        .args(["--watch", "-i", "100ms", "--json", "-t", "1s"])
        .arg(server.url("/"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first probe waits for its answer; the run is stopped meanwhile for longer than
    // the probe's timeout.
    server.wait_for_requests(1);
    signal(child.id(), "TSTP");
    wait_until("the run stopped", || process_state(child.id()) == Some('T'));
    std::thread::sleep(Duration::from_millis(1500));
    signal(child.id(), "CONT");
    gate.open();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    signal(child.id(), "TERM");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let text = format!("{}{rest}", char::from(first[0]));
    let probes: Vec<_> = json_lines(text.as_bytes())
        .into_iter()
        .filter(|l| l["type"] == "probe")
        .collect();
    assert!(!probes.is_empty(), "{text}");
    for probe in &probes {
        assert_eq!(
            probe["state"], "up",
            "the stop is not the target's: {probe}"
        );
    }
    assert_eq!(probes[0]["seq"], 1, "the probe made again keeps its number");
}
