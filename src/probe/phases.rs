//! Timing every phase of a probe through ureq's seams: a resolver that times DNS, a connector
//! that times TCP connect (and knows which address answered), one that times the TLS handshake
//! (and keeps the certificate), and a transport wrapper that times the first byte and keeps the
//! raw status line, whose reason phrase ureq does not hand on.
//!
//! Each probe owns one [`PhaseLog`]; on a failure it says which phase failed, because ureq
//! reports a DNS failure as a plain I/O error.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};
use ureq::Error;

use super::tls::{self, Certificate};

/// The longest status line kept; a server may send anything.
const MAX_STATUS_LINE: usize = 1024;

/// What one probe learned about its phases. Durations add up over redirect hops.
#[derive(Debug, Default, Clone)]
pub struct PhaseLog {
    pub dns: Option<Duration>,
    pub connect: Option<Duration>,
    pub tls: Option<Duration>,
    pub first_byte: Option<Duration>,
    /// The address the last connection went to.
    pub address: Option<SocketAddr>,
    /// The last server certificate seen.
    pub certificate: Option<Certificate>,
    /// The raw first line of the last response.
    pub status_line: Option<Vec<u8>>,
    /// The phase that failed, if one of ours did.
    pub failure: Option<PhaseFailure>,
    /// The proxy (host, port) the current request goes through, if any.
    pub proxy: Option<(String, u16)>,
}

/// A failure seen inside a phase, in words, before ureq turns it into a generic error.
#[derive(Debug, Clone, PartialEq)]
pub enum PhaseFailure {
    Dns {
        host: String,
        detail: String,
        timed_out: bool,
    },
    Connect {
        address: Option<SocketAddr>,
        kind: io::ErrorKind,
        detail: String,
    },
    Tls {
        detail: String,
        timed_out: bool,
    },
}

/// A probe's log, shared with the seams it installs into its agent.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<PhaseLog>>);

impl Recorder {
    fn log(&self) -> MutexGuard<'_, PhaseLog> {
        // A poisoned lock only means a seam panicked mid-update; the numbers are still usable.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn snapshot(&self) -> PhaseLog {
        self.log().clone()
    }

    fn add(slot: &mut Option<Duration>, elapsed: Duration) {
        *slot = Some(slot.unwrap_or_default() + elapsed);
    }

    fn fail(&self, failure: PhaseFailure) {
        self.log().failure = Some(failure);
    }

    /// Says which proxy the next request goes through, so that the tunnel to it is not taken
    /// for the answer.
    pub fn set_proxy(&self, proxy: Option<(String, u16)>) {
        self.log().proxy = proxy;
    }

    fn is_proxy(&self, uri: &Uri) -> bool {
        let log = self.log();
        let Some((host, port)) = &log.proxy else {
            return false;
        };
        let uri_port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            _ => Some(80),
        });
        uri.host()
            .is_some_and(|h| h.trim_matches(['[', ']']) == host.trim_matches(['[', ']']))
            && uri_port == Some(*port)
    }
}

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
            let default_port = if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            };
            let mut addresses = self.empty();
            addresses.push(SocketAddr::new(ip, uri.port_u16().unwrap_or(default_port)));
            return Ok(addresses);
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

/// Connects over TCP to each resolved address in turn, sharing the deadline among them.
#[derive(Debug)]
pub struct TimedTcpConnector {
    pub recorder: Recorder,
}

impl<In: Transport> Connector<In> for TimedTcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let started = Instant::now();
        let budget = details.timeout.not_zero().map(|t| *t);
        let addresses: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        let mut last: Option<(SocketAddr, io::Error)> = None;
        for (index, &address) in addresses.iter().enumerate() {
            let left = budget.map(|b| b.saturating_sub(started.elapsed()));
            if left == Some(Duration::ZERO) {
                break;
            }
            // Later addresses keep a share of the time, so one black hole cannot take it all.
            let share = left.map(|l| {
                (l / (addresses.len() - index) as u32).max(l.min(Duration::from_millis(100)))
            });
            let attempt = match share {
                Some(share) => TcpStream::connect_timeout(&address, share),
                None => TcpStream::connect(address),
            };
            match attempt {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    let mut log = self.recorder.log();
                    Recorder::add(&mut log.connect, started.elapsed());
                    log.address = Some(address);
                    let config = details.config;
                    let buffers =
                        LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
                    return Ok(Some(Either::B(TcpTransport { stream, buffers })));
                }
                Err(error) => last = Some((address, error)),
            }
        }
        Recorder::add(&mut self.recorder.log().connect, started.elapsed());
        let (address, error) = match last {
            Some((address, error)) => (Some(address), error),
            None => (None, io::Error::from(io::ErrorKind::TimedOut)),
        };
        self.recorder.log().address = address;
        self.recorder.fail(PhaseFailure::Connect {
            address,
            kind: error.kind(),
            detail: crate::words::io_error(&error),
        });
        Err(if error.kind() == io::ErrorKind::TimedOut {
            Error::Timeout(ureq::Timeout::Connect)
        } else {
            Error::Io(error)
        })
    }
}

/// A plain TCP connection whose every read and write keeps to the probe's deadline.
pub struct TcpTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
}

impl fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpTransport")
            .field("peer", &self.stream.peer_addr().ok())
            .finish()
    }
}

/// The time an I/O call may take; an exhausted deadline is a timeout, not a one-second grace.
fn time_left(timeout: NextTimeout) -> Result<Option<Duration>, Error> {
    if timeout.after.is_not_happening() {
        Ok(None)
    } else if timeout.after.is_zero() {
        Err(Error::Timeout(timeout.reason))
    } else {
        Ok(Some(*timeout.after))
    }
}

fn timed_out(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = timeout.for_write();
        self.stream.set_write_timeout(time_left(timeout)?)?;
        let output = &self.buffers.output()[..amount];
        match self.stream.write_all(output) {
            Err(e) if timed_out(&e) => Err(Error::Timeout(timeout.reason)),
            other => Ok(other?),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = timeout.for_read();
        let started = Instant::now();
        let limit = time_left(timeout)?;
        loop {
            let left = limit.map(|l| l.saturating_sub(started.elapsed()));
            if left == Some(Duration::ZERO) {
                return Err(Error::Timeout(timeout.reason));
            }
            self.stream.set_read_timeout(left)?;
            let input = self.buffers.input_append_buf();
            match self.stream.read(input) {
                Ok(amount) => {
                    self.buffers.input_appended(amount);
                    return Ok(amount > 0);
                }
                // A signal is no reason to give up; the deadline still holds.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn is_open(&mut self) -> bool {
        // Open means: nothing to read and no end of stream, right now.
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut byte = [0u8];
        let open =
            matches!(self.stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        self.stream.set_nonblocking(false).is_ok() && open
    }
}

/// TLS with our own rustls configuration, handshake completed (and timed) before the request.
#[derive(Debug)]
pub struct TimedTlsConnector {
    pub recorder: Recorder,
    pub config: Arc<ClientConfig>,
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
            });
            Error::Tls("invalid server name")
        })?;
        let started = Instant::now();
        let mut connection = ClientConnection::new(self.config.clone(), name).map_err(|e| {
            self.recorder.fail(PhaseFailure::Tls {
                detail: tls::words(&e),
                timed_out: false,
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
        if let Some(leaf) = connection
            .peer_certificates()
            .and_then(|chain| chain.first())
        {
            log.certificate = tls::certificate_of(leaf);
        }
        drop(log);
        if let Err(error) = outcome {
            let ureq_error = Error::from(error);
            let (detail, timed_out) = match &ureq_error {
                Error::Timeout(_) => ("the handshake did not finish".to_string(), true),
                Error::Io(e) => match e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    Some(tls_error) => (tls::words(tls_error), false),
                    None => (
                        format!(
                            "the connection failed during the handshake: {}",
                            crate::words::io_error(e)
                        ),
                        false,
                    ),
                },
                other => (other.to_string(), false),
            };
            self.recorder.fail(PhaseFailure::Tls { detail, timed_out });
            return Err(ureq_error);
        }
        let config = details.config;
        let buffers = LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

/// A TLS session over whatever transport came before it in the chain.
pub struct TlsTransport {
    buffers: LazyBuffers,
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

/// The last link of the chain: wraps every connection to time the first byte of each answer,
/// keep its raw status line, and make its head parseable (see [`FirstByteTransport`]).
#[derive(Debug)]
pub struct FirstByteConnector {
    pub recorder: Recorder,
}

impl<In: Transport> Connector<In> for FirstByteConnector {
    type Out = Either<In, FirstByteTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        // ureq reaches a CONNECT proxy through this same chain: that connection only carries
        // the tunnel, whose own wrapper will time the answer.
        if self.recorder.is_proxy(details.uri) {
            return Ok(chained.map(Either::A));
        }
        let config = details.config;
        Ok(chained.map(|inner| {
            Either::B(FirstByteTransport {
                inner: inner.boxed(),
                buffers: LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size()),
                recorder: self.recorder.clone(),
                sent_at: None,
                raw_head: None,
                head_end: HeadEnd::default(),
            })
        }))
    }
}

/// Sits between ureq and the connection with buffers of its own. What the server sends is
/// passed on as it came, except that control characters in a response's head become spaces:
/// the parser refuses them, yet a server that puts an escape sequence in its reason phrase or a
/// header has still answered. The raw status line is kept for the report, which shows server
/// text safely.
#[derive(Debug)]
pub struct FirstByteTransport {
    inner: Box<dyn Transport>,
    buffers: LazyBuffers,
    recorder: Recorder,
    /// When the current request went out; cleared by the first byte of its answer.
    sent_at: Option<Instant>,
    /// The answer's raw bytes so far, while its status line is not yet found.
    raw_head: Option<Vec<u8>>,
    head_end: HeadEnd,
}

/// Where a response head ends (the blank line), found across reads. After an interim 1xx
/// head, the final response's head follows and is cleaned too.
#[derive(Debug, Default)]
struct HeadEnd {
    in_head: bool,
    /// How much of "\r\n\r\n" (or "\n\n") has just been seen.
    newlines: u8,
    /// Bytes of this head seen so far, to find the status code's first digit ("HTTP/1.1 1").
    position: usize,
    interim: bool,
}

impl HeadEnd {
    fn start(&mut self) {
        *self = HeadEnd {
            in_head: true,
            ..HeadEnd::default()
        };
    }

    /// Replaces control characters inside the head, leaving the body alone.
    fn clean(&mut self, bytes: &mut [u8]) {
        for byte in bytes.iter_mut() {
            if !self.in_head {
                return;
            }
            if self.position == 9 {
                self.interim = *byte == b'1';
            }
            self.position += 1;
            match *byte {
                b'\n' => {
                    self.newlines += 1;
                    if self.newlines == 2 {
                        if self.interim {
                            self.start();
                        } else {
                            self.in_head = false;
                        }
                    }
                }
                b'\r' => {}
                b'\t' => self.newlines = 0,
                b if b < 0x20 || b == 0x7f => {
                    *byte = b' ';
                    self.newlines = 0;
                }
                _ => self.newlines = 0,
            }
        }
    }
}

impl Transport for FirstByteTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let mut sent = 0;
        while sent < amount {
            let theirs = self.inner.buffers().output();
            let chunk = (amount - sent).min(theirs.len());
            if chunk == 0 {
                return Err(Error::Io(io::Error::other("no room to send the request")));
            }
            theirs[..chunk].copy_from_slice(&self.buffers.output()[sent..sent + chunk]);
            self.inner.transmit_output(chunk, timeout)?;
            sent += chunk;
        }
        if self.sent_at.is_none() && self.raw_head.is_none() {
            self.sent_at = Some(Instant::now());
            self.raw_head = Some(Vec::new());
            self.head_end.start();
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        if self.inner.buffers().input().is_empty() && !self.inner.await_input(timeout)? {
            return Ok(false);
        }
        let theirs = self.inner.buffers().input();
        let room = self.buffers.input_append_buf();
        let amount = theirs.len().min(room.len());
        if amount == 0 {
            return Err(Error::Io(io::Error::other(
                "the response head does not fit the buffer",
            )));
        }
        room[..amount].copy_from_slice(&theirs[..amount]);
        if let Some(sent_at) = self.sent_at.take() {
            Recorder::add(&mut self.recorder.log().first_byte, sent_at.elapsed());
        }
        if let Some(raw) = self.raw_head.as_mut() {
            raw.extend_from_slice(&room[..amount]);
            match final_status_line(raw) {
                Sniff::Found(line) => {
                    self.recorder.log().status_line = Some(line.to_vec());
                    self.raw_head = None;
                }
                Sniff::GiveUp => self.raw_head = None,
                Sniff::NeedMore => {}
            }
        }
        self.head_end.clean(&mut room[..amount]);
        self.buffers.input_appended(amount);
        self.inner.buffers().input_consume(amount);
        Ok(true)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

enum Sniff<'a> {
    Found(&'a [u8]),
    NeedMore,
    GiveUp,
}

/// The status line of the final response at the start of `input`, past any interim 1xx
/// responses (103 Early Hints, 100 Continue), whose reason phrase is not the answer's.
fn final_status_line(input: &[u8]) -> Sniff<'_> {
    const MAX_SNIFF: usize = 64 * 1024;
    let mut rest = input;
    loop {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return if input.len() > MAX_SNIFF || rest.len() > MAX_STATUS_LINE {
                Sniff::GiveUp
            } else {
                Sniff::NeedMore
            };
        };
        let line = &rest[..end.min(MAX_STATUS_LINE)];
        let interim = line.len() > 9 && line.starts_with(b"HTTP/") && line.get(9) == Some(&b'1');
        if !interim {
            return Sniff::Found(line);
        }
        let head_end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| i + 4)
            .or_else(|| rest.windows(2).position(|w| w == b"\n\n").map(|i| i + 2));
        match head_end {
            Some(next) => rest = &rest[next..],
            None if input.len() > MAX_SNIFF => return Sniff::GiveUp,
            None => return Sniff::NeedMore,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(input: &[u8]) -> Option<&[u8]> {
        match final_status_line(input) {
            Sniff::Found(line) => Some(line),
            _ => None,
        }
    }

    #[test]
    fn control_characters_are_cleaned_from_the_head_only() {
        let mut end = HeadEnd::default();
        end.start();
        let mut first = b"HTTP/1.1 503 Bad\x1b[31m\x7f\r\nServer: ev\x1bil\r".to_vec();
        let mut second = b"\n\r\nbody\x1b".to_vec();
        end.clean(&mut first);
        end.clean(&mut second);
        assert_eq!(first, b"HTTP/1.1 503 Bad [31m \r\nServer: ev il\r");
        assert_eq!(second, b"\n\r\nbody\x1b", "the body is left as it came");
    }

    #[test]
    fn the_final_head_after_an_interim_one_is_cleaned_too() {
        let mut end = HeadEnd::default();
        end.start();
        let mut bytes =
            b"HTTP/1.1 103 Early\x1b\r\n\r\nHTTP/1.1 503 Bad\x1b\r\n\r\nbody\x1b".to_vec();
        end.clean(&mut bytes);
        assert_eq!(
            bytes,
            b"HTTP/1.1 103 Early \r\n\r\nHTTP/1.1 503 Bad \r\n\r\nbody\x1b"
        );
    }

    #[test]
    fn interim_responses_are_skipped() {
        assert_eq!(
            found(b"HTTP/1.1 503 Service Unavailable\r\n"),
            Some(&b"HTTP/1.1 503 Service Unavailable\r"[..])
        );
        let hints =
            b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 503 Busy\r\nX: y\r\n";
        assert_eq!(found(hints), Some(&b"HTTP/1.1 503 Busy\r"[..]));
        assert!(matches!(
            final_status_line(b"HTTP/1.1 100 Continue\r\n"),
            Sniff::NeedMore
        ));
        assert!(matches!(
            final_status_line(b"HTTP/1.1 200 O"),
            Sniff::NeedMore
        ));
        assert!(matches!(final_status_line(&[b'x'; 2000]), Sniff::GiveUp));
    }
}
