//! One target's line of the live table, kept up to date probe by probe.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use super::render::{Mark, Row};
use crate::engine::check::Outcome;
use crate::target::Target;
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

/// The sparkline never needs more probes than this.
const RECENT_KEPT: usize = 60;

/// A change of state, for the permanent line printed above the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub name: String,
    pub from: State,
    pub to: State,
    /// When the probe that saw it began.
    pub at: SystemTime,
    /// How long the target had been in the old state.
    pub after: Duration,
}

#[derive(Debug, Clone)]
pub struct Track {
    name: String,
    state: Option<State>,
    /// When its state was first seen (until then: when the run began).
    since: Instant,
    said: String,
    latency: Option<Duration>,
    recent: VecDeque<Mark>,
    probes: u32,
    serving: u32,
}

impl Track {
    pub fn new(target: &Target, now: Instant) -> Track {
        Track {
            name: for_terminal(&target.name),
            state: None,
            since: now,
            said: "waiting for the first answer".into(),
            latency: None,
            recent: VecDeque::with_capacity(RECENT_KEPT),
            probes: 0,
            serving: 0,
        }
    }

    /// Folds in a probe judged at `now`; says so when the state changed.
    pub fn record(&mut self, outcome: &Outcome, now: Instant) -> Option<Change> {
        let state = outcome.verdict.state;
        let answered = outcome.seen.answer.is_some();
        self.said = for_terminal(&outcome.verdict.reason);
        self.latency = answered.then_some(outcome.seen.timings.total);
        if self.recent.len() == RECENT_KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(Mark {
            latency: self.latency,
            state,
        });
        self.probes += 1;
        if matches!(state, State::Up | State::Degraded) {
            self.serving += 1;
        }
        let previous = self.state.replace(state);
        if previous == Some(state) {
            return None;
        }
        let after = now.saturating_duration_since(self.since);
        self.since = now;
        previous.map(|from| Change {
            name: self.name.clone(),
            from,
            to: state,
            at: outcome.seen.started_at,
            after,
        })
    }

    /// The table's row, as of `now`.
    pub fn row(&self, now: Instant) -> Row {
        Row {
            state: self.state,
            name: self.name.clone(),
            said: self.said.clone(),
            latency: self.latency,
            recent: self.recent.iter().copied().collect(),
            availability: (self.probes > 0)
                .then(|| f64::from(self.serving) * 100.0 / f64::from(self.probes)),
            for_how_long: now.saturating_duration_since(self.since),
        }
    }
}
