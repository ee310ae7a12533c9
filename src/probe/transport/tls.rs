//! TLS, timed: the handshake is completed (and timed) with our own rustls configuration before
//! the request goes out, and the server's certificate is kept for its expiry.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Instant;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport, TransportAdapter,
};
use ureq::Error;

use super::buffers::ProbeBuffers;

use super::phase_log::{PhaseFailure, Recorder};
use crate::probe::tls;

/// TLS with our own rustls configuration, handshake completed (and timed) before the request.
#[derive(Debug)]
pub struct TimedTlsConnector {
    pub recorder: Recorder,
    pub config: Arc<ClientConfig>,
    /// The roots to load, within the deadline, before the first handshake needs them.
    pub trust: Option<Arc<tls::Trusted>>,
}

impl<In: Transport> Connector<In> for TimedTlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .unwrap_or_default()
            .trim_matches(['[', ']']);
        let name = ServerName::try_from(host.to_string()).map_err(|_| {
            self.recorder.fail(PhaseFailure::Tls {
                detail: format!("'{host}' cannot be a TLS server name"),
                timed_out: false,
                inspected: false,
            });
            Error::Tls("invalid server name")
        })?;
        let started = Instant::now();
        if let Some(trust) = &self.trust {
            trust.load_within(details.timeout.not_zero().map(|left| started + *left));
        }
        let mut connection = ClientConnection::new(self.config.clone(), name).map_err(|e| {
            self.recorder.fail(PhaseFailure::Tls {
                detail: tls::words(&e),
                timed_out: false,
                inspected: false,
            });
            Error::Tls("cannot start TLS")
        })?;
        let mut socket = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        socket.set_timeout(details.timeout);
        let mut handshake = || -> io::Result<()> {
            while connection.is_handshaking() {
                connection.complete_io(&mut socket)?;
            }
            Ok(())
        };
        let outcome = handshake();
        let mut log = self.recorder.log();
        Recorder::add(&mut log.tls, started.elapsed());
        log.handshake = Some(tls::Handshake::of(&connection));
        if let Some(leaf) = connection
            .peer_certificates()
            .and_then(|chain| chain.first())
        {
            log.certificate = tls::certificate_of(leaf);
        }
        drop(log);
        if let Err(error) = outcome {
            let ureq_error = Error::from(error);
            let mut inspected = false;
            let (detail, timed_out) = match &ureq_error {
                Error::Timeout(_) => ("the handshake did not finish".to_string(), true),
                Error::Io(e) => match e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    Some(tls_error) => {
                        inspected = tls::untrusted_issuer(tls_error)
                            .is_some_and(|issuer| issuer.inspector.is_some());
                        (tls::words(tls_error), false)
                    }
                    None => (handshake_cut(e, host), false),
                },
                other => (other.to_string(), false),
            };
            self.recorder.fail(PhaseFailure::Tls {
                detail,
                timed_out,
                inspected,
            });
            return Err(ureq_error);
        }
        let config = details.config;
        let buffers = ProbeBuffers::new(config.output_buffer_size(), config.input_buffer_size());
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

/// A TLS session over whatever transport came before it in the chain.
pub struct TlsTransport {
    buffers: ProbeBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        self.stream.flush()?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// A handshake the server ended. On a machine of the user's own (localhost, a private address),
/// a server that hangs up on TLS is most often plain HTTP on that port: say so.
fn handshake_cut(error: &io::Error, host: &str) -> String {
    use crate::probe::dns::locality::{local_address_kind, local_name, LocalName};
    let words = crate::text::words::io_error(error);
    let hung_up = matches!(
        error.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    );
    let own_machine = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => local_address_kind(ip).is_some(),
        Err(_) => local_name(host) == Some(LocalName::LocalSuffix) || host == "localhost",
    };
    match hung_up && own_machine {
        true => format!(
            "the server hung up during the TLS handshake ({words}): plain HTTP on this port?"
        ),
        false => format!("the connection failed during the handshake: {words}"),
    }
}
