//! Many targets at once: from files and tags, a thousand probed together, within the
//! descriptor limit, with one line of counts at the end.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::*;
use predicates::prelude::*;

/// The sealed command, run through `sh` with this many open files allowed.
fn with_open_files(limit: u32, toml: &str, args: &[String]) -> Command {
    let sealed = sealed_command(toml);
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
        .arg(sealed.get_program())
        .args(args);
    for (name, value) in sealed.get_envs() {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command
}

fn scratch_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_thousand_targets_are_reported_in_the_order_given() {
    let server = TestServer::start();
    // Nothing is answered before a hundred requests are in flight at once.
    server.gather(100);
    let urls: Vec<String> = (0..1000).map(|i| server.url(&format!("/?n={i}"))).collect();
    let file = scratch_file("thousand", &urls.join("\n"));
    let output = isitdown()
        .args(["--json", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines = json_lines(&output.stdout);
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, urls);
    assert!(lines.iter().all(|l| l["state"] == "up"));
    // Probed together, not one after another.
    assert!(
        server.most_in_flight() >= 100,
        "{}",
        server.most_in_flight()
    );
}

#[test]
fn slow_targets_wait_together_within_a_small_descriptor_limit() {
    let server = TestServer::start();
    server.route(
        "/slow",
        Reply::text(200, "ok").delay(Duration::from_millis(200)),
    );
    // 256 descriptors allow about a hundred at once: nothing is answered before fifty wait
    // together.
    server.gather(50);
    let mut args: Vec<String> = vec!["--json".into()];
    args.extend((0..1000).map(|i| server.url(&format!("/slow?n={i}"))));
    let output = with_open_files(256, "", &args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", output.stderr);
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 1000);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["state"], "up", "{line}");
        assert_eq!(line["target"], server.url(&format!("/slow?n={i}")));
    }
    // Many rounds of many at once, never more connections than descriptors.
    let most = server.most_in_flight();
    assert!(
        (50..256).contains(&most),
        "{most} requests in flight at once"
    );
}

#[test]
fn slow_targets_from_one_server_do_not_wait_behind_each_other() {
    let server = TestServer::start();
    server.route(
        "/slow",
        Reply::text(200, "ok").delay(Duration::from_millis(500)),
    );
    // Nothing is answered before all 300 wait at once: in waves of 64 they never would.
    server.gather(300);
    let urls: Vec<String> = (0..300)
        .map(|i| server.url(&format!("/slow?n={i}")))
        .collect();
    let output = isitdown().arg("-q").args(&urls).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(server.most_in_flight(), 300);
}

#[test]
fn repeated_runs_keep_the_threads_bounded() {
    let server = TestServer::start();
    server.route(
        "/slow",
        Reply::text(200, "ok").delay(Duration::from_millis(100)),
    );
    let mut args: Vec<String> = vec!["--watch".into(), "-i".into(), "0".into(), "-q".into()];
    args.extend((0..400).map(|i| server.url(&format!("/slow?n={i}"))));
    let mut child = with_open_files(128, "", &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let probed = || -> std::collections::BTreeSet<String> {
        server.requests().into_iter().map(|r| r.path).collect()
    };
    let (most, _) = most_held_until(child.id(), "every target probed", || probed().len() == 400);
    let _ = child.kill();
    let _ = child.wait();
    // 128 descriptors: 40 workers, 8 in reserve, the main thread.
    assert!(most > 10, "the run never got going: {most} threads");
    assert!(most <= 50, "{most} threads for 400 targets");
    assert_eq!(probed().len(), 400, "every target gets probed");
}

#[test]
fn a_file_of_targets_skips_comments_and_blank_lines() {
    let server = TestServer::start();
    // Saved by an editor that starts the file with a byte-order mark and ends lines with CRLF.
    let text = format!(
        "\u{feff}# my services\r\n\r\n{}   # the root\r\n   \r\n{}\r\n",
        server.url("/"),
        server.url("/status/500")
    );
    let file = scratch_file("targets", &text);
    let output = isitdown()
        .args(["--json", "-f"])
        .arg(&file)
        .arg(server.url("/first"))
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            server.url("/first"),
            server.url("/"),
            server.url("/status/500")
        ]
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn targets_can_come_from_standard_input() {
    let server = TestServer::start();
    let mut child = sealed_command("")
        .args(["--json", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    server.route("/a", Reply::new(200));
    server.route("/b", Reply::new(204));
    let text = format!("{}\n#\n{}\n", server.url("/a"), server.url("/b"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["target"], server.url("/b"));
}

#[test]
fn a_bad_line_in_a_file_is_named_by_its_number() {
    let file = scratch_file(
        "bad-targets",
        "http://127.0.0.1:9/\n\n# fine\nftp://127.0.0.1/\n",
    );
    isitdown()
        .arg("-f")
        .arg(&file)
        .assert()
        .code(64)
        .stdout("")
        .stderr(predicate::str::contains("line 4: 'ftp://127.0.0.1/'"));
    isitdown()
        .args(["-f", "/nonexistent/targets.txt"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "cannot read the target file /nonexistent/targets.txt",
        ));
    let empty = scratch_file("no-targets", "# nothing\n\n");
    isitdown()
        .arg("-f")
        .arg(&empty)
        .assert()
        .code(64)
        .stderr(predicate::str::contains("no target given"));
}

fn tagged_config(server: &TestServer) -> String {
    format!(
        "[services.alpha]\nurl = \"{}\"\ntags = [\"Mine\", \"ai\"]\n\
         [services.beta]\nurl = \"{}\"\ntags = [\"mine\"]\n\
         [services.gamma]\nurl = \"{}\"\n",
        server.url("/alpha"),
        server.url("/status/503"),
        server.url("/gamma"),
    )
}

#[test]
fn a_tag_stands_for_every_service_that_has_it() {
    let server = TestServer::start();
    let output = isitdown_with_config(&tagged_config(&server))
        .args(["--json", "beta", "@mine"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["beta", "alpha"]);
    assert_eq!(output.status.code(), Some(2));
    isitdown_with_config(&tagged_config(&server))
        .arg("@nope")
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "no service is tagged 'nope'; known tags: ai,",
        ))
        .stderr(predicate::str::contains(" mine"));
}

#[test]
fn all_stands_for_the_whole_catalog_config_services_included() {
    // An IPv4 service under -6 stops the run before anything is probed: that shows @all
    // reached the config's service without a request to any of the catalog's public hosts.
    let config = "[services.zz-local]\nurl = \"http://127.0.0.1:9/\"\n";
    isitdown_with_config(config)
        .args(["-6", "@all"])
        .assert()
        .code(64)
        .stdout("")
        .stderr(predicate::str::contains(
            "'zz-local' is an IPv4 address, but -6 allows no other",
        ));
}

#[test]
fn the_list_shows_tags() {
    let server = TestServer::start();
    let config = tagged_config(&server);
    let output = isitdown_with_config(&config)
        .arg("--list")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().next().unwrap().contains("TAGS"), "{text}");
    let alpha = text.lines().find(|l| l.starts_with("alpha")).unwrap();
    assert!(alpha.contains(" mine,ai "), "{alpha}");
    let output = isitdown_with_config(&config)
        .args(["--list", "--json"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let alpha = lines.iter().find(|l| l["key"] == "alpha").unwrap();
    // Lowercased, in the order written.
    assert_eq!(alpha["tags"], serde_json::json!(["mine", "ai"]));
}

#[test]
fn several_targets_end_with_a_line_of_counts() {
    let server = TestServer::start();
    // Degraded by its status, not by a time a loaded machine could make every answer take.
    server.route("/degraded", Reply::new(429));
    server.route("/other", Reply::new(204));
    isitdown()
        .args([
            server.url("/"),
            server.url("/status/500"),
            server.url("/degraded"),
            server.url("/other"),
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::ends_with(
            "4 checked: 2 up, 1 degraded, 1 down\n",
        ));
    // One target needs no count.
    isitdown()
        .arg(server.url("/"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked:").not());
}

#[test]
fn only_problems_hides_what_is_up() {
    let server = TestServer::start();
    server.route("/up", Reply::new(200));
    let targets = [server.url("/up"), server.url("/status/500")];
    let output = isitdown()
        .arg("--only-problems")
        .args(&targets)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("UP "), "{text}");
    assert!(text.contains("DOWN"), "{text}");
    assert!(text.ends_with("2 checked: 1 up, 1 down\n"), "{text}");
    // In repeated runs too, probe by probe; the summaries still cover every target.
    let output = isitdown()
        .args(["--only-problems", "-n", "2", "-i", "0"])
        .args(&targets)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let probe_lines: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(probe_lines.len(), 2, "{text}");
    assert!(probe_lines.iter().all(|l| l.contains("DOWN")), "{text}");
    assert!(text.contains("/up: 2 probes"), "{text}");
}

#[test]
fn on_change_commands_for_many_targets_keep_the_threads_bounded() {
    let server = TestServer::start();
    let mut args: Vec<String> = ["-n", "2", "-i", "0", "--on-change-initial", "--on-change"]
        .map(String::from)
        .into();
    args.push("echo \"hook $ISITDOWN_TARGET\"".into());
    args.extend((0..300).map(|i| server.url(&format!("/?n={i}"))));
    let mut child = with_open_files(128, "", &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let mut status = None;
    let (most, _) = most_held_until(child.id(), "the end of the run", || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    // 128 descriptors: 40 workers, 8 in reserve, the main thread, and four hook workers;
    // a thread per target would be over 300.
    assert!(most <= 60, "{most} threads for 300 targets with hooks");
    let stderr = reading.join().unwrap();
    let hooked: std::collections::BTreeSet<&str> =
        stderr.lines().filter(|l| l.starts_with("hook ")).collect();
    assert_eq!(
        hooked.len(),
        300,
        "every target's first state runs the hook once"
    );
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
}

/// The environment a process started with, or replaced itself with: `NAME=value` lines.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn environment_of(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', "\n"))
        .unwrap_or_default()
}

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn a_watch_of_many_targets_turns_glibcs_thread_caches_off_and_its_hooks_see_the_start() {
    let server = TestServer::start();
    let seen = scratch_file("hook-environment", "");
    let hook = format!(
        "printf '%s|%s\\n' \"${{GLIBC_TUNABLES-unset}}\" \"${{ISITDOWN_GLIBC_TUNABLES_WAS-unset}}\" >> '{}'",
        seen.display()
    );
    let hooked = || std::fs::read_to_string(&seen).unwrap_or_default();
    // A user's own setting is kept beside the restart's, and given back to the hooks; so is
    // its absence.
    let own = Some("glibc.malloc.perturb=0");
    for (targets, restarted, tunables) in [(63, false, own), (64, true, own), (64, true, None)] {
        std::fs::write(&seen, "").unwrap();
        let mut args: Vec<String> = ["--watch", "-i", "0", "-q", "--on-change-initial"]
            .map(String::from)
            .into();
        args.extend(["--on-change".into(), hook.clone()]);
        args.extend((0..targets).map(|i| server.url(&format!("/?n={i}"))));
        let mut command = sealed_command("");
        match tunables {
            Some(value) => command.env("GLIBC_TUNABLES", value),
            None => command.env_remove("GLIBC_TUNABLES"),
        };
        let mut child = command
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        eventually("every target's first state runs the hook", || {
            hooked().lines().count() >= targets
        });
        // The restart comes before any probe: by now the process is what it stays.
        let environment = environment_of(child.id());
        let _ = child.kill();
        let _ = child.wait();
        // glibc may cut the variable at its first setting as it reads it: the whole value is
        // in the process's first environment all the same.
        assert_eq!(
            environment.contains("glibc.malloc.tcache_count=0"),
            restarted,
            "{targets}: {environment}"
        );
        let was = format!("ISITDOWN_GLIBC_TUNABLES_WAS={}\n", tunables.unwrap_or(""));
        assert_eq!(
            environment.contains(&was),
            restarted,
            "{targets}: {environment}"
        );
        let expected = format!("{}|unset", tunables.unwrap_or("unset"));
        for line in hooked().lines() {
            assert_eq!(line, expected, "{targets} targets, {tunables:?}");
        }
    }
}

#[test]
fn a_repeated_run_of_many_targets_from_standard_input_probes_them_all() {
    let server = TestServer::start();
    let text: String = (0..80)
        .map(|i| format!("{}\n", server.url(&format!("/?n={i}"))))
        .collect();
    let output = isitdown()
        .args(["--json", "-n", "2", "-i", "0", "-f", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let probes = json_lines(&output.stdout)
        .into_iter()
        .filter(|line| line["type"] == "probe")
        .count();
    assert_eq!(probes, 160, "two rounds of the 80 targets read");
}
