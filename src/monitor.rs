//! Repeated probes: `--count`, `--watch` and `--until`. Each target is probed on its own
//! schedule (`--interval` between the starts of two probes); every probe is reported as it
//! completes and folded into [`Stats`]; at the end, or on Ctrl-C, each target gets a summary.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::check::{Ask, Checker, Checks, Outcome, Plan, Progress, Sink, TICK};
use crate::stats::{Stats, Summary};
use crate::verdict::State;

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
    pub fn is_one_shot(&self) -> bool {
        !self.watch && self.until.is_none() && self.count.unwrap_or(1) == 1
    }
}

/// In repeated runs a status page or connectivity answer is reused this long.
const FRESH_FOR: Duration = Duration::from_secs(30);

enum Event {
    Probed(usize, Box<Outcome>),
    Interrupted,
}

/// What a repeated run ends with, per target in argument order: its last outcome (if a probe
/// finished) and its summary.
pub struct Ending {
    pub last: Vec<Option<Outcome>>,
    pub summaries: Vec<Summary>,
    /// The worst of each target's last state; UNKNOWN for a target never probed.
    pub worst: State,
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

/// Runs the schedule until it is done, the `--until` state is reached, or Ctrl-C. Each target
/// has at most one probe in flight; due probes go to the checker's pool, so however many
/// targets there are, the number of threads stays within the pool's capacity.
pub fn run(
    checks: Arc<Checks>,
    schedule: Schedule,
    plans: Vec<Plan>,
    sink: &mut dyn Sink,
) -> (Ending, std::io::Result<()>) {
    let started_at = SystemTime::now();
    let (events, inbox) = mpsc::channel();
    // Ctrl-C ends the run with a summary; a second one, once the run is over (a summary stuck
    // on a full pipe), ends the program. Should a handler be in place already, Ctrl-C simply
    // ends the program as it always does.
    let interrupt = events.clone();
    let _ = ctrlc::set_handler(move || {
        if interrupt.send(Event::Interrupted).is_err() {
            std::process::exit(130);
        }
    });

    let checker = Arc::new(Checker::new(checks, Some(FRESH_FOR)));
    let progress = Arc::new(Progress::new(plans.len()));
    let plans: Arc<[Plan]> = plans.into();
    let mut stats: Vec<Stats> = plans
        .iter()
        .map(|p| Stats::new(p.target.clone(), started_at))
        .collect();
    let mut last: Vec<Option<Outcome>> = vec![None; plans.len()];
    // When each target's probe in flight was due, and the number of its next probe.
    let mut was_due = vec![Instant::now(); plans.len()];
    let mut next_seq = vec![1u32; plans.len()];
    // From elsewhere: alongside each target's first probe, then only when its state changes.
    let mut asks = vec![Ask::Alongside; plans.len()];
    let mut agenda = Agenda::default();
    let first_start = Instant::now();
    for index in 0..plans.len() {
        agenda.add(first_start, index);
    }
    let mut in_flight = 0;
    let mut reported = Ok(());
    loop {
        while let Some((due, index)) = agenda.next_due(Instant::now()) {
            let (seq, ask) = (next_seq[index], asks[index]);
            was_due[index] = due;
            next_seq[index] += 1;
            in_flight += 1;
            let (job_checker, plans, events) = (checker.clone(), plans.clone(), events.clone());
            let progress = progress.clone();
            checker.pool().execute(move || {
                let outcome = job_checker
                    .check_noting(&plans[index], seq, ask, &|step| progress.set(index, step));
                let _ = events.send(Event::Probed(index, Box::new(outcome)));
            });
        }
        if in_flight == 0 && agenda.next_at().is_none() {
            break;
        }
        // Sinks hear from the run every tick; the next due probe may come sooner.
        let wait = agenda.next_at().map_or(TICK, |at| {
            at.saturating_duration_since(Instant::now()).min(TICK)
        });
        let event = match inbox.recv_timeout(wait) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                if reported.is_ok() {
                    reported = sink.idle(&progress);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let (index, outcome) = match event {
            Event::Probed(index, outcome) => (index, outcome),
            Event::Interrupted => break,
        };
        in_flight -= 1;
        asks[index] = Ask::IfChangedFrom(outcome.verdict.state);
        if reported.is_ok() {
            reported = sink.judged_at(index, &outcome);
        }
        stats[index].record(&outcome);
        let mut outcome = *outcome;
        // The formats written at the end report the latest answer from elsewhere, which is not
        // taken on every probe.
        if outcome.elsewhere.is_none() {
            outcome.elsewhere = last[index].take().and_then(|o| o.elsewhere);
        }
        last[index] = Some(outcome);
        // Nobody reads any more (`| head`), or the --until state is reached.
        if reported.is_err() || reached(schedule.until, &stats) {
            break;
        }
        if schedule.count.is_some_and(|count| next_seq[index] > count) {
            continue;
        }
        // The next probe starts an interval after this one was due; after a probe slower than
        // the interval it starts at once, rather than a burst making up for the missed ones.
        if let Some(next) = was_due[index].checked_add(schedule.interval) {
            agenda.add(next.max(Instant::now()), index);
        }
    }

    let ended_at = SystemTime::now();
    let worst = stats
        .iter()
        .map(|s| s.last_state().unwrap_or(State::Unknown))
        .max()
        .unwrap_or(State::Unknown);
    let ending = Ending {
        last,
        summaries: stats.iter().map(|s| s.summary(ended_at)).collect(),
        worst,
    };
    (ending, reported)
}

/// `--until`: every target's last probe is in the wanted state.
fn reached(until: Option<State>, stats: &[Stats]) -> bool {
    let Some(wanted) = until else { return false };
    stats.iter().all(|s| s.last_state() == Some(wanted))
}
