//! The history: every probe recorded unless told not to, by several processes at once, never at
//! the cost of a check (a read-only folder, a full disk, a locked or damaged database), kept
//! under its cap, and read back as outages beside the incidents a status page published.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use isitdown::history::record::ProbeRow;
use isitdown::history::store::Store;
use isitdown::history::Retention;
use isitdown::state::State;
use isitdown::text::timestamp::rfc3339;

use crate::support::*;

/// A folder of the test's own, under cargo's scratch folder, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("history-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config(path: &Path, more: &str) -> String {
    format!("[history]\npath = {:?}\n{more}", path.display().to_string())
}

fn rows_in(path: &Path) -> i64 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("SELECT count(*) FROM probes", [], |r| r.get(0))
        .unwrap()
}

fn run(toml: &str, args: &[&str]) -> Output {
    sealed_command(toml)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("isitdown runs")
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(String::from)
        .collect()
}

/// What a user compares: the exit code, and each probe's target, state and reason.
fn answer(output: &Output) -> (Option<i32>, Vec<(String, String, String)>) {
    let lines = json_lines(&output.stdout)
        .into_iter()
        .map(|l| {
            let field = |k: &str| l[k].as_str().unwrap_or_default().to_string();
            (field("target"), field("state"), field("reason"))
        })
        .collect();
    (output.status.code(), lines)
}

/// The check as it is without any history, to compare with.
fn unrecorded(server: &TestServer) -> Output {
    run(
        "",
        &[
            "--no-record",
            "--json",
            &server.url("/"),
            "http://127.0.0.1:9/",
        ],
    )
}

fn assert_unchanged_with_one_line(output: &Output, server: &TestServer, words: &str) {
    let lines = stderr_lines(output);
    assert_eq!(lines.len(), 1, "one line on stderr: {lines:?}");
    assert!(lines[0].contains(words), "{lines:?}");
    assert_eq!(answer(output), answer(&unrecorded(server)));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn every_run_records_each_probe_unless_told_not_to() {
    let server = TestServer::start();
    let dir = scratch("record");
    let path = dir.join("h.sqlite3");
    let toml = config(&path, "");
    let output = run(&toml, &["-n", "3", "-i", "0", &server.url("/")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr_lines(&output).is_empty(), "{output:?}");
    assert_eq!(rows_in(&path), 3);

    let output = run(&toml, &["--no-record", &server.url("/")]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(rows_in(&path), 3, "--no-record writes nothing");
    let off = config(&dir.join("off.sqlite3"), "record = false\n");
    run(&off, &[&server.url("/")]);
    assert!(!dir.join("off.sqlite3").exists());

    // The default place is under XDG_STATE_HOME, which the sealed command points at a
    // folder of its own.
    let mut command = sealed_command("");
    let state = scratch("xdg");
    command.env("XDG_STATE_HOME", &state).arg(server.url("/"));
    assert!(command.output().unwrap().status.success());
    assert_eq!(rows_in(&state.join("isitdown/history.sqlite3")), 1);
    let mut command = sealed_command("");
    command
        .env("XDG_STATE_HOME", &state)
        .args(["--no-record", &server.url("/")]);
    assert!(command.output().unwrap().status.success());
    assert_eq!(rows_in(&state.join("isitdown/history.sqlite3")), 1);
}

#[test]
fn two_and_then_eight_processes_writing_at_once_lose_no_row() {
    let server = TestServer::start();
    let dir = scratch("many");
    let path = dir.join("h.sqlite3");
    let toml = config(&path, "");
    let mut expected = 0;
    for processes in [2, 8] {
        let children: Vec<_> = (0..processes)
            .map(|_| {
                sealed_command(&toml)
                    .args(["-n", "5", "-i", "0", "--json", &server.url("/")])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("isitdown starts")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success());
            assert!(output.stderr.is_empty(), "{output:?}");
        }
        expected += processes * 5;
        assert_eq!(rows_in(&path), expected);
    }
}

/// Removes the immutable flag it set, even when the test fails.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_folder_leaves_the_check_as_it_was_with_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let server = TestServer::start();
    let dir = scratch("read-only");
    let folder = dir.join("locked-folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes through permissions; an immutable folder stops it too.
    let mut _guard = None;
    if std::fs::write(folder.join("probe"), "").is_ok() {
        std::fs::remove_file(folder.join("probe")).unwrap();
        let set = Command::new("chattr").arg("+i").arg(&folder).status();
        if !set.is_ok_and(|s| s.success()) {
            eprintln!("skipped: this user writes into read-only folders, and chattr +i fails");
            return;
        }
        _guard = Some(Immutable(folder.clone()));
    }
    let toml = config(&folder.join("h.sqlite3"), "");
    let output = run(&toml, &["--json", &server.url("/"), "http://127.0.0.1:9/"]);
    assert_unchanged_with_one_line(&output, &server, "cannot be written");
}

#[test]
fn a_path_that_cannot_be_a_database_leaves_the_check_as_it_was_with_one_line() {
    let server = TestServer::start();
    let dir = scratch("misplaced");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    for (path, says) in [
        (
            file.join("h.sqlite3"),
            format!("{} is a file, not a folder", file.display()),
        ),
        (dir.clone(), "is a folder, not a file".to_string()),
    ] {
        let output = run(
            &config(&path, ""),
            &["--json", &server.url("/"), "http://127.0.0.1:9/"],
        );
        assert_unchanged_with_one_line(&output, &server, &says);
    }
}

#[test]
fn secrets_in_a_url_are_neither_shown_nor_kept() {
    use std::os::unix::fs::PermissionsExt;
    let server = TestServer::start();
    let dir = scratch("secrets");
    let path = dir.join("private").join("h.sqlite3");
    let url = server.url("/?token=SECRET1&page=2&api_key=SECRET2");
    let output = run(&config(&path, ""), &["--json", "-v", &url]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("token=***&page=2&api_key=***"), "{shown}");
    let c = rusqlite::Connection::open(&path).unwrap();
    let (kept, key): (String, String) = c
        .query_row("SELECT url, target FROM probes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(
        !kept.contains("SECRET") && !key.contains("SECRET"),
        "{kept} {key}"
    );
    // The request itself carried them.
    assert!(server.requests()[0].path.contains("token=SECRET1"));
    let mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[test]
fn a_history_from_a_newer_isitdown_is_named_so_when_read() {
    let dir = scratch("newer");
    let path = dir.join("h.sqlite3");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA user_version = 99; CREATE TABLE later (a)")
        .unwrap();
    drop(c);
    let output = run(&config(&path, ""), &["--history"]);
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("was written by a newer isitdown, which this one cannot read"),
        "{lines:?}"
    );
    assert!(!lines[0].contains("not recorded"), "{lines:?}");
}

#[test]
fn a_full_disk_leaves_the_check_as_it_was_with_one_line() {
    let server = TestServer::start();
    let dir = scratch("full");
    let toml = config(&dir.join("h.sqlite3"), "");
    // A file size limit of 8 KiB: the log's index does not fit. The SIGXFSZ it raises would
    // end the program if left to its default.
    let mut command = sealed_command(&toml);
    let program = command.get_program().to_owned();
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg("ulimit -f 8 && exec \"$0\" \"$@\"")
        .arg(program)
        .args(["--json", &server.url("/"), "http://127.0.0.1:9/"]);
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => limited.env(name, value),
            None => limited.env_remove(name),
        };
    }
    command = limited;
    let output = command.stdin(Stdio::null()).output().unwrap();
    assert_unchanged_with_one_line(&output, &server, "is full");
}

#[test]
fn a_locked_database_leaves_the_check_as_it_was_with_one_line() {
    let server = TestServer::start();
    let dir = scratch("locked");
    let path = dir.join("h.sqlite3");
    let toml = config(&path, "");
    assert!(run(&toml, &[&server.url("/")]).status.success());
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let output = run(&toml, &["--json", &server.url("/"), "http://127.0.0.1:9/"]);
    holder.execute_batch("ROLLBACK").unwrap();
    assert_unchanged_with_one_line(&output, &server, "busy");
    assert_eq!(rows_in(&path), 1);
}

#[test]
fn a_watch_records_again_once_a_long_lock_is_gone() {
    use std::io::BufRead;
    let server = TestServer::start();
    let dir = scratch("long-lock");
    let path = dir.join("h.sqlite3");
    let toml = config(&path, "");
    assert!(run(&toml, &[&server.url("/")]).status.success());
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let mut watch = sealed_command(&toml)
        .args(["--json", "--watch", "-i", "100ms", &server.url("/")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (said, heard) = std::sync::mpsc::channel();
    let stderr = watch.stderr.take().unwrap();
    let listener = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = said.send(line);
        }
    });
    let first = heard.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(first.contains("is busy"), "{first}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    // Written again while the watch goes on, the rows that waited among them.
    eventually("the watch to write again", || rows_in(&path) > 10);
    let written_again = heard.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        written_again.contains("is written again"),
        "{written_again}"
    );
    let _ = Command::new("kill")
        .args(["-INT", &watch.id().to_string()])
        .status();
    let output = watch.wait_with_output().unwrap();
    listener.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let probes = json_lines(&output.stdout)
        .iter()
        .filter(|l| l["type"] == "probe")
        .count() as i64;
    assert_eq!(rows_in(&path), 1 + probes, "no probe lost to the lock");
    assert!(heard.try_recv().is_err(), "nothing more said");
}

#[test]
fn damage_found_while_writing_is_kept_aside_too() {
    let server = TestServer::start();
    let dir = scratch("damaged-inside");
    let path = dir.join("h.sqlite3");
    let toml = config(&path, "");
    for _ in 0..3 {
        assert!(run(&toml, &[&server.url("/")]).status.success());
    }
    // The log folded in, then every page but the first (which opening reads) overwritten.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(c);
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096, "{} bytes", bytes.len());
    for (i, byte) in bytes.iter_mut().enumerate().skip(4096) {
        *byte = (i * 7 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let output = run(&toml, &["--json", &server.url("/"), "http://127.0.0.1:9/"]);
    assert_unchanged_with_one_line(&output, &server, "damaged: kept as");
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with('Z'))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read(kept[0].path()).unwrap(), bytes);
    assert_eq!(rows_in(&path), 2, "a new database holds this run's probes");
}

#[test]
fn a_damaged_file_is_kept_aside_and_the_check_goes_on() {
    let server = TestServer::start();
    let dir = scratch("damaged");
    let path = dir.join("h.sqlite3");
    let garbage = "this was never a database ".repeat(400);
    std::fs::write(&path, &garbage).unwrap();
    let toml = config(&path, "");
    let output = run(&toml, &["--json", &server.url("/"), "http://127.0.0.1:9/"]);
    assert_unchanged_with_one_line(&output, &server, "damaged: kept as");
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).unwrap(), garbage);
    assert_eq!(rows_in(&path), 2, "a new database holds this run's probes");
}

fn row(target: &str, at: SystemTime, state: State, reason: &str) -> ProbeRow {
    ProbeRow {
        at,
        target: target.to_string(),
        url: "http://127.0.0.1/".to_string(),
        state,
        error_kind: None,
        status: Some(if state == State::Up { 200 } else { 503 }),
        latency: Some(Duration::from_millis(40)),
        reason: reason.to_string(),
        page: None,
        elsewhere: None,
    }
}

#[test]
fn pruning_keeps_the_file_under_its_cap() {
    let dir = scratch("prune");
    let path = dir.join("h.sqlite3");
    let limits = Retention {
        keep: Duration::from_secs(90 * 86_400),
        max_bytes: 1024 * 1024,
    };
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    let now = SystemTime::now();
    let reason = "answered 200 OK, and a reason long enough to fill pages quickly";
    for batch in 0..40u64 {
        let rows: Vec<ProbeRow> = (0..500u64)
            .map(|i| {
                let at = now - Duration::from_secs(86_400) + Duration::from_secs(batch * 500 + i);
                row(&format!("svc{}", i % 7), at, State::Up, reason)
            })
            .collect();
        store.write(&rows, &limits).unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size <= limits.max_bytes, "{size} bytes after batch {batch}");
    }
    let kept = rows_in(&path);
    assert!(kept > 1000 && kept < 20_000, "{kept} rows kept");
    // The newest rows are the ones kept.
    let c = rusqlite::Connection::open(&path).unwrap();
    let newest: i64 = c
        .query_row("SELECT max(id) FROM probes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(newest, 20_000);

    // Rows older than `keep` go on the next write, with their hours.
    let path = dir.join("kept.sqlite3");
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    let old = now - Duration::from_secs(10 * 86_400);
    store
        .write(&[row("svc0", old, State::Up, reason)], &limits)
        .unwrap();
    store
        .write(&[row("svc0", now, State::Up, reason)], &limits)
        .unwrap();
    assert_eq!(rows_in(&path), 2);
    let short = Retention {
        keep: Duration::from_secs(3 * 86_400),
        ..limits
    };
    store
        .write(&[row("svc0", now, State::Up, reason)], &short)
        .unwrap();
    assert_eq!(rows_in(&path), 2);
    let c = rusqlite::Connection::open(&path).unwrap();
    let hours: i64 = c
        .query_row("SELECT count(*) FROM hours", [], |r| r.get(0))
        .unwrap();
    assert_eq!(hours, 1);
}

#[test]
fn runs_that_each_write_a_row_leave_a_bounded_log_behind() {
    // Each one-shot run opens, writes a row and closes. The write-ahead log is left in place for
    // the next run (creating and deleting it cost each run), and folded in once it grows.
    let dir = scratch("log");
    let path = dir.join("h.sqlite3");
    let log = dir.join("h.sqlite3-wal");
    let limits = Retention::default();
    let mut largest = 0;
    for run in 0..120u64 {
        let (mut store, _) = Store::open_for_writing(&path).unwrap();
        let at = SystemTime::now() - Duration::from_secs(1000 - run);
        store
            .write(&[row("svc", at, State::Up, "answered 200 OK")], &limits)
            .unwrap();
        drop(store);
        let left = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
        largest = largest.max(left);
        if run == 0 {
            assert!(left > 0, "the log is left after a run");
        }
    }
    assert!(
        largest > 128 * 1024,
        "the log grew: {largest} bytes at most"
    );
    assert!(largest < 320 * 1024, "{largest} bytes of log left");
    assert_eq!(rows_in(&path), 120);

    // The database deleted and its log left: the next run starts afresh, and reads nothing of
    // the old log into the new database (SQLite deletes a log found beside an empty file).
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    store
        .write(
            &[row("svc", SystemTime::now(), State::Up, "answered")],
            &limits,
        )
        .unwrap();
    drop(store);
    assert!(log.exists());
    std::fs::remove_file(&path).unwrap();
    let (mut store, said) = Store::open_for_writing(&path).unwrap();
    assert!(said.is_none(), "{said:?}");
    store
        .write(
            &[row("new", SystemTime::now(), State::Up, "answered")],
            &limits,
        )
        .unwrap();
    drop(store);
    assert_eq!(rows_in(&path), 1);
}

/// Now, to the second, so that the page's times and the rows' agree exactly.
fn this_second() -> SystemTime {
    UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
}

const MINUTE: Duration = Duration::from_secs(60);

/// Eight hours of a probe every ten minutes: down (flapping with unknown) from 6 h ago to
/// 4 h ago, up before and after.
fn record_a_flapping_outage(path: &Path, target: &str, now: SystemTime) {
    let (mut store, _) = Store::open_for_writing(path).unwrap();
    let rows: Vec<ProbeRow> = (0..48u32)
        .map(|i| {
            let at = now - MINUTE * 480 + MINUTE * (10 * i);
            let ago = 480 - 10 * i;
            let (state, reason) = match ago {
                360 => (State::Down, "answered 503 Service Unavailable"),
                250..=359 if ago % 20 == 0 => (State::Unknown, "your connection seems down"),
                240..=359 => (State::Down, "answered 502 Bad Gateway"),
                _ => (State::Up, "answered 200 OK"),
            };
            row(target, at, state, reason)
        })
        .collect();
    store.write(&rows, &Retention::default()).unwrap();
}

fn page_config(server: &TestServer, path: &Path) -> String {
    format!(
        "{}[services.svc]\nname = \"Service\"\nurl = \"{}\"\nstatus_page = \"{}\"\ncomponents = [\"API\"]\n",
        config(path, ""),
        server.url("/"),
        server.url(""),
    )
}

/// `--history svc` of [`page_config`], in JSON Lines (exit code 0 checked) and for people.
fn service_history(server: &TestServer, path: &Path) -> (Vec<serde_json::Value>, String) {
    let json = run(&page_config(server, path), &["--history", "--json", "svc"]);
    assert_eq!(json.status.code(), Some(0), "{json:?}");
    let human = run(&page_config(server, path), &["--history", "svc"]);
    assert_eq!(human.status.code(), Some(0), "{human:?}");
    let text = String::from_utf8_lossy(&human.stdout).into_owned();
    (json_lines(&json.stdout), text)
}

fn incidents_json(now: SystemTime, incident_io: bool) -> String {
    let t = |minutes_ago: u32| rfc3339(now - MINUTE * minutes_ago);
    let components = if incident_io {
        "null".to_string()
    } else {
        r#"[{"name": "API"}]"#.to_string()
    };
    let start_key = if incident_io {
        "started_at"
    } else {
        "created_at"
    };
    format!(
        r#"{{"page": {{"name": "Service"}}, "incidents": [
            {{"name": "Login failures", "impact": "minor", "status": "resolved",
              "{start_key}": "{}", "resolved_at": "{}", "shortlink": "https://stspg.io/b",
              "components": {components}}},
            {{"name": "Elevated errors on the API", "impact": "major", "status": "resolved",
              "{start_key}": "{}", "resolved_at": "{}", "components": {components}}},
            {{"name": "Long ago", "impact": "critical", "status": "resolved",
              "{start_key}": "{}", "resolved_at": "{}", "components": {components}}}
        ]}}"#,
        t(120),
        t(90),
        t(240),
        t(210),
        t(60 * 24 * 30),
        t(60 * 24 * 29),
    )
}

#[test]
fn outages_are_merged_and_lined_up_with_the_incidents_of_statuspage_and_incident_io() {
    for incident_io in [false, true] {
        let server = TestServer::start();
        let dir = scratch(if incident_io {
            "incident-io"
        } else {
            "statuspage"
        });
        let path = dir.join("h.sqlite3");
        let now = this_second();
        record_a_flapping_outage(&path, "svc", now);
        server.route(
            "/api/v2/incidents.json",
            Reply::json(200, &incidents_json(now, incident_io)),
        );
        let (lines, text) = service_history(&server, &path);
        let kinds: Vec<_> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            ["history", "outage", "incident", "incident"],
            "{lines:?}"
        );
        let history = &lines[0];
        assert_eq!(history["probes"], 48);
        assert_eq!(history["outages"], 1);
        assert_eq!(
            history["down"].as_u64().unwrap() + history["unknown"].as_u64().unwrap(),
            13
        );
        let outage = &lines[1];
        assert_eq!(outage["state"], "down");
        assert_eq!(outage["reason"], "answered 503 Service Unavailable");
        assert_eq!(outage["started_at"], rfc3339_millis(now - MINUTE * 360));
        assert_eq!(outage["ended_at"], rfc3339_millis(now - MINUTE * 230));
        assert_eq!(outage["probes"], 13);
        // The page first spoke two hours into the outage.
        assert_eq!(outage["provider_silent_s"], 7200);
        let login = &lines[3];
        assert_eq!(login["title"], "Login failures");
        assert_eq!(login["seen_here"], false, "up here all along: {login}");
        let errors = &lines[2];
        assert_eq!(errors["seen_here"], true);
        assert_eq!(errors["impact"], "major");

        assert!(text.contains("the provider said nothing for 2 h"), "{text}");
        assert!(
            text.contains("an incident that never reached this machine"),
            "{text}"
        );
        assert!(text.contains("Elevated errors on the API"), "{text}");
    }
}

#[test]
fn a_degraded_that_only_the_page_caused_or_a_blind_spell_is_not_seen_here() {
    let server = TestServer::start();
    let dir = scratch("page-made");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    let at = |minutes_ago: u32| now - MINUTE * minutes_ago;
    let with_page = |mut row: ProbeRow, page: &'static str| {
        row.page = Some(page);
        row
    };
    let rows = vec![
        row("svc", at(300), State::Up, "answered 200 OK"),
        // The service answered well; the page's incident made it DEGRADED.
        with_page(
            row(
                "svc",
                at(290),
                State::Degraded,
                "answered 200 OK, but the page reports",
            ),
            "major",
        ),
        row("svc", at(280), State::Up, "answered 200 OK"),
        // This machine's own connection was down.
        row("svc", at(200), State::Unknown, "your connection seems down"),
        row("svc", at(190), State::Up, "answered 200 OK"),
        // Slow: the service's own DEGRADED.
        row(
            "svc",
            at(100),
            State::Degraded,
            "answered in 3 s, slower than 1 s",
        ),
        row("svc", at(90), State::Up, "answered 200 OK"),
    ];
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    store.write(&rows, &Retention::default()).unwrap();
    drop(store);
    let t = |minutes_ago: u32| rfc3339(now - MINUTE * minutes_ago);
    let incidents = format!(
        r#"{{"incidents": [
            {{"name": "Slow API", "impact": "minor", "status": "resolved", "started_at": "{}",
              "resolved_at": "{}", "components": [{{"name": "API"}}]}},
            {{"name": "While you were offline", "impact": "major", "status": "resolved",
              "started_at": "{}", "resolved_at": "{}", "components": [{{"name": "API"}}]}},
            {{"name": "Said, not seen", "impact": "major", "status": "resolved",
              "started_at": "{}", "resolved_at": "{}", "components": [{{"name": "API"}}]}}
        ]}}"#,
        t(105),
        t(95),
        t(205),
        t(195),
        t(295),
        t(285),
    );
    server.route("/api/v2/incidents.json", Reply::json(200, &incidents));
    let (lines, text) = service_history(&server, &path);
    let seen = |title: &str| {
        lines
            .iter()
            .find(|l| l["title"] == title)
            .unwrap_or_else(|| panic!("{title}: {lines:?}"))["seen_here"]
            .clone()
    };
    assert_eq!(seen("Slow API"), true);
    assert_eq!(seen("Said, not seen"), false, "{lines:?}");
    assert_eq!(seen("While you were offline"), serde_json::Value::Null);
    assert!(
        text.contains("an incident that never reached this machine"),
        "{text}"
    );
    assert!(
        text.contains("this machine's own connection was down then"),
        "{text}"
    );
}

#[test]
fn an_incident_history_in_a_shape_not_known_claims_no_silence() {
    let server = TestServer::start();
    let dir = scratch("odd-history");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    record_a_flapping_outage(&path, "svc", now);
    for body in [
        r#"{"unexpected": true}"#,
        "[1, 2]",
        r#"{"incidents": "none"}"#,
    ] {
        server.route("/api/v2/incidents.json", Reply::json(200, body));
        let (lines, text) = service_history(&server, &path);
        assert!(
            lines[0]["status_page_error"]
                .as_str()
                .is_some_and(|e| e.contains("expected format")),
            "{body}: {lines:?}"
        );
        let outage = lines.iter().find(|l| l["type"] == "outage").unwrap();
        assert!(outage["provider_silent_s"].is_null(), "{body}: {outage}");
        assert!(text.contains("incident history unreadable"), "{text}");
        assert!(!text.contains("said nothing"), "{text}");
    }
}

#[test]
fn an_incident_dated_back_and_one_between_two_probes_are_told_as_they_were() {
    let server = TestServer::start();
    let dir = scratch("dated-back");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    record_a_flapping_outage(&path, "svc", now);
    let t = |minutes_ago: u32| rfc3339(now - MINUTE * minutes_ago);
    // The first incident is dated back to the start of the outage but was published an hour
    // into it; the second begins and ends between two probes ten minutes apart; the third
    // says it had no impact.
    let incidents = format!(
        r#"{{"incidents": [
            {{"name": "Errors", "impact": "major", "status": "resolved", "started_at": "{}",
              "created_at": "{}", "resolved_at": "{}", "components": [{{"name": "API"}}]}},
            {{"name": "A blip", "impact": "minor", "status": "resolved", "started_at": "{}",
              "created_at": "{}", "resolved_at": "{}", "components": [{{"name": "API"}}]}},
            {{"name": "Heads-up", "impact": "none", "status": "resolved", "started_at": "{}",
              "created_at": "{}", "resolved_at": "{}", "components": [{{"name": "API"}}]}}
        ]}}"#,
        t(360),
        t(300),
        t(230),
        t(415),
        t(415),
        t(412),
        t(470),
        t(470),
        t(440),
    );
    server.route("/api/v2/incidents.json", Reply::json(200, &incidents));
    let (lines, text) = service_history(&server, &path);
    let outage = lines.iter().find(|l| l["type"] == "outage").unwrap();
    assert_eq!(outage["provider_silent_s"], 3600, "{outage}");
    let incident = |title: &str| {
        lines
            .iter()
            .find(|l| l["title"] == title)
            .unwrap_or_else(|| panic!("{title}: {lines:?}"))
    };
    assert_eq!(incident("Errors")["seen_here"], true);
    assert_eq!(
        incident("A blip")["seen_here"],
        serde_json::Value::Null,
        "not probed while it lasted, though probed in that hour"
    );
    assert_eq!(
        incident("Heads-up")["seen_here"],
        serde_json::Value::Null,
        "no impact: not expected to reach this machine"
    );
    assert!(text.contains("the provider said nothing for 1 h"), "{text}");
    assert!(!text.contains("never reached this machine"), "{text}");

    // A period that begins inside an hour counts that hour's probes from its beginning on.
    let output = run(
        &page_config(&server, &path),
        &[
            "--history",
            "--json",
            "--no-status-page",
            "--since",
            "125m",
            "svc",
        ],
    );
    let history = json_lines(&output.stdout).remove(0);
    assert_eq!(history["probes"], 12, "{history}");
    assert_eq!(history["up"], 12, "{history}");
}

/// A service of `format` whose page (and API, where it has one) is `server`.
fn format_config(server: &TestServer, path: &Path, format: &str, more: &str) -> String {
    format!(
        "{}[services.svc]\nname = \"Service\"\nurl = \"{}\"\nstatus_page = \"{}\"\nstatus_format = \"{format}\"\n{more}",
        config(path, ""),
        server.url("/"),
        server.url(""),
    )
}

fn rfc2822(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap()
}

#[test]
fn the_histories_of_google_slack_better_stack_and_status_io_are_lined_up_too() {
    let now = this_second();
    let t = |minutes_ago: u32| rfc3339(now - MINUTE * minutes_ago);
    // Each page: one incident during the outage seen here (4 h to 3 h 30 ago), one while this
    // machine found the service up (2 h to 1 h 30 ago), and one of another part of the page.
    let google = format!(
        r#"[
        {{"external_desc": "API errors", "begin": "{}", "end": "{}", "severity": "high",
          "affected_products": [{{"title": "Widget API", "id": "w1"}}]}},
        {{"external_desc": "API latency", "begin": "{}", "end": "{}", "severity": "low",
          "affected_products": [{{"title": "Widget API", "id": "w1"}}]}},
        {{"external_desc": "Storage down", "begin": "{}", "affected_products": [{{"title": "Storage"}}]}}
        ]"#,
        t(240),
        t(210),
        t(120),
        t(90),
        t(100)
    );
    let slack = format!(
        r#"[
        {{"title": "Other trouble", "type": "outage", "status": "active", "date_created": "{}",
          "services": ["Huddles"]}},
        {{"title": "API latency", "type": "incident", "status": "resolved", "date_created": "{}",
          "date_updated": "{}", "services": ["API"]}},
        {{"title": "API errors", "type": "outage", "status": "resolved", "date_created": "{}",
          "date_updated": "{}", "services": ["API"]}}
        ]"#,
        t(100),
        t(120),
        t(90),
        t(240),
        t(210)
    );
    let betterstack = format!(
        r#"{{"data": {{"type": "status_page", "attributes": {{"aggregate_state": "operational"}}}},
        "included": [
          {{"type": "status_page_resource", "id": "1", "attributes": {{"public_name": "API"}}}},
          {{"type": "status_page_resource", "id": "2", "attributes": {{"public_name": "Storage"}}}},
          {{"type": "status_report", "id": "10", "attributes": {{"title": "API errors",
            "starts_at": "{}", "ends_at": null, "aggregate_state": "resolved",
            "affected_resources": [{{"status_page_resource_id": "1", "status": "downtime"}}]}},
            "relationships": {{"status_updates": {{"data": [{{"id": "20", "type": "status_update"}}]}}}}}},
          {{"type": "status_update", "id": "20", "attributes": {{"published_at": "{}"}}}},
          {{"type": "status_report", "id": "11", "attributes": {{"title": "API latency",
            "starts_at": "{}", "ends_at": "{}", "aggregate_state": "resolved",
            "affected_resources": [{{"status_page_resource_id": "1", "status": "degraded"}}]}}}},
          {{"type": "status_report", "id": "12", "attributes": {{"title": "Storage down",
            "starts_at": "{}", "aggregate_state": "downtime",
            "affected_resources": [{{"status_page_resource_id": "2", "status": "downtime"}}]}}}}
        ]}}"#,
        t(240),
        t(210),
        t(120),
        t(90),
        t(100)
    );
    let feed = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Service Status</title>
        <item><title>API latency</title><pubDate>{}</pubDate></item>
        <item><title>API errors</title><pubDate>{}</pubDate></item>
        </channel></rss>"#,
        rfc2822(now - MINUTE * 120),
        rfc2822(now - MINUTE * 240),
    );
    type Case<'a> = (&'a str, &'a str, &'a str, &'a str, Reply);
    let cases: [Case; 4] = [
        (
            "google-cloud",
            "product = \"widget api\"\nstatus_api = \"API/incidents.json\"\n",
            "/incidents.json",
            "major minor",
            Reply::json(200, &google),
        ),
        (
            "slack",
            "components = [\"API\"]\n",
            "/api/v2.0.0/history",
            "major minor",
            Reply::json(200, &slack),
        ),
        (
            "betterstack",
            "components = [\"API\"]\n",
            "/index.json",
            "major minor",
            Reply::json(200, &betterstack),
        ),
        (
            "statusio",
            "status_api = \"API/1.0/status/5b36dc6502d06804c08349f7\"\n",
            "/pages/5b36dc6502d06804c08349f7/rss",
            "post post",
            Reply::new(200)
                .header("content-type", "application/rss+xml")
                .body(feed.clone()),
        ),
    ];
    for (format, more, route, impacts, reply) in cases {
        let server = TestServer::start();
        let path = scratch(&format!("past-{format}")).join("h.sqlite3");
        record_a_flapping_outage(&path, "svc", now);
        server.route(route, reply);
        let more = more.replace("API/", &server.url("/"));
        let toml = format_config(&server, &path, format, &more);
        let output = run(&toml, &["--history", "--json", "svc"]);
        assert_eq!(output.status.code(), Some(0), "{format}: {output:?}");
        let lines = json_lines(&output.stdout);
        let incidents: Vec<_> = lines.iter().filter(|l| l["type"] == "incident").collect();
        let titles: Vec<_> = incidents
            .iter()
            .map(|i| i["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["API errors", "API latency"], "{format}: {lines:?}");
        let found: Vec<_> = incidents
            .iter()
            .map(|i| i["impact"].as_str().unwrap_or("post"))
            .collect();
        assert_eq!(found.join(" "), impacts, "{format}");
        let millis = |minutes_ago: u32| rfc3339_millis(now - MINUTE * minutes_ago);
        assert_eq!(incidents[0]["started_at"], millis(240), "{format}");
        if format == "statusio" {
            assert!(
                incidents.iter().all(|i| i["seen_here"].is_null()),
                "{format}"
            );
            continue;
        }
        assert_eq!(incidents[0]["resolved_at"], millis(210), "{format}");
        assert_eq!(incidents[0]["seen_here"], true, "{format}");
        assert_eq!(incidents[1]["seen_here"], false, "{format}");
        let outage = lines.iter().find(|l| l["type"] == "outage").unwrap();
        // The page first spoke two hours into the outage.
        assert_eq!(outage["provider_silent_s"], 7200, "{format}");
    }
}

fn rfc3339_millis(time: SystemTime) -> String {
    isitdown::text::timestamp::rfc3339_millis(time)
}

#[test]
fn the_timeline_fits_eighty_columns_for_one_target_a_tag_and_all() {
    let server = TestServer::start();
    let dir = scratch("timeline");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    record_a_flapping_outage(&path, "svc", now);
    record_a_flapping_outage(&path, "other", now);
    let toml = format!(
        "{}[services.other]\nname = \"A service with a name far too long for one line of eighty columns\"\nurl = \"{}\"\ntags = [\"mine\"]\n",
        page_config(&server, &path),
        server.url("/other"),
    );
    for (args, targets) in [
        (vec!["--history", "svc"], 1),
        (vec!["--history", "@mine", "--since", "30d"], 1),
        (vec!["--history", "--since", "12h"], 2),
        (vec!["--history", "--no-status-page"], 2),
    ] {
        let output = run(&toml, &args);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        for line in text.lines() {
            let columns = isitdown::text::columns::count(line);
            assert!(columns <= 80, "{columns} columns: {line}\n{text}");
        }
        assert_eq!(text.matches("% available").count(), targets, "{text}");
        assert!(text.contains("times in "), "{text}");
    }
    // A narrower terminal: the legend and the figures wrap, losing nothing.
    let output = sealed_command(&toml)
        .args(["--history", "svc"])
        .env("COLUMNS", "50")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for line in text.lines() {
        let columns = isitdown::text::columns::count(line);
        assert!(columns <= 50, "{columns} columns: {line}\n{text}");
    }
    for words in [
        "█ down",
        "· not probed",
        "1 outage",
        "latency p50 40 ms p95 40 ms",
        "times in UTC",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
}

#[test]
fn a_target_that_flapped_all_day_lists_its_latest_outages_and_counts_the_rest() {
    let dir = scratch("flapped");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    // 30 outages of ten minutes, one an hour.
    let rows: Vec<ProbeRow> = (0..60u32)
        .map(|i| {
            let at = now - MINUTE * 1800 + MINUTE * (30 * i);
            match i % 2 {
                0 => row("svc", at, State::Up, "answered 200 OK"),
                _ => row("svc", at, State::Down, "answered 503"),
            }
        })
        .collect();
    store.write(&rows, &Retention::default()).unwrap();
    drop(store);
    let toml = format!(
        "{}[services.svc]\nurl = \"http://127.0.0.1:9/\"\ntags = [\"mine\"]\n[services.idle]\nurl = \"http://127.0.0.1:9/\"\ntags = [\"mine\"]\n[services.idle2]\nurl = \"http://127.0.0.1:9/\"\ntags = [\"mine\"]\n",
        config(&path, "")
    );
    let output = run(
        &toml,
        &["--history", "@mine", "--since", "2d", "--no-status-page"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.matches("DOWN ").count(), 10, "{text}");
    assert!(text.contains("30 outages"), "{text}");
    assert!(text.contains("20 earlier outages, in --json"), "{text}");
    // The targets with nothing recorded are counted at the end, not shown one by one.
    assert!(!text.contains("no probes recorded"), "{text}");
    assert!(
        text.contains("2 more targets: nothing recorded in this period"),
        "{text}"
    );
    let json = run(
        &toml,
        &[
            "--history",
            "svc",
            "--since",
            "2d",
            "--json",
            "--no-status-page",
        ],
    );
    let lines = json_lines(&json.stdout);
    let outages: Vec<_> = lines.iter().filter(|l| l["type"] == "outage").collect();
    assert_eq!(outages.len(), 30);
    // The latest one is the last listed (times in UTC here, as in JSON).
    let latest = outages[29]["started_at"].as_str().unwrap();
    let last = text.lines().rfind(|l| l.contains("DOWN ")).unwrap();
    assert!(last.contains(&latest[11..16]), "{latest}: {last}");
    // One target named alone says it has nothing.
    let alone = run(&toml, &["--history", "idle", "--no-status-page"]);
    assert!(String::from_utf8_lossy(&alone.stdout).contains("no probes recorded"));
}

#[test]
fn the_mark_of_this_hour_holds_the_probe_just_made_in_a_zone_half_an_hour_off() {
    let server = TestServer::start();
    let dir = scratch("half-hour");
    let toml = config(&dir.join("h.sqlite3"), "");
    for zone in ["Asia/Kolkata", "America/St_Johns", "UTC"] {
        let probed = sealed_command(&toml)
            .env("TZ", zone)
            .arg(server.url("/"))
            .output()
            .unwrap();
        assert_eq!(probed.status.code(), Some(0));
        let shown = sealed_command(&toml)
            .env("TZ", zone)
            .args(["--history", "--since", "1d", "--no-status-page"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&shown.stdout);
        let bar = text
            .lines()
            .find(|l| l.starts_with("  ") && (l.contains('·') || l.contains('▁')))
            .unwrap_or_else(|| panic!("{zone}: {text}"));
        assert!(bar.trim_end().ends_with('▁'), "{zone}: {text}");
        assert_eq!(bar.trim().chars().count(), 24, "{zone}: {text}");
    }
}

#[test]
fn a_watch_says_what_an_earlier_run_saw_still_down() {
    let server = TestServer::start();
    let dir = scratch("watch-past");
    let path = dir.join("h.sqlite3");
    let now = this_second();
    let (mut store, _) = Store::open_for_writing(&path).unwrap();
    let key = server.url("/status/503");
    let rows = [
        row(&key, now - MINUTE * 200, State::Up, "answered 200 OK"),
        row(&key, now - MINUTE * 133, State::Down, "answered 503"),
        row(&key, now - MINUTE * 60, State::Down, "answered 503"),
    ];
    store.write(&rows, &Retention::default()).unwrap();
    drop(store);
    let output = run(
        &config(&path, ""),
        &["--watch", "-n", "1", &server.url("/status/503")],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("down since")
            && stderr.contains(" UTC, 2 h 13 min, seen by an earlier run"),
        "{stderr}"
    );
}

#[test]
fn history_options_and_settings_that_make_no_sense_are_bad_input() {
    let server = TestServer::start();
    let url = server.url("/");
    for (toml, args, says) in [
        ("", vec!["--since", "1d", url.as_str()], "give it --history"),
        (
            "",
            vec!["--history", "--watch", url.as_str()],
            "cannot go with --watch",
        ),
        ("", vec!["--history", "--since", "0s"], "longer than zero"),
        (
            "",
            vec!["--history", "--format", "nagios", url.as_str()],
            "--format human or --json",
        ),
        ("", vec!["--history", "--since", "99999y"], "too long"),
        (
            "[history]\nmax_mb = 0\n",
            vec![url.as_str()],
            "[history] max_mb",
        ),
        (
            "[history]\nkeep = \"soon\"\n",
            vec![url.as_str()],
            "[history] keep",
        ),
        (
            "[history]\npath = \"\"\n",
            vec![url.as_str()],
            "[history] path is empty",
        ),
        ("[history]\ncolour = 1\n", vec![url.as_str()], "colour"),
    ] {
        let output = run(toml, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?} should say {says}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert!(server.requests().is_empty());
    // A configured `since` waits for a --history.
    let output = run("[defaults]\nsince = \"30d\"\n", &["--no-record", &url]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}
