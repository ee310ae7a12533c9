//! One HTTP client for everything the program asks of the network: a probe of a target, a
//! status page, a reference endpoint, a DNS-over-HTTPS question, a call to the Globalping API.
//! [`send`] takes a [`Request`] and always gives a [`Response`]: resolve, connect, TLS, request,
//! answer and as much of the body as asked, all within one deadline, every phase timed. Judging
//! it is the verdict's job.
//!
//! - `send` is the one entry point; `redirect` walks from the first URL to the answer, `body`
//!   reads as much of it as asked, `auth` keeps a request's headers to its own origin;
//! - `transport/` holds the seams installed into ureq that time each phase (the only users of
//!   ureq's unversioned API); `failure` turns what they saw into a failure in words;
//! - `answer` and `head` read what the server said, raw bytes included; `bot_wall` and `edge`
//!   what its signature says;
//! - `tls/` is trust and certificates, `dns/` names and addresses, `eyeballs` and `dual_stack`
//!   the race between a host's addresses, `proxy` the proxy variables.

pub mod bot_wall;
pub mod dns;
pub mod dual_stack;
pub mod edge;
pub(crate) mod eyeballs;
pub(crate) mod head;
pub mod tls;

mod answer;
mod auth;
mod body;
mod failure;
mod proxy;
mod redirect;
mod request;
mod response;
mod send;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;
use serde::Deserialize;
use ureq::config::IpFamily;

pub use answer::Answer;
pub use body::MAX_BODY;
pub use eyeballs::{Attempt, AttemptOutcome};
pub use failure::{ErrorKind, Failure};
pub use proxy::{ProxyEnv, ProxyUsed};
pub use request::{BadUrl, ReadBody, Request};
pub use response::{Redirect, Response, Timings};
pub use send::{send, send_watched};
pub use tls::Certificate;
pub use transport::phase_log::Watch;

/// How every request of a run goes out: TLS trust, the deadline, the IP family, proxies, and
/// where names lead. What to ask is the request's.
#[derive(Debug, Clone)]
pub struct Client {
    pub tls: Arc<ClientConfig>,
    /// Whom certificates are checked against; `None` with `--insecure`.
    pub trust: Option<Arc<tls::Trusted>>,
    /// A request's deadline unless it has its own.
    pub timeout: Duration,
    pub ip_family: IpFamily,
    pub proxies: ProxyEnv,
    /// `--resolve`: addresses for a host and port instead of DNS.
    pub pins: dns::pins::Pins,
    /// The test seam standing in for the system resolver (see `dns::seam`); `None` in real use.
    pub fixed_dns: Option<Arc<dns::seam::FixedDns>>,
}

impl Client {
    /// A client that trusts what this machine trusts, with no pins and the proxies given: the
    /// way out for tools beside the probes (the catalog checker, tests of the API clients).
    pub fn with_machine_trust(
        timeout: Duration,
        proxies: ProxyEnv,
    ) -> Result<Client, tls::TrustError> {
        let (tls, trust) = tls::client_config(false, None)?;
        Ok(Client {
            tls,
            trust,
            timeout,
            ip_family: IpFamily::Any,
            proxies,
            pins: dns::pins::Pins::default(),
            fixed_dns: None,
        })
    }
}

/// The request methods. HEAD asks for the answer without its body; POST is for APIs, never a
/// target's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    #[value(name = "GET")]
    Get,
    #[value(name = "HEAD")]
    Head,
    #[serde(skip_deserializing)]
    #[value(skip)]
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
        }
    }
}
