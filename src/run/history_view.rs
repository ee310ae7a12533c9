//! `--history`: what the database holds for each target over `--since`, the incidents its
//! status page published over the same time (read in parallel, a few pages at a time), lined
//! up, and written as a timeline for people or JSON Lines.

use std::io::{self, Write};
use std::time::{Duration, Instant, SystemTime};

use crate::cli::settings::Settings;
use crate::exit::BadInput;
use crate::history::store::Store;
use crate::history::timeline;
use crate::history::view::{self, Admitted, Named};
use crate::probe::Client;
use crate::report::Format;
use crate::status_page::past::{self, PastIncident};
use crate::status_page::Source;
use crate::target::catalog::Catalog;
use crate::target::Target;
use crate::text::clock::Clock;

/// Status pages read at once.
const PAGES_AT_ONCE: usize = 8;

pub fn show(
    settings: &Settings,
    client: &Client,
    targets: &[Target],
    since: Duration,
    catalog: &Catalog,
) -> anyhow::Result<u8> {
    let now = SystemTime::now();
    let from = now.checked_sub(since).unwrap_or(std::time::UNIX_EPOCH);
    let Some(path) = &settings.history.path else {
        return Err(BadInput::new(
            "there is no home folder to find the history in: set [history] path in the config file",
        )
        .into());
    };
    let store = Store::open_for_reading(path).map_err(|t| anyhow::anyhow!(t.reading()))?;
    // With no targets named: every one the database holds rows of, named by the catalog
    // where it knows them.
    let targets: Vec<(Named, Option<Target>)> = if targets.is_empty() {
        let keys = match &store {
            Some(store) => view::keys_since(store, from)
                .map_err(|e| anyhow::anyhow!(crate::history::store::trouble(path, &e).reading()))?,
            None => Vec::new(),
        };
        keys.into_iter()
            .map(|key| match crate::target::resolve(&key, catalog) {
                Ok(target) => (Named::of(&target), Some(target)),
                Err(_) => (
                    Named {
                        name: key.clone(),
                        url: key.clone(),
                        key,
                    },
                    None,
                ),
            })
            .collect()
    } else {
        targets
            .iter()
            .map(|t| (Named::of(t), Some(t.clone())))
            .collect()
    };
    let mut pasts = Vec::new();
    for (named, _) in &targets {
        let past = match &store {
            Some(store) => view::read(store, named.clone(), from, now)
                .map_err(|e| anyhow::anyhow!(crate::history::store::trouble(path, &e).reading()))?,
            None => named.clone().nothing(),
        };
        pasts.push(past);
    }
    if settings.status_page {
        let admitted = admitted(client, &targets, from, now);
        for (past, admitted) in pasts.iter_mut().zip(admitted) {
            past.admitted = admitted;
            if matches!(past.admitted, Admitted::Incidents(..)) {
                let key = past.key.clone();
                view::line_up(past, now, |from, to| {
                    store.as_ref().is_some_and(|store| {
                        view::probed_between(store, &key, from, to).unwrap_or(false)
                    })
                });
            }
        }
    }
    if settings.output.quiet {
        return Ok(0);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = match settings.output.format {
        Format::Json => view::write_json(&mut out, &pasts, from, now),
        _ if pasts.is_empty() => writeln!(
            out,
            "Nothing recorded since {}: isitdown records each check in {}",
            Clock::local().moment(from, now),
            crate::text::sanitize::for_terminal(&path.display().to_string())
        ),
        _ => {
            let width = crate::text::columns::of_stdout();
            timeline::write(&mut out, &pasts, since, now, &Clock::local(), width)
        }
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        other => other.map(|()| 0).map_err(Into::into),
    }
}

/// Each target's incidents over the period, as its page published them; pages read a few at
/// a time, each within the probe deadline.
fn admitted(
    client: &Client,
    targets: &[(Named, Option<Target>)],
    from: SystemTime,
    now: SystemTime,
) -> Vec<Admitted> {
    let mut admitted = Vec::with_capacity(targets.len());
    for chunk in targets.chunks(PAGES_AT_ONCE) {
        std::thread::scope(|scope| {
            let readings: Vec<_> = chunk
                .iter()
                .map(|(_, target)| {
                    scope.spawn(move || one_page(client, target.as_ref(), from, now))
                })
                .collect();
            for reading in readings {
                admitted.push(reading.join().unwrap_or(Admitted::NotAsked));
            }
        });
    }
    admitted
}

fn one_page(
    client: &Client,
    target: Option<&Target>,
    from: SystemTime,
    now: SystemTime,
) -> Admitted {
    let Some(service) = target.and_then(|t| t.service.as_ref()) else {
        return Admitted::NotAsked;
    };
    let Some(source) = Source::of(service) else {
        return Admitted::NotAsked;
    };
    let url = crate::text::redact::redact_typed(&source.page_url);
    if !past::has_past(&source) {
        return Admitted::NoHistory(url);
    }
    match past::read_past(client, &source, service, Instant::now() + client.timeout) {
        Ok(incidents) => {
            let within = |i: &PastIncident| {
                i.started_at <= now && i.resolved_at.is_none_or(|end| end >= from)
            };
            let mut incidents: Vec<_> = incidents.into_iter().filter(within).collect();
            // Oldest first, as the outages are.
            incidents.sort_by_key(|i| i.started_at);
            Admitted::Incidents(url, incidents)
        }
        Err(error) => Admitted::Unreadable(url, error.to_string()),
    }
}
