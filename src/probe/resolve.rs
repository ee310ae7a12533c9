//! Name resolution, timed: ureq's own resolver behind a stopwatch, and no lookup at all for an
//! IP literal.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use ureq::Error;

use super::phase_log::{PhaseFailure, Recorder};
use super::port::port_of;

/// The ureq resolver, timed. IP literals need no lookup, so they get no DNS time.
#[derive(Debug)]
pub struct TimedResolver {
    pub recorder: Recorder,
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

/// getaddrinfo's message, made readable.
fn lookup_words(error: &io::Error) -> String {
    let text = error.to_string();
    let text = text
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(&text);
    text.to_lowercase()
}
