//! The live table as lines of text, from plain values: what fits a terminal of a given size.
//! Pure, so that every width and height can be tried in a test.

use std::time::Duration;

use colored::Colorize;

use super::super::human::{ms, STATE_WIDTH};
use super::super::{sparkline, state_word};
use crate::engine::history::Mark;
use crate::text::columns::{count, cut, pad};
use crate::text::words::compact;
use crate::verdict::State;

/// Two spaces between columns.
const GAP: usize = 2;
/// Names longer than this are cut.
const NAME_MAX: usize = 24;
/// The answer in words gets at least this much room, and needs no more than this.
const SAID_MIN: usize = 12;
const SAID_MAX: usize = 40;
/// The sparkline is shown at least this long, and at most this long.
const RECENT_MIN: usize = 8;
const RECENT_MAX: usize = 30;
const LATENCY_WIDTH: usize = 8;
const AVAIL_WIDTH: usize = 6;

/// One target, as the table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRow {
    /// `None` until its first probe is judged.
    pub state: Option<State>,
    /// Safe for a terminal.
    pub name: String,
    /// The last answer or error in words, safe for a terminal.
    pub said: String,
    /// How long the last probe took.
    pub latency: Option<Duration>,
    /// The latest probes, oldest first.
    pub recent: Vec<Mark>,
    /// Probes that found it serving, in percent.
    pub availability: Option<f64>,
    /// How long it has been in its state.
    pub for_how_long: Duration,
}

/// The columns, in the order they are given up when the terminal is too narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Recent,
    Availability,
    Latency,
    ForHowLong,
    Said,
}

/// How wide each column is; zero: left out.
#[derive(Debug, Default)]
struct Widths {
    state: usize,
    name: usize,
    said: usize,
    latency: usize,
    recent: usize,
    availability: usize,
}

/// The table for a terminal `width` columns wide with `height` lines to spare: a header and a
/// line per row, the problems first with a count of the rest when they do not all fit.
pub fn render(rows: &[LiveRow], width: usize, height: usize) -> Vec<String> {
    // The last column is left free: a full line makes some terminals wrap early.
    let width = width.saturating_sub(1);
    if height == 0 || width == 0 {
        return Vec::new();
    }
    let (shown, left_out) = choose(rows, height - 1);
    let widths = widths(&shown, width);
    let mut lines = vec![cut(&header(&widths), width).dimmed().to_string()];
    lines.extend(shown.iter().map(|row| line(row, &widths, width)));
    if left_out > 0 {
        let rest = format!("… and {left_out} more");
        lines.push(cut(&rest, width).dimmed().to_string());
    }
    lines.truncate(height);
    lines
}

/// The rows that fit in `room` lines: all, in order, or the worst first, leaving a line to
/// say how many were left out.
fn choose(rows: &[LiveRow], room: usize) -> (Vec<&LiveRow>, usize) {
    if rows.len() <= room {
        return (rows.iter().collect(), 0);
    }
    let mut worst_first: Vec<&LiveRow> = rows.iter().collect();
    // Stable: rows as bad as each other keep their order. Never probed counts as unknown.
    worst_first.sort_by_key(|row| std::cmp::Reverse(row.state.unwrap_or(State::Unknown)));
    let fits = room.saturating_sub(1);
    worst_first.truncate(fits);
    (worst_first, rows.len() - fits)
}

fn widths(rows: &[&LiveRow], width: usize) -> Widths {
    let longest = |text: fn(&LiveRow) -> String| rows.iter().map(|r| count(&text(r))).max();
    let mut widths = Widths {
        state: longest(|r| state_text(r, true))
            .unwrap_or(0)
            .max(STATE_WIDTH),
        name: longest(|r| r.name.clone()).unwrap_or(0).clamp(4, NAME_MAX),
        said: SAID_MIN,
        latency: LATENCY_WIDTH,
        recent: RECENT_MIN,
        availability: AVAIL_WIDTH,
    };
    let total = |w: &Widths| {
        let columns = [w.state, w.name, w.said, w.latency, w.recent, w.availability];
        let used = columns.iter().filter(|c| **c > 0);
        used.clone().sum::<usize>() + GAP * used.count().saturating_sub(1)
    };
    for column in [
        Column::Recent,
        Column::Availability,
        Column::Latency,
        Column::ForHowLong,
        Column::Said,
    ] {
        if total(&widths) <= width {
            break;
        }
        match column {
            Column::Recent => widths.recent = 0,
            Column::Availability => widths.availability = 0,
            Column::Latency => widths.latency = 0,
            Column::ForHowLong => widths.state = STATE_WIDTH,
            Column::Said => widths.said = 0,
        }
    }
    // Room to spare goes to the answer in words first, then to the sparkline.
    let said_wanted = longest(|r| r.said.clone()).unwrap_or(0).min(SAID_MAX);
    let recent_wanted = rows.iter().map(|r| r.recent.len()).max().unwrap_or(0);
    if widths.said > 0 {
        let spare = width.saturating_sub(total(&widths));
        widths.said += spare.min(said_wanted.saturating_sub(widths.said));
    }
    if widths.recent > 0 {
        let spare = width.saturating_sub(total(&widths));
        let wanted = recent_wanted.clamp(RECENT_MIN, RECENT_MAX);
        widths.recent += spare.min(wanted.saturating_sub(widths.recent));
    }
    widths
}

fn header(w: &Widths) -> String {
    let right = |text: &str, width: usize| format!("{:>width$}", cut(text, width));
    let cells: Vec<String> = [
        (w.state, pad("STATE", w.state)),
        (w.name, pad("NAME", w.name)),
        (w.said, pad("LAST", w.said)),
        (w.latency, right("LATENCY", w.latency)),
        (w.recent, pad("RECENT", w.recent)),
        (w.availability, right("AVAIL", w.availability)),
    ]
    .into_iter()
    .filter(|(width, _)| *width > 0)
    .map(|(_, cell)| cell)
    .collect();
    cells.join(&" ".repeat(GAP)).trim_end().to_string()
}

fn line(row: &LiveRow, w: &Widths, width: usize) -> String {
    let with_time = w.state > STATE_WIDTH;
    let state = state_text(row, with_time);
    let painted_state = match row.state {
        Some(s) => state.replacen(s.word(), &state_word(s).to_string(), 1),
        None => state.dimmed().to_string(),
    };
    let mut cells: Vec<(String, usize)> = vec![
        (painted_state, count(&state)),
        (
            cut(&row.name, w.name).bold().to_string(),
            count(&cut(&row.name, w.name)),
        ),
    ];
    if w.said > 0 {
        let said = cut(&row.said, w.said);
        cells.push((said.clone(), count(&said)));
    }
    if w.latency > 0 {
        let latency = row.latency.map(ms).unwrap_or_default();
        let text = format!("{latency:>width$}", width = w.latency);
        cells.push((text.dimmed().to_string(), count(&text)));
    }
    if w.recent > 0 {
        let marks = &row.recent[row.recent.len().saturating_sub(w.recent)..];
        cells.push((sparkline(marks), marks.len()));
    }
    if w.availability > 0 {
        let text = row.availability.map(percent).unwrap_or_default();
        cells.push((
            format!("{text:>width$}", width = w.availability),
            w.availability,
        ));
    }
    let column_widths = [w.state, w.name, w.said, w.latency, w.recent, w.availability];
    let column_widths = column_widths.iter().filter(|c| **c > 0);
    let mut text = String::new();
    let mut used = 0;
    for ((painted, visible), column) in cells.iter().zip(column_widths) {
        let room = column + if used == 0 { 0 } else { GAP };
        if used + room > width {
            break;
        }
        if used > 0 {
            text.push_str(&" ".repeat(GAP));
        }
        text.push_str(painted);
        text.push_str(&" ".repeat(column.saturating_sub(*visible)));
        used += room;
    }
    text.trim_end().to_string()
}

/// "DOWN for 3m12s", or only "DOWN"; "-" for a target not yet probed.
fn state_text(row: &LiveRow, with_time: bool) -> String {
    match row.state {
        Some(state) if with_time => format!("{} for {}", state.word(), compact(row.for_how_long)),
        Some(state) => state.word().to_string(),
        None => "-".to_string(),
    }
}

/// "100%", "99.4%".
fn percent(pct: f64) -> String {
    if pct >= 100.0 {
        "100%".into()
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
