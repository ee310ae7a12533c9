//! One request's way out: an agent whose seams report to the request's phase log, and what is
//! left of its deadline.

use std::time::{Duration, Instant};

use ureq::unversioned::transport::{ConnectProxyConnector, Connector, SocksConnector};
use ureq::Agent;
use url::Url;

use super::first_byte::FirstByteConnector;
use super::phase_log::Recorder;
use super::resolve::TimedResolver;
use super::tcp::TimedTcpConnector;
use super::tls::TimedTlsConnector;
use super::tunnel::{Leg, TunnelMark};
use crate::probe::failure::{self, ErrorKind, Failure, Stage};
use crate::probe::{Client, Method};

/// Response headers larger than this are a protocol failure, not a memory problem.
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// The input may grow a little past the header limit, so that a head over it is seen as such.
const MAX_INPUT_BYTES: usize = MAX_HEADER_BYTES + 4 * 1024;
/// A request head is its URL, our headers and the user's; this much more is room to spare.
const REQUEST_HEAD_ROOM: usize = 2 * 1024;

pub(in crate::probe) struct Session<'c> {
    client: &'c Client,
    agent: Agent,
    pub recorder: Recorder,
    pub start: Instant,
    timeout: Duration,
}

impl<'c> Session<'c> {
    /// A session whose phases are written to `recorder`, which others may be watching.
    pub fn new(client: &'c Client, timeout: Duration, recorder: Recorder) -> Session<'c> {
        let agent = agent_for(client, timeout, &recorder);
        Session {
            client,
            agent,
            recorder,
            start: Instant::now(),
            timeout,
        }
    }

    /// Sends one request with what is left of the deadline, with a body when given; a failure
    /// is already in words.
    pub fn send(
        &self,
        url: &Url,
        method: Method,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> Result<ureq::http::Response<ureq::Body>, Failure> {
        let mut builder = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(bare(url).as_str());
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        match body {
            Some(body) => self.run(url, builder.body(body)),
            None => self.run(url, builder.body(())),
        }
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        url: &Url,
        request: Result<ureq::http::Request<B>, ureq::http::Error>,
    ) -> Result<ureq::http::Response<ureq::Body>, Failure> {
        let left = self.timeout.saturating_sub(self.start.elapsed());
        if left.is_zero() {
            let within = crate::text::words::duration(self.timeout);
            return Err(Failure::new(
                ErrorKind::Timeout,
                format!("no answer within {within}"),
            ));
        }
        let request = request.map_err(|e| self.classify(&ureq::Error::Http(e), Stage::Exchange))?;
        let proxy = self.client.proxies.for_url(url);
        self.recorder.set_proxy(proxy.as_ref());
        // Sized for this request: twice its URL (a redirect may lengthen it on the same
        // connection) and the headers.
        let head_size = REQUEST_HEAD_ROOM
            + 2 * url.as_str().len()
            + request
                .headers()
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len() + 4)
                .sum::<usize>();
        let request = self
            .agent
            .configure_request(request)
            .output_buffer_size(head_size)
            .timeout_global(Some(left))
            .proxy(proxy.as_ref().map(|p| p.proxy.clone()))
            .build();
        self.agent.run(request).map_err(|e| {
            let log = self.recorder.snapshot();
            let failure = failure::classify(&e, &log, self.timeout, Stage::Exchange);
            // Before the tunnel was up, the proxy failed, not the service: unless this machine
            // ran short, which is no one's fault but its own.
            match (&log.proxy_used, log.reaching_proxy) {
                (Some(used), true) if failure.kind != ErrorKind::Local => {
                    failure::through_proxy(used, &e, &log, self.timeout, &failure, url)
                }
                _ => failure,
            }
        })
    }

    pub fn classify(&self, error: &ureq::Error, stage: Stage) -> Failure {
        failure::classify(error, &self.recorder.snapshot(), self.timeout, stage)
    }
}

/// The URL as sent: no user, no password, no fragment.
pub(in crate::probe) fn bare(url: &Url) -> Url {
    let mut bare = url.clone();
    let _ = bare.set_username("");
    let _ = bare.set_password(None);
    bare.set_fragment(None);
    bare
}

/// An agent whose seams report to this probe's recorder. Redirects are ours to follow.
fn agent_for(client: &Client, timeout: Duration, recorder: &Recorder) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("isitdown/", env!("CARGO_PKG_VERSION")))
        .accept("*/*")
        // Compressed answers only when a request asks for them (Globalping's API does); a
        // probe gets the target's bytes as they come. Bodies are read through a limit
        // after decompression, so a small answer cannot grow past it.
        .accept_encoding("")
        .ip_family(client.ip_family)
        .max_response_header_size(MAX_HEADER_BYTES)
        .input_buffer_size(MAX_INPUT_BYTES)
        .timeout_global(Some(timeout))
        .proxy(None)
        .build();
    // A SOCKS proxy connects on its own; an HTTP proxy is reached through our TCP.
    let connector = ()
        .chain(TunnelMark {
            recorder: recorder.clone(),
            at: Leg::SettingOut,
        })
        .chain(SocksConnector::default())
        .chain(ConnectProxyConnector::default())
        .chain(TunnelMark {
            recorder: recorder.clone(),
            at: Leg::TunnelUp,
        })
        .chain(TimedTcpConnector {
            recorder: recorder.clone(),
        })
        .chain(TimedTlsConnector {
            recorder: recorder.clone(),
            config: client.tls.clone(),
            trust: client.trust.clone(),
        })
        .chain(FirstByteConnector {
            recorder: recorder.clone(),
        });
    Agent::with_parts(
        config,
        connector,
        TimedResolver {
            recorder: recorder.clone(),
            pins: client.pins.clone(),
            fixed_dns: client.fixed_dns.clone(),
        },
    )
}
