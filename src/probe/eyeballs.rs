//! Happy Eyeballs (RFC 8305): connection attempts to a host's addresses race, so a dead address
//! (most often a broken IPv6 path) costs a short stagger instead of the whole deadline.
//!
//! On Unix the race runs on the calling thread: every attempt is a non-blocking socket, and one
//! `poll` waits on all of them at once, and on the moment the next attempt is due. When one
//! connects, the others are closed there and then, so that watching a host with a dead address
//! leaves no attempt behind to run to its deadline. Elsewhere the attempts are made one after
//! another, each but the last given the stagger (see [`race`]).

use std::io;
use std::net::{SocketAddr, TcpStream};
#[cfg(unix)]
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use serde::Serialize;
use ureq::config::IpFamily;

/// How long an attempt has before the next one starts alongside it (RFC 8305's recommended
/// Connection Attempt Delay).
pub const STAGGER: Duration = Duration::from_millis(250);

/// How one connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptOutcome {
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

impl AttemptOutcome {
    /// The word used in JSON and with `-v`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Connected => "connected",
            AttemptOutcome::Refused => "refused",
            AttemptOutcome::Unreachable => "unreachable",
            AttemptOutcome::Timeout => "timeout",
            AttemptOutcome::Abandoned => "abandoned",
        }
    }

    /// How an attempt that failed with `error` ended.
    pub fn of_error(error: &io::Error) -> AttemptOutcome {
        match error.kind() {
            io::ErrorKind::ConnectionRefused => AttemptOutcome::Refused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => AttemptOutcome::Timeout,
            _ => AttemptOutcome::Unreachable,
        }
    }
}

/// One connection attempt: where to, how it ended, and its own duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub address: SocketAddr,
    pub outcome: AttemptOutcome,
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

/// An attempt as the race sees it: still running until `ended` is set.
struct Entry {
    address: SocketAddr,
    started: Instant,
    ended: Option<(AttemptOutcome, Duration)>,
}

/// The attempts in start order; those still running end as `unfinished`, timed until `until`.
fn settle(entries: Vec<Entry>, unfinished: AttemptOutcome, until: Instant) -> Vec<Attempt> {
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

/// An attempt that failed with `error`, now.
fn failed(entry: &mut Entry, error: io::Error, failures: &mut Vec<io::Error>) {
    entry.ended = Some((AttemptOutcome::of_error(&error), entry.started.elapsed()));
    failures.push(error);
}

/// A race won by the attempt at `index`: those still running are abandoned.
fn won(mut entries: Vec<Entry>, index: usize, stream: TcpStream) -> Race {
    let elapsed = entries[index].started.elapsed();
    entries[index].ended = Some((AttemptOutcome::Connected, elapsed));
    let address = entries[index].address;
    Race {
        result: Ok(Winner {
            stream,
            address,
            elapsed,
        }),
        attempts: settle(entries, AttemptOutcome::Abandoned, Instant::now()),
    }
}

/// A race nobody won: the error that says most, and every attempt. With addresses to try but
/// no failure to tell, the deadline came first.
fn lost(
    addrs: &[SocketAddr],
    entries: Vec<Entry>,
    mut failures: Vec<io::Error>,
    unfinished: AttemptOutcome,
    until: Instant,
) -> Race {
    if failures.is_empty() && !addrs.is_empty() {
        failures.push(timed_out());
    }
    Race {
        result: Err(most_telling(failures)),
        attempts: settle(entries, unfinished, until),
    }
}

/// Races connections to `addrs` in the order given (see [`order`]): the first attempt starts at
/// once, each next one when an attempt fails or `stagger` after the last start, whichever comes
/// first; all run until one connects or `deadline` passes. The winner is a blocking stream; the
/// attempts still running when it connects are closed before this returns.
#[cfg(unix)]
pub fn race(addrs: &[SocketAddr], stagger: Duration, deadline: Instant) -> Race {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use rustix::io::Errno;

    let mut entries: Vec<Entry> = Vec::with_capacity(addrs.len());
    // The attempts still connecting, in start order: which entry, and its socket.
    let mut connecting: Vec<(usize, OwnedFd)> = Vec::with_capacity(addrs.len());
    let mut failures: Vec<io::Error> = Vec::new();
    // A failure starts the next attempt at once: the stagger is for attempts still waiting.
    let mut failed_since_last_start = false;

    loop {
        let now = Instant::now();
        let next_due = entries.last().map(|last| last.started + stagger);
        let more = entries.len() < addrs.len();
        let due = failed_since_last_start || next_due.is_none_or(|due| now >= due);
        if more && now < deadline && (connecting.is_empty() || due) {
            failed_since_last_start = false;
            let index = entries.len();
            let address = addrs[index];
            entries.push(Entry {
                address,
                started: now,
                ended: None,
            });
            match connect_nonblocking(address) {
                Ok(Connecting::Done(stream)) => return won(entries, index, stream),
                Ok(Connecting::InProgress(socket)) => connecting.push((index, socket)),
                Err(error) => {
                    failed(&mut entries[index], error, &mut failures);
                    failed_since_last_start = true;
                }
            }
            continue;
        }
        if connecting.is_empty() {
            return lost(addrs, entries, failures, AttemptOutcome::Timeout, deadline);
        }
        if now >= deadline {
            failures.push(timed_out());
            return lost(addrs, entries, failures, AttemptOutcome::Timeout, deadline);
        }
        let wake = match next_due {
            Some(due) if more => due.min(deadline),
            _ => deadline,
        };
        // Rounded up to whole milliseconds where poll takes no finer timeout: never early.
        let timeout = Timespec::try_from(wake.saturating_duration_since(now)).ok();
        let mut watched: Vec<PollFd<'_>> = connecting
            .iter()
            .map(|(_, socket)| PollFd::new(socket, PollFlags::OUT))
            .collect();
        match poll(&mut watched, timeout.as_ref()) {
            Ok(0) | Err(Errno::INTR) => continue,
            Ok(_) => {}
            Err(error) => {
                // Nothing can be waited on any more: the attempts still running are given up.
                failures.push(error.into());
                return lost(
                    addrs,
                    entries,
                    failures,
                    AttemptOutcome::Abandoned,
                    Instant::now(),
                );
            }
        }
        let finished: Vec<bool> = watched.iter().map(|w| !w.revents().is_empty()).collect();
        drop(watched);
        let mut still = Vec::with_capacity(connecting.len());
        for ((index, socket), finished) in connecting.drain(..).zip(finished) {
            if !finished {
                still.push((index, socket));
                continue;
            }
            match connected(socket) {
                // The attempts started after this one, and those not finished, close here.
                Ok(stream) => return won(entries, index, stream),
                Err(error) => {
                    failed(&mut entries[index], error, &mut failures);
                    failed_since_last_start = true;
                }
            }
        }
        connecting = still;
    }
}

/// A connection attempt just begun.
#[cfg(unix)]
enum Connecting {
    /// Connected at once (it can happen on loopback).
    Done(TcpStream),
    InProgress(OwnedFd),
}

/// Opens a non-blocking TCP socket and starts connecting it to `address`.
#[cfg(unix)]
fn connect_nonblocking(address: SocketAddr) -> io::Result<Connecting> {
    use rustix::io::Errno;

    let socket = nonblocking_socket(address)?;
    match rustix::net::connect(&socket, &address) {
        Ok(()) => Ok(Connecting::Done(blocking_stream(socket)?)),
        Err(Errno::INPROGRESS) => Ok(Connecting::InProgress(socket)),
        Err(error) => Err(error.into()),
    }
}

/// A TCP socket for `address`'s family that does not block and is closed on `exec` (an
/// `--on-change` command must not inherit it).
#[cfg(unix)]
fn nonblocking_socket(address: SocketAddr) -> io::Result<OwnedFd> {
    use rustix::net::{ipproto, AddressFamily, SocketFlags, SocketType};

    let family = match address {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    // Both flags at once where `socket` takes them.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    let socket = rustix::net::socket_with(
        family,
        SocketType::STREAM,
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        Some(ipproto::TCP),
    )?;
    // Elsewhere (macOS) in three steps.
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )))]
    let socket = {
        let socket = rustix::net::socket_with(
            family,
            SocketType::STREAM,
            SocketFlags::empty(),
            Some(ipproto::TCP),
        )?;
        rustix::io::fcntl_setfd(&socket, rustix::io::FdFlags::CLOEXEC)?;
        rustix::io::ioctl_fionbio(&socket, true)?;
        socket
    };
    Ok(socket)
}

/// The stream of an attempt that `poll` says has finished, or why it failed: the socket's own
/// error says which.
#[cfg(unix)]
fn connected(socket: OwnedFd) -> io::Result<TcpStream> {
    rustix::net::sockopt::socket_error(&socket)?.map_err(io::Error::from)?;
    // A socket that finished without an error but is not connected (as std's own
    // `connect_timeout` checks).
    rustix::net::getpeername(&socket)?;
    blocking_stream(socket)
}

/// A connected socket as the blocking stream the transport reads and writes with timeouts.
#[cfg(unix)]
fn blocking_stream(socket: OwnedFd) -> io::Result<TcpStream> {
    let stream = TcpStream::from(socket);
    stream.set_nonblocking(false)?;
    Ok(stream)
}

/// Without `poll` (Windows), the attempts are made one after another with std's blocking
/// connect: each but the last may take the stagger, the last what is left of the deadline. An
/// attempt cut short by the stagger is abandoned when a later one connects, and timed out when
/// none does.
#[cfg(not(unix))]
pub fn race(addrs: &[SocketAddr], stagger: Duration, deadline: Instant) -> Race {
    let mut entries: Vec<Entry> = Vec::with_capacity(addrs.len());
    let mut failures: Vec<io::Error> = Vec::new();
    let mut cut_short: Vec<usize> = Vec::new();
    for (index, &address) in addrs.iter().enumerate() {
        let started = Instant::now();
        let left = deadline.saturating_duration_since(started);
        if left.is_zero() {
            failures.push(timed_out());
            break;
        }
        let last = index + 1 == addrs.len();
        let allowed = if last { left } else { left.min(stagger) };
        entries.push(Entry {
            address,
            started,
            ended: None,
        });
        match TcpStream::connect_timeout(&address, allowed) {
            Ok(stream) => {
                for &cut in &cut_short {
                    if let Some((outcome, _)) = entries[cut].ended.as_mut() {
                        *outcome = AttemptOutcome::Abandoned;
                    }
                }
                return won(entries, index, stream);
            }
            Err(error) => {
                if AttemptOutcome::of_error(&error) == AttemptOutcome::Timeout && allowed < left {
                    cut_short.push(index);
                }
                failed(&mut entries[index], error, &mut failures);
            }
        }
    }
    lost(addrs, entries, failures, AttemptOutcome::Timeout, deadline)
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection timed out")
}

/// When every attempt failed, the error that says most: a host that refused answered, which is
/// more than a timeout says, which is more than "no route".
fn most_telling(failures: Vec<io::Error>) -> io::Error {
    let rank = |error: &io::Error| match AttemptOutcome::of_error(error) {
        AttemptOutcome::Refused => 3,
        AttemptOutcome::Timeout => 2,
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
