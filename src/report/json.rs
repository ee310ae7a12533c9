//! JSON Lines, the contract for jq: one `probe` object per probe, flushed as it happens.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::{millis, Reporter};
use crate::elsewhere::globalping::Elsewhere;
use crate::engine::check::Outcome;
use crate::engine::history::History;
use crate::engine::history::Summary;
use crate::engine::Sink;
use crate::just_me::public_dns::PublicDns;
use crate::probe::AttemptOutcome;
use crate::status_page;
use crate::target::catalog::{Confidence, Service, StatusFormat};
use crate::text::redact::redact_typed;
use crate::verdict::{ErrorKind, State};

pub struct JsonLines<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> JsonLines<'w> {
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        JsonLines { out }
    }
}

impl Sink for JsonLines<'_> {
    fn judged(&mut self, _: usize, outcome: &Outcome, _: &[History]) -> io::Result<()> {
        write_line(&mut self.out, &ProbeLine::of(outcome))
    }
}

impl Reporter for JsonLines<'_> {
    fn finish(&mut self, _last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        for summary in summaries {
            write_line(&mut self.out, &SummaryLine::of(summary))?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: String,
    name: &'a str,
    url: String,
    probes: u32,
    up: u32,
    degraded: u32,
    down: u32,
    unknown: u32,
    availability_pct: Option<f64>,
    latency_ms: Option<LatencyJson>,
    state: Option<State>,
    started_at: String,
    ended_at: String,
    /// The latest `stats::KEPT_TRANSITIONS`; the total counts them all.
    transitions: Vec<TransitionJson>,
    transitions_total: u64,
}

#[derive(Serialize)]
struct LatencyJson {
    min: f64,
    p50: f64,
    p95: f64,
    max: f64,
    mean: f64,
}

#[derive(Serialize)]
struct TransitionJson {
    at: String,
    from: State,
    to: State,
}

impl<'a> SummaryLine<'a> {
    fn of(s: &'a Summary) -> Self {
        SummaryLine {
            kind: "summary",
            target: s.target.display_input(),
            name: &s.target.name,
            url: s.target.display_url(),
            probes: s.probes,
            up: s.up,
            degraded: s.degraded,
            down: s.down,
            unknown: s.unknown,
            availability_pct: s.availability_pct,
            latency_ms: s.latency.as_ref().map(|l| LatencyJson {
                min: millis(l.min),
                p50: millis(l.p50),
                p95: millis(l.p95),
                max: millis(l.max),
                mean: millis(l.mean),
            }),
            state: s.state,
            started_at: rfc3339(s.started_at),
            ended_at: rfc3339(s.ended_at),
            transitions: s
                .transitions
                .iter()
                .map(|t| TransitionJson {
                    at: rfc3339(t.at),
                    from: t.from,
                    to: t.to,
                })
                .collect(),
            transitions_total: s.transitions_total,
        }
    }
}

/// One JSON line, every string in it made safe, flushed: a line is whole as soon as it is out.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let mut value = serde_json::to_value(value).map_err(io::Error::from)?;
    made_safe(&mut value);
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Text from outside was made safe where it came in; this makes sure of it for every string of
/// every line, whatever its way in (a config value, a name), since `jq -r` prints them raw.
fn made_safe(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) if !crate::text::sanitize::is_clean(text) => {
            *text = crate::text::sanitize::for_terminal(text);
        }
        Value::Array(items) => items.iter_mut().for_each(made_safe),
        Value::Object(fields) => fields.values_mut().for_each(made_safe),
        _ => {}
    }
}

/// RFC 3339, UTC, milliseconds.
pub fn rfc3339(time: SystemTime) -> String {
    crate::text::timestamp::rfc3339_millis(time)
}

#[derive(Serialize)]
struct ProbeLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: String,
    name: &'a str,
    url: String,
    seq: u32,
    /// Probes sent: 1, plus the `--retries` used while the target was down.
    tries: u32,
    at: String,
    state: State,
    reason: String,
    http: Option<Http<'a>>,
    error: Option<Error<'a>>,
    timings_ms: Timings,
    tls: Option<Tls>,
    status_page: Option<StatusPage<'a>>,
    connectivity: Option<ConnectivityJson<'a>>,
    /// With `--from`, on the probes the places elsewhere were asked; `null` otherwise.
    elsewhere: Option<&'a Elsewhere>,
    attempts: Vec<AttemptJson>,
    /// The proxy that carried the probe: "127.0.0.1:3128 (from HTTPS_PROXY)"; `null` direct.
    proxy: Option<String>,
    /// The row's sibling probes, each judged on its own.
    also: Vec<AlsoJson>,
}

/// One sibling probe: where it went and what it found.
#[derive(Serialize)]
struct AlsoJson {
    url: String,
    state: State,
    status: Option<u16>,
    reason: String,
    timings_ms: Timings,
}

/// One connection attempt: where to, how it ended, its own time.
#[derive(Serialize)]
struct AttemptJson {
    address: String,
    outcome: AttemptOutcome,
    ms: f64,
}

#[derive(Serialize)]
struct StatusPage<'a> {
    url: String,
    indicator: Option<&'a str>,
    description: Option<&'a str>,
    /// At most `status_page::MAX_LISTED` of each; the totals say how many there are.
    incidents: Vec<IncidentJson<'a>>,
    incidents_total: usize,
    components: Vec<ComponentJson<'a>>,
    components_total: usize,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct IncidentJson<'a> {
    name: &'a str,
    impact: Option<&'a str>,
    status: Option<&'a str>,
    started_at: Option<String>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct ComponentJson<'a> {
    name: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct ConnectivityJson<'a> {
    online: bool,
    checked: usize,
    ok: usize,
    note: String,
    public_dns: Option<&'a PublicDns>,
}

impl<'a> StatusPage<'a> {
    fn of(page: &'a status_page::Report) -> Self {
        StatusPage {
            url: redact_typed(&page.url),
            indicator: page.indicator.as_deref(),
            description: page.description.as_deref(),
            incidents: page
                .incidents
                .iter()
                .map(|i| IncidentJson {
                    name: &i.name,
                    impact: i.impact.as_deref(),
                    status: i.status.as_deref(),
                    started_at: i.started_at.map(rfc3339),
                    url: i.url.as_deref(),
                })
                .collect(),
            incidents_total: page.incidents_total.max(page.incidents.len()),
            components: page
                .components
                .iter()
                .map(|c| ComponentJson {
                    name: &c.name,
                    status: &c.status,
                })
                .collect(),
            components_total: page.components_total.max(page.components.len()),
            error: page.error.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Http<'a> {
    status: u16,
    reason: &'a str,
    version: &'a str,
    /// The CDN that served the answer, when one shows.
    edge: Option<&'static str>,
    /// The CDN made the answer itself: the service behind it did not answer.
    edge_error: bool,
}

#[derive(Serialize)]
struct Error<'a> {
    kind: ErrorKind,
    message: &'a str,
}

#[derive(Serialize)]
struct Timings {
    dns: Option<f64>,
    connect: Option<f64>,
    tls: Option<f64>,
    first_byte: Option<f64>,
    total: f64,
}

#[derive(Serialize)]
struct Tls {
    expires_at: String,
    days_left: i64,
}

impl Timings {
    fn of(t: &crate::probe::Timings) -> Timings {
        let ms = |d: Option<Duration>| d.map(millis);
        Timings {
            dns: ms(t.dns),
            connect: ms(t.connect),
            tls: ms(t.tls),
            first_byte: ms(t.first_byte),
            total: millis(t.total),
        }
    }
}

impl<'a> ProbeLine<'a> {
    fn of(outcome: &'a Outcome) -> Self {
        let seen = &outcome.seen;
        ProbeLine {
            kind: "probe",
            target: outcome.target.display_input(),
            name: &outcome.target.name,
            url: outcome.target.display_url(),
            seq: outcome.seq,
            tries: outcome.tries,
            at: rfc3339(seen.started_at),
            state: outcome.verdict.state,
            reason: outcome.verdict.reason.to_string(),
            http: seen.answer.as_ref().map(|a| Http {
                status: a.status,
                reason: &a.reason,
                version: &a.version,
                edge: seen.edge.as_ref().map(|e| e.cdn),
                edge_error: seen.edge.as_ref().is_some_and(|e| e.error),
            }),
            error: outcome.verdict.error.as_ref().map(|e| Error {
                kind: e.kind,
                message: &e.message,
            }),
            timings_ms: Timings::of(&seen.timings),
            tls: seen.certificate.as_ref().map(|c| Tls {
                expires_at: rfc3339(c.expires_at),
                days_left: c.days_left(seen.started_at),
            }),
            status_page: outcome.status_page.as_ref().map(StatusPage::of),
            connectivity: outcome.connectivity.as_ref().map(|c| ConnectivityJson {
                online: c.online,
                checked: c.checked,
                ok: c.ok,
                note: c.note.to_string(),
                public_dns: c.public_dns.as_ref(),
            }),
            elsewhere: outcome.elsewhere.as_ref(),
            attempts: seen
                .attempts
                .iter()
                .map(|a| AttemptJson {
                    address: a.address.to_string(),
                    outcome: a.outcome,
                    ms: millis(a.elapsed),
                })
                .collect(),
            proxy: seen.proxy.as_ref().map(ToString::to_string),
            also: outcome
                .also
                .iter()
                .map(|sibling| AlsoJson {
                    url: sibling.url.clone(),
                    state: sibling.verdict.state,
                    status: sibling.seen.status(),
                    reason: sibling.verdict.reason.to_string(),
                    timings_ms: Timings::of(&sibling.seen.timings),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct ServiceLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    key: &'a str,
    name: &'a str,
    aliases: &'a [String],
    url: String,
    method: &'static str,
    expect: Option<&'a str>,
    contains: Option<&'a str>,
    status_page: Option<String>,
    status_format: Option<StatusFormat>,
    status_api: Option<String>,
    components: &'a [String],
    origin: Option<&'a str>,
    confidence: Option<Confidence>,
    tags: &'a [String],
    also: Vec<String>,
}

/// `--list --json`: one object per service.
pub fn list(services: &[&Service], out: &mut dyn Write) -> io::Result<()> {
    for service in services {
        let url = redact_typed(&service.url);
        write_line(
            out,
            &ServiceLine {
                kind: "service",
                key: &service.key,
                name: service.display_name(),
                aliases: &service.aliases,
                url,
                method: service.method.unwrap_or(crate::probe::Method::Get).as_str(),
                expect: service.expect.as_deref(),
                contains: service.contains.as_deref(),
                status_page: service.status_page.as_deref().map(redact_typed),
                status_format: service.status_format.or(service
                    .status_page
                    .as_ref()
                    .map(|_| StatusFormat::Statuspage)),
                status_api: service.status_api.as_deref().map(redact_typed),
                components: &service.components,
                origin: service.origin.as_deref(),
                confidence: service.confidence,
                tags: &service.tags,
                also: service.also.iter().map(|u| redact_typed(u)).collect(),
            },
        )?;
    }
    Ok(())
}
