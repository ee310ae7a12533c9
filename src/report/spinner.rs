//! While a one-shot run waits on a terminal: one line on stderr saying what for, redrawn in
//! place and erased before each result is printed. A run of `-n N` probes that is not drawn
//! as a live table says how far it has got instead ("probe 3 of 10").

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crossterm::cursor::MoveToColumn;
use crossterm::terminal::{self, Clear, ClearType};
use crossterm::QueueableCommand;

use crate::engine::check::{Outcome, Progress, Step};
use crate::engine::history::History;
use crate::engine::{Sink, Stop};
use crate::target::Target;
use crate::text::redact::host_name;
use crate::text::sanitize::for_terminal;

/// A run that answers sooner than this shows no spinner at all.
const DELAY: Duration = Duration::from_millis(300);
const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// A sink in front of another that shows what the run waits for while nothing is printed.
pub struct Spinner<'s> {
    inner: &'s mut dyn Sink,
    /// What each target is called on the line: the host being probed.
    hosts: Vec<String>,
    /// Off: the sink passes everything on and shows nothing.
    enabled: bool,
    shown: bool,
    frame: usize,
    /// `-n N` in a repeated run: the probes each target gets, and how many of each are done.
    count: Option<u32>,
    done: Vec<u32>,
    started: Instant,
}

impl<'s> Spinner<'s> {
    /// `count`: a repeated run's `-n N`, to count its probes instead of naming what a one-shot
    /// run waits for.
    pub fn new(
        inner: &'s mut dyn Sink,
        targets: &[Target],
        enabled: bool,
        count: Option<u32>,
    ) -> Spinner<'s> {
        Spinner {
            inner,
            hosts: targets
                .iter()
                .map(|t| for_terminal(&host_name(&t.url)))
                .collect(),
            enabled,
            shown: false,
            frame: 0,
            count,
            done: vec![0; targets.len()],
            started: Instant::now(),
        }
    }

    /// Takes the line away, leaving the cursor where it was before it was drawn.
    fn erase(&mut self) -> io::Result<()> {
        if !self.shown {
            return Ok(());
        }
        self.shown = false;
        let mut err = io::stderr().lock();
        err.queue(MoveToColumn(0))?
            .queue(Clear(ClearType::CurrentLine))?;
        err.flush()
    }

    fn draw(&mut self, progress: &Progress) -> io::Result<()> {
        let text = match self.count {
            Some(count) => Some(probe_of(&self.done, count)),
            None => waiting_for(&self.hosts, &progress.steps(), progress.elapsed()),
        };
        let Some(text) = text else {
            return self.erase();
        };
        let frame = FRAMES[self.frame % FRAMES.len()];
        self.frame += 1;
        let width = terminal::size().map_or(80, |(columns, _)| usize::from(columns));
        let line = crate::text::columns::cut(&format!("{frame} {text}"), width.saturating_sub(1));
        let mut err = io::stderr().lock();
        err.queue(MoveToColumn(0))?
            .queue(Clear(ClearType::CurrentLine))?;
        err.write_all(line.as_bytes())?;
        err.flush()?;
        self.shown = true;
        Ok(())
    }
}

impl Sink for Spinner<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        self.erase()?;
        if let Some(done) = self.done.get_mut(plan) {
            *done = (*done).max(outcome.seq);
        }
        self.inner.judged(plan, outcome, histories)
    }

    fn idle(&mut self, progress: &Progress, histories: &[History]) -> io::Result<()> {
        let waited = match self.count {
            Some(_) => self.started.elapsed(),
            None => progress.elapsed(),
        };
        // A spinner that cannot be drawn is no reason to stop the run.
        if self.enabled && waited >= DELAY {
            let _ = self.draw(progress);
        }
        self.inner.idle(progress, histories)
    }

    fn aside(&mut self, line: &str) -> io::Result<()> {
        self.erase()?;
        self.inner.aside(line)
    }

    fn pause(&mut self) -> io::Result<()> {
        self.inner.pause()
    }

    fn resume(&mut self) -> io::Result<()> {
        self.inner.resume()
    }

    fn stopping(&mut self, why: Stop) {
        self.inner.stopping(why)
    }
}

impl Drop for Spinner<'_> {
    fn drop(&mut self) {
        let _ = self.erase();
    }
}

/// "probe 3 of 10": the probe under way of the target furthest behind; with several targets,
/// how many have had all their probes.
fn probe_of(done: &[u32], count: u32) -> String {
    let behind = done.iter().copied().min().unwrap_or(0);
    let mut text = format!("probe {} of {count}", (behind + 1).min(count));
    if done.len() > 1 {
        let finished = done.iter().filter(|d| **d >= count).count();
        text.push_str(&format!(" · {finished} of {} targets done", done.len()));
    }
    text
}

/// "probing chatgpt.com… 2.1 s · status page · 2 of 3 done": the first target whose result
/// is not printed yet, what its check is busy with, and how far the whole run has got.
fn waiting_for(hosts: &[String], steps: &[Step], elapsed: Duration) -> Option<String> {
    let (first, step) = steps
        .iter()
        .enumerate()
        .find(|(_, step)| **step != Step::Done)?;
    let mut text = format!(
        "probing {}… {:.1} s",
        hosts.get(first).map_or("", String::as_str),
        elapsed.as_secs_f64()
    );
    match step {
        Step::CheckingConnection => text.push_str(" · your connection"),
        Step::ReadingStatusPage => text.push_str(" · status page"),
        Step::Queued | Step::Probing | Step::Done => {}
    }
    if steps.len() > 1 {
        let done = steps.iter().filter(|s| **s == Step::Done).count();
        text.push_str(&format!(" · {done} of {} done", steps.len()));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_runs_count_their_probes() {
        assert_eq!(probe_of(&[2], 10), "probe 3 of 10");
        assert_eq!(probe_of(&[10], 10), "probe 10 of 10");
        assert_eq!(
            probe_of(&[3, 2, 5], 5),
            "probe 3 of 5 · 1 of 3 targets done"
        );
    }

    #[test]
    fn the_line_names_the_first_target_still_awaited() {
        let hosts = ["chatgpt.com", "claude.ai", "github.com"].map(String::from);
        let steps = [Step::ReadingStatusPage, Step::Done, Step::Done];
        assert_eq!(
            waiting_for(&hosts, &steps, Duration::from_millis(2_140)).as_deref(),
            Some("probing chatgpt.com… 2.1 s · status page · 2 of 3 done")
        );
        let one = waiting_for(&hosts[..1], &[Step::Probing], Duration::from_millis(400));
        assert_eq!(one.as_deref(), Some("probing chatgpt.com… 0.4 s"));
        assert_eq!(
            waiting_for(&hosts[..1], &[Step::Done], Duration::ZERO),
            None
        );
    }
}
