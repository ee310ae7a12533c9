//! Checking one target once: its probe, with its status page read alongside, the user's
//! connection checked when a public target fails, and, with `--from`, the same probe made from
//! elsewhere at the same time; all of it judged into an [`Outcome`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::elsewhere::globalping::{self, Elsewhere};
use crate::elsewhere::pace::{self, Pace};
use crate::elsewhere::{FromElsewhere, Job, Probes};
use crate::engine::alarm::{Alarm, Alarms};
use crate::engine::pool::{Capacity, Pool, Task};
use crate::just_me::connectivity::{self, Asking, Connectivity, Reference};
use crate::just_me::public_dns::PublicDns;
use crate::probe::dns::locality;
use crate::probe::{self, Client, Response};
use crate::status_page::{self, Indexed, PageError, Source};
use crate::target::Target;
use crate::verdict::{self, Context, Criteria, Sibling, State, Verdict};

/// The first pause before a retry; each further one is twice as long, up to eight times.
const RETRY_PAUSE: Duration = Duration::from_millis(250);
/// A connection check left less time than this before the verdict is due is not begun: it
/// could only find its own silence and call the connection down.
const LEAST_FOR_A_CHECK: Duration = Duration::from_millis(100);
/// What a task that gave up at its own deadline may need to hand over its words (a page's
/// "no answer within 2 s"), past the verdict's deadline.
const HAND_OVER: Duration = Duration::from_millis(50);

/// One target's probe and the rules to judge it by.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Arc<Target>,
    pub request: probe::Request,
    pub criteria: Criteria,
    /// Where its provider reports its status, when it has a readable page and it is wanted.
    pub status_source: Option<status_page::Source>,
    /// Sibling probes of the same provider (the row's `also`), made alongside the probe.
    pub also: Vec<probe::Request>,
}

/// One probe of one target, judged.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub target: Arc<Target>,
    /// 1-based, per target.
    pub seq: u32,
    /// Probes sent for this outcome: 1, plus the `--retries` used while it was down.
    pub tries: u32,
    pub seen: Response,
    /// What the provider's status page says about it, when it was read.
    pub status_page: Option<status_page::Report>,
    /// The row's sibling probes, each judged on its own, in the row's order.
    pub also: Vec<Sibling>,
    /// What the reference endpoints said, when the target failed and the check ran.
    pub connectivity: Option<Connectivity>,
    pub verdict: Verdict,
    /// What the places elsewhere found, when they were asked on this probe.
    pub elsewhere: Option<Elsewhere>,
}

/// Whether a probe is also made from elsewhere (with `--from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// At the same time as the probe from here (a target's first probe), unless the API
    /// refused this run for its rate limit and has not reset yet.
    Alongside,
    /// Once the probe from here is judged, if the run's [`Pace`] allows: its state changed
    /// since the last measurement, at least [`pace::MIN_INTERVAL`] ago, and the API is not
    /// closed by its rate limit. Repeated runs ask again on a change, not on every probe.
    Again,
}

/// What one check is busy with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Queued,
    /// The probe itself (the status page is read at the same time).
    Probing,
    CheckingConnection,
    /// The probe is done; its status page is not.
    ReadingStatusPage,
    Done,
}

const STEPS: [Step; 5] = [
    Step::Queued,
    Step::Probing,
    Step::CheckingConnection,
    Step::ReadingStatusPage,
    Step::Done,
];

/// Every plan's current step, set by the checks as they go and read by whoever shows progress.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    steps: Vec<AtomicU8>,
}

impl Progress {
    pub fn new(plans: usize) -> Progress {
        Progress {
            started: Instant::now(),
            steps: (0..plans).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    pub fn set(&self, plan: usize, step: Step) {
        if let Some(cell) = self.steps.get(plan) {
            let at = STEPS.iter().position(|s| *s == step).unwrap_or(0);
            cell.store(at as u8, Ordering::Relaxed);
        }
    }

    /// Each plan's step, in plan order.
    pub fn steps(&self) -> Vec<Step> {
        self.steps
            .iter()
            .map(|cell| STEPS[usize::from(cell.load(Ordering::Relaxed)).min(STEPS.len() - 1)])
            .collect()
    }

    /// How long since the run began.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// How every target is checked: the client, retries, the connectivity references (none: no
/// connectivity check), the public DNS resolvers asked beside them (none: never), and where
/// else to probe from.
#[derive(Debug, Clone)]
pub struct Checks {
    pub client: Client,
    pub retries: u32,
    pub references: Vec<Reference>,
    pub from: Option<FromElsewhere>,
    pub dns: Vec<String>,
    /// How many workers the run may have.
    pub capacity: Capacity,
}

/// Checks targets. What checks share: each status page is read once however many services it
/// speaks for, and the connection is checked once however many targets fail; in repeated runs,
/// both are read again once they are older than `fresh_for`. Pages, reference endpoints and
/// public DNS are asked on the same workers as the probes.
pub struct Checker {
    checks: Arc<Checks>,
    pool: Pool,
    pages: Shared<Source, Task<Arc<Result<Indexed, PageError>>>>,
    connectivity: Shared<(), Arc<Asking>>,
    /// How often the shared Globalping service has been asked in this run.
    pace: Mutex<Pace>,
    /// When a probe is still silent late into its deadline, its user's side is asked early.
    alarms: Alarms,
}

/// What a silent probe's alarm started on the user's side before the probe ended.
#[derive(Default)]
enum Early {
    #[default]
    NotYet,
    /// The probe ended first: too late to start anything early.
    Over,
    Started {
        asking: Arc<Asking>,
        public_dns: Option<Task<Option<PublicDns>>>,
    },
}

/// How long a probe may stay silent before its connection check starts anyway: long enough
/// that almost every answer has begun, and early enough that the references get their own
/// deadline before the verdict is due (half the probe's deadline when it is short).
fn early_mark(timeout: Duration) -> Duration {
    timeout
        .saturating_sub(connectivity::REFERENCE_DEADLINE)
        .max(timeout / 2)
}

/// Values computed at most once per key, by whoever asks first while later askers wait, and
/// computed again once older than `fresh_for` (`None`: never).
struct Shared<K, V> {
    fresh_for: Option<Duration>,
    entries: Mutex<HashMap<K, Cached<V>>>,
}

/// When a value was first asked for, and the value once computed.
type Cached<V> = (Instant, Arc<OnceLock<V>>);

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

impl Checker {
    /// `fresh_for`: how long a status page or connectivity answer is reused (`None`: for good).
    pub fn new(checks: Arc<Checks>, fresh_for: Option<Duration>) -> Checker {
        Checker {
            pool: Pool::new(checks.capacity),
            pages: Shared::new(fresh_for),
            connectivity: Shared::new(fresh_for),
            pace: Mutex::new(
                checks
                    .from
                    .as_ref()
                    .map_or_else(Pace::default, |from| Pace::every(from.min_interval)),
            ),
            alarms: Alarms::new(),
            checks,
        }
    }

    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The reading of a status page, started by the first target that needs it: fetched,
    /// parsed and indexed within its deadline, and shared by every service it speaks for.
    fn page(&self, source: &Source) -> Task<Arc<Result<Indexed, PageError>>> {
        self.pages.get(source.clone(), || {
            let (checks, source, asked) = (self.checks.clone(), source.clone(), Instant::now());
            self.pool.spawn_urgent(move || {
                Arc::new(status_page::read_indexed(&checks.client, &source, asked))
            })
        })
    }

    /// The references' answers, asked once for every target that needs them (within `until`
    /// when this one is the first to ask).
    fn asking(&self, until: Instant) -> Arc<Asking> {
        let checks = &self.checks;
        self.connectivity.get((), || {
            connectivity::ask_references(&checks.client, &checks.references, until, &|job| {
                self.pool.spawn_urgent(job);
            })
        })
    }

    /// Public DNS asked about `host` within `until`, on a worker.
    fn public_dns(&self, host: &str, until: Instant) -> Task<Option<PublicDns>> {
        let (checks, host) = (self.checks.clone(), host.to_string());
        self.pool.spawn_urgent(move || {
            connectivity::ask_public_dns(&checks.client, &checks.dns, &host, until)
        })
    }

    /// The pool this checker's work runs on, for running checks on it too.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Whether a failed probe should ask if the user's own connection works.
    fn wants_connectivity(&self, plan: &Plan, seen: &Response) -> bool {
        // Every failure a probe reports is the network's (answers it disliked are the
        // verdict's), but for a shortage of this machine's own and a failure of the user's
        // proxy, which say nothing about it.
        let network_failure = seen
            .failure
            .as_ref()
            .is_some_and(|f| !matches!(f.kind, probe::ErrorKind::Local | probe::ErrorKind::Proxy));
        network_failure && self.may_check_connection(&plan.target.url, seen.address)
    }

    /// Whether a connection check can be made for `url` (reached at `address`, when known):
    /// there are references to ask, and the target is public.
    fn may_check_connection(&self, url: &url::Url, address: Option<std::net::SocketAddr>) -> bool {
        !self.checks.references.is_empty() && connectivity::is_public(url, address.map(|a| a.ip()))
    }

    /// `url`'s host, when public DNS can be asked about it: resolvers are configured and it is
    /// a public name.
    fn public_dns_host<'u>(&self, url: &'u url::Url) -> Option<&'u str> {
        url.host_str()
            .filter(|host| !self.checks.dns.is_empty() && locality::is_public_name(host))
    }

    /// The name to ask public DNS about, when the system resolver could not resolve it (or
    /// timed out) and it
    /// is a public name: a DNS filter's answer or a name pinned with `--resolve` is no question.
    fn wants_public_dns<'p>(&self, plan: &'p Plan, seen: &Response) -> Option<&'p str> {
        let failure = seen.failure.as_ref()?;
        let dns_failed = (failure.kind == probe::ErrorKind::Dns || failure.resolver_failed)
            && !failure.on_your_side;
        self.public_dns_host(&plan.target.url)
            .filter(|_| dns_failed)
    }

    /// The connection check, with public DNS asked at the same time when it has a question,
    /// both done by `due`: begun now, or taken over from what the probe's alarm began early.
    /// `None` when too little time is left to begin.
    fn your_side(
        &self,
        plan: &Plan,
        seen: &Response,
        early: Early,
        due: Instant,
    ) -> Option<Connectivity> {
        let until = connectivity::until(due);
        let (asking, early_dns) = match early {
            Early::Started { asking, public_dns } => (asking, public_dns),
            _ if until < Instant::now() + LEAST_FOR_A_CHECK => return None,
            _ => (self.asking(until), None),
        };
        let public_dns = match (self.wants_public_dns(plan, seen), early_dns) {
            (Some(_), Some(asked)) => Some(asked),
            (Some(host), None) => Some(self.public_dns(host, until)),
            (None, _) => None,
        };
        let mut connectivity = asking.wait(due);
        connectivity.public_dns = public_dns
            .and_then(|asked| asked.join_by(due + HAND_OVER))
            .flatten();
        Some(connectivity)
    }

    /// Sets the alarm that begins the user's side early if the probe watched by `watch`, due
    /// by `due` after `timeout`, is still silent at its mark; `None` when no connection check
    /// could be wanted.
    fn alarm_for(
        self: &Arc<Self>,
        plan: &Plan,
        watch: &probe::Watch,
        early: &Arc<Mutex<Early>>,
        (due, timeout): (Instant, Duration),
    ) -> Option<Alarm> {
        let url = &plan.target.url;
        if !self.may_check_connection(url, None) {
            return None;
        }
        let started = due - timeout;
        let host = self.public_dns_host(url).map(str::to_string);
        let (checker, watch, early) = (Arc::downgrade(self), watch.clone(), early.clone());
        Some(self.alarms.set(started + early_mark(timeout), move || {
            let Some(checker) = checker.upgrade() else {
                return;
            };
            let mut early = early.lock().unwrap_or_else(|p| p.into_inner());
            if !matches!(*early, Early::NotYet) || !watch.silent() {
                return;
            }
            let until = connectivity::until(due);
            let public_dns = host
                .filter(|_| watch.resolving())
                .map(|host| checker.public_dns(&host, until));
            *early = Early::Started {
                asking: checker.asking(until),
                public_dns,
            };
        }))
    }

    /// Probes a target (again up to `retries` times while it is down) with its status page
    /// read at the same time, checks the connection if it failed, and judges it; with
    /// `--from`, asks from elsewhere as `ask` says.
    ///
    /// Everything the verdict waits for is done by the probe's deadline (`-t`): the status
    /// page, and the connection check, which begins early when the probe is still silent late
    /// into its deadline. Only the places elsewhere have a window of their own.
    pub fn check(self: &Arc<Self>, plan: &Plan, seq: u32, ask: Ask) -> Outcome {
        self.check_noting(plan, seq, ask, &|_| {})
    }

    /// [`Checker::check`], telling `note` each step as it begins.
    pub fn check_noting(
        self: &Arc<Self>,
        plan: &Plan,
        seq: u32,
        ask: Ask,
        note: &dyn Fn(Step),
    ) -> Outcome {
        let from = self.checks.from.as_ref();
        note(Step::Probing);
        let reading = plan.status_source.as_ref().map(|source| self.page(source));
        let started = Instant::now();
        let closed = self.pace().closed_for(started);
        let measuring = from
            .filter(|_| ask == Ask::Alongside && closed.is_none())
            .map(|from| {
                let (from, plan) = (from.clone(), plan.clone());
                self.pool
                    .spawn_urgent(move || measure_elsewhere(&from, &plan, Probes::Fresh))
            });
        // Siblings go at the same time as the probe: they are needed when a wall answers it.
        let siblings: Vec<_> = plan
            .also
            .iter()
            .map(|request| {
                let (checks, mut request) = (self.checks.clone(), request.clone());
                let until = started + request.timeout.unwrap_or(checks.client.timeout);
                self.pool.spawn_urgent(move || {
                    // One that waited for a worker has only what is left of its deadline.
                    request.timeout = Some(left_until(until));
                    probe::send(&checks.client, &request)
                })
            })
            .collect();
        let criteria = &plan.criteria;
        let timeout = plan.request.timeout.unwrap_or(self.checks.client.timeout);
        let mut attempt = 0;
        // Each attempt has the whole deadline; the last one's is the verdict's.
        let (seen, early, due) = loop {
            let due = Instant::now() + timeout;
            let (watch, early) = (probe::Watch::default(), Arc::default());
            let alarm = self.alarm_for(plan, &watch, &early, (due, timeout));
            let seen = probe::send_watched(&self.checks.client, &plan.request, &watch);
            drop(alarm);
            let early = std::mem::replace(
                &mut *early.lock().unwrap_or_else(|p| p.into_inner()),
                Early::Over,
            );
            let judged = verdict::judge(&seen, criteria, Context::default(), SystemTime::now());
            if judged.state != State::Down || attempt >= self.checks.retries {
                break (seen, early, due);
            }
            // A blip gets a moment to pass: 250 ms, then twice as long each time, at most 2 s.
            thread::sleep(RETRY_PAUSE.saturating_mul(1 << attempt.min(3)));
            attempt += 1;
        };
        // The connection check runs while the page is still being read, and both are done by
        // the deadline.
        let connectivity = match self.wants_connectivity(plan, &seen) {
            true => {
                note(Step::CheckingConnection);
                self.your_side(plan, &seen, early, due)
            }
            false => None,
        };
        if reading.is_some() {
            note(Step::ReadingStatusPage);
        }
        let status_page = plan
            .status_source
            .as_ref()
            .zip(reading)
            .zip(plan.target.service.as_ref())
            .map(|((source, reading), service)| {
                let page = reading
                    .join_by(due + HAND_OVER)
                    .unwrap_or_else(|| Arc::new(Err(PageError::Late(timeout))));
                // Narrowed once per page read and service, however many probes ask.
                status_page::report(source, &page, service)
            });
        let also: Vec<Sibling> = plan
            .also
            .iter()
            .zip(siblings)
            .map(|(request, sent)| {
                let seen = sent.join_by(due + HAND_OVER).unwrap_or_else(lost);
                sibling(request, seen, criteria)
            })
            .collect();
        let context = Context {
            page: status_page.as_ref(),
            connectivity: connectivity.as_ref(),
            name: &plan.target.name,
            host: plan.target.url.host_str().unwrap_or_default(),
            also: &also,
        };
        let mut verdict = verdict::judge(&seen, criteria, context, SystemTime::now());
        let key = plan.request.url.as_str();
        let mut elsewhere = match (from, measuring, ask) {
            (Some(from), Some(measuring), _) => {
                let answer = measuring.join().unwrap_or_else(|| {
                    Elsewhere::failed(from.probes(), "the measurement stopped early")
                });
                let answer = follow_redirects(from, plan, &seen, answer);
                self.pace().asked(key, verdict.state, started, &answer);
                Some(answer)
            }
            (Some(from), None, Ask::Alongside) => {
                let left = closed.unwrap_or_default();
                Some(pace::closed(from.probes(), left))
            }
            (Some(from), None, Ask::Again) => {
                let now = Instant::now();
                let again = self.pace().claim(key, verdict.state, now);
                let first = self.pace().first_measurement(key);
                again.then(|| {
                    let probes = first.as_deref().map_or(Probes::Fresh, Probes::Again);
                    let answer = measure_elsewhere(from, plan, probes);
                    let answer = follow_redirects(from, plan, &seen, answer);
                    self.pace().asked(key, verdict.state, now, &answer);
                    answer
                })
            }
            (None, _, _) => None,
        };
        if let Some(elsewhere) = &mut elsewhere {
            if let Some(near) = &mut elsewhere.near {
                // A service by its name ("not ChatGPT"), a URL by its host.
                let name = match &plan.target.service {
                    Some(_) => plan.target.name.as_str(),
                    None => plan.target.url.host_str().unwrap_or(&plan.target.name),
                };
                near.decide(verdict.state, name);
            }
            verdict.reason.elsewhere = Some(globalping::fuse(verdict.state, elsewhere));
        }
        let outcome = Outcome {
            target: plan.target.clone(),
            seq,
            tries: attempt + 1,
            seen,
            status_page,
            also,
            connectivity,
            verdict,
            elsewhere,
        };
        note(Step::Done);
        outcome
    }
}

/// A sibling probe judged on its own: by the row's rules of speed and certificates, but not its
/// `expect` or `contains`, which are the main probe's (any answer a sibling gives is its
/// servers answering).
fn sibling(request: &probe::Request, seen: Response, criteria: &Criteria) -> Sibling {
    let criteria = Criteria {
        expect: None,
        contains: None,
        ..criteria.clone()
    };
    let host = request.url.host_str().unwrap_or_default().to_string();
    let context = Context {
        host: &host,
        ..Context::default()
    };
    let verdict = verdict::judge(&seen, &criteria, context, SystemTime::now());
    Sibling {
        url: crate::text::redact::redact(&request.url),
        host,
        seen,
        verdict,
    }
}

/// The time left until `until`, a millisecond at least: a request begun past it fails at once.
fn left_until(until: Instant) -> Duration {
    until
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

/// What a sibling probe whose worker was lost saw: nothing, said as much (a shortage of this
/// machine's, which is never the service's fault).
fn lost() -> Response {
    Response::failed(probe::Failure::yours(
        probe::ErrorKind::Local,
        "the sibling probe stopped early",
    ))
}

/// Measures the plan's request from elsewhere, judged as from here. A catalog row that
/// prefers HEAD falls back to GET from here when HEAD is refused or walled; elsewhere it is
/// asked with GET at once (the probes read at most the body's first 10 kB), so that one
/// measurement gives the answer the probe from here ends with.
fn measure_elsewhere(from: &FromElsewhere, plan: &Plan, probes: Probes) -> Elsewhere {
    measure_url(from, plan, &plan.request.url, probes)
}

fn measure_url(from: &FromElsewhere, plan: &Plan, url: &url::Url, probes: Probes) -> Elsewhere {
    let request = &plan.request;
    let method = match request.head_falls_back_to_get {
        true => probe::Method::Get,
        false => request.method,
    };
    from.ask(&Job {
        url,
        method,
        expect: plan.criteria.expect.as_ref(),
        cert_warn: plan.criteria.cert_warn,
        probes,
    })
}

/// Probes elsewhere never follow redirects; the probe from here does. When places got a
/// redirect and the probe from here went on to another URL, that URL is measured there too,
/// on the same probes, and is the answer from elsewhere (`measured_url` says which it is).
fn follow_redirects(
    from: &FromElsewhere,
    plan: &Plan,
    seen: &Response,
    first: Elsewhere,
) -> Elsewhere {
    let Some(id) = first.measurement.clone().filter(|_| first.redirected()) else {
        return first;
    };
    let ended_on = seen
        .redirects
        .last()
        .and_then(|hop| url::Url::parse(&hop.to).ok())
        .filter(|url| *url != plan.request.url);
    let Some(ended_on) = ended_on else {
        return first;
    };
    let mut then = measure_url(from, plan, &ended_on, Probes::SameAs(&id));
    if then.places.is_empty() {
        return first;
    }
    then.measured_url = Some(crate::text::redact::redact_typed(ended_on.as_str()));
    then
}

#[cfg(test)]
impl Outcome {
    /// `url` answered `status` in `millis` at second 1,700,000,000, judged `state`.
    pub(crate) fn sample(url: &str, status: u16, millis: u64, state: State) -> Outcome {
        Outcome {
            target: Arc::new(
                crate::target::resolve(url, &crate::target::catalog::Catalog::default()).unwrap(),
            ),
            seq: 1,
            tries: 1,
            seen: crate::probe::Response::answered(status, Duration::from_millis(millis)),
            status_page: None,
            also: Vec::new(),
            connectivity: None,
            elsewhere: None,
            verdict: Verdict {
                state,
                reason: crate::verdict::Reason::answered(status.to_string()),
                error: None,
            },
        }
    }
}
