//! Each target's history in a run, kept by the engine and read by every sink: its state and
//! since when, its transitions, its latencies and its latest probes. The live view, the
//! `--on-change` commands, the summaries and the monitoring formats all read these same facts.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hdrhistogram::Histogram;

use crate::engine::check::Outcome;
use crate::target::Target;
use crate::verdict::State;

/// The latest probes kept for the sparklines.
pub const RECENT_KEPT: usize = 60;
/// The latest transitions kept; the total counts them all.
pub const KEPT_TRANSITIONS: usize = 100;
/// Latencies are kept in a histogram of microseconds up to an hour, to two significant digits
/// (a percentile is within 1% of the truth): its size is fixed however long a watch runs, and
/// small (13 KiB), since a watch of a thousand targets keeps a thousand of them.
const SLOWEST_MICROS: u64 = 3_600_000_000;
const SIGNIFICANT_DIGITS: u8 = 2;

/// One target's history in this run.
#[derive(Debug, Clone)]
pub struct History {
    pub target: Arc<Target>,
    pub started_at: SystemTime,
    counts: [u32; 4],
    latencies: Latencies,
    recent: VecDeque<Mark>,
    state: Option<State>,
    /// When the current state was first seen (until then: when the run began).
    since: Instant,
    /// The last probe's reason, in its words.
    reason: String,
    /// The latest [`KEPT_TRANSITIONS`] transitions.
    transitions: VecDeque<Transition>,
    transitions_total: u64,
    /// What the latest probe changed, if anything.
    change: Option<Change>,
}

/// One probe as the sparklines show it: how long its answer took (none: no answer), and its state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub latency: Option<Duration>,
    pub state: State,
}

/// A target's state as a probe found it, when it differs from the one before (or is the first).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `None` for the target's first state.
    pub from: Option<State>,
    pub to: State,
    /// When the probe that saw it began.
    pub at: SystemTime,
    /// How long the target had been in the old state (since the run began, for the first).
    pub after: Duration,
}

/// Every answered probe's time, in a fixed space: exact minimum, maximum and mean, and
/// percentiles to two significant digits.
#[derive(Debug, Clone)]
struct Latencies {
    histogram: Option<Histogram<u32>>,
    min: u64,
    max: u64,
    sum: u128,
    count: u64,
}

impl Latencies {
    fn new() -> Latencies {
        Latencies {
            histogram: Histogram::new_with_bounds(1, SLOWEST_MICROS, SIGNIFICANT_DIGITS).ok(),
            min: u64::MAX,
            max: 0,
            sum: 0,
            count: 0,
        }
    }

    fn record(&mut self, micros: u64) {
        if let Some(histogram) = self.histogram.as_mut() {
            histogram.saturating_record(micros.clamp(1, SLOWEST_MICROS));
        }
        self.min = self.min.min(micros);
        self.max = self.max.max(micros);
        self.sum += u128::from(micros);
        self.count += 1;
    }

    fn summary(&self) -> Option<Latency> {
        if self.count == 0 {
            return None;
        }
        let (min, max) = (self.min, self.max);
        // A percentile is never outside what was seen, whatever the histogram's rounding.
        let at = |quantile: f64| {
            let value = self
                .histogram
                .as_ref()
                .map_or(max, |h| h.value_at_quantile(quantile));
            Duration::from_micros(value.clamp(min, max))
        };
        Some(Latency {
            min: Duration::from_micros(min),
            p50: at(0.50),
            p95: at(0.95),
            max: Duration::from_micros(max),
            mean: Duration::from_micros((self.sum / u128::from(self.count)) as u64),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub at: SystemTime,
    pub from: State,
    pub to: State,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    pub min: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// What the JSON `summary` object and the human summary say about one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub target: Arc<Target>,
    pub probes: u32,
    pub up: u32,
    pub degraded: u32,
    pub down: u32,
    pub unknown: u32,
    /// Probes that found the service serving (up or degraded), in percent; none without probes.
    pub availability_pct: Option<f64>,
    pub latency: Option<Latency>,
    /// The state of the last probe: "how is it now".
    pub state: Option<State>,
    pub started_at: SystemTime,
    pub ended_at: SystemTime,
    /// The latest [`KEPT_TRANSITIONS`] transitions, oldest first.
    pub transitions: Vec<Transition>,
    pub transitions_total: u64,
    /// The latest probes, oldest first.
    pub recent: Vec<Mark>,
}

fn slot(state: State) -> usize {
    match state {
        State::Up => 0,
        State::Degraded => 1,
        State::Down => 2,
        State::Unknown => 3,
    }
}

impl History {
    pub fn new(target: Arc<Target>, started_at: SystemTime, now: Instant) -> History {
        History {
            target,
            started_at,
            counts: [0; 4],
            latencies: Latencies::new(),
            recent: VecDeque::with_capacity(RECENT_KEPT),
            state: None,
            since: now,
            reason: String::new(),
            transitions: VecDeque::with_capacity(KEPT_TRANSITIONS),
            transitions_total: 0,
            change: None,
        }
    }

    /// Folds in a probe judged at `now`; says so when it found a new state.
    pub fn record(&mut self, outcome: &Outcome, now: Instant) -> Option<Change> {
        let answered = outcome
            .seen
            .answer
            .is_some()
            .then_some(outcome.seen.timings.total);
        self.reason = outcome.verdict.reason.to_string();
        self.record_state(
            outcome.verdict.state,
            answered,
            outcome.seen.started_at,
            now,
        )
    }

    /// One probe: its state, how long its answer took (none without one), when it began, and
    /// when it was judged.
    fn record_state(
        &mut self,
        state: State,
        answered: Option<Duration>,
        at: SystemTime,
        now: Instant,
    ) -> Option<Change> {
        self.counts[slot(state)] = self.counts[slot(state)].saturating_add(1);
        if let Some(total) = answered {
            self.latencies
                .record(u64::try_from(total.as_micros()).unwrap_or(u64::MAX));
        }
        if self.recent.len() == RECENT_KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(Mark {
            latency: answered,
            state,
        });
        let from = self.state.replace(state);
        if from == Some(state) {
            self.change = None;
            return None;
        }
        if let Some(from) = from {
            if self.transitions.len() == KEPT_TRANSITIONS {
                self.transitions.pop_front();
            }
            self.transitions_total += 1;
            self.transitions.push_back(Transition {
                at,
                from,
                to: state,
            });
        }
        let after = now.saturating_duration_since(self.since);
        self.since = now;
        self.change = Some(Change {
            from,
            to: state,
            at,
            after,
        });
        self.change.clone()
    }

    /// How many probes were judged.
    pub fn probes(&self) -> u32 {
        self.counts.iter().fold(0, |sum, c| sum.saturating_add(*c))
    }

    /// The change the latest probe found: a new state, or the first one.
    pub fn change(&self) -> Option<&Change> {
        self.change.as_ref()
    }

    /// The last probe's state; `None` before the first.
    pub fn state(&self) -> Option<State> {
        self.state
    }

    /// How long the target has been in its state, as of `now` (before its first probe: how
    /// long the run has waited for it).
    pub fn for_how_long(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.since)
    }

    /// The last probe's reason; empty before the first.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The latest probes, oldest first.
    pub fn recent(&self) -> impl ExactSizeIterator<Item = &Mark> {
        self.recent.iter()
    }

    /// How long the last probe's answer took, when it had one.
    pub fn latency(&self) -> Option<Duration> {
        self.recent.back().and_then(|mark| mark.latency)
    }

    /// Probes that found the service serving (up or degraded), in percent; none without probes.
    pub fn availability(&self) -> Option<f64> {
        let [up, degraded, down, unknown] = self.counts.map(f64::from);
        let probes = up + degraded + down + unknown;
        (probes > 0.0).then(|| (up + degraded) * 100.0 / probes)
    }

    pub fn summary(&self, ended_at: SystemTime) -> Summary {
        let [up, degraded, down, unknown] = self.counts;
        Summary {
            target: self.target.clone(),
            probes: up + degraded + down + unknown,
            up,
            degraded,
            down,
            unknown,
            availability_pct: self.availability().map(|pct| (pct * 100.0).round() / 100.0),
            latency: self.latencies.summary(),
            state: self.state,
            started_at: self.started_at,
            ended_at,
            transitions: self.transitions.iter().cloned().collect(),
            transitions_total: self.transitions_total,
            recent: self.recent.iter().copied().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latency(micros: &[u64]) -> Option<Latency> {
        let mut latencies = Latencies::new();
        micros.iter().for_each(|&m| latencies.record(m));
        latencies.summary()
    }

    /// Equal to two significant digits (within 1%), as the histogram keeps them.
    fn close(a: Duration, b: Duration) -> bool {
        a.as_secs_f64().max(b.as_secs_f64()) - a.as_secs_f64().min(b.as_secs_f64())
            <= b.as_secs_f64() / 100.0
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let micros: Vec<u64> = (1..=100).map(|ms| ms * 1000).collect();
        let l = latency(&micros).unwrap();
        assert_eq!(l.min, Duration::from_millis(1));
        assert!(close(l.p50, Duration::from_millis(50)), "{l:?}");
        assert!(close(l.p95, Duration::from_millis(95)), "{l:?}");
        assert_eq!(l.max, Duration::from_millis(100));
        assert_eq!(l.mean, Duration::from_micros(50_500));
        assert_eq!(latency(&[]), None);
        let one = latency(&[7000]).unwrap();
        assert_eq!(
            (one.min, one.p95, one.max),
            (
                Duration::from_millis(7),
                Duration::from_millis(7),
                Duration::from_millis(7)
            )
        );
    }

    #[test]
    fn a_long_watch_keeps_a_fixed_amount() {
        let target = crate::target::resolve(
            "http://127.0.0.1:1/",
            &crate::target::catalog::Catalog::builtin(),
        )
        .unwrap();
        let start = SystemTime::UNIX_EPOCH;
        let mut history = History::new(Arc::new(target), start, Instant::now());
        for i in 0..100_000u64 {
            let state = if i % 2 == 0 { State::Up } else { State::Down };
            let took = Some(Duration::from_micros(1000 + i));
            history.record_state(state, took, start, Instant::now());
        }
        let summary = history.summary(start);
        assert_eq!(summary.recent.len(), RECENT_KEPT);
        assert_eq!(summary.transitions.len(), KEPT_TRANSITIONS);
        assert_eq!(summary.transitions_total, 99_999);
        assert_eq!(summary.probes, 100_000);
        let latency = summary.latency.unwrap();
        assert_eq!(latency.max, Duration::from_micros(100_999));
        assert!(
            close(latency.p50, Duration::from_micros(51_000)),
            "{latency:?}"
        );
    }

    #[test]
    fn changes_are_told_once_with_how_long_the_old_state_lasted() {
        let target = crate::target::resolve(
            "http://127.0.0.1:1/",
            &crate::target::catalog::Catalog::builtin(),
        )
        .unwrap();
        let (start, begun) = (SystemTime::UNIX_EPOCH, Instant::now());
        let mut history = History::new(Arc::new(target), start, begun);
        let first = history.record_state(State::Up, None, start, begun);
        assert_eq!(first.map(|c| (c.from, c.to)), Some((None, State::Up)));
        let later = begun + Duration::from_secs(3);
        assert_eq!(history.record_state(State::Up, None, start, later), None);
        let change = history
            .record_state(State::Down, None, start, later)
            .unwrap();
        assert_eq!((change.from, change.to), (Some(State::Up), State::Down));
        assert_eq!(change.after, Duration::from_secs(3));
        assert_eq!(history.availability(), Some(200.0 / 3.0));
        assert_eq!(history.summary(start).availability_pct, Some(66.67));
        assert_eq!(history.summary(start).transitions_total, 1);
    }
}
