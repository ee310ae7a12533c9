//! Each target's latest outcome, between the probe that made it and the thread that reports it.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::check::Outcome;
use super::history::History;
use super::Sink;
use crate::elsewhere::globalping::Elsewhere;

/// A finished probe puts its outcome here, rather than sending it to the reporting thread:
/// however far that thread lags behind (a thousand busy probes leave it little time), each
/// target holds one outcome, so memory stays flat. A slot is written only by its target's one
/// probe in flight, then emptied by the reporting thread before the next probe is started.
pub(super) struct Slots {
    slots: Vec<Mutex<Option<Outcome>>>,
    /// Set when the run ends: a probe that finishes afterwards is not kept.
    closed: AtomicBool,
}

/// Each target's latest reported outcome, kept by the reporting thread, which frees the one
/// before: a slot holds only an outcome not yet reported, and is locked only to put it there
/// or take it out, never while a sink reports it.
pub(super) struct Latest {
    outcomes: Vec<Option<Outcome>>,
    /// The latest answer from elsewhere, when the latest outcome has none: it is not asked for
    /// on every probe, and the formats written at the end report it.
    earlier_elsewhere: Vec<Option<Elsewhere>>,
}

impl Latest {
    pub(super) fn new(count: usize) -> Latest {
        Latest {
            outcomes: (0..count).map(|_| None).collect(),
            earlier_elsewhere: (0..count).map(|_| None).collect(),
        }
    }

    fn keep(&mut self, index: usize, outcome: Outcome) {
        let carried = self.earlier_elsewhere[index].take();
        let before = self.outcomes[index].replace(outcome);
        if self.outcomes[index]
            .as_ref()
            .is_some_and(|o| o.elsewhere.is_none())
        {
            self.earlier_elsewhere[index] = before.and_then(|o| o.elsewhere).or(carried);
        }
    }

    /// Every target's latest outcome, with the latest answer from elsewhere.
    pub(super) fn into_outcomes(self) -> Vec<Option<Outcome>> {
        self.outcomes
            .into_iter()
            .zip(self.earlier_elsewhere)
            .map(|(outcome, earlier)| {
                let mut outcome = outcome?;
                if outcome.elsewhere.is_none() {
                    outcome.elsewhere = earlier;
                }
                Some(outcome)
            })
            .collect()
    }
}

impl Slots {
    pub(super) fn new(count: usize) -> Slots {
        Slots {
            slots: (0..count).map(|_| Mutex::default()).collect(),
            closed: AtomicBool::new(false),
        }
    }

    fn lock(&self, index: usize) -> MutexGuard<'_, Option<Outcome>> {
        self.slots[index].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts a new outcome in the slot, unless the run has ended.
    pub(super) fn put(&self, index: usize, outcome: Outcome) {
        let mut slot = self.lock(index);
        if !self.closed.load(Ordering::SeqCst) {
            *slot = Some(outcome);
        }
    }

    /// Takes a target's new outcome, if there is one, into its history, reports it, and keeps
    /// it as the latest.
    pub(super) fn take_in(
        &self,
        index: usize,
        histories: &mut [History],
        latest: &mut Latest,
        sink: &mut dyn Sink,
        reported: &mut io::Result<()>,
    ) {
        let Some(outcome) = self.lock(index).take() else {
            return;
        };
        histories[index].record(&outcome, Instant::now());
        if reported.is_ok() {
            *reported = sink.judged(index, &outcome, histories);
        }
        latest.keep(index, outcome);
    }

    /// Drops a target's new outcome unreported: it is not to be believed.
    pub(super) fn discard(&self, index: usize) {
        self.lock(index).take();
    }

    /// From now on, finished probes are not kept: what the slots hold is final.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
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

    /// One slot, its history and its latest, as the reporting thread holds them.
    struct Run {
        slots: Slots,
        histories: Vec<History>,
        latest: Latest,
        heard: Heard,
    }

    impl Run {
        fn new() -> Run {
            let target = probe(1, None).target;
            Run {
                slots: Slots::new(1),
                histories: vec![History::new(target, SystemTime::now(), Instant::now())],
                latest: Latest::new(1),
                heard: Heard::default(),
            }
        }

        fn take_in(&mut self) {
            let mut reported = Ok(());
            let Run {
                slots,
                histories,
                latest,
                heard,
            } = self;
            slots.take_in(0, histories, latest, heard, &mut reported);
        }
    }

    #[test]
    fn a_slot_holds_one_outcome_and_reports_it_once() {
        let mut run = Run::new();
        run.slots.put(0, probe(1, None));
        run.slots.put(0, probe(2, None));
        // Only the latest is there to report, however late the reporting thread comes.
        run.take_in();
        run.take_in();
        assert_eq!(run.heard.0, [2]);
        assert_eq!(run.histories[0].state(), Some(State::Up));
        assert_eq!(run.histories[0].summary(SystemTime::now()).probes, 1);
        let latest = run.latest.into_outcomes();
        assert_eq!(latest[0].as_ref().map(|o| o.seq), Some(2));
    }

    #[test]
    fn a_probe_finishing_after_the_end_is_not_kept() {
        let mut run = Run::new();
        run.slots.put(0, probe(1, None));
        run.slots.close();
        run.slots.put(0, probe(2, None));
        run.take_in();
        assert_eq!(run.heard.0, [1]);
        let latest = run.latest.into_outcomes();
        assert_eq!(latest[0].as_ref().map(|o| o.seq), Some(1));
    }

    #[test]
    fn the_latest_answer_from_elsewhere_outlives_probes_without_one() {
        let mut run = Run::new();
        for (seq, elsewhere) in [(1, Some("first")), (2, None), (3, None)] {
            run.slots.put(0, probe(seq, elsewhere));
            run.take_in();
        }
        // The probe itself is reported as it was: not asked elsewhere.
        assert!(run.latest.outcomes[0]
            .as_ref()
            .is_some_and(|o| o.elsewhere.is_none()));
        run.slots.put(0, probe(4, Some("second")));
        run.take_in();
        run.slots.put(0, probe(5, None));
        run.take_in();
        let latest = run.latest.into_outcomes().remove(0).unwrap();
        assert_eq!(
            (latest.seq, latest.elsewhere.unwrap().error),
            (5, Some("second".into()))
        );
    }
}
