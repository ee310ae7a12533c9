//! `--from near`: where this machine is on the internet (its public address and country from a
//! "whoami" endpoint, its network from Team Cymru's origin lookup over DNS-over-HTTPS), then one
//! measurement from places on the same network, elsewhere in the same country and in the rest
//! of the world, and the level at which the target breaks: this machine, its network, its
//! country, or everyone.
//!
//! Asked only with `--from near`: this machine's public address goes to the whoami endpoint
//! (Cloudflare's by default) and, reversed in a DNS name, to the DNS-over-HTTPS resolvers.

mod cymru;
mod whoami;

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Serialize;

use crate::elsewhere::globalping::{Location, Locations, Place, State};
use crate::just_me::public_dns::{self, Fetch};
use crate::probe::Request;
use crate::text::sanitize::for_terminal;

/// The levels at which a target can break, nearest first.
pub const LEVELS: [&str; 4] = ["machine", "network", "country", "world"];
/// Cloudflare's trace by address: it answers `ip=` and `loc=`, and needs no DNS.
pub const DEFAULT_WHOAMI: &str = "https://1.1.1.1/cdn-cgi/trace";
/// Probes asked on this machine's network, elsewhere in its country, and in the world.
pub const NETWORK_PROBES: u32 = 3;
pub const COUNTRY_PROBES: u32 = 3;
pub const WORLD_PROBES: u32 = 4;
/// Each question about this machine gets this long (they are asked alongside the probe).
const QUESTION_TIMEOUT: Duration = Duration::from_secs(4);
/// A whoami answer is a few hundred bytes.
const MAX_WHOAMI_BYTES: usize = 16 * 1024;

/// Where to learn where this machine is, and what was learnt (once per run).
#[derive(Debug, Clone)]
pub struct NearSettings {
    /// `[globalping] whoami`.
    pub whoami: String,
    /// `[connectivity] dns`: the DNS-over-HTTPS resolvers Team Cymru's records are asked from.
    pub resolvers: Vec<String>,
    learnt: Arc<OnceLock<Whereabouts>>,
}

impl NearSettings {
    pub fn new(whoami: &str, resolvers: Vec<String>) -> NearSettings {
        NearSettings {
            whoami: whoami.to_string(),
            resolvers,
            learnt: Arc::default(),
        }
    }

    /// Where this machine is, learnt by the first to ask and kept for the run.
    pub fn whereabouts(&self, fetch: Fetch<'_>) -> Whereabouts {
        self.learnt
            .get_or_init(|| learn(&self.whoami, &self.resolvers, fetch))
            .clone()
    }
}

/// Where this machine is on the internet, as far as it could be learnt, and what could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Whereabouts {
    pub address: Option<IpAddr>,
    /// Two-letter country code.
    pub country: Option<String>,
    pub asn: Option<u32>,
    pub network: Option<String>,
    /// One sentence for each thing that could not be learnt, and why.
    pub missing: Vec<String>,
}

/// Asks the whoami endpoint, then Team Cymru through the resolvers. Never fails: what could
/// not be learnt is in `missing`.
pub fn learn(whoami_url: &str, resolvers: &[String], fetch: Fetch<'_>) -> Whereabouts {
    let mut found = Whereabouts::default();
    let shown = for_terminal(&crate::text::redact::redact_typed(whoami_url));
    let asked = Request::get(whoami_url, QUESTION_TIMEOUT, MAX_WHOAMI_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|request| {
            fetch(&request)
                .whole(MAX_WHOAMI_BYTES)
                .map_err(|failure| failure.message)
                .and_then(|(status, body)| match status {
                    200 => Ok(whoami::parse(&String::from_utf8_lossy(body))),
                    other => Err(format!("it answered {other}")),
                })
        });
    match asked {
        Ok((address, country)) => {
            found.address = address;
            found.country = country;
            if address.is_none() {
                found.missing.push(format!(
                    "this machine's public address could not be learnt: {shown} did not give one"
                ));
            }
            if found.country.is_none() {
                found.missing.push(format!(
                    "this machine's country could not be learnt: {shown} did not give one"
                ));
            }
        }
        Err(why) => found.missing.push(format!(
            "this machine's public address and country could not be learnt from {shown}: {}",
            crate::text::sanitize::text(&why, 120)
        )),
    }
    let Some(address) = found.address else {
        found
            .missing
            .push("its network (ASN) could not be learnt without its address".to_string());
        return found;
    };
    let origin = public_dns::ask_txt(
        resolvers,
        &cymru::origin_name(address),
        QUESTION_TIMEOUT,
        fetch,
    );
    match origin.map(|records| cymru::origin_asn(&records)) {
        Ok(Some(asn)) => found.asn = Some(asn),
        Ok(None) => found
            .missing
            .push("its network (ASN) could not be learnt: Team Cymru's answer names none".into()),
        Err(why) => found.missing.push(format!(
            "its network (ASN) could not be learnt from Team Cymru over DNS: {why}"
        )),
    }
    if let Some(asn) = found.asn {
        // The name is a nicety: without it the network is still known by its number.
        found.network = public_dns::ask_txt(
            resolvers,
            &cymru::network_name(asn),
            QUESTION_TIMEOUT,
            fetch,
        )
        .ok()
        .and_then(|records| cymru::network(&records))
        .map(|name| crate::text::sanitize::text(&name, 80));
    }
    found
}

impl Whereabouts {
    /// The measurement's locations: this network, this country, the world (those known).
    pub fn locations(&self) -> Locations {
        let mut places = Vec::new();
        if let Some(asn) = self.asn {
            places.push(Location {
                magic: format!("AS{asn}"),
                limit: NETWORK_PROBES,
            });
        }
        if let Some(country) = &self.country {
            places.push(Location {
                magic: country.clone(),
                limit: COUNTRY_PROBES,
            });
        }
        places.push(Location {
            magic: "world".to_string(),
            limit: WORLD_PROBES,
        });
        Locations::of(places)
    }
}

/// A country's English name from its two-letter code.
pub fn country_name(code: &str) -> String {
    include_str!("countries.txt")
        .lines()
        .find_map(|line| line.strip_prefix(code)?.strip_prefix(' '))
        .unwrap_or(code)
        .to_string()
}

/// `elsewhere.near` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Near {
    pub address: Option<String>,
    pub country: Option<String>,
    pub asn: Option<u32>,
    pub network: Option<String>,
    pub levels: Vec<Level>,
    /// Where it breaks: `machine`, `network`, `country` or `world`; `null` when it does not
    /// break from here or the places cannot tell.
    pub level: Option<&'static str>,
    /// The sentence that names the level, for the reason.
    #[serde(skip)]
    pub sentence: Option<String>,
}

/// The places of one level and what they found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// `network`, `country` or `world`.
    pub level: &'static str,
    pub asked: u32,
    pub up: u32,
    pub degraded: u32,
    pub down: u32,
    pub unknown: u32,
}

impl Level {
    /// The level's state, by the rule of the whole answer; `None` without a result.
    fn state(&self) -> Option<State> {
        let with_result = self.up + self.degraded + self.down;
        (with_result > 0)
            .then(|| crate::elsewhere::globalping::summary_state(self.up, self.degraded, self.down))
    }
}

/// Sorts the places into levels by where each one is: on this machine's network, elsewhere in
/// its country, or elsewhere in the world.
pub fn levels(whereabouts: &Whereabouts, places: &[Place]) -> Near {
    let level_of = |place: &Place| {
        if whereabouts.asn.is_some() && place.asn == whereabouts.asn {
            "network"
        } else if whereabouts.country.is_some() && place.country == whereabouts.country {
            "country"
        } else {
            "world"
        }
    };
    let mut levels = Vec::new();
    for (level, asked, known) in [
        ("network", NETWORK_PROBES, whereabouts.asn.is_some()),
        ("country", COUNTRY_PROBES, whereabouts.country.is_some()),
        ("world", WORLD_PROBES, true),
    ] {
        if !known {
            continue;
        }
        let here: Vec<&Place> = places.iter().filter(|p| level_of(p) == level).collect();
        let count = |state: State| here.iter().filter(|p| p.state == state).count() as u32;
        levels.push(Level {
            level,
            asked,
            up: count(State::Up),
            degraded: count(State::Degraded),
            down: count(State::Down),
            unknown: count(State::Unknown),
        });
    }
    Near {
        address: whereabouts.address.map(|a| a.to_string()),
        country: whereabouts.country.clone(),
        asn: whereabouts.asn,
        network: whereabouts.network.clone(),
        levels,
        level: None,
        sentence: None,
    }
}

impl Near {
    /// `AS3269 Telecom Italia`, or `AS3269`; none when the ASN is not known.
    pub fn network_name(&self) -> Option<String> {
        let asn = self.asn?;
        Some(match &self.network {
            Some(name) => format!("AS{asn} {name}"),
            None => format!("AS{asn}"),
        })
    }

    fn network_words(&self) -> String {
        self.network_name()
            .unwrap_or_else(|| "your network".to_string())
    }

    /// `Italy` for `IT`; the code itself when the table does not know it.
    fn country_words(&self) -> String {
        self.country
            .as_deref()
            .map(country_name)
            .unwrap_or_else(|| "your country".to_string())
    }

    fn state_of(&self, level: &str) -> Option<State> {
        self.levels.iter().find(|l| l.level == level)?.state()
    }

    /// Names the level at which `name` breaks, given its state from here: only when it is in
    /// trouble from here, and only when the places tell.
    pub fn decide(&mut self, here: State, name: &str) {
        let (network, country, world) = (
            self.state_of("network"),
            self.state_of("country"),
            self.state_of("world"),
        );
        let works = |state: Option<State>| matches!(state, Some(State::Up | State::Degraded));
        let fails = |state: Option<State>| state == Some(State::Down);
        let trouble_here = matches!(here, State::Down | State::Unknown);
        let decided = if !trouble_here {
            None
        } else if works(network) {
            Some((
                "machine",
                format!(
                    "just this machine: up from your own network ({}) elsewhere",
                    self.network_words()
                ),
            ))
        } else if fails(world) && !works(country) && !works(network) {
            Some((
                "world",
                "down for everyone: down from the world too".to_string(),
            ))
        } else if fails(country) && works(world) && !works(network) {
            Some((
                "country",
                format!(
                    "a regional outage ({}): down across {}, up elsewhere",
                    self.country_words(),
                    self.country_words()
                ),
            ))
        } else if fails(network) && (works(country) || works(world)) {
            Some((
                "network",
                format!(
                    "it is your network ({}), not {}",
                    self.network_words(),
                    for_terminal(name)
                ),
            ))
        } else {
            None
        };
        (self.level, self.sentence) = match decided {
            Some((level, sentence)) => (Some(level), Some(sentence)),
            None => (None, None),
        };
    }
}

#[cfg(test)]
mod tests;
