//! The JSON Lines contract, checked field by field: every key there, no key more, every value of
//! its type. Every probe and summary line the tests read goes through here.

use serde_json::Value;

const STATES: &[&str] = &["up", "degraded", "down", "unknown"];
const OUTCOMES: &[&str] = &[
    "connected",
    "refused",
    "unreachable",
    "timeout",
    "abandoned",
];
/// The most components and incidents a status page object lists (the totals count them all).
const MAX_LISTED: u64 = 50;
/// The most transitions a summary lists.
const KEPT_TRANSITIONS: u64 = 100;
const EDGES: &[&str] = &["cloudflare", "cloudfront", "fastly", "akamai"];
const KINDS: &[&str] = &[
    "dns",
    "refused",
    "unreachable",
    "timeout",
    "tls",
    "reset",
    "protocol",
    "redirects",
    "local",
    "status",
    "content",
    "blocked",
    "proxy",
];

fn keys(value: &Value, expected: &[&str], what: &str) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    // In the documented order, which is the order they are printed in.
    let got: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(got, expected, "{what} keys: {value}");
}

fn string(value: &Value, what: &str) {
    assert!(value.is_string(), "{what} is not a string: {value}");
}

fn string_or_null(value: &Value, what: &str) {
    assert!(
        value.is_string() || value.is_null(),
        "{what} is not a string or null: {value}"
    );
}

fn number_or_null(value: &Value, what: &str) {
    assert!(
        value.is_number() || value.is_null(),
        "{what} is not a number or null: {value}"
    );
}

fn state(value: &Value, what: &str) {
    assert!(
        STATES.contains(&value.as_str().unwrap_or_default()),
        "{what} is not a state: {value}"
    );
}

fn timestamp(value: &Value, what: &str) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    // One precision everywhere: 2026-11-27T10:07:40.123Z.
    assert!(
        text.len() == 24 && text.ends_with('Z') && &text[10..11] == "T" && &text[19..20] == ".",
        "{what} is not RFC 3339 UTC to the millisecond: {text}"
    );
}

/// `timings_ms` of a probe or a sibling probe: each phase its own share of the whole.
fn check_timings(timings: &Value, whole: &Value) {
    keys(
        timings,
        &["dns", "connect", "tls", "first_byte", "total"],
        "timings_ms",
    );
    for phase in ["dns", "connect", "tls", "first_byte"] {
        number_or_null(&timings[phase], phase);
    }
    assert!(timings["total"].is_f64(), "total: {whole}");
    // Each phase is its own share of the probe: together they never exceed the whole.
    let phases: f64 = ["dns", "connect", "tls", "first_byte"]
        .iter()
        .filter_map(|p| timings[*p].as_f64())
        .sum();
    assert!(
        phases <= timings["total"].as_f64().unwrap_or_default() + 1.0,
        "phases exceed the total: {whole}"
    );
}

pub fn check_probe(probe: &Value) {
    keys(
        probe,
        &[
            "type",
            "target",
            "name",
            "url",
            "seq",
            "tries",
            "at",
            "state",
            "reason",
            "http",
            "error",
            "timings_ms",
            "tls",
            "status_page",
            "connectivity",
            "elsewhere",
            "attempts",
            "proxy",
            "also",
        ],
        "probe",
    );
    // "127.0.0.1:3128 (from HTTPS_PROXY)": an address and the variable that named it.
    let proxy = &probe["proxy"];
    assert!(
        proxy.is_null() || proxy.as_str().is_some_and(|p| p.contains(" (from ")),
        "proxy: {probe}"
    );
    assert_eq!(probe["type"], "probe");
    for field in ["target", "name", "url", "reason"] {
        string(&probe[field], field);
    }
    assert!(
        probe["seq"].as_u64().is_some_and(|s| s >= 1),
        "seq: {probe}"
    );
    assert!(
        probe["tries"].as_u64().is_some_and(|t| t >= 1),
        "tries: {probe}"
    );
    timestamp(&probe["at"], "at");
    state(&probe["state"], "state");
    if !probe["http"].is_null() {
        keys(
            &probe["http"],
            &["status", "reason", "version", "edge", "edge_error"],
            "http",
        );
        assert!(probe["http"]["status"].is_u64());
        string(&probe["http"]["reason"], "http.reason");
        string(&probe["http"]["version"], "http.version");
        let edge = &probe["http"]["edge"];
        assert!(
            edge.is_null() || EDGES.contains(&edge.as_str().unwrap_or_default()),
            "http.edge: {probe}"
        );
        assert!(
            probe["http"]["edge_error"].is_boolean(),
            "edge_error: {probe}"
        );
        assert!(
            !(edge.is_null() && probe["http"]["edge_error"] == true),
            "an edge error names its edge: {probe}"
        );
    }
    if !probe["error"].is_null() {
        keys(&probe["error"], &["kind", "message"], "error");
        assert!(
            KINDS.contains(&probe["error"]["kind"].as_str().unwrap_or_default()),
            "error.kind: {probe}"
        );
        string(&probe["error"]["message"], "error.message");
    }
    check_timings(&probe["timings_ms"], probe);
    let also = probe["also"].as_array().expect("also is an array");
    for sibling in also {
        keys(
            sibling,
            &["url", "state", "status", "reason", "timings_ms"],
            "also",
        );
        string(&sibling["url"], "also.url");
        state(&sibling["state"], "also.state");
        assert!(
            sibling["status"].is_u64() || sibling["status"].is_null(),
            "also.status: {sibling}"
        );
        string(&sibling["reason"], "also.reason");
        check_timings(&sibling["timings_ms"], sibling);
    }
    if !probe["tls"].is_null() {
        keys(&probe["tls"], &["expires_at", "days_left"], "tls");
        timestamp(&probe["tls"]["expires_at"], "tls.expires_at");
        assert!(probe["tls"]["days_left"].is_i64());
    }
    let page = &probe["status_page"];
    if !page.is_null() {
        keys(
            page,
            &[
                "url",
                "indicator",
                "description",
                "incidents",
                "incidents_total",
                "components",
                "components_total",
                "error",
            ],
            "status_page",
        );
        for (list, total) in [
            ("incidents", "incidents_total"),
            ("components", "components_total"),
        ] {
            let listed = page[list].as_array().map_or(0, Vec::len) as u64;
            let total = page[total]
                .as_u64()
                .unwrap_or_else(|| panic!("{total}: {page}"));
            assert!(listed <= MAX_LISTED && listed <= total, "{list}: {page}");
        }
        string(&page["url"], "status_page.url");
        string_or_null(&page["indicator"], "indicator");
        string_or_null(&page["description"], "description");
        string_or_null(&page["error"], "status_page.error");
        for incident in page["incidents"].as_array().expect("incidents is an array") {
            keys(
                incident,
                &["name", "impact", "status", "started_at", "url"],
                "incident",
            );
            string(&incident["name"], "incident.name");
            for field in ["impact", "status", "url"] {
                string_or_null(&incident[field], field);
            }
            if !incident["started_at"].is_null() {
                timestamp(&incident["started_at"], "started_at");
            }
        }
        for component in page["components"]
            .as_array()
            .expect("components is an array")
        {
            keys(component, &["name", "status"], "component");
            string(&component["name"], "component.name");
            string(&component["status"], "component.status");
        }
    }
    let connectivity = &probe["connectivity"];
    if !connectivity.is_null() {
        keys(
            connectivity,
            &["online", "checked", "ok", "note", "public_dns"],
            "connectivity",
        );
        assert!(connectivity["online"].is_boolean());
        assert!(connectivity["checked"].is_u64() && connectivity["ok"].is_u64());
        string(&connectivity["note"], "note");
        let public_dns = &connectivity["public_dns"];
        if !public_dns.is_null() {
            keys(
                public_dns,
                &["asked", "resolved", "addresses", "note"],
                "public_dns",
            );
            for resolver in public_dns["asked"].as_array().expect("asked is an array") {
                string(resolver, "public_dns.asked");
            }
            assert!(
                public_dns["resolved"].is_boolean() || public_dns["resolved"].is_null(),
                "public_dns.resolved: {probe}"
            );
            for address in public_dns["addresses"]
                .as_array()
                .expect("addresses is an array")
            {
                let text = address.as_str().unwrap_or_default();
                assert!(
                    text.parse::<std::net::IpAddr>().is_ok(),
                    "public_dns.addresses: {probe}"
                );
            }
            string(&public_dns["note"], "public_dns.note");
        }
    }
    for attempt in probe["attempts"].as_array().expect("attempts is an array") {
        keys(attempt, &["address", "outcome", "ms"], "attempt");
        let address = attempt["address"].as_str().unwrap_or_default();
        assert!(
            address.parse::<std::net::SocketAddr>().is_ok(),
            "attempt.address: {probe}"
        );
        assert!(
            OUTCOMES.contains(&attempt["outcome"].as_str().unwrap_or_default()),
            "attempt.outcome: {probe}"
        );
        assert!(attempt["ms"].is_f64(), "attempt.ms: {probe}");
    }
    check_elsewhere(&probe["elsewhere"]);
}

/// Error kinds a place elsewhere can report: the probe's own, and `unknown` when Globalping's
/// words fit none.
const PLACE_KINDS: &[&str] = &[
    "dns",
    "refused",
    "unreachable",
    "timeout",
    "tls",
    "reset",
    "protocol",
    "status",
    "blocked",
    "unknown",
];

fn count(value: &Value, what: &str) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("{what} is not a count: {value}"))
}

/// `elsewhere`: the answer from Globalping's places, or null when `--from` was not asked on
/// this probe.
pub fn check_elsewhere(elsewhere: &Value) {
    if elsewhere.is_null() {
        return;
    }
    keys(
        elsewhere,
        &[
            "source",
            "measurement",
            "url",
            "state",
            "asked",
            "up",
            "degraded",
            "down",
            "unknown",
            "places",
            "error",
            "measured_url",
            "notes",
            "near",
        ],
        "elsewhere",
    );
    string_or_null(&elsewhere["measured_url"], "elsewhere.measured_url");
    for note in elsewhere["notes"]
        .as_array()
        .expect("elsewhere.notes is an array")
    {
        string(note, "elsewhere.notes[]");
    }
    check_near(&elsewhere["near"]);
    assert_eq!(elsewhere["source"], "globalping");
    string_or_null(&elsewhere["measurement"], "elsewhere.measurement");
    string_or_null(&elsewhere["url"], "elsewhere.url");
    assert_eq!(
        elsewhere["url"].is_null(),
        elsewhere["measurement"].is_null(),
        "a link exactly when there is a measurement: {elsewhere}"
    );
    state(&elsewhere["state"], "elsewhere.state");
    string_or_null(&elsewhere["error"], "elsewhere.error");
    count(&elsewhere["asked"], "asked");
    let places = elsewhere["places"]
        .as_array()
        .expect("elsewhere.places is an array");
    let mut counted = 0;
    for (field, name) in [
        ("up", "up"),
        ("degraded", "degraded"),
        ("down", "down"),
        ("unknown", "unknown"),
    ] {
        let n = count(&elsewhere[field], field);
        let there = places.iter().filter(|p| p["state"] == name).count() as u64;
        assert_eq!(n, there, "{field} counts the places: {elsewhere}");
        counted += n;
    }
    assert_eq!(counted, places.len() as u64, "{elsewhere}");
    for place in places {
        keys(
            place,
            &[
                "continent",
                "country",
                "city",
                "asn",
                "network",
                "state",
                "status",
                "reason",
                "error",
                "timings_ms",
                "address",
                "failure_source",
            ],
            "place",
        );
        string_or_null(&place["address"], "place.address");
        assert!(
            place["failure_source"].is_null()
                || ["target", "resolver", "internal"]
                    .iter()
                    .any(|s| place["failure_source"] == *s),
            "place.failure_source: {place}"
        );
        for field in ["continent", "country", "city", "network"] {
            string_or_null(&place[field], field);
        }
        assert!(
            place["asn"].is_null() || place["asn"].is_u64(),
            "asn: {place}"
        );
        assert!(
            place["status"].is_null() || place["status"].is_u64(),
            "status: {place}"
        );
        state(&place["state"], "place.state");
        string(&place["reason"], "place.reason");
        if !place["error"].is_null() {
            keys(&place["error"], &["kind", "message"], "place.error");
            assert!(
                PLACE_KINDS.contains(&place["error"]["kind"].as_str().unwrap_or_default()),
                "place.error.kind: {place}"
            );
            string(&place["error"]["message"], "place.error.message");
        }
        keys(
            &place["timings_ms"],
            &["dns", "connect", "tls", "first_byte", "total"],
            "place.timings_ms",
        );
        for phase in ["dns", "connect", "tls", "first_byte", "total"] {
            number_or_null(&place["timings_ms"][phase], phase);
        }
    }
}

/// `elsewhere.near`, with `--from near`: where this machine is and the level it breaks at.
fn check_near(near: &Value) {
    if near.is_null() {
        return;
    }
    keys(
        near,
        &["address", "country", "asn", "network", "levels", "level"],
        "elsewhere.near",
    );
    for field in ["address", "country", "network"] {
        string_or_null(&near[field], field);
    }
    assert!(
        near["asn"].is_null() || near["asn"].is_u64(),
        "near.asn: {near}"
    );
    let level = &near["level"];
    assert!(
        level.is_null()
            || ["machine", "network", "country", "world"]
                .iter()
                .any(|l| level == *l),
        "near.level: {near}"
    );
    for entry in near["levels"].as_array().expect("near.levels is an array") {
        keys(
            entry,
            &["level", "asked", "up", "degraded", "down", "unknown"],
            "near.levels[]",
        );
        assert!(
            ["network", "country", "world"]
                .iter()
                .any(|l| entry["level"] == *l),
            "near.levels[].level: {entry}"
        );
        for field in ["asked", "up", "degraded", "down", "unknown"] {
            count(&entry[field], field);
        }
    }
}

pub fn check_summary(summary: &Value) {
    keys(
        summary,
        &[
            "type",
            "target",
            "name",
            "url",
            "probes",
            "up",
            "degraded",
            "down",
            "unknown",
            "availability_pct",
            "latency_ms",
            "state",
            "started_at",
            "ended_at",
            "transitions",
            "transitions_total",
        ],
        "summary",
    );
    let kept = summary["transitions"].as_array().map_or(0, Vec::len) as u64;
    let total = summary["transitions_total"]
        .as_u64()
        .unwrap_or_else(|| panic!("transitions_total: {summary}"));
    assert!(kept <= KEPT_TRANSITIONS && kept <= total, "{summary}");
    for field in ["target", "name", "url"] {
        string(&summary[field], field);
    }
    for field in ["probes", "up", "degraded", "down", "unknown"] {
        assert!(summary[field].is_u64(), "{field}: {summary}");
    }
    number_or_null(&summary["availability_pct"], "availability_pct");
    assert_eq!(
        summary["availability_pct"].is_null(),
        summary["probes"] == 0,
        "null exactly when there was no probe: {summary}"
    );
    if !summary["latency_ms"].is_null() {
        keys(
            &summary["latency_ms"],
            &["min", "p50", "p95", "max", "mean"],
            "latency_ms",
        );
    }
    if !summary["state"].is_null() {
        state(&summary["state"], "state");
    }
    timestamp(&summary["started_at"], "started_at");
    timestamp(&summary["ended_at"], "ended_at");
    for transition in summary["transitions"]
        .as_array()
        .expect("transitions is an array")
    {
        keys(transition, &["at", "from", "to"], "transition");
        timestamp(&transition["at"], "transition.at");
        state(&transition["from"], "from");
        state(&transition["to"], "to");
    }
}

/// Characters that would steer a terminal when `jq -r` prints a string: none may be in any.
fn steers(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
                | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Every string in a line, however deep, is safe to print raw.
pub fn check_strings(value: &Value) {
    match value {
        Value::String(text) => assert!(
            !text.chars().any(steers),
            "a string would steer the terminal: {text:?}"
        ),
        Value::Array(items) => items.iter().for_each(check_strings),
        Value::Object(fields) => fields.values().for_each(check_strings),
        _ => {}
    }
}

/// Checks a line by its type.
pub fn check_line(line: &Value) {
    check_strings(line);
    match line["type"].as_str() {
        Some("probe") => check_probe(line),
        Some("summary") => check_summary(line),
        Some("service") => {}
        Some("history") => check_history(line),
        Some("outage") => check_outage(line),
        Some("incident") => check_incident(line),
        other => panic!("unknown line type {other:?}: {line}"),
    }
}

/// `--history --json`: a `history` line per target (see doc/history.md).
fn check_history(line: &Value) {
    keys(
        line,
        &[
            "type",
            "target",
            "name",
            "url",
            "since",
            "until",
            "probes",
            "up",
            "degraded",
            "unknown",
            "down",
            "availability_pct",
            "latency_ms",
            "outages",
            "incidents",
            "status_page",
            "status_page_error",
        ],
        "history",
    );
    for key in ["target", "name", "url", "since", "until"] {
        string(&line[key], key);
    }
    for key in [
        "probes",
        "up",
        "degraded",
        "unknown",
        "down",
        "outages",
        "incidents",
    ] {
        assert!(line[key].is_u64(), "{key} is not a count: {line}");
    }
    let total: u64 = ["up", "degraded", "unknown", "down"]
        .iter()
        .map(|k| line[k].as_u64().unwrap())
        .sum();
    assert_eq!(line["probes"].as_u64(), Some(total), "{line}");
    number_or_null(&line["availability_pct"], "availability_pct");
    if !line["latency_ms"].is_null() {
        keys(&line["latency_ms"], &["p50", "p95"], "latency_ms");
    }
    string_or_null(&line["status_page"], "status_page");
    string_or_null(&line["status_page_error"], "status_page_error");
}

/// An outage seen here: a period from the first probe not UP to the next UP.
fn check_outage(line: &Value) {
    keys(
        line,
        &[
            "type",
            "target",
            "name",
            "started_at",
            "ended_at",
            "last_seen_at",
            "duration_s",
            "state",
            "reason",
            "probes",
            "provider_silent_s",
        ],
        "outage",
    );
    for key in ["target", "name", "started_at", "last_seen_at", "reason"] {
        string(&line[key], key);
    }
    string_or_null(&line["ended_at"], "ended_at");
    assert!(
        STATES.contains(&line["state"].as_str().unwrap_or_default()) && line["state"] != "up",
        "{line}"
    );
    assert!(
        line["duration_s"].is_u64() && line["probes"].as_u64() >= Some(1),
        "{line}"
    );
    number_or_null(&line["provider_silent_s"], "provider_silent_s");
}

/// An incident the provider published.
fn check_incident(line: &Value) {
    keys(
        line,
        &[
            "type",
            "target",
            "name",
            "title",
            "impact",
            "started_at",
            "resolved_at",
            "url",
            "post",
            "seen_here",
        ],
        "incident",
    );
    for key in ["target", "name", "title", "started_at"] {
        string(&line[key], key);
    }
    for key in ["impact", "resolved_at", "url"] {
        string_or_null(&line[key], key);
    }
    assert!(line["post"].is_boolean(), "{line}");
    assert!(
        line["seen_here"].is_boolean() || line["seen_here"].is_null(),
        "{line}"
    );
}
