//! Reports: what a person, a script, jq or a monitoring system reads. One module per format;
//! each gets every probe as it completes, in argument order, and the last of each target at the end.

mod human;
mod json;
mod nagios;
mod prometheus;

use std::io::{self, Write};
use std::time::Duration;

use crate::catalog::Catalog;
use crate::check::{Outcome, Sink};
use crate::stats::Summary;
use crate::target::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Nagios,
    Prometheus,
}

/// How to report: the format, and what a person asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
}

/// A report: each outcome as it is judged (as a [`Sink`]), then the end of the run.
pub trait Reporter: Sink {
    /// Everything is done: `last` holds each target's last outcome in argument order (`None`
    /// when no probe of it finished), and repeated runs bring a summary per target, in the
    /// same order (one-shot runs none).
    fn finish(&mut self, _last: &[Option<Outcome>], _summaries: &[Summary]) -> io::Result<()> {
        Ok(())
    }
}

/// The reporter for the chosen format, writing to `out`.
pub fn reporter<'w>(
    output: Output,
    targets: &[Target],
    repeated: bool,
    out: Box<dyn Write + 'w>,
) -> Box<dyn Reporter + 'w> {
    if output.quiet {
        return Box::new(Quiet);
    }
    match output.format {
        Format::Human => Box::new(human::Human::new(out, output, targets, repeated)),
        Format::Json => Box::new(json::JsonLines::new(out)),
        Format::Nagios => Box::new(AtTheEnd {
            out,
            targets: targets.to_vec(),
            render: nagios::render,
        }),
        Format::Prometheus => Box::new(AtTheEnd {
            out,
            targets: targets.to_vec(),
            render: prometheus::render,
        }),
    }
}

struct Quiet;

impl Sink for Quiet {
    fn judged(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }
}

impl Reporter for Quiet {}

/// One target at the end of a run, for the formats written once: matched by position, so that
/// a target named twice stays two rows.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub target: &'a Target,
    /// Unique among the rows: the target as typed, numbered when it was typed more than once.
    pub label: &'a str,
    /// Its last outcome; `None` when no probe finished (a repeated run cut short).
    pub last: Option<&'a Outcome>,
    /// Its summary, in repeated runs.
    pub summary: Option<&'a Summary>,
}

/// Rows for `targets` from what [`Reporter::finish`] gets, all in argument order.
pub fn rows<'a>(
    targets: &'a [Target],
    labels: &'a [String],
    last: &'a [Option<Outcome>],
    summaries: &'a [Summary],
) -> Vec<Row<'a>> {
    targets
        .iter()
        .enumerate()
        .map(|(index, target)| Row {
            target,
            label: labels.get(index).map_or("", String::as_str),
            last: last.get(index).and_then(Option::as_ref),
            summary: summaries.get(index),
        })
        .collect()
}

/// A format written once, at the end, by a pure function of the rows.
struct AtTheEnd<'w> {
    out: Box<dyn Write + 'w>,
    targets: Vec<Target>,
    render: fn(&[Row]) -> String,
}

impl Sink for AtTheEnd<'_> {
    fn judged(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }
}

impl Reporter for AtTheEnd<'_> {
    fn finish(&mut self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        let labels = distinct_labels(&self.targets);
        let rows = rows(&self.targets, &labels, last, summaries);
        self.out.write_all((self.render)(&rows).as_bytes())?;
        self.out.flush()
    }
}

/// How each of `targets` is named in the monitoring formats: as typed, and, when the same
/// target is given more than once, with `#2`, `#3`... after its second and later mentions, so
/// that every series and perfdata label stays unique.
pub fn distinct_labels<'a>(targets: impl IntoIterator<Item = &'a Target>) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    targets
        .into_iter()
        .map(|target| {
            let typed = target.display_input();
            let count = seen.entry(typed.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                typed
            } else {
                format!("{typed} #{count}")
            }
        })
        .collect()
}

/// `--list`: the catalog as a table, or one JSON object per service.
pub fn list(catalog: &Catalog, output: Output, out: &mut dyn Write) -> io::Result<()> {
    if output.format == Format::Json {
        json::list(catalog, out)
    } else {
        human::list(catalog, output, out)
    }
}

/// Milliseconds as a float with microsecond precision, for JSON and perfdata.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}
