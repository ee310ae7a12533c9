//! The four states a target can be in, from here or from elsewhere.

use serde::Serialize;

/// A target's state. The order is severity, as for the exit code: DOWN > UNKNOWN > DEGRADED > UP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Up,
    Degraded,
    Unknown,
    Down,
}

impl State {
    /// The Nagios plugin exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            State::Up => 0,
            State::Degraded => 1,
            State::Down => 2,
            State::Unknown => 3,
        }
    }

    /// Whether the target answers its users: UP, or DEGRADED (slow, rate limited, a
    /// certificate to renew), as availability counts it.
    pub fn serves(self) -> bool {
        matches!(self, State::Up | State::Degraded)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Up => "up",
            State::Degraded => "degraded",
            State::Unknown => "unknown",
            State::Down => "down",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            State::Up => "UP",
            State::Degraded => "DEGRADED",
            State::Unknown => "UNKNOWN",
            State::Down => "DOWN",
        }
    }
}

/// The word people read: "UP", "DEGRADED", "UNKNOWN", "DOWN".
impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_order_by_severity_and_serialize_in_lower_case() {
        assert!(State::Down > State::Unknown && State::Unknown > State::Degraded);
        assert!(State::Degraded > State::Up);
        assert_eq!(
            serde_json::to_string(&State::Degraded).unwrap(),
            "\"degraded\""
        );
        assert_eq!(State::Degraded.to_string(), "DEGRADED");
    }
}
