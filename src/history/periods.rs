//! Outages as periods: a period starts at the first probe that is not UP and ends at the next
//! UP probe, however the state flapped between (DOWN, UNKNOWN, DOWN is one period). It keeps
//! its worst state and its first reason; with no UP after it, it is still going on.

use std::time::{Duration, SystemTime};

use crate::verdict::State;

/// A probe that was not UP, as the periods are made of.
#[derive(Debug, Clone, PartialEq)]
pub struct NotUp {
    pub at: SystemTime,
    pub state: State,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub started_at: SystemTime,
    /// The first UP probe after it; none while it goes on.
    pub ended_at: Option<SystemTime>,
    /// The last probe in it that was not UP.
    pub last_seen_at: SystemTime,
    pub worst: State,
    pub reason: String,
    pub probes: u64,
    /// The service's own trouble was seen: a DOWN, or a DEGRADED of its own answer (not one
    /// that its status page alone caused, nor this machine's connection being down).
    pub own: bool,
}

impl Period {
    /// Until its end, or until `now` while it goes on.
    pub fn duration(&self, now: SystemTime) -> Duration {
        self.ended_at
            .unwrap_or(now)
            .duration_since(self.started_at)
            .unwrap_or_default()
    }

    pub fn overlaps(&self, from: SystemTime, to: Option<SystemTime>, now: SystemTime) -> bool {
        let end = self.ended_at.unwrap_or(now);
        let other_end = to.unwrap_or(now);
        self.started_at <= other_end && from <= end
    }
}

/// Merges the probes that were not UP, in time order, into periods; `next_up(t)` is the time
/// of the first UP probe after `t`, if any (asked once per period).
pub fn merge(
    troubles: impl IntoIterator<Item = NotUp>,
    mut next_up: impl FnMut(SystemTime) -> Option<SystemTime>,
) -> Vec<Period> {
    let mut periods: Vec<Period> = Vec::new();
    for trouble in troubles {
        if let Some(open) = periods.last_mut() {
            let within = open.ended_at.is_none_or(|end| trouble.at < end);
            if within {
                open.worst = open.worst.max(trouble.state);
                open.last_seen_at = trouble.at;
                open.probes += 1;
                open.own |= trouble.state == State::Down;
                continue;
            }
        }
        periods.push(Period {
            started_at: trouble.at,
            ended_at: next_up(trouble.at),
            last_seen_at: trouble.at,
            worst: trouble.state,
            reason: trouble.reason,
            probes: 1,
            own: trouble.state == State::Down,
        });
    }
    periods
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(minute: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(minute * 60)
    }

    /// A series of (minute, state) merged as the database would: troubles, and the next UP.
    fn periods_of(series: &[(u64, State)]) -> Vec<Period> {
        let troubles = series
            .iter()
            .filter(|(_, s)| *s != State::Up)
            .map(|(m, s)| NotUp {
                at: at(*m),
                state: *s,
                reason: format!("{s} at {m}"),
            })
            .collect::<Vec<_>>();
        merge(troubles, |after| {
            series
                .iter()
                .find(|(m, s)| at(*m) > after && *s == State::Up)
                .map(|(m, _)| at(*m))
        })
    }

    #[test]
    fn a_flapping_series_makes_one_period_per_stretch_between_ups() {
        use State::*;
        let series = [
            (0, Up),
            (1, Degraded),
            (2, Down),
            (3, Unknown),
            (4, Down),
            (5, Up),
            (6, Up),
            (7, Unknown),
            (8, Up),
            (9, Down),
            (10, Down),
        ];
        let periods = periods_of(&series);
        assert_eq!(periods.len(), 3);
        assert_eq!(periods[0].started_at, at(1));
        assert_eq!(periods[0].ended_at, Some(at(5)));
        assert_eq!(periods[0].worst, Down);
        assert_eq!(periods[0].reason, "DEGRADED at 1");
        assert_eq!(periods[0].probes, 4);
        assert_eq!(periods[1].worst, Unknown);
        assert_eq!(periods[1].duration(at(99)), Duration::from_secs(60));
        assert_eq!(periods[2].ended_at, None);
        assert_eq!(periods[2].last_seen_at, at(10));
        assert_eq!(periods[2].duration(at(12)), Duration::from_secs(180));
        assert!(periods_of(&[(0, Up), (1, Up)]).is_empty());
    }
}
