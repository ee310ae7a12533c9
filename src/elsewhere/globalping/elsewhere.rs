//! The answer from elsewhere: every place, the counts, one state for all, and how it relates
//! to the verdict from here.

use serde::Serialize;

use super::judge::{Caveat, Place};
use super::State;
use crate::elsewhere::near::Near;

/// The `elsewhere` object of a probe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Elsewhere {
    /// Always `globalping`.
    pub source: &'static str,
    /// The measurement id, once the API has accepted one.
    pub measurement: Option<String>,
    /// The measurement's public page.
    pub url: Option<String>,
    /// UNKNOWN when no place gave a result; DOWN when at least half of those that did found
    /// it DOWN; DEGRADED when any found trouble; UP otherwise.
    pub state: State,
    /// Probes asked for.
    pub asked: u32,
    pub up: u32,
    pub degraded: u32,
    pub down: u32,
    pub unknown: u32,
    /// Worst first.
    pub places: Vec<Place>,
    /// Why there is no answer from elsewhere, or only part of one: one sentence.
    pub error: Option<String>,
    /// The URL measured there when it is not the one typed: where the probe from here ended
    /// after its redirects (probes elsewhere never follow them).
    pub measured_url: Option<String>,
    /// What the places' results mean beyond their states, one sentence each: why they say
    /// nothing (the name resolves to private addresses, their resolvers failed), what was not
    /// compared (redirects, a private CA), how the probes were picked.
    pub notes: Vec<String>,
    /// With `--from near`: where this machine is, and the level at which the target breaks.
    pub near: Option<Near>,
    /// When the API refused for its rate limit: how long to wait before asking it again.
    #[serde(skip)]
    pub retry_after: Option<std::time::Duration>,
    /// The status of the API's refusal to create the measurement, if it refused.
    #[serde(skip)]
    pub refused_with: Option<u16>,
}

impl Elsewhere {
    /// No places at all: the measurement could not be asked for, or never answered.
    pub fn failed(asked: u32, error: impl Into<String>) -> Elsewhere {
        Elsewhere::of(asked, None, Vec::new(), Some(error.into()))
    }

    /// The summary of judged places, sorted worst first (the API's order otherwise).
    pub fn of(
        asked: u32,
        measurement: Option<String>,
        mut places: Vec<Place>,
        error: Option<String>,
    ) -> Elsewhere {
        places.sort_by_key(|place| std::cmp::Reverse(place.state));
        let count = |state: State| places.iter().filter(|p| p.state == state).count() as u32;
        let (up, degraded, down, unknown) = (
            count(State::Up),
            count(State::Degraded),
            count(State::Down),
            count(State::Unknown),
        );
        let state = summary_state(up, degraded, down);
        let notes = notes_of(&places);
        Elsewhere {
            source: "globalping",
            url: measurement.as_deref().map(public_link),
            measurement,
            state,
            asked,
            up,
            degraded,
            down,
            unknown,
            places,
            error,
            measured_url: None,
            notes,
            near: None,
            retry_after: None,
            refused_with: None,
        }
    }

    /// Whether some place got a redirect, which probes elsewhere do not follow.
    pub fn redirected(&self) -> bool {
        self.places
            .iter()
            .any(|p| p.note == Some(Caveat::Redirected))
    }
}

/// One state for places that found it up, degraded and down: UNKNOWN without any, DOWN when
/// at least half found it down, DEGRADED when any found trouble, UP otherwise.
pub fn summary_state(up: u32, degraded: u32, down: u32) -> State {
    let with_result = up + degraded + down;
    if with_result == 0 {
        State::Unknown
    } else if down * 2 >= with_result {
        State::Down
    } else if down > 0 || degraded > 0 {
        State::Degraded
    } else {
        State::Up
    }
}

/// The places' caveats worth a note, in the notes' order: the caveat, whether every place
/// must have it (else any), its sentence, and whether it explains places that said nothing.
const CAVEAT_NOTES: [(Caveat, bool, &str, bool); 5] = [
    (Caveat::PrivateAddress, false, NOTE_PRIVATE, true),
    (Caveat::Resolver, true, NOTE_RESOLVERS, true),
    (Caveat::MeasurementTimedOut, false, NOTE_TIMED_OUT, true),
    (Caveat::Redirected, false, NOTE_REDIRECTS, true),
    (Caveat::PrivateCa, false, NOTE_PRIVATE_CA, false),
];

/// The notes the places' caveats call for, with whether each explains a silence.
fn caveat_notes(places: &[Place]) -> impl Iterator<Item = (&'static str, bool)> + '_ {
    CAVEAT_NOTES
        .into_iter()
        .filter(move |(caveat, every, _, _)| {
            let has = |p: &Place| p.note == Some(*caveat);
            match every {
                true => !places.is_empty() && places.iter().all(has),
                false => places.iter().any(has),
            }
        })
        .map(|(_, _, note, explains)| (note, explains))
}

/// What the places' notes mean, a sentence each, in a fixed order.
fn notes_of(places: &[Place]) -> Vec<String> {
    caveat_notes(places)
        .map(|(note, _)| note.to_string())
        .collect()
}

pub const NOTE_PRIVATE: &str = "probes elsewhere refuse names that resolve to private addresses";
pub const NOTE_RESOLVERS: &str =
    "their resolvers could not resolve it: the name's own DNS may be failing";
pub const NOTE_TIMED_OUT: &str =
    "Globalping ended the measurement before the probes reported (the measurement timed out)";
pub const NOTE_REDIRECTS: &str =
    "probes elsewhere do not follow redirects: a redirect there is not compared with here";
pub const NOTE_PRIVATE_CA: &str = "a private CA (--cacert) cannot be checked elsewhere: \
     the certificate was not judged there, only the answer";

/// The page where anyone can see the measurement.
pub fn public_link(measurement: &str) -> String {
    format!("https://globalping.io?measurement={measurement}")
}

/// What elsewhere adds to the reason from here. `local` is the state from here; it does not
/// change, the sentence only says how the two relate.
pub fn fuse(local: State, elsewhere: &Elsewhere) -> String {
    let of = elsewhere.places.len();
    let places = |n: u32| format!("{n} of {of} place{}", if of == 1 { "" } else { "s" });
    let trouble_here = matches!(local, State::Down | State::Unknown);
    if let Some(said) = elsewhere
        .near
        .as_ref()
        .and_then(|near| near.sentence.clone())
    {
        return said;
    }
    // The first caveat that explains why the places said nothing, if one does.
    let silent_because = caveat_notes(&elsewhere.places)
        .find(|(_, explains)| *explains)
        .map(|(note, _)| note);
    let addition = match elsewhere.state {
        State::Unknown => match (&elsewhere.error, silent_because) {
            (Some(error), _) => format!("no answer from elsewhere: {error}"),
            (None, Some(note)) => format!("no verdict from elsewhere: {note}"),
            (None, None) => "no place elsewhere gave a result in time".to_string(),
        },
        State::Down if trouble_here => format!(
            "also down from {} elsewhere: down for everyone",
            places(elsewhere.down)
        ),
        State::Down => format!(
            "but down from {} elsewhere: it works from your network, not from many others \
             (a regional outage, or a DNS or CDN problem elsewhere)",
            places(elsewhere.down)
        ),
        State::Up if trouble_here => format!(
            "but up from {} elsewhere: the problem is between you and the service \
             (your network, ISP or region)",
            places(elsewhere.up)
        ),
        State::Up => format!("also up from {} elsewhere", places(elsewhere.up)),
        State::Degraded => {
            let troubled = elsewhere.down + elsewhere.degraded;
            let scope = if trouble_here {
                "some regions or networks have trouble, yours among them"
            } else {
                "some regions or networks have trouble"
            };
            format!(
                "trouble from {} elsewhere, up from {}: {scope}",
                places(troubled),
                elsewhere.up
            )
        }
    };
    addition
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elsewhere::globalping::judge::TimingsMs;

    fn place(state: State) -> Place {
        Place {
            continent: Some("EU".into()),
            country: Some("DE".into()),
            city: Some("Berlin".into()),
            asn: Some(3320),
            network: Some("Deutsche Telekom AG".into()),
            state,
            status: None,
            reason: state.as_str().into(),
            error: None,
            timings_ms: TimingsMs::default(),
            address: None,
            failure_source: None,
            note: None,
        }
    }

    fn summary(states: &[State]) -> Elsewhere {
        let places = states.iter().map(|s| place(*s)).collect();
        Elsewhere::of(states.len() as u32, Some("abc123".into()), places, None)
    }

    use State::{Degraded as G, Down as D, Unknown as U, Up as P};

    #[test]
    fn one_state_for_all_places() {
        assert_eq!(summary(&[]).state, State::Unknown);
        assert_eq!(summary(&[U, U]).state, State::Unknown);
        assert_eq!(summary(&[D, P]).state, State::Down, "half is enough");
        assert_eq!(summary(&[D, P, P]).state, State::Degraded);
        assert_eq!(summary(&[G, P, P]).state, State::Degraded);
        assert_eq!(summary(&[P, P, U, U, U]).state, State::Up);
        assert_eq!(
            summary(&[D, U, U, U]).state,
            State::Down,
            "unknowns do not count"
        );
    }

    #[test]
    fn counts_sort_and_link() {
        let all = summary(&[P, U, D, G, P, D]);
        assert_eq!((all.up, all.degraded, all.down, all.unknown), (2, 1, 2, 1));
        let order: Vec<State> = all.places.iter().map(|p| p.state).collect();
        assert_eq!(order, [D, D, U, G, P, P]);
        assert_eq!(
            all.url.as_deref(),
            Some("https://globalping.io?measurement=abc123")
        );
        assert_eq!(all.up + all.degraded + all.down, 5);
        let failed = Elsewhere::failed(5, "limit reached");
        assert_eq!(
            (failed.state, failed.asked, failed.measurement.clone()),
            (U, 5, None)
        );
        assert_eq!(failed.url, None);
    }

    #[test]
    fn serializes_with_the_documented_fields() {
        let json = serde_json::to_value(summary(&[D])).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "source",
            "measurement",
            "url",
            "state",
            "asked",
            "up",
            "degraded",
            "down",
            "unknown",
            "places",
            "error",
        ] {
            assert!(keys.contains(&key), "{key} missing in {json}");
        }
        assert_eq!(json["source"], "globalping");
        assert_eq!(json["state"], "down");
        let place = &json["places"][0];
        for key in [
            "continent",
            "country",
            "city",
            "asn",
            "network",
            "state",
            "status",
            "reason",
            "error",
            "timings_ms",
        ] {
            assert!(place.get(key).is_some(), "{key} missing in {place}");
        }
        assert_eq!(place["asn"], 3320);
        let timings = place["timings_ms"].as_object().unwrap();
        let phases: Vec<&str> = timings.keys().map(String::as_str).collect();
        assert_eq!(phases.len(), 5);
        for phase in ["dns", "connect", "tls", "first_byte", "total"] {
            assert!(phases.contains(&phase));
        }
    }

    /// The reason from here, said in `here`, with what elsewhere adds.
    fn fused(local: State, here: &str, elsewhere: &Elsewhere) -> String {
        let mut reason = crate::verdict::Reason::said(here);
        reason.elsewhere = Some(fuse(local, elsewhere));
        reason.to_string()
    }

    #[test]
    fn the_fused_reason_says_how_here_and_elsewhere_relate() {
        let here = "server error: 503 Service Unavailable";
        let everyone = fused(D, here, &summary(&[D, D, D, D, D, P]));
        assert_eq!(
            everyone,
            "server error: 503 Service Unavailable; also down from 5 of 6 places elsewhere: \
             down for everyone"
        );
        let only_me = fused(D, "timed out", &summary(&[P, P, P, P, P, P]));
        assert!(
            only_me.ends_with(
                "but up from 6 of 6 places elsewhere: the problem is between you \
                               and the service (your network, ISP or region)"
            ),
            "{only_me}"
        );
        let only_them = fused(P, "answered 200 OK", &summary(&[D, D, P]));
        assert!(only_them.starts_with("answered 200 OK; but down from 2 of 3 places"));
        assert!(fused(P, "answered 200 OK", &summary(&[P, P]))
            .ends_with("also up from 2 of 2 places elsewhere"));
        let mixed = fused(D, "refused", &summary(&[D, P, P]));
        assert!(
            mixed.contains("trouble from 1 of 3 places elsewhere, up from 2"),
            "{mixed}"
        );
        assert!(mixed.contains("yours among them"));
        let one = fused(D, "refused", &summary(&[D]));
        assert!(one.contains("1 of 1 place elsewhere"), "{one}");
        let silent = fused(D, "refused", &summary(&[U, U]));
        assert!(silent.ends_with("no place elsewhere gave a result in time"));
        let refused = fused(
            U,
            "your connection seems down",
            &Elsewhere::failed(5, "API unreachable"),
        );
        assert_eq!(
            refused,
            "your connection seems down; no answer from elsewhere: API unreachable"
        );
    }
}
