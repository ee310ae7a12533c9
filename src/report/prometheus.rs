//! A node_exporter textfile: gauges per target, written at the end (and with `--output`, after
//! each round of a repeated run).

use std::fmt::Write as _;
use std::time::UNIX_EPOCH;

use super::{Limits, Row};
use crate::engine::check::Outcome;
use crate::verdict::State;

/// Label values escape backslash, quote and newline, as the text format says.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The textfile: one series per target and metric. Targets are told apart by their `target`
/// label, numbered when the same target was given twice. A target whose probe never finished
/// has no series. The thresholds are not series: they are the run's settings, not measurements.
pub fn render(rows: &[Row], _limits: &Limits) -> String {
    let finished: Vec<(String, &Outcome, &Row)> = rows
        .iter()
        .filter_map(|row| {
            let labels = format!(
                "target=\"{}\",name=\"{}\",url=\"{}\"",
                escape(row.label),
                escape(&row.target.name),
                escape(&row.target.display_url())
            );
            Some((labels, row.last?, row))
        })
        .collect();
    let mut text = String::new();
    let mut metric = |name: &str, help: &str, series: Vec<(String, String)>| {
        let _ = writeln!(
            text,
            "# HELP isitdown_{name} {help}\n# TYPE isitdown_{name} gauge"
        );
        for (labels, value) in series {
            let _ = writeln!(text, "isitdown_{name}{{{labels}}} {value}");
        }
    };
    let each = |value: &dyn Fn(&Outcome) -> Option<String>| -> Vec<(String, String)> {
        finished
            .iter()
            .filter_map(|(labels, outcome, _)| Some((labels.clone(), value(outcome)?)))
            .collect()
    };
    // Serving counts as up: a DEGRADED target (slow, a 429, a certificate to renew) still
    // answers its users, so an alert on `isitdown_up == 0` pages for outages only. Alerts on
    // degradation read `isitdown_state{state="degraded"}`.
    metric(
        "up",
        "1 if the target serves (up or degraded), 0 if it is down or unknown.",
        each(&|o| Some(u8::from(o.verdict.state.serves()).to_string())),
    );
    metric(
        "state",
        "1 for the target's current state (up, degraded, down, unknown).",
        finished
            .iter()
            .flat_map(|(labels, o, _)| {
                [State::Up, State::Degraded, State::Down, State::Unknown].map(|s| {
                    (
                        format!("{labels},state=\"{}\"", s.as_str()),
                        u8::from(o.verdict.state == s).to_string(),
                    )
                })
            })
            .collect(),
    );
    metric(
        "http_status",
        "The HTTP status of the answer (0 when there was none).",
        each(&|o| Some(o.seen.answer.as_ref().map_or(0, |a| a.status).to_string())),
    );
    metric(
        "duration_seconds",
        "Time spent in each phase of the probe, and in total.",
        finished
            .iter()
            .flat_map(|(labels, o, _)| {
                let t = o.seen.timings;
                [
                    ("dns", t.dns),
                    ("connect", t.connect),
                    ("tls", t.tls),
                    ("first_byte", t.first_byte),
                    ("total", Some(t.total)),
                ]
                .into_iter()
                .filter_map(move |(phase, d)| {
                    d.map(|d| {
                        (
                            format!("{labels},phase=\"{phase}\""),
                            format!("{:.6}", d.as_secs_f64()),
                        )
                    })
                })
            })
            .collect(),
    );
    metric(
        "tls_cert_expiry_timestamp_seconds",
        "When the server's TLS certificate expires (Unix time).",
        each(&|o| {
            let expires = o.seen.certificate.as_ref()?.expires_at;
            Some(
                expires
                    .duration_since(UNIX_EPOCH)
                    .ok()?
                    .as_secs()
                    .to_string(),
            )
        }),
    );
    metric(
        "probe_timestamp_seconds",
        "When the probe started (Unix time).",
        each(&|o| {
            let started = o.seen.started_at.duration_since(UNIX_EPOCH).ok()?;
            Some(format!("{:.3}", started.as_secs_f64()))
        }),
    );
    metric(
        "connect_attempts",
        "Connection attempts of the probe by how they ended (Happy Eyeballs races the addresses).",
        finished
            .iter()
            .flat_map(|(labels, o, _)| {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for attempt in &o.seen.attempts {
                    let outcome = attempt.outcome.as_str();
                    match counts.iter_mut().find(|(word, _)| *word == outcome) {
                        Some((_, count)) => *count += 1,
                        None => counts.push((outcome, 1)),
                    }
                }
                counts.into_iter().map(move |(outcome, count)| {
                    (format!("{labels},outcome=\"{outcome}\""), count.to_string())
                })
            })
            .collect(),
    );
    if finished.iter().any(|(_, o, _)| from_elsewhere(o).is_some()) {
        metric(
            "elsewhere_places",
            "Places elsewhere (Globalping probes) that found the target in each state.",
            finished
                .iter()
                .filter_map(|(labels, o, _)| Some((labels, from_elsewhere(o)?)))
                .flat_map(|(labels, e)| {
                    [
                        ("up", e.up),
                        ("degraded", e.degraded),
                        ("down", e.down),
                        ("unknown", e.unknown),
                    ]
                    .map(|(state, count)| {
                        (format!("{labels},state=\"{state}\""), count.to_string())
                    })
                })
                .collect(),
        );
    }
    let near_level = |o: &Outcome| from_elsewhere(o)?.near.as_ref()?.level;
    if finished.iter().any(|(_, o, _)| near_level(o).is_some()) {
        metric(
            "elsewhere_near_level",
            "With --from near: 1 for the level at which the target breaks (machine, network, country or world).",
            finished
                .iter()
                .filter_map(|(labels, o, _)| {
                    let level = near_level(o)?;
                    Some((format!("{labels},level=\"{level}\""), "1".to_string()))
                })
                .collect(),
        );
    }
    if rows.iter().any(|r| r.summary.is_some()) {
        metric(
            "availability_ratio",
            "Share of this run's probes that found the target serving (up or degraded).",
            finished
                .iter()
                .filter_map(|(labels, _, row)| {
                    let pct = row.summary?.availability_pct?;
                    Some((labels.clone(), format!("{:.4}", pct / 100.0)))
                })
                .collect(),
        );
    }
    text
}

/// What the places elsewhere found, when any of them judged the target.
fn from_elsewhere(outcome: &Outcome) -> Option<&crate::elsewhere::globalping::Elsewhere> {
    outcome
        .elsewhere
        .as_ref()
        .filter(|e| super::gave_results(e))
}
