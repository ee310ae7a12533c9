//! One place, judged by the same rules as the probe from here: 5xx is DOWN, 429 DEGRADED,
//! `--expect` decides when given, and a failure is classified into the same kinds where the
//! probe's error text allows. A probe's own trouble (offline, its resolver, Globalping itself)
//! is UNKNOWN: it says nothing about the service.

use serde::Serialize;

use super::answer::{RawPlace, Run};
use super::State;
use std::time::{Duration, SystemTime};

use crate::probe::{Failure, Response};
use crate::target::expect::StatusSet;
use crate::verdict::{self, Context, Criteria, Reason, Verdict};
use crate::verdict::{Error, ErrorKind};

/// What counts as healthy, as for the probe from here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules<'a> {
    /// `--expect`: the statuses that count as up.
    pub expect: Option<&'a StatusSet>,
    /// `-k`: a certificate the probe did not trust is no failure. Globalping's probes never
    /// reject a certificate themselves; they report whether they trusted it.
    pub insecure: bool,
    /// `--cacert`: the target's CA may be one only this machine trusts, which the probes
    /// elsewhere cannot know: a certificate they did not trust is not judged there.
    pub private_ca: bool,
    /// `--cert-warn`: a certificate expiring sooner is DEGRADED, as from here.
    pub cert_warn: Duration,
}

/// Why a place's result says nothing about the service, or says it only in part: facts that
/// [`super::Elsewhere`] turns into its notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caveat {
    /// The probe refused the name: it resolves to private or reserved addresses only.
    PrivateAddress,
    /// The probe's resolver failed (`failureSource: resolver`).
    Resolver,
    /// Globalping gave up on the measurement before the probe reported.
    MeasurementTimedOut,
    /// The place got a redirect, which probes elsewhere never follow.
    Redirected,
    /// The probe did not trust a certificate from a CA given with `--cacert`.
    PrivateCa,
}

/// Each phase's own duration in milliseconds, `null` when not reached or not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct TimingsMs {
    pub dns: Option<f64>,
    pub connect: Option<f64>,
    pub tls: Option<f64>,
    pub first_byte: Option<f64>,
    pub total: Option<f64>,
}

/// One place elsewhere and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// Two-letter continent code (`EU`).
    pub continent: Option<String>,
    /// Two-letter country code (`DE`).
    pub country: Option<String>,
    pub city: Option<String>,
    pub asn: Option<u32>,
    pub network: Option<String>,
    pub state: State,
    /// The HTTP status the place got, if it got one.
    pub status: Option<u16>,
    /// One short sentence.
    pub reason: String,
    pub error: Option<Error>,
    pub timings_ms: TimingsMs,
    /// The address the probe there connected to.
    pub address: Option<String>,
    /// Where Globalping places a failure: `target`, `resolver` or `internal`.
    pub failure_source: Option<String>,
    #[serde(skip)]
    pub note: Option<Caveat>,
}

impl Place {
    /// `Berlin, DE`, or whatever part of it is known.
    pub fn whereabouts(&self) -> String {
        let parts: Vec<&str> = [&self.city, &self.country]
            .into_iter()
            .filter_map(|part| part.as_deref())
            .collect();
        if parts.is_empty() {
            "somewhere".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// `Deutsche Telekom AG (AS3320)`, or whatever part of it is known.
    pub fn network_and_asn(&self) -> String {
        match (&self.network, self.asn) {
            (Some(network), Some(asn)) => format!("{network} (AS{asn})"),
            (Some(network), None) => network.clone(),
            (None, Some(asn)) => format!("AS{asn}"),
            (None, None) => String::new(),
        }
    }
}

pub(super) fn judge(raw: &RawPlace, rules: Rules) -> Place {
    let mut note = None;
    let verdict = match raw.run {
        Some(Run::Finished) => match raw.status_code {
            Some(code) => answered(raw, code, rules, &mut note),
            None => unknown("finished without an HTTP status"),
        },
        Some(Run::Failed) => failed(raw, &mut note),
        Some(Run::InProgress) => unknown("no result in time"),
        Some(Run::Offline) => unknown("no result: the probe was offline"),
        Some(Run::Other) | None => unknown("no usable result"),
    };
    Place {
        continent: raw.continent.clone(),
        country: raw.country.clone(),
        city: raw.city.clone(),
        asn: raw.asn,
        network: raw.network.clone(),
        state: verdict.state,
        status: raw.status_code.filter(|_| raw.run == Some(Run::Finished)),
        reason: verdict.reason.to_string(),
        error: verdict.error,
        timings_ms: raw.timings,
        address: raw.resolved_address.clone(),
        failure_source: raw.failure_source.clone(),
        note,
    }
}

fn unknown(reason: &str) -> Verdict {
    Verdict {
        state: State::Unknown,
        reason: Reason::said(reason),
        error: None,
    }
}

/// An answer is judged by the judge of the probe from here, from the same facts: a
/// certificate we would not trust first (the handshake comes before the answer), then the
/// wall recognisers on its headers and body, then the status. A redirect is not compared:
/// from here it is followed, and the answer at its end is judged.
fn answered(raw: &RawPlace, code: u16, rules: Rules, note: &mut Option<Caveat>) -> Verdict {
    let untrusted = !rules.insecure && raw.tls_trusted == Some(false);
    if untrusted && rules.private_ca {
        *note = Some(Caveat::PrivateCa);
    }
    // A certificate not trusted is a failure before any answer, redirect or not.
    let refused = untrusted && !rules.private_ca;
    let redirect = (300..400).contains(&code)
        && code != 304
        && !rules.expect.is_some_and(|expect| expect.contains(code));
    if redirect && !refused {
        *note = Some(Caveat::Redirected);
        let to = raw
            .headers
            .iter()
            .find(|(name, _)| name == "location")
            .map(|(_, to)| format!(" to {to}"))
            .unwrap_or_default();
        return unknown(&format!(
            "redirected{to} ({code}): probes elsewhere do not follow redirects"
        ));
    }
    let seen = if refused {
        let why = raw.tls_error.as_deref().unwrap_or("no reason given");
        let failure = Failure::new(ErrorKind::Tls, format!("certificate not trusted: {why}"));
        Response::failed(failure)
    } else {
        let total = raw.timings.total.map_or(Duration::ZERO, |ms| {
            Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default()
        });
        let mut seen = Response::answered(code, total);
        if let Some(answer) = seen.answer.as_mut() {
            answer.reason = raw.status_name.clone().unwrap_or_default();
            answer.headers.clone_from(&raw.headers);
        }
        seen.recognise(&raw.body_start);
        seen.certificate = raw
            .tls_expires_at
            .map(|expires_at| crate::probe::tls::Certificate { expires_at });
        seen
    };
    let criteria = Criteria {
        expect: rules.expect.cloned(),
        cert_warn: rules.cert_warn,
        ..Criteria::default()
    };
    verdict::judge(&seen, &criteria, Context::default(), SystemTime::now())
}

/// Globalping's words when the name resolves to private or reserved addresses only.
const PRIVATE_REFUSAL: &str = "private ip ranges are not allowed";
/// Globalping's words when it finalised the measurement before the probe reported.
const MEASUREMENT_TIMED_OUT: &str = "the measurement timed out";

fn failed(raw: &RawPlace, note: &mut Option<Caveat>) -> Verdict {
    let message = raw
        .output
        .clone()
        .unwrap_or_else(|| "no error message".to_string());
    let words = message.to_ascii_lowercase();
    if words.contains(PRIVATE_REFUSAL) {
        *note = Some(Caveat::PrivateAddress);
        return unknown("the probe refused it: the name resolves to private addresses only");
    }
    if words.contains(MEASUREMENT_TIMED_OUT) {
        *note = Some(Caveat::MeasurementTimedOut);
        return unknown("Globalping ended the measurement before this probe reported");
    }
    match raw.failure_source.as_deref() {
        Some("internal") => unknown(&format!("the probe there failed on its own: {message}")),
        Some("resolver") => {
            *note = Some(Caveat::Resolver);
            unknown(&format!(
                "the probe's DNS resolver could not resolve it: {message}"
            ))
        }
        _ => {
            let kind = classify(&message);
            Verdict {
                state: State::Down,
                reason: Reason::said(format!("{}: {message}", kind.phrase())),
                error: Some(Error { kind, message }),
            }
        }
    }
}

/// Globalping's probes are Node.js programs: their errors carry Node's codes
/// (`getaddrinfo ENOTFOUND x - ENOTFOUND`, `connect ECONNREFUSED ...`, `Timeout awaiting
/// 'request' for 10000ms - ETIMEDOUT`). Timeouts first: a DNS timeout is a timeout.
fn classify(message: &str) -> ErrorKind {
    let text = message.to_ascii_lowercase();
    let any = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if any(&["timeout", "timedout", "timed out"]) {
        ErrorKind::Timeout
    } else if any(&[
        "enotfound",
        "eai_again",
        "eai_fail",
        "enodata",
        "getaddrinfo",
        "nxdomain",
        "servfail",
        "dns",
    ]) {
        ErrorKind::Dns
    } else if any(&["econnrefused", "connection refused"]) {
        ErrorKind::Refused
    } else if any(&[
        "ehostunreach",
        "enetunreach",
        "unreachable",
        "no route to host",
    ]) {
        ErrorKind::Unreachable
    } else if any(&["ssl", "tls", "certificate", "cert_", "eproto"]) {
        ErrorKind::Tls
    } else if any(&[
        "econnreset",
        "socket hang up",
        "epipe",
        "econnaborted",
        "connection reset",
    ]) {
        ErrorKind::Reset
    } else if any(&[
        "hpe_",
        "parse error",
        "invalid header",
        "err_http",
        "protocol error",
        "invalid response",
    ]) {
        ErrorKind::Protocol
    } else {
        ErrorKind::Unknown
    }
}

#[cfg(test)]
mod tests;
