//! `--on-change CMD`: a command of the user's, run through the shell each time a target
//! changes state in a repeated run, so that a script can act on a change without reading a log.
//!
//! Probing never waits for it: each target has its own queue, worked through one command at
//! a time, and what the command prints reaches the person through the report's `aside`.

mod command;

use std::io;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::engine::check::{Outcome, Progress, Sink};
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

pub use command::Change;

/// What to run, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// Given to `sh -c` as it is.
    pub command: String,
    /// Also run for each target's first state, not only for changes.
    pub initial: bool,
    /// A command still running this long is killed.
    pub timeout: Duration,
}

/// A sink in front of another: it passes everything on, and runs the hook on each change.
pub struct OnChange<'s> {
    hook: Hook,
    inner: &'s mut dyn Sink,
    /// Each target's last state, by position.
    last: Vec<Option<State>>,
    /// Each target's queue of changes and the thread working through it, once it has one.
    queues: Vec<Option<(Sender<Change>, JoinHandle<()>)>>,
    /// What the commands printed, and their failures, one line at a time.
    lines: Receiver<String>,
    line_sender: Sender<String>,
}

impl<'s> OnChange<'s> {
    pub fn new(hook: Hook, targets: usize, inner: &'s mut dyn Sink) -> OnChange<'s> {
        let (line_sender, lines) = mpsc::channel();
        OnChange {
            hook,
            inner,
            last: vec![None; targets],
            queues: (0..targets).map(|_| None).collect(),
            lines,
            line_sender,
        }
    }

    /// Waits for the commands still queued or running (each bounded by the timeout), passing
    /// on what they print.
    pub fn finish(self) -> io::Result<()> {
        let OnChange {
            inner,
            queues,
            lines,
            line_sender,
            ..
        } = self;
        drop(line_sender);
        let workers: Vec<JoinHandle<()>> = queues
            .into_iter()
            .flatten()
            .map(|(queue, worker)| {
                drop(queue);
                worker
            })
            .collect();
        // Ends once every worker is done and has dropped its sender.
        let mut passed = Ok(());
        for line in lines {
            if passed.is_ok() {
                passed = inner.aside(&line);
            }
        }
        for worker in workers {
            let _ = worker.join();
        }
        passed
    }

    /// Passes on what the commands printed so far.
    fn pass_on(&mut self) -> io::Result<()> {
        while let Ok(line) = self.lines.try_recv() {
            self.inner.aside(&line)?;
        }
        Ok(())
    }

    /// Queues the command for this target's change, starting its worker if it has none yet.
    fn queue(&mut self, plan: usize, change: Change) {
        let Some(slot) = self.queues.get_mut(plan) else {
            return;
        };
        let (queue, _) = slot.get_or_insert_with(|| {
            let (queue, changes) = mpsc::channel::<Change>();
            let (hook, lines) = (self.hook.clone(), self.line_sender.clone());
            let worker = thread::spawn(move || {
                for change in changes {
                    command::run(&hook, &change, &lines);
                }
            });
            (queue, worker)
        });
        let _ = queue.send(change);
    }
}

impl Sink for OnChange<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome) -> io::Result<()> {
        let state = outcome.verdict.state;
        let previous = self.last.get(plan).copied().flatten();
        if let Some(last) = self.last.get_mut(plan) {
            *last = Some(state);
        }
        let changed = match previous {
            Some(previous) => previous != state,
            None => self.hook.initial,
        };
        if changed {
            self.queue(plan, change(outcome, previous));
        }
        let reported = self.inner.judged(plan, outcome);
        self.pass_on()?;
        reported
    }

    fn idle(&mut self, progress: &Progress) -> io::Result<()> {
        self.pass_on()?;
        self.inner.idle(progress)
    }

    fn aside(&mut self, line: &str) -> io::Result<()> {
        self.inner.aside(line)
    }
}

/// What the command is told about a target that is now in the outcome's state.
fn change(outcome: &Outcome, previous: Option<State>) -> Change {
    let target = &outcome.target;
    Change {
        target: for_terminal(&target.display_input()),
        name: for_terminal(&target.name),
        url: target.display_url(),
        state: outcome.verdict.state,
        previous,
        reason: for_terminal(&outcome.verdict.reason),
        at: outcome.seen.started_at,
    }
}
