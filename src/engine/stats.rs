//! Repeated probes of one target, folded into what an operator asks afterwards: how often was it
//! up, how fast, and when did it change.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use hdrhistogram::Histogram;

use crate::engine::check::Outcome;
use crate::target::Target;
use crate::verdict::State;

/// The sparkline shows this many of the latest probes.
const SPARKLINE_LENGTH: usize = 60;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The latest transitions kept; the total counts them all.
pub const KEPT_TRANSITIONS: usize = 100;
/// Latencies are kept in a histogram of microseconds up to an hour, to two significant digits
/// (a percentile is within 1% of the truth): its size is fixed however long a watch runs, and
/// small (13 KiB), since a watch of a thousand targets keeps a thousand of them.
const SLOWEST_MICROS: u64 = 3_600_000_000;
const SIGNIFICANT_DIGITS: u8 = 2;

#[derive(Debug, Clone)]
pub struct Stats {
    pub target: Target,
    pub started_at: SystemTime,
    counts: [u32; 4],
    /// Total time of every probe that got an answer, in microseconds.
    latencies: Latencies,
    /// The latest probes' times, `None` for a probe without an answer.
    recent: VecDeque<Option<Duration>>,
    last: Option<State>,
    /// The latest [`KEPT_TRANSITIONS`] transitions.
    transitions: VecDeque<Transition>,
    transitions_total: u64,
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
    pub target: Target,
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
    pub sparkline: String,
}

fn slot(state: State) -> usize {
    match state {
        State::Up => 0,
        State::Degraded => 1,
        State::Down => 2,
        State::Unknown => 3,
    }
}

impl Stats {
    pub fn new(target: Target, started_at: SystemTime) -> Stats {
        Stats {
            target,
            started_at,
            counts: [0; 4],
            latencies: Latencies::new(),
            recent: VecDeque::with_capacity(SPARKLINE_LENGTH),
            last: None,
            transitions: VecDeque::with_capacity(KEPT_TRANSITIONS),
            transitions_total: 0,
        }
    }

    pub fn record(&mut self, outcome: &Outcome) {
        let answered = outcome
            .seen
            .answer
            .is_some()
            .then_some(outcome.seen.timings.total);
        self.record_state(outcome.verdict.state, answered, outcome.seen.started_at);
    }

    /// One probe: its state, how long its answer took (none without one), and when it began.
    fn record_state(&mut self, state: State, answered: Option<Duration>, at: SystemTime) {
        self.counts[slot(state)] = self.counts[slot(state)].saturating_add(1);
        if let Some(total) = answered {
            self.latencies
                .record(u64::try_from(total.as_micros()).unwrap_or(u64::MAX));
        }
        if self.recent.len() == SPARKLINE_LENGTH {
            self.recent.pop_front();
        }
        self.recent.push_back(answered);
        if let Some(from) = self.last.filter(|&from| from != state) {
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
        self.last = Some(state);
    }

    pub fn last_state(&self) -> Option<State> {
        self.last
    }

    pub fn summary(&self, ended_at: SystemTime) -> Summary {
        let [up, degraded, down, unknown] = self.counts;
        let probes = up + degraded + down + unknown;
        let availability_pct = (probes > 0)
            .then(|| ((up + degraded) as f64 * 10_000.0 / probes as f64).round() / 100.0);
        Summary {
            target: self.target.clone(),
            probes,
            up,
            degraded,
            down,
            unknown,
            availability_pct,
            latency: self.latencies.summary(),
            state: self.last,
            started_at: self.started_at,
            ended_at,
            transitions: self.transitions.iter().cloned().collect(),
            transitions_total: self.transitions_total,
            sparkline: sparkline(&self.recent),
        }
    }
}

/// One bar per recent probe, scaled from the fastest to the slowest; `✗` where none answered.
fn sparkline(recent: &VecDeque<Option<Duration>>) -> String {
    let answered = || recent.iter().flatten();
    let (Some(low), Some(high)) = (answered().min(), answered().max()) else {
        return recent.iter().map(|_| '✗').collect();
    };
    let span = (*high - *low).as_secs_f64();
    recent
        .iter()
        .map(|probe| match probe {
            None => '✗',
            Some(_) if span == 0.0 => BARS[0],
            Some(d) => {
                let position = (*d - *low).as_secs_f64() / span;
                BARS[((position * (BARS.len() - 1) as f64).round() as usize).min(BARS.len() - 1)]
            }
        })
        .collect()
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
        let mut stats = Stats::new(target, start);
        for i in 0..100_000u64 {
            let state = if i % 2 == 0 { State::Up } else { State::Down };
            stats.record_state(state, Some(Duration::from_micros(1000 + i)), start);
        }
        let summary = stats.summary(start);
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
    fn sparklines_scale_and_mark_failures() {
        let recent: VecDeque<_> = [Some(10), Some(20), None, Some(80)]
            .map(|m| m.map(Duration::from_millis))
            .into();
        assert_eq!(sparkline(&recent), "▁▂✗█");
        let flat: VecDeque<_> = [Some(Duration::from_millis(5)); 3].into();
        assert_eq!(sparkline(&flat), "▁▁▁");
    }
}
