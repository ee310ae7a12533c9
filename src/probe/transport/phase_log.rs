//! What one request learned about its phases, written by the seams it installs into its agent
//! (see `resolve`, `tcp`, `tls` and `first_byte`) and read back when the request ends.
//!
//! On a failure the log says which phase failed, because ureq reports a DNS failure as a plain
//! I/O error.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ureq::http::Uri;

use super::port::port_of;
use crate::probe::eyeballs::Attempt;
use crate::probe::proxy::{NamedProxy, ProxyUsed};
use crate::probe::tls::Certificate;

/// What one probe learned about its phases. Durations add up over redirect hops.
#[derive(Debug, Default, Clone)]
pub struct PhaseLog {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
    pub first_byte: Option<Duration>,
    /// The address the last connection went to.
    pub address: Option<SocketAddr>,
    /// Every connection attempt, over all connections of the probe, in the order started.
    pub attempts: Vec<Attempt>,
    /// The last server certificate seen.
    pub certificate: Option<Certificate>,
    /// What the last TLS handshake agreed on.
    pub handshake: Option<crate::probe::tls::Handshake>,
    /// The raw first line of the last response.
    pub status_line: Option<Vec<u8>>,
    /// The first bytes of the last response, as they came: what a server that does not speak
    /// HTTP said instead.
    pub first_bytes: Option<Vec<u8>>,
    /// The phase that failed, if one of ours did.
    pub failure: Option<PhaseFailure>,
    /// The proxy (host, port) the current request goes through, if any.
    pub proxy: Option<(String, u16)>,
    /// The same proxy as a report names it.
    pub proxy_used: Option<ProxyUsed>,
    /// The current request is still on its way to its proxy: reaching it, or waiting for the
    /// tunnel through it (see `tunnel`). A failure now is the proxy's.
    pub reaching_proxy: bool,
    /// The raw status line of the proxy's answer to CONNECT.
    pub proxy_answer: Option<Vec<u8>>,
    /// DNS is being asked for the target's name right now.
    pub resolving: bool,
}

/// A failure seen inside a phase, in words, before ureq turns it into a generic error.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseFailure {
    Dns {
        host: String,
        detail: String,
        timed_out: bool,
        /// The resolver itself failed (no server answered in time, or it broke), rather than
        /// saying the name has no address: nothing was learnt about the name.
        resolver_failed: bool,
    },
    /// DNS answered a public name with nothing but addresses no service has: a DNS filter.
    Blocked { host: String, answer: IpAddr },
    Connect {
        address: Option<SocketAddr>,
        kind: io::ErrorKind,
        detail: String,
    },
    Tls {
        detail: String,
        timed_out: bool,
        /// The certificate came from a known TLS-inspection product, not from the service.
        inspected: bool,
    },
    /// This machine ran short of something: in words, already a whole sentence.
    Local { detail: String },
}

/// A probe's log, shared with the seams it installs into its agent.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<PhaseLog>>);

impl Recorder {
    pub(super) fn log(&self) -> MutexGuard<'_, PhaseLog> {
        // A poisoned lock only means a seam panicked mid-update; the numbers are still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn snapshot(&self) -> PhaseLog {
        self.log().clone()
    }

    pub(super) fn add(slot: &mut Option<Duration>, elapsed: Duration) {
        *slot = Some(slot.unwrap_or_default() + elapsed);
    }

    pub(super) fn fail(&self, failure: PhaseFailure) {
        self.log().failure = Some(failure);
    }

    /// Says which proxy the next request goes through, so that the tunnel to it is not taken
    /// for the answer, and a failure on the way to it is told as the proxy's.
    pub fn set_proxy(&self, proxy: Option<&NamedProxy>) {
        let mut log = self.log();
        log.proxy = proxy.map(|p| (p.proxy.host().to_string(), p.proxy.port()));
        log.proxy_used = proxy.map(NamedProxy::used);
        log.reaching_proxy = false;
        log.proxy_answer = None;
    }

    pub(super) fn is_proxy(&self, uri: &Uri) -> bool {
        let log = self.log();
        let Some((host, port)) = &log.proxy else {
            return false;
        };
        uri.host()
            .is_some_and(|h| h.trim_matches(['[', ']']) == host.trim_matches(['[', ']']))
            && port_of(uri) == Some(*port)
    }
}

/// A probe in flight, seen from outside while it runs (see `probe::send_watched`): whether it
/// is waiting for DNS, and whether anything has answered it yet.
#[derive(Debug, Clone, Default)]
pub struct Watch(pub(in crate::probe) Recorder);

impl Watch {
    /// No answer has begun to arrive: no first byte of one.
    pub fn silent(&self) -> bool {
        self.0.log().first_byte.is_none()
    }

    /// DNS has not yet answered for the target's name.
    pub fn resolving(&self) -> bool {
        self.0.log().resolving
    }
}
