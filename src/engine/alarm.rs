//! One thread that does small things at given moments, for every check of a run: when a probe
//! is still silent well into its deadline, its connection check starts early, so that its
//! answer is there when the deadline comes rather than after it.
//!
//! What an alarm does must be quick (handing work to the pool): it runs on this one thread.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::thread;
use std::time::Instant;

type Job = Box<dyn FnOnce() + Send>;

/// The alarms of one run. The thread starts with the first alarm and ends with the run.
pub struct Alarms {
    shared: Arc<Shared>,
}

/// A set alarm; dropping it before its moment cancels it.
pub struct Alarm {
    key: (Instant, u64),
    shared: Weak<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    due: BTreeMap<(Instant, u64), Job>,
    next: u64,
    started: bool,
    closed: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ring_until_closed(&self) {
        let mut state = self.lock();
        loop {
            if state.closed {
                return;
            }
            let now = Instant::now();
            let Some(&(at, id)) = state.due.keys().next() else {
                state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            };
            if at > now {
                state = self
                    .changed
                    .wait_timeout(state, at - now)
                    .map_or_else(|p| p.into_inner().0, |(s, _)| s);
                continue;
            }
            if let Some(job) = state.due.remove(&(at, id)) {
                drop(state);
                job();
                state = self.lock();
            }
        }
    }
}

impl Alarms {
    pub fn new() -> Alarms {
        Alarms {
            shared: Arc::default(),
        }
    }

    /// Runs `job` at `at`, unless the returned alarm is dropped first. If the machine will not
    /// start the alarms' thread, nothing rings: what an alarm starts early then starts late.
    pub fn set(&self, at: Instant, job: impl FnOnce() + Send + 'static) -> Alarm {
        let mut state = self.shared.lock();
        let key = (at, state.next);
        state.next += 1;
        state.due.insert(key, Box::new(job));
        if !state.started {
            state.started = true;
            let shared = self.shared.clone();
            let _ = thread::Builder::new()
                .name("alarms".into())
                .stack_size(128 * 1024)
                .spawn(move || shared.ring_until_closed());
        }
        drop(state);
        self.shared.changed.notify_one();
        Alarm {
            key,
            shared: Arc::downgrade(&self.shared),
        }
    }
}

impl Default for Alarms {
    fn default() -> Self {
        Alarms::new()
    }
}

impl Drop for Alarms {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        state.due.clear();
        drop(state);
        self.shared.changed.notify_all();
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.lock().due.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    const PATIENCE: Duration = Duration::from_secs(20);

    #[test]
    fn alarms_ring_in_order_and_a_dropped_one_never() {
        let alarms = Alarms::new();
        let (rang, heard) = mpsc::channel();
        let now = Instant::now();
        let ring = |what: &'static str| {
            let rang = rang.clone();
            move || rang.send(what).unwrap()
        };
        let _late = alarms.set(now + Duration::from_millis(40), ring("late"));
        let cancelled = alarms.set(now + Duration::from_millis(20), ring("cancelled"));
        let _early = alarms.set(now, ring("early"));
        drop(cancelled);
        assert_eq!(heard.recv_timeout(PATIENCE), Ok("early"));
        assert_eq!(heard.recv_timeout(PATIENCE), Ok("late"));
        assert!(Instant::now() >= now + Duration::from_millis(40));
        // Once the alarms are dropped, one still set never rings.
        let at = Instant::now() + Duration::from_millis(500);
        let _pending = alarms.set(at, ring("after the end"));
        drop(alarms);
        let waited = at + Duration::from_millis(300);
        assert!(heard
            .recv_timeout(waited.saturating_duration_since(Instant::now()))
            .is_err());
    }
}
