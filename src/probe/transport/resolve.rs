//! Name resolution, timed: `--resolve` pins first, then DNS (the system's resolver, asked for
//! AAAA and A records together, behind a stopwatch), and no lookup at all for an IP literal.
//! A public name that DNS answers only with addresses no service has is blocked by a DNS
//! filter: it is named, never connected to (see `dns::blocked`).

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::Error;

use super::phase_log::{PhaseFailure, Recorder};
use super::port::port_of;
use crate::probe::dns::blocked::{blocked_answer, is_blocking_address};
use crate::probe::dns::locality::is_public_name;
use crate::probe::dns::pins::Pins;
use crate::probe::dns::seam::FixedDns;
use crate::probe::eyeballs;

/// The ureq resolver, timed, with the run's pins. IP literals and pinned names need no lookup,
/// so they get no DNS time.
#[derive(Debug)]
pub struct TimedResolver {
    pub recorder: Recorder,
    pub pins: Pins,
    /// The test seam standing in for the system resolver (see `dns::seam`).
    pub fixed_dns: Option<Arc<FixedDns>>,
}

impl Resolver for TimedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        let port = port_of(uri);
        // An IP literal needs no lookup (and no lookup thread).
        if let (Ok(ip), Some(port)) = (host.parse::<IpAddr>(), port) {
            return Ok(self.listed([SocketAddr::new(ip, port)]));
        }
        if let Some(pinned) = port.and_then(|port| self.pins.pinned(&host, port)) {
            let wanted: Vec<SocketAddr> =
                config.ip_family().keep_wanted(pinned.into_iter()).collect();
            if wanted.is_empty() {
                return Err(
                    self.dns_failed(host, "--resolve pins no address of the wanted IP family")
                );
            }
            return Ok(self.listed(wanted));
        }
        let started = Instant::now();
        // Whoever watches the probe may ask public DNS meanwhile; a proxy's name is not theirs.
        let target = !self.recorder.is_proxy(uri);
        self.recorder.log().resolving = target;
        let result = self.ask_dns(&host, port, config, timeout);
        let mut log = self.recorder.log();
        log.resolving = false;
        Recorder::add(&mut log.dns, started.elapsed());
        drop(log);
        let addresses = match result {
            Ok(addresses) => addresses,
            Err(error) => {
                if let Error::Io(e) = &error {
                    if let Some(shortage) = crate::probe::failure::local_shortage(e) {
                        self.recorder.fail(PhaseFailure::Local {
                            detail: shortage.message,
                        });
                        return Err(error);
                    }
                }
                let (detail, timed_out, resolver_failed) = match &error {
                    Error::Timeout(_) => ("the lookup did not finish".to_string(), true, true),
                    Error::HostNotFound => (
                        "no address of the wanted IP family".to_string(),
                        false,
                        false,
                    ),
                    Error::Io(e) => (lookup_words(e), false, resolver_failed(e)),
                    other => (other.to_string(), false, false),
                };
                self.recorder.fail(PhaseFailure::Dns {
                    host,
                    detail,
                    timed_out,
                    resolver_failed,
                });
                return Err(error);
            }
        };
        // A proxy is the user's own choice; the blocked check is for the names they probe.
        if self.recorder.is_proxy(uri) || !is_public_name(&host) {
            return Ok(addresses);
        }
        let ips: Vec<IpAddr> = addresses.iter().map(SocketAddr::ip).collect();
        if let Some(answer) = blocked_answer(&ips) {
            self.recorder.fail(PhaseFailure::Blocked { host, answer });
            return Err(Error::HostNotFound);
        }
        // Real addresses came too: the blocking ones would only reach this machine.
        Ok(self.listed(
            addresses
                .iter()
                .copied()
                .filter(|a| !is_blocking_address(a.ip())),
        ))
    }
}

impl TimedResolver {
    /// The system's answer, or the test seam's.
    fn ask_dns(
        &self,
        host: &str,
        port: Option<u16>,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let Some(fixed) = &self.fixed_dns else {
            let port = port.ok_or(Error::HostNotFound)?;
            let found = system_lookup(host, port, timeout)?;
            let wanted: Vec<SocketAddr> = config.ip_family().keep_wanted(found).collect();
            if wanted.is_empty() {
                return Err(Error::HostNotFound);
            }
            return Ok(self.listed(wanted));
        };
        let port = port.ok_or(Error::HostNotFound)?;
        if fixed.hangs(host) {
            // As a resolver that drops the question: the lookup's thread never hears back.
            let never = || -> io::Result<std::vec::IntoIter<SocketAddr>> {
                loop {
                    thread::park();
                }
            };
            return lookup_on_a_thread(never, timeout).map(|found| self.listed(found));
        }
        if fixed.fails(host) {
            return Err(Error::Io(seam_resolver_failure()));
        }
        let answer = fixed.answer(host);
        if answer.is_empty() {
            return Err(Error::Io(io::Error::other("name or service not known")));
        }
        let found = answer.into_iter().map(|ip| SocketAddr::new(ip, port));
        let wanted: Vec<SocketAddr> = config.ip_family().keep_wanted(found).collect();
        if wanted.is_empty() {
            return Err(Error::HostNotFound);
        }
        Ok(self.listed(wanted))
    }

    /// The addresses as they will be tried: duplicates dropped and the families interleaved
    /// (RFC 8305) before ureq's fixed number is kept, so that a long answer of one family
    /// cannot push every address of the other out of the race.
    fn listed(&self, addresses: impl IntoIterator<Item = SocketAddr>) -> ResolvedSocketAddrs {
        let addresses: Vec<SocketAddr> = addresses.into_iter().collect();
        let mut listed = self.empty();
        for address in eyeballs::order(&addresses) {
            // ureq keeps a fixed number of addresses; the rest would not be tried anyway.
            if listed.try_push(address).is_err() {
                break;
            }
        }
        listed
    }

    fn dns_failed(&self, host: String, detail: &str) -> Error {
        self.recorder.fail(PhaseFailure::Dns {
            host,
            detail: detail.into(),
            timed_out: false,
            resolver_failed: false,
        });
        Error::HostNotFound
    }
}

/// The system resolver's whole answer (ureq's own resolver keeps only its first 16
/// addresses), on a thread of its own when the lookup has a deadline: getaddrinfo cannot be
/// stopped, so past the deadline it is left to finish alone.
fn system_lookup(
    host: &str,
    port: u16,
    timeout: NextTimeout,
) -> Result<std::vec::IntoIter<SocketAddr>, Error> {
    let name = (host.to_string(), port);
    if timeout.after.is_not_happening() {
        return Ok(name.to_socket_addrs()?);
    }
    lookup_on_a_thread(move || name.to_socket_addrs(), timeout)
}

/// Runs `lookup` on a thread of its own and waits for it within `timeout`; past it, the thread
/// is left to finish alone.
fn lookup_on_a_thread(
    lookup: impl FnOnce() -> io::Result<std::vec::IntoIter<SocketAddr>> + Send + 'static,
    timeout: NextTimeout,
) -> Result<std::vec::IntoIter<SocketAddr>, Error> {
    let (answer, answered) = mpsc::sync_channel(1);
    thread::Builder::new().spawn(move || answer.send(lookup()))?;
    match answered.recv_timeout(*timeout.after) {
        Ok(found) => Ok(found?),
        Err(RecvTimeoutError::Timeout) => Err(Error::Timeout(timeout.reason)),
        Err(RecvTimeoutError::Disconnected) => Err(Error::Io(io::Error::other(
            "the lookup ended without an answer",
        ))),
    }
}

/// Whether a failed lookup is the resolver's own failure (EAI_AGAIN: no server answered;
/// EAI_FAIL; EAI_SYSTEM, which the standard library hands on as the OS error) rather than a
/// definite answer that the name has no address. The standard library keeps only
/// `gai_strerror`'s words of the code, so this is the one place that looks at them: the words
/// glibc, musl and the BSDs (macOS) give those two codes.
fn resolver_failed(error: &io::Error) -> bool {
    if error.raw_os_error().is_some() {
        return true;
    }
    let text = error.to_string().to_lowercase();
    RESOLVER_FAILURES.iter().any(|words| text.ends_with(words))
}

/// `gai_strerror(EAI_AGAIN)` and `gai_strerror(EAI_FAIL)`, in lower case.
const RESOLVER_FAILURES: [&str; 2] = [
    "temporary failure in name resolution",
    "non-recoverable failure in name resolution",
];

/// The error the standard library gives when no DNS server answered (EAI_AGAIN).
fn seam_resolver_failure() -> io::Error {
    io::Error::other(format!(
        "failed to lookup address information: {}",
        "Temporary failure in name resolution"
    ))
}

/// getaddrinfo's message, made readable.
fn lookup_words(error: &io::Error) -> String {
    let text = error.to_string();
    let text = text
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(&text);
    text.to_lowercase()
}
