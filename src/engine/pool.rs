//! The workers every probe, status page read and connection check runs on: a bounded number of
//! threads with small stacks, started only when there is work and no idle worker to take it.
//!
//! How many is decided by the file-descriptor limit (see [`Capacity`]): each worker holds at
//! most a connection or two at a time, so a run never opens more than the machine allows, and
//! a thousand slow targets are all waited on at once when the limit is high enough.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::Instant;

/// More workers than this bring nothing but memory: a thousand targets are in flight at once.
const MAX_WORKERS: usize = 1024;
/// Descriptors kept aside for stdio, the config, the CA bundle and the like.
const FD_MARGIN: u64 = 32;
/// A worker may hold two connections at once (a redirect opens the next before the last closes).
const FDS_PER_WORKER: u64 = 2;
/// Extra workers for status pages and connection checks, so that they never queue behind probes.
const RESERVE: usize = 8;

/// A probe over plain HTTP touches about 43 KiB of its stack in a release build; TLS and the
/// judge go deeper. Only the pages touched take memory, so the room costs nothing. An
/// unoptimised build needs several times as much.
const STACK: usize = if cfg!(debug_assertions) {
    1024 * 1024
} else {
    256 * 1024
};

/// How many workers a run may have: `workers` for any job, `reserve` more for urgent ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub workers: usize,
    pub reserve: usize,
}

impl Capacity {
    /// What `open_files` descriptors allow, the margin and the reserve's share kept aside.
    pub fn for_open_files(open_files: u64) -> Capacity {
        let reserved = FD_MARGIN + RESERVE as u64 * FDS_PER_WORKER;
        let workers = open_files.saturating_sub(reserved) / FDS_PER_WORKER;
        Capacity {
            workers: (workers as usize).clamp(1, MAX_WORKERS),
            reserve: RESERVE,
        }
    }

    /// Raises this process's soft limit of open files to its hard limit, as network tools do,
    /// and sizes the pool for it.
    pub fn of_this_process() -> Capacity {
        Capacity::for_open_files(raise_open_files_limit())
    }
}

/// The soft `RLIMIT_NOFILE`, raised to the hard limit when allowed (macOS, say, refuses more
/// than `OPEN_MAX` when the hard limit is infinite: the soft one then stays as it was).
#[cfg(unix)]
fn raise_open_files_limit() -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    // `None` is no limit.
    let Rlimit { current, maximum } = getrlimit(Resource::Nofile);
    let raised = match current {
        Some(soft) if maximum.is_none_or(|hard| soft < hard) => {
            let wanted = Rlimit {
                current: maximum,
                maximum,
            };
            setrlimit(Resource::Nofile, wanted)
                .is_ok()
                .then_some(maximum)
        }
        _ => None,
    };
    raised.unwrap_or(current).unwrap_or(u64::MAX)
}

/// Elsewhere (Windows) sockets have no such per-process limit: the pool's own cap applies.
#[cfg(not(unix))]
fn raise_open_files_limit() -> u64 {
    u64::MAX
}

/// A job returns what is left to do once its worker counts as free again (see
/// [`Pool::execute_then`]).
type Job = Box<dyn FnOnce() -> Option<Report> + Send>;
type Report = Box<dyn FnOnce() + Send>;

/// The workers of one run. Dropping the pool lets idle workers end; a job in flight finishes.
pub struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    capacity: Capacity,
    state: Mutex<State>,
    work: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    workers: usize,
    idle: usize,
    closed: bool,
}

impl Pool {
    pub fn new(capacity: Capacity) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                capacity,
                state: Mutex::default(),
                work: Condvar::new(),
            }),
        }
    }

    /// Runs `job` on a worker, after the jobs queued before it.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.submit(
            Box::new(move || {
                job();
                None
            }),
            false,
        );
    }

    /// Runs `job` on a worker, then `report` with its result on the same worker, which counts
    /// as idle while it reports. Whoever hears the report and hands over the next job at once
    /// (the next probe of a target watched with `-i 0`) then finds this worker about to take
    /// it, instead of a pool that looks busy and starts another thread.
    pub fn execute_then<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
        report: impl FnOnce(T) + Send + 'static,
    ) {
        self.submit(
            Box::new(move || {
                let result = job();
                Some(Box::new(move || report(result)) as Report)
            }),
            false,
        );
    }

    /// Runs `job` on a worker; its result is waited for with [`Task::join`].
    pub fn spawn<T: Clone + Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Task<T> {
        self.task(job, false)
    }

    /// Like [`Pool::spawn`], but ahead of the queue and on a reserve worker when all are busy:
    /// for work that probes in flight wait for (status pages, connection checks).
    pub fn spawn_urgent<T: Clone + Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Task<T> {
        self.task(job, true)
    }

    fn task<T: Clone + Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
        urgent: bool,
    ) -> Task<T> {
        let task = Task(Arc::new(TaskCell {
            state: Mutex::new(TaskState::Pending(Box::new(job))),
            done: Condvar::new(),
        }));
        let queued = task.clone();
        self.submit(
            Box::new(move || {
                // Published while this worker counts as idle, as a report is (see
                // `execute_then`): whoever joined it and asks for the next one at once (the
                // next round's status page) finds this worker about to take it.
                let result = queued.run()?;
                Some(Box::new(move || queued.publish(result)) as Report)
            }),
            urgent,
        );
        task
    }

    fn submit(&self, job: Job, urgent: bool) {
        let mut state = self.shared.lock();
        let limit = self.shared.capacity.workers
            + if urgent {
                self.shared.capacity.reserve
            } else {
                0
            };
        if urgent {
            state.queue.push_front(job);
        } else {
            state.queue.push_back(job);
        }
        // A woken worker counts as idle until it takes a job: more jobs queued than idle
        // workers means one of them would wait behind another.
        let start_one = state.queue.len() > state.idle && state.workers < limit;
        if !start_one {
            drop(state);
            self.shared.work.notify_one();
            return;
        }
        state.workers += 1;
        drop(state);
        let shared = self.shared.clone();
        let started = thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || shared.work_until_closed());
        if started.is_err() {
            // The machine will not start another thread: those running take the job, or, when
            // there are none, the caller does.
            let mut state = self.shared.lock();
            state.workers -= 1;
            if state.workers == 0 {
                let jobs: Vec<Job> = state.queue.drain(..).collect();
                drop(state);
                for job in jobs {
                    if let Some(report) = job() {
                        report();
                    }
                }
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.work.notify_all();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn work_until_closed(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                let report = job();
                state = self.lock();
                if let Some(report) = report {
                    // Idle while reporting: a job handed over meanwhile is taken right after,
                    // by this worker or one that was waiting.
                    state.idle += 1;
                    drop(state);
                    report();
                    state = self.lock();
                    state.idle -= 1;
                }
                continue;
            }
            if state.closed {
                state.workers -= 1;
                return;
            }
            state.idle += 1;
            state = self.work.wait(state).unwrap_or_else(|p| p.into_inner());
            state.idle -= 1;
        }
    }
}

/// A result to come. Whoever joins a task no worker has started yet runs it there and then, so
/// that a busy pool never leaves a job waiting for a job queued behind it.
pub struct Task<T>(Arc<TaskCell<T>>);

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task(self.0.clone())
    }
}

struct TaskCell<T> {
    state: Mutex<TaskState<T>>,
    done: Condvar,
}

enum TaskState<T> {
    Pending(Box<dyn FnOnce() -> T + Send>),
    Running,
    /// `None`: the job panicked.
    Done(Option<T>),
}

impl<T: Clone> Task<T> {
    /// The result; `None` if the job panicked.
    pub fn join(&self) -> Option<T> {
        self.run_here();
        let mut state = self.lock();
        loop {
            match &*state {
                TaskState::Done(result) => return result.clone(),
                _ => state = self.0.done.wait(state).unwrap_or_else(|p| p.into_inner()),
            }
        }
    }

    /// The result, if it is there by `deadline`; `None` if not, or if the job panicked. A job
    /// no worker has started yet is run here, as by [`Task::join`]: the jobs joined so count
    /// their own deadlines from when they were asked for, not from when they run.
    pub fn join_by(&self, deadline: Instant) -> Option<T> {
        self.run_here();
        let mut state = self.lock();
        loop {
            if let TaskState::Done(result) = &*state {
                return result.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .0
                .done
                .wait_timeout(state, left)
                .map_or_else(|poisoned| poisoned.into_inner().0, |(state, _)| state);
        }
    }

    /// Runs the job on this thread unless it is running or done already.
    fn run_here(&self) {
        if let Some(result) = self.run() {
            self.publish(result);
        }
    }

    /// The job's result (`None` inside if it panicked), unless another thread took it first.
    fn run(&self) -> Option<Option<T>> {
        let job = {
            let mut state = self.lock();
            if !matches!(*state, TaskState::Pending(_)) {
                return None;
            }
            match std::mem::replace(&mut *state, TaskState::Running) {
                TaskState::Pending(job) => job,
                _ => return None,
            }
        };
        Some(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).ok())
    }

    fn publish(&self, result: Option<T>) {
        *self.lock() = TaskState::Done(result);
        self.0.done.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, TaskState<T>> {
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    /// How long a test waits for what it expects before it fails: only a hang takes this long.
    const PATIENCE: Duration = Duration::from_secs(20);

    #[test]
    fn capacity_follows_the_descriptor_limit() {
        assert_eq!(Capacity::for_open_files(256).workers, 104);
        assert_eq!(Capacity::for_open_files(20_000).workers, MAX_WORKERS);
        assert_eq!(Capacity::for_open_files(10).workers, 1);
        assert_eq!(Capacity::for_open_files(u64::MAX).workers, MAX_WORKERS);
    }

    /// Whether `count` jobs handed over at once were all running at the same time: each waits
    /// until all of them have started, which only happens if none waits behind another. Jobs
    /// run in turn would wait in vain, until a deadline shared by all of them.
    fn all_run_at_once(pool: &Pool, count: usize) -> bool {
        let started = Arc::new((Mutex::new(0usize), Condvar::new()));
        let deadline = Instant::now() + PATIENCE;
        let (done, finished) = mpsc::channel();
        for _ in 0..count {
            let (started, done) = (started.clone(), done.clone());
            pool.execute(move || {
                let (count_started, all_started) = &*started;
                let mut so_far = count_started.lock().unwrap();
                *so_far += 1;
                all_started.notify_all();
                while *so_far < count {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    so_far = all_started.wait_timeout(so_far, left).unwrap().0;
                }
                let _ = done.send(*so_far >= count);
            });
        }
        (0..count).all(|_| finished.recv().unwrap())
    }

    #[test]
    fn slow_jobs_wait_together_not_in_turn() {
        let pool = Pool::new(Capacity {
            workers: 50,
            reserve: 0,
        });
        assert!(all_run_at_once(&pool, 50));
    }

    #[test]
    fn workers_stay_within_the_capacity() {
        let pool = Pool::new(Capacity {
            workers: 3,
            reserve: 1,
        });
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (done, finished) = mpsc::channel();
        for _ in 0..20 {
            let (running, most, done) = (running.clone(), most.clone(), done.clone());
            pool.execute(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                let _ = done.send(());
            });
        }
        for _ in 0..20 {
            finished.recv().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn jobs_given_at_once_to_one_idle_worker_do_not_wait_in_turn() {
        let pool = Pool::new(Capacity {
            workers: 4,
            reserve: 0,
        });
        // One worker, then idle: waiting for the next job.
        pool.spawn(|| ()).join();
        let deadline = Instant::now() + PATIENCE;
        while pool.shared.lock().idle < 1 {
            assert!(Instant::now() < deadline, "the worker never went idle");
            thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(pool.shared.lock().workers, 1);
        assert!(all_run_at_once(&pool, 2));
    }

    #[test]
    fn a_job_waiting_for_a_queued_task_runs_it_itself() {
        let pool = Arc::new(Pool::new(Capacity {
            workers: 1,
            reserve: 0,
        }));
        let (answer, answered) = mpsc::channel();
        let inner = pool.clone();
        pool.execute(move || {
            // The only worker is this one: the task can only run if joining runs it.
            let task = inner.spawn(|| 42);
            let _ = answer.send(task.join());
        });
        assert_eq!(answered.recv_timeout(PATIENCE).unwrap(), Some(42));
    }

    #[test]
    fn a_task_is_waited_for_until_a_deadline_only() {
        let pool = Pool::new(Capacity {
            workers: 2,
            reserve: 0,
        });
        let (release, released) = mpsc::channel::<()>();
        let slow = pool.spawn(move || released.recv_timeout(PATIENCE).is_ok());
        // Started on a worker, so that the join below waits for it rather than running it.
        while matches!(*slow.lock(), TaskState::Pending(_)) {
            thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(
            slow.join_by(Instant::now() + Duration::from_millis(20)),
            None
        );
        release.send(()).unwrap();
        assert_eq!(slow.join_by(Instant::now() + PATIENCE), Some(true));
    }

    #[test]
    fn a_job_handed_over_on_each_report_keeps_to_one_worker() {
        let pool = Pool::new(Capacity {
            workers: 8,
            reserve: 0,
        });
        let (reports, heard) = mpsc::channel();
        let mut ran_on = std::collections::HashSet::new();
        for _ in 0..100 {
            let reports = reports.clone();
            pool.execute_then(
                || thread::current().id(),
                move |worker| {
                    let _ = reports.send(worker);
                },
            );
            // As a repeated run does: the next job as soon as the last one is reported.
            ran_on.insert(heard.recv_timeout(Duration::from_secs(5)).unwrap());
        }
        assert_eq!(ran_on.len(), 1, "{} workers", ran_on.len());
        assert_eq!(pool.shared.lock().workers, 1);
    }

    #[test]
    fn a_task_joined_and_the_next_asked_for_at_once_keep_to_one_worker() {
        let pool = Pool::new(Capacity {
            workers: 8,
            reserve: 8,
        });
        // Many rounds: a worker that counted itself idle only after publishing was seen busy
        // in between now and then, not every time.
        for _ in 0..10_000 {
            // As a watched target's status page, read every round by a worker (not by the
            // one joining it, which would run a task not yet started itself).
            let (started, running) = mpsc::channel();
            let page = pool.spawn_urgent(move || {
                let _ = started.send(());
            });
            running.recv_timeout(PATIENCE).unwrap();
            assert!(page.join().is_some());
            // The worker that published the result already counts as idle: the next round's
            // request, asked for at once, is its.
            assert_eq!(pool.shared.lock().idle, 1);
        }
        assert_eq!(pool.shared.lock().workers, 1);
    }
}
