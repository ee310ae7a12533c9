//! The answer from elsewhere, for a person: a line per place, worst first, lined up in
//! columns, then the measurement's public page.

use std::time::Duration;

use colored::Colorize;

use super::human::{ms, state_column, TIME_WIDTH};
use crate::elsewhere::globalping::{self, Elsewhere, Place};
use crate::text::sanitize::for_terminal;

/// Places are indented a little more than the other detail lines: they belong together.
const PLACE_INDENT: &str = "  ";

/// The lines to print under the target's, without the common indent. `verbose` adds each
/// place's address and where Globalping puts its failure.
pub(super) fn lines(elsewhere: &Elsewhere, verbose: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(near) = &elsewhere.near {
        let mut whereabouts: Vec<String> = Vec::new();
        if let Some(address) = &near.address {
            whereabouts.push(address.clone());
        }
        whereabouts.extend(near.network_name());
        if let Some(country) = &near.country {
            whereabouts.push(crate::elsewhere::near::country_name(country));
        }
        let levels: Vec<String> = near
            .levels
            .iter()
            .map(|l| {
                let answered = l.up + l.degraded + l.down;
                format!("{} {} of {answered} up", l.level, l.up + l.degraded)
            })
            .collect();
        lines.push(for_terminal(&format!(
            "near you ({}): {}",
            whereabouts.join(", "),
            levels.join(", ")
        )));
    }
    if let Some(url) = &elsewhere.measured_url {
        lines.push(format!(
            "measured elsewhere at {} (where the probe from here ended after its redirects)",
            for_terminal(url)
        ));
    }
    let places = &elsewhere.places;
    let width = |column: &dyn Fn(&Place) -> String| {
        places
            .iter()
            .map(|p| column(p).chars().count())
            .max()
            .unwrap_or(0)
    };
    let place_of = |p: &Place| for_terminal(&p.whereabouts());
    let network_of = |p: &Place| for_terminal(&p.network_and_asn());
    let (place_width, network_width) = (width(&place_of), width(&network_of));
    for place in places {
        // The reader bounds timings; a value no duration can hold is still no panic here.
        let time = place
            .timings_ms
            .total
            .and_then(|t| Duration::try_from_secs_f64(t / 1e3).ok())
            .map_or_else(|| "-".to_string(), ms);
        let line = format!(
            "{PLACE_INDENT}{}  {:<place_width$}  {:<network_width$}  {}  {}",
            state_column(place.state),
            place_of(place),
            network_of(place),
            format!("{time:>TIME_WIDTH$}").dimmed(),
            for_terminal(&place.reason),
        );
        lines.push(line.trim_end().to_string());
        if verbose {
            let mut details = Vec::new();
            if let Some(address) = &place.address {
                details.push(format!("address {}", for_terminal(address)));
            }
            if let Some(source) = &place.failure_source {
                details.push(format!("failure source {}", for_terminal(source)));
            }
            if !details.is_empty() {
                lines.push(
                    format!("{PLACE_INDENT}    {}", details.join(" · "))
                        .dimmed()
                        .to_string(),
                );
            }
        }
    }
    for note in &elsewhere.notes {
        lines.push(format!("from elsewhere: {}", for_terminal(note)));
    }
    // With no answer at all, the target's reason already says why; with part of one, it does not.
    if let Some(error) = elsewhere
        .error
        .as_ref()
        .filter(|_| elsewhere.state != globalping::State::Unknown)
    {
        lines.push(format!("from elsewhere: {}", for_terminal(error)));
    }
    if let Some(url) = &elsewhere.url {
        lines.push(
            format!("from elsewhere: {}", for_terminal(url))
                .dimmed()
                .to_string(),
        );
    }
    lines
}
