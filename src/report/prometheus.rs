//! A node_exporter textfile: gauges per target, written once at the end.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::UNIX_EPOCH;

use super::{Outcome, Reporter};
use crate::stats::Summary;
use crate::verdict::State;

pub struct Prometheus<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> Prometheus<'w> {
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Prometheus { out }
    }
}

/// Label values escape backslash, quote and newline, as the text format says.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Reporter for Prometheus<'_> {
    fn probe(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, last: &[Outcome], summaries: &[Summary]) -> io::Result<()> {
        let mut text = String::new();
        let labels = |o: &Outcome| {
            format!(
                "target=\"{}\",name=\"{}\",url=\"{}\"",
                escape(&o.target.display_input()),
                escape(&o.target.name),
                escape(&o.target.display_url())
            )
        };
        let mut metric = |name: &str, help: &str, rows: Vec<(String, String)>| {
            let _ = writeln!(
                text,
                "# HELP isitdown_{name} {help}\n# TYPE isitdown_{name} gauge"
            );
            for (labels, value) in rows {
                let _ = writeln!(text, "isitdown_{name}{{{labels}}} {value}");
            }
        };
        metric(
            "up",
            "1 if the target is up, 0 otherwise.",
            last.iter()
                .map(|o| {
                    (
                        labels(o),
                        u8::from(o.verdict.state == State::Up).to_string(),
                    )
                })
                .collect(),
        );
        metric(
            "state",
            "1 for the target's current state (up, degraded, down, unknown).",
            last.iter()
                .flat_map(|o| {
                    [State::Up, State::Degraded, State::Down, State::Unknown].map(|s| {
                        (
                            format!("{},state=\"{}\"", labels(o), s.as_str()),
                            u8::from(o.verdict.state == s).to_string(),
                        )
                    })
                })
                .collect(),
        );
        metric(
            "http_status",
            "The HTTP status of the answer (0 when there was none).",
            last.iter()
                .map(|o| {
                    (
                        labels(o),
                        o.seen.answer.as_ref().map_or(0, |a| a.status).to_string(),
                    )
                })
                .collect(),
        );
        metric(
            "duration_seconds",
            "Time spent in each phase of the probe, and in total.",
            last.iter()
                .flat_map(|o| {
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
                                format!("{},phase=\"{phase}\"", labels(o)),
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
            last.iter()
                .filter_map(|o| {
                    let expires = o
                        .seen
                        .certificate
                        .as_ref()?
                        .expires_at
                        .duration_since(UNIX_EPOCH)
                        .ok()?;
                    Some((labels(o), expires.as_secs().to_string()))
                })
                .collect(),
        );
        metric(
            "probe_timestamp_seconds",
            "When the probe started (Unix time).",
            last.iter()
                .filter_map(|o| {
                    Some((
                        labels(o),
                        format!(
                            "{:.3}",
                            o.seen
                                .started_at
                                .duration_since(UNIX_EPOCH)
                                .ok()?
                                .as_secs_f64()
                        ),
                    ))
                })
                .collect(),
        );
        if !summaries.is_empty() {
            metric(
                "availability_ratio",
                "Share of this run's probes that found the target serving (up or degraded).",
                summaries
                    .iter()
                    .filter_map(|s| {
                        let pct = s.availability_pct?;
                        let labels = last.iter().find(|o| o.target == s.target).map(labels)?;
                        Some((labels, format!("{:.4}", pct / 100.0)))
                    })
                    .collect(),
            );
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}
