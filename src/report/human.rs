//! For a person at a terminal: a coloured verdict word, the name, the answer in words, the time.

use std::collections::HashMap;
use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use colored::Colorize;

use super::{state_word, Output, Reporter};
use crate::engine::check::Outcome;
use crate::engine::history::History;
use crate::engine::history::Summary;
use crate::engine::Sink;
use crate::just_me::connectivity::Note;
use crate::just_me::public_dns::PublicDns;
use crate::status_page;
use crate::target::Target;
use crate::text::redact::redact_typed;
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

/// Detail lines start under the name.
const INDENT: &str = "          ";
/// The verdict word's column: as wide as the longest word, DEGRADED and UNKNOWN.
pub(super) const STATE_WIDTH: usize = 8;
/// The total time's column: "12.34 s" and "143 ms" line up on the right.
pub(super) const TIME_WIDTH: usize = 8;
/// Labels of `-v` detail lines ("redirect ", "address  ").
const LABEL_WIDTH: usize = 9;
/// A status page's incidents and troubled components shown before "and N more".
const SHOWN_PER_PAGE: usize = 5;
/// The latest changes a summary shows; the earlier ones are counted.
const SHOWN_TRANSITIONS: usize = 10;

pub struct Human<'w> {
    out: Box<dyn Write + 'w>,
    verbose: bool,
    /// With one target, the phase breakdown is shown without -v: it is the whole story.
    show_phases: bool,
    name_width: usize,
    /// Repeated runs number each probe and end with a summary.
    repeated: bool,
    /// With more than one target, the run ends with a line of counts.
    counts: bool,
    /// The connection check's evidence last shown: not shown again while it is the same.
    connection_shown: Option<(Note, usize, usize)>,
    /// Each target's status page as last shown: repeated probes show it again only when it
    /// says something new.
    pages_shown: HashMap<usize, status_page::Report>,
}

impl<'w> Human<'w> {
    pub fn new(
        out: Box<dyn Write + 'w>,
        output: Output,
        targets: &[Target],
        repeated: bool,
    ) -> Self {
        Human {
            out,
            verbose: output.verbose,
            show_phases: output.verbose || (targets.len() == 1 && !repeated),
            repeated,
            counts: targets.len() > 1,
            connection_shown: None,
            pages_shown: HashMap::new(),
            name_width: targets
                .iter()
                .map(|t| for_terminal(&t.name).chars().count())
                .max()
                .unwrap_or(0),
        }
    }
}

impl Sink for Human<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, _: &[History]) -> io::Result<()> {
        let state = outcome.verdict.state;
        let word = state_column(state);
        let name = for_terminal(&outcome.target.name);
        let pad = " ".repeat(self.name_width.saturating_sub(name.chars().count()));
        let time = format!("{:>TIME_WIDTH$}", ms(outcome.seen.timings.total)).dimmed();
        if self.repeated {
            let seq = format!("#{:<4}", outcome.seq).dimmed();
            write!(self.out, "{seq}")?;
        }
        let retries = outcome.tries.saturating_sub(1);
        let retried = match retries {
            0 => String::new(),
            1 => " (after 1 retry)".to_string(),
            n => format!(" (after {n} retries)"),
        };
        writeln!(
            self.out,
            "{word}  {}{pad}  {time}  {}{}",
            name.bold(),
            for_terminal(&outcome.verdict.reason.to_string()),
            retried.dimmed()
        )?;
        let seen = &outcome.seen;
        if self.verbose {
            self.detail("url", &outcome.target.display_url())?;
            if let Some(proxy) = &seen.proxy {
                self.detail("proxy", &proxy.to_string())?;
            }
            if let Some(address) = seen.address {
                self.detail("address", &address.to_string())?;
            }
            for attempt in &seen.attempts {
                let line = format!(
                    "{} {} after {}",
                    attempt.address,
                    attempt.outcome.as_str(),
                    ms(attempt.elapsed)
                );
                self.detail("attempt", &line)?;
            }
            if let Some(trust) = seen.trust.as_ref().and_then(|t| t.source()) {
                self.detail("trust", &for_terminal(&trust.to_string()))?;
            }
            for redirect in &seen.redirects {
                self.detail(
                    "redirect",
                    &format!("{} → {}", redirect.status, for_terminal(&redirect.to)),
                )?;
            }
            if let Some(answer) = &seen.answer {
                self.detail("http", &answer.version)?;
                if let Some(edge) = seen.edge.clone() {
                    let id = edge.id.map(|id| format!(" ({})", for_terminal(&id)));
                    self.detail("edge", &format!("{}{}", edge.cdn, id.unwrap_or_default()))?;
                }
                for (name, value) in &answer.headers {
                    let value = if name == "location" {
                        redact_typed(value)
                    } else {
                        value.clone()
                    };
                    self.detail("header", &format!("{name}: {}", for_terminal(&value)))?;
                }
            }
            if let Some(handshake) = &seen.handshake {
                let session: Vec<&str> = [&handshake.version, &handshake.cipher]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if !session.is_empty() {
                    self.detail("tls", &for_terminal(&session.join(" ")))?;
                }
                if let Some(subject) = &handshake.subject {
                    self.detail("subject", &for_terminal(subject))?;
                }
                if let Some(issuer) = &handshake.issuer {
                    self.detail("issuer", &for_terminal(issuer))?;
                }
            }
            if let Some(certificate) = &seen.certificate {
                let days = certificate.days_left(SystemTime::now());
                let date = crate::text::timestamp::rfc3339(certificate.expires_at);
                let day = date.get(..10).unwrap_or(&date);
                let unit = if days.abs() == 1 { "day" } else { "days" };
                self.detail("tls", &format!("certificate expires {day} ({days} {unit})"))?;
            }
            if let Some(error) = &outcome.verdict.error {
                self.detail("error", error.kind.as_str())?;
            }
            for sibling in &outcome.also {
                let line = format!(
                    "{} {}: {} ({})",
                    sibling.verdict.state.word(),
                    sibling.url,
                    sibling.verdict.reason,
                    ms(sibling.seen.timings.total)
                );
                self.detail("also", &for_terminal(&line))?;
            }
        }
        if let Some(page) = &outcome.status_page {
            if self.pages_shown.get(&plan) != Some(page) {
                self.provider_lines(page)?;
                self.pages_shown.insert(plan, page.clone());
            }
        }
        if let Some(connectivity) = &outcome.connectivity {
            // The reason already says what the check found; this line is its evidence, once
            // per run while it stays the same (a hundred targets, one connection).
            let evidence = (connectivity.note, connectivity.ok, connectivity.checked);
            if self.connection_shown != Some(evidence) {
                self.connection_shown = Some(evidence);
                let line = format!(
                    "{} of {} reference endpoints answered right",
                    connectivity.ok, connectivity.checked
                );
                writeln!(self.out, "{INDENT}{}", line.dimmed())?;
            }
            // With the whole connection down, that public DNS did not answer either is no news.
            let no_news = |p: &&PublicDns| p.resolved.is_none() && connectivity.note == Note::Down;
            if let Some(public_dns) = connectivity.public_dns.as_ref().filter(|p| !no_news(p)) {
                writeln!(self.out, "{INDENT}{}", for_terminal(&public_dns.note))?;
            }
        }
        if self.show_phases {
            let t = &seen.timings;
            let phases: Vec<String> = [
                ("dns", t.dns),
                ("connect", t.connect),
                ("tls", t.tls),
                ("first byte", t.first_byte),
            ]
            .into_iter()
            .filter_map(|(label, d)| d.map(|d| format!("{label} {}", ms(d))))
            .collect();
            if !phases.is_empty() {
                let line = phases.join(" · ");
                let line = line.dimmed();
                writeln!(self.out, "{INDENT}{line}")?;
            }
        }
        if let Some(elsewhere) = &outcome.elsewhere {
            for line in super::human_elsewhere::lines(elsewhere, self.verbose) {
                writeln!(self.out, "{INDENT}{line}")?;
            }
        }
        self.out.flush()
    }
}

impl Reporter for Human<'_> {
    fn finish(&mut self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        write_summaries(&mut self.out, summaries)?;
        if self.counts {
            let states: Vec<State> = last.iter().flatten().map(|o| o.verdict.state).collect();
            let gap = if self.repeated { "\n" } else { "" };
            writeln!(self.out, "{gap}{}", count_line(&states))?;
        }
        self.out.flush()
    }
}

/// More targets than this get one compact summary instead of one each: a run over a whole
/// list ended with Ctrl-C would otherwise fill screens.
const MANY: usize = 6;
/// The most targets the compact summary names.
const NAMED: usize = 10;

/// How each target did over a repeated run, or, for many targets, those not up now, worst
/// first, in one line each (the counts line that follows says how many are up).
pub(super) fn write_summaries(out: &mut dyn Write, summaries: &[Summary]) -> io::Result<()> {
    if summaries.len() <= MANY {
        for summary in summaries {
            write_summary(out, summary)?;
        }
        return Ok(());
    }
    let probes: u64 = summaries.iter().map(|s| u64::from(s.probes)).sum();
    let mut troubled: Vec<&Summary> = summaries
        .iter()
        .filter(|s| s.state != Some(State::Up))
        .collect();
    troubled.sort_by_key(|s| std::cmp::Reverse(s.state.unwrap_or(State::Unknown)));
    let heading = match troubled.len() {
        0 => "every one is up now".to_string(),
        n => format!("{n} not up now:"),
    };
    writeln!(
        out,
        "\n{} targets, {probes} probes; {heading}",
        summaries.len()
    )?;
    for s in troubled.iter().take(NAMED) {
        let state = s
            .state
            .map_or_else(|| format!("{:<STATE_WIDTH$}", "-"), state_column);
        let available = s
            .availability_pct
            .map_or("no probe finished".to_string(), |pct| {
                format!("{pct}% available")
            });
        let changes = match s.transitions_total {
            0 => String::new(),
            1 => ", 1 change".to_string(),
            n => format!(", {n} changes"),
        };
        writeln!(
            out,
            "{INDENT}{state}  {}  {available}{changes}",
            for_terminal(&s.target.name).bold()
        )?;
    }
    if troubled.len() > NAMED {
        writeln!(out, "{INDENT}and {} more", troubled.len() - NAMED)?;
    }
    writeln!(
        out,
        "{INDENT}{}",
        "(--json has every target's summary)".dimmed()
    )
}

/// The counts line of the targets' states now, after a compact summary (see [`MANY`]).
pub(super) fn counts_after_compact(summaries: &[Summary]) -> Option<String> {
    let states: Vec<State> = summaries.iter().filter_map(|s| s.state).collect();
    (summaries.len() > MANY).then(|| count_line(&states))
}

/// How a target did over a repeated run.
fn write_summary(out: &mut dyn Write, s: &Summary) -> io::Result<()> {
    let now = s
        .state
        .map(|state| format!(", now {}", state_word(state)))
        .unwrap_or_default();
    let plural = if s.probes == 1 { "" } else { "s" };
    let counts = match s.availability_pct {
        Some(pct) => format!(
            "{pct}% available ({})",
            counted([s.up, s.degraded, s.down, s.unknown].map(|n| n as usize))
        ),
        None => "no probe finished".to_string(),
    };
    writeln!(
        out,
        "\n{}: {} probe{plural}, {counts}{now}",
        for_terminal(&s.target.name).bold(),
        s.probes,
    )?;
    if let Some(l) = &s.latency {
        let line = format!(
            "min {} · p50 {} · p95 {} · max {} · mean {}",
            ms(l.min),
            ms(l.p50),
            ms(l.p95),
            ms(l.max),
            ms(l.mean)
        );
        writeln!(out, "  {}{line}", "latency  ".dimmed())?;
    }
    if !s.recent.is_empty() {
        writeln!(
            out,
            "  {}{}",
            "recent   ".dimmed(),
            super::sparkline(&s.recent)
        )?;
    }
    if !s.transitions.is_empty() {
        let shown = s.transitions.len().min(SHOWN_TRANSITIONS);
        let mut changes: Vec<String> = s.transitions[s.transitions.len() - shown..]
            .iter()
            .map(|t| {
                format!(
                    "{} {} → {}",
                    crate::text::clock::Clock::local().time_of_day(t.at),
                    t.from.as_str(),
                    t.to.as_str()
                )
            })
            .collect();
        let earlier = s.transitions_total.saturating_sub(shown as u64);
        if earlier > 0 {
            changes.insert(0, format!("{earlier} earlier"));
        }
        writeln!(out, "  {}{}", "changes  ".dimmed(), changes.join(" · "))?;
    }
    Ok(())
}

impl Human<'_> {
    /// "OpenAI reports: Partial outage", then each open incident with its age and link.
    fn provider_lines(&mut self, page: &status_page::Report) -> io::Result<()> {
        let now = SystemTime::now();
        if !page.is_readable() {
            let line = for_terminal(&page.summary()).dimmed();
            return writeln!(self.out, "{INDENT}{line}");
        }
        let headline = if page.incidents.is_empty() {
            page.summary()
        } else {
            let maintenance = page
                .incidents
                .iter()
                .filter(|i| i.severity == status_page::Severity::Maintenance)
                .count();
            // Those not listed are counted as incidents.
            let incidents = page.incidents_total.max(page.incidents.len()) - maintenance;
            let mut parts = Vec::new();
            if incidents > 0 {
                parts.push(format!(
                    "{incidents} open incident{}",
                    if incidents == 1 { "" } else { "s" }
                ));
            }
            if maintenance > 0 {
                parts.push(format!(
                    "{maintenance} maintenance{} in progress",
                    if maintenance == 1 { "" } else { "s" }
                ));
            }
            format!("{} reports {}:", page.who(), parts.join(" and "))
        };
        let headline = for_terminal(&headline);
        let headline = if page.admits_trouble() {
            headline.yellow().to_string()
        } else {
            headline
        };
        writeln!(self.out, "{INDENT}{headline}")?;
        for incident in page.incidents.iter().take(SHOWN_PER_PAGE) {
            let mut about: Vec<String> = incident.impact.iter().cloned().collect();
            if let Some(start) = incident.started_at {
                about.push(crate::text::clock::Clock::local().since(start, now));
            }
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", for_terminal(&about.join(", ")))
            };
            let link = incident
                .url
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            writeln!(
                self.out,
                "{INDENT}  {}{about}{}",
                for_terminal(&incident.name),
                for_terminal(&link)
            )?;
        }
        let incidents_not_shown = page
            .incidents_total
            .max(page.incidents.len())
            .saturating_sub(SHOWN_PER_PAGE);
        if incidents_not_shown > 0 {
            writeln!(self.out, "{INDENT}  and {incidents_not_shown} more")?;
        }
        if page.incidents.is_empty() {
            for component in page.troubled().take(SHOWN_PER_PAGE) {
                writeln!(
                    self.out,
                    "{INDENT}  {}: {}",
                    for_terminal(&component.name),
                    for_terminal(&component.status.replace('_', " "))
                )?;
            }
            let shown = page.troubled().take(SHOWN_PER_PAGE).count();
            let not_shown = page.troubled_total.saturating_sub(shown);
            if not_shown > 0 {
                writeln!(self.out, "{INDENT}  and {not_shown} more")?;
            }
        }
        Ok(())
    }

    fn detail(&mut self, label: &str, value: &str) -> io::Result<()> {
        let label = format!("{label:<LABEL_WIDTH$}").dimmed();
        writeln!(self.out, "{INDENT}{label}{value}")
    }
}

/// The verdict word, coloured and padded to the width of the longest.
pub(super) fn state_column(state: State) -> String {
    let pad = " ".repeat(STATE_WIDTH.saturating_sub(state.word().len()));
    format!("{}{pad}", state_word(state))
}

/// "57 checked: 54 up, 2 degraded, 1 down".
fn count_line(states: &[State]) -> String {
    let count = |wanted: State| states.iter().filter(|&&s| s == wanted).count();
    let counts = [State::Up, State::Degraded, State::Down, State::Unknown].map(count);
    format!("{} checked: {}", states.len(), counted(counts))
}

/// Up, degraded, down and unknown counts in words, the zeros left out (all of them but up's
/// when everything is zero, so that there is always a figure).
fn counted(counts: [usize; 4]) -> String {
    let words = ["up", "degraded", "down", "unknown"];
    let parts: Vec<String> = counts
        .iter()
        .zip(words)
        .filter(|(n, _)| **n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    match parts.is_empty() {
        true => "0 up".to_string(),
        false => parts.join(", "),
    }
}

/// "143 ms", "4.2 ms", "2.31 s".
pub(super) fn ms(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 10.0 {
        format!("{millis:.1} ms")
    } else if millis < 10_000.0 {
        format!("{millis:.0} ms")
    } else {
        format!("{:.2} s", millis / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short_and_readable() {
        assert_eq!(ms(Duration::from_micros(4_200)), "4.2 ms");
        assert_eq!(ms(Duration::from_millis(143)), "143 ms");
        assert_eq!(ms(Duration::from_millis(12_340)), "12.34 s");
    }

    #[test]
    fn the_count_line_names_what_there_is() {
        let states = [State::Up, State::Down, State::Up, State::Degraded];
        assert_eq!(count_line(&states), "4 checked: 2 up, 1 degraded, 1 down");
        assert_eq!(count_line(&[State::Unknown]), "1 checked: 1 unknown");
        assert_eq!(count_line(&[State::Down, State::Down]), "2 checked: 2 down");
        assert_eq!(count_line(&[]), "0 checked: 0 up");
        assert_eq!(counted([0, 0, 5, 0]), "5 down");
    }
}
