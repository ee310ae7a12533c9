use super::*;
use crate::elsewhere::globalping::TimingsMs;

fn italy() -> Whereabouts {
    Whereabouts {
        address: Some("151.20.3.4".parse().unwrap()),
        country: Some("IT".into()),
        asn: Some(3269),
        network: Some("Telecom Italia".into()),
        missing: Vec::new(),
    }
}

fn place(country: &str, asn: u32, state: State) -> Place {
    Place {
        continent: None,
        country: Some(country.into()),
        city: None,
        asn: Some(asn),
        network: None,
        state,
        status: None,
        reason: String::new(),
        error: None,
        timings_ms: TimingsMs::default(),
        address: None,
        failure_source: None,
        note: None,
    }
}

fn level(network: State, country: State, world: State) -> (Option<&'static str>, Option<String>) {
    let places = [
        place("IT", 3269, network),
        place("IT", 3269, network),
        place("IT", 1267, country),
        place("IT", 12874, country),
        place("DE", 3320, world),
        place("US", 7018, world),
    ];
    let mut near = levels(&italy(), &places);
    near.decide(State::Down, "ChatGPT");
    (near.level, near.sentence)
}

use State::{Down as D, Up as U};

#[test]
fn the_level_is_where_it_breaks() {
    let (network, said) = level(D, U, U);
    assert_eq!(network, Some("network"));
    assert_eq!(
        said.unwrap(),
        "it is your network (AS3269 Telecom Italia), not ChatGPT"
    );
    let (country, said) = level(D, D, U);
    assert_eq!(country, Some("country"));
    assert!(said.unwrap().starts_with("a regional outage (Italy)"));
    assert_eq!(level(D, D, D).0, Some("world"));
    let (machine, said) = level(U, U, U);
    assert_eq!(machine, Some("machine"));
    assert!(said.unwrap().starts_with("just this machine"));
}

#[test]
fn up_from_here_names_no_level() {
    let mut near = levels(&italy(), &[place("IT", 3269, D)]);
    near.decide(State::Up, "ChatGPT");
    assert_eq!((near.level, near.sentence), (None, None));
}

#[test]
fn places_are_sorted_by_where_they_are_and_unknown_levels_are_left_out() {
    let places = [
        place("IT", 3269, D),
        place("IT", 1267, U),
        place("DE", 3320, U),
    ];
    let near = levels(&italy(), &places);
    let counts: Vec<_> = near
        .levels
        .iter()
        .map(|l| (l.level, l.up, l.down))
        .collect();
    assert_eq!(
        counts,
        [("network", 0, 1), ("country", 1, 0), ("world", 1, 0)]
    );
    let no_asn = Whereabouts {
        asn: None,
        ..italy()
    };
    let near = levels(&no_asn, &places);
    let names: Vec<_> = near.levels.iter().map(|l| l.level).collect();
    assert_eq!(names, ["country", "world"]);
    assert_eq!(no_asn.locations().to_string(), "IT:3,world:4");
    assert_eq!(italy().locations().to_string(), "AS3269:3,IT:3,world:4");
}

#[test]
fn countries_have_their_names() {
    assert_eq!(country_name("IT"), "Italy");
    assert_eq!(country_name("DE"), "Germany");
    assert_eq!(country_name("QQ"), "QQ");
}
