//! The history: every probe recorded in a SQLite file (unless told not to), and read back as a
//! timeline of what this machine saw beside what the provider admitted (`--history`).
//!
//! Recording never costs a check: a database that is locked, read-only, full or damaged gives
//! one line on stderr, and the run goes on with its output and exit code unchanged.

mod latency;
pub mod periods;
mod prune;
pub mod record;
pub mod store;
pub mod timeline;
pub mod view;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::engine::check::{Outcome, Progress};
use crate::engine::history::History;
use crate::engine::{Sink, Stop};
use crate::target::Target;
use crate::verdict::State;

use record::ProbeRow;
use store::{Store, Trouble};

/// `[history] keep` when not given.
pub const DEFAULT_KEEP: Duration = Duration::from_secs(90 * 86_400);
/// `[history] max_mb` when not given.
pub const DEFAULT_MAX_MB: u64 = 256;
/// A repeated run writes what it saw at most this often, in one transaction...
const BATCH_EVERY: Duration = Duration::from_secs(1);
/// ...or as soon as this many probes wait, so that the rows waiting take little memory however
/// many targets a watch has.
const BATCH_ROWS: usize = 1000;
/// Rows waiting to be written at most; past it (a database that keeps failing) the newest wait
/// and the count of those dropped is told.
const MAX_PENDING: usize = 50_000;

/// What is kept, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub keep: Duration,
    pub max_bytes: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep: DEFAULT_KEEP,
            max_bytes: DEFAULT_MAX_MB * 1024 * 1024,
        }
    }
}

/// `[history]` and `--no-record`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keeping {
    pub record: bool,
    /// None when no place for it can be found (no home folder).
    pub path: Option<PathBuf>,
    pub limits: Retention,
}

/// Where the history lives unless `[history] path` says: `$XDG_STATE_HOME/isitdown/`, else
/// `~/.local/state/isitdown/` on Unix; the platform's own place for an application's data on
/// macOS and Windows.
pub fn default_path() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    const FILE: &str = "history.sqlite3";
    if let Some(state) = env("XDG_STATE_HOME").filter(|p| p.is_absolute()) {
        return Some(state.join("isitdown").join(FILE));
    }
    if cfg!(windows) {
        return env("LOCALAPPDATA").map(|base| base.join("isitdown").join(FILE));
    }
    let home = env("HOME")?;
    if cfg!(target_os = "macos") {
        return Some(
            home.join("Library/Application Support")
                .join("isitdown")
                .join(FILE),
        );
    }
    Some(home.join(".local/state/isitdown").join(FILE))
}

/// The position of a state in the per-hour counts: up, degraded, unknown, down.
pub(crate) fn state_index(state: State) -> usize {
    match state {
        State::Up => 0,
        State::Degraded => 1,
        State::Unknown => 2,
        State::Down => 3,
    }
}

/// How long a repeated run's write waits for another program's: it runs on the run's own
/// thread, where a longer wait would hold up the probes; the rows wait for the next write.
const WATCH_PATIENCE: Duration = Duration::from_millis(50);

/// After a failed write, the next is tried no sooner than this: a lock held for long, a disk
/// made full, may pass while a watch goes on.
const RETRY_EVERY: Duration = Duration::from_secs(2);

/// Writes rows to the database, opened on the first write. A write that fails is said once,
/// and tried again later with the rows that waited (a watch loses nothing to a lock held for a
/// while); a database found damaged while writing is put aside and a new one started.
pub struct Writer {
    path: PathBuf,
    limits: Retention,
    store: Option<Store>,
    pending: Vec<ProbeRow>,
    dropped: u64,
    /// While writes fail: the trouble last said, and when the last write was tried.
    failing: Option<(String, Instant)>,
    /// A repeated run's writer: it waits for other writers briefly (see [`WATCH_PATIENCE`]).
    repeated: bool,
}

impl Writer {
    pub fn new(path: PathBuf, limits: Retention, repeated: bool) -> Writer {
        allow_file_size_limit();
        Writer {
            path,
            limits,
            store: None,
            pending: Vec::new(),
            dropped: 0,
            failing: None,
            repeated,
        }
    }

    /// How many rows wait to be written.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    pub fn add(&mut self, row: ProbeRow) {
        if self.pending.len() >= MAX_PENDING {
            self.dropped += 1;
            return;
        }
        self.pending.push(row);
    }

    /// Writes what waits, in one transaction, unless a write failed less than
    /// [`RETRY_EVERY`] ago; the lines to tell the user, if any.
    pub fn flush(&mut self) -> Vec<String> {
        self.write_waiting(false)
    }

    /// The run's last write: tried even soon after a failed one.
    pub fn finish(&mut self) -> Vec<String> {
        self.write_waiting(true)
    }

    fn write_waiting(&mut self, last: bool) -> Vec<String> {
        let mut said = Vec::new();
        let resting = !last
            && self
                .failing
                .as_ref()
                .is_some_and(|(_, tried)| tried.elapsed() < RETRY_EVERY);
        if self.pending.is_empty() || resting {
            return said;
        }
        match self.write(&mut said) {
            Ok(()) => {
                if self.failing.take().is_some() {
                    said.push(format!(
                        "the history database {} is written again",
                        store::shown(&self.path)
                    ));
                }
                self.pending.clear();
            }
            Err(trouble) => {
                // The connection goes, and its locks with it; the next try opens anew.
                self.store = None;
                let words = trouble.to_string();
                if self.failing.as_ref().is_none_or(|(told, _)| *told != words) {
                    said.push(words.clone());
                }
                self.failing = Some((words, Instant::now()));
            }
        }
        if self.dropped > 0 {
            said.push(format!(
                "{} probes were not recorded: too many waited for the history database",
                self.dropped
            ));
            self.dropped = 0;
        }
        said
    }

    /// A store opened for this writer: a repeated run's waits briefly for other writers.
    fn patient(&self, store: Store) -> Store {
        if self.repeated {
            store.wait_at_most(WATCH_PATIENCE);
        }
        store
    }

    fn write(&mut self, said: &mut Vec<String>) -> Result<(), Trouble> {
        if self.store.is_none() {
            let (store, note) = Store::open_for_writing(&self.path)?;
            said.extend(note.map(|n| n.to_string()));
            self.store = Some(self.patient(store));
        }
        let Some(store) = self.store.as_mut() else {
            return Ok(());
        };
        match store.write(&self.pending, &self.limits) {
            Err(Trouble::Corrupt(_)) => {
                // Damage past what opening reads: put aside, and the rows written anew.
                let Some(damaged) = self.store.take() else {
                    return Ok(());
                };
                let (store, note) = damaged.replace()?;
                said.extend(note.map(|n| n.to_string()));
                let mut store = self.patient(store);
                let written = store.write(&self.pending, &self.limits);
                self.store = Some(store);
                written
            }
            other => other,
        }
    }
}

/// A file size limit (`ulimit -f`) makes a write past it raise SIGXFSZ, whose default action
/// ends the program, check and all: caught, the write fails as on a full disk, and is said so.
/// A handler (unlike an ignored signal) is not passed on to the commands `--on-change` runs.
fn allow_file_size_limit() {
    #[cfg(unix)]
    {
        let caught = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, caught);
    }
}

/// The sink that records every outcome, then hands it on to the sinks people read. A one-shot
/// run writes once, when its report is out; a repeated one, at most every [`BATCH_EVERY`], on
/// the run's own thread (the probes run on the pool and never wait for it).
pub struct Recording<'a> {
    inner: &'a mut dyn Sink,
    writer: Writer,
    batched: bool,
    written_at: Instant,
}

impl<'a> Recording<'a> {
    pub fn new(inner: &'a mut dyn Sink, writer: Writer, batched: bool) -> Recording<'a> {
        Recording {
            inner,
            writer,
            batched,
            written_at: Instant::now(),
        }
    }

    /// The writer, with what is left to write.
    pub fn into_writer(self) -> Writer {
        self.writer
    }

    fn write_if_due(&mut self) -> io::Result<()> {
        let due = self.written_at.elapsed() >= BATCH_EVERY || self.writer.waiting() >= BATCH_ROWS;
        if !self.batched || !due {
            return Ok(());
        }
        self.written_at = Instant::now();
        for line in self.writer.flush() {
            self.inner.aside(&format!("isitdown: {line}"))?;
        }
        Ok(())
    }
}

impl Sink for Recording<'_> {
    fn judged(&mut self, plan: usize, outcome: &Outcome, histories: &[History]) -> io::Result<()> {
        self.writer.add(ProbeRow::of(outcome));
        let reported = self.inner.judged(plan, outcome, histories);
        self.write_if_due()?;
        reported
    }

    fn idle(&mut self, progress: &Progress, histories: &[History]) -> io::Result<()> {
        self.inner.idle(progress, histories)?;
        self.write_if_due()
    }

    fn pause(&mut self) -> io::Result<()> {
        self.inner.pause()
    }

    fn resume(&mut self) -> io::Result<()> {
        self.inner.resume()
    }

    fn stopping(&mut self, why: Stop) {
        self.inner.stopping(why)
    }

    fn aside(&mut self, line: &str) -> io::Result<()> {
        self.inner.aside(line)
    }
}

/// Says the lines of a [`Writer`] on stderr, each as one line.
pub fn tell(lines: &[String]) {
    let mut stderr = io::stderr().lock();
    for line in lines {
        let _ = writeln!(
            stderr,
            "isitdown: {}",
            crate::text::sanitize::text(line, 2000)
        );
    }
}

/// For a watch starting: each target that an earlier run last saw in trouble, in words ("down
/// since 07:42 CET, 2 h 13 min, seen by an earlier run"). Nothing when there is no database or it
/// cannot be read: this is a courtesy, not a check.
pub fn earlier_trouble(path: &Path, targets: &[Target], now: SystemTime) -> Vec<String> {
    let Ok(Some(store)) = Store::open_for_reading(path) else {
        return Vec::new();
    };
    let clock = crate::text::clock::Clock::local();
    let mut lines = Vec::new();
    for target in targets {
        let key = record::key(target);
        let Ok(Some((state, since))) = view::trouble_since(&store, &key) else {
            continue;
        };
        let how_long = crate::text::words::span(now.duration_since(since).unwrap_or_default());
        lines.push(format!(
            "{}: {} since {}, {how_long}, seen by an earlier run",
            target.name,
            state.as_str(),
            clock.moment_in_zone(since, now),
        ));
    }
    lines
}
