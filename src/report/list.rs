//! `--list`: the catalog as a table that fits the terminal, the whole of every row with `-v`,
//! or one JSON object per service.

use std::io::{self, Write};

use colored::Colorize;

use super::{json, Format, Output};
use crate::target::catalog::{Service, StatusFormat};
use crate::text::columns;
use crate::text::redact::redact_typed;
use crate::text::sanitize::for_terminal;

/// Columns between two cells.
const GAP: &str = "  ";
/// A column is never cut below this many columns (nor below its heading).
const NARROWEST: usize = 6;

/// Writes `services` (already filtered and sorted) as `output` asks: rows cut to `width`
/// columns, or in full under `-v`, or as JSON Lines.
pub fn write(
    services: &[&Service],
    output: Output,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if output.format == Format::Json {
        return json::list(services, out);
    }
    let rows: Vec<Vec<String>> = match output.verbose {
        true => services.iter().map(|s| wide_row(s)).collect(),
        false => services.iter().map(|s| narrow_row(s)).collect(),
    };
    let headings: &[&str] = match output.verbose {
        true => &["NAMES", "SERVICE", "PROBE", "TAGS", "STATUS PAGE"],
        false => &["NAME", "SERVICE", "TAGS", "STATUS PAGE"],
    };
    let widths = match output.verbose {
        true => natural_widths(headings, &rows),
        false => fitted_widths(natural_widths(headings, &rows), headings, width),
    };
    let heading: Vec<String> = headings.iter().map(|h| h.to_string()).collect();
    writeln!(out, "{}", line(&heading, &widths).bold())?;
    for row in &rows {
        writeln!(out, "{}", line(row, &widths))?;
    }
    out.flush()
}

/// What to type, what it is, its tags, and where its provider speaks.
fn narrow_row(service: &Service) -> Vec<String> {
    vec![
        service.key.clone(),
        service.display_name().to_string(),
        tags(service),
        page(service, true),
    ]
}

/// Every name it answers to, its probe (with the method when not GET) and page in full.
fn wide_row(service: &Service) -> Vec<String> {
    let method = match service.method {
        Some(crate::probe::Method::Head) => "HEAD ",
        _ => "",
    };
    vec![
        service.names().collect::<Vec<_>>().join(", "),
        service.display_name().to_string(),
        format!("{method}{}", redact_typed(&service.url)),
        tags(service),
        page(service, false),
    ]
}

fn tags(service: &Service) -> String {
    match service.tags.as_slice() {
        [] => "-".to_string(),
        tags => tags.join(","),
    }
}

/// The status page: in the narrow view its host, only when isitdown reads it; in the wide one
/// the whole URL, with "(not readable)" when isitdown cannot read its format.
fn page(service: &Service, host_only: bool) -> String {
    let Some(page) = &service.status_page else {
        return "-".into();
    };
    let readable = service.status_format != Some(StatusFormat::None);
    if host_only && !readable {
        return "-".into();
    }
    let shown = match host_only {
        true => url::Url::parse(page)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| redact_typed(page)),
        false => redact_typed(page),
    };
    match readable {
        true => shown,
        false => format!("{shown} (not readable)"),
    }
}

fn natural_widths(headings: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| columns::count(&for_terminal(&r[i])))
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Narrows the widest columns, one column at a time, until a row fits in `width`; the first
/// column (what to type) is never cut.
fn fitted_widths(mut widths: Vec<usize>, headings: &[&str], width: usize) -> Vec<usize> {
    let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * w.len().saturating_sub(1);
    while total(&widths) > width {
        let widest = widths
            .iter()
            .enumerate()
            .skip(1)
            .filter(|&(i, &w)| w > NARROWEST.max(headings[i].len()))
            .max_by_key(|&(_, &w)| w)
            .map(|(i, _)| i);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

/// One row: each cell cut to its column and padded, the last one not padded.
fn line(cells: &[String], widths: &[usize]) -> String {
    let last = cells.len().saturating_sub(1);
    cells
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (cell, &width))| {
            let cell = for_terminal(cell);
            match i == last {
                true => columns::cut(&cell, width),
                false => columns::pad(&cell, width),
            }
        })
        .collect::<Vec<_>>()
        .join(GAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_columns_give_way_until_the_row_fits() {
        let headings = ["NAME", "SERVICE", "TAGS", "STATUS PAGE"];
        let widths = fitted_widths(vec![12, 20, 40, 40], &headings, 80);
        assert_eq!(widths[0], 12, "what to type is never cut");
        assert!(widths.iter().sum::<usize>() + 6 <= 80);
        assert_eq!(
            widths[1], 20,
            "a column narrower than the others keeps its width"
        );
    }

    #[test]
    fn a_cut_cell_ends_in_an_ellipsis_and_the_last_is_not_padded() {
        let cells = vec!["a".to_string(), "abcdefghij".to_string(), "x".to_string()];
        assert_eq!(line(&cells, &[3, 6, 4]), "a    abcde…  x");
    }
}
