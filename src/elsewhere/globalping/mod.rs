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

pub use client::{measure, Api, MARGIN, MAX_ANSWER_BYTES, POLL_INTERVAL, USER_AGENT};
pub use elsewhere::{fuse, public_link, summary_state, Elsewhere};
pub use judge::{Caveat, Place, Rules, TimingsMs};
pub use locations::{BadLocations, Location, Locations, MAX_PROBES, WORLD_PROBES};
pub use reach::reachable_from_internet;
pub use request::MeasurementRequest;

/// The public API, used unless the settings name another (tests, self-hosted instances).
pub const DEFAULT_API: &str = "https://api.globalping.io";

/// The state of one place, and of all places together, as for a target from here.
pub use crate::state::State;

/// Text that came from the API, made safe for a terminal: runs of white space folded into
/// one, the token (in any case, white space anywhere in it) replaced by `***`, control
/// characters replaced, and at most `max` characters. The token goes before the text is cut:
/// a cut through it would leave its first characters.
fn clean(text: &str, max: usize, token: Option<&str>) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let hidden = match token {
        Some(token) => crate::text::redact::secret(&folded, token),
        None => folded,
    };
    crate::text::sanitize::text(&hidden, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_safe_folded_and_bounded() {
        assert_eq!(clean("  a\n\tb\x1b[31m  c ", 50, None), "a b\u{fffd}[31m c");
        let long = clean(&"x".repeat(500), 10, None);
        assert_eq!(long.chars().count(), 10);
        assert!(long.ends_with('…'));
        assert_eq!(clean("", 10, None), "");
    }

    #[test]
    fn the_token_goes_before_the_text_is_cut() {
        const TOKEN: &str = "gp-SECRET-token-42";
        // The cut would fall inside the token: none of it is left.
        let text = format!("{}{TOKEN} and more", "x".repeat(190));
        let shown = clean(&text, 200, Some(TOKEN));
        assert!(!shown.contains("gp-SE"), "{shown}");
        assert!(
            shown.starts_with(&format!("{}***", "x".repeat(190))),
            "{shown}"
        );
        let variants = [
            "GP-SECRET-TOKEN-42",
            "gp-SECRET -token-42",
            "gp-SECRET-\n\ttoken-42",
        ];
        for variant in variants {
            let shown = clean(&format!("echo {variant} end"), 200, Some(TOKEN));
            assert_eq!(shown, "echo *** end", "{variant}");
        }
    }
}
