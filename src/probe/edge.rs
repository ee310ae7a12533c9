//! CDN edges: which CDN served an answer, and whether the CDN made the answer itself because
//! the service's own servers behind it did not answer. Such an error proves the edge is up and
//! the origin is not; saying so tells the user where it broke.
//!
//! The recognisers are data, one row per CDN: the headers that show the CDN served the answer,
//! the headers its own error pages always carry, and what each of its error statuses means.

/// A CDN seen in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The CDN, lowercase, as in JSON: "cloudflare", "cloudfront", "fastly", "akamai".
    pub cdn: &'static str,
    /// The CDN's name for a sentence: "Cloudflare".
    pub vendor: &'static str,
    /// The CDN made this answer because the origin behind it failed.
    pub error: bool,
    /// What the CDN's error means, when it is one.
    pub detail: Option<&'static str>,
    /// The service's own gateway behind the CDN, when its marks show it made the answer and
    /// the CDN only carried it ("Amazon API Gateway").
    pub gateway: Option<&'static str>,
    /// The header that names this request at the CDN (and often the edge location), as
    /// "name value": what the CDN's support asks for.
    pub id: Option<String>,
}

impl Edge {
    /// "Cloudflare answers, but ChatGPT's servers behind it do not (522: connection to the
    /// origin timed out)".
    pub fn sentence(&self, service: &str, status: u16) -> String {
        let servers = owned_by(service, "servers");
        let why = match self.detail {
            Some(detail) => format!(" ({status}: {detail})"),
            None => format!(" ({status})"),
        };
        format!(
            "{} answers, but {servers} behind it do not{why}",
            self.vendor
        )
    }

    /// An error the service's own gateway made and the CDN carried: "ChatGPT's own gateway
    /// (Amazon API Gateway) failed: 502 Bad Gateway; CloudFront only carried its answer".
    /// `status` is the status as shown.
    pub fn carried(&self, service: &str, status: &str) -> Option<String> {
        let gateway = self.gateway?;
        Some(format!(
            "{} ({gateway}) failed: {status}; {} only carried its answer",
            owned_by(service, "own gateway"),
            self.vendor
        ))
    }
}

/// "ChatGPT's servers", "Microsoft Teams' servers", "the servers of example.com/health".
fn owned_by(service: &str, what: &str) -> String {
    let service = service.trim();
    if service.is_empty() {
        format!("the service's {what}")
    } else if service.contains(['/', ':']) {
        format!("the {what} of {service}")
    } else if service.ends_with(['s', 'S']) {
        format!("{service}' {what}")
    } else {
        format!("{service}'s {what}")
    }
}

/// A test on one response header (names lowercase, values compared ignoring case), or on
/// the start of the body (lowercase, compared ignoring case).
#[derive(Debug, Clone, Copy)]
enum Test {
    Present(&'static str),
    Equals(&'static str, &'static str),
    StartsWith(&'static str, &'static str),
    Contains(&'static str, &'static str),
    Body(&'static str),
}

impl Test {
    fn holds(self, headers: &[(String, String)], body: &str) -> bool {
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_ascii_lowercase())
        };
        match self {
            Test::Present(name) => value(name).is_some(),
            Test::Equals(name, want) => value(name).is_some_and(|v| v == want),
            Test::StartsWith(name, prefix) => value(name).is_some_and(|v| v.starts_with(prefix)),
            Test::Contains(name, needle) => value(name).is_some_and(|v| v.contains(needle)),
            Test::Body(mark) => body.contains(mark),
        }
    }
}

/// One error a CDN makes itself: its status, the reason phrase it sends when the status
/// alone does not tell (Fastly answers 503 for everything), and what it means.
struct OwnError {
    status: u16,
    reason: Option<&'static str>,
    means: &'static str,
}

const fn error(status: u16, means: &'static str) -> OwnError {
    OwnError {
        status,
        reason: None,
        means,
    }
}

const fn error_saying(status: u16, reason: &'static str, means: &'static str) -> OwnError {
    OwnError {
        status,
        reason: Some(reason),
        means,
    }
}

struct Cdn {
    cdn: &'static str,
    vendor: &'static str,
    /// Any of these: the answer came through this CDN.
    served: &'static [Test],
    /// Any of these sets, each whole: the CDN made the answer itself. A CDN is named as the
    /// author of an error only when its own marks say so.
    own_pages: &'static [&'static [Test]],
    errors: &'static [OwnError],
    /// Headers naming the request at the CDN, the first one present is shown.
    ids: &'static [&'static str],
}

/// A gateway of the service's own that a CDN may carry answers from: when any of its marks
/// shows, the gateway made the answer, not the CDN in front of it.
struct Gateway {
    name: &'static str,
    marks: &'static [Test],
}

const GATEWAYS: &[Gateway] = &[Gateway {
    name: "Amazon API Gateway",
    marks: &[
        Test::Present("x-amzn-errortype"),
        Test::Present("x-amz-apigw-id"),
        Test::Present("x-amzn-requestid"),
    ],
}];

/// Values are lowercase: answers are compared ignoring case.
const CDNS: &[Cdn] = &[
    Cdn {
        cdn: "cloudflare",
        vendor: "Cloudflare",
        served: &[
            Test::Equals("server", "cloudflare"),
            Test::Present("cf-ray"),
        ],
        // Cloudflare puts its name in `server` on every answer it proxies, the origin's 5xx
        // included; only the 52x family and 530 are its own.
        own_pages: &[&[
            Test::Equals("server", "cloudflare"),
            Test::Present("cf-ray"),
        ]],
        errors: &[
            error(520, "the origin sent an empty or unexpected answer"),
            error(521, "the origin refused the connection"),
            error(522, "connection to the origin timed out"),
            error(523, "the origin is unreachable"),
            error(524, "the origin took too long to answer"),
            error(525, "the TLS handshake with the origin failed"),
            error(526, "the origin's TLS certificate is invalid"),
            error(527, "the connection to the origin through Railgun failed"),
            error(530, "the origin could not be resolved or reached"),
        ],
        ids: &["cf-ray"],
    },
    Cdn {
        cdn: "cloudfront",
        vendor: "CloudFront",
        served: &[
            Test::Contains("via", "(cloudfront)"),
            Test::Contains("x-cache", "cloudfront"),
            Test::Present("x-amz-cf-id"),
            Test::Present("x-amz-cf-pop"),
            Test::Body("generated by cloudfront (cloudfront)"),
        ],
        // CloudFront says "Error from cloudfront" in `x-cache` on every error it passes on;
        // its own pages also carry its name in `server`, or say that it generated them.
        own_pages: &[
            &[
                Test::Contains("x-cache", "error from cloudfront"),
                Test::Equals("server", "cloudfront"),
            ],
            &[Test::Body("generated by cloudfront (cloudfront)")],
        ],
        errors: &[
            error(
                502,
                "the origin could not be reached or sent an invalid answer",
            ),
            error(503, "the origin is unavailable or over capacity"),
            error(504, "the origin did not answer in time"),
        ],
        ids: &["x-amz-cf-pop", "x-amz-cf-id"],
    },
    Cdn {
        cdn: "fastly",
        vendor: "Fastly",
        served: &[
            Test::StartsWith("x-served-by", "cache-"),
            Test::Present("x-fastly-request-id"),
        ],
        own_pages: &[&[Test::StartsWith("x-served-by", "cache-")]],
        // Fastly answers 503 for every failure of the origin and says which in the reason
        // phrase; a 503 with any other phrase is the origin's own.
        errors: &[
            error_saying(
                503,
                "backend read error",
                "the origin's answer could not be read",
            ),
            error_saying(
                503,
                "backend write error",
                "the request could not be sent to the origin",
            ),
            error_saying(
                503,
                "first byte timeout",
                "the origin did not start answering in time",
            ),
            error_saying(
                503,
                "between bytes timeout",
                "the origin stalled while answering",
            ),
            error_saying(
                503,
                "connection refused",
                "the origin refused the connection",
            ),
            error_saying(
                503,
                "connection timed out",
                "connection to the origin timed out",
            ),
            error_saying(
                503,
                "backend unavailable",
                "no origin server could be reached",
            ),
            error_saying(503, "no healthy backends", "no origin server is healthy"),
            error_saying(503, "backend is unhealthy", "no origin server is healthy"),
            error_saying(
                503,
                "no healthy ip available for the backend",
                "no address of the origin is healthy",
            ),
            error_saying(
                503,
                "backend.max_conn reached",
                "the origin's connection limit is reached",
            ),
            error_saying(
                503,
                "ssl handshake error",
                "the TLS handshake with the origin failed",
            ),
            error_saying(
                503,
                "hostname doesn't match against certificate",
                "the origin's TLS certificate is for another name",
            ),
            error_saying(
                503,
                "certificate has expired",
                "the origin's TLS certificate has expired",
            ),
        ],
        ids: &["x-served-by"],
    },
    Cdn {
        cdn: "akamai",
        vendor: "Akamai",
        served: &[
            Test::StartsWith("server", "akamaighost"),
            Test::Present("akamai-grn"),
            Test::Present("akamai-cache-status"),
            Test::Body("reference&#32;&#35;"),
        ],
        // Akamai's own error pages come from AkamaiGHost, or, where that header is
        // rewritten, carry its reference number written with HTML entities
        // ("Reference&#32;&#35;18..."); an origin's answer keeps the origin's `server` and
        // its own page.
        own_pages: &[
            &[Test::StartsWith("server", "akamaighost")],
            &[Test::Body("reference&#32;&#35;")],
        ],
        errors: &[
            error(500, "the edge could not process the origin's answer"),
            error(
                502,
                "the origin could not be reached or sent an invalid answer",
            ),
            error(503, "the origin is unavailable"),
            error(504, "the origin did not answer in time"),
        ],
        ids: &["akamai-grn"],
    },
];

/// The CDN that served this answer, if one shows, whether the answer is its own error, and
/// whether the service's own gateway behind it made the answer. `reason` is the reason
/// phrase as sent; `headers` need not be complete, only those of note; `body` is the first
/// bytes of the body, as much as was read, lowercased (see
/// [`super::response::Response::recognise`]).
pub fn recognise(
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body: &str,
) -> Option<Edge> {
    let reason = reason.to_ascii_lowercase();
    let gateway = GATEWAYS
        .iter()
        .find(|gateway| gateway.marks.iter().any(|test| test.holds(headers, body)))
        .map(|gateway| gateway.name);
    let own_error = CDNS.iter().find_map(|cdn| {
        let carries_its_marks = cdn
            .own_pages
            .iter()
            .any(|marks| marks.iter().all(|test| test.holds(headers, body)));
        let error = cdn
            .errors
            .iter()
            .find(|e| e.status == status && e.reason.is_none_or(|phrase| reason.contains(phrase)));
        carries_its_marks
            .then_some(error)
            .flatten()
            .map(|e| (cdn, e))
    });
    // A gateway's marks say who made the answer: the CDN in front of it only carried it.
    if let (Some((cdn, error)), None) = (own_error, gateway) {
        return Some(edge(cdn, Some(error.means), None, headers));
    }
    CDNS.iter()
        .find(|cdn| cdn.served.iter().any(|test| test.holds(headers, body)))
        .map(|cdn| edge(cdn, None, gateway, headers))
}

fn edge(
    cdn: &Cdn,
    error: Option<&'static str>,
    gateway: Option<&'static str>,
    headers: &[(String, String)],
) -> Edge {
    let id = cdn.ids.iter().find_map(|&name| {
        headers
            .iter()
            .find(|(n, v)| n.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| format!("{name} {}", v.trim()))
    });
    Edge {
        cdn: cdn.cdn,
        vendor: cdn.vendor,
        error: error.is_some(),
        detail: error,
        gateway,
        id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::recognise`] of a body as read, lowercased as the probe does.
    fn recognise(
        status: u16,
        reason: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Option<Edge> {
        super::recognise(
            status,
            reason,
            headers,
            &String::from_utf8_lossy(body).to_lowercase(),
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    /// One answer per CDN error, with the headers the real ones carry.
    #[test]
    fn each_cdn_names_its_own_error() {
        let cloudflare = headers(&[
            ("server", "cloudflare"),
            ("content-type", "text/html; charset=UTF-8"),
            ("cf-ray", "8f1c2b3d4e5f6789-MXP"),
            ("cache-control", "private, max-age=0, no-store, no-cache"),
        ]);
        let cloudfront = headers(&[
            ("server", "CloudFront"),
            ("content-type", "text/html"),
            ("x-cache", "Error from cloudfront"),
            (
                "via",
                "1.1 0d5c1f8a3e2b7a9c4d6e8f0a1b2c3d4e.cloudfront.net (CloudFront)",
            ),
            ("x-amz-cf-pop", "MXP64-P1"),
            (
                "x-amz-cf-id",
                "q3Xb1w9PZl0u2Vj8QnHc_7sYtK4eRmA5dGfLhJ6iOpUzNvWxEyB1C==",
            ),
        ]);
        let fastly = headers(&[
            ("content-type", "text/html; charset=utf-8"),
            ("via", "1.1 varnish"),
            ("x-served-by", "cache-mxp6932-MXP"),
            ("x-cache", "MISS"),
            ("retry-after", "0"),
        ]);
        let akamai = headers(&[
            ("server", "AkamaiGHost"),
            ("content-type", "text/html"),
            ("akamai-grn", "0.6f5e1602.1760000000.1a2b3c4d"),
        ]);
        let cases = [
            (522, "", &cloudflare, "cloudflare", "timed out"),
            (530, "", &cloudflare, "cloudflare", "resolved"),
            (504, "Gateway Timeout", &cloudfront, "cloudfront", "in time"),
            (
                503,
                "first byte timeout",
                &fastly,
                "fastly",
                "start answering",
            ),
            (
                503,
                "backend read error",
                &fastly,
                "fastly",
                "could not be read",
            ),
            (503, "Service Unavailable", &akamai, "akamai", "unavailable"),
        ];
        for (status, reason, answer, cdn, meaning) in cases {
            let edge = recognise(status, reason, answer, b"").expect("an edge");
            assert_eq!((edge.cdn, edge.error), (cdn, true), "{status} {reason}");
            assert!(
                edge.detail.is_some_and(|d| d.contains(meaning)),
                "{status}: {edge:?}"
            );
            assert!(edge.id.is_some(), "{edge:?}");
        }
        let ray = recognise(522, "", &cloudflare, b"").and_then(|e| e.id);
        assert_eq!(ray.as_deref(), Some("cf-ray 8f1c2b3d4e5f6789-MXP"));
    }

    #[test]
    fn a_cdn_passing_on_the_origins_own_answer_serves_it_without_an_error() {
        let cloudflare = headers(&[("server", "cloudflare"), ("cf-ray", "8f1c-AMS")]);
        for status in [200, 500, 502, 503] {
            let edge = recognise(status, "", &cloudflare, b"").expect("cloudflare served it");
            assert_eq!((edge.cdn, edge.error), ("cloudflare", false), "{status}");
        }
        let fastly = headers(&[("x-served-by", "cache-fra-etou8220000-FRA")]);
        let passed_on = recognise(503, "Service Unavailable", &fastly, b"").expect("fastly");
        assert!(!passed_on.error);
        let cloudfront = headers(&[
            ("x-cache", "Hit from cloudfront"),
            ("via", "1.1 x (CloudFront)"),
        ]);
        assert_eq!(
            recognise(200, "OK", &cloudfront, b"").map(|e| (e.cdn, e.error)),
            Some(("cloudfront", false))
        );
    }

    #[test]
    fn the_same_statuses_without_the_marks_are_nobodys_edge() {
        let plain = headers(&[("server", "nginx"), ("content-type", "text/html")]);
        for status in [502, 503, 504, 520, 522, 530] {
            assert_eq!(recognise(status, "first byte timeout", &plain, b""), None);
        }
        let only_ray = headers(&[("cf-ray", "8f1c-AMS"), ("server", "nginx")]);
        let edge = recognise(522, "", &only_ray, b"").expect("served through cloudflare");
        assert!(
            !edge.error,
            "a 522 without server: cloudflare is not its page"
        );
    }

    #[test]
    fn the_sentence_names_the_edge_and_the_broken_origin() {
        let edge = recognise(
            522,
            "",
            &headers(&[("server", "cloudflare"), ("cf-ray", "1-MXP")]),
            b"",
        )
        .unwrap();
        assert_eq!(
            edge.sentence("ChatGPT", 522),
            "Cloudflare answers, but ChatGPT's servers behind it do not \
             (522: connection to the origin timed out)"
        );
        assert!(edge
            .sentence("Microsoft Teams", 522)
            .contains("Microsoft Teams' servers"));
        assert!(edge
            .sentence("127.0.0.1:8080/x", 522)
            .contains("the servers of 127.0.0.1:8080/x"));
        assert!(edge.sentence("", 522).contains("the service's servers"));
    }

    #[test]
    fn fastly_names_a_backend_without_a_healthy_address() {
        let fastly = headers(&[("x-served-by", "cache-mxp6932-MXP")]);
        let edge = recognise(503, "No healthy IP available for the backend", &fastly, b"")
            .expect("fastly");
        assert!(edge.error);
        assert_eq!(edge.detail, Some("no address of the origin is healthy"));
    }

    #[test]
    fn a_gateway_of_the_services_own_made_the_error_cloudfront_carried() {
        let carried = headers(&[
            ("content-type", "application/json"),
            ("x-cache", "Error from cloudfront"),
            ("via", "1.1 0d5c.cloudfront.net (CloudFront)"),
            ("x-amz-cf-pop", "MXP64-P1"),
            ("x-amzn-requestid", "3f1c2b3d-0000-4e5f-8789-aabbccddeeff"),
            ("x-amzn-errortype", "InternalServerErrorException"),
            ("x-amz-apigw-id", "Q3Xb1w9PZl0="),
        ]);
        for status in [502, 503, 504] {
            let edge = recognise(
                status,
                "",
                &carried,
                br#"{"message": "Internal server error"}"#,
            )
            .expect("cloudfront carried it");
            assert_eq!((edge.cdn, edge.error), ("cloudfront", false), "{status}");
            assert_eq!(edge.gateway, Some("Amazon API Gateway"));
        }
        let edge = recognise(502, "", &carried, b"").unwrap();
        assert_eq!(
            edge.carried("ChatGPT", "502 Bad Gateway").as_deref(),
            Some(
                "ChatGPT's own gateway (Amazon API Gateway) failed: 502 Bad Gateway; \
                 CloudFront only carried its answer"
            )
        );
        // An origin's error CloudFront passes on says "Error from cloudfront" too, but not
        // its name in `server`: not CloudFront's own.
        let passed_on = headers(&[
            ("x-cache", "Error from cloudfront"),
            ("via", "1.1 0d5c.cloudfront.net (CloudFront)"),
        ]);
        let edge = recognise(502, "", &passed_on, b"<h1>Bad Gateway</h1>").unwrap();
        assert_eq!(
            (edge.cdn, edge.error, edge.gateway),
            ("cloudfront", false, None)
        );
        let own = recognise(502, "", &passed_on, b"Generated by cloudfront (CloudFront)").unwrap();
        assert!(own.error);
    }

    #[test]
    fn akamai_is_named_by_its_headers_and_its_page_without_akamaighost() {
        let page = b"<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD><BODY>\
            An error occurred while processing your request.<p>\
            Reference&#32;&#35;18&#46;6f5e1602&#46;1760000000&#46;1a2b3c4d</BODY></HTML>";
        for marks in [
            headers(&[
                ("server", "nginx"),
                ("akamai-grn", "0.6f5e1602.1760000000.1a2b3c4d"),
            ]),
            headers(&[("akamai-cache-status", "Error from child")]),
            headers(&[]),
        ] {
            let edge = recognise(503, "Service Unavailable", &marks, page).expect("akamai");
            assert_eq!((edge.cdn, edge.error), ("akamai", true), "{marks:?}");
        }
        let origin = headers(&[("server", "nginx"), ("akamai-grn", "0.6f5e1602.1.2")]);
        let edge = recognise(503, "", &origin, b"<h1>Service Unavailable</h1>").unwrap();
        assert_eq!(
            (edge.cdn, edge.error),
            ("akamai", false),
            "the origin's own page"
        );
    }
}
