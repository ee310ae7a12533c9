//! Probing every target once, concurrently, with its status page read alongside and the user's
//! connection checked when a public target fails; reported in argument order as results arrive.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::connectivity::{self, Connectivity};
use crate::probe::{self, Observation};
use crate::report::{Outcome, Reporter};
use crate::settings::{Plan, Settings};
use crate::status_page::{self, Page, Source};
use crate::verdict::{self, Context, State};

/// The first pause before a retry; each further one is twice as long, up to eight times.
const RETRY_PAUSE: Duration = Duration::from_millis(250);

/// More targets than this are probed in waves of this many at once.
const MAX_PARALLEL: usize = 64;

/// What probes share: each status page is read once however many services it speaks for, and
/// the connection is checked once however many targets fail; in repeated runs, both are read
/// again once they are older than `fresh_for`.
pub struct Round {
    settings: Arc<Settings>,
    pages: Shared<Source, Result<Page, String>>,
    connectivity: Shared<(), Connectivity>,
}

/// Values computed at most once per key, by whoever asks first while later askers wait, and
/// computed again once older than `fresh_for` (`None`: never).
struct Shared<K, V> {
    fresh_for: Option<Duration>,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

/// When a value was first asked for, and the value once computed.
type Entry<V> = (Instant, Arc<OnceLock<V>>);

impl<K: Eq + std::hash::Hash, V: Clone> Shared<K, V> {
    fn new(fresh_for: Option<Duration>) -> Self {
        Shared {
            fresh_for,
            entries: Mutex::default(),
        }
    }

    fn get(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let entry = entries
                .entry(key)
                .or_insert_with(|| (Instant::now(), Arc::default()));
            if self
                .fresh_for
                .is_some_and(|limit| entry.0.elapsed() > limit)
            {
                *entry = (Instant::now(), Arc::default());
            }
            entry.1.clone()
        };
        // Computed outside the lock: other keys need not wait for this one.
        cell.get_or_init(compute).clone()
    }
}

impl Round {
    /// `fresh_for`: how long a status page or connectivity answer is reused (`None`: for good).
    pub fn new(settings: Arc<Settings>, fresh_for: Option<Duration>) -> Round {
        Round {
            settings,
            pages: Shared::new(fresh_for),
            connectivity: Shared::new(fresh_for),
        }
    }

    fn page(&self, source: &Source) -> Result<Page, String> {
        self.pages.get(source.clone(), || {
            status_page::read(&self.settings.client, source)
        })
    }

    fn connectivity(&self) -> Connectivity {
        let settings = &self.settings;
        self.connectivity.get((), || {
            connectivity::check(&settings.client, &settings.references)
        })
    }

    /// Whether a failed probe should ask if the user's own connection works.
    fn wants_connectivity(&self, plan: &Plan, seen: &Observation) -> bool {
        let network_failure = seen.failure.as_ref().is_some_and(|f| f.kind.is_network());
        self.settings.connectivity_check
            && !self.settings.references.is_empty()
            && network_failure
            && connectivity::is_public(&plan.target.url, seen.address.map(|a| a.ip()))
    }

    /// Probes a target (again up to `retries` times while it is down) with its status page
    /// read at the same time, and judges it.
    pub fn probe_target(&self, plan: &Plan, seq: u32) -> Outcome {
        thread::scope(|scope| {
            let reading = plan
                .status_source
                .as_ref()
                .map(|source| (source, scope.spawn(move || self.page(source))));
            let criteria = &plan.criteria;
            let mut attempt = 0;
            let seen = loop {
                let seen = probe::probe(&self.settings.client, &plan.request);
                let judged = verdict::judge(&seen, criteria, Context::default(), SystemTime::now());
                if judged.state != State::Down || attempt >= self.settings.retries {
                    break seen;
                }
                // A blip gets a moment to pass: 250 ms, then twice as long each time, at most 2 s.
                thread::sleep(RETRY_PAUSE.saturating_mul(1 << attempt.min(3)));
                attempt += 1;
            };
            let status_page =
                reading
                    .zip(plan.target.service.as_ref())
                    .map(|((source, reading), service)| {
                        let page = reading
                            .join()
                            .unwrap_or_else(|_| Err("the status page could not be read".into()));
                        status_page::report(source, page, service)
                    });
            let connectivity = self
                .wants_connectivity(plan, &seen)
                .then(|| self.connectivity());
            let context = Context {
                page: status_page.as_ref(),
                connectivity: connectivity.as_ref(),
                name: &plan.target.name,
            };
            let verdict = verdict::judge(&seen, criteria, context, SystemTime::now());
            Outcome {
                target: plan.target.clone(),
                seq,
                seen,
                status_page,
                connectivity,
                verdict,
            }
        })
    }
}

/// Probes every plan concurrently; the reporter sees them in order, each as soon as it and
/// every one before it is done. A failing reporter (a closed stdout) stops the reporting, not
/// the probing; its error is returned with the outcomes.
pub fn probe_all(
    settings: Arc<Settings>,
    plans: &[Plan],
    reporter: &mut dyn Reporter,
) -> (Vec<Outcome>, io::Result<()>) {
    let round = Round::new(settings, None);
    let (sender, receiver) = mpsc::channel();
    let next_plan = AtomicUsize::new(0);
    let mut outcomes = Vec::with_capacity(plans.len());
    let mut reported: io::Result<()> = Ok(());
    thread::scope(|scope| {
        for _ in 0..plans.len().min(MAX_PARALLEL) {
            let sender = sender.clone();
            let (next_plan, round) = (&next_plan, &round);
            scope.spawn(move || loop {
                let index = next_plan.fetch_add(1, Ordering::Relaxed);
                let Some(plan) = plans.get(index) else { break };
                if sender.send((index, round.probe_target(plan, 1))).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        for (index, outcome) in receiver {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&outcomes.len()) {
                if reported.is_ok() {
                    reported = reporter.probe(&outcome);
                }
                outcomes.push(outcome);
            }
        }
    });
    (outcomes, reported)
}
