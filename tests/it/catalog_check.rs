//! The catalog checker against local fakes of rows that rotted: a probe that moved to another
//! host, one behind a bot wall, one that fails with 5xx, a sibling probe that rotted, a status
//! page that moved, one in another format than declared, one whose platform changed (its API
//! redirects to another host, or answers a web page), and a component renamed.
//!
//! The checker is a maintainer's tool that lives with its example; its source is included here.

#[path = "../../examples/catalog-check/check.rs"]
mod checker;

use crate::support::*;
use checker::Finding;
use isitdown::probe::{Client, ProxyEnv};
use isitdown::target::catalog::{self, Catalog};

/// No proxies from the environment: the fakes are on the loopback.
fn client() -> Client {
    checker::client(PATIENCE, ProxyEnv::default()).unwrap()
}

const SUMMARY: &str = r#"{
  "page": {"name": "Example"},
  "status": {"indicator": "none", "description": "All Systems Operational"},
  "incidents": [],
  "components": [
    {"id": "a", "name": "Claude API (api.anthropic.com)", "status": "operational"},
    {"id": "b", "name": "claude.ai", "status": "operational"}
  ]
}"#;

/// A service, a fake for it and the page, and a fake for elsewhere.
struct Fakes {
    service: TestServer,
    elsewhere: TestServer,
}

impl Fakes {
    fn start() -> Fakes {
        let service = TestServer::start();
        service.route("/api/v2/summary.json", Reply::json(200, SUMMARY));
        service.route("/ok", Reply::json(401, r#"{"error":"no key"}"#));
        service.route("/moved", Reply::new(301).header("location", ELSEWHERE));
        Fakes {
            service,
            elsewhere: TestServer::start(),
        }
    }
}

/// A closed port on the loopback: another host as far as a URL goes.
const ELSEWHERE: &str = "http://127.0.0.1:9/login";

fn row(key: &str, url: &str, page: &str, extra: &str) -> String {
    format!(
        "[services.{key}]\nname = \"{key}\"\nurl = \"{url}\"\nexpect = \"2xx,3xx,401,403\"\nstatus_page = \"{page}\"\n{extra}\n"
    )
}

fn findings(catalog_text: &str) -> Vec<Finding> {
    let catalog: Catalog = catalog::parse(catalog_text).unwrap();
    let services: Vec<_> = catalog.services().iter().collect();
    checker::check_all(&client(), &services)
}

fn problems_of<'a>(findings: &'a [Finding], key: &str) -> &'a [String] {
    &findings.iter().find(|f| f.service == key).unwrap().problems
}

#[test]
fn a_sound_row_has_no_problems() {
    let fakes = Fakes::start();
    let text = row(
        "sound",
        &fakes.service.url("/ok"),
        &fakes.service.url(""),
        "components = [\"claude.ai\"]",
    );
    let found = findings(&text);
    assert_eq!(problems_of(&found, "sound"), [] as [String; 0]);
}

#[test]
fn a_probe_sent_to_another_host_is_named() {
    let fakes = Fakes::start();
    let text = row(
        "moved",
        &fakes.service.url("/moved"),
        &fakes.service.url(""),
        "",
    );
    let found = findings(&text);
    let problems = problems_of(&found, "moved");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("sent to another host: http://127.0.0.1:9/login")),
        "{problems:?}"
    );
}

#[test]
fn a_bot_wall_and_a_5xx_are_named() {
    let fakes = Fakes::start();
    fakes.elsewhere.route(
        "/walled",
        Reply::html(403, "<html><title>Just a moment...</title></html>")
            .header("cf-mitigated", "challenge"),
    );
    fakes
        .elsewhere
        .route("/broken", Reply::text(503, "upstream connect error"));
    let page = fakes.service.url("");
    let text = row("walled", &fakes.elsewhere.url("/walled"), &page, "")
        + &row("broken", &fakes.elsewhere.url("/broken"), &page, "");
    let found = findings(&text);
    let walled = problems_of(&found, "walled");
    assert!(
        walled
            .iter()
            .any(|p| p.contains("a Cloudflare bot wall answers the probe (403)")),
        "{walled:?}"
    );
    let broken = problems_of(&found, "broken");
    assert!(
        broken.iter().any(|p| p == "the probe answered 503"),
        "{broken:?}"
    );
}

#[test]
fn a_renamed_component_is_named_with_the_closest_names() {
    let fakes = Fakes::start();
    let text = row(
        "anthropic",
        &fakes.service.url("/ok"),
        &fakes.service.url(""),
        "components = [\"Claude API\"]",
    );
    let found = findings(&text);
    let problems = problems_of(&found, "anthropic");
    assert_eq!(
        problems,
        ["the status page lists no component 'Claude API' (closest: 'Claude API (api.anthropic.com)', 'claude.ai')"]
    );
}

#[test]
fn a_page_that_moved_or_changed_format_is_named() {
    let fakes = Fakes::start();
    // The page people read now redirects; its API still answers.
    fakes.elsewhere.route(
        "/",
        Reply::new(301).header("location", "https://status.example.net/"),
    );
    fakes
        .elsewhere
        .route("/api/v2/summary.json", Reply::json(200, SUMMARY));
    let moved = row(
        "pagemoved",
        &fakes.service.url("/ok"),
        &fakes.elsewhere.url("/"),
        "",
    );
    // Declared status.io, but the page speaks Statuspage.
    let reformatted = row(
        "reformatted",
        &fakes.service.url("/ok"),
        &fakes.service.url(""),
        &format!(
            "status_format = \"statusio\"\nstatus_api = \"{}\"",
            fakes.service.url("/api/v2/summary.json")
        ),
    );
    let found = findings(&(moved + &reformatted));
    let problems = problems_of(&found, "pagemoved");
    assert!(
        problems
            .iter()
            .any(|p| p == "the status page redirects to https://status.example.net/"),
        "{problems:?}"
    );
    let problems = problems_of(&found, "reformatted");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("the status page is not readable as statusio")),
        "{problems:?}"
    );
}

#[test]
fn the_command_line_reads_a_catalog_file_and_exits_by_what_it_found() {
    let fakes = Fakes::start();
    let sound = row(
        "sound",
        &fakes.service.url("/ok"),
        &fakes.service.url(""),
        "",
    );
    let rotten = sound.clone()
        + &row(
            "moved",
            &fakes.service.url("/moved"),
            &fakes.service.url(""),
            "",
        );
    let run = |text: &str, names: &[&str]| {
        let path = write_config(text);
        let mut args = vec!["--catalog".to_string(), path.display().to_string()];
        args.extend(names.iter().map(|n| n.to_string()));
        let mut out = Vec::new();
        let code = checker::run(&args, &mut out).unwrap();
        (code, String::from_utf8(out).unwrap())
    };
    let (code, text) = run(&sound, &[]);
    assert_eq!((code, text.as_str()), (0, "0 of 1 services need a look\n"));
    let (code, text) = run(&rotten, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("moved: the probe is sent to another host"),
        "{text}"
    );
    assert!(text.ends_with("1 of 2 services need a look\n"), "{text}");
    let (code, _) = run(&rotten, &["sound"]);
    assert_eq!(code, 0, "only the services named are checked");
    let (code, _) = run("not toml [", &[]);
    assert_eq!(code, 64);
}

#[test]
fn a_page_whose_platform_changed_is_named() {
    let fakes = Fakes::start();
    // Folded into another provider's page: the old API redirects there.
    fakes.elsewhere.route(
        "/folded/api/v2/summary.json",
        Reply::new(301).header(
            "location",
            "https://www.cloudflarestatus.com/services?search=replicate",
        ),
    );
    // Moved to a platform without this API: a web page answers, with 200.
    fakes.elsewhere.route(
        "/replatformed/api/v2/summary.json",
        Reply::html(200, "<!doctype html><html><body>Not found</body></html>"),
    );
    let text = row(
        "folded",
        &fakes.service.url("/ok"),
        &fakes.elsewhere.url("/folded"),
        "",
    ) + &row(
        "replatformed",
        &fakes.service.url("/ok"),
        &fakes.elsewhere.url("/replatformed"),
        "",
    );
    let found = findings(&text);
    let folded = problems_of(&found, "folded");
    assert!(
        folded.iter().any(|p| p.starts_with(
            "the status API redirects to another host, https://www.cloudflarestatus.com/services"
        )),
        "{folded:?}"
    );
    let replatformed = problems_of(&found, "replatformed");
    assert!(
        replatformed
            .iter()
            .any(|p| p.starts_with("the status API answers a web page, not statuspage")),
        "{replatformed:?}"
    );
}

#[test]
fn a_sibling_probe_behind_a_wall_or_failing_is_named() {
    let fakes = Fakes::start();
    fakes.elsewhere.route(
        "/walled-api",
        Reply::html(403, "<html><title>Just a moment...</title></html>")
            .header("cf-mitigated", "challenge"),
    );
    fakes
        .elsewhere
        .route("/broken-api", Reply::text(502, "bad gateway"));
    let walled = fakes.elsewhere.url("/walled-api");
    let broken = fakes.elsewhere.url("/broken-api");
    let text = row(
        "chat",
        &fakes.service.url("/ok"),
        &fakes.service.url(""),
        &format!("also = [\"{walled}\", \"{broken}\"]"),
    );
    let found = findings(&text);
    let problems = problems_of(&found, "chat");
    assert!(
        problems.contains(&format!(
            "a Cloudflare bot wall answers the sibling probe {walled} (403)"
        )),
        "{problems:?}"
    );
    assert!(
        problems.contains(&format!("the sibling probe {broken} answered 502")),
        "{problems:?}"
    );
}
