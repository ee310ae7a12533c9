//! The body of `POST /v1/measurements` for one HTTP check.
//!
//! Only what identifies the resource travels: protocol, host, port, path and query. The types
//! have no field for headers, the URL's user and password, or cookies, so none can be sent.

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
    locations: Locations,
    #[serde(rename = "measurementOptions")]
    options: HttpOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct HttpOptions {
    request: RequestLine,
    protocol: &'static str,
    port: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct RequestLine {
    method: &'static str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
}

impl MeasurementRequest {
    /// The same request as the probe from here: method, protocol, host, port, path and query.
    pub fn http(
        url: &Url,
        method: Method,
        locations: &Locations,
    ) -> Result<MeasurementRequest, String> {
        let protocol = match url.scheme() {
            "http" => "HTTP",
            "https" => "HTTPS",
            other => {
                return Err(format!(
                    "only http and https URLs can be checked from elsewhere, not {other}"
                ))
            }
        };
        let target = match url.host() {
            Some(Host::Domain(name)) => name.trim_end_matches('.').to_string(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            None => return Err("a URL without a host cannot be checked from elsewhere".into()),
        };
        if target.is_empty() {
            return Err("a URL without a host cannot be checked from elsewhere".into());
        }
        let port = url
            .port_or_known_default()
            .ok_or("a URL without a port cannot be checked from elsewhere")?;
        Ok(MeasurementRequest {
            kind: "http",
            target,
            locations: locations.clone(),
            options: HttpOptions {
                request: RequestLine {
                    method: method.as_str(),
                    path: url.path().to_string(),
                    query: url.query().map(str::to_string),
                },
                protocol,
                port,
            },
        })
    }

    /// The JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings and numbers only: serializing cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn locations(&self) -> &Locations {
        &self.locations
    }

    /// Probes asked for in all.
    pub fn probes(&self) -> u32 {
        self.locations.probes()
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
