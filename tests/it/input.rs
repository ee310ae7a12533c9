//! What the user types: targets, options and config files. Bad input is one sentence and exit 64.

use std::process::Command as StdCommand;

use crate::support::*;
use predicates::prelude::*;

fn bad_input(args: &[&str], says: &str) {
    let output = isitdown().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(64), "{args:?}: {stderr}");
    assert!(
        stderr.contains(says),
        "{args:?} should say '{says}': {stderr}"
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one sentence: {stderr}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_targets_are_bad_input() {
    bad_input(&["chatgtp"], "did you mean 'chatgpt'?");
    bad_input(&["GitHib"], "did you mean 'github'?");
    bad_input(&["qwertyuiop"], "not a known service");
    bad_input(&[""], "empty target");
    bad_input(&["ftp://example.com/file"], "http:// or https://");
    bad_input(&["file:///etc/passwd"], "http:// or https://");
    bad_input(&["http://exa mple.com/"], "not a valid URL");
    bad_input(&["http://"], "not a valid URL");
    bad_input(&["http:///path"], "has no host name");
    bad_input(&["https:///"], "has no host name");
    bad_input(&["example.com:99999"], "not a valid URL");
    bad_input(&[], "no target given");
}

#[test]
fn a_bad_target_stops_everything_before_any_probe() {
    let server = TestServer::start();
    isitdown()
        .arg(server.url("/"))
        .arg("nosuchservice")
        .assert()
        .code(64)
        .stdout("");
    assert!(server.requests().is_empty());
}

#[test]
fn bad_options_are_bad_input() {
    bad_input(&["--bogus", "example.com"], "unexpected argument '--bogus'");
    bad_input(&["--timeout", "soon", "example.com"], "not a duration");
    bad_input(
        &["-t", "-1s", "example.com"],
        "invalid value '-1s' for '--timeout <DURATION>': a duration cannot be negative",
    );
    bad_input(&["--since", "-1d", "--history"], "'--since <DURATION>'");
    bad_input(&["http://127.0.0.1:0/"], "port 0 is not a port");
    bad_input(
        &["--slow", "0", "example.com"],
        "--slow must be longer than zero",
    );
    bad_input(
        &["--on-change", " ", "-w", "example.com"],
        "--on-change needs a command",
    );
    bad_input(&["--count", "0", "example.com"], "--count");
    bad_input(
        &["--expect", "2zz", "example.com"],
        "not a list of statuses",
    );
    bad_input(&["-X", "POST", "example.com"], "POST");
    bad_input(&["--format", "xml", "example.com"], "xml");
    bad_input(&["--color", "sometimes", "example.com"], "sometimes");
    bad_input(&["-4", "-6", "example.com"], "cannot be used with");
    bad_input(
        &["--resolve", "example.com:443", "example.com"],
        "--resolve 'example.com:443': expected HOST:PORT:ADDR[,ADDR...]",
    );
    bad_input(
        &["-6", "http://127.0.0.1:9/"],
        "is an IPv4 address, but -6 allows no other",
    );
    bad_input(
        &["-4", "http://[::1]:9/"],
        "is an IPv6 address, but -4 allows no other",
    );
    bad_input(&["https:/example.com"], "write https://host/path");
    bad_input(&["mailto:someone@example.com"], "http:// or https://");
    bad_input(
        &["-X", "HEAD", "--contains", "x", "example.com"],
        "cannot go with -X HEAD",
    );
    bad_input(
        &["--cacert", "/nonexistent/ca.pem", "example.com"],
        "--cacert /nonexistent/ca.pem",
    );
    bad_input(
        &["--config", "", "example.com"],
        "a value is required for '--config <FILE>' (see",
    );
}

#[test]
fn header_values_are_never_printed_back() {
    let output = isitdown()
        .args(["-H", "Authorization Bearer topsecret", "example.com"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("topsecret"));
}

#[test]
fn passwords_in_bad_targets_are_not_echoed() {
    let output = isitdown()
        .arg("http://user:topsecret@exa mple.com/")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("topsecret") && stderr.contains("***"),
        "{stderr}"
    );
}

#[test]
fn help_and_version_exit_zero() {
    isitdown()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Usage: isitdown"));
    isitdown().arg("-h").assert().code(0);
    isitdown()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(format!("isitdown {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_catalog_lists_as_a_table_and_as_json() {
    isitdown().arg("--list").assert().code(0).stdout(
        predicate::str::contains("chatgpt").and(predicate::str::contains("status.openai.com")),
    );
    isitdown()
        .args(["--list", "-v"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("https://status.openai.com"));
    let output = isitdown().args(["--list", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let services = json_lines(&output.stdout);
    assert!(services.len() >= 40, "{} services", services.len());
    let chatgpt = services.iter().find(|s| s["key"] == "chatgpt").unwrap();
    assert_eq!(chatgpt["type"], "service");
    assert_eq!(chatgpt["name"], "ChatGPT");
    assert_eq!(chatgpt["status_format"], "statuspage");
    assert!(chatgpt["components"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "Conversations"));
    let github = services.iter().find(|s| s["key"] == "github").unwrap();
    assert!(github["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "gh"));
}

#[test]
fn config_services_are_targets_and_override_the_catalog() {
    let server = TestServer::start();
    let config = format!(
        "[services.github]\nurl = \"{}\"\nname = \"Local GitHub\"\naliases = [\"lgh\"]\n\n[services.myapi]\nurl = \"{}\"\nname = \"My API\"\nexpect = \"200\"\ncontains = \"ok\"\n",
        server.url("/"),
        server.url("/body?text=not%20good")
    );
    let output = isitdown_with_config(&config)
        .args(["--json", "GitHub", "LGH", "myapi"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(lines[0]["name"], "Local GitHub");
    assert_eq!(lines[0]["target"], "GitHub");
    assert_eq!(lines[0]["state"], "up");
    assert_eq!(lines[1]["name"], "Local GitHub");
    assert_eq!(lines[2]["name"], "My API");
    assert_eq!(
        lines[2]["error"]["kind"], "content",
        "the service's contains applies"
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        server.requests().len(),
        3,
        "nothing but the local server was asked"
    );
}

#[test]
fn a_name_is_one_services_and_a_users_alias_comes_before_the_catalogs() {
    let server = TestServer::start();
    // Two of the user's services that one word would name: refused, both named.
    for (services, says) in [
        (
            "[services.a]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"b\"]\n[services.b]\nurl = \"http://127.0.0.1:9/\"\n",
            "[services.a] alias `b` is already the name of [services.b]",
        ),
        (
            "[services.a]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"x\"]\n[services.b]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"X\"]\n",
            "[services.b] alias `X` is already an alias of [services.a]",
        ),
        (
            "[services.API]\nurl = \"http://127.0.0.1:9/\"\n[services.api]\nurl = \"http://127.0.0.1:9/\"\n",
            "are one name (names are case-insensitive)",
        ),
    ] {
        let output = isitdown_with_config(services).arg("a").output().unwrap();
        assert_eq!(output.status.code(), Some(64), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{says}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // A service may be called by its own name in another case, and by the catalog's alias
    // of another service when the user gives it as theirs.
    let config = format!(
        "[services.mine]\nurl = \"{}\"\naliases = [\"MINE-TOO\", \"gh\"]\n",
        server.url("/")
    );
    let output = isitdown_with_config(&config)
        .args(["--json", "Mine", "mine-too", "gh"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    assert!(
        lines[..3].iter().all(|l| l["url"] == server.url("/")),
        "{lines:?}"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn config_defaults_act_like_options_and_the_command_line_wins() {
    let server = TestServer::start();
    let url = server.url("/delay/300");
    let config = "[defaults]\nslow = \"100ms\"\nheader = [\"X-From-Config: yes\"]\n";
    isitdown_with_config(config).arg(&url).assert().code(1);
    isitdown_with_config(config)
        .args(["--slow", "5s"])
        .arg(&url)
        .assert()
        .code(0);
    assert_eq!(
        server.requests().last().unwrap().header("x-from-config"),
        Some("yes")
    );
    isitdown_with_config("[defaults]\ntimeout = \"100ms\"\n")
        .arg(&url)
        .assert()
        .code(2);
}

#[test]
fn the_config_file_is_found_by_option_environment_and_xdg() {
    let server = TestServer::start();
    let config = format!("[services.local]\nurl = \"{}\"\n", server.url("/"));
    let path = write_config(&config);
    isitdown()
        .arg("--config")
        .arg(&path)
        .arg("local")
        .assert()
        .code(0);
    isitdown()
        .env("ISITDOWN_CONFIG", &path)
        .arg("local")
        .assert()
        .code(0);
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("isitdown")).unwrap();
    std::fs::write(xdg.path().join("isitdown/config.toml"), &config).unwrap();
    isitdown()
        .env_remove("ISITDOWN_CONFIG")
        .env("XDG_CONFIG_HOME", xdg.path())
        .arg("local")
        .assert()
        .code(0);
}

#[test]
fn a_malformed_config_names_the_file_and_the_line() {
    let cases = [
        ("[defaults]\ntimeout = \"5s\"\nslow = \"later\"\n", "line 3"),
        ("[defaults]\ntimeout = 5s\n", "line 2"),
        ("[defaults]\nfrobnicate = true\n", "frobnicate"),
        ("[services.x]\nurl = \"gopher://x\"\n", "http"),
        ("[services.x]\nname = \"no url\"\n", "url"),
        ("[connectivity]\nreferences = [1]\n", "line 2"),
        (
            "[connectivity]\nreferences = [\n  \"ftp://u:hunter2@x/\"]\n",
            "line 3",
        ),
    ];
    for (text, says) in cases {
        let path = write_config(text);
        let output = isitdown()
            .arg("--config")
            .arg(&path)
            .arg("example.com")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(64), "{text}: {stderr}");
        assert!(
            stderr.contains(&path.display().to_string()),
            "names the file: {stderr}"
        );
        assert!(stderr.contains(says), "{text} should say {says}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            !stderr.contains("hunter2"),
            "passwords are never printed: {stderr}"
        );
    }
    let output = isitdown()
        .args(["--config", "/nonexistent/isitdown.toml", "example.com"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
}

#[test]
fn colour_only_on_a_terminal_or_when_asked() {
    let server = TestServer::start();
    let url = server.url("/");
    // Not a terminal: no colour by default.
    isitdown()
        .arg(&url)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\x1b[").not());
    isitdown()
        .args(["--color", "always"])
        .arg(&url)
        .assert()
        .stdout(predicate::str::contains("\x1b[1;32mUP"));
    isitdown()
        .args(["--color", "never"])
        .arg(&url)
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
    // NO_COLOR and TERM=dumb switch auto off, but --color always still wins.
    isitdown()
        .env("NO_COLOR", "1")
        .args(["--color", "always"])
        .arg(&url)
        .assert()
        .stdout(predicate::str::contains("\x1b["));
    isitdown_with_config("[defaults]\ncolor = \"always\"\n")
        .arg(&url)
        .assert()
        .stdout(predicate::str::contains("\x1b["));
}

#[test]
fn auto_colour_on_a_terminal_respects_no_color_and_dumb_terminals() {
    // `script` gives the program a real terminal, where auto colours unless told not to.
    if StdCommand::new("script").arg("--version").output().is_err() {
        eprintln!("script(1) is not installed; the terminal case is covered by --color always");
        return;
    }
    let server = TestServer::start();
    let binary = assert_cmd::cargo::cargo_bin("isitdown");
    let config = write_config(&format!(
        "[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = []\n"
    ));
    let run = |env: &str| {
        let command = format!(
            "{env} ISITDOWN_CONFIG={} XDG_STATE_HOME={} {} {}",
            config.display(),
            config.with_extension("state").display(),
            binary.display(),
            server.url("/")
        );
        let output = StdCommand::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        run("TERM=xterm").contains("\x1b[1;32mUP"),
        "colour on a terminal"
    );
    assert!(
        !run("TERM=xterm NO_COLOR=1").contains("\x1b[1;32m"),
        "NO_COLOR"
    );
    assert!(!run("TERM=dumb").contains("\x1b[1;32m"), "TERM=dumb");
    assert!(
        run("TERM=xterm NO_COLOR=").contains("\x1b[1;32mUP"),
        "an empty NO_COLOR does not count"
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let server = TestServer::start();
    let mut args = vec!["--json".to_string()];
    args.extend((0..30).map(|i| server.url(&format!("/?n={i}"))));
    let (status, stderr) = hang_up_early(&args);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert!(status.code().is_some(), "ended by a signal: {status:?}");
    // Every target judged was up; those left unjudged when nobody read on are no verdict
    // against them.
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn completions_and_the_man_page_are_generated() {
    isitdown()
        .args(["--generate", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("isitdown"));
    isitdown()
        .args(["--generate", "zsh"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--timeout"));
    isitdown().args(["--generate", "fish"]).assert().code(0);
    isitdown()
        .args(["--generate", "man"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH isitdown"));
}

#[test]
fn the_test_seam_shows_nowhere_a_user_looks() {
    let help = isitdown().arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("test-dns"));
    for what in ["bash", "zsh", "fish", "powershell", "elvish", "man"] {
        let generated = isitdown().args(["--generate", what]).output().unwrap();
        assert!(
            !String::from_utf8_lossy(&generated.stdout).contains("test-dns"),
            "{what}"
        );
    }
    // Nor can a config file set it.
    isitdown_with_config("[defaults]\ntest_dns = \"example.com=127.0.0.1\"\n")
        .arg("https://127.0.0.1:9/")
        .assert()
        .code(64)
        .stderr(predicate::str::contains("test_dns: not an isitdown option"));
    // A malformed value is bad input, before anything is probed.
    isitdown()
        .args(["--test-dns", "example.com", "https://127.0.0.1:9/"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "'example.com' is not NAME=ADDR[,ADDR...]",
        ));
}

#[test]
fn nagios_and_prometheus_formats() {
    let server = TestServer::start();
    isitdown()
        .args(["--format", "nagios"])
        .arg(server.url("/status/503"))
        .assert()
        .code(2)
        .stdout(
            predicate::str::starts_with("ISITDOWN CRITICAL - ").and(predicate::str::contains("|")),
        );
    isitdown()
        .args(["--format", "nagios"])
        .arg(server.url("/"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::is_match(
                r"^ISITDOWN OK - .* is up: answered 200 OK \| 'time'=[0-9.]+s;;10;0;10 'status'=200\n$",
            )
            .unwrap(),
        );
    isitdown()
        .args(["--format", "prometheus"])
        .arg(server.url("/"))
        .arg(server.url("/status/503"))
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("# TYPE isitdown_up gauge")
                .and(predicate::str::is_match(r#"isitdown_up\{target="http://127.0.0.1:\d+/",[^}]*\} 1"#).unwrap())
                .and(predicate::str::is_match(r#"isitdown_http_status\{target="http://127.0.0.1:\d+/status/503",[^}]*\} 503"#).unwrap()),
        );
}

#[test]
fn a_target_given_twice_stays_two_rows_in_the_monitoring_formats() {
    let server = TestServer::start();
    let url = server.url("/");
    let output = isitdown()
        .args(["--format", "prometheus", &url, &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let series: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let names: std::collections::HashSet<&str> = series
        .iter()
        .map(|l| l.rsplit_once(' ').unwrap().0)
        .collect();
    assert_eq!(names.len(), series.len(), "duplicate series:\n{text}");
    assert!(
        text.contains(&format!("isitdown_up{{target=\"{url} #2\"")),
        "{text}"
    );

    let output = isitdown()
        .args(["--format", "nagios", "--count", "2", "-i", "0s", &url, &url])
        .output()
        .unwrap();
    let line = String::from_utf8(output.stdout).unwrap();
    for label in [url.clone(), format!("{url} #2")] {
        for item in ["time", "status", "availability"] {
            assert_eq!(
                line.matches(&format!("'{label}_{item}'=")).count(),
                1,
                "{label} {item} in {line}"
            );
        }
    }
}

#[test]
fn switches_set_in_the_config_can_be_unset_on_the_command_line() {
    let server = TestServer::start();
    let url = server.url("/");
    let config = "[defaults]\nquiet = true\njson = true\nno_status_page = true\n";
    isitdown_with_config(config)
        .arg(&url)
        .assert()
        .code(0)
        .stdout("");
    let output = isitdown_with_config(config)
        .args(["--no-quiet", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["state"], "up");
    let output = isitdown_with_config(config)
        .args(["--no-quiet", "--no-json", &url])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("UP"));
    isitdown_with_config("[defaults]\ninsecure = true\nwatch = true\nverbose = true\n")
        .args(["--no-watch", "--no-verbose", "--no-insecure", &url])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("url ").not());
}

#[test]
fn the_committed_completions_and_man_page_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (what, file) in [
        ("bash", "completions/isitdown.bash"),
        ("zsh", "completions/_isitdown"),
        ("fish", "completions/isitdown.fish"),
        ("powershell", "completions/_isitdown.ps1"),
        ("elvish", "completions/isitdown.elv"),
        ("man", "doc/isitdown.1"),
    ] {
        let generated = isitdown().args(["--generate", what]).output().unwrap();
        assert_eq!(generated.status.code(), Some(0));
        let committed = std::fs::read(root.join(file)).unwrap();
        assert!(
            generated.stdout == committed,
            "{file} is stale: run completions/regenerate.sh"
        );
    }
}

#[test]
fn the_command_line_wins_over_default_switches() {
    let server = TestServer::start();
    let url = server.url("/body?text=fine");
    // A default -4 gives way to -6 on the command line (then the IPv4 literal is refused).
    isitdown_with_config("[defaults]\nipv4 = true\n")
        .arg("-6")
        .arg(&url)
        .assert()
        .code(64)
        .stderr(predicate::str::contains(
            "is an IPv4 address, but -6 allows no other",
        ));
    isitdown_with_config("[defaults]\nipv4 = true\n")
        .arg(&url)
        .assert()
        .code(0);
    // A default HEAD gives way to --contains, which needs a body.
    isitdown_with_config("[defaults]\nmethod = \"HEAD\"\n")
        .args(["--contains", "fine"])
        .arg(&url)
        .assert()
        .code(0);
    assert_eq!(server.requests().last().unwrap().method, "GET");
    // A default --contains gives way to -X HEAD.
    isitdown_with_config("[defaults]\ncontains = \"fine\"\n")
        .args(["-X", "HEAD"])
        .arg(&url)
        .assert()
        .code(0);
    assert_eq!(server.requests().last().unwrap().method, "HEAD");
    // Within one layer, a disagreement is still bad input.
    isitdown_with_config("[defaults]\njson = true\nformat = \"nagios\"\n")
        .arg(&url)
        .assert()
        .code(64);
    isitdown_with_config("[defaults]\nmethod = \"HEAD\"\ncontains = \"x\"\n")
        .arg(&url)
        .assert()
        .code(64);
}

#[test]
fn under_insecure_a_cacert_nothing_checks_against_is_not_read() {
    let server = TestServer::start();
    let (code, probe) = probe_json(
        isitdown_with_config("[defaults]\ncacert = \"/nonexistent/ca.pem\"\n")
            .args(["-k", &server.url("/")]),
    );
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
}

#[test]
fn a_stdout_closed_from_the_start_is_not_taken_by_a_socket() {
    let server = TestServer::start();
    // The answer waits until the test has looked: the probe's socket is open all that time.
    let looked = Gate::new();
    server.route("/slow", Reply::text(200, "ok").after(&looked));
    let isitdown = sealed_command("");
    // `>&-`: descriptor 1 is closed when isitdown starts (`exec` keeps the shell's pid).
    let mut shell = StdCommand::new("sh");
    shell
        .args(["-c", "exec \"$@\" >&-", "sh"])
        .arg(isitdown.get_program())
        .arg(server.url("/slow"));
    for (name, value) in isitdown.get_envs() {
        match value {
            Some(value) => shell.env(name, value),
            None => shell.env_remove(name),
        };
    }
    let mut child = shell.stderr(std::process::Stdio::null()).spawn().unwrap();
    // While the probe's socket is open, descriptor 1 must still be a stand-in, not that socket:
    // the report would go to the server.
    server.wait_for_requests(1);
    let stdout = std::fs::read_link(format!("/proc/{}/fd/1", child.id()));
    looked.open();
    let status = child.wait().unwrap();
    assert_eq!(
        stdout.ok().as_deref(),
        Some(std::path::Path::new("/dev/null"))
    );
    assert_eq!(status.code(), Some(0));
}
