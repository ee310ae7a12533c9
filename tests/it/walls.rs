//! Walls of every generation and edge (challenges, proof-of-work pages, block pages), each
//! from a page shaped like the real one, whatever the status it comes with, 200 and 999
//! included; and a plain refusal, which is the service answering.

use crate::support::*;

/// Each wall's page, and what the reason calls it (the catalog's tests serve some of them too).
const PAGES: &[(&str, &str)] = &[
    ("cloudflare-just-a-moment.html", "a Cloudflare bot wall"),
    (
        "cloudflare-just-a-moment-bare.html",
        "a Cloudflare bot wall",
    ),
    (
        "cloudflare-just-a-moment-ellipsis.html",
        "a Cloudflare bot wall",
    ),
    ("cloudflare-challenge-script.html", "a Cloudflare bot wall"),
    ("cloudflare-challenge-options.html", "a Cloudflare bot wall"),
    (
        "cloudflare-browser-verification.html",
        "a Cloudflare bot wall",
    ),
    ("cloudflare-please-wait.html", "a Cloudflare bot wall"),
    (
        "cloudflare-attention-required.html",
        "a Cloudflare bot wall",
    ),
    (
        "cloudflare-access-denied-1020.html",
        "a Cloudflare block page",
    ),
    ("cloudflare-sorry-blocked.html", "a Cloudflare block page"),
    (
        "cloudflare-browser-signature-1010.txt",
        "a Cloudflare block page",
    ),
    ("vercel-checkpoint.html", "a Vercel bot wall"),
    ("akamai-challenge.html", "an Akamai bot wall"),
    ("akamai-access-denied.html", "an Akamai block page"),
    ("imperva-incapsula.html", "an Imperva bot wall"),
    ("datadome-captcha.html", "a DataDome bot wall"),
    ("perimeterx-press-and-hold.html", "a PerimeterX bot wall"),
    ("aws-waf-challenge.html", "an AWS WAF bot wall"),
    ("google-unusual-traffic.html", "a Google bot wall"),
    ("anubis-proof-of-work.html", "an Anubis proof-of-work wall"),
    ("go-away-proof-of-work.html", "a go-away proof-of-work wall"),
    ("reddit-network-policy.html", "a Reddit block page"),
    ("linkedin-request-denied.html", "a LinkedIn block page"),
    (
        "anthropic-region-unavailable.html",
        "an Anthropic block page",
    ),
];

/// An Access Denied of Akamai's edge that lost its reference number and its `Server:
/// AkamaiGHost`: its `akamai-*` headers tell whose it is.
const AKAMAI_BARE: &str =
    "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n</BODY>\n</HTML>\n";

/// The headers the walls recognised by a header alone carry.
const HEADER_WALLS: &[(&str, &str)] = &[
    ("cf-mitigated", "challenge"),
    ("x-vercel-mitigated", "challenge"),
    ("cf-error-details", "1020"),
];

/// The statuses walls were seen with: a challenge served as a success, a proof-of-work
/// wall's 401, the usual refusals, and a status HTTP does not have.
const STATUSES: [u16; 6] = [200, 401, 403, 429, 503, 999];

fn page(name: &str) -> String {
    let path = format!("{}/tests/fixtures/walls/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn served(status: u16, name: &str) -> Reply {
    match name.ends_with(".txt") {
        true => Reply::text(status, &page(name)),
        false => Reply::html(status, &page(name)),
    }
}

#[test]
fn every_recogniser_has_a_page_or_a_header_it_knows() {
    use isitdown::probe::bot_wall::WALLS;
    let akamai = [
        vec![("akamai-grn".to_string(), "0.6f5e1602.1.2".to_string())],
        vec![(
            "akamai-cache-status".to_string(),
            "Miss from child".to_string(),
        )],
    ];
    for wall in WALLS {
        let by_page = PAGES.iter().any(|(name, _)| {
            let body = page(name).to_lowercase();
            wall.matches(403, &[], &body)
        });
        let by_header = HEADER_WALLS
            .iter()
            .any(|(name, value)| wall.matches(403, &[(name.to_string(), value.to_string())], ""));
        let by_akamai_header = akamai
            .iter()
            .any(|headers| wall.matches(403, headers, &AKAMAI_BARE.to_lowercase()));
        assert!(
            by_page || by_header || by_akamai_header,
            "nothing here shows {} {}",
            wall.vendor,
            wall.page
        );
    }
}

#[test]
fn wall_pages_are_walls_without_a_header() {
    let server = TestServer::start();
    for (index, (name, named)) in PAGES.iter().enumerate() {
        // Some pages are walls only on a refusal (their marks show in pages that serve too).
        let status = [403, 503, 429, 401, 999][index % 5];
        let path = format!("/wall{index}");
        server.route(&path, served(status, name));
        let (code, probe) = probe_json(isitdown().arg(server.url(&path)));
        assert_eq!(code, 3, "{name} with {status}: {probe}");
        assert_eq!(probe["state"], "unknown", "{name}");
        assert_eq!(probe["error"]["kind"], "blocked", "{name}");
        let reason = probe["reason"].as_str().unwrap();
        assert_eq!(
            reason,
            format!("{named} answered {status} instead of the service, and there is no status page to ask"),
            "{name}"
        );
        assert_eq!(
            probe["error"]["message"],
            format!("{named} answered {status} instead of the service: the service itself is unverified")
        );
    }
}

/// One page per class of wall: a challenge, a proof-of-work wall, Google's unusual traffic,
/// LinkedIn's refusal, Cloudflare's, Reddit's and Akamai's block pages (by page, and by its
/// headers without `Server: AkamaiGHost`), and what the reason calls it.
const CLASSES: &[(&str, &str)] = &[
    ("cloudflare-just-a-moment.html", "a Cloudflare bot wall"),
    ("anubis-proof-of-work.html", "an Anubis proof-of-work wall"),
    ("google-unusual-traffic.html", "a Google bot wall"),
    ("linkedin-request-denied.html", "a LinkedIn block page"),
    (
        "cloudflare-access-denied-1020.html",
        "a Cloudflare block page",
    ),
    ("cloudflare-sorry-blocked.html", "a Cloudflare block page"),
    (
        "cloudflare-browser-signature-1010.txt",
        "a Cloudflare block page",
    ),
    ("reddit-network-policy.html", "a Reddit block page"),
    ("akamai-access-denied.html", "an Akamai block page"),
    (AKAMAI_BY_HEADERS, "an Akamai block page"),
];

const AKAMAI_BY_HEADERS: &str = "Akamai's Access Denied known by its headers";

/// The page of a class of wall, with this status.
fn class_reply(name: &str, status: u16) -> Reply {
    match name {
        AKAMAI_BY_HEADERS => Reply::html(status, AKAMAI_BARE)
            .header("Server", "Apache")
            .header("Akamai-GRN", "0.6f5e1602.1760000000.1a2b3c4d")
            .header("Akamai-Cache-Status", "Miss from child"),
        _ => served(status, name),
    }
}

#[test]
fn every_class_of_wall_is_unknown_on_every_status_even_when_the_row_expects_it() {
    let server = TestServer::start();
    let mut config = String::from("[connectivity]\nreferences = []\n");
    let mut targets = Vec::new();
    let mut wanted = Vec::new();
    for (class, (name, named)) in CLASSES.iter().enumerate() {
        for status in STATUSES {
            let key = format!("walled{class}s{status}");
            let path = format!("/{key}");
            server.route(&path, class_reply(name, status));
            // As catalog rows do: the refusal statuses a service answers scripts with are
            // expected (999 is not one HTTP has, so no row can list it).
            config.push_str(&format!(
                "[services.{key}]\nurl = \"{}\"\nexpect = \"2xx,3xx,401,403,404,405,429,503\"\n",
                server.url(&path)
            ));
            targets.push(key);
            wanted.push((*name, status, *named));
        }
    }
    let output = isitdown_with_config(&config)
        .arg("--json")
        .args(&targets)
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{lines:?}");
    assert_eq!(lines.len(), wanted.len());
    for (probe, (name, status, named)) in lines.iter().zip(wanted) {
        assert_eq!(probe["state"], "unknown", "{name} on {status}: {probe}");
        assert_eq!(probe["error"]["kind"], "blocked", "{name} on {status}");
        assert_eq!(probe["http"]["status"], status, "{name}");
        let reason = probe["reason"].as_str().unwrap();
        assert!(
            reason.starts_with(&format!("{named} answered {status} instead of the service")),
            "{name} on {status}: {reason}"
        );
    }
}

#[test]
fn a_challenge_header_alone_is_a_wall_even_on_200() {
    let server = TestServer::start();
    server.route(
        "/vercel",
        Reply::html(429, "<html></html>").header("x-vercel-mitigated", "challenge"),
    );
    server.route(
        "/cloudflare",
        Reply::json(200, "{}").header("cf-mitigated", "challenge"),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/vercel")));
    assert_eq!(code, 3, "{probe}");
    assert!(probe["reason"].as_str().unwrap().contains("Vercel"));
    let (code, probe) = probe_json(isitdown().arg(server.url("/cloudflare")));
    assert_eq!(code, 3, "{probe}");
    assert!(probe["reason"]
        .as_str()
        .unwrap()
        .starts_with("a Cloudflare bot wall answered 200"));
}

#[test]
fn a_bare_status_http_does_not_have_stays_a_protocol_error() {
    let server = TestServer::start();
    server.route("/bare", Reply::new(999).reason("Request denied"));
    server.route("/text", Reply::text(999, "Request denied"));
    for path in ["/bare", "/text"] {
        let (code, probe) = probe_json(isitdown().arg(server.url(path)));
        assert_eq!(code, 2, "{probe}");
        assert_eq!(probe["state"], "down");
        assert_eq!(probe["error"]["kind"], "protocol");
        assert_eq!(
            probe["reason"],
            "the answer is not valid HTTP: status 999 does not exist"
        );
    }
}

#[test]
fn a_plain_refusal_is_the_service_answering() {
    let server = TestServer::start();
    let forbidden = || {
        Reply::html(
            403,
            "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>\
             <hr><center>nginx</center></body></html>",
        )
        .header("Server", "nginx")
    };
    server.route("/forbidden", forbidden());
    let config = format!(
        "[connectivity]\nreferences = []\n[services.plain]\nurl = \"{}\"\nexpect = \"2xx,3xx,401,403\"\n",
        server.url("/forbidden")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("plain"));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
    assert!(probe["error"].is_null());
    let (code, probe) = probe_json(isitdown().arg(server.url("/forbidden")));
    assert_eq!(
        (code, probe["state"].as_str()),
        (1, Some("degraded")),
        "{probe}"
    );
    assert_eq!(probe["error"]["kind"], "status");
}

#[test]
fn a_page_that_serves_with_a_cdns_script_is_not_a_wall() {
    let server = TestServer::start();
    server.route(
        "/",
        Reply::html(
            200,
            "<!DOCTYPE html><html><head><title>Shop</title></head><body><h1>Welcome</h1>\
             <script>(function(){var s=document.createElement('script');\
             s.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';\
             document.head.appendChild(s);})();</script>\
             <script src=\"/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3\"></script>\
             </body></html>",
        ),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/")));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
}

#[test]
fn a_wall_on_200_leaves_the_verdict_to_the_status_page() {
    let server = TestServer::start();
    server.route("/", served(200, "reddit-network-policy.html"));
    server.route(
        "/api/v2/summary.json",
        Reply::json(
            200,
            r#"{"page": {"name": "Example"}, "status": {"indicator": "none", "description": "All Systems Operational"},
                "components": [], "incidents": []}"#,
        ),
    );
    let config = format!(
        "[connectivity]\nreferences = []\n[services.walled]\nurl = \"{}\"\nstatus_page = \"{}\"\nexpect = \"2xx,3xx,403\"\n",
        server.url("/"),
        server.url("")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("walled"));
    assert_eq!((code, probe["state"].as_str()), (0, Some("up")), "{probe}");
    assert_eq!(probe["error"]["kind"], "blocked");
    assert!(
        probe["reason"].as_str().unwrap().starts_with(
            "a Reddit block page answered 200 instead of the service; Example reports"
        ),
        "{probe}"
    );
}

#[test]
fn a_service_probed_with_head_is_asked_again_to_see_the_page() {
    let server = TestServer::start();
    server.route(
        "/wall",
        Reply::html(403, &page("cloudflare-attention-required.html")),
    );
    server.route(
        "/refused",
        Reply::html(999, &page("linkedin-request-denied.html")),
    );
    for (path, named) in [
        ("/wall", "a Cloudflare bot wall"),
        ("/refused", "a LinkedIn block page"),
    ] {
        let config = format!(
            "[services.walled]\nurl = \"{}\"\nmethod = \"HEAD\"\n",
            server.url(path)
        );
        let (code, probe) = probe_json(isitdown_with_config(&config).arg("walled"));
        assert_eq!(code, 3, "{probe}");
        assert_eq!(probe["error"]["kind"], "blocked");
        assert!(probe["reason"].as_str().unwrap().starts_with(named));
    }
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["HEAD", "GET", "HEAD", "GET"]);
}
