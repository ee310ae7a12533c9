//! Reading the API's answers: the created measurement, its results, and its refusals.
//!
//! Everything here is untrusted: any field may be missing, of another type or hostile. Parsing
//! never panics, keeps at most `MAX_PROBES` places, drops numbers outside plausible ranges, and
//! every string it keeps has the token redacted, then is cleaned and bounded.

use std::time::Duration;

use serde_json::{Map, Value};

use super::clean;
use super::client::MAX_ANSWER_BYTES;
use super::judge::TimingsMs;
use super::locations::MAX_PROBES;
use crate::probe::Response;

/// What the API said when it accepted the measurement.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Created {
    pub id: String,
    pub probes: u32,
}

/// One answer to a poll.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Snapshot {
    /// Any status other than `in-progress` is final.
    pub finished: bool,
    pub places: Vec<RawPlace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Run {
    InProgress,
    Finished,
    Failed,
    Offline,
    /// A status this version does not know, or no usable result at all.
    Other,
}

/// One place as the API describes it, before judging.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct RawPlace {
    pub continent: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub asn: Option<u32>,
    pub network: Option<String>,
    pub run: Option<Run>,
    pub status_code: Option<u16>,
    pub status_name: Option<String>,
    /// `target`, `resolver` or `internal`, when the API says.
    pub failure_source: Option<String>,
    /// For a failure, the probe's error text (Globalping's `rawOutput`).
    pub output: Option<String>,
    pub timings: TimingsMs,
    /// The address the probe connected to (Globalping's `resolvedAddress`).
    pub resolved_address: Option<String>,
    /// For HTTPS: whether the probe trusted the certificate, and why not.
    pub tls_trusted: Option<bool>,
    pub tls_error: Option<String>,
    /// For HTTPS: when the certificate expires (`tls.expiresAt`).
    pub tls_expires_at: Option<std::time::SystemTime>,
    /// The answer's headers (names in lowercase), bounded, for the wall and edge recognisers.
    pub headers: Vec<(String, String)>,
    /// The start of the answer's body (Globalping's `rawBody`, at most [`MAX_BODY_START`]).
    pub body_start: Vec<u8>,
}

/// What a refusal needs to be explained well, and the token no answer may show.
#[derive(Debug, Clone, Copy)]
pub(super) struct RequestContext<'a> {
    pub locations: &'a str,
    pub probes: u32,
    pub token: Option<&'a str>,
}

const NOT_DOCUMENTED: &str = "Globalping answered with something other than the documented JSON";
const MAX_MESSAGE: usize = 200;
const MAX_NAME: usize = 80;
/// Headers kept of a place's answer, and the length of each value.
const MAX_HEADERS: usize = 64;
const MAX_HEADER_VALUE: usize = 200;
/// What of a place's body the recognisers read.
pub(super) const MAX_BODY_START: usize = 4096;
/// The longest phase believed: an hour. Anything longer (or negative, or not a number) is the
/// answer's mistake, and is dropped as not given.
pub(super) const MAX_TIMING_MS: f64 = 3_600_000.0;
/// The furthest rate-limit reset believed: a day. The API's window is an hour; further is
/// nonsense, and is treated as not said.
pub(super) const MAX_RESET_SECS: u64 = 24 * 60 * 60;

/// An answer of the API that cannot be used, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum BadAnswer {
    /// The API said no: why, in its own words where it gave them (see [`refusal`]).
    #[error("{0}")]
    Refused(String),
    #[error("Globalping's answer was larger than the {} MiB accepted", MAX_ANSWER_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("{NOT_DOCUMENTED}")]
    NotDocumented,
    #[error("{NOT_DOCUMENTED}: its measurement id holds the token")]
    TokenInId,
}

pub(super) fn created(reply: &Response, asking: RequestContext) -> Result<Created, BadAnswer> {
    if !reply.status().is_some_and(|s| (200..=202).contains(&s)) {
        return Err(BadAnswer::Refused(refusal(reply, asking)));
    }
    let json = json_of(reply)?;
    let id = json
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| is_measurement_id(id))
        .ok_or(BadAnswer::NotDocumented)?;
    // The id goes into the next poll's path and is printed: one that carries the token is
    // refused, never used.
    if asking
        .token
        .is_some_and(|token| crate::text::redact::secret(id, token) != id)
    {
        return Err(BadAnswer::TokenInId);
    }
    let probes = json
        .get("probesCount")
        .and_then(Value::as_u64)
        .ok_or(BadAnswer::NotDocumented)?;
    Ok(Created {
        id: id.to_string(),
        probes: probes.min(u64::from(u32::MAX)) as u32,
    })
}

pub(super) fn snapshot(reply: &Response, asking: RequestContext) -> Result<Snapshot, BadAnswer> {
    let json = json_of(reply)?;
    let status = json
        .get("status")
        .and_then(Value::as_str)
        .ok_or(BadAnswer::NotDocumented)?;
    let results = json
        .get("results")
        .and_then(Value::as_array)
        .ok_or(BadAnswer::NotDocumented)?;
    Ok(Snapshot {
        finished: status != "in-progress",
        places: results
            .iter()
            .take(MAX_PROBES as usize)
            .map(|item| raw_place(item, asking.token))
            .collect(),
    })
}

/// One sentence for an answer that is not a success: the API's own words where it has some.
pub(super) fn refusal(reply: &Response, asking: RequestContext) -> String {
    let error = json_of(reply)
        .ok()
        .and_then(|json| json.get("error").cloned());
    let message = error
        .as_ref()
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(|m| clean(m, MAX_MESSAGE, asking.token))
        .filter(|m| !m.is_empty());
    let kind = error
        .as_ref()
        .and_then(|e| e.get("type"))
        .and_then(Value::as_str);
    let said = |m: &Option<String>| m.as_ref().map(|m| format!(": {m}")).unwrap_or_default();
    match reply.status() {
        Some(400) => {
            let details = error
                .as_ref()
                .and_then(|e| e.get("params"))
                .and_then(Value::as_object)
                .map(|p| params(p, asking.token))
                .unwrap_or_default();
            format!(
                "Globalping refused the measurement{}{details}",
                said(&message)
            )
        }
        // A blocked client is not a token problem, and without a token there is none to blame.
        Some(403) if kind == Some("access_forbidden") => format!(
            "Globalping refuses requests from this address or client (403 access_forbidden){}",
            said(&message)
        ),
        Some(status @ (401 | 403)) if asking.token.is_some() => format!(
            "Globalping did not accept the token ({status}){}",
            said(&message)
        ),
        Some(status @ (401 | 403)) => format!(
            "Globalping refused access ({status}), though no token was sent{}",
            said(&message)
        ),
        Some(404) => "Globalping no longer knows this measurement".to_string(),
        Some(422) => format!(
            "Globalping found no probes available in {}{}",
            asking.locations,
            said(&message)
        ),
        Some(429) => rate_limited(reply, kind, asking),
        Some(status @ 500..=599) => format!("Globalping is having trouble: it answered {status}"),
        Some(status) => format!("{NOT_DOCUMENTED} (status {status})"),
        None => NOT_DOCUMENTED.to_string(),
    }
}

/// The hourly allowance: when it comes back, and what would help.
fn rate_limited(reply: &Response, kind: Option<&str>, asking: RequestContext) -> String {
    let number = |name: &str| {
        reply
            .header(name)
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let when = match reset_after(reply) {
        Some(wait) => format!("resets in {} min", wait.as_secs().div_ceil(60).max(1)),
        None => "resets within the hour".to_string(),
    };
    let advice = if asking.token.is_some() {
        String::new()
    } else {
        "; a free token raises the limit".to_string()
    };
    let credits = match (number("x-credits-remaining"), number("x-request-cost")) {
        (Some(left), Some(cost)) => format!("; {left} credits left, this measurement costs {cost}"),
        (Some(left), None) => format!("; {left} credits left"),
        (None, Some(cost)) => format!("; this measurement costs {cost}"),
        (None, None) => String::new(),
    };
    if kind == Some("insufficient_credits") {
        return format!("Globalping credits are used up ({when}{credits}{advice})");
    }
    match number("x-ratelimit-remaining") {
        Some(left) if left > 0 && left < u64::from(asking.probes) => format!(
            "the Globalping hourly limit has {left} tests left, {} asked ({when}{credits}{advice})",
            asking.probes
        ),
        _ => format!("the Globalping hourly limit is reached ({when}{credits}{advice})"),
    }
}

/// How long until a refused create may be tried again, as the API says (`X-RateLimit-Reset`,
/// else `Retry-After`, in seconds); `None` when it says nothing believable (more than a day).
pub(super) fn reset_after(reply: &Response) -> Option<Duration> {
    let seconds = |name: &str| {
        reply
            .header(name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s <= MAX_RESET_SECS)
    };
    seconds("x-ratelimit-reset")
        .or_else(|| seconds("retry-after"))
        .map(Duration::from_secs)
}

/// A validation error's details: `field: problem`, a few at most.
fn params(params: &Map<String, Value>, token: Option<&str>) -> String {
    let listed: Vec<String> = params
        .iter()
        .take(3)
        .filter_map(|(field, problem)| {
            let problem = clean(problem.as_str()?, MAX_MESSAGE, token);
            Some(format!("{}: {problem}", clean(field, MAX_NAME, token)))
        })
        .collect();
    if listed.is_empty() {
        String::new()
    } else {
        format!(" ({})", listed.join("; "))
    }
}

fn json_of(reply: &Response) -> Result<Value, BadAnswer> {
    if reply.body.len() > MAX_ANSWER_BYTES {
        return Err(BadAnswer::TooLarge);
    }
    match serde_json::from_slice::<Value>(&reply.body) {
        Ok(json) if json.is_object() => Ok(json),
        _ => Err(BadAnswer::NotDocumented),
    }
}

/// Ids go into the polling URL: letters, digits, `-` and `_` only, so an answer cannot steer
/// the next request anywhere else.
pub(super) fn is_measurement_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A place's answer headers (`{"name": "value"}`, a repeated header as an array of values),
/// names in lowercase, names and values cleaned and cut.
fn headers(headers: Option<&Value>, token: Option<&str>) -> Vec<(String, String)> {
    let Some(Value::Object(headers)) = headers else {
        return Vec::new();
    };
    let pairs = headers.iter().flat_map(|(name, value)| {
        let values: Vec<&str> = match value {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let name = clean(name, MAX_NAME, token).to_ascii_lowercase();
        values
            .into_iter()
            .map(move |value| (name.clone(), clean(value, MAX_HEADER_VALUE, token)))
    });
    pairs.take(MAX_HEADERS).collect()
}

fn raw_place(item: &Value, token: Option<&str>) -> RawPlace {
    let probe = item.get("probe");
    let result = item.get("result");
    let text = |from: Option<&Value>, key: &str, max: usize| {
        from.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(|s| clean(s, max, token))
            .filter(|s| !s.is_empty())
    };
    let run = result
        .and_then(|r| r.get("status"))
        .and_then(Value::as_str)
        .map(|status| match status {
            "in-progress" => Run::InProgress,
            "finished" => Run::Finished,
            "failed" => Run::Failed,
            "offline" => Run::Offline,
            _ => Run::Other,
        });
    let tls = result.and_then(|r| r.get("tls")).filter(|t| t.is_object());
    RawPlace {
        continent: text(probe, "continent", 8),
        country: text(probe, "country", 8),
        city: text(probe, "city", MAX_NAME),
        asn: probe
            .and_then(|p| p.get("asn"))
            .and_then(Value::as_u64)
            .and_then(|asn| u32::try_from(asn).ok()),
        network: text(probe, "network", MAX_NAME),
        run,
        status_code: result
            .and_then(|r| r.get("statusCode"))
            .and_then(Value::as_u64)
            .filter(|code| (100..=999).contains(code))
            .map(|code| code as u16),
        status_name: text(result, "statusCodeName", MAX_NAME),
        failure_source: text(result, "failureSource", 16),
        output: text(result, "rawOutput", MAX_MESSAGE),
        timings: timings(result.and_then(|r| r.get("timings"))),
        resolved_address: text(result, "resolvedAddress", MAX_NAME),
        tls_trusted: tls
            .and_then(|t| t.get("authorized"))
            .and_then(Value::as_bool),
        tls_error: text(tls, "error", MAX_MESSAGE),
        tls_expires_at: tls
            .and_then(|t| t.get("expiresAt"))
            .and_then(Value::as_str)
            .and_then(crate::text::timestamp::parse),
        headers: headers(result.and_then(|r| r.get("headers")), token),
        body_start: result
            .and_then(|r| r.get("rawBody"))
            .and_then(Value::as_str)
            .map(|body| body_start(body, token))
            .unwrap_or_default(),
    }
}

/// The start of a body for the recognisers, the token redacted before it is cut.
fn body_start(body: &str, token: Option<&str>) -> Vec<u8> {
    let hidden;
    let body = match token {
        Some(token) => {
            hidden = crate::text::redact::secret(body, token);
            hidden.as_str()
        }
        None => body,
    };
    body.as_bytes()[..body.len().min(MAX_BODY_START)].to_vec()
}

fn timings(from: Option<&Value>) -> TimingsMs {
    let ms = |key: &str| {
        from.and_then(|t| t.get(key))
            .and_then(Value::as_f64)
            .filter(|ms| (0.0..=MAX_TIMING_MS).contains(ms))
    };
    TimingsMs {
        dns: ms("dns"),
        connect: ms("tcp"),
        tls: ms("tls"),
        first_byte: ms("firstByte"),
        total: ms("total"),
    }
}

#[cfg(test)]
mod tests;
