//! Repeated probes of one target, folded into what an operator asks afterwards: how often was it
//! up, how fast, and when did it change.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use crate::check::Outcome;
use crate::target::Target;
use crate::verdict::State;

/// The sparkline shows this many of the latest probes.
const SPARKLINE_LENGTH: usize = 60;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

#[derive(Debug, Clone)]
pub struct Stats {
    pub target: Target,
    pub started_at: SystemTime,
    counts: [u32; 4],
    /// Total time of every probe that got an answer, in microseconds (4 bytes a probe).
    latencies: Vec<u32>,
    /// The latest probes' times, `None` for a probe without an answer.
    recent: VecDeque<Option<Duration>>,
    last: Option<State>,
    transitions: Vec<Transition>,
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
    pub transitions: Vec<Transition>,
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
            latencies: Vec::new(),
            recent: VecDeque::with_capacity(SPARKLINE_LENGTH),
            last: None,
            transitions: Vec::new(),
        }
    }

    pub fn record(&mut self, outcome: &Outcome) {
        let state = outcome.verdict.state;
        self.counts[slot(state)] += 1;
        let answered = outcome
            .seen
            .answer
            .is_some()
            .then_some(outcome.seen.timings.total);
        if let Some(total) = answered {
            self.latencies
                .push(u32::try_from(total.as_micros()).unwrap_or(u32::MAX));
        }
        if self.recent.len() == SPARKLINE_LENGTH {
            self.recent.pop_front();
        }
        self.recent.push_back(answered);
        if let Some(from) = self.last.filter(|&from| from != state) {
            self.transitions.push(Transition {
                at: outcome.seen.started_at,
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
            latency: latency(&self.latencies),
            state: self.last,
            started_at: self.started_at,
            ended_at,
            transitions: self.transitions.clone(),
            sparkline: sparkline(&self.recent),
        }
    }
}

/// Nearest-rank percentiles over every answered probe.
fn latency(micros: &[u32]) -> Option<Latency> {
    if micros.is_empty() {
        return None;
    }
    let mut sorted = micros.to_vec();
    sorted.sort_unstable();
    let at = |pct: usize| {
        let rank = (pct * sorted.len()).div_ceil(100).max(1);
        Duration::from_micros(sorted[rank - 1] as u64)
    };
    let sum: u64 = sorted.iter().map(|&m| m as u64).sum();
    Some(Latency {
        min: at(0),
        p50: at(50),
        p95: at(95),
        max: at(100),
        mean: Duration::from_micros(sum / sorted.len() as u64),
    })
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

    #[test]
    fn percentiles_by_nearest_rank() {
        let micros: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        let l = latency(&micros).unwrap();
        assert_eq!(l.min, Duration::from_millis(1));
        assert_eq!(l.p50, Duration::from_millis(50));
        assert_eq!(l.p95, Duration::from_millis(95));
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
    fn sparklines_scale_and_mark_failures() {
        let recent: VecDeque<_> = [Some(10), Some(20), None, Some(80)]
            .map(|m| m.map(Duration::from_millis))
            .into();
        assert_eq!(sparkline(&recent), "▁▂✗█");
        let flat: VecDeque<_> = [Some(Duration::from_millis(5)); 3].into();
        assert_eq!(sparkline(&flat), "▁▁▁");
    }
}
