//! What went wrong on the way to an answer, in one word for scripts (`error.kind`) and one
//! sentence for people.
//!
//! ureq reports a DNS failure as a plain I/O error, so a failure is classified by the phase the
//! probe had reached (see `phase_log`), and only then by the error's type.

use std::io;
use std::time::Duration;

use super::dns::blocked::blocked_sentence;
use super::proxy::ProxyUsed;
use super::transport::phase_log::{PhaseFailure, PhaseLog};
use crate::text::words;

/// Why a target is not up, in one word for scripts (`error.kind`), wherever it was seen: the
/// ways the network can fail a probe, and the judge's objections to an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    Dns,
    Refused,
    Unreachable,
    Timeout,
    Tls,
    Reset,
    Protocol,
    Redirects,
    /// This machine ran short of something (descriptors, ports, memory): no fault of the target.
    Local,
    /// The status code is not one that means the service works.
    Status,
    /// The body lacks the text asked for.
    Content,
    /// A bot wall answered instead of the service.
    Blocked,
    /// The user's proxy refused, did not answer, or would not open the tunnel: no fault of
    /// the target.
    Proxy,
    /// A failure elsewhere whose words name none of the kinds above.
    Unknown,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Dns => "dns",
            ErrorKind::Refused => "refused",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Reset => "reset",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Redirects => "redirects",
            ErrorKind::Local => "local",
            ErrorKind::Status => "status",
            ErrorKind::Content => "content",
            ErrorKind::Blocked => "blocked",
            ErrorKind::Proxy => "proxy",
            ErrorKind::Unknown => "unknown",
        }
    }

    /// The failure in a few words, to go before what the failing side said.
    pub fn phrase(self) -> &'static str {
        match self {
            ErrorKind::Dns => "DNS lookup failed",
            ErrorKind::Refused => "connection refused",
            ErrorKind::Unreachable => "network unreachable",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Tls => "TLS failed",
            ErrorKind::Reset => "connection reset",
            ErrorKind::Protocol => "not a valid HTTP answer",
            ErrorKind::Redirects => "too many redirects",
            ErrorKind::Local => "this machine ran short",
            ErrorKind::Proxy => "your proxy failed",
            ErrorKind::Status | ErrorKind::Content | ErrorKind::Blocked | ErrorKind::Unknown => {
                "failed"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
    /// The cause is on the user's side (a DNS filter, TLS inspection): the failure says
    /// nothing about the service itself.
    pub on_your_side: bool,
    /// This machine's DNS resolver failed (it timed out or broke) rather than saying the name
    /// has no address: the failure says nothing about the name yet.
    pub resolver_failed: bool,
}

impl Failure {
    /// The message may quote what a server sent: it is made safe to show here, once.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: crate::text::sanitize::text(&message.into(), crate::text::sanitize::SENTENCE),
            on_your_side: false,
            resolver_failed: false,
        }
    }

    /// A failure of this machine's DNS resolver itself.
    pub fn of_resolver(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            resolver_failed: true,
            ..Failure::new(kind, message)
        }
    }

    /// A failure whose cause is on the user's side.
    pub fn yours(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            on_your_side: true,
            ..Failure::new(kind, message)
        }
    }
}

/// Where the probe was when the error came: it tells a silent server from a slow body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Exchange,
    Body,
}

/// Turns a ureq error into a failure, using what the phase log saw.
pub fn classify(error: &ureq::Error, log: &PhaseLog, timeout: Duration, stage: Stage) -> Failure {
    let within = format!("no answer within {}", crate::text::words::duration(timeout));
    if let Some(failure) = &log.failure {
        return match failure {
            PhaseFailure::Dns {
                host,
                timed_out: true,
                ..
            } => Failure::of_resolver(
                ErrorKind::Timeout,
                format!("{within}: the DNS lookup of {host} did not finish"),
            ),
            PhaseFailure::Dns {
                host,
                detail,
                resolver_failed,
                ..
            } => Failure {
                resolver_failed: *resolver_failed,
                ..Failure::new(
                    ErrorKind::Dns,
                    format!("could not resolve {host}: {detail}"),
                )
            },
            PhaseFailure::Blocked { host, answer } => {
                Failure::yours(ErrorKind::Dns, blocked_sentence(host, *answer))
            }
            PhaseFailure::Connect {
                address,
                kind,
                detail,
            } => connect_failure(*address, *kind, detail, &within),
            PhaseFailure::Tls {
                timed_out: true, ..
            } => Failure::new(
                ErrorKind::Timeout,
                format!("{within}: the TLS handshake did not finish"),
            ),
            PhaseFailure::Tls {
                detail,
                inspected: true,
                ..
            } => Failure::yours(ErrorKind::Tls, detail.clone()),
            PhaseFailure::Tls { detail, .. } => Failure::new(ErrorKind::Tls, detail.clone()),
            PhaseFailure::Local { detail } => Failure::yours(ErrorKind::Local, detail.clone()),
        };
    }
    if let Some(shortage) = local_shortage_in(error) {
        return shortage;
    }
    let answered = log.status_line.is_some();
    match error {
        ureq::Error::Timeout(_) => Failure::new(
            ErrorKind::Timeout,
            match (stage, answered) {
                (Stage::Body, _) => format!(
                    "answered, but the body was still arriving after {}",
                    crate::text::words::duration(timeout)
                ),
                (_, true) => format!("{within}: the response headers were still arriving"),
                _ if log.first_byte.is_some() => {
                    format!("{within}: the response headers were still arriving")
                }
                _ => format!("{within}: the server accepted the connection but did not answer"),
            },
        ),
        ureq::Error::Io(e) => io_failure(e, answered, &within),
        ureq::Error::HostNotFound => Failure::new(ErrorKind::Dns, "could not resolve the host"),
        ureq::Error::Protocol(e) => Failure::new(
            ErrorKind::Protocol,
            log.first_bytes
                .as_deref()
                .and_then(unlike_http)
                .unwrap_or_else(|| {
                    format!(
                        "the answer is not valid HTTP: {}",
                        protocol_words(&e.to_string())
                    )
                }),
        ),
        ureq::Error::Http(e) => Failure::new(
            ErrorKind::Protocol,
            format!("the answer is not valid HTTP: {e}"),
        ),
        ureq::Error::LargeResponseHeader(_, limit) => Failure::new(
            ErrorKind::Protocol,
            format!("the response headers are larger than {} KiB", limit / 1024),
        ),
        ureq::Error::Tls(what) => Failure::new(ErrorKind::Tls, what.to_string()),
        ureq::Error::ConnectProxyFailed(why) => Failure::new(
            ErrorKind::Protocol,
            format!("the proxy would not connect: {why}"),
        ),
        other => Failure::new(ErrorKind::Protocol, other.to_string()),
    }
}

/// A failure on the way to the proxy `used`, before the tunnel to `url` was up: "your proxy
/// 127.0.0.1:3 (from HTTPS_PROXY) refused the connection: not the service's fault". `seen` is
/// the same failure as told of a server.
pub fn through_proxy(
    used: &ProxyUsed,
    error: &ureq::Error,
    log: &PhaseLog,
    timeout: Duration,
    seen: &Failure,
    url: &url::Url,
) -> Failure {
    let not_theirs = "not the service's fault";
    let within = || format!("did not answer within {}", words::duration(timeout));
    let refused = |kind: io::ErrorKind| kind == io::ErrorKind::ConnectionRefused;
    let (what, tail) = match (&log.failure, error) {
        (Some(PhaseFailure::Connect { kind, .. }), _) if refused(*kind) => {
            ("refused the connection".to_string(), not_theirs)
        }
        (_, ureq::Error::Io(e)) if refused(e.kind()) => {
            ("refused the connection".to_string(), not_theirs)
        }
        (Some(PhaseFailure::Dns { detail, .. }), _) => {
            (format!("cannot be resolved: {detail}"), not_theirs)
        }
        (_, ureq::Error::ConnectProxyFailed(_)) => {
            let target = format!(
                "{}:{}",
                url.host_str().unwrap_or_default(),
                url.port_or_known_default().unwrap_or_default()
            );
            match log.proxy_answer.as_deref().and_then(status_of) {
                // The proxy could not reach the service, or says so: the service is not
                // known to be down either.
                Some((code, line)) if (502..=504).contains(&code) => (
                    format!("answered {line} to CONNECT {target}"),
                    "the service itself is unverified",
                ),
                Some((_, line)) => (format!("answered {line} to CONNECT {target}"), not_theirs),
                None => (
                    format!("closed the connection without answering CONNECT {target}"),
                    not_theirs,
                ),
            }
        }
        (_, _) if seen.kind == ErrorKind::Timeout => (within(), not_theirs),
        (_, _) => (format!("failed: {}", seen.message), not_theirs),
    };
    Failure::yours(ErrorKind::Proxy, format!("{} {what}: {tail}", used.yours()))
}

/// The code of a status line and its words after the version ("403 Forbidden").
fn status_of(line: &[u8]) -> Option<(u16, String)> {
    let code = super::head::status_code(line)?;
    let words = match super::head::reason_phrase(line) {
        Some(phrase) => format!("{code} {phrase}"),
        None => code.to_string(),
    };
    Some((code, words))
}

/// When an error says this machine ran short of a resource, the failure that says so.
pub fn local_shortage(error: &io::Error) -> Option<Failure> {
    let what = shortage(error)?;
    Some(Failure::yours(
        ErrorKind::Local,
        format!("this machine ran out of {what}: not the service's fault"),
    ))
}

/// The resource an error says this machine ran out of.
#[cfg(unix)]
fn shortage(error: &io::Error) -> Option<&'static str> {
    use rustix::io::Errno;
    const EMFILE: i32 = Errno::MFILE.raw_os_error();
    const ENFILE: i32 = Errno::NFILE.raw_os_error();
    const EADDRNOTAVAIL: i32 = Errno::ADDRNOTAVAIL.raw_os_error();
    const ENOMEM: i32 = Errno::NOMEM.raw_os_error();
    const ENOBUFS: i32 = Errno::NOBUFS.raw_os_error();
    Some(match error.raw_os_error()? {
        EMFILE => "file descriptors (too many open files)",
        ENFILE => "file descriptors (too many open files in the system)",
        EADDRNOTAVAIL => "local ports (no address available for a new connection)",
        ENOMEM | ENOBUFS => "memory",
        _ => return None,
    })
}

/// The resource an error says this machine ran out of: Winsock's codes for sockets and
/// buffers, and std's kinds for the rest.
#[cfg(not(unix))]
fn shortage(error: &io::Error) -> Option<&'static str> {
    const WSAEMFILE: i32 = 10024;
    const WSAENOBUFS: i32 = 10055;
    match (error.raw_os_error(), error.kind()) {
        (Some(WSAEMFILE), _) => Some("file descriptors (too many open files)"),
        (_, io::ErrorKind::AddrNotAvailable) => {
            Some("local ports (no address available for a new connection)")
        }
        (Some(WSAENOBUFS), _) | (_, io::ErrorKind::OutOfMemory) => Some("memory"),
        _ => None,
    }
}

/// A local shortage anywhere in a ureq error's I/O causes.
fn local_shortage_in(error: &ureq::Error) -> Option<Failure> {
    let ureq::Error::Io(io_error) = error else {
        return None;
    };
    local_shortage(io_error).or_else(|| {
        io_error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<io::Error>())
            .and_then(local_shortage)
    })
}

fn connect_failure(
    address: Option<std::net::SocketAddr>,
    kind: io::ErrorKind,
    detail: &str,
    within: &str,
) -> Failure {
    let to = address
        .map(|a| a.to_string())
        .unwrap_or_else(|| "the server".into());
    match kind {
        io::ErrorKind::ConnectionRefused => {
            Failure::new(ErrorKind::Refused, format!("connection refused by {to}"))
        }
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::new(
            ErrorKind::Timeout,
            format!("{within}: connecting to {to} did not finish"),
        ),
        io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NetworkDown
        | io::ErrorKind::AddrNotAvailable => Failure::new(
            ErrorKind::Unreachable,
            format!("{to} is unreachable: {detail}"),
        ),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => Failure::new(
            ErrorKind::Reset,
            format!("connection to {to} was reset while connecting"),
        ),
        _ => Failure::new(
            ErrorKind::Unreachable,
            format!("cannot connect to {to}: {detail}"),
        ),
    }
}

fn io_failure(error: &io::Error, answered: bool, within: &str) -> Failure {
    match error.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => Failure::new(
            ErrorKind::Reset,
            if answered {
                "connection reset by the server in the middle of its answer"
            } else {
                "connection reset by the server before it answered"
            },
        ),
        io::ErrorKind::UnexpectedEof => Failure::new(
            ErrorKind::Reset,
            if answered {
                "the server closed the connection in the middle of its answer"
            } else {
                "the server closed the connection without answering"
            },
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            Failure::new(ErrorKind::Timeout, within.to_string())
        }
        io::ErrorKind::InvalidData => Failure::new(
            ErrorKind::Protocol,
            format!(
                "the answer is not valid HTTP: {}",
                crate::text::words::io_error(error)
            ),
        ),
        _ => Failure::new(
            ErrorKind::Reset,
            format!(
                "the connection failed: {}",
                crate::text::words::io_error(error)
            ),
        ),
    }
}

/// What an answer that does not begin with an HTTP status line is, in words: another protocol's
/// greeting (SSH, SMTP), a TLS server's alert, binary data. None when it does begin with one:
/// the fault is further on, and the parser's words say where.
fn unlike_http(first_bytes: &[u8]) -> Option<String> {
    let line = first_bytes
        .split(|b| *b == b'\n')
        .next()
        .unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let status_line = (line.starts_with(b"HTTP/1.1 ") || line.starts_with(b"HTTP/1.0 "))
        && line
            .get(9..12)
            .is_some_and(|code| code.iter().all(u8::is_ascii_digit));
    if status_line {
        return None;
    }
    // A TLS record: alert, handshake or data, version 3.x.
    if let [0x15..=0x17, 0x03, ..] = first_bytes {
        return Some("the answer is not HTTP: a TLS server answered (try https://)".into());
    }
    let text = String::from_utf8_lossy(line);
    let readable = text
        .chars()
        .filter(|c| !c.is_control() && *c != char::REPLACEMENT_CHARACTER)
        .count();
    if text.trim().is_empty() || readable * 10 < text.chars().count() * 9 {
        return Some("the answer is not HTTP: it begins with binary data".into());
    }
    let shown = crate::text::sanitize::text(text.trim(), 80);
    Some(match line.starts_with(b"HTTP/") {
        true => format!("the answer is not valid HTTP: its status line is \"{shown}\""),
        false => format!("the answer is not HTTP: it begins \"{shown}\""),
    })
}

fn protocol_words(text: &str) -> String {
    let text = text.trim();
    // ureq's words for what its parser refused: the rest says what.
    let text = text.strip_prefix("http parse fail:").unwrap_or(text).trim();
    if text.is_empty() {
        "unreadable".into()
    } else {
        text.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(failure: PhaseFailure) -> PhaseLog {
        PhaseLog {
            failure: Some(failure),
            ..PhaseLog::default()
        }
    }

    fn connect(kind: io::ErrorKind) -> Failure {
        let log = log_with(PhaseFailure::Connect {
            address: Some("192.0.2.1:443".parse().unwrap()),
            kind,
            detail: "network is unreachable".into(),
        });
        classify(
            &ureq::Error::Io(kind.into()),
            &log,
            Duration::from_secs(2),
            Stage::Exchange,
        )
    }

    #[test]
    fn connect_failures_are_told_apart() {
        assert_eq!(
            connect(io::ErrorKind::ConnectionRefused).kind,
            ErrorKind::Refused
        );
        assert_eq!(
            connect(io::ErrorKind::NetworkUnreachable).kind,
            ErrorKind::Unreachable
        );
        assert_eq!(
            connect(io::ErrorKind::HostUnreachable).kind,
            ErrorKind::Unreachable
        );
        assert_eq!(connect(io::ErrorKind::TimedOut).kind, ErrorKind::Timeout);
        assert_eq!(
            connect(io::ErrorKind::NetworkUnreachable).message,
            "192.0.2.1:443 is unreachable: network is unreachable"
        );
        assert_eq!(
            connect(io::ErrorKind::TimedOut).message,
            "no answer within 2 s: connecting to 192.0.2.1:443 did not finish"
        );
    }

    #[test]
    fn a_dns_failure_is_known_by_its_phase_not_its_type() {
        let log = log_with(PhaseFailure::Dns {
            host: "nowhere.example".into(),
            detail: "name or service not known".into(),
            timed_out: false,
            resolver_failed: false,
        });
        let plain_io = ureq::Error::Io(io::Error::other("failed to lookup address information"));
        let failure = classify(&plain_io, &log, Duration::from_secs(2), Stage::Exchange);
        assert_eq!(failure.kind, ErrorKind::Dns);
        assert_eq!(
            failure.message,
            "could not resolve nowhere.example: name or service not known"
        );
    }

    #[test]
    #[cfg(unix)]
    fn a_shortage_on_this_machine_is_no_fault_of_the_target() {
        let emfile = io::Error::from_raw_os_error(rustix::io::Errno::MFILE.raw_os_error());
        let failure = local_shortage(&emfile).unwrap();
        assert_eq!(failure.kind, ErrorKind::Local);
        assert_eq!(
            failure.message,
            "this machine ran out of file descriptors (too many open files): not the service's fault"
        );
        let after_connecting = classify(
            &ureq::Error::Io(io::Error::from_raw_os_error(
                rustix::io::Errno::NOMEM.raw_os_error(),
            )),
            &PhaseLog::default(),
            Duration::from_secs(1),
            Stage::Exchange,
        );
        assert_eq!(after_connecting.kind, ErrorKind::Local);
        assert!(local_shortage(&io::ErrorKind::ConnectionRefused.into()).is_none());
    }

    #[test]
    fn errors_after_connecting_are_classified_by_type() {
        let log = PhaseLog::default();
        let reset = classify(
            &ureq::Error::Io(io::ErrorKind::ConnectionReset.into()),
            &log,
            Duration::from_secs(1),
            Stage::Exchange,
        );
        assert_eq!(reset.kind, ErrorKind::Reset);
        let timeout = classify(
            &ureq::Error::Timeout(ureq::Timeout::Global),
            &log,
            Duration::from_secs(1),
            Stage::Body,
        );
        assert_eq!(timeout.kind, ErrorKind::Timeout);
        assert!(timeout.message.contains("body"));
        let large = classify(
            &ureq::Error::LargeResponseHeader(70_000, 65_536),
            &log,
            Duration::from_secs(1),
            Stage::Exchange,
        );
        assert_eq!(large.kind, ErrorKind::Protocol);
    }
}
