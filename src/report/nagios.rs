//! For Nagios, Icinga, Naemon, Sensu and Checkmk: one status line with perfdata, and the same
//! exit codes as always (they are the plugin codes).

use super::Row;
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

/// The plugin output. A target whose probe never finished counts as UNKNOWN, as it does for
/// the exit code.
pub fn render(rows: &[Row]) -> String {
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
            let mut items = vec![format!(
                "'{prefix}time'={:.6}s;;;0",
                o.seen.timings.total.as_secs_f64()
            )];
            if let Some(answer) = &o.seen.answer {
                items.push(format!("'{prefix}status'={}", answer.status));
            }
            if let Some(pct) = row.summary.and_then(|s| s.availability_pct) {
                items.push(format!("'{prefix}availability'={pct}%;;;0;100"));
            }
            if let Some(cert) = &o.seen.certificate {
                items.push(format!(
                    "'{prefix}cert_days'={}",
                    cert.days_left(o.seen.started_at)
                ));
            }
            // From elsewhere: how many places found it up, of how many asked.
            if let Some(elsewhere) = &o.elsewhere {
                let asked = elsewhere.asked;
                items.push(format!(
                    "'{prefix}elsewhere_up'={};;;0;{asked}",
                    elsewhere.up
                ));
                items.push(format!("'{prefix}elsewhere_asked'={asked}"));
                // `--from near`: where it breaks, as a number (0 this machine, 1 its network,
                // 2 its country, 3 the world), when the places tell.
                if let Some(level) = elsewhere.near.as_ref().and_then(|n| n.level) {
                    let rank = crate::elsewhere::near::LEVELS
                        .iter()
                        .position(|l| *l == level)
                        .unwrap_or_default();
                    items.push(format!("'{prefix}near_level'={rank};;;0;3"));
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
