//! Happy Eyeballs (RFC 8305): connection attempts to a host's addresses race, so a dead address
//! (most often a broken IPv6 path) costs a short stagger instead of the whole deadline.
//!
//! Each attempt runs on its own thread, bounded by the deadline: at most one thread per address.
//! When the race is over (an attempt won, or none can), the attempts still running give up
//! within [`GIVE_UP_WITHIN`] and close their sockets (on Linux; elsewhere they run to the
//! deadline). Repeated probes of a host with a dead address would otherwise pile up a thread
//! and a socket per probe until each deadline: 45 of them for one target watched with `-i 0`.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use ureq::config::IpFamily;

/// How long an attempt has before the next one starts alongside it (RFC 8305's recommended
/// Connection Attempt Delay).
pub const STAGGER: Duration = Duration::from_millis(250);

/// How soon an attempt notices that its race is over.
pub const GIVE_UP_WITHIN: Duration = Duration::from_millis(20);

/// How one connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Connected,
    /// The host answered that nothing listens on the port.
    Refused,
    /// No route, or the address cannot be used from here.
    Unreachable,
    /// No answer before the deadline.
    Timeout,
    /// Still trying when another attempt connected.
    Abandoned,
}

impl Outcome {
    /// The word used in JSON and with `-v`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Connected => "connected",
            Outcome::Refused => "refused",
            Outcome::Unreachable => "unreachable",
            Outcome::Timeout => "timeout",
            Outcome::Abandoned => "abandoned",
        }
    }

    /// How an attempt that failed with `error` ended.
    pub fn of_error(error: &io::Error) -> Outcome {
        match error.kind() {
            io::ErrorKind::ConnectionRefused => Outcome::Refused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Outcome::Timeout,
            _ => Outcome::Unreachable,
        }
    }
}

/// One connection attempt: where to, how it ended, and its own duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub address: SocketAddr,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// The attempt that connected.
#[derive(Debug)]
pub struct Winner {
    pub stream: TcpStream,
    pub address: SocketAddr,
    /// The winning attempt's own connect time, not counting the attempts before it.
    pub elapsed: Duration,
}

/// The result of a race: the winner or why none won, and every attempt in the order started.
#[derive(Debug)]
pub struct Race {
    pub result: Result<Winner, io::Error>,
    pub attempts: Vec<Attempt>,
}

/// RFC 8305 order: the families interleaved, IPv6 first, each family in the order given.
/// Duplicates are dropped.
pub fn order(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let mut unique: Vec<SocketAddr> = Vec::with_capacity(addrs.len());
    for addr in addrs {
        if !unique.contains(addr) {
            unique.push(*addr);
        }
    }
    let (v6, v4): (Vec<SocketAddr>, Vec<SocketAddr>) =
        unique.into_iter().partition(SocketAddr::is_ipv6);
    let mut ordered = Vec::with_capacity(v6.len() + v4.len());
    let (mut v6, mut v4) = (v6.into_iter(), v4.into_iter());
    loop {
        match (v6.next(), v4.next()) {
            (None, None) => return ordered,
            (first, second) => ordered.extend(first.into_iter().chain(second)),
        }
    }
}

/// The addresses of the family `-4`/`-6` asks for, in the order given.
pub fn of_family(addrs: &[SocketAddr], family: IpFamily) -> Vec<SocketAddr> {
    family.keep_wanted(addrs.iter().copied()).collect()
}

/// What an attempt's thread reports: which attempt, how it went, how long it took.
type Report = (usize, io::Result<TcpStream>, Duration);

/// An attempt as the race sees it: still running until `ended` is set.
struct Entry {
    address: SocketAddr,
    started: Instant,
    ended: Option<(Outcome, Duration)>,
}

/// The attempts in start order; those still running end as `unfinished`, timed until `until`.
fn settle(entries: Vec<Entry>, unfinished: Outcome, until: Instant) -> Vec<Attempt> {
    entries
        .into_iter()
        .map(|entry| {
            let (outcome, elapsed) = entry
                .ended
                .unwrap_or((unfinished, until.saturating_duration_since(entry.started)));
            Attempt {
                address: entry.address,
                outcome,
                elapsed,
            }
        })
        .collect()
}

/// Races connections to `addrs` in the order given (see [`order`]): the first attempt starts at
/// once, each next one when an attempt fails or `stagger` after the last start, whichever comes
/// first; all run until one connects or `deadline` passes.
pub fn race(addrs: &[SocketAddr], stagger: Duration, deadline: Instant) -> Race {
    if let [address] = addrs {
        return alone(*address, deadline);
    }
    let (reports, inbox) = mpsc::channel::<Report>();
    // Set when this function returns, however it returns: the attempts still running give up.
    let over = RaceOver::default();
    let mut entries: Vec<Entry> = Vec::with_capacity(addrs.len());
    let mut failures: Vec<io::Error> = Vec::new();
    let mut in_flight = 0usize;
    // A failure starts the next attempt at once: the stagger is for attempts still waiting.
    let mut failed_since_last_start = false;

    loop {
        let now = Instant::now();
        let next_due = entries.last().map(|last| last.started + stagger);
        let more = entries.len() < addrs.len();
        let due = failed_since_last_start || next_due.is_none_or(|due| now >= due);
        if more && now < deadline && (in_flight == 0 || due) {
            failed_since_last_start = false;
            let index = entries.len();
            let address = addrs[index];
            let mut entry = Entry {
                address,
                started: now,
                ended: None,
            };
            match start_attempt(index, address, deadline, over.flag(), reports.clone()) {
                Ok(()) => in_flight += 1,
                Err(error) => {
                    entry.ended = Some((Outcome::of_error(&error), Duration::ZERO));
                    failures.push(error);
                }
            }
            entries.push(entry);
            continue;
        }
        if in_flight == 0 {
            break;
        }
        let wake = match next_due {
            Some(due) if more => due.min(deadline),
            _ => deadline,
        };
        match inbox.recv_timeout(wake.saturating_duration_since(now)) {
            Ok((index, Ok(stream), elapsed)) => {
                entries[index].ended = Some((Outcome::Connected, elapsed));
                let winner = Winner {
                    stream,
                    address: addrs[index],
                    elapsed,
                };
                return Race {
                    result: Ok(winner),
                    attempts: settle(entries, Outcome::Abandoned, Instant::now()),
                };
            }
            Ok((index, Err(error), elapsed)) => {
                in_flight -= 1;
                entries[index].ended = Some((Outcome::of_error(&error), elapsed));
                failures.push(error);
                failed_since_last_start = true;
            }
            Err(RecvTimeoutError::Timeout) if Instant::now() >= deadline => {
                failures.push(timed_out());
                break;
            }
            Err(RecvTimeoutError::Timeout) => {}
            // Every attempt holds a sender and so does this function: it cannot happen.
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    if failures.is_empty() && !addrs.is_empty() {
        failures.push(timed_out());
    }
    Race {
        result: Err(most_telling(failures)),
        attempts: settle(entries, Outcome::Timeout, deadline),
    }
}

/// A single address has nothing to race: it is connected to on this thread.
fn alone(address: SocketAddr, deadline: Instant) -> Race {
    let started = Instant::now();
    let left = deadline.saturating_duration_since(started);
    if left.is_zero() {
        return Race {
            result: Err(timed_out()),
            attempts: Vec::new(),
        };
    }
    let result = TcpStream::connect_timeout(&address, left);
    let elapsed = started.elapsed();
    let outcome = match &result {
        Ok(_) => Outcome::Connected,
        Err(error) => Outcome::of_error(error),
    };
    Race {
        result: result.map(|stream| Winner {
            stream,
            address,
            elapsed,
        }),
        attempts: vec![Attempt {
            address,
            outcome,
            elapsed,
        }],
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection timed out")
}

/// A connect needs next to no stack, but a thread's first allocation sets up the allocator's
/// cache for it, several calls deep: as much as a pool worker has, and more when unoptimised.
const CONNECT_STACK: usize = if cfg!(debug_assertions) {
    256 * 1024
} else {
    128 * 1024
};

/// Tells a race's attempts that it is over, when dropped.
#[derive(Default)]
struct RaceOver(Arc<AtomicBool>);

impl RaceOver {
    fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

impl Drop for RaceOver {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Starts one attempt on its own thread; it reports to `reports`, and ends by `deadline` or
/// soon after `over` is set.
fn start_attempt(
    index: usize,
    address: SocketAddr,
    deadline: Instant,
    over: Arc<AtomicBool>,
    reports: mpsc::Sender<Report>,
) -> io::Result<()> {
    thread::Builder::new()
        .name(format!("connect {address}"))
        .stack_size(CONNECT_STACK)
        .spawn(move || {
            let started = Instant::now();
            let result = connect_until(address, deadline, &over);
            // Nobody listening any more means another attempt won: the stream closes here.
            let _ = reports.send((index, result, started.elapsed()));
        })
        .map(drop)
}

/// `TcpStream::connect_timeout` to the deadline, except that it gives up within
/// [`GIVE_UP_WITHIN`] once `over` is set.
#[cfg(target_os = "linux")]
fn connect_until(
    address: SocketAddr,
    deadline: Instant,
    over: &AtomicBool,
) -> io::Result<TcpStream> {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use rustix::io::Errno;
    use rustix::net::{ipproto, AddressFamily, SocketFlags, SocketType};

    let family = match address {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let flags = SocketFlags::CLOEXEC | SocketFlags::NONBLOCK;
    let socket = rustix::net::socket_with(family, SocketType::STREAM, flags, Some(ipproto::TCP))?;
    match rustix::net::connect(&socket, &address) {
        Ok(()) => {}
        Err(Errno::INPROGRESS) => loop {
            if over.load(Ordering::Relaxed) {
                return Err(io::Error::other("the race is over"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            // Under a second (GIVE_UP_WITHIN is), so nanoseconds alone.
            let slice = Timespec {
                tv_sec: 0,
                tv_nsec: left.min(GIVE_UP_WITHIN).subsec_nanos().into(),
            };
            let mut watched = [PollFd::new(&socket, PollFlags::OUT)];
            match poll(&mut watched, Some(&slice)) {
                Ok(0) | Err(Errno::INTR) => {}
                Ok(_) => break,
                Err(error) => return Err(error.into()),
            }
        },
        Err(error) => return Err(error.into()),
    }
    // Writable means connected or failed: the socket's own error says which.
    rustix::net::sockopt::socket_error(&socket)?.map_err(io::Error::from)?;
    rustix::io::ioctl_fionbio(&socket, false)?;
    Ok(TcpStream::from(socket))
}

/// Elsewhere an attempt runs to its deadline.
#[cfg(not(target_os = "linux"))]
fn connect_until(
    address: SocketAddr,
    deadline: Instant,
    _over: &AtomicBool,
) -> io::Result<TcpStream> {
    match deadline.checked_duration_since(Instant::now()) {
        Some(left) if !left.is_zero() => TcpStream::connect_timeout(&address, left),
        _ => Err(timed_out()),
    }
}

/// When every attempt failed, the error that says most: a host that refused answered, which is
/// more than a timeout says, which is more than "no route".
fn most_telling(failures: Vec<io::Error>) -> io::Error {
    let rank = |error: &io::Error| match Outcome::of_error(error) {
        Outcome::Refused => 3,
        Outcome::Timeout => 2,
        _ => 1,
    };
    let mut best: Option<io::Error> = None;
    for error in failures {
        if best.as_ref().is_none_or(|b| rank(&error) > rank(b)) {
            best = Some(error);
        }
    }
    best.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address to connect to"))
}

#[cfg(test)]
#[path = "eyeballs_tests.rs"]
mod tests;
