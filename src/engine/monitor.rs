//! Repeated probes: `--count`, `--watch` and `--until`. Each target is probed on its own
//! schedule (`--interval` between the starts of two probes); every probe is reported as it
//! completes and folded into [`Stats`]; at the end, or on Ctrl-C, each target gets a summary.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::elsewhere::globalping::Elsewhere;
use crate::engine::check::{Ask, Checker, Checks, Outcome, Plan, Progress, Sink, TICK};
use crate::engine::stats::{Stats, Summary};
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
    /// The target at this index has a new outcome in its slot.
    Probed(usize),
    Interrupted,
}

/// Each target's latest outcome. A finished probe puts its outcome here in place of the one
/// before, rather than sending it to the reporting thread: however far that thread lags behind
/// (a thousand busy probes leave it little time), each target holds one outcome, so memory
/// stays flat. A slot is written only by its target's one probe in flight, then read by the
/// reporting thread before the next probe is started.
struct Slots {
    slots: Vec<Mutex<Slot>>,
    /// Set when the run ends: a probe that finishes afterwards is not kept.
    closed: AtomicBool,
}

#[derive(Default)]
struct Slot {
    outcome: Option<Outcome>,
    /// Whether the reporting thread has taken this outcome into account yet.
    reported: bool,
    /// The latest answer from elsewhere, when this outcome has none: it is not asked for on
    /// every probe, and the formats written at the end report it.
    earlier_elsewhere: Option<Elsewhere>,
}

impl Slots {
    fn new(count: usize) -> Slots {
        Slots {
            slots: (0..count).map(|_| Mutex::default()).collect(),
            closed: AtomicBool::new(false),
        }
    }

    fn lock(&self, index: usize) -> MutexGuard<'_, Slot> {
        self.slots[index].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a new outcome in place of the last one, unless the run has ended.
    fn put(&self, index: usize, outcome: Outcome) {
        let mut slot = self.lock(index);
        if self.closed.load(Ordering::SeqCst) {
            return;
        }
        let earlier = slot.outcome.take().and_then(|o| o.elsewhere);
        let earlier_elsewhere = match outcome.elsewhere {
            Some(_) => None,
            None => earlier.or(slot.earlier_elsewhere.take()),
        };
        *slot = Slot {
            outcome: Some(outcome),
            reported: false,
            earlier_elsewhere,
        };
    }

    /// From now on, finished probes are not kept: what the slots hold is final.
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Takes every target's latest outcome out, once the slots are closed.
    fn take_latest(&self) -> Vec<Option<Outcome>> {
        (0..self.slots.len())
            .map(|index| {
                let mut slot = self.lock(index);
                let mut outcome = slot.outcome.take()?;
                if outcome.elsewhere.is_none() {
                    outcome.elsewhere = slot.earlier_elsewhere.take();
                }
                Some(outcome)
            })
            .collect()
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
    let slots = Arc::new(Slots::new(plans.len()));
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
            let (progress, slots) = (progress.clone(), slots.clone());
            // The probe's worker takes the target's next probe when it is due at once (`-i 0`).
            checker.pool().execute_then(
                move || {
                    job_checker
                        .check_noting(&plans[index], seq, ask, &|step| progress.set(index, step))
                },
                move |outcome| {
                    slots.put(index, outcome);
                    let _ = events.send(Event::Probed(index));
                },
            );
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
        let index = match event {
            Event::Probed(index) => index,
            Event::Interrupted => break,
        };
        in_flight -= 1;
        if let Some(state) = take_in(&slots, index, sink, &mut stats[index], &mut reported) {
            asks[index] = Ask::IfChangedFrom(state);
        }
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

    // Probes that finished while the run was ending are counted and reported too (unless
    // nobody reads any more); a probe still running is left behind and its outcome not kept.
    slots.close();
    for (index, stats) in stats.iter_mut().enumerate() {
        take_in(&slots, index, sink, stats, &mut reported);
    }
    let ended_at = SystemTime::now();
    let worst = stats
        .iter()
        .map(|s| s.last_state().unwrap_or(State::Unknown))
        .max()
        .unwrap_or(State::Unknown);
    let ending = Ending {
        last: slots.take_latest(),
        summaries: stats.iter().map(|s| s.summary(ended_at)).collect(),
        worst,
    };
    (ending, reported)
}

/// Reports a target's new outcome and folds it into its stats; its state, if it was new.
fn take_in(
    slots: &Slots,
    index: usize,
    sink: &mut dyn Sink,
    stats: &mut Stats,
    reported: &mut std::io::Result<()>,
) -> Option<State> {
    let mut slot = slots.lock(index);
    if slot.reported {
        return None;
    }
    slot.reported = true;
    let outcome = slot.outcome.as_ref()?;
    if reported.is_ok() {
        *reported = sink.judged(index, outcome);
    }
    stats.record(outcome);
    Some(outcome.verdict.state)
}

/// `--until`: every target's last probe is in the wanted state.
fn reached(until: Option<State>, stats: &[Stats]) -> bool {
    let Some(wanted) = until else { return false };
    stats.iter().all(|s| s.last_state() == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that keeps what it is told.
    #[derive(Default)]
    struct Heard(Vec<u32>);

    impl Sink for Heard {
        fn judged(&mut self, _: usize, outcome: &Outcome) -> std::io::Result<()> {
            self.0.push(outcome.seq);
            Ok(())
        }
    }

    fn probe(seq: u32, elsewhere: Option<&str>) -> Outcome {
        let mut outcome = Outcome::sample("http://127.0.0.1:9/", 200, 5, State::Up);
        outcome.seq = seq;
        outcome.elsewhere = elsewhere.map(|why| Elsewhere::failed(2, why));
        outcome
    }

    #[test]
    fn a_slot_holds_one_outcome_and_reports_it_once() {
        let (slots, mut heard) = (Slots::new(1), Heard::default());
        let mut stats = Stats::new(probe(1, None).target, SystemTime::now());
        let mut reported = Ok(());
        slots.put(0, probe(1, None));
        slots.put(0, probe(2, None));
        // Only the latest is there to report, however late the reporting thread comes.
        let state = take_in(&slots, 0, &mut heard, &mut stats, &mut reported);
        assert_eq!(state, Some(State::Up));
        assert_eq!(
            take_in(&slots, 0, &mut heard, &mut stats, &mut reported),
            None
        );
        assert_eq!(heard.0, [2]);
        assert_eq!(stats.summary(SystemTime::now()).probes, 1);
    }

    #[test]
    fn a_probe_finishing_after_the_end_is_not_kept() {
        let slots = Slots::new(1);
        slots.put(0, probe(1, None));
        slots.close();
        slots.put(0, probe(2, None));
        assert_eq!(slots.take_latest()[0].as_ref().map(|o| o.seq), Some(1));
    }

    #[test]
    fn the_latest_answer_from_elsewhere_outlives_probes_without_one() {
        let slots = Slots::new(1);
        slots.put(0, probe(1, Some("first")));
        slots.put(0, probe(2, None));
        slots.put(0, probe(3, None));
        // The probe itself is reported as it was: not asked elsewhere.
        assert!(slots.lock(0).outcome.as_ref().unwrap().elsewhere.is_none());
        let latest = slots.take_latest().remove(0).unwrap();
        assert_eq!(
            (latest.seq, latest.elsewhere.unwrap().error),
            (3, Some("first".into()))
        );
        slots.put(0, probe(4, Some("second")));
        let latest = slots.take_latest().remove(0).unwrap();
        assert_eq!(latest.elsewhere.unwrap().error, Some("second".into()));
    }
}
