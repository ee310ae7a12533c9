//! The catalog as a whole: every probe must reach the service's own servers. A CDN's edge or
//! cache answers `/cdn-cgi/` paths, favicons, static files and static-file hosts by itself,
//! even while the service behind it is down, and such a probe would say UP through an outage.
//! And a row whose `expect` counts 403 as an answer must see an edge's block page as a wall
//! first: 403 in `expect` never turns a block page into UP.

use crate::support::*;

/// File endings of static assets: a CDN cache serves them without asking the origin.
const STATIC_ENDINGS: &[&str] = &[
    ".ico", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".js", ".mjs", ".css",
    ".map", ".woff", ".woff2", ".ttf", ".otf", ".txt", ".xml",
];

/// Hosts (and their subdomains) that only serve cached files.
const STATIC_HOSTS: &[&str] = &[
    "twimg.com",
    "fbcdn.net",
    "gstatic.com",
    "ytimg.com",
    "scdn.co",
    "redditstatic.com",
    "redditmedia.com",
    "githubassets.com",
    "githubusercontent.com",
    "cloudfront.net",
    "fastly.net",
    "akamaihd.net",
    "akamaized.net",
    "azureedge.net",
    "index.crates.io",
];

/// Why a probe URL could be answered by an edge alone, if it could.
fn edge_only(key: &str, url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    let path = parsed.path().to_ascii_lowercase();
    let last = path.rsplit('/').next().unwrap_or_default();
    // Cloudflare's edge is the service itself.
    if path.contains("/cdn-cgi/") && key != "cloudflare" {
        return Some("a /cdn-cgi/ path is answered by Cloudflare's edge".into());
    }
    if path.contains("favicon") {
        return Some("a favicon comes from a cache".into());
    }
    if let Some(ending) = STATIC_ENDINGS.iter().find(|e| last.ends_with(*e)) {
        return Some(format!("a {ending} file is a static asset"));
    }
    if last == "generate_204" {
        return Some("generate_204 is answered by a front end alone".into());
    }
    let labels: Vec<&str> = host.split('.').collect();
    let first = labels.first().copied().unwrap_or_default();
    // st1.zoom.us, static.example.com, cdn.example.com, assets-cdn.example.com
    let numbered_static = first.starts_with("st") && first[2..].chars().all(|c| c.is_ascii_digit());
    if numbered_static
        || labels
            .iter()
            .any(|label| label.contains("static") || label.contains("cdn"))
    {
        return Some(format!("{host} is a static-file host"));
    }
    if let Some(suffix) = STATIC_HOSTS
        .iter()
        .find(|s| host == **s || host.ends_with(&format!(".{s}")))
    {
        return Some(format!("{suffix} serves cached files only"));
    }
    None
}

fn catalog() -> Vec<serde_json::Value> {
    let output = isitdown().args(["--list", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let services = json_lines(&output.stdout);
    assert!(services.len() >= 40, "only {} services", services.len());
    services
}

#[test]
fn no_catalog_probe_can_be_answered_by_an_edge_alone() {
    for service in catalog() {
        let key = service["key"].as_str().unwrap();
        let url = service["url"].as_str().unwrap();
        assert_eq!(edge_only(key, url), None, "{key}: {url}");
        // A sibling probe decides when the main one is walled: an edge must not answer it either.
        for sibling in service["also"].as_array().unwrap() {
            let sibling = sibling.as_str().unwrap();
            assert_eq!(edge_only(key, sibling), None, "{key}: also {sibling}");
        }
    }
}

#[test]
fn every_catalog_probe_says_why_it_reaches_the_origin_and_how_sure_that_is() {
    for service in catalog() {
        let key = service["key"].as_str().unwrap();
        let origin = service["origin"].as_str().unwrap_or_default();
        assert!(origin.len() > 20, "{key} does not say why: {service}");
        assert!(
            ["verified", "documented", "inferred"]
                .contains(&service["confidence"].as_str().unwrap_or_default()),
            "{key}: {service}"
        );
    }
}

#[test]
fn the_rule_refuses_the_probes_an_edge_answers() {
    let refused = [
        ("chatgpt", "https://chatgpt.com/cdn-cgi/trace"),
        ("claude", "https://claude.ai/favicon.ico"),
        ("reddit", "https://www.reddit.com/favicon.ico"),
        ("spotify", "https://open.spotify.com/favicon.ico"),
        ("zoom", "https://st1.zoom.us/favicon.ico"),
        ("zoom", "https://st1.zoom.us/"),
        ("x", "https://abs.twimg.com/favicons/twitter.3.ico"),
        ("x", "https://abs.twimg.com/"),
        ("youtube", "https://www.youtube.com/generate_204"),
        ("crates", "https://index.crates.io/config.json"),
        ("svc", "https://static.example.com/"),
        ("svc", "https://example-cdn.example.com/health"),
        ("svc", "https://example.com/app.js"),
        ("svc", "https://example.com/style.css"),
        ("svc", "https://example.com/logo.svg"),
        ("svc", "https://example.com/font.woff2"),
    ];
    for (key, url) in refused {
        assert!(edge_only(key, url).is_some(), "{url} passed");
    }
    let allowed = [
        ("cloudflare", "https://www.cloudflare.com/cdn-cgi/trace"),
        ("openai", "https://api.openai.com/v1/models"),
        ("github", "https://api.github.com/rate_limit"),
        ("svc", "https://example.com/status.json"),
    ];
    for (key, url) in allowed {
        assert_eq!(edge_only(key, url), None, "{url}");
    }
}

fn page(name: &str) -> String {
    let path = format!("{}/tests/fixtures/walls/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `expect` the catalog uses that counts 403 as an answer: such a row must see a wall
/// before its expected status.
fn expects_with_403() -> Vec<String> {
    let mut expects: Vec<String> = catalog()
        .iter()
        .filter_map(|s| s["expect"].as_str())
        .filter(|e| {
            isitdown::target::expect::StatusSet::parse(e).is_ok_and(|set| set.contains(403))
        })
        .map(str::to_string)
        .collect();
    expects.sort();
    expects.dedup();
    assert!(!expects.is_empty());
    expects
}

/// A row with this `expect` whose probe meets `reply`: its state and reason.
fn row_meeting(expect: &str, reply: Reply) -> (String, String) {
    let server = TestServer::start();
    server.route("/api", reply);
    let config = format!(
        "[services.row]\nurl = \"{}\"\nexpect = \"{expect}\"\n",
        server.url("/api")
    );
    let (_, probe) = probe_json(isitdown_with_config(&config).arg("row"));
    let state = probe["state"].as_str().unwrap_or_default().to_string();
    (
        state,
        probe["reason"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn an_expected_403_never_turns_a_cloudflare_block_page_into_up() {
    for expect in expects_with_403() {
        let reply = Reply::html(403, &page("cloudflare-access-denied-1020.html"))
            .header("Server", "cloudflare")
            .header("CF-RAY", "8f0e1d2c3b4a5968-FRA");
        let (state, reason) = row_meeting(&expect, reply);
        assert_ne!(state, "up", "expect {expect}: {reason}");
    }
}

#[test]
fn an_expected_403_never_turns_reddits_network_policy_page_into_up() {
    for expect in expects_with_403() {
        let reply = Reply::html(403, &page("reddit-network-policy.html"));
        let (state, reason) = row_meeting(&expect, reply);
        assert_ne!(state, "up", "expect {expect}: {reason}");
    }
}

#[test]
fn a_redirect_to_a_region_block_page_is_not_up() {
    let server = TestServer::start();
    server.route(
        "/api",
        Reply::new(302).header("location", "/app-unavailable-in-region"),
    );
    server.route(
        "/app-unavailable-in-region",
        Reply::html(200, &page("anthropic-region-unavailable.html")),
    );
    let config = format!(
        "[services.row]\nurl = \"{}\"\nexpect = \"2xx,3xx,401,403,404,405\"\n",
        server.url("/api")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("row"));
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["state"], "unknown", "{probe}");
    assert_eq!(probe["error"]["kind"], "blocked", "{probe}");
    assert!(
        probe["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("an Anthropic block page"),
        "{probe}"
    );
}
