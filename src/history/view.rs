//! `--history`: each target's past read back from the database (its hours, its outages as
//! periods), the provider's incidents beside them, and the two lined up: an outage seen here
//! that the provider said nothing about for a while, and an incident that never reached this
//! machine.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::latency::Buckets;
use super::periods::{self, NotUp, Period};
use super::record::severity_word;
use super::store::{millis_of, time_of, Store, HOUR_MS};
use crate::report::json_line;
use crate::status_page::past::PastIncident;
use crate::status_page::Severity;
use crate::target::Target;
use crate::text::timestamp::rfc3339_millis as rfc3339;
use crate::verdict::State;

/// An outage this long that the provider has not spoken of is not worth a line: its page may
/// simply not have been updated yet.
const SILENCE_WORTH_SAYING: Duration = Duration::from_secs(5 * 60);

/// One hour of one target: probes per state, and their latencies.
#[derive(Debug, Clone)]
pub struct Hour {
    pub start: SystemTime,
    /// Up, degraded, unknown, down.
    pub counts: [u64; 4],
}

impl Hour {
    /// The worst state probed in the hour, if any probe was.
    pub fn worst(&self) -> Option<State> {
        [State::Down, State::Unknown, State::Degraded, State::Up]
            .into_iter()
            .find(|s| self.counts[super::state_index(*s)] > 0)
    }
}

/// What the provider's page said over the period, when it was read.
#[derive(Debug, Clone)]
pub enum Admitted {
    /// The service has no page, or it was not to be read (`--no-status-page`).
    NotAsked,
    /// The page publishes no history this program reads.
    NoHistory(String),
    Unreadable(String, String),
    /// The page's URL and its incidents over the period, newest first.
    Incidents(String, Vec<PastIncident>),
}

/// A line where the two accounts disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum Disagreement {
    /// An outage seen here, and how long the provider said nothing about it (all of it, when
    /// no incident of the page overlaps it).
    Silent { period: usize, silence: Duration },
    /// An incident that this machine did not see: the service answered it well, or it was
    /// not probed then, or this machine's own connection was down.
    Unseen { incident: usize, sight: Sight },
}

/// What this machine could see of the service during an incident it did not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Probed, and its answers were fine (a DEGRADED that only the page caused included).
    AnsweredWell,
    NotProbed,
    /// Its own connection was down (UNKNOWN).
    Blind,
}

/// One target's history over the period.
#[derive(Debug, Clone)]
pub struct TargetPast {
    pub key: String,
    pub name: String,
    pub url: String,
    pub hours: Vec<Hour>,
    pub counts: [u64; 4],
    pub p50: Option<Duration>,
    pub p95: Option<Duration>,
    pub periods: Vec<Period>,
    pub admitted: Admitted,
    pub notes: Vec<Disagreement>,
}

impl TargetPast {
    pub fn probes(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The share of probes that found the service serving (UP or DEGRADED), in percent: the
    /// same as a repeated run's summary says.
    pub fn availability(&self) -> Option<f64> {
        let probes = self.probes();
        let serving = self.counts[super::state_index(State::Up)]
            + self.counts[super::state_index(State::Degraded)];
        (probes > 0).then(|| serving as f64 * 100.0 / probes as f64)
    }

    pub fn incidents(&self) -> &[PastIncident] {
        match &self.admitted {
            Admitted::Incidents(_, incidents) => incidents,
            _ => &[],
        }
    }

    /// The note about this period, if any.
    pub fn silence_of(&self, period: usize) -> Option<Duration> {
        self.notes.iter().find_map(|n| match n {
            Disagreement::Silent { period: p, silence } if *p == period => Some(*silence),
            _ => None,
        })
    }

    pub fn unseen(&self, incident: usize) -> Option<Sight> {
        self.notes.iter().find_map(|n| match n {
            Disagreement::Unseen { incident: i, sight } if *i == incident => Some(*sight),
            _ => None,
        })
    }
}

/// A target as the history names it: its key, the name people read, its URL (redacted).
#[derive(Debug, Clone)]
pub struct Named {
    pub key: String,
    pub name: String,
    pub url: String,
}

impl Named {
    pub fn of(target: &Target) -> Named {
        Named {
            key: super::record::key(target),
            name: target.name.clone(),
            url: target.display_url(),
        }
    }

    /// What the past of a target with no rows looks like.
    pub fn nothing(self) -> TargetPast {
        TargetPast {
            key: self.key,
            name: self.name,
            url: self.url,
            hours: Vec::new(),
            counts: [0; 4],
            p50: None,
            p95: None,
            periods: Vec::new(),
            admitted: Admitted::NotAsked,
            notes: Vec::new(),
        }
    }
}

/// The targets the database holds rows of since `since`, by key.
pub fn keys_since(store: &Store, since: SystemTime) -> rusqlite::Result<Vec<String>> {
    // Target by target through the hours' key, rather than a scan of every hour: a few
    // hundred lookups instead of a month of rows.
    let c = store.connection();
    let mut next = c.prepare("SELECT min(target) FROM hours WHERE target > ?1")?;
    let mut recent = c.prepare("SELECT 1 FROM hours WHERE target = ?1 AND hour >= ?2 LIMIT 1")?;
    let hour = millis_of(since).div_euclid(HOUR_MS);
    let mut keys = Vec::new();
    let mut after = String::new();
    while let Some(key) = next.query_row(params![after], |r| r.get::<_, Option<String>>(0))? {
        if recent.exists(params![key, hour])? {
            keys.push(key.clone());
        }
        after = key;
    }
    Ok(keys)
}

/// Reads one target's hours and periods since `since`.
pub fn read(
    store: &Store,
    named: Named,
    since: SystemTime,
    now: SystemTime,
) -> rusqlite::Result<TargetPast> {
    let key = named.key;
    let c = store.connection();
    let mut hours = Vec::new();
    let mut counts = [0u64; 4];
    let mut latencies = Buckets::default();
    {
        let mut statement = c.prepare_cached(
            "SELECT hour, up, degraded, unknown, down, latencies FROM hours
             WHERE target = ?1 AND hour >= ?2 ORDER BY hour",
        )?;
        let since_ms = millis_of(since);
        let mut rows = statement.query(params![key, since_ms.div_euclid(HOUR_MS)])?;
        while let Some(row) = rows.next()? {
            let hour: i64 = row.get(0)?;
            let mut these = [0u64; 4];
            if hour * HOUR_MS < since_ms {
                // The hour the period begins in: only its probes from then on count.
                let mut probes = c.prepare_cached(
                    "SELECT state, latency_ms FROM probes
                     WHERE target = ?1 AND at_ms >= ?2 AND at_ms < ?3",
                )?;
                let mut rows = probes.query(params![key, since_ms, (hour + 1) * HOUR_MS])?;
                while let Some(probe) = rows.next()? {
                    let state = state_of(probe.get_ref(0)?.as_str()?);
                    these[super::state_index(state)] += 1;
                    let latency = probe.get::<_, Option<f64>>(1)?;
                    if let Some(took) =
                        latency.and_then(|ms| Duration::try_from_secs_f64(ms / 1e3).ok())
                    {
                        latencies.add(took);
                    }
                }
                for (total, count) in counts.iter_mut().zip(these) {
                    *total += count;
                }
            } else {
                for (i, count) in these.iter_mut().enumerate() {
                    *count = u64::try_from(row.get::<_, i64>(i + 1)?).unwrap_or(0);
                    counts[i] += *count;
                }
                // Read in place: a month of @all is a hundred thousand of them.
                if let Some(blob) = row.get_ref(5)?.as_blob_or_null()? {
                    latencies.add_bytes(blob);
                }
            }
            hours.push(Hour {
                start: time_of(hour * HOUR_MS),
                counts: these,
            });
        }
    }
    // The probes that were not UP, from the index alone; a period's reason is read once.
    let troubles = {
        let mut statement = c.prepare_cached(
            "SELECT at_ms, state FROM probes
             WHERE target = ?1 AND state <> 'up' AND at_ms >= ?2 AND at_ms <= ?3 ORDER BY at_ms",
        )?;
        let rows = statement.query_map(params![key, millis_of(since), millis_of(now)], |r| {
            Ok(NotUp {
                at: time_of(r.get(0)?),
                state: state_of(r.get_ref(1)?.as_str()?),
                reason: String::new(),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut next_up = c.prepare_cached(
        "SELECT min(at_ms) FROM probes WHERE target = ?1 AND state = 'up' AND at_ms > ?2",
    )?;
    let mut periods = periods::merge(troubles, |after| {
        next_up
            .query_row(params![key, millis_of(after)], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .ok()
            .flatten()
            .map(time_of)
    });
    let mut reason = c.prepare_cached(
        "SELECT reason FROM probes WHERE target = ?1 AND at_ms = ?2 AND state <> 'up' LIMIT 1",
    )?;
    for period in &mut periods {
        period.reason = reason
            .query_row(params![key, millis_of(period.started_at)], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
    }
    // A DEGRADED that the status page alone caused (the service answered well) is the
    // provider's word, not something this machine saw.
    // The words a page that admits trouble is recorded with.
    let admitting = [
        Severity::Maintenance,
        Severity::Minor,
        Severity::Major,
        Severity::Critical,
    ]
    .map(|severity| format!("'{}'", severity_word(severity)))
    .join(", ");
    let mut own_degraded = c.prepare_cached(&format!(
        "SELECT 1 FROM probes WHERE target = ?1 AND at_ms >= ?2 AND at_ms <= ?3
             AND state = 'degraded'
             AND NOT (error_kind IS NULL AND coalesce(page, '') IN ({admitting}))
         LIMIT 1"
    ))?;
    for period in periods
        .iter_mut()
        .filter(|p| !p.own && p.worst == State::Degraded)
    {
        let range = params![
            key,
            millis_of(period.started_at),
            millis_of(period.last_seen_at)
        ];
        period.own = own_degraded.exists(range)?;
    }
    Ok(TargetPast {
        key,
        name: named.name,
        url: named.url,
        hours,
        counts,
        p50: latencies.percentile(0.5),
        p95: latencies.percentile(0.95),
        periods,
        admitted: Admitted::NotAsked,
        notes: Vec::new(),
    })
}

/// The state a row was written with; an unknown word (a newer isitdown's) is UNKNOWN.
fn state_of(word: &str) -> State {
    match word {
        "up" => State::Up,
        "degraded" => State::Degraded,
        "down" => State::Down,
        _ => State::Unknown,
    }
}

/// Whether the target was probed at all between two moments.
pub fn probed_between(
    store: &Store,
    key: &str,
    from: SystemTime,
    to: SystemTime,
) -> rusqlite::Result<bool> {
    store
        .connection()
        .prepare_cached(
            "SELECT 1 FROM probes WHERE target = ?1 AND at_ms BETWEEN ?2 AND ?3 LIMIT 1",
        )?
        .exists(params![key, millis_of(from), millis_of(to)])
}

/// For a watch starting: the target's last state, and since when, if it is not UP.
pub fn trouble_since(store: &Store, key: &str) -> rusqlite::Result<Option<(State, SystemTime)>> {
    let c = store.connection();
    let last: Option<(i64, String)> = c
        .query_row(
            "SELECT at_ms, state FROM probes WHERE target = ?1 ORDER BY at_ms DESC LIMIT 1",
            params![key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((_, state)) = last.filter(|(_, s)| s != "up") else {
        return Ok(None);
    };
    let last_up: Option<i64> = c.query_row(
        "SELECT max(at_ms) FROM probes WHERE target = ?1 AND state = 'up'",
        params![key],
        |r| r.get(0),
    )?;
    let since: Option<i64> = c.query_row(
        "SELECT min(at_ms) FROM probes WHERE target = ?1 AND state <> 'up' AND at_ms > ?2",
        params![key, last_up.unwrap_or(i64::MIN)],
        |r| r.get(0),
    )?;
    Ok(since.map(|at| (state_of(&state), time_of(at))))
}

/// Lines up the outages seen here with the incidents the provider published; `probed(from,
/// to)` says whether this machine probed the target at all between two moments.
pub fn line_up(
    past: &mut TargetPast,
    now: SystemTime,
    probed: impl Fn(SystemTime, SystemTime) -> bool,
) {
    let mut notes = Vec::new();
    let incidents = past.incidents().to_vec();
    let spoken = |i: &PastIncident| {
        (
            i.started_at,
            i.resolved_at.or(i.post.then_some(i.started_at)),
        )
    };
    for (index, period) in past.periods.iter().enumerate() {
        if period.worst == State::Unknown {
            // UNKNOWN is this side's trouble (its connection), not the provider's.
            continue;
        }
        let first_word = incidents
            .iter()
            .filter(|i| {
                let (from, to) = spoken(i);
                period.overlaps(from, to, now)
            })
            .map(PastIncident::first_word)
            .min();
        let silence = match first_word {
            None => period.duration(now),
            Some(at) => at.duration_since(period.started_at).unwrap_or_default(),
        };
        if silence >= SILENCE_WORTH_SAYING {
            notes.push(Disagreement::Silent {
                period: index,
                silence,
            });
        }
    }
    for (index, incident) in incidents.iter().enumerate() {
        if !incident.says_trouble() {
            continue;
        }
        let (from, to) = spoken(incident);
        let during: Vec<&Period> = past
            .periods
            .iter()
            .filter(|p| p.overlaps(from, to, now))
            .collect();
        if during.iter().any(|p| p.own) {
            continue;
        }
        let sight = if during.iter().any(|p| p.worst == State::Unknown) {
            Sight::Blind
        } else if probed(from, to.unwrap_or(now)) {
            Sight::AnsweredWell
        } else {
            Sight::NotProbed
        };
        notes.push(Disagreement::Unseen {
            incident: index,
            sight,
        });
    }
    past.notes = notes;
}

/// JSON Lines: per target a `history` object, then an `outage` object per period and an
/// `incident` object per incident of its page.
pub fn write_json(
    out: &mut dyn Write,
    pasts: &[TargetPast],
    since: SystemTime,
    now: SystemTime,
) -> io::Result<()> {
    for past in pasts {
        let (page, page_error) = match &past.admitted {
            Admitted::NotAsked => (None, None),
            Admitted::NoHistory(url) => (
                Some(url.clone()),
                Some("the page publishes no incident history".to_string()),
            ),
            Admitted::Unreadable(url, why) => (Some(url.clone()), Some(why.clone())),
            Admitted::Incidents(url, _) => (Some(url.clone()), None),
        };
        json_line(
            out,
            &HistoryLine {
                kind: "history",
                target: &past.key,
                name: &past.name,
                url: &past.url,
                since: rfc3339(since),
                until: rfc3339(now),
                probes: past.probes(),
                up: past.counts[0],
                degraded: past.counts[1],
                unknown: past.counts[2],
                down: past.counts[3],
                availability_pct: past.availability().map(|a| (a * 1000.0).round() / 1000.0),
                latency_ms: past.p50.zip(past.p95).map(|(p50, p95)| Percentiles {
                    p50: crate::report::millis(p50),
                    p95: crate::report::millis(p95),
                }),
                outages: past.periods.len(),
                incidents: past.incidents().len(),
                status_page: page,
                status_page_error: page_error,
            },
        )?;
        for (index, period) in past.periods.iter().enumerate() {
            json_line(
                out,
                &OutageLine {
                    kind: "outage",
                    target: &past.key,
                    name: &past.name,
                    started_at: rfc3339(period.started_at),
                    ended_at: period.ended_at.map(rfc3339),
                    last_seen_at: rfc3339(period.last_seen_at),
                    duration_s: period.duration(now).as_secs(),
                    state: period.worst,
                    reason: &period.reason,
                    probes: period.probes,
                    provider_silent_s: past.silence_of(index).map(|s| s.as_secs()),
                },
            )?;
        }
        for (index, incident) in past.incidents().iter().enumerate() {
            json_line(
                out,
                &IncidentLine {
                    kind: "incident",
                    target: &past.key,
                    name: &past.name,
                    title: &incident.name,
                    impact: incident.impact.as_deref(),
                    started_at: rfc3339(incident.started_at),
                    resolved_at: incident.resolved_at.map(rfc3339),
                    url: incident.url.as_deref(),
                    post: incident.post,
                    seen_here: match past.unseen(index) {
                        Some(Sight::AnsweredWell) => Some(false),
                        Some(Sight::NotProbed | Sight::Blind) => None,
                        None if !incident.says_trouble() => None,
                        None => Some(true),
                    },
                },
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct HistoryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: &'a str,
    name: &'a str,
    url: &'a str,
    since: String,
    until: String,
    probes: u64,
    up: u64,
    degraded: u64,
    unknown: u64,
    down: u64,
    availability_pct: Option<f64>,
    latency_ms: Option<Percentiles>,
    outages: usize,
    incidents: usize,
    status_page: Option<String>,
    status_page_error: Option<String>,
}

#[derive(Serialize)]
struct Percentiles {
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct OutageLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: &'a str,
    name: &'a str,
    started_at: String,
    ended_at: Option<String>,
    last_seen_at: String,
    duration_s: u64,
    state: State,
    reason: &'a str,
    probes: u64,
    provider_silent_s: Option<u64>,
}

#[derive(Serialize)]
struct IncidentLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    target: &'a str,
    name: &'a str,
    title: &'a str,
    impact: Option<&'a str>,
    started_at: String,
    resolved_at: Option<String>,
    url: Option<&'a str>,
    post: bool,
    seen_here: Option<bool>,
}
