//! The body of `POST /v1/measurements` for one HTTP check.
//!
//! Only what identifies the resource travels: protocol, host, port, path and query, the probe's
//! timeout and, under `-4`/`-6`, the IP version. The types have no field for headers, the URL's
//! user and password, or cookies, so none can be sent.

use std::time::Duration;

use serde::Serialize;
use url::{Host, Url};

use super::locations::Locations;
use crate::probe::Method;

/// An HTTP measurement, ready to be sent as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasurementRequest {
    #[serde(rename = "type")]
    kind: &'static str,
    target: String,
    locations: Where,
    /// Seconds each probe gives the test (the API takes 5 to 30).
    timeout: u64,
    #[serde(rename = "measurementOptions")]
    options: HttpOptions,
    /// Probes asked for in all (the earlier measurement's, when its probes are asked again).
    #[serde(skip)]
    probes: u32,
}

/// Seconds a probe gives the test unless told otherwise: the probe's own default timeout.
const DEFAULT_TIMEOUT_SECS: u64 = 10;

/// The request's `locations`: places to pick, or the probes of an earlier measurement (its
/// id), so that a measurement made again compares like with like.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
enum Where {
    Places(Locations),
    SameProbesAs(String),
}

/// The API's range for a measurement's `timeout`.
const TIMEOUT_RANGE: (u64, u64) = (5, 30);

/// The probe's timeout in whole seconds (rounded up), within the API's range.
fn timeout_secs(timeout: Duration) -> u64 {
    let whole = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0);
    whole.clamp(TIMEOUT_RANGE.0, TIMEOUT_RANGE.1)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct HttpOptions {
    request: RequestLine,
    protocol: &'static str,
    port: u16,
    /// 4 or 6 under `-4`/`-6`; the API takes it for names only.
    #[serde(rename = "ipVersion", skip_serializing_if = "Option::is_none")]
    ip_version: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct RequestLine {
    method: &'static str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
}

/// A URL the API cannot be asked to measure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotMeasurable {
    #[error("only http and https URLs can be checked from elsewhere, not {0}")]
    Scheme(String),
    #[error("a URL without a host cannot be checked from elsewhere")]
    NoHost,
    #[error("a URL without a port cannot be checked from elsewhere")]
    NoPort,
}

impl MeasurementRequest {
    /// The same request as the probe from here: method, protocol, host, port, path and query.
    pub fn http(
        url: &Url,
        method: Method,
        locations: &Locations,
    ) -> Result<MeasurementRequest, NotMeasurable> {
        let protocol = match url.scheme() {
            "http" => "HTTP",
            "https" => "HTTPS",
            other => return Err(NotMeasurable::Scheme(other.to_string())),
        };
        let target = match url.host() {
            Some(Host::Domain(name)) => name.trim_end_matches('.').to_string(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(NotMeasurable::NoHost),
        };
        if target.is_empty() {
            return Err(NotMeasurable::NoHost);
        }
        let port = url.port_or_known_default().ok_or(NotMeasurable::NoPort)?;
        Ok(MeasurementRequest {
            kind: "http",
            target,
            locations: Where::Places(locations.clone()),
            timeout: DEFAULT_TIMEOUT_SECS,
            probes: locations.probes(),
            options: HttpOptions {
                request: RequestLine {
                    method: method.as_str(),
                    path: url.path().to_string(),
                    // The API refuses an empty query: a URL ending in `?` has none to send.
                    query: url.query().filter(|q| !q.is_empty()).map(str::to_string),
                },
                protocol,
                port,
                ip_version: None,
            },
        })
    }

    /// Each probe gives the test the probe's own timeout, within the API's range.
    pub fn with_timeout(mut self, timeout: Duration) -> MeasurementRequest {
        self.timeout = timeout_secs(timeout);
        self
    }

    /// `-4`/`-6`: the probes use that IP version. Only for a name: the API refuses it for an
    /// address, whose version is already plain.
    pub fn with_ip_version(mut self, version: Option<u8>) -> MeasurementRequest {
        let is_name = self.target.parse::<std::net::IpAddr>().is_err();
        self.options.ip_version = version.filter(|_| is_name);
        self
    }

    /// On the probes of an earlier measurement, by its id, instead of places picked afresh.
    pub fn on_probes_of(mut self, measurement: &str) -> MeasurementRequest {
        self.locations = Where::SameProbesAs(measurement.to_string());
        self
    }

    /// Probes asked for in all.
    pub fn probes(&self) -> u32 {
        self.probes
    }

    /// Seconds each probe gives the test.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    /// The JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings and numbers only: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The places asked for, for a sentence: their names, or the earlier measurement's.
    pub fn place_names(&self) -> String {
        match &self.locations {
            Where::Places(locations) => locations.names(),
            Where::SameProbesAs(id) => format!("the probes of measurement {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn body(url: &str, method: Method, from: &str) -> Value {
        let url = Url::parse(url).unwrap();
        let request =
            MeasurementRequest::http(&url, method, &Locations::parse(from).unwrap()).unwrap();
        serde_json::from_slice(&request.to_json()).unwrap()
    }

    #[test]
    fn carries_protocol_host_port_path_and_query_exactly() {
        assert_eq!(
            body(
                "https://chatgpt.com/backend-api/ping?x=1&y=%20z",
                Method::Get,
                "world,DE:2"
            ),
            json!({
                "type": "http",
                "target": "chatgpt.com",
                "locations": [{"magic": "world", "limit": 5}, {"magic": "DE", "limit": 2}],
                "timeout": 10,
                "measurementOptions": {
                    "request": {"method": "GET", "path": "/backend-api/ping", "query": "x=1&y=%20z"},
                    "protocol": "HTTPS",
                    "port": 443
                }
            })
        );
        let plain = body("http://example.com:8080", Method::Head, "Japan");
        assert_eq!(plain["measurementOptions"]["protocol"], "HTTP");
        assert_eq!(plain["measurementOptions"]["port"], 8080);
        assert_eq!(plain["measurementOptions"]["request"]["method"], "HEAD");
        assert_eq!(plain["measurementOptions"]["request"]["path"], "/");
        assert!(plain["measurementOptions"]["request"]
            .get("query")
            .is_none());
    }

    #[test]
    fn never_carries_credentials_fragments_or_headers() {
        let sent = body(
            "https://alice:s3cret@example.com/p?q#frag",
            Method::Get,
            "world",
        );
        let text = sent.to_string();
        assert!(!text.contains("alice") && !text.contains("s3cret") && !text.contains("frag"));
        assert!(sent["measurementOptions"]["request"]
            .get("headers")
            .is_none());
        assert_eq!(sent["target"], "example.com");
    }

    #[test]
    fn hosts_are_plain_names_and_addresses() {
        let idn = body("https://bücher.example/", Method::Get, "world");
        assert_eq!(idn["target"], "xn--bcher-kva.example");
        let v6 = body("http://[2001:db8::1]:81/", Method::Get, "world");
        assert_eq!(v6["target"], "2001:db8::1");
        let dotted = body("https://example.com./", Method::Get, "world");
        assert_eq!(dotted["target"], "example.com");
        assert_eq!(
            body("http://192.0.2.7/", Method::Get, "world")["target"],
            "192.0.2.7"
        );
    }

    #[test]
    fn an_empty_query_is_not_sent() {
        let asked = body("https://example.com/search?", Method::Get, "world");
        assert!(asked["measurementOptions"]["request"]
            .get("query")
            .is_none());
    }

    #[test]
    fn the_timeout_is_the_probes_within_the_apis_range() {
        for (timeout, secs) in [(1_000, 5), (10_000, 10), (12_300, 13), (90_000, 30)] {
            assert_eq!(
                timeout_secs(Duration::from_millis(timeout)),
                secs,
                "{timeout} ms"
            );
        }
        let url = Url::parse("https://example.com/").unwrap();
        let world = Locations::parse("world").unwrap();
        let request = MeasurementRequest::http(&url, Method::Get, &world)
            .unwrap()
            .with_timeout(Duration::from_secs(2));
        let sent: Value = serde_json::from_slice(&request.to_json()).unwrap();
        assert_eq!(sent["timeout"], 5);
    }

    #[test]
    fn the_ip_version_goes_with_names_only() {
        let world = Locations::parse("world").unwrap();
        let sent = |url: &str, version| {
            let url = Url::parse(url).unwrap();
            let request = MeasurementRequest::http(&url, Method::Get, &world)
                .unwrap()
                .with_ip_version(version);
            serde_json::from_slice::<Value>(&request.to_json()).unwrap()
        };
        assert_eq!(
            sent("https://example.com/", Some(6))["measurementOptions"]["ipVersion"],
            6
        );
        assert!(sent("https://example.com/", None)["measurementOptions"]
            .get("ipVersion")
            .is_none());
        assert!(sent("http://8.8.8.8/", Some(4))["measurementOptions"]
            .get("ipVersion")
            .is_none());
        assert!(
            sent("http://[2606:4700::1]/", Some(6))["measurementOptions"]
                .get("ipVersion")
                .is_none()
        );
    }

    #[test]
    fn the_probes_of_an_earlier_measurement_are_asked_by_its_id() {
        let world = Locations::parse("world").unwrap();
        let url = Url::parse("https://example.com/").unwrap();
        let request = MeasurementRequest::http(&url, Method::Get, &world)
            .unwrap()
            .on_probes_of("abc123");
        assert!(matches!(request.locations, Where::SameProbesAs(ref id) if id == "abc123"));
        let sent: Value = serde_json::from_slice(&request.to_json()).unwrap();
        assert_eq!(sent["locations"], "abc123");
    }

    #[test]
    fn other_schemes_are_refused() {
        let world = Locations::parse("world").unwrap();
        for url in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "data:text/plain,hi",
        ] {
            let url = Url::parse(url).unwrap();
            assert!(MeasurementRequest::http(&url, Method::Get, &world).is_err());
        }
    }
}
