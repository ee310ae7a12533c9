//! What a newcomer meets first: the help, the catalog's list, completion, and `isitdown help`.

use crate::support::*;

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = sealed_command("");
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("isitdown runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_list_fits_the_columns_it_is_given_and_minus_v_shows_everything() {
    for columns in ["80", "100", "120"] {
        let (code, list, _) = run(&["--list"], &[("COLUMNS", columns)]);
        assert_eq!(code, 0);
        let width: usize = columns.parse().unwrap();
        assert!(widest(&list) <= width, "{columns} columns:\n{list}");
        assert!(list.starts_with("NAME"), "{list}");
        assert!(list.lines().any(|l| l.starts_with("chatgpt ")), "{list}");
    }
    let (code, wide, _) = run(&["--list", "-v"], &[("COLUMNS", "80")]);
    assert_eq!(code, 0);
    assert!(widest(&wide) > 80, "-v is the whole of every row");
    assert!(wide.contains("https://status.openai.com"), "{wide}");
}

#[test]
fn the_list_takes_tags_and_words_as_filters() {
    let (code, gaming, _) = run(&["--list", "@gaming"], &[("COLUMNS", "80")]);
    assert_eq!(code, 0);
    let names: Vec<&str> = gaming
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"steam") && names.contains(&"roblox"),
        "{names:?}"
    );
    assert!(!names.contains(&"chatgpt"), "{names:?}");

    // A word matches a name, an alias or a tag, in any case.
    let (code, gh, _) = run(&["--list", "GH", "--json"], &[]);
    assert_eq!(code, 0);
    let keys: Vec<String> = json_lines(gh.as_bytes())
        .iter()
        .map(|s| s["key"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(keys.contains(&"github".to_string()), "{keys:?}");
    assert!(!keys.contains(&"chatgpt".to_string()), "{keys:?}");

    let (code, out, err) = run(&["--list", "no-such-thing-anywhere"], &[]);
    assert_eq!(code, 1, "nothing found, as grep says it: {err}");
    assert!(out.is_empty());
    assert!(err.contains("no service in the catalog matches"), "{err}");

    let (code, _, err) = run(&["--list", "@nosuchtag"], &[]);
    assert_eq!(code, 64);
    assert!(err.contains("no service is tagged 'nosuchtag'"), "{err}");
}

#[test]
fn short_help_is_short_and_long_help_is_grouped_with_examples() {
    let (code, short, _) = run(&["-h"], &[("COLUMNS", "80")]);
    assert_eq!(code, 0);
    let (_, long, _) = run(&["--help"], &[("COLUMNS", "80")]);
    for heading in [
        "Targets:",
        "Output:",
        "Judging:",
        "Repeating:",
        "Network:",
        "Elsewhere:",
    ] {
        assert!(short.contains(heading), "-h lacks {heading}:\n{short}");
        assert!(long.contains(heading), "--help lacks {heading}");
    }
    assert!(
        short.lines().count() * 2 < long.lines().count(),
        "-h is the summary"
    );
    assert!(!short.contains("\n\n\n"), "no runs of blank lines");
    assert!(long.contains("Examples:") && long.contains("--format nagios"));
    assert!(widest(&short) <= 80, "{short}");
    assert!(widest(&long) <= 80, "{long}");
    // Every example is one command on one line, none wrapped onto the next.
    let examples = long.split("Examples:\n").nth(1).unwrap_or_default();
    for line in examples.lines().take_while(|l| !l.is_empty()) {
        assert!(
            line.starts_with("  isitdown ") || line.starts_with("  if isitdown "),
            "an example wrapped at 80 columns: {line:?}"
        );
    }
}

#[test]
fn help_as_a_word_is_the_help_unless_a_service_has_that_name() {
    let (code, out, _) = run(&["help"], &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Usage: isitdown") && out.contains("Examples:"),
        "{out}"
    );

    let server = TestServer::start();
    server.route("/ok", Reply::text(200, "ok"));
    let config = format!(
        "[services.help]\nurl = \"{}\"\nname = \"Help desk\"\n",
        server.url("/ok")
    );
    let output = sealed_command(&config)
        .args(["help", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines[0]["target"], "help");
    assert_eq!(lines[0]["state"], "up");
}

#[test]
fn completion_offers_only_what_the_help_shows() {
    let (code, bash, _) = run(&["--generate", "bash"], &[]);
    assert_eq!(code, 0);
    let options = bash
        .lines()
        .find(|l| l.trim_start().starts_with("opts=\"-"))
        .expect("the options line");
    assert!(options.contains("--timeout") && options.contains("--watch"));
    for hidden in [
        "--no-quiet",
        "--complete-targets",
        "--no-from",
        "--status-page",
    ] {
        assert!(
            !options
                .split_whitespace()
                .any(|o| o.trim_matches('"') == hidden),
            "{hidden} offered: {options}"
        );
    }
}

#[test]
fn a_count_of_zero_is_said_in_words() {
    let (code, _, err) = run(&["-n", "0", "http://127.0.0.1:9/"], &[]);
    assert_eq!(code, 64);
    assert!(err.contains("at least one probe is needed"), "{err}");
    assert!(!err.contains("4294967295"), "{err}");
}

#[test]
fn a_port_on_this_machine_is_plain_http_and_a_hang_up_on_tls_says_so() {
    let server = TestServer::start();
    server.route("/health", Reply::text(200, "ok"));
    let port = server.port();
    for typed in [
        format!("localhost:{port}/health"),
        format!(":{port}/health"),
    ] {
        let output = sealed_command("")
            .args([typed.as_str(), "--json"])
            .output()
            .unwrap();
        let line = &json_lines(&output.stdout)[0];
        assert_eq!(output.status.code(), Some(0), "{typed}: {line}");
        assert_eq!(line["state"], "up", "{typed}");
        assert_eq!(line["url"], format!("http://localhost:{port}/health"));
    }

    // A server that reads the TLS hello and hangs up, as many plain HTTP servers do.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hang_up = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut hello = [0u8; 64];
            let _ = std::io::Read::read(&mut stream, &mut hello);
        }
    });
    let output = sealed_command("")
        .arg(format!("https://127.0.0.1:{hang_up}/"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("plain HTTP on this port?"), "{stdout}");
}
