//! The fake API's JSON, shaped like Globalping's documented answers.

use serde_json::{json, Value};

use super::super::standard_reason;
use super::Outcome;

/// Where the fake places are, in turn: city, country, continent, ASN, network.
const PLACES: [(&str, &str, &str, u32, &str); 8] = [
    ("Frankfurt", "DE", "EU", 3320, "Deutsche Telekom AG"),
    ("Ashburn", "US", "NA", 14618, "Amazon.com, Inc."),
    ("Tokyo", "JP", "AS", 2516, "KDDI CORPORATION"),
    (
        "São Paulo",
        "BR",
        "SA",
        28573,
        "Claro NXT Telecomunicacoes Ltda",
    ),
    ("Johannesburg", "ZA", "AF", 37457, "Telkom SA Ltd."),
    ("Sydney", "AU", "OC", 1221, "Telstra Limited"),
    ("Paris", "FR", "EU", 3215, "Orange S.A."),
    ("Singapore", "SG", "AS", 16509, "Amazon.com, Inc."),
];

/// The city of the place at `index`, as the fake reports it.
pub fn city_of(index: usize) -> &'static str {
    PLACES[index % PLACES.len()].0
}

pub fn error(kind: &str, message: &str) -> String {
    json!({
        "error": {"type": kind, "message": message},
        "links": {"documentation": "https://globalping.io/docs/api.globalping.io#post-/v1/measurements"}
    })
    .to_string()
}

pub fn validation_error(message: &str) -> String {
    json!({
        "error": {"type": "validation_error", "message": message,
                  "params": {"measurement": "\"measurement\" does not match any of the allowed types"}},
        "links": {"documentation": "https://globalping.io/docs/api.globalping.io#post-/v1/measurements"}
    })
    .to_string()
}

pub fn created(id: &str, probes: usize) -> String {
    json!({"id": id, "probesCount": probes}).to_string()
}

/// Fields laid over every place's `probe` and finished `result`, as the test sets them.
#[derive(Clone, Debug, Default)]
pub struct Patch {
    pub probe: Option<Value>,
    pub result: Option<Value>,
}

/// `base` with the fields of `patch` (an object) put over its own.
fn patched(mut base: Value, patch: Option<&Value>) -> Value {
    if let (Some(base), Some(Value::Object(patch))) = (base.as_object_mut(), patch) {
        for (key, value) in patch {
            base.insert(key.clone(), value.clone());
        }
    }
    base
}

/// Where a measurement is in its time: past its timeout, and past its end (timeout + 5 s).
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub timed_out: bool,
    pub finalised: bool,
}

/// The measurement after `finished_yet`: before, every place is still running. A hanging
/// target is reported only after the timeout; a place that never reports is ended when the
/// measurement is.
pub fn measurement(
    id: &str,
    target: &str,
    outcomes: &[Outcome],
    probes: &[Option<Value>],
    finished_yet: bool,
    clock: Clock,
    patch: &Patch,
) -> String {
    let results: Vec<Value> = outcomes
        .iter()
        .enumerate()
        .map(|(i, outcome)| {
            let waits = match outcome {
                Outcome::Hangs => !clock.timed_out,
                Outcome::Unreported => !clock.finalised,
                _ => false,
            };
            let result = if finished_yet && !waits {
                patched(result(outcome, target), patch.result.as_ref())
            } else {
                in_progress()
            };
            let own = probes.get(i).cloned().flatten();
            let probe = patched(patched(probe(i), own.as_ref()), patch.probe.as_ref());
            json!({"probe": probe, "result": result})
        })
        .collect();
    let running = results
        .iter()
        .any(|r| r["result"]["status"] == "in-progress");
    json!({
        "id": id,
        "type": "http",
        "status": if running { "in-progress" } else { "finished" },
        "createdAt": "2025-03-02T09:15:41.207Z",
        "updatedAt": "2025-03-02T09:15:42.918Z",
        "target": target,
        "probesCount": outcomes.len(),
        "results": results,
    })
    .to_string()
}

fn probe(index: usize) -> Value {
    let (city, country, continent, asn, network) = PLACES[index % PLACES.len()];
    json!({
        "continent": continent, "region": "Somewhere", "country": country, "state": null,
        "city": city, "asn": asn, "longitude": 0.0, "latitude": 0.0, "network": network,
        "tags": ["datacenter-network"], "resolvers": ["private"],
    })
}

fn in_progress() -> Value {
    json!({"status": "in-progress", "rawOutput": ""})
}

fn failed(source: &str, output: String) -> Value {
    json!({"status": "failed", "failureSource": source, "rawOutput": output})
}

/// A finished answer with `code`, `headers` and the start of a body.
fn answered(
    code: u16,
    headers: Value,
    body: Option<&str>,
    target: &str,
    authorized: bool,
) -> Value {
    let mut result = result(&Outcome::Status(code), target);
    result["headers"] = headers;
    result["rawBody"] = body.map_or(Value::Null, |b| Value::String(b.to_string()));
    if !authorized {
        result["tls"]["authorized"] = json!(false);
        result["tls"]["error"] = json!("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    }
    result
}

fn result(outcome: &Outcome, target: &str) -> Value {
    match outcome {
        Outcome::Hangs => failed("target", "Request timeout.".to_string()),
        Outcome::Unreported => failed("internal", "The measurement timed out.".to_string()),
        Outcome::PrivateIp => failed("target", "Private IP ranges are not allowed.".to_string()),
        Outcome::ResolverFails => failed("resolver", format!("queryA ESERVFAIL {target}")),
        Outcome::Redirect(code, to) => answered(
            *code,
            json!({"location": to, "content-length": "0"}),
            None,
            target,
            true,
        ),
        Outcome::Answer(code, headers, body) => {
            answered(*code, headers.clone(), body.as_deref(), target, true)
        }
        Outcome::Untrusted => answered(
            200,
            json!({"content-type": "text/plain"}),
            Some("ok"),
            target,
            false,
        ),
        Outcome::Status(code) => {
            let reason = standard_reason(*code);
            json!({
                "status": "finished",
                "resolvedAddress": "192.0.2.10",
                "headers": {"content-type": "text/plain", "set-cookie": ["a=1", "b=2"]},
                "rawHeaders": "Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2",
                "rawBody": null,
                "rawOutput": format!("HTTP/1.1 {code}\nContent-Type: text/plain"),
                "truncated": false,
                "statusCode": code,
                "statusCodeName": reason,
                "timings": {"total": 120, "dns": 10, "tcp": 20, "tls": 30, "firstByte": 50, "download": 10},
                "tls": {"authorized": true, "protocol": "TLSv1.3", "cipherName": "TLS_AES_128_GCM_SHA256",
                        "createdAt": "2025-01-01T00:00:00.000Z", "expiresAt": "2099-12-31T23:59:59.000Z",
                        "issuer": {"CN": "Fake CA"}, "subject": {"CN": target}, "keyType": "EC",
                        "keyBits": 256, "serialNumber": "01", "fingerprint256": "AA", "publicKey": null},
            })
        }
        Outcome::Timeout => failed("target", "Request timeout.".to_string()),
        Outcome::Dns => failed(
            "target",
            format!("getaddrinfo ENOTFOUND {target} - ENOTFOUND"),
        ),
        Outcome::Refused => failed(
            "target",
            "connect ECONNREFUSED 192.0.2.10:443 - ECONNREFUSED".to_string(),
        ),
        Outcome::Offline => json!({"status": "offline", "rawOutput": ""}),
        Outcome::NeverFinishes => in_progress(),
    }
}
