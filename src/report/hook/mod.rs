//! `--on-change CMD`: a command of the user's, run through the shell each time a target
//! changes state in a repeated run, so that a script can act on a change without reading a log.
//!
//! Probing never waits for it: changes wait in a queue that keeps each target's latest, a few
//! workers run them, and what a command prints reaches the person through the report's `aside`.

mod command;

#[cfg(any(test, fuzzing, feature = "testing"))]
pub use command::{passed_on, PASSED_ON_BOUNDS};

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::engine::check::{Outcome, Progress};
use crate::engine::history::History;
use crate::engine::{Sink, Stop};
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

pub use command::{ChangeNotice, Launcher, Running};

/// What to run, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// Given to `sh -c` as it is.
    pub command: String,
    /// Also run for each target's first state, not only for changes.
    pub initial: bool,
    /// A command still running this long is killed.
    pub timeout: Duration,
    /// `--confirm N`: a new state counts once this many probes in a row found it (1: at once).
    pub confirm: u32,
    /// How commands are started: found when the hook is set up to run (see [`Launcher::find`]).
    pub launcher: Launcher,
}

/// At most this many commands run at once, whatever the number of targets.
pub const AT_ONCE: usize = 4;

/// A sink in front of another: it passes everything on, and runs the hook on each change.
///
/// Commands run on at most [`AT_ONCE`] workers, one command per target at a time. A target
/// that changes again before its command has started keeps only its latest change: a
/// flapping target never builds a backlog.
pub struct OnChange<'s> {
    hook: Hook,
    inner: &'s mut dyn Sink,
    queue: Arc<Queue>,
    workers: Vec<JoinHandle<()>>,
    /// What the commands printed, and their failures, one line at a time.
    lines: Receiver<String>,
    line_sender: Sender<String>,
    running: Running,
    /// Each target's state as far as the command knows it, and the run of probes that agree.
    confirmed: Vec<Confirmation>,
}

/// `--confirm`: one target's state as the command was told it, and the latest probes' state
/// with how many probes in a row found it.
#[derive(Debug, Clone, Copy, Default)]
struct Confirmation {
    told: Option<State>,
    streak: Option<(State, u32)>,
}

impl Confirmation {
    /// The state a probe found; returns the change to tell (from what the command knew), once
    /// `needed` probes in a row agree. A target's first state needs no agreement: there is
    /// nothing to flap from.
    fn probe(&mut self, state: State, needed: u32) -> Option<Option<State>> {
        let agreeing = match self.streak {
            Some((last, count)) if last == state => count.saturating_add(1),
            _ => 1,
        };
        self.streak = Some((state, agreeing));
        let first = self.told.is_none();
        if self.told == Some(state) || (!first && agreeing < needed) {
            return None;
        }
        Some(self.told.replace(state))
    }
}

/// Changes waiting for a worker, and which targets have a command running.
struct Queue {
    state: Mutex<Waiting>,
    ready: Condvar,
}

#[derive(Default)]
struct Waiting {
    /// Each target's latest change not yet started, by position.
    latest: Vec<Option<ChangeNotice>>,
    /// Targets with a change waiting, oldest first.
    order: VecDeque<usize>,
    running: Vec<bool>,
    /// No more changes will come: workers end once nothing is left.
    closed: bool,
}

impl Waiting {
    /// The oldest waiting change whose target has no command running.
    fn next(&mut self) -> Option<(usize, ChangeNotice)> {
        let at = self.order.iter().position(|&plan| !self.running[plan])?;
        let plan = self.order.remove(at)?;
        let change = self.latest[plan].take()?;
        self.running[plan] = true;
        Some((plan, change))
    }
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Waiting> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What a worker does: the next change to run, waiting for one; `None` once closed and
    /// empty.
    fn take(&self) -> Option<(usize, ChangeNotice)> {
        let mut waiting = self.lock();
        loop {
            if let Some(next) = waiting.next() {
                return Some(next);
            }
            if waiting.closed && waiting.order.is_empty() {
                return None;
            }
            waiting = self.ready.wait(waiting).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn done(&self, plan: usize) {
        self.lock().running[plan] = false;
        self.ready.notify_all();
    }
}

impl<'s> OnChange<'s> {
    pub fn new(mut hook: Hook, targets: usize, inner: &'s mut dyn Sink) -> OnChange<'s> {
        hook.launcher = Launcher::find();
        let (line_sender, lines) = mpsc::channel();
        let waiting = Waiting {
            latest: vec![None; targets],
            running: vec![false; targets],
            ..Waiting::default()
        };
        OnChange {
            hook,
            inner,
            queue: Arc::new(Queue {
                state: Mutex::new(waiting),
                ready: Condvar::new(),
            }),
            workers: Vec::new(),
            lines,
            line_sender,
            running: Running::default(),
            confirmed: vec![Confirmation::default(); targets],
        }
    }

    /// The commands running now, to be ended with isitdown.
    pub fn running(&self) -> Running {
        self.running.clone()
    }

    /// Changes not yet started are dropped: the run is over.
    fn drop_waiting(&self) {
        let mut waiting = self.queue.lock();
        waiting.order.clear();
        waiting.latest.iter_mut().for_each(|latest| *latest = None);
    }

    /// Waits for the commands still queued or running (each bounded by the timeout), passing
    /// on what they print.
    pub fn finish(self) -> io::Result<()> {
        let OnChange {
            inner,
            queue,
            workers,
            lines,
            line_sender,
            ..
        } = self;
        drop(line_sender);
        queue.lock().closed = true;
        queue.ready.notify_all();
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

    /// Queues the command for this target's change in place of one still waiting, and starts
    /// a worker if all are busy and there is room for one more.
    fn queue(&mut self, plan: usize, change: ChangeNotice) {
        let waiting_changes = {
            let mut waiting = self.queue.lock();
            let Some(latest) = waiting.latest.get_mut(plan) else {
                return;
            };
            if latest.replace(change).is_none() {
                waiting.order.push_back(plan);
            }
            waiting.order.len() + waiting.running.iter().filter(|r| **r).count()
        };
        self.queue.ready.notify_one();
        if self.workers.len() < AT_ONCE.min(waiting_changes) {
            let (hook, queue, lines) = (
                self.hook.clone(),
                self.queue.clone(),
                self.line_sender.clone(),
            );
            let running = self.running.clone();
            // A worker that cannot be started leaves the change to those that run.
            let started = thread::Builder::new().spawn(move || {
                while let Some((plan, change)) = queue.take() {
                    command::run(&hook, &change, &lines, &running);
                    queue.done(plan);
                }
            });
            match started {
                Ok(worker) => self.workers.push(worker),
                Err(e) if self.workers.is_empty() => {
                    let why = crate::text::words::io_error(&e);
                    let _ = self
                        .line_sender
                        .send(format!("isitdown: --on-change could not start: {why}"));
                    // Nobody would ever run it.
                    self.queue.lock().order.clear();
                }
                Err(_) => {}
            }
        }
    }
}

impl Sink for OnChange<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        let change = self
            .confirmed
            .get_mut(plan)
            .and_then(|c| c.probe(outcome.verdict.state, self.hook.confirm));
        if let Some(from) = change.filter(|from| from.is_some() || self.hook.initial) {
            self.queue(plan, command_change(outcome, from));
        }
        let reported = self.inner.judged(plan, outcome, histories);
        self.pass_on()?;
        reported
    }

    fn idle(&mut self, progress: &Progress, histories: &[History]) -> io::Result<()> {
        self.pass_on()?;
        self.inner.idle(progress, histories)
    }

    fn aside(&mut self, line: &str) -> io::Result<()> {
        self.inner.aside(line)
    }

    fn pause(&mut self) -> io::Result<()> {
        self.inner.pause()
    }

    fn resume(&mut self) -> io::Result<()> {
        self.inner.resume()
    }

    /// Ctrl-C drops the changes not yet started; a signal that ends isitdown also ends the
    /// commands running.
    fn stopping(&mut self, why: Stop) {
        self.drop_waiting();
        if matches!(why, Stop::Signal(_)) {
            self.running.kill_all();
        }
        self.inner.stopping(why);
    }
}

/// What the command is told about a target that is now in the outcome's state.
fn command_change(outcome: &Outcome, previous: Option<State>) -> ChangeNotice {
    let target = &outcome.target;
    ChangeNotice {
        target: for_terminal(&target.display_input()),
        name: for_terminal(&target.name),
        url: target.display_url(),
        state: outcome.verdict.state,
        previous,
        reason: for_terminal(&outcome.verdict.reason.to_string()),
        at: outcome.seen.started_at,
    }
}

#[cfg(test)]
mod confirmation_tests {
    use super::*;

    fn told(states: &[State], needed: u32) -> Vec<(Option<State>, State)> {
        let mut confirmation = Confirmation::default();
        states
            .iter()
            .filter_map(|&s| Some((confirmation.probe(s, needed)?, s)))
            .collect()
    }

    #[test]
    fn a_change_counts_once_enough_probes_agree() {
        use State::*;
        let flapping = [Up, Down, Up, Down, Down, Up, Up, Up];
        assert_eq!(
            told(&flapping, 1),
            [
                (None, Up),
                (Some(Up), Down),
                (Some(Down), Up),
                (Some(Up), Down),
                (Some(Down), Up)
            ]
        );
        assert_eq!(
            told(&flapping, 2),
            [(None, Up), (Some(Up), Down), (Some(Down), Up)]
        );
        assert_eq!(told(&flapping, 3), [(None, Up)]);
        // A streak of another state that ends before N resets: back to the told state is no change.
        assert_eq!(
            told(&[Down, Up, Up, Down, Up, Up, Up], 3),
            [(None, Down), (Some(Down), Up)]
        );
    }
}
