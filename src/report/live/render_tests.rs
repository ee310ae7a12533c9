use super::*;

/// The text as the terminal shows it: colours (on or off, whatever the process decided) gone.
fn plain(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            let mut text = String::new();
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    for c in chars.by_ref() {
                        if c == 'm' {
                            break;
                        }
                    }
                } else {
                    text.push(c);
                }
            }
            text
        })
        .collect()
}

fn row(name: &str, state: State, said: &str, latencies: &[Option<u64>]) -> LiveRow {
    LiveRow {
        state: Some(state),
        name: name.into(),
        said: said.into(),
        latency: latencies
            .last()
            .copied()
            .flatten()
            .map(Duration::from_millis),
        recent: latencies
            .iter()
            .map(|l| Mark {
                latency: l.map(Duration::from_millis),
                state: if l.is_some() { State::Up } else { State::Down },
            })
            .collect(),
        availability: Some(92.14),
        for_how_long: Duration::from_secs(192),
    }
}

fn three() -> Vec<LiveRow> {
    vec![
        row(
            "ChatGPT",
            State::Down,
            "connection refused (it's not just you)",
            &[Some(120), Some(300), None, None],
        ),
        row(
            "Claude",
            State::Up,
            "answered 200 OK",
            &[Some(98), Some(99)],
        ),
        row("GitHub", State::Up, "answered 200 OK", &[Some(143)]),
    ]
}

#[test]
fn a_wide_terminal_gets_every_column() {
    let lines = plain(&render(&three(), 120, 24));
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("STATE"), "{lines:#?}");
    for column in ["NAME", "LAST", "LATENCY", "RECENT", "AVAIL"] {
        assert!(lines[0].contains(column), "{column}: {lines:#?}");
    }
    assert!(
        lines[1].starts_with("DOWN for 3m12s  ChatGPT"),
        "{lines:#?}"
    );
    assert!(lines[1].contains("connection refused (it's not just you)"));
    assert!(lines[1].contains("▁█✗✗"), "failures marked: {lines:#?}");
    assert!(lines[1].ends_with("92.1%"), "{lines:#?}");
    assert!(lines[2].contains("98 ms") || lines[2].contains("99 ms"));
    assert!(lines.iter().all(|l| l.chars().count() < 120));
}

#[test]
fn a_narrow_terminal_loses_the_least_needed_columns_first() {
    let lines = plain(&render(&three(), 50, 24));
    assert!(lines.iter().all(|l| l.chars().count() < 50), "{lines:#?}");
    assert!(!lines[0].contains("RECENT") && !lines[0].contains("AVAIL"));
    assert!(lines[1].starts_with("DOWN"), "{lines:#?}");
    assert!(lines[1].contains("ChatGPT"));
    let tiny = plain(&render(&three(), 20, 24));
    assert!(tiny.iter().all(|l| l.chars().count() < 20), "{tiny:#?}");
    assert!(tiny[1].starts_with("DOWN"), "{tiny:#?}");
    assert!(tiny[3].starts_with("UP"), "{tiny:#?}");
}

#[test]
fn more_targets_than_lines_show_the_problems_and_count_the_rest() {
    let mut rows: Vec<LiveRow> = (0..10)
        .map(|i| row(&format!("up{i}"), State::Up, "answered 200 OK", &[Some(5)]))
        .collect();
    rows.push(row("broken", State::Down, "answered 503", &[Some(5)]));
    rows.push(row(
        "slow",
        State::Degraded,
        "answered 200, slow",
        &[Some(5)],
    ));
    let lines = plain(&render(&rows, 100, 5));
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(lines[1].contains("broken"), "{lines:#?}");
    assert!(lines[2].contains("slow"), "{lines:#?}");
    assert!(lines[3].contains("up0"), "{lines:#?}");
    assert_eq!(lines[4], "… and 9 more");
    assert_eq!(plain(&render(&rows, 100, 1)).len(), 1);
    assert!(render(&rows, 100, 0).is_empty());
}

#[test]
fn a_target_not_yet_probed_says_so() {
    let waiting = LiveRow {
        state: None,
        name: "example.com".into(),
        said: "waiting for the first answer".into(),
        latency: None,
        recent: vec![],
        availability: None,
        for_how_long: Duration::ZERO,
    };
    let lines = plain(&render(&[waiting], 100, 10));
    assert!(lines[1].starts_with("-  "), "{lines:#?}");
    assert!(lines[1].contains("waiting for the first answer"));
}

#[test]
fn wide_characters_are_measured_in_columns_not_characters() {
    let mut wide = row(
        "服务状态监控服务状态监控服务状态监控",
        State::Down,
        "",
        &[Some(10), None],
    );
    wide.said = "503 サービスは一時的に利用できません 🚨🚨🚨 e\u{301}e\u{301}".into();
    for width in [40, 60, 80, 120] {
        for line in plain(&render(&[wide.clone()], width, 10)) {
            let columns = unicode_width::UnicodeWidthStr::width(line.as_str());
            assert!(columns < width, "{columns} columns in {width}: {line}");
        }
    }
    assert_eq!(cut("状态监控", 5), "状态…");
    assert_eq!(count(&pad("状态", 6)), 6);
}
