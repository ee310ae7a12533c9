//! Reports: what a person, a script, jq or a monitoring system reads. One module per format;
//! each gets every probe as it completes, in argument order, and the last of each target at the end.

pub mod hook;

mod human;
mod human_elsewhere;
mod json;
pub mod list;
mod live;
mod nagios;
mod prometheus;
mod spinner;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use colored::Colorize;

use crate::engine::check::Outcome;
use crate::engine::history::History;
use crate::engine::history::{Mark, Summary};
use crate::engine::{Sink, Stop};
use crate::target::Target;
use crate::verdict::State;

pub use json::write_line as json_line;
pub use spinner::Spinner;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
    /// Report only targets that are not up.
    pub only_problems: bool,
    pub verbose: bool,
    pub color: bool,
    /// stdout is a terminal where repeated runs can be shown as a table redrawn in place.
    pub live: bool,
    /// stderr is a terminal where a one-shot run can say what it waits for.
    pub progress: bool,
    /// The thresholds the verdict used, for the monitoring formats to state.
    pub limits: Limits,
    /// The probes each target gets, when a repeated run counts them (`-n N`).
    pub rounds: Option<u32>,
}

/// The thresholds a verdict is judged with, as monitoring systems want them stated next to
/// the figures (Nagios perfdata's warn, crit and max).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `--slow`: slower is DEGRADED.
    pub slow: Option<Duration>,
    /// `--timeout`: the probe is cut there, DOWN.
    pub timeout: Duration,
    /// `--cert-warn`: a certificate expiring sooner is DEGRADED.
    pub cert_warn: Duration,
}

/// For the reports' tests: the run's own limits come from the settings (`cli/settings.rs`).
#[cfg(test)]
impl Default for Limits {
    fn default() -> Limits {
        Limits {
            slow: None,
            timeout: Duration::from_secs(10),
            cert_warn: Duration::from_secs(14 * 86_400),
        }
    }
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

/// The reporter for the chosen format, writing to `out`: for people at a terminal, repeated
/// runs are a table redrawn in place; anywhere else, a line per probe.
pub fn reporter<'w>(
    output: Output,
    targets: &[Target],
    repeated: bool,
    out: Box<dyn Write + 'w>,
) -> Box<dyn Reporter + 'w> {
    if output.quiet {
        return Box::new(Quiet);
    }
    let reporter = every_format(output, targets, repeated, out);
    // The live table has a row per target whatever its state.
    let live = output.format == Format::Human && repeated && output.live;
    if output.only_problems && !live {
        Box::new(OnlyProblems(reporter))
    } else {
        reporter
    }
}

fn every_format<'w>(
    output: Output,
    targets: &[Target],
    repeated: bool,
    out: Box<dyn Write + 'w>,
) -> Box<dyn Reporter + 'w> {
    match output.format {
        Format::Human if repeated && output.live => Box::new(live::Live::new(out, output.rounds)),
        Format::Human => Box::new(human::Human::new(out, output, targets, repeated)),
        Format::Json => Box::new(json::JsonLines::new(out)),
        Format::Nagios => Box::new(AtTheEnd {
            out,
            targets: targets.to_vec(),
            limits: output.limits,
            render: nagios::render,
        }),
        Format::Prometheus => Box::new(AtTheEnd {
            out,
            targets: targets.to_vec(),
            limits: output.limits,
            render: prometheus::render,
        }),
    }
}

struct Quiet;

/// `--only-problems`: probes that found their target up are not reported one by one; the end
/// of the run still sees everything.
struct OnlyProblems<'w>(Box<dyn Reporter + 'w>);

impl Sink for OnlyProblems<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        if outcome.verdict.state == crate::verdict::State::Up {
            return Ok(());
        }
        self.0.judged(plan, outcome, histories)
    }

    fn idle(
        &mut self,
        progress: &crate::engine::check::Progress,
        histories: &[History],
    ) -> io::Result<()> {
        self.0.idle(progress, histories)
    }

    fn aside(&mut self, line: &str) -> io::Result<()> {
        self.0.aside(line)
    }

    fn pause(&mut self) -> io::Result<()> {
        self.0.pause()
    }

    fn resume(&mut self) -> io::Result<()> {
        self.0.resume()
    }

    fn stopping(&mut self, why: Stop) {
        self.0.stopping(why)
    }
}

impl Reporter for OnlyProblems<'_> {
    fn finish(&mut self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        self.0.finish(last, summaries)
    }
}

impl Sink for Quiet {
    fn judged(&mut self, _: usize, _: &Outcome, _: &[History]) -> io::Result<()> {
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
    limits: Limits,
    render: Render,
}

/// A format written whole: the rows, and the thresholds they were judged with.
type Render = fn(&[Row], &Limits) -> String;

impl Sink for AtTheEnd<'_> {
    fn judged(&mut self, _: usize, _: &Outcome, _: &[History]) -> io::Result<()> {
        Ok(())
    }
}

impl Reporter for AtTheEnd<'_> {
    fn finish(&mut self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        let labels = distinct_labels(&self.targets);
        let rows = rows(&self.targets, &labels, last, summaries);
        self.out
            .write_all((self.render)(&rows, &self.limits).as_bytes())?;
        self.out.flush()
    }
}

/// `--output FILE`: a format written whole (prometheus, nagios) goes to a file instead of
/// stdout, rewritten after each round (once every target has a new probe) and at the end.
pub fn to_file(
    output: Output,
    targets: &[Target],
    repeated: bool,
    path: PathBuf,
) -> Box<dyn Reporter + 'static> {
    let render: Render = match output.format {
        Format::Nagios => nagios::render,
        _ => prometheus::render,
    };
    Box::new(Rewritten {
        path,
        labels: distinct_labels(targets),
        targets: targets.to_vec(),
        limits: output.limits,
        render,
        last: vec![None; targets.len()],
        fresh: vec![false; targets.len()],
        repeated,
    })
}

/// A file rewritten whole after each round: node_exporter's textfile collector, or a
/// monitoring agent reading the nagios line, never sees it half written.
struct Rewritten {
    path: PathBuf,
    targets: Vec<Target>,
    labels: Vec<String>,
    limits: Limits,
    render: Render,
    last: Vec<Option<Outcome>>,
    /// Which targets have a probe the file does not show yet.
    fresh: Vec<bool>,
    repeated: bool,
}

impl Rewritten {
    fn write(&self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        let rows = rows(&self.targets, &self.labels, last, summaries);
        replace_file(&self.path, (self.render)(&rows, &self.limits).as_bytes())
    }
}

impl Sink for Rewritten {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        let (Some(last), Some(fresh)) = (self.last.get_mut(plan), self.fresh.get_mut(plan)) else {
            return Ok(());
        };
        *last = Some(outcome.clone());
        *fresh = true;
        if !self.fresh.iter().all(|fresh| *fresh) {
            return Ok(());
        }
        self.fresh.fill(false);
        let summaries: Vec<Summary> = match self.repeated {
            true => {
                let now = std::time::SystemTime::now();
                histories.iter().map(|h| h.summary(now)).collect()
            }
            false => Vec::new(),
        };
        self.write(&self.last, &summaries)
    }
}

impl Reporter for Rewritten {
    fn finish(&mut self, last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        self.write(last, summaries)
    }
}

/// Replaces `path` whole: written to a temporary file in the same folder (hidden, and not
/// ending in `.prom`, so that a textfile collector skips it), then renamed over it.
fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "--output names no file"))?;
    let mut temporary = std::ffi::OsString::from(".");
    temporary.push(name);
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = folder.join(temporary);
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
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

/// The verdict word in its colour (when colours are on).
pub(crate) fn state_word(state: State) -> colored::ColoredString {
    use colored::Colorize;
    let word = state.word();
    match state {
        State::Up => word.green().bold(),
        State::Degraded => word.yellow().bold(),
        State::Down => word.red().bold(),
        State::Unknown => word.magenta().bold(),
    }
}

/// Bars of the sparkline, from the fastest answer to the slowest.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A probe that failed: no answer, or an answer judged down or unknown.
const FAILED: char = '✗';

/// One bar per probe scaled from the fastest to the slowest, a cross for a probe that failed
/// (whether or not it got an answer: without colour, a 503 must not look like a 200); failed
/// probes in red, degraded ones in yellow.
pub(crate) fn sparkline(marks: &[Mark]) -> String {
    let answered = || marks.iter().filter_map(|m| m.latency);
    let low = answered().min().unwrap_or_default();
    let span = answered().max().unwrap_or_default().saturating_sub(low);
    marks
        .iter()
        .map(|mark| {
            let failed = matches!(mark.state, State::Down | State::Unknown);
            let symbol = match mark.latency {
                _ if failed => FAILED,
                None => FAILED,
                Some(_) if span.is_zero() => BARS[0],
                Some(d) => {
                    let at = (d - low).as_secs_f64() / span.as_secs_f64();
                    BARS[((at * (BARS.len() - 1) as f64).round() as usize).min(BARS.len() - 1)]
                }
            };
            let symbol = symbol.to_string();
            match mark.state {
                State::Up => symbol,
                State::Degraded => symbol.yellow().to_string(),
                State::Down | State::Unknown => symbol.red().to_string(),
            }
        })
        .collect()
}

/// Whether any place elsewhere judged the target (up, degraded or down): places that gave no
/// result, and a measurement that never happened, say nothing about the target, so the
/// monitoring formats print no figure for them (a zero would read as "down everywhere").
fn gave_results(elsewhere: &crate::elsewhere::globalping::Elsewhere) -> bool {
    elsewhere.up + elsewhere.degraded + elsewhere.down > 0
}

/// Milliseconds as a float with microsecond precision, for JSON and perfdata.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::State;

    fn outcome(url: &str, status: u16, millis: u64, state: State) -> Outcome {
        Outcome::sample(url, status, millis, state)
    }

    fn render_with(render: Render, last: &[Option<Outcome>]) -> String {
        let targets: Vec<Target> = last.iter().flatten().map(|o| (*o.target).clone()).collect();
        let labels = distinct_labels(&targets);
        render(&rows(&targets, &labels, last, &[]), &Limits::default())
    }

    #[test]
    fn failed_probes_are_marked_without_colour() {
        let mark = |millis: Option<u64>, state| Mark {
            latency: millis.map(Duration::from_millis),
            state,
        };
        let marks = [
            mark(Some(100), State::Up),
            mark(Some(100), State::Down),
            mark(None, State::Down),
            mark(Some(300), State::Degraded),
            mark(Some(100), State::Unknown),
        ];
        let line = sparkline(&marks);
        // What a terminal without colour shows: the escape sequences left out.
        let mut plain = String::new();
        let mut in_escape = false;
        for c in line.chars() {
            match c {
                '\x1b' => in_escape = true,
                'm' if in_escape => in_escape = false,
                _ if in_escape => {}
                _ => plain.push(c),
            }
        }
        assert_eq!(plain, "▁✗✗█✗", "{line:?}");
    }

    #[test]
    fn nagios_is_one_line_with_unique_perfdata_labels() {
        let a = outcome("http://127.0.0.1:9/", 200, 12, State::Up);
        let b = outcome("http://127.0.0.1:9/", 503, 7, State::Down);
        assert_eq!(
            render_with(nagios::render, &[Some(a.clone()), Some(b)]),
            "ISITDOWN CRITICAL - 1 of 2 up; 127.0.0.1:9 DOWN: answered 503 | \
             'http://127.0.0.1:9/_time'=0.012s;;10;0;10 'http://127.0.0.1:9/_status'=200 \
             'http://127.0.0.1:9/ #2_time'=0.007s;;10;0;10 'http://127.0.0.1:9/ #2_status'=503\n"
        );
        assert_eq!(
            render_with(nagios::render, &[Some(a)]),
            "ISITDOWN OK - 127.0.0.1:9 is up: answered 200 | 'time'=0.012s;;10;0;10 'status'=200\n"
        );
    }

    #[test]
    fn prometheus_series_stay_unique_for_a_target_given_twice() {
        let a = outcome("http://127.0.0.1:9/", 200, 12, State::Up);
        let b = outcome("http://127.0.0.1:9/", 503, 7, State::Down);
        let text = render_with(prometheus::render, &[Some(a), Some(b)]);
        let first = r#"target="http://127.0.0.1:9/",name="127.0.0.1:9",url="http://127.0.0.1:9/""#;
        let second =
            r#"target="http://127.0.0.1:9/ #2",name="127.0.0.1:9",url="http://127.0.0.1:9/""#;
        let expected = format!(
            "# HELP isitdown_up 1 if the target serves (up or degraded), 0 if it is down or unknown.\n\
             # TYPE isitdown_up gauge\n\
             isitdown_up{{{first}}} 1\n\
             isitdown_up{{{second}}} 0\n"
        );
        assert!(text.starts_with(&expected), "{text}");
        assert!(text.contains(&format!("isitdown_http_status{{{second}}} 503\n")));
        assert!(text.contains(&format!(
            "isitdown_duration_seconds{{{first},phase=\"total\"}} 0.012000\n"
        )));
        assert!(text.contains(&format!(
            "isitdown_probe_timestamp_seconds{{{second}}} 1700000000.000\n"
        )));
        let series: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let unique: std::collections::HashSet<&str> = series
            .iter()
            .map(|l| l.rsplit_once(' ').unwrap().0)
            .collect();
        assert_eq!(unique.len(), series.len(), "duplicate series in:\n{text}");
        assert_eq!(series.len(), 2 * (1 + 4 + 1 + 1 + 1));
    }
    #[test]
    fn prometheus_is_exact_for_one_target() {
        let one = outcome("http://127.0.0.1:9/", 200, 12, State::Up);
        let labels = r#"target="http://127.0.0.1:9/",name="127.0.0.1:9",url="http://127.0.0.1:9/""#;
        let expected = [
            "# HELP isitdown_up 1 if the target serves (up or degraded), 0 if it is down or unknown.",
            "# TYPE isitdown_up gauge",
            &format!("isitdown_up{{{labels}}} 1"),
            "# HELP isitdown_state 1 for the target's current state (up, degraded, down, unknown).",
            "# TYPE isitdown_state gauge",
            &format!("isitdown_state{{{labels},state=\"up\"}} 1"),
            &format!("isitdown_state{{{labels},state=\"degraded\"}} 0"),
            &format!("isitdown_state{{{labels},state=\"down\"}} 0"),
            &format!("isitdown_state{{{labels},state=\"unknown\"}} 0"),
            "# HELP isitdown_http_status The HTTP status of the answer (0 when there was none).",
            "# TYPE isitdown_http_status gauge",
            &format!("isitdown_http_status{{{labels}}} 200"),
            "# HELP isitdown_duration_seconds Time spent in each phase of the probe, and in total.",
            "# TYPE isitdown_duration_seconds gauge",
            &format!("isitdown_duration_seconds{{{labels},phase=\"total\"}} 0.012000"),
            "# HELP isitdown_tls_cert_expiry_timestamp_seconds When the server's TLS certificate expires (Unix time).",
            "# TYPE isitdown_tls_cert_expiry_timestamp_seconds gauge",
            "# HELP isitdown_probe_timestamp_seconds When the probe started (Unix time).",
            "# TYPE isitdown_probe_timestamp_seconds gauge",
            &format!("isitdown_probe_timestamp_seconds{{{labels}}} 1700000000.000"),
            "# HELP isitdown_connect_attempts Connection attempts of the probe by how they ended (Happy Eyeballs races the addresses).",
            "# TYPE isitdown_connect_attempts gauge",
        ]
        .join("\n")
            + "\n";
        assert_eq!(render_with(prometheus::render, &[Some(one)]), expected);
    }
}

#[cfg(test)]
mod numbers_from_elsewhere;
