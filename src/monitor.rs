//! Repeated probes: `--count`, `--watch` and `--until`. Each target is probed on its own
//! schedule (`--interval` between the starts of two probes); every probe is reported as it
//! completes and folded into [`Stats`]; at the end, or on Ctrl-C, each target gets a summary.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
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
    Finished,
    Interrupted,
}

/// A stop signal that sleeping schedules wake up for.
#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    bell: Condvar,
}

impl Stop {
    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.bell.notify_all();
    }

    /// Sleeps until `deadline`; true if stopped meanwhile.
    fn sleep_until(&self, deadline: Instant) -> bool {
        let mut stopped = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if *stopped || left.is_zero() {
                return *stopped;
            }
            stopped = match self.bell.wait_timeout(stopped, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

/// What a repeated run ends with, per target in argument order: its last outcome (if a probe
/// finished) and its summary.
pub struct Ending {
    pub last: Vec<Option<Outcome>>,
    pub summaries: Vec<Summary>,
    /// The worst of each target's last state; UNKNOWN for a target never probed.
    pub worst: State,
}

/// Runs the schedule until it is done, the `--until` state is reached, or Ctrl-C.
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
    let stop = Arc::new(Stop::default());
    let progress = Arc::new(Progress::new(plans.len()));
    let first_start = Instant::now();
    for (index, plan) in plans.iter().cloned().enumerate() {
        let (checker, stop, events) = (checker.clone(), stop.clone(), events.clone());
        let progress = progress.clone();
        let turn = Turn {
            index,
            schedule,
            first_start,
        };
        // Detached, so that Ctrl-C need not wait for a probe in flight.
        thread::spawn(move || probe_on_schedule(turn, &plan, &checker, &stop, &progress, &events));
    }
    drop(events);

    let mut stats: Vec<Stats> = plans
        .iter()
        .map(|p| Stats::new(p.target.clone(), started_at))
        .collect();
    let mut last: Vec<Option<Outcome>> = vec![None; plans.len()];
    let mut reported = Ok(());
    let mut running = plans.len();
    while running > 0 {
        match inbox.recv_timeout(TICK) {
            Err(RecvTimeoutError::Timeout) => {
                if reported.is_ok() {
                    reported = sink.idle(&progress);
                }
            }
            Ok(Event::Probed(index, outcome)) => {
                if reported.is_ok() {
                    reported = sink.judged_at(index, &outcome);
                }
                stats[index].record(&outcome);
                let mut outcome = *outcome;
                // The formats written at the end report the latest answer from elsewhere,
                // which is not taken on every probe.
                if outcome.elsewhere.is_none() {
                    outcome.elsewhere = last[index].take().and_then(|o| o.elsewhere);
                }
                last[index] = Some(outcome);
                // Nobody reads any more (`| head`), or the --until state is reached.
                if reported.is_err() || reached(schedule.until, &stats) {
                    break;
                }
            }
            Ok(Event::Finished) => running -= 1,
            Ok(Event::Interrupted) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    stop.stop();

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

/// Which target a schedule is for, and when it began.
struct Turn {
    index: usize,
    schedule: Schedule,
    first_start: Instant,
}

fn probe_on_schedule(
    turn: Turn,
    plan: &Plan,
    checker: &Checker,
    stop: &Stop,
    progress: &Progress,
    events: &Sender<Event>,
) {
    let Turn {
        index,
        schedule,
        first_start,
    } = turn;
    // Says "finished" however this ends, a panic included, so that the run never waits forever.
    struct Finished<'a>(&'a Sender<Event>);
    impl Drop for Finished<'_> {
        fn drop(&mut self) {
            let _ = self.0.send(Event::Finished);
        }
    }
    let _finished = Finished(events);

    let mut due = first_start;
    let mut seq: u32 = 1;
    // From elsewhere: alongside the first probe, then only when the state changes.
    let mut ask = Ask::Alongside;
    while schedule.count.is_none_or(|count| seq <= count) {
        if stop.sleep_until(due) {
            break;
        }
        let outcome = checker.check_noting(plan, seq, ask, &|step| progress.set(index, step));
        ask = Ask::IfChangedFrom(outcome.verdict.state);
        if events
            .send(Event::Probed(index, Box::new(outcome)))
            .is_err()
        {
            break;
        }
        // The next probe starts an interval after this one did; after a probe slower than the
        // interval it starts at once, rather than a burst making up for the missed ones.
        let Some(next) = due.checked_add(schedule.interval) else {
            break;
        };
        due = next.max(Instant::now());
        seq += 1;
    }
}

/// `--until`: every target's last probe is in the wanted state.
fn reached(until: Option<State>, stats: &[Stats]) -> bool {
    let Some(wanted) = until else { return false };
    stats.iter().all(|s| s.last_state() == Some(wanted))
}
