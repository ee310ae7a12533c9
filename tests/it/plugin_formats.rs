//! `--format nagios` and `--format prometheus` as a monitoring system reads them: checked
//! against the Nagios plugin guidelines' perfdata syntax and the Prometheus text exposition
//! format by checkers written here, and by `promtool check metrics` where it is installed.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::elsewhere::{config, target};
use crate::support::globalping::{FakeGlobalping, Outcome};
use crate::support::{isitdown, isitdown_with_config, TestCert, TestServer};

// ---------------------------------------------------------------------------
// Nagios: `TEXT | 'label'=value[UOM];[warn];[crit];[min];[max] ...`
// ---------------------------------------------------------------------------

/// One perfdata item, taken apart.
#[derive(Debug)]
struct Perf {
    label: String,
    value: f64,
    uom: String,
    /// warn, crit, min, max; empty when left out.
    fields: Vec<String>,
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && digits != "."
}

/// A threshold range as the guidelines write it: `[@][start:][end]`, `start` may be `~`.
fn is_range(text: &str) -> bool {
    let text = text.strip_prefix('@').unwrap_or(text);
    match text.split_once(':') {
        Some((start, end)) => {
            (start.is_empty() || start == "~" || is_number(start))
                && (end.is_empty() || is_number(end))
        }
        None => is_number(text),
    }
}

/// Splits the perfdata after the `|` into items, honouring single-quoted labels (a quote in a
/// label is written twice).
fn perfdata_items(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                current.push_str("''");
                chars.next();
            }
            '\'' => {
                quoted = !quoted;
                current.push(c);
            }
            ' ' if !quoted => {
                if !current.is_empty() {
                    items.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    assert!(!quoted, "an unclosed quote in perfdata: {text}");
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// Checks a plugin's output against the guidelines and returns its perfdata by label.
fn check_nagios(output: &str) -> HashMap<String, Perf> {
    let line = output
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("ends in a newline: {output:?}"));
    assert!(!line.contains('\n'), "one line: {output:?}");
    let (text, perf) = line
        .split_once(" | ")
        .unwrap_or_else(|| panic!("text | perfdata: {line}"));
    assert!(!text.contains('|'), "one | only: {line}");
    let mut found = HashMap::new();
    for item in perfdata_items(perf) {
        let (label, rest) = match item.strip_prefix('\'') {
            Some(quoted) => {
                let end = quoted
                    .find("'=")
                    .unwrap_or_else(|| panic!("'label'= in {item}"));
                (quoted[..end].replace("''", "'"), &quoted[end + 2..])
            }
            None => {
                let (label, rest) = item
                    .split_once('=')
                    .unwrap_or_else(|| panic!("label=value in {item}"));
                assert!(!label.contains(' '), "spaces need quotes: {item}");
                (label.to_string(), rest)
            }
        };
        assert!(!label.contains('='), "no = in a label: {item}");
        let mut fields = rest.split(';');
        let first = fields.next().unwrap_or_default();
        let number_end = first
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(first.len());
        let (value, uom) = first.split_at(number_end);
        assert!(is_number(value), "a number, no exponent: {item}");
        assert!(
            ["", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"].contains(&uom),
            "a known unit: {item}"
        );
        let fields: Vec<String> = fields.map(str::to_string).collect();
        assert!(fields.len() <= 4, "at most warn;crit;min;max: {item}");
        for (at, field) in fields.iter().enumerate() {
            let fine = field.is_empty()
                || match at {
                    0 | 1 => is_range(field),
                    _ => is_number(field),
                };
            assert!(fine, "field {at} of {item}");
        }
        let previous = found.insert(
            label.clone(),
            Perf {
                label,
                value: value.parse().unwrap(),
                uom: uom.to_string(),
                fields,
            },
        );
        assert!(previous.is_none(), "labels are unique: {line}");
    }
    found
}

// ---------------------------------------------------------------------------
// Prometheus text exposition format
// ---------------------------------------------------------------------------

/// A sample: the metric name, its labels in order, its value.
type Sample = (String, Vec<(String, String)>, f64);

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `{name="value",...}`, checking the escapes; returns the labels and what follows.
fn parse_labels(text: &str) -> (Vec<(String, String)>, &str) {
    let mut labels = Vec::new();
    let mut rest = text.strip_prefix('{').expect("labels open with {");
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return (labels, after);
        }
        let (name, after) = rest.split_once("=\"").expect("name=\"value\"");
        assert!(is_label_name(name), "label name {name:?}");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("a closing quote") {
                (_, '\\') => match chars.next().expect("an escaped character") {
                    (_, '\\') => value.push('\\'),
                    (_, '"') => value.push('"'),
                    (_, 'n') => value.push('\n'),
                    (_, other) => panic!("unknown escape \\{other}"),
                },
                (_, '\n') => panic!("a raw newline in a label value"),
                (at, '"') => break at,
                (_, c) => value.push(c),
            }
        };
        labels.push((name.to_string(), value));
        rest = &after[end + 1..];
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// Checks a textfile against the exposition format (HELP and TYPE once per family and before
/// its samples, families not interleaved, names and labels well formed, values numbers, no
/// series twice) and returns each sample as (name, labels, value).
fn check_prometheus(text: &str) -> Vec<Sample> {
    assert!(text.ends_with('\n'), "ends in a newline");
    let mut typed: HashMap<String, String> = HashMap::new();
    let mut helped: HashSet<String> = HashSet::new();
    let mut finished: HashSet<String> = HashSet::new();
    let mut current: Option<String> = None;
    let mut series = HashSet::new();
    let mut samples = Vec::new();
    let mut enter = |family: &str, current: &mut Option<String>| {
        if current.as_deref() != Some(family) {
            if let Some(old) = current.take() {
                finished.insert(old);
            }
            assert!(!finished.contains(family), "family {family} interleaved");
            *current = Some(family.to_string());
        }
    };
    for line in text.lines() {
        if let Some(help) = line.strip_prefix("# HELP ") {
            let (name, _) = help.split_once(' ').expect("# HELP name text");
            assert!(is_metric_name(name), "{line}");
            enter(name, &mut current);
            assert!(helped.insert(name.to_string()), "HELP twice: {line}");
        } else if let Some(kind) = line.strip_prefix("# TYPE ") {
            let (name, kind) = kind.split_once(' ').expect("# TYPE name type");
            assert!(is_metric_name(name), "{line}");
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "{line}"
            );
            enter(name, &mut current);
            assert!(
                !samples.iter().any(|(n, _, _): &(String, _, _)| n == name),
                "TYPE after samples: {line}"
            );
            assert!(
                typed.insert(name.to_string(), kind.to_string()).is_none(),
                "TYPE twice: {line}"
            );
        } else if line.starts_with('#') || line.is_empty() {
            continue;
        } else {
            let name_end = line.find(['{', ' ']).expect("a sample has a value");
            let name = &line[..name_end];
            assert!(is_metric_name(name), "{line}");
            assert!(typed.contains_key(name), "a TYPE before {line}");
            enter(name, &mut current);
            let (labels, rest) = match line[name_end..].starts_with('{') {
                true => parse_labels(&line[name_end..]),
                false => (Vec::new(), &line[name_end..]),
            };
            let mut names: Vec<&str> = labels.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            assert!(
                names.windows(2).all(|w| w[0] != w[1]),
                "a label twice: {line}"
            );
            let mut parts = rest.trim_start_matches(' ').split(' ');
            let value = parts.next().expect("a value");
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                "NaN" => f64::NAN,
                number => number
                    .parse()
                    .unwrap_or_else(|_| panic!("a number: {line}")),
            };
            if let Some(timestamp) = parts.next() {
                assert!(timestamp.parse::<i64>().is_ok(), "{line}");
            }
            assert!(parts.next().is_none(), "{line}");
            let mut key = labels.clone();
            key.sort();
            assert!(
                series.insert((name.to_string(), key)),
                "series twice: {line}"
            );
            samples.push((name.to_string(), labels, value));
        }
    }
    samples
}

/// The value of the one sample of `name` whose labels include `with`.
fn sample(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = samples
        .iter()
        .filter(|(n, labels, _)| {
            n == name
                && with
                    .iter()
                    .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        })
        .map(|(_, _, value)| *value)
        .collect();
    assert!(matching.len() <= 1, "one {name} {with:?}");
    matching.first().copied()
}

/// `promtool check metrics` reads the textfile on stdin; skipped, and said so, without it.
fn promtool_agrees(text: &str) {
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        println!("promtool is not installed: `promtool check metrics` skipped");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

// ---------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------

fn stdout(command: &mut assert_cmd::Command) -> (i32, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn nagios_perfdata_carries_the_thresholds_of_the_verdict() {
    let cert = TestCert::signed_by_test_ca(&["127.0.0.1"], 90);
    let server = TestServer::start_tls(&cert);
    let dir = tempfile::tempdir().unwrap();
    let ca = cert.write_ca(dir.path());
    let (code, text) = stdout(
        isitdown()
            .args(["--format", "nagios", "--slow", "2500ms", "--timeout", "7s"])
            .args(["--cert-warn", "30d", "--cacert"])
            .arg(&ca)
            .arg(server.url("/")),
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("ISITDOWN OK - "), "{text}");
    let perf = check_nagios(&text);
    let time = &perf["time"];
    assert_eq!(time.uom, "s");
    assert_eq!(time.fields, ["2.5", "7", "0", "7"], "{text}");
    assert!(time.value >= 0.0 && time.value <= 7.0, "{text}");
    let cert_days = &perf["cert_days"];
    assert!((88.0..=90.0).contains(&cert_days.value), "{text}");
    assert_eq!(cert_days.fields, ["30:"], "warns below 30 days: {text}");
    assert_eq!(perf["status"].value, 200.0);
    assert!(perf["status"].fields.is_empty());
    assert!(perf.values().all(|p| !p.label.starts_with("elsewhere")));
}

#[test]
fn nagios_without_slow_leaves_warn_empty_and_numbers_the_targets() {
    let server = TestServer::start();
    let (code, text) = stdout(
        isitdown()
            .args(["--format", "nagios", "-n", "2", "-i", "0s"])
            .args([server.url("/status/200"), server.url("/status/503")]),
    );
    assert_eq!(code, 2, "{text}");
    let perf = check_nagios(&text);
    let time = &perf[&format!("{}_time", server.url("/status/503"))];
    assert_eq!(time.fields, ["", "10", "0", "10"], "{text}");
    let availability = &perf[&format!("{}_availability", server.url("/status/200"))];
    assert_eq!(
        (availability.value, availability.uom.as_str()),
        (100.0, "%")
    );
    assert_eq!(availability.fields, ["", "", "0", "100"]);
}

#[test]
fn nothing_from_elsewhere_when_globalping_gave_nothing() {
    let server = TestServer::start();
    let (url, pin) = target(&server, "/");
    // Globalping's address is a closed local port: nothing is measured anywhere.
    let closed = "[connectivity]\nreferences = []\n\n[globalping]\nurl = \"http://127.0.0.1:9\"\n";
    let run = |format: &str| {
        stdout(isitdown_with_config(closed).args([
            "--format",
            format,
            "--from",
            "world:3",
            "--resolve",
            &pin,
            &url,
        ]))
    };
    let (code, nagios) = run("nagios");
    assert_eq!(code, 0, "{nagios}");
    let perf = check_nagios(&nagios);
    assert!(perf.contains_key("time"), "{nagios}");
    assert!(
        perf.keys().all(|label| !label.starts_with("elsewhere")),
        "{nagios}"
    );
    let (code, prometheus) = run("prometheus");
    assert_eq!(code, 0, "{prometheus}");
    let samples = check_prometheus(&prometheus);
    assert!(
        samples
            .iter()
            .all(|(name, _, _)| !name.contains("elsewhere")),
        "{prometheus}"
    );
    promtool_agrees(&prometheus);
}

#[test]
fn places_that_answered_are_counted_in_both_formats() {
    let (fake, server) = (FakeGlobalping::start(), TestServer::start());
    fake.set_places(vec![Outcome::Status(200), Outcome::Status(503)]);
    let (url, pin) = target(&server, "/");
    let run = |format: &str| {
        stdout(isitdown_with_config(&config(&fake)).args([
            "--format",
            format,
            "--from",
            "world:2",
            "--resolve",
            &pin,
            &url,
        ]))
    };
    let (_, nagios) = run("nagios");
    let perf = check_nagios(&nagios);
    assert_eq!(perf["elsewhere_up"].value, 1.0, "{nagios}");
    assert_eq!(perf["elsewhere_up"].fields, ["", "", "0", "2"]);
    let (_, prometheus) = run("prometheus");
    let samples = check_prometheus(&prometheus);
    assert_eq!(
        sample(&samples, "isitdown_elsewhere_places", &[("state", "down")]),
        Some(1.0)
    );
    promtool_agrees(&prometheus);
}

#[test]
fn prometheus_tells_degraded_from_down() {
    let server = TestServer::start();
    let (up, degraded, down) = (
        server.url("/status/200"),
        server.url("/status/429"),
        server.url("/status/503"),
    );
    let (code, text) = stdout(isitdown().args(["--format", "prometheus", &up, &degraded, &down]));
    assert_eq!(code, 2, "{text}");
    let samples = check_prometheus(&text);
    for (target, serves, state) in [
        (&up, 1.0, "up"),
        (&degraded, 1.0, "degraded"),
        (&down, 0.0, "down"),
    ] {
        let target = target.as_str();
        assert_eq!(
            sample(&samples, "isitdown_up", &[("target", target)]),
            Some(serves),
            "{target} in\n{text}"
        );
        for each in ["up", "degraded", "down", "unknown"] {
            let hot = if each == state { 1.0 } else { 0.0 };
            assert_eq!(
                sample(
                    &samples,
                    "isitdown_state",
                    &[("target", target), ("state", each)]
                ),
                Some(hot),
                "{target} {each} in\n{text}"
            );
        }
    }
    promtool_agrees(&text);
}

#[test]
fn the_checkers_catch_what_they_are_for() {
    let bad_nagios = [
        "OK - fine | 'time'=1e3s\n",
        "OK - fine | time=1x\n",
        "OK - fine | 'a b'=1 'a b'=2\n",
        "OK - fine | 'time'=1s;;;;;\n",
        "OK - fine | 'time'=1s;a\n",
    ];
    for text in bad_nagios {
        let caught = std::panic::catch_unwind(|| check_nagios(text)).is_err();
        assert!(caught, "{text:?} passed");
    }
    check_nagios("OK - fine | 'a b'=1.5s;@10:20;~:3;0;9 c=3c\n");
    let bad_prometheus = [
        "x 1\n",
        "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",
        "# TYPE x gauge\nx{a=\"\\q\"} 1\n",
        "# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n",
        "# TYPE x gauge\nx one\n",
        "# TYPE 1x gauge\n",
    ];
    for text in bad_prometheus {
        let caught = std::panic::catch_unwind(|| check_prometheus(text)).is_err();
        assert!(caught, "{text:?} passed");
    }
    check_prometheus("# HELP x a\n# TYPE x gauge\nx{a=\"q\\\"\\n\"} 1\nx 2\n");
}
