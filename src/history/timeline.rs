//! `--history` for people: per target a bar of marks, one per hour (or per few hours, or per
//! day: whatever fits the terminal's width), each the worst state probed in it, then the
//! outages seen here and the incidents the provider published, with where they disagree.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use colored::Colorize;

use super::store;
use super::view::{Admitted, Sight, TargetPast};
use crate::text::clock::Clock;
use crate::text::{columns, words};
use crate::verdict::State;

/// What one mark may stand for, shortest first: the first whose marks fit is used.
const MARK_SPANS_H: &[u64] = &[1, 2, 3, 4, 6, 8, 12, 24, 48, 168, 336, 720, 2160];
/// Outages listed under a target at most, the latest.
const OUTAGES_SHOWN: usize = 10;
/// Where the bar and the lines under a target start.
const INDENT: usize = 2;

/// Each state's mark (none: not probed), in the legend's order.
const MARKS: [(Option<State>, char); 5] = [
    (Some(State::Up), '▁'),
    (Some(State::Degraded), '▄'),
    (Some(State::Unknown), '▆'),
    (Some(State::Down), '█'),
    (None, '·'),
];

fn mark(state: Option<State>) -> String {
    let plain = MARKS
        .iter()
        .find(|(s, _)| *s == state)
        .map_or('·', |(_, c)| *c)
        .to_string();
    match state {
        None => plain.dimmed(),
        Some(State::Up) => plain.green(),
        Some(State::Degraded) => plain.yellow(),
        Some(State::Unknown) => plain.magenta(),
        Some(State::Down) => plain.red(),
    }
    .to_string()
}

/// A line of plain text with each mark in it coloured.
fn coloured_marks(line: &str) -> String {
    line.chars()
        .map(|c| match MARKS.iter().find(|(_, m)| *m == c) {
            Some((state, _)) => mark(*state),
            None => c.to_string(),
        })
        .collect()
}

/// The hours each mark stands for, and how many marks, for `since` in `width` columns.
pub fn marks_for(since: Duration, width: usize) -> (u64, usize) {
    let hours = since.as_secs().div_ceil(3600).max(1);
    let room = width.saturating_sub(INDENT).max(1) as u64;
    let span = MARK_SPANS_H
        .iter()
        .copied()
        .find(|span| hours.div_ceil(*span) <= room)
        .unwrap_or_else(|| hours.div_ceil(room));
    (span, hours.div_ceil(span) as usize)
}

/// Writes every target's timeline, in `width` columns.
pub fn write(
    out: &mut dyn Write,
    pasts: &[TargetPast],
    since: Duration,
    now: SystemTime,
    clock: &Clock,
    width: usize,
) -> io::Result<()> {
    let width = width.max(40);
    let (span_h, count) = marks_for(since, width);
    let span = Duration::from_secs(span_h * 3600);
    // Marks end with the hour now is in, so that the last mark is the current one.
    // The hours are kept as UTC hours: in a zone half an hour off (India, Newfoundland), a
    // local hour would straddle two of them.
    let end = store::time_of(store::millis_of(now).div_euclid(store::HOUR_MS) * store::HOUR_MS)
        + Duration::from_secs(3600);
    let start = end - span * count as u32;
    let heading = format!(
        "Since {} ({}), times in {}",
        clock.moment(now - since, now),
        words::span(since),
        clock.zone_name(now)
    );
    for line in columns::wrap(&heading, width) {
        writeln!(out, "{line}")?;
    }
    let per = match span_h {
        1 => "hour".to_string(),
        24 => "day".to_string(),
        h if h % 24 == 0 => format!("{} days", h / 24),
        _ => words::span(span),
    };
    let words = ["up", "degraded", "unknown", "down", "not probed"];
    let keys = MARKS
        .iter()
        .zip(words)
        .map(|((_, mark), word)| columns::held(&format!("{mark} {word}")));
    let legend = format!("one mark per {per}: {}", keys.collect::<Vec<_>>().join(" "));
    // Wrapped as plain text, then each mark in its colour.
    for line in columns::wrap(&legend, width) {
        writeln!(out, "{}", coloured_marks(&line))?;
    }
    let pad = " ".repeat(INDENT);
    // Of many targets (a tag, `@all`), those with nothing to tell are counted, not shown.
    let telling =
        |past: &&TargetPast| pasts.len() == 1 || past.probes() > 0 || !past.incidents().is_empty();
    let quiet = pasts.len() - pasts.iter().filter(telling).count();
    for past in pasts.iter().filter(telling) {
        writeln!(out)?;
        let title = if past.name == past.key {
            past.name.clone()
        } else {
            format!("{} ({})", past.name, past.key)
        };
        writeln!(out, "{}", columns::cut(&title, width).bold())?;
        let mut states: Vec<Option<State>> = vec![None; count];
        for hour in &past.hours {
            let Ok(offset) = hour.start.duration_since(start) else {
                continue;
            };
            let index = (offset.as_secs() / span.as_secs().max(1)) as usize;
            if let (Some(slot), Some(worst)) = (states.get_mut(index), hour.worst()) {
                *slot = (*slot).max(Some(worst));
            }
        }
        let bar: String = states.iter().map(|s| mark(*s)).collect();
        writeln!(out, "{pad}{bar}")?;
        let left = clock.moment(start, now);
        // The first mark's time under its start and "now" under the last, when both fit.
        match count.checked_sub(columns::count(&left) + 3) {
            Some(gap) if gap > 0 => writeln!(out, "{pad}{left}{}now", " ".repeat(gap))?,
            _ => writeln!(out, "{pad}{left} to now")?,
        }
        let facts = match past.availability() {
            None => "no probes recorded in this period".to_string(),
            Some(availability) => {
                let mut parts = vec![
                    format!("{availability:.2}% available"),
                    match past.probes() {
                        1 => "1 probe".to_string(),
                        n => format!("{n} probes"),
                    },
                    match past.periods.len() {
                        1 => "1 outage".to_string(),
                        n => format!("{n} outages"),
                    },
                ];
                if let (Some(p50), Some(p95)) = (past.p50, past.p95) {
                    parts.push(format!(
                        "latency p50 {} p95 {}",
                        words::duration(p50),
                        words::duration(p95)
                    ));
                }
                // Wrapped between its parts, never inside one.
                let held: Vec<String> = parts.iter().map(|part| columns::held(part)).collect();
                held.join(", ")
            }
        };
        for line in columns::wrap(&facts, width - INDENT) {
            writeln!(out, "{pad}{line}")?;
        }
        // The latest outages; a target that flapped all week has thousands (`--json` has all).
        let earlier = past.periods.len().saturating_sub(OUTAGES_SHOWN);
        if earlier > 0 {
            let words = match earlier {
                1 => "1 earlier outage, in --json".to_string(),
                n => format!("{n} earlier outages, in --json"),
            };
            writeln!(out, "{pad}{}", words.dimmed())?;
        }
        for (index, period) in past.periods.iter().enumerate().skip(earlier) {
            let until = match period.ended_at {
                Some(end) if clock.same_day(end, period.started_at) => clock.time(end),
                Some(end) => clock.moment(end, now),
                None => "ongoing".to_string(),
            };
            let head = format!(
                "{} – {until}, {}",
                clock.moment(period.started_at, now),
                words::span(period.duration(now))
            );
            let word = crate::report::state_word(period.worst);
            let room = width.saturating_sub(INDENT + 9 + columns::count(&head) + 2);
            writeln!(
                out,
                "{pad}{word}{} {head}  {}",
                " ".repeat(9usize.saturating_sub(period.worst.word().len() + 1)),
                columns::cut(&period.reason, room)
            )?;
            if let Some(silence) = past.silence_of(index) {
                let said = format!("the provider said nothing for {}", words::span(silence));
                writeln!(out, "{pad}{}{}", " ".repeat(9), said.yellow())?;
            }
        }
        match &past.admitted {
            Admitted::NotAsked => {}
            Admitted::NoHistory(_) => writeln!(
                out,
                "{pad}{}",
                "its status page publishes no incident history".dimmed()
            )?,
            Admitted::Unreadable(_, why) => writeln!(
                out,
                "{pad}{}",
                columns::cut(
                    &format!("incident history unreadable: {why}"),
                    width - INDENT
                )
                .dimmed()
            )?,
            Admitted::Incidents(_, incidents) if incidents.is_empty() => writeln!(
                out,
                "{pad}{}",
                "the provider published no incident in this period".dimmed()
            )?,
            Admitted::Incidents(_, incidents) => {
                for (index, incident) in incidents.iter().enumerate() {
                    let when = match (incident.post, incident.resolved_at) {
                        (true, _) => clock.moment(incident.started_at, now),
                        (false, Some(end)) if clock.same_day(end, incident.started_at) => {
                            format!(
                                "{} – {}",
                                clock.moment(incident.started_at, now),
                                clock.time(end)
                            )
                        }
                        (false, Some(end)) => format!(
                            "{} – {}",
                            clock.moment(incident.started_at, now),
                            clock.moment(end, now)
                        ),
                        (false, None) => {
                            format!("{} – ongoing", clock.moment(incident.started_at, now))
                        }
                    };
                    let impact = incident.impact.as_deref().unwrap_or("post");
                    let head = format!("{when}, {impact}: ");
                    let room = width.saturating_sub(INDENT + 9 + columns::count(&head));
                    writeln!(
                        out,
                        "{pad}{}     {head}{}",
                        "PAGE".cyan().bold(),
                        columns::cut(&incident.name, room)
                    )?;
                    if let Some(sight) = past.unseen(index) {
                        let said = match sight {
                            Sight::AnsweredWell => "an incident that never reached this machine",
                            Sight::NotProbed => "this machine did not probe it then",
                            Sight::Blind => "this machine's own connection was down then",
                        };
                        writeln!(out, "{pad}{}{}", " ".repeat(9), said.yellow())?;
                    }
                }
            }
        }
    }
    if quiet > 0 {
        let words = match quiet {
            1 => "1 more target: nothing recorded in this period".to_string(),
            n => format!("{n} more targets: nothing recorded in this period"),
        };
        writeln!(out, "\n{}", words.dimmed())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_mark_is_this_hours_in_a_zone_half_an_hour_off() {
        use crate::history::view::{Hour, Named};
        use std::time::UNIX_EPOCH;
        // 2026-12-07 16:00 UTC: hours are kept from there.
        let hour = UNIX_EPOCH + Duration::from_secs(1_796_659_200);
        for minutes in [10, 40] {
            let now = hour + Duration::from_secs(minutes * 60);
            let mut past = Named {
                key: "svc".into(),
                name: "svc".into(),
                url: "http://svc/".into(),
            }
            .nothing();
            past.counts = [1, 0, 0, 0];
            past.hours = vec![Hour {
                start: hour,
                counts: [1, 0, 0, 0],
            }];
            for zone in ["Asia/Kolkata", "America/St_Johns", "UTC"] {
                let clock = Clock::in_zone(jiff::tz::TimeZone::get(zone).unwrap());
                let mut out = Vec::new();
                let day = Duration::from_secs(86_400);
                write(&mut out, &[past.clone()], day, now, &clock, 80).unwrap();
                let text = String::from_utf8(out).unwrap();
                let is_mark = |c: char| MARKS.iter().any(|(_, m)| *m == c);
                let bar = text
                    .lines()
                    .find(|l| l.starts_with("  ") && l.trim().chars().all(is_mark))
                    .unwrap();
                assert!(bar.trim_end().ends_with('▁'), "{zone} +{minutes}: {text}");
            }
        }
    }

    #[test]
    fn marks_fit_the_width_and_durations_read_as_people_say_them() {
        let week = Duration::from_secs(7 * 86_400);
        assert_eq!(marks_for(week, 80), (3, 56));
        assert_eq!(marks_for(week, 200), (1, 168));
        assert_eq!(marks_for(Duration::from_secs(30 * 86_400), 80), (12, 60));
        let (_, count) = marks_for(Duration::from_secs(3650 * 86_400), 80);
        assert!(count <= 78);
        assert_eq!(words::span(Duration::from_secs(7980)), "2 h 13 min");
        assert_eq!(words::span(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(words::span(Duration::from_secs(36 * 3600)), "36 h");
        assert_eq!(words::span(Duration::from_secs(30)), "under a minute");
    }
}
