//! For Nagios, Icinga, Naemon, Sensu and Checkmk: one status line with perfdata, and the same
//! exit codes as always (they are the plugin codes).

use std::io::{self, Write};

use super::{Outcome, Reporter};
use crate::sanitize::for_terminal;
use crate::stats::Summary;
use crate::verdict::State;

pub struct Nagios<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> Nagios<'w> {
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Nagios { out }
    }
}

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

impl Reporter for Nagios<'_> {
    fn probe(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, last: &[Outcome], summaries: &[Summary]) -> io::Result<()> {
        // In a repeated run a target may never have finished a probe: it has a summary but no
        // last outcome, and counts as UNKNOWN, as it does for the exit code.
        let unprobed: Vec<&Summary> = summaries.iter().filter(|s| s.state.is_none()).collect();
        let worst = last
            .iter()
            .map(|o| o.verdict.state)
            .chain(unprobed.iter().map(|_| State::Unknown))
            .max()
            .unwrap_or(State::Unknown);
        let mut summary = match last {
            [one] => format!(
                "{} is {}: {}",
                text(&one.target.name),
                one.verdict.state.as_str(),
                text(&one.verdict.reason)
            ),
            many => {
                let up = many.iter().filter(|o| o.verdict.state == State::Up).count();
                let troubles: Vec<String> = many
                    .iter()
                    .filter(|o| o.verdict.state != State::Up)
                    .map(|o| {
                        format!(
                            "{} {}: {}",
                            text(&o.target.name),
                            o.verdict.state.word(),
                            text(&o.verdict.reason)
                        )
                    })
                    .collect();
                let mut line = format!("{up} of {} up", many.len());
                if !troubles.is_empty() {
                    line.push_str("; ");
                    line.push_str(&troubles.join("; "));
                }
                line
            }
        };
        for target in &unprobed {
            summary.push_str(&format!(
                "; {} UNKNOWN: no probe finished",
                text(&target.target.name)
            ));
        }
        let perfdata: Vec<String> = last
            .iter()
            .map(|o| {
                let prefix = if last.len() == 1 {
                    String::new()
                } else {
                    format!("{}_", label(&o.target.display_input()))
                };
                let mut items = vec![format!(
                    "'{prefix}time'={:.6}s;;;0",
                    o.seen.timings.total.as_secs_f64()
                )];
                if let Some(answer) = &o.seen.answer {
                    items.push(format!("'{prefix}status'={}", answer.status));
                }
                let summary = summaries.iter().find(|s| s.target == o.target);
                if let Some(pct) = summary.and_then(|s| s.availability_pct) {
                    items.push(format!("'{prefix}availability'={pct}%;;;0;100"));
                }
                if let Some(cert) = &o.seen.certificate {
                    items.push(format!(
                        "'{prefix}cert_days'={}",
                        cert.days_left(o.seen.started_at)
                    ));
                }
                items.join(" ")
            })
            .collect();
        writeln!(
            self.out,
            "ISITDOWN {} - {summary} | {}",
            word(worst),
            perfdata.join(" ")
        )?;
        self.out.flush()
    }
}
