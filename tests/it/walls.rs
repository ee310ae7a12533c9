//! Bot walls of every generation and edge, each from a page shaped like the real one, whatever
//! the status it comes with; and a plain refusal, which is the service answering.

use crate::support::*;

/// Each challenge page, and the edge whose wall it is.
const PAGES: &[(&str, &str)] = &[
    ("cloudflare-just-a-moment.html", "Cloudflare"),
    ("cloudflare-just-a-moment-bare.html", "Cloudflare"),
    ("cloudflare-just-a-moment-ellipsis.html", "Cloudflare"),
    ("cloudflare-challenge-script.html", "Cloudflare"),
    ("cloudflare-challenge-options.html", "Cloudflare"),
    ("cloudflare-browser-verification.html", "Cloudflare"),
    ("cloudflare-please-wait.html", "Cloudflare"),
    ("cloudflare-attention-required.html", "Cloudflare"),
    ("vercel-checkpoint.html", "Vercel"),
    ("akamai-challenge.html", "Akamai"),
    ("imperva-incapsula.html", "Imperva"),
    ("datadome-captcha.html", "DataDome"),
    ("perimeterx-press-and-hold.html", "PerimeterX"),
    ("aws-waf-challenge.html", "AWS WAF"),
];

fn page(name: &str) -> String {
    let path = format!("{}/tests/fixtures/walls/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_recogniser_has_a_page_it_knows() {
    for wall in isitdown::probe::bot_wall::WALLS {
        let known = match wall.sign {
            isitdown::probe::bot_wall::Sign::Header(..) => true,
            isitdown::probe::bot_wall::Sign::Body(_) => PAGES.iter().any(|(name, _)| {
                isitdown::probe::bot_wall::recognise(403, &[], page(name).as_bytes())
                    .is_some_and(|found| std::ptr::eq(found, wall))
            }),
        };
        assert!(known, "no test page for {} {}", wall.vendor, wall.page);
    }
}

#[test]
fn challenge_pages_are_walls_without_a_header_whatever_the_status() {
    let server = TestServer::start();
    for (index, (name, vendor)) in PAGES.iter().enumerate() {
        let status = [403, 503, 429][index % 3];
        let path = format!("/wall{index}");
        server.route(&path, Reply::html(status, &page(name)));
        let (code, probe) = probe_json(isitdown().arg(server.url(&path)));
        assert_eq!(code, 3, "{name} with {status}: {probe}");
        assert_eq!(probe["state"], "unknown", "{name}");
        assert_eq!(probe["error"]["kind"], "blocked", "{name}");
        let reason = probe["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!("a {vendor} bot wall answered {status}")),
            "{name}: {reason}"
        );
    }
}

#[test]
fn a_challenge_header_alone_is_a_wall() {
    let server = TestServer::start();
    server.route(
        "/vercel",
        Reply::html(429, "<html></html>").header("x-vercel-mitigated", "challenge"),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/vercel")));
    assert_eq!(code, 3, "{probe}");
    assert!(probe["reason"].as_str().unwrap().contains("Vercel"));
}

#[test]
fn an_edges_plain_access_denied_is_the_service_answering() {
    let server = TestServer::start();
    server.route(
        "/denied",
        Reply::html(403, &page("plain-access-denied.html")).header("Server", "AkamaiGHost"),
    );
    let (code, probe) = probe_json(isitdown().arg(server.url("/denied")));
    assert_eq!(code, 0, "{probe}");
    assert_eq!(probe["state"], "up");
    assert!(probe["error"].is_null());
}

#[test]
fn a_service_probed_with_head_is_asked_again_to_see_the_page() {
    let server = TestServer::start();
    server.route(
        "/wall",
        Reply::html(403, &page("cloudflare-attention-required.html")),
    );
    let config = format!(
        "[services.walled]\nurl = \"{}\"\nmethod = \"HEAD\"\n",
        server.url("/wall")
    );
    let (code, probe) = probe_json(isitdown_with_config(&config).arg("walled"));
    assert_eq!(code, 3, "{probe}");
    assert_eq!(probe["error"]["kind"], "blocked");
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}
