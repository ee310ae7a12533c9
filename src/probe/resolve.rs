//! Name resolution, timed: ureq's own resolver behind a stopwatch, and no lookup at all for an
//! IP literal or a name pinned with `--resolve`.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use ureq::config::{Config, IpFamily};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::Error;

use super::phase_log::{PhaseFailure, Recorder};
use super::pins::Pins;
use super::port::port_of;

/// The ureq resolver, timed. IP literals and pinned names need no lookup, so they get no DNS
/// time.
#[derive(Debug)]
pub struct TimedResolver {
    pub recorder: Recorder,
    pub pins: Pins,
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
        // An IP literal needs no lookup (and no lookup thread).
        if let Ok(ip) = host.parse::<IpAddr>() {
            if let Some(port) = port_of(uri) {
                let mut addresses = self.empty();
                addresses.push(SocketAddr::new(ip, port));
                return Ok(addresses);
            }
        }
        if let Some(pinned) = port_of(uri).and_then(|port| self.pins.pinned(&host, port)) {
            return self.pinned(&host, pinned, config.ip_family());
        }
        let started = Instant::now();
        let result = DefaultResolver::default().resolve(uri, config, timeout);
        Recorder::add(&mut self.recorder.log().dns, started.elapsed());
        if let Err(error) = &result {
            let (detail, timed_out) = match error {
                Error::Timeout(_) => ("the lookup did not finish".to_string(), true),
                Error::HostNotFound => ("no address of the wanted IP family".to_string(), false),
                Error::Io(e) => (lookup_words(e), false),
                other => (other.to_string(), false),
            };
            self.recorder.fail(PhaseFailure::Dns {
                host,
                detail,
                timed_out,
            });
        }
        result
    }
}

impl TimedResolver {
    /// The `--resolve` addresses that fit `-4` or `-6`, in the order given.
    fn pinned(
        &self,
        host: &str,
        pinned: Vec<SocketAddr>,
        family: IpFamily,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let mut addresses = self.empty();
        for address in pinned {
            let fits = match family {
                IpFamily::Any => true,
                IpFamily::Ipv4Only => address.is_ipv4(),
                IpFamily::Ipv6Only => address.is_ipv6(),
            };
            // ureq keeps at most 16 addresses; more pins than that are more than enough.
            if fits && addresses.try_push(address).is_err() {
                break;
            }
        }
        if addresses.is_empty() {
            self.recorder.fail(PhaseFailure::Dns {
                host: host.to_string(),
                detail: "--resolve pins no address of the wanted IP family".to_string(),
                timed_out: false,
            });
            return Err(Error::HostNotFound);
        }
        Ok(addresses)
    }
}

/// getaddrinfo's message, made readable.
fn lookup_words(error: &io::Error) -> String {
    let text = error.to_string();
    let text = text
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(&text);
    text.to_lowercase()
}
