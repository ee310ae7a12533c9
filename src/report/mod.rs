//! Reports: what a person, a script, jq or a monitoring system reads. One module per format;
//! each gets every probe as it completes, in argument order, and the last of each target at the end.

mod human;
mod json;
mod nagios;
mod prometheus;

use std::io::{self, Write};
use std::time::Duration;

use crate::catalog::Catalog;
use crate::cli::Format;
use crate::connectivity::Connectivity;
use crate::probe::Observation;
use crate::settings::Output;
use crate::stats::Summary;
use crate::status_page;
use crate::target::Target;
use crate::verdict::Verdict;

/// One probe of one target, judged.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub target: Target,
    /// 1-based, per target.
    pub seq: u32,
    pub seen: Observation,
    /// What the provider's status page says about it, when it was read.
    pub status_page: Option<status_page::Report>,
    /// What the reference endpoints said, when the target failed and the check ran.
    pub connectivity: Option<Connectivity>,
    pub verdict: Verdict,
}

pub trait Reporter {
    /// A probe has been judged.
    fn probe(&mut self, outcome: &Outcome) -> io::Result<()>;

    /// Everything is done: `last` holds each target's last outcome, in argument order, and
    /// repeated runs bring a summary per target.
    fn finish(&mut self, _last: &[Outcome], _summaries: &[Summary]) -> io::Result<()> {
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
        Format::Nagios => Box::new(nagios::Nagios::new(out)),
        Format::Prometheus => Box::new(prometheus::Prometheus::new(out)),
    }
}

struct Quiet;

impl Reporter for Quiet {
    fn probe(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }
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
