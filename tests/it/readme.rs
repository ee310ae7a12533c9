//! Every example in the README, run as written against local servers playing the parts, and its
//! output compared with what the README shows. Only what cannot be the same twice is set aside:
//! latencies and other durations, clock times and dates, and the runs of spaces that align
//! columns around them. The README's `127.0.0.1:8080` and `localhost:8080` are a local server
//! of the test's own, on whatever port it got.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::*;

/// The bars of a sparkline, whose heights follow the latencies of the moment.
const SPARK: &str = "▁▂▃▄▅▆▇█";

/// The port the README's examples use for the local server.
const README_PORT: &str = "8080";

/// One `$ command` of a `console` block and the lines the README shows after it.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// The examples of every ```` ```console ```` block, in order. A command continued with a
/// trailing backslash spans lines.
fn examples(readme: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut in_console = false;
    let mut continued = false;
    for (index, line) in readme.lines().enumerate() {
        if !in_console {
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_console = false;
            continue;
        }
        if continued {
            let example = examples.last_mut().expect("a command is being continued");
            example.command.push('\n');
            example.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            examples.push(Example {
                line: index + 1,
                command: command.to_string(),
                shown: Vec::new(),
            });
            continued = line.ends_with('\\');
        } else if let Some(example) = examples.last_mut() {
            example.shown.push(line.to_string());
        } else {
            panic!("README.md:{}: output before any command", index + 1);
        }
    }
    // A blank line between two commands of one block belongs to neither.
    for example in &mut examples {
        while example.shown.last().is_some_and(|l| l.trim().is_empty()) {
            example.shown.pop();
        }
    }
    examples
}

/// A line as it can be compared: durations, clock times and dates made placeholders, spaces
/// collapsed.
fn comparable(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(skip) = day_and_month(rest) {
            out.push_str("<when>");
            rest = &rest[skip..];
            continue;
        }
        if c.is_ascii_digit() {
            let number_end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let (number, after) = rest.split_at(number_end);
            if let Some(skip) = time_unit(after) {
                out.push_str("<time>");
                rest = &after[skip..];
                continue;
            }
            if let Some(skip) = clock_or_date(rest) {
                out.push_str("<when>");
                rest = &rest[skip..];
                continue;
            }
            out.push_str(number);
            rest = after;
            continue;
        }
        // A sparkline's bars are scaled to the probes' own latencies.
        if SPARK.contains(c) {
            let bars_end = rest
                .find(|c: char| !SPARK.contains(c))
                .unwrap_or(rest.len());
            out.push_str("<bars>");
            rest = &rest[bars_end..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The length of a duration's unit right after a number (`" ms"`, `"ms"`, `" s"`, `" min"`...).
fn time_unit(after: &str) -> Option<usize> {
    let spaced = after.strip_prefix(' ').map_or(0, |_| 1);
    let unit_text = &after[spaced..];
    for unit in ["ms", "µs", "min", "h", "s", "d"] {
        if let Some(tail) = unit_text.strip_prefix(unit) {
            if !tail.starts_with(|c: char| c.is_alphanumeric()) {
                return Some(spaced + unit.len());
            }
        }
    }
    None
}

/// The length of a clock time (`19:37:49`, `07:42`) or an RFC 3339 date at the start.
fn clock_or_date(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits = |from: usize, count: usize| {
        bytes.len() >= from + count && bytes[from..from + count].iter().all(u8::is_ascii_digit)
    };
    if digits(0, 4) && bytes.get(4) == Some(&b'-') && digits(5, 2) && bytes.get(7) == Some(&b'-') {
        let end = text
            .find(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == ')')
            .unwrap_or(text.len());
        return Some(end);
    }
    if digits(0, 2) && bytes.get(2) == Some(&b':') && digits(3, 2) {
        if bytes.get(5) == Some(&b':') && digits(6, 2) {
            return Some(8);
        }
        return Some(5);
    }
    None
}

/// The length of a day written for people (`Sun 29 Nov`) at the start.
fn day_and_month(text: &str) -> Option<usize> {
    const DAYS: [&str; 7] = ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rest = DAYS.iter().find_map(|day| text.strip_prefix(day))?;
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    if !(1..=2).contains(&digits) {
        return None;
    }
    let month = rest[digits..].strip_prefix(' ')?;
    MONTHS
        .iter()
        .any(|m| month.starts_with(m))
        .then_some(text.len() - month.len() + 3)
}

/// Local servers and a config playing every part the README's examples need.
struct Stage {
    site: TestServer,
    dir: PathBuf,
    config: PathBuf,
}

impl Stage {
    fn new() -> Stage {
        let site = TestServer::start();
        site.route("/health", Reply::text(200, "ok"));
        site.route(
            "/down",
            Reply::text(503, "down").reason("Service Temporarily Unavailable"),
        );
        site.route(
            "/slow",
            Reply::text(200, "ok").delay(Duration::from_millis(400)),
        );
        site.route("/missing", Reply::text(404, "no such page"));
        site.route("/generate_204", Reply::new(204));
        let dir = std::env::temp_dir().join(format!("isitdown-readme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let base = site.url("");
        let base = base.trim_end_matches('/');
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            format!(
                r#"[services.chatgpt]
url = "{base}/down"
name = "ChatGPT"

[connectivity]
references = ["{base}/generate_204"]
dns = []
"#
            ),
        )
        .unwrap();
        Stage { site, dir, config }
    }

    /// The README's command with the test's port in place of the README's.
    fn command(&self, example: &Example) -> String {
        example.command.replace(
            &format!(":{README_PORT}"),
            &format!(":{}", self.site.port()),
        )
    }

    /// What the command prints, stdout and stderr together, with the README's port again.
    fn run(&self, example: &Example) -> Vec<String> {
        let binary = assert_cmd::cargo::cargo_bin("isitdown");
        let bin_dir = binary.parent().unwrap_or(Path::new("."));
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("{} 2>&1", self.command(example)))
            .current_dir(&self.dir)
            .env("PATH", path)
            .env("ISITDOWN_CONFIG", &self.config)
            .env("XDG_CONFIG_HOME", self.dir.join("config-home"))
            .env("XDG_STATE_HOME", self.dir.join("state"))
            .env("HOME", &self.dir)
            .env("TZ", "UTC")
            .env("COLUMNS", "80")
            .env("NO_COLOR", "1");
        for name in UNSEALED_ENV
            .iter()
            .filter(|name| !["NO_COLOR", "COLUMNS"].contains(*name))
        {
            command.env_remove(name);
        }
        let output = command.output().expect("sh runs");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                line.replace(
                    &format!(":{}", self.site.port()),
                    &format!(":{README_PORT}"),
                )
            })
            .collect()
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn every_readme_example_prints_what_the_readme_shows() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let examples = examples(&readme);
    assert!(!examples.is_empty(), "the README has no console examples");
    let stage = Stage::new();
    let mut wrong = Vec::new();
    for example in &examples {
        let printed = stage.run(example);
        let shown: Vec<String> = example.shown.iter().map(|l| comparable(l)).collect();
        let mut got: Vec<String> = printed.iter().map(|l| comparable(l)).collect();
        while got.last().is_some_and(|l| l.is_empty()) {
            got.pop();
        }
        if shown != got {
            wrong.push(format!(
                "README.md:{}: $ {}\n--- the README shows:\n{}\n--- it prints:\n{}",
                example.line,
                example.command,
                example.shown.join("\n"),
                printed.join("\n")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn placeholders_cover_what_changes_and_only_that() {
    assert_eq!(
        comparable("UP        127.0.0.1:8080/health    2.2 ms  answered 200 OK"),
        "UP 127.0.0.1:8080/health <time> answered 200 OK"
    );
    assert_eq!(
        comparable("DEGRADED  x  402 ms  answered 200 OK, but slow: 402 ms, over 300ms"),
        "DEGRADED x <time> answered 200 OK, but slow: <time>, over <time>"
    );
    assert_eq!(
        comparable("19:37:49 UTC  My API  UP → DOWN after 5s"),
        "<when> UTC My API UP → DOWN after <time>"
    );
    assert_eq!(
        comparable(r#"{"at":"2026-12-06T12:25:48.067Z","seq":1}"#),
        r#"{"at":"<when>","seq":1}"#
    );
    assert_eq!(comparable("57 checked: 54 up"), "57 checked: 54 up");
    assert_eq!(
        comparable("Since Sun 29 Nov 22:12 (7 days)"),
        "Since <when> <when> (7 days)"
    );
    assert_eq!(comparable("  recent   █▂✗▁"), "recent <bars>✗<bars>");
}
