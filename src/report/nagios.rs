//! For Nagios, Icinga, Naemon, Sensu and Checkmk: one status line with perfdata, and the same
//! exit codes as always (they are the plugin codes).

use std::time::Duration;

use super::{Limits, Row};
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

fn word(state: State) -> &'static str {
    match state {
        State::Up => "OK",
        State::Degraded => "WARNING",
        State::Down => "CRITICAL",
        State::Unknown => "UNKNOWN",
    }
}

/// Perfdata labels may not hold quotes or equals signs.
fn label(text: &str) -> String {
    for_terminal(text).replace(['\'', '='], "_")
}

/// The plugin output is one line; a `|` would start the perfdata.
fn text(text: &str) -> String {
    for_terminal(text).replace('|', "/")
}

/// A perfdata number: no exponent, no trailing zeros (the guidelines allow `[-0-9.]` only).
fn number(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "" | "-" | "-0" => "0".to_string(),
        _ => text.to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    number(duration.as_secs_f64())
}

/// `'label'=value[UOM];[warn];[crit];[min];[max]`, as the plugin guidelines write it: empty
/// fields keep their place, trailing empty ones are left off.
fn perfdata(label: &str, value: &str, fields: [Option<String>; 4]) -> String {
    let mut fields: Vec<String> = fields.into_iter().map(Option::unwrap_or_default).collect();
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    let mut item = format!("'{label}'={value}");
    for field in fields {
        item.push(';');
        item.push_str(&field);
    }
    item
}

/// The plugin output. A target whose probe never finished counts as UNKNOWN, as it does for
/// the exit code. Perfdata states the thresholds the verdict used: `time` warns at `--slow`
/// and is critical at `--timeout` (where the probe is cut, so also its maximum), `cert_days`
/// warns below `--cert-warn` (the range `N:`), in the units of the value.
pub fn render(rows: &[Row], limits: &Limits) -> String {
    let state = |row: &Row| row.last.map_or(State::Unknown, |o| o.verdict.state);
    let worst = rows.iter().map(state).max().unwrap_or(State::Unknown);
    let finished: Vec<&Row> = rows.iter().filter(|r| r.last.is_some()).collect();
    let mut summary = match (rows, finished.as_slice()) {
        ([_], [one]) => format!(
            "{} is {}: {}",
            text(&one.target.name),
            state(one).as_str(),
            text(
                &one.last
                    .map_or(String::new(), |o| o.verdict.reason.to_string())
            )
        ),
        _ => {
            let up = finished.iter().filter(|r| state(r) == State::Up).count();
            let mut line = format!("{up} of {} up", finished.len());
            for row in finished.iter().filter(|r| state(r) != State::Up) {
                line.push_str(&format!(
                    "; {} {}: {}",
                    text(&row.target.name),
                    state(row).word(),
                    text(
                        &row.last
                            .map_or(String::new(), |o| o.verdict.reason.to_string())
                    )
                ));
            }
            line
        }
    };
    for row in rows.iter().filter(|r| r.last.is_none()) {
        summary.push_str(&format!(
            "; {} UNKNOWN: no probe finished",
            text(&row.target.name)
        ));
    }
    let perfdata: Vec<String> = finished
        .iter()
        .filter_map(|row| Some((row, row.last?)))
        .map(|(row, o)| {
            let prefix = if rows.len() == 1 {
                String::new()
            } else {
                format!("{}_", label(row.label))
            };
            let timeout = Some(seconds(limits.timeout));
            let mut items = vec![perfdata(
                &format!("{prefix}time"),
                &format!("{}s", seconds(o.seen.timings.total)),
                [
                    limits.slow.map(seconds),
                    timeout.clone(),
                    Some("0".into()),
                    timeout,
                ],
            )];
            if let Some(answer) = &o.seen.answer {
                items.push(perfdata(
                    &format!("{prefix}status"),
                    &answer.status.to_string(),
                    Default::default(),
                ));
            }
            if let Some(pct) = row.summary.and_then(|s| s.availability_pct) {
                items.push(perfdata(
                    &format!("{prefix}availability"),
                    &format!("{}%", number(pct)),
                    [None, None, Some("0".into()), Some("100".into())],
                ));
            }
            if let Some(cert) = &o.seen.certificate {
                let warn = number(limits.cert_warn.as_secs_f64() / 86_400.0);
                items.push(perfdata(
                    &format!("{prefix}cert_days"),
                    &cert.days_left(o.seen.started_at).to_string(),
                    [Some(format!("{warn}:")), None, None, None],
                ));
            }
            // From elsewhere: how many places found it up, of how many gave a result. When
            // none did (Globalping unreachable, or no place answered in time) there is no figure
            // to graph: a zero would read as "down everywhere".
            if let Some(elsewhere) = o.elsewhere.as_ref().filter(|e| super::gave_results(e)) {
                let asked = elsewhere.asked;
                items.push(perfdata(
                    &format!("{prefix}elsewhere_up"),
                    &elsewhere.up.to_string(),
                    [None, None, Some("0".into()), Some(asked.to_string())],
                ));
                items.push(perfdata(
                    &format!("{prefix}elsewhere_asked"),
                    &asked.to_string(),
                    Default::default(),
                ));
                // `--from near`: where it breaks, as a number (0 this machine, 1 its network,
                // 2 its country, 3 the world), when the places tell.
                if let Some(level) = elsewhere.near.as_ref().and_then(|n| n.level) {
                    let rank = crate::elsewhere::near::LEVELS
                        .iter()
                        .position(|l| *l == level)
                        .unwrap_or_default();
                    items.push(perfdata(
                        &format!("{prefix}near_level"),
                        &rank.to_string(),
                        [None, None, Some("0".into()), Some("3".into())],
                    ));
                }
            }
            items.join(" ")
        })
        .collect();
    format!(
        "ISITDOWN {} - {summary} | {}\n",
        word(worst),
        perfdata.join(" ")
    )
}
