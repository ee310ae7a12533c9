//! How often repeated runs ask the shared Globalping service: it is free, with an allowance of
//! 250 tests an hour per address, so a flapping target must not start a measurement at every
//! change, and a refusal for the rate limit is obeyed until the limit resets.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::elsewhere::globalping::Elsewhere;
use crate::verdict::State;

/// In repeated runs, one target is measured from elsewhere at most once in this long, and only
/// when its state from here differs from what it was at the last measurement; in between, the
/// last answer from elsewhere stands. Five minutes make at most 13 measurements in the first
/// hour of `--watch` (the first probe's and 12 more): 65 tests with `world`'s 5 probes, a
/// quarter of the free allowance.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// What a run remembers of its measurements elsewhere.
#[derive(Debug)]
pub struct Pace {
    /// [`MIN_INTERVAL`]; shorter only under the hidden `--test-globalping-interval`.
    min_interval: Duration,
    /// After the API refused for its rate limit: nothing is asked before then.
    closed_until: Option<Instant>,
    /// Per target: when it was last measured, and its state from here then (`None` when that
    /// measurement gave no answer).
    last: HashMap<String, (Instant, Option<State>)>,
    /// Per target: the latest measurement that had places, whose probes are asked again so
    /// that a change compares like with like (they are the first measurement's, unless
    /// Globalping forgot it and new ones were picked).
    probes_of: HashMap<String, String>,
}

impl Default for Pace {
    fn default() -> Pace {
        Pace::every(MIN_INTERVAL)
    }
}

impl Pace {
    /// A pace that measures a target again at most once in `min_interval`.
    pub fn every(min_interval: Duration) -> Pace {
        Pace {
            min_interval,
            closed_until: None,
            last: HashMap::new(),
            probes_of: HashMap::new(),
        }
    }

    /// How long the API is still closed to this run after a refusal for its rate limit.
    pub fn closed_for(&self, now: Instant) -> Option<Duration> {
        self.closed_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|left| !left.is_zero())
    }

    /// Whether a later probe of `target`, in `state` from here, measures again: the API is
    /// open, and the target was never measured, or was measured at least [`MIN_INTERVAL`] ago
    /// in another state (or without an answer).
    pub fn again(&self, target: &str, state: State, now: Instant) -> bool {
        if self.closed_for(now).is_some() {
            return false;
        }
        match self.last.get(target) {
            None => true,
            Some((at, then)) => {
                now.saturating_duration_since(*at) >= self.min_interval && *then != Some(state)
            }
        }
    }

    /// The measurement whose probes `target` is measured on again, if it had one.
    pub fn first_measurement(&self, target: &str) -> Option<String> {
        self.probes_of.get(target).cloned()
    }

    /// [`Pace::again`], and if so, takes the turn at once: another probe of the same target
    /// asking meanwhile waits its interval too.
    pub fn claim(&mut self, target: &str, state: State, now: Instant) -> bool {
        let again = self.again(target, state, now);
        if again {
            self.last.insert(target.to_string(), (now, Some(state)));
        }
        again
    }

    /// Notes a measurement of `target` asked at `at`, in `state` from here, and what it
    /// answered; a refusal for the rate limit closes the API for as long as it said.
    pub fn asked(&mut self, target: &str, state: State, at: Instant, answer: &Elsewhere) {
        let answered = answer.error.is_none() || !answer.places.is_empty();
        if let Some(id) = answer
            .measurement
            .as_ref()
            .filter(|_| !answer.places.is_empty())
        {
            self.probes_of.insert(target.to_string(), id.clone());
        }
        self.last
            .insert(target.to_string(), (at, answered.then_some(state)));
        if let Some(wait) = answer.retry_after {
            let until = Instant::now().checked_add(wait);
            self.closed_until = self.closed_until.max(until);
        }
    }
}

/// What a probe gets from elsewhere when the API is closed to this run.
pub fn closed(asked: u32, left: Duration) -> Elsewhere {
    let minutes = left.as_secs().div_ceil(60).max(1);
    Elsewhere::failed(
        asked,
        format!(
            "not asked: the Globalping hourly limit was reached (asked again in {minutes} min)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> Elsewhere {
        Elsewhere::of(1, Some("m1".into()), Vec::new(), None)
    }

    fn limited(wait: Duration) -> Elsewhere {
        let mut refused = Elsewhere::failed(1, "the Globalping hourly limit is reached");
        refused.retry_after = Some(wait);
        refused
    }

    #[test]
    fn a_target_is_measured_again_only_after_the_interval_and_a_change() {
        let (mut pace, start) = (Pace::default(), Instant::now());
        assert!(pace.again("t", State::Up, start), "never measured");
        pace.asked("t", State::Up, start, &answer());
        let soon = start + Duration::from_secs(1);
        assert!(
            !pace.again("t", State::Down, soon),
            "a change, but too soon"
        );
        let later = start + MIN_INTERVAL;
        assert!(!pace.again("t", State::Up, later), "no change since");
        assert!(pace.again("t", State::Down, later));
        assert!(
            pace.again("other", State::Down, soon),
            "each target on its own"
        );
        assert!(pace.claim("other", State::Down, soon));
        assert!(!pace.claim("other", State::Up, soon), "the turn is taken");
    }

    #[test]
    fn a_measurement_without_an_answer_is_tried_again_after_the_interval() {
        let (mut pace, start) = (Pace::default(), Instant::now());
        let unreachable = Elsewhere::failed(1, "the Globalping API could not be reached");
        pace.asked("t", State::Down, start, &unreachable);
        assert!(!pace.again("t", State::Down, start + Duration::from_secs(60)));
        assert!(pace.again("t", State::Down, start + MIN_INTERVAL));
    }

    #[test]
    fn a_refusal_for_the_rate_limit_closes_the_api_until_it_resets() {
        let (mut pace, start) = (Pace::default(), Instant::now());
        pace.asked("t", State::Up, start, &limited(MIN_INTERVAL * 3));
        let after_interval = start + MIN_INTERVAL * 2;
        assert!(pace.closed_for(after_interval).is_some());
        assert!(!pace.again("t", State::Down, after_interval));
        assert!(
            !pace.again("never", State::Down, after_interval),
            "for every target"
        );
        let reopened = Instant::now() + MIN_INTERVAL * 3 + Duration::from_secs(1);
        assert_eq!(pace.closed_for(reopened), None);
        assert!(pace.again("t", State::Down, reopened));
        // A shorter reset said later does not reopen it sooner.
        pace.asked("t", State::Up, start, &limited(MIN_INTERVAL * 3));
        pace.asked("u", State::Up, start, &limited(Duration::from_secs(1)));
        assert!(pace.closed_for(start + MIN_INTERVAL).is_some());
        let said = closed(5, Duration::from_secs(61)).error.unwrap();
        assert!(said.contains("asked again in 2 min"), "{said}");
    }
}
