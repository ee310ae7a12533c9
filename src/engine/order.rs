//! A one-shot run's report keeps argument order: outcomes that arrive early wait for the ones
//! before them.

use std::collections::BTreeMap;
use std::io;

use super::check::{Outcome, Progress};
use super::history::History;
use super::{Sink, Stop};

/// A sink in front of another that passes outcomes on in plan order, each as soon as it and
/// every one before it has arrived.
pub(super) struct InOrder<'s> {
    inner: &'s mut dyn Sink,
    /// The plan whose outcome is passed on next.
    next: usize,
    waiting: BTreeMap<usize, Outcome>,
}

impl<'s> InOrder<'s> {
    pub(super) fn new(inner: &'s mut dyn Sink) -> InOrder<'s> {
        InOrder {
            inner,
            next: 0,
            waiting: BTreeMap::new(),
        }
    }
}

impl Sink for InOrder<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        if plan != self.next {
            self.waiting.insert(plan, outcome.clone());
            return Ok(());
        }
        self.inner.judged(plan, outcome, histories)?;
        self.next += 1;
        while let Some(outcome) = self.waiting.remove(&self.next) {
            self.inner.judged(self.next, &outcome, histories)?;
            self.next += 1;
        }
        Ok(())
    }

    fn idle(&mut self, progress: &Progress, histories: &[History]) -> io::Result<()> {
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

    fn stopping(&mut self, why: Stop) {
        self.inner.stopping(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::State;

    #[derive(Default)]
    struct Heard(Vec<usize>);

    impl Sink for Heard {
        fn judged(&mut self, plan: usize, _: &Outcome, _: &[History]) -> io::Result<()> {
            self.0.push(plan);
            Ok(())
        }
    }

    #[test]
    fn outcomes_are_passed_on_in_plan_order() {
        let mut heard = Heard::default();
        let outcome = Outcome::sample("http://127.0.0.1:9/", 200, 5, State::Up);
        let mut in_order = InOrder::new(&mut heard);
        for plan in [2, 0, 3, 1] {
            in_order.judged(plan, &outcome, &[]).unwrap();
        }
        assert_eq!(heard.0, [0, 1, 2, 3]);
    }
}
