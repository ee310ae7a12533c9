//! Each target's latest outcome, between the probe that made it and the thread that reports it.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::check::Outcome;
use super::history::History;
use super::Sink;
use crate::elsewhere::globalping::Elsewhere;

/// A finished probe puts its outcome here in place of the one before, rather than sending it
/// to the reporting thread: however far that thread lags behind (a thousand busy probes leave
/// it little time), each target holds one outcome, so memory stays flat. A slot is written
/// only by its target's one probe in flight, then read by the reporting thread before the
/// next probe is started.
pub(super) struct Slots {
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
    pub(super) fn new(count: usize) -> Slots {
        Slots {
            slots: (0..count).map(|_| Mutex::default()).collect(),
            closed: AtomicBool::new(false),
        }
    }

    fn lock(&self, index: usize) -> MutexGuard<'_, Slot> {
        self.slots[index].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a new outcome in place of the last one, unless the run has ended.
    pub(super) fn put(&self, index: usize, outcome: Outcome) {
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

    /// Folds a target's new outcome into its history and reports it, once.
    pub(super) fn take_in(
        &self,
        index: usize,
        histories: &mut [History],
        sink: &mut dyn Sink,
        reported: &mut io::Result<()>,
    ) {
        let mut slot = self.lock(index);
        if slot.reported {
            return;
        }
        slot.reported = true;
        let Some(outcome) = slot.outcome.as_ref() else {
            return;
        };
        histories[index].record(outcome, Instant::now());
        if reported.is_ok() {
            *reported = sink.judged(index, outcome, histories);
        }
    }

    /// From now on, finished probes are not kept: what the slots hold is final.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Takes every target's latest outcome out, once the slots are closed.
    pub(super) fn take_latest(&self) -> Vec<Option<Outcome>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::verdict::State;
    use std::time::SystemTime;

    /// A sink that keeps what it is told.
    #[derive(Default)]
    struct Heard(Vec<u32>);

    impl Sink for Heard {
        fn judged(&mut self, _: usize, outcome: &Outcome, _: &[History]) -> io::Result<()> {
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
        let target = probe(1, None).target;
        let mut histories = [History::new(target, SystemTime::now(), Instant::now())];
        let mut reported = Ok(());
        slots.put(0, probe(1, None));
        slots.put(0, probe(2, None));
        // Only the latest is there to report, however late the reporting thread comes.
        slots.take_in(0, &mut histories, &mut heard, &mut reported);
        slots.take_in(0, &mut histories, &mut heard, &mut reported);
        assert_eq!(heard.0, [2]);
        assert_eq!(histories[0].state(), Some(State::Up));
        assert_eq!(histories[0].summary(SystemTime::now()).probes, 1);
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
