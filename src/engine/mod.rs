//! The engine: every target checked on a schedule (a one-shot run is a schedule of one round).
//! Each target's probe, status page, connection check and places elsewhere run on a bounded
//! pool; each outcome is judged, folded into the target's [`History`], and handed to the
//! sinks, which read the same histories.

mod alarm;
pub mod check;
pub mod history;
mod order;
pub mod pool;
mod slots;
pub mod thread_caches;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use check::{Ask, Checker, Checks, Outcome, Plan, Progress};
use history::History;
use slots::{Latest, Slots};

use crate::verdict::State;

/// While outcomes are awaited, sinks hear from the run about this often.
pub const TICK: Duration = Duration::from_millis(100);

/// In repeated runs a status page or connectivity answer is reused this long.
const FRESH_FOR: Duration = Duration::from_secs(30);

/// How often to probe: once, `count` times, until interrupted, or until a state is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub count: Option<u32>,
    pub interval: Duration,
    pub watch: bool,
    /// Stop once every target is in this state.
    pub until: Option<State>,
}

impl Schedule {
    /// One probe of each target, reported in argument order, with no summaries.
    pub fn is_one_shot(&self) -> bool {
        !self.watch && self.until.is_none() && self.count.unwrap_or(1) == 1
    }

    /// How many probes each target gets: `--count`, else one, but for `--watch` and `--until`,
    /// which go on until stopped (`None`).
    pub fn rounds(&self) -> Option<u32> {
        let open_ended = self.watch || self.until.is_some();
        self.count.or((!open_ended).then_some(1))
    }
}

/// Whoever wants each outcome as soon as it is judged: the reports, the live view, the
/// `--on-change` commands. Each gets every target's [`History`], the outcome already in it.
pub trait Sink {
    /// `plan` is the position of the target the outcome is for: a target given twice is two.
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()>;

    /// Called about every [`TICK`] while outcomes are awaited: what each check is busy with.
    fn idle(&mut self, _progress: &Progress, _histories: &[History]) -> io::Result<()> {
        Ok(())
    }

    /// The run is about to be stopped for a while (Ctrl-Z): leave the terminal as it was found.
    fn pause(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// The run goes on after a pause.
    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// The run was stopped before its schedule was done; nothing more will be judged.
    fn stopping(&mut self, _why: Stop) {}

    /// A line from elsewhere for the person watching (what an `--on-change` command printed),
    /// for stderr; a sink that draws on the terminal puts it where it does not get in the way.
    fn aside(&mut self, line: &str) -> io::Result<()> {
        writeln!(io::stderr(), "{line}")
    }
}

enum Event {
    /// The target at this index has a new outcome in its slot.
    Probed(usize),
    Stopped(Stop),
    /// Stop drawing for a while; say so on the sender once done.
    Pause(Sender<()>),
    Resume,
}

/// Why a run ended before its schedule was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C: the run ends with its summaries and its verdict.
    Interrupted,
    /// A signal that ends the program (SIGTERM, SIGHUP, SIGQUIT), by its number.
    Signal(i32),
}

/// Ends, pauses or resumes a run from any thread (a signal handler's, say).
#[derive(Clone)]
pub struct Interrupter(Sender<Event>);

/// How long a pause waits for the run to leave the terminal as it found it.
const PAUSE_WAIT: Duration = Duration::from_millis(500);

impl Interrupter {
    /// Asks the run to end with its summaries; false when it has ended already.
    pub fn stop(&self, why: Stop) -> bool {
        self.0.send(Event::Stopped(why)).is_ok()
    }

    /// Asks the run to leave the terminal as it was, and waits (briefly) until it has.
    pub fn pause(&self) {
        let (done, wait) = mpsc::channel();
        if self.0.send(Event::Pause(done)).is_ok() {
            let _ = wait.recv_timeout(PAUSE_WAIT);
        }
    }

    pub fn resume(&self) {
        let _ = self.0.send(Event::Resume);
    }
}

/// What a run ends with, per target in argument order: its last outcome (if a probe
/// finished) and its history.
pub struct Ending {
    pub last: Vec<Option<Outcome>>,
    pub histories: Vec<History>,
    /// The worst of each target's last state; UNKNOWN for a target never probed (left out when
    /// the output was closed before it was).
    pub worst: State,
    pub ended_at: SystemTime,
    /// Why it ended early, if it did.
    pub stopped: Option<Stop>,
}

/// Runs schedules: one engine per run.
pub struct Engine {
    checks: Arc<Checks>,
    events: Sender<Event>,
    inbox: Receiver<Event>,
    /// A lone target of a one-shot run is probed on the calling thread.
    alone_here: bool,
}

/// When each target is due next, earliest first; a target is in it only while not in flight.
#[derive(Default)]
struct Agenda {
    due: BinaryHeap<Reverse<(Instant, usize)>>,
}

impl Agenda {
    fn add(&mut self, at: Instant, index: usize) {
        self.due.push(Reverse((at, index)));
    }

    /// The next target due by `now`, with when it was due.
    fn next_due(&mut self, now: Instant) -> Option<(Instant, usize)> {
        let Reverse((at, _)) = self.due.peek()?;
        if *at > now {
            return None;
        }
        self.due.pop().map(|Reverse(entry)| entry)
    }

    fn next_at(&self) -> Option<Instant> {
        self.due.peek().map(|Reverse((at, _))| *at)
    }
}

impl Engine {
    pub fn new(checks: Arc<Checks>) -> Engine {
        let (events, inbox) = mpsc::channel();
        Engine {
            checks,
            events,
            inbox,
            alone_here: false,
        }
    }

    /// Probes a lone target of a one-shot run on the calling thread rather than on a worker,
    /// when nothing has to be told while it waits (no progress line): a script checking one
    /// service then starts no thread for it.
    pub fn alone_on_this_thread(mut self, yes: bool) -> Engine {
        self.alone_here = yes;
        self
    }

    /// A handle that ends the run early (for Ctrl-C).
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.events.clone())
    }

    /// Runs the schedule until it is done, the `--until` state is reached, or it is
    /// interrupted. Each target has at most one probe in flight; due probes go to the
    /// checker's pool, so however many targets there are, the threads stay within the pool's
    /// capacity. A one-shot run reports in argument order; a repeated one, each probe as it
    /// completes. A failing sink (a closed stdout) stops the reporting, not the run.
    pub fn run(
        self,
        schedule: Schedule,
        plans: Vec<Plan>,
        sink: &mut dyn Sink,
    ) -> (Ending, io::Result<()>) {
        let Engine {
            checks,
            events,
            inbox,
            alone_here,
        } = self;
        let alone_here = alone_here && schedule.is_one_shot() && plans.len() == 1;
        let mut in_order;
        let sink: &mut dyn Sink = if schedule.is_one_shot() {
            in_order = order::InOrder::new(sink);
            &mut in_order
        } else {
            sink
        };
        let started_at = SystemTime::now();
        let first_start = Instant::now();
        let checker = Arc::new(Checker::new(checks, Some(FRESH_FOR)));
        let progress = Arc::new(Progress::new(plans.len()));
        let plans: Arc<[Plan]> = plans.into();
        let mut histories: Vec<History> = plans
            .iter()
            .map(|p| History::new(p.target.clone(), started_at, first_start))
            .collect();
        let slots = Arc::new(Slots::new(plans.len()));
        let mut latest = Latest::new(plans.len());
        // When each target's probe in flight was due, and the number of its next probe.
        let mut was_due = vec![first_start; plans.len()];
        let mut next_seq = vec![1u32; plans.len()];
        // Times the process was stopped (Ctrl-Z) so far, and how many when each target's probe
        // in flight started: a probe that spans a stop timed the stop, not the target, and is
        // made again.
        let mut stops = 0u32;
        let mut started_after = vec![0u32; plans.len()];
        let mut agenda = Agenda::default();
        for index in 0..plans.len() {
            agenda.add(first_start, index);
        }
        let mut in_flight = 0;
        let mut reported = Ok(());
        let mut stopped = None;
        loop {
            while let Some((due, index)) = agenda.next_due(Instant::now()) {
                // From elsewhere: alongside each target's first probe, then only as the
                // checker's pace allows (a change of state, a few minutes apart).
                let ask = histories[index]
                    .state()
                    .map_or(Ask::Alongside, |_| Ask::Again);
                let seq = next_seq[index];
                was_due[index] = due;
                next_seq[index] += 1;
                started_after[index] = stops;
                in_flight += 1;
                let (job_checker, plans, events) = (checker.clone(), plans.clone(), events.clone());
                let (progress, slots) = (progress.clone(), slots.clone());
                // The probe's worker counts as free while it reports, so that the target's next
                // probe, due at once with `-i 0`, goes to it rather than to a new thread.
                let job = move || {
                    job_checker
                        .check_noting(&plans[index], seq, ask, &|step| progress.set(index, step))
                };
                let report = move |outcome| {
                    slots.put(index, outcome);
                    let _ = events.send(Event::Probed(index));
                };
                match alone_here {
                    true => report(job()),
                    false => checker.pool().execute_then(job, report),
                }
            }
            if in_flight == 0 && agenda.next_at().is_none() {
                break;
            }
            // Sinks hear from the run every tick; the next due probe may come sooner.
            let wait = agenda.next_at().map_or(TICK, |at| {
                at.saturating_duration_since(Instant::now()).min(TICK)
            });
            let index = match inbox.recv_timeout(wait) {
                Ok(Event::Probed(index)) => index,
                Ok(Event::Stopped(why)) => {
                    stopped = Some(why);
                    sink.stopping(why);
                    break;
                }
                Ok(Event::Pause(done)) => {
                    stops += 1;
                    if reported.is_ok() {
                        reported = sink.pause();
                    }
                    let _ = done.send(());
                    continue;
                }
                Ok(Event::Resume) => {
                    // A stop by SIGSTOP is known only once it is over.
                    stops += 1;
                    if reported.is_ok() {
                        reported = sink.resume();
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    if reported.is_ok() {
                        reported = sink.idle(&progress, &histories);
                    }
                    continue;
                }
            };
            in_flight -= 1;
            if started_after[index] != stops {
                slots.discard(index);
                next_seq[index] -= 1;
                agenda.add(Instant::now(), index);
                continue;
            }
            slots.take_in(index, &mut histories, &mut latest, sink, &mut reported);
            // Nobody reads any more (`| head`), or the --until state is reached.
            if reported.is_err() || reached(schedule.until, &histories) {
                break;
            }
            if schedule
                .rounds()
                .is_some_and(|rounds| next_seq[index] > rounds)
            {
                continue;
            }
            // The next probe starts an interval after this one was due; after a probe slower
            // than the interval it starts at once, rather than a burst making up for the
            // missed ones.
            if let Some(next) = was_due[index].checked_add(schedule.interval) {
                agenda.add(next.max(Instant::now()), index);
            }
        }
        // Probes that finished while the run was ending are counted and reported too (unless
        // nobody reads any more); a probe still running is left behind and its outcome not kept.
        slots.close();
        for index in 0..histories.len() {
            slots.take_in(index, &mut histories, &mut latest, sink, &mut reported);
        }
        // A target never judged has no verdict: UNKNOWN. Unless nobody reads any more (`| head`):
        // then the answer is of the targets judged, the only ones anyone could have read of.
        let unread = reported.is_err();
        let worst = histories
            .iter()
            .filter_map(|h| h.state().or((!unread).then_some(State::Unknown)))
            .max()
            .unwrap_or(State::Unknown);
        let ending = Ending {
            last: latest.into_outcomes(),
            histories,
            worst,
            ended_at: SystemTime::now(),
            stopped,
        };
        (ending, reported)
    }
}

/// `--until`: every target's last probe is in the wanted state.
fn reached(until: Option<State>, histories: &[History]) -> bool {
    let Some(wanted) = until else { return false };
    histories.iter().all(|h| h.state() == Some(wanted))
}
