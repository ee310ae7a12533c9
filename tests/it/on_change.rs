//! `--on-change CMD`: a command run on every change of state in repeated runs.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;
use predicates::prelude::*;

/// A file for the hook to write to, in cargo's scratch folder.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// A hook that appends every ISITDOWN_* variable, `|`-separated, as a line of `file`.
fn recorder(file: &Path) -> String {
    format!(
        "printf '%s|%s|%s|%s|%s|%s|%s\\n' \"$ISITDOWN_TARGET\" \"$ISITDOWN_NAME\" \
         \"$ISITDOWN_URL\" \"$ISITDOWN_STATE\" \"$ISITDOWN_PREVIOUS\" \"$ISITDOWN_REASON\" \
         \"$ISITDOWN_AT\" >> '{}'",
        file.display()
    )
}

fn recorded(file: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|line| line.split('|').map(String::from).collect())
        .collect()
}

#[test]
fn a_change_runs_the_command_with_every_variable() {
    let server = TestServer::start();
    server.route("/flaky", Reply::new(503));
    let file = scratch("changes");
    let url = format!("http://watcher:s3cret@127.0.0.1:{}/flaky", server.port());
    let child = sealed_command("")
        .args(["--until", "up", "-i", "100ms", "-n", "100"])
        .args(["--on-change", &recorder(&file)])
        .arg(&url)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    server.wait_for_requests(3);
    server.route("/flaky", Reply::text(200, "back"));
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = recorded(&file);
    assert_eq!(lines.len(), 1, "down to up only: {lines:?}");
    let redacted = format!("http://***:***@127.0.0.1:{}/flaky", server.port());
    let line = &lines[0];
    assert_eq!(line[0], redacted, "ISITDOWN_TARGET");
    assert_eq!(
        line[1],
        format!("127.0.0.1:{}/flaky", server.port()),
        "ISITDOWN_NAME"
    );
    assert_eq!(line[2], redacted, "ISITDOWN_URL");
    assert_eq!((line[3].as_str(), line[4].as_str()), ("up", "down"));
    assert_eq!(line[5], "answered 200 OK", "ISITDOWN_REASON");
    assert!(
        line[6].len() == 20 && line[6].ends_with('Z') && line[6].contains('T'),
        "ISITDOWN_AT: {}",
        line[6]
    );
}

#[test]
fn no_change_no_command_unless_the_first_state_is_asked_for() {
    let server = TestServer::start();
    let url = server.url("/");
    let file = scratch("unchanged");
    isitdown()
        .args(["-n", "3", "-i", "0s", "--on-change", &recorder(&file)])
        .arg(&url)
        .assert()
        .code(0);
    assert!(recorded(&file).is_empty());

    isitdown()
        .args(["-n", "3", "-i", "0s", "--on-change-initial"])
        .args(["--on-change", &recorder(&file)])
        .arg(&url)
        .assert()
        .code(0);
    let lines = recorded(&file);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0][3].as_str(), lines[0][4].as_str()), ("up", ""));
}

#[test]
fn each_change_runs_it_once() {
    let server = TestServer::start();
    server.route("/flaky", Reply::text(200, "ok"));
    let file = scratch("each");
    let child = sealed_command("")
        .args(["--watch", "-i", "50ms"])
        .args(["--on-change-initial", "--on-change", &recorder(&file)])
        .arg(server.url("/flaky"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let seen = |n: usize| server.wait_for_requests(server.requests().len() + n);
    seen(2);
    server.route("/flaky", Reply::new(500));
    seen(3);
    server.route("/flaky", Reply::text(200, "ok"));
    seen(3);
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let states: Vec<(String, String)> = recorded(&file)
        .into_iter()
        .filter(|line| line[2].ends_with("/flaky"))
        .map(|line| (line[4].clone(), line[3].clone()))
        .collect();
    let want =
        [("", "up"), ("up", "down"), ("down", "up")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert!(states.starts_with(&want), "{states:?}");
}

#[test]
fn a_hanging_command_is_stopped_and_a_failing_one_changes_nothing() {
    let server = TestServer::start();
    let url = server.url("/");
    let started = Instant::now();
    isitdown()
        .args(["-n", "2", "-i", "0s", "-t", "1s", "--on-change-initial"])
        .args(["--on-change", "sleep 30"])
        .arg(&url)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "isitdown: --on-change for 127.0.0.1:",
        ))
        .stderr(predicate::str::contains("(UP) was stopped after 1 s"));
    // Stopped after its 1 s, not left to sleep its 30 s.
    assert!(started.elapsed() < Duration::from_secs(1) + SLACK);

    isitdown()
        .args(["-n", "2", "-i", "0s", "--on-change-initial"])
        .args(["--on-change", "echo said something; exit 7"])
        .arg(&url)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("said something").not())
        .stderr(predicate::str::contains("said something\n"))
        .stderr(predicate::str::contains("(UP) exited with status 7\n"));

    isitdown()
        .args(["-n", "2", "-i", "0s", "--on-change-initial"])
        .args(["--on-change", "exit 0"])
        .arg(server.url("/status/500"))
        .assert()
        .code(2)
        .stderr(predicate::str::is_empty());
}

#[test]
fn a_single_probe_has_no_changes_to_act_on() {
    isitdown()
        .args(["--on-change", "true", "http://127.0.0.1:9/"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains("one probe cannot change"));
    isitdown()
        .args(["-n", "1", "--on-change", "true", "http://127.0.0.1:9/"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "add --watch, --until, or --count with 2 or more probes",
        ));
}

#[test]
fn a_user_name_in_the_url_reaches_no_variable() {
    const TOKEN: &str = "ghp_H00kT0ken";
    let server = TestServer::start();
    server.route("/", Reply::text(200, "ok"));
    let file = scratch("user-name");
    let url = format!("http://{TOKEN}@127.0.0.1:{}/", server.port());
    let hook = format!(
        "printf '%s|%s|%s\\n' \"$ISITDOWN_TARGET\" \"$ISITDOWN_URL\" \"$ISITDOWN_JSON\" >> '{}'",
        file.display()
    );
    let output = sealed_command("")
        .args([
            "-n",
            "2",
            "-i",
            "0s",
            "--on-change-initial",
            "--on-change",
            &hook,
        ])
        .arg(&url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(!written.contains(TOKEN), "{written}");
    let shown = format!("http://***@127.0.0.1:{}/", server.port());
    assert!(
        written.starts_with(&format!("{shown}|{shown}|{{")),
        "{written}"
    );
}

#[test]
fn confirm_waits_for_probes_that_agree() {
    let server = TestServer::start();
    let states = [200, 503, 200, 503, 503, 200, 200, 200];
    server.route_each("/flaky", states.map(Reply::new).to_vec());
    let file = scratch("confirmed");
    let output = isitdown()
        .args(["--json", "-n", "8", "-i", "0s", "--confirm", "2"])
        .args(["--on-change", &recorder(&file)])
        .arg(server.url("/flaky"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let summary = lines.last().unwrap();
    // Every probe's state is still reported and counted: --confirm only holds back the command.
    assert_eq!(
        summary["transitions"].as_array().unwrap().len(),
        4,
        "{summary}"
    );
    let changes: Vec<(String, String)> = recorded(&file)
        .into_iter()
        .map(|line| (line[4].clone(), line[3].clone()))
        .collect();
    // The single 503 is not a change; two in a row are. A change still waiting when the next
    // comes is replaced by it, so the command may see only the last.
    let allowed = [
        ("up".to_string(), "down".to_string()),
        ("down".to_string(), "up".to_string()),
    ];
    assert!(!changes.is_empty() && changes.len() <= 2, "{changes:?}");
    assert!(changes.iter().all(|c| allowed.contains(c)), "{changes:?}");
    assert_eq!(changes.last(), Some(&allowed[1]), "{changes:?}");
}

#[test]
fn confirm_needs_on_change_and_a_count() {
    isitdown()
        .args(["--confirm", "2", "-n", "3", "127.0.0.1:9"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains("give it --on-change CMD"));
    isitdown()
        .args([
            "--confirm",
            "0",
            "--on-change",
            "true",
            "-n",
            "3",
            "127.0.0.1:9",
        ])
        .assert()
        .code(64)
        .stderr(predicate::str::contains("at least one probe is needed"))
        .stderr(predicate::str::contains("4294967295").not());
}

#[test]
fn confirm_is_a_default_like_every_option() {
    let server = TestServer::start();
    server.route_each(
        "/blip",
        vec![Reply::new(200), Reply::new(503), Reply::new(200)],
    );
    let file = scratch("confirmed-by-default");
    let config = format!(
        "[defaults]\nconfirm = 2\non_change = \"{}\"\n",
        recorder(&file).replace('\\', "\\\\").replace('"', "\\\"")
    );
    isitdown_with_config(&config)
        .args(["-n", "3", "-i", "0s"])
        .arg(server.url("/blip"))
        .assert()
        .code(0);
    // One 503 between two 200s is no change once two probes must agree.
    assert_eq!(recorded(&file), Vec::<Vec<String>>::new());
    // Without a command to run, a configured --confirm is no error.
    isitdown_with_config("[defaults]\nconfirm = 2\n")
        .arg(server.url("/status/200"))
        .assert()
        .code(0);
}
