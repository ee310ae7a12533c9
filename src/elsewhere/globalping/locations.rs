//! `--from LOCATIONS`: where the probes elsewhere should be.
//!
//! Each comma-separated item is a Globalping "magic" location (a continent, region, country,
//! US state, city, ASN, network or cloud region; `+` combines them), optionally `:N` for N
//! probes there. `world` asks Globalping to spread the probes over the world.

use std::fmt;

use serde::Serialize;

use crate::text::sanitize::for_terminal;

/// Probes one measurement may ask for: the API's limit without a token.
pub const MAX_PROBES: u32 = 50;
/// Probes `world` asks for when no count is given.
pub const WORLD_PROBES: u32 = 5;
/// Longer than any place name; beyond this it is a mistake, not a location.
const MAX_NAME_CHARS: usize = 100;
/// What a location looks like, for the errors.
const EXAMPLE: &str = "try world, Germany:2 or AS3320";

/// A `--from` that cannot be asked for, in one sentence; every text in it is as typed, made
/// safe for a terminal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadLocations {
    #[error("no location given ({EXAMPLE})")]
    Nothing,
    #[error("'{0}' has an empty location; separate locations with single commas ({EXAMPLE})")]
    Empty(String),
    #[error("'{0}' names no location before the ':' ({EXAMPLE})")]
    NoName(String),
    #[error("'{0}' is not a location name ({EXAMPLE})")]
    NotAName(String),
    #[error("a location name is at most {MAX_NAME_CHARS} characters long, '{0}…' is longer")]
    TooLong(String),
    #[error("'{0}' asks for more than the {MAX_PROBES} probes one measurement can have")]
    TooManyThere(String),
    #[error("'{0}': the number of probes after ':' must be a whole number from 1 to {MAX_PROBES}")]
    NotACount(String),
    #[error("'{0}' asks for {1} probes, but at most {MAX_PROBES} can be asked at once")]
    TooMany(String, u32),
}

/// One entry of the request's `locations` array. Every entry carries its own `limit`, which
/// the API allows only when the request has no top-level `limit`; it never has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub magic: String,
    pub limit: u32,
}

/// The parsed `--from` value; serializes as the request's `locations` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Locations(Vec<Location>);

impl Locations {
    /// Reads `world`, `world:10`, `Germany:2,AS3320,Berlin+Germany`. Errors are one sentence.
    pub fn parse(text: &str) -> Result<Locations, BadLocations> {
        let shown = for_terminal(text.trim());
        if shown.is_empty() {
            return Err(BadLocations::Nothing);
        }
        let items = text
            .split(',')
            .map(|item| parse_item(item, &shown))
            .collect::<Result<Vec<_>, _>>()?;
        let probes: u32 = items.iter().map(|l| l.limit).sum();
        if probes > MAX_PROBES {
            return Err(BadLocations::TooMany(shown, probes));
        }
        Ok(Locations(items))
    }

    /// Locations already checked (built by isitdown, not typed).
    pub fn of(locations: Vec<Location>) -> Locations {
        Locations(locations)
    }

    /// Probes asked for in all.
    pub fn probes(&self) -> u32 {
        self.0.iter().map(|l| l.limit).sum()
    }

    pub fn as_slice(&self) -> &[Location] {
        &self.0
    }

    /// The location names for a sentence: `Atlantis` or `world, Atlantis`.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|l| l.magic.as_str()).collect();
        for_terminal(&names.join(", "))
    }
}

/// Written back as it can be typed: `world:5,Germany:2`.
impl fmt::Display for Locations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, location) in self.0.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(f, "{comma}{}:{}", location.magic, location.limit)?;
        }
        Ok(())
    }
}

fn parse_item(item: &str, whole: &str) -> Result<Location, BadLocations> {
    let item = item.trim();
    if item.is_empty() {
        return Err(BadLocations::Empty(whole.to_string()));
    }
    let shown = for_terminal(item);
    let (name, count) = match item.rsplit_once(':') {
        Some((name, count)) => (name.trim(), Some(count.trim())),
        None => (item, None),
    };
    if name.is_empty() {
        return Err(BadLocations::NoName(shown));
    }
    if name.chars().any(char::is_control) || name.contains(':') {
        return Err(BadLocations::NotAName(shown));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(BadLocations::TooLong(shown.chars().take(20).collect()));
    }
    let world = name.eq_ignore_ascii_case("world");
    let limit = match count {
        None if world => WORLD_PROBES,
        None => 1,
        Some(count) => match parse_count(count) {
            Some(n) if n > u64::from(MAX_PROBES) => return Err(BadLocations::TooManyThere(shown)),
            Some(n) if n >= 1 => n as u32,
            _ => return Err(BadLocations::NotACount(shown)),
        },
    };
    Ok(Location {
        magic: if world {
            "world".to_string()
        } else {
            name.to_string()
        },
        limit,
    })
}

/// Digits only (no sign, no spaces inside). A run of digits too long for a number is a count
/// over any limit, so it saturates.
fn parse_count(count: &str) -> Option<u64> {
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(count.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(String, u32)> {
        Locations::parse(text)
            .unwrap()
            .as_slice()
            .iter()
            .map(|l| (l.magic.clone(), l.limit))
            .collect()
    }

    #[test]
    fn reads_names_counts_and_the_world() {
        assert_eq!(parsed("world"), [("world".to_string(), 5)]);
        assert_eq!(parsed(" World:10 "), [("world".to_string(), 10)]);
        assert_eq!(
            parsed("Germany:2, AS3320 ,Berlin+Germany,aws-us-east-1 : 3,New York"),
            [
                ("Germany".to_string(), 2),
                ("AS3320".to_string(), 1),
                ("Berlin+Germany".to_string(), 1),
                ("aws-us-east-1".to_string(), 3),
                ("New York".to_string(), 1),
            ]
        );
        let all = Locations::parse("world:45,Japan:5").unwrap();
        assert_eq!(all.probes(), 50);
        assert_eq!(all.to_string(), "world:45,Japan:5");
        assert_eq!(all.names(), "world, Japan");
    }

    #[test]
    fn serializes_as_the_api_locations_array() {
        let json = serde_json::to_value(Locations::parse("world,DE:2").unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"magic": "world", "limit": 5}, {"magic": "DE", "limit": 2}])
        );
    }

    #[test]
    fn refuses_what_is_not_a_list_of_locations_in_one_sentence() {
        let cases = [
            ("", "no location given"),
            ("  ", "no location given"),
            ("world,,Germany", "empty location"),
            ("world,", "empty location"),
            (",", "empty location"),
            ("Germany:0", "from 1 to 50"),
            ("Germany:", "from 1 to 50"),
            ("Germany:two", "from 1 to 50"),
            ("Germany:-1", "from 1 to 50"),
            ("Germany:+2", "from 1 to 50"),
            ("Germany:99999999999999999999", "more than the 50"),
            ("world:51", "more than the 50"),
            ("world:30,Japan:21", "asks for 51 probes"),
            (":3", "names no location"),
            ("a:b:3", "not a location name"),
            ("Ger\u{7}many", "not a location name"),
        ];
        for (text, expected) in cases {
            let error = Locations::parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
            assert!(!error.contains('\n') && !error.chars().any(char::is_control));
        }
        let long = Locations::parse(&"x".repeat(300)).unwrap_err().to_string();
        assert!(long.len() < 200, "{long}");
    }
}
