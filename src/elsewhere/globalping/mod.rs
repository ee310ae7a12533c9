//! From elsewhere: the same HTTP check, run by Globalping's probes in other networks and
//! countries, so that "down here" can be told from "down for everyone".
//!
//! Plain values and one loop: [`Locations`] from `--from`, a [`MeasurementRequest`] that carries
//! only what identifies the resource (never headers, credentials or cookies), [`measure`] driving
//! the API through the `probe::send` the caller brings (or a stand-in), and an [`Elsewhere`] summary whose reason
//! [`fuse`] joins to the verdict from here.

mod answer;
mod client;
mod elsewhere;
mod judge;
mod locations;
mod reach;
mod request;

pub use client::{measure, Api, MAX_ANSWER_BYTES, POLL_INTERVAL, USER_AGENT};
pub use elsewhere::{fuse, public_link, Elsewhere};
pub use judge::{Place, Rules, TimingsMs};
pub use locations::{Location, Locations, MAX_PROBES, WORLD_PROBES};
pub use reach::reachable_from_internet;
pub use request::MeasurementRequest;

/// The public API, used unless the settings name another (tests, self-hosted instances).
pub const DEFAULT_API: &str = "https://api.globalping.io";

/// The state of one place, and of all places together, as for a target from here.
pub use crate::state::State;

/// Text that came from the API, made safe for a terminal: control characters replaced, runs
/// of white space folded into one, and at most `max` characters.
fn clean(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::sanitize::text(&folded, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_safe_folded_and_bounded() {
        assert_eq!(clean("  a\n\tb\x1b[31m  c ", 50), "a b\u{fffd}[31m c");
        let long = clean(&"x".repeat(500), 10);
        assert_eq!(long.chars().count(), 10);
        assert!(long.ends_with('…'));
        assert_eq!(clean("", 10), "");
    }
}
