//! The catalog's own check, for its maintainers: probes every service (its sibling probes
//! too) and reads every status page, and names the rows that have rotted. A probe that lands
//! on another host, meets a bot wall or a 5xx; a page that moved, whose API now redirects to
//! another host or answers a web page (its platform changed), is not in its declared format,
//! or no longer lists the components a row names (the closest names are suggested).
//!
//! Run on a connected machine with `cargo run --release --example catalog-check`. A maintainer's
//! tool, not part of isitdown: it lives beside the example that runs it, and
//! `tests/catalog_check.rs` includes this file to test it against local fakes.

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use url::Url;

use isitdown::exit::BAD_INPUT;
use isitdown::probe::{self, Client, Method, ProxyEnv, ReadBody, Request, Response};
use isitdown::status_page::{self, Source};
use isitdown::target::catalog::{self, Catalog, Service, StatusFormat};
use isitdown::target::expect::StatusSet;
use isitdown::text::{sanitize, words};

/// How many services are checked at once: enough to be quick, few enough to be polite.
const PARALLEL: usize = 8;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const USAGE: &str = "usage: catalog-check [--catalog FILE] [--timeout DURATION] [NAME...]";

/// What is wrong with one catalog row, in words, one problem each.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub service: String,
    pub problems: Vec<String>,
}

/// The checker's command line: checks the catalog (or the one in `--catalog FILE`), or only
/// the services named, and prints a line per problem. 0: all good, 1: problems, 64: bad
/// arguments.
pub fn run(args: &[String], out: &mut dyn Write) -> io::Result<u8> {
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(problem) => {
            writeln!(io::stderr(), "catalog-check: {problem}\n{USAGE}")?;
            return Ok(BAD_INPUT);
        }
    };
    let proxies = match ProxyEnv::from_env() {
        Ok(proxies) => proxies,
        Err(problem) => {
            let shown = sanitize::for_terminal(&problem.to_string());
            writeln!(io::stderr(), "catalog-check: {shown}")?;
            return Ok(BAD_INPUT);
        }
    };
    let client = client(options.timeout, proxies)?;
    let services: Vec<&Service> = options
        .catalog
        .services()
        .iter()
        .filter(|s| {
            options.only.is_empty() || s.names().any(|n| options.only.contains(&n.to_lowercase()))
        })
        .collect();
    let findings = check_all(&client, &services);
    for finding in &findings {
        for problem in &finding.problems {
            writeln!(
                out,
                "{}: {}",
                finding.service,
                sanitize::for_terminal(problem)
            )?;
        }
    }
    let rotten = findings.iter().filter(|f| !f.problems.is_empty()).count();
    writeln!(out, "{rotten} of {} services need a look", services.len())?;
    Ok(u8::from(rotten > 0))
}

/// The way out for the checker's probes: the machine's trust, no extra headers.
pub fn client(timeout: Duration, proxies: ProxyEnv) -> io::Result<Client> {
    Client::with_machine_trust(timeout, proxies).map_err(io::Error::other)
}

struct Options {
    catalog: Catalog,
    timeout: Duration,
    only: Vec<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            catalog: Catalog::builtin(),
            timeout: DEFAULT_TIMEOUT,
            only: vec![],
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--catalog" => {
                    let path = args.next().ok_or("--catalog needs a file")?;
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read {path}: {}", words::io_error(&e)))?;
                    options.catalog = catalog::parse(&text).map_err(|e| format!("{path}: {e}"))?;
                }
                "--timeout" => {
                    let value = args.next().ok_or("--timeout needs a duration")?;
                    options.timeout = humantime::parse_duration(value)
                        .map_err(|e| format!("--timeout {value}: {e}"))?;
                }
                other if other.starts_with('-') => return Err(format!("unknown option {other}")),
                name => options.only.push(name.to_lowercase()),
            }
        }
        Ok(options)
    }
}

/// Checks services concurrently; the findings keep the order given.
pub fn check_all(client: &Client, services: &[&Service]) -> Vec<Finding> {
    let next = AtomicUsize::new(0);
    let found = Mutex::new(vec![None; services.len()]);
    thread::scope(|scope| {
        for _ in 0..services.len().min(PARALLEL) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(service) = services.get(index) else {
                    break;
                };
                let finding = check(client, service);
                found.lock().unwrap_or_else(|p| p.into_inner())[index] = Some(finding);
            });
        }
    });
    found
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// Everything wrong with one row.
pub fn check(client: &Client, service: &Service) -> Finding {
    let mut problems = probe_problems(client, service);
    problems.extend(page_problems(client, service));
    Finding {
        service: service.key.clone(),
        problems,
    }
}

fn probe_problems(client: &Client, service: &Service) -> Vec<String> {
    let expect = service
        .expect
        .as_deref()
        .and_then(|e| StatusSet::parse(e).ok());
    let main = Door {
        what: "the probe".into(),
        url: &service.url,
        method: service.method.unwrap_or(Method::Get),
        contains: service.contains.clone(),
        expect,
    };
    let mut problems = door_problems(client, main);
    for sibling in &service.also {
        let door = Door {
            what: format!("the sibling probe {sibling}"),
            url: sibling,
            method: Method::Get,
            contains: None,
            expect: None,
        };
        problems.extend(door_problems(client, door));
    }
    problems
}

/// One URL a row probes, and what its answer must be.
struct Door<'a> {
    /// How a problem names it: "the probe".
    what: String,
    url: &'a str,
    method: Method,
    contains: Option<String>,
    expect: Option<StatusSet>,
}

fn door_problems(client: &Client, door: Door) -> Vec<String> {
    let what = &door.what;
    let Ok(url) = Url::parse(door.url) else {
        return vec![format!("{what}'s URL {} does not parse", door.url)];
    };
    let seen = probe::send(
        client,
        &Request {
            head_falls_back_to_get: door.method == Method::Head,
            read: door
                .contains
                .clone()
                .map_or(ReadBody::Start, ReadBody::Find),
            ..Request::probe(door.method, url.clone(), vec![])
        },
    );
    let mut problems = Vec::new();
    if let Some(moved) = moved_to(&url, &seen) {
        problems.push(format!("{what} is sent to another host: {moved}"));
    }
    if let Some(failure) = &seen.failure {
        problems.push(format!("{what} failed: {}", failure.message));
        return problems;
    }
    let Some(answer) = &seen.answer else {
        return problems;
    };
    if let Some(wall) = seen.bot_wall {
        problems.push(format!(
            "{} answers {what} ({})",
            wall.named(),
            answer.status
        ));
    } else if answer.status >= 500 {
        problems.push(format!("{what} answered {}", answer.status));
    } else if let Some(expect) = &door.expect {
        if !expect.contains(answer.status) {
            problems.push(format!(
                "{what} answered {}, which is not in expect",
                answer.status
            ));
        }
    }
    if seen.body_contains == Some(false) {
        problems.push(format!("{what}'s answer lacks the text it should contain"));
    }
    problems
}

/// Where a probe ended up, when that is not the host it was sent to.
fn moved_to(from: &Url, seen: &Response) -> Option<String> {
    let last = seen.redirects.last()?;
    let to = Url::parse(&last.to).ok()?;
    let same = to.host_str() == from.host_str()
        && to.port_or_known_default() == from.port_or_known_default();
    (!same).then(|| last.to.clone())
}

fn page_problems(client: &Client, service: &Service) -> Vec<String> {
    let Some(page_url) = service.status_page.as_deref() else {
        return vec![];
    };
    let mut problems = Vec::new();
    // The page people are sent to: it should answer where it is.
    if let Ok(url) = Url::parse(page_url) {
        let seen = probe::send(client, &Request::probe(Method::Get, url.clone(), vec![]));
        if let Some(last) = seen.redirects.last() {
            problems.push(format!("the status page redirects to {}", last.to));
        }
    }
    let Some(source) = Source::of(service) else {
        return problems;
    };
    problems.extend(platform_problems(client, &source));
    let page = match status_page::read(client, &source) {
        Ok(page) => page,
        Err(error) => {
            let format = format_name(source.format);
            problems.push(format!(
                "the status page is not readable as {format}: {error}"
            ));
            return problems;
        }
    };
    let listed: Vec<&str> = page.components.iter().map(|c| c.name.as_str()).collect();
    for wanted in &service.components {
        if listed
            .iter()
            .any(|name| name.trim().eq_ignore_ascii_case(wanted.trim()))
        {
            continue;
        }
        let closest = closest(wanted, &listed);
        let hint = match closest.as_slice() {
            [] => String::new(),
            names => format!(
                " (closest: {})",
                names
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(format!(
            "the status page lists no component '{wanted}'{hint}"
        ));
    }
    problems
}

/// Signs that a page moved to another platform: its API now redirects to another host (a
/// provider bought, a page folded into another), or a JSON API answers a web page.
fn platform_problems(client: &Client, source: &Source) -> Vec<String> {
    let Ok(url) = Url::parse(&source.api_url) else {
        return vec![format!(
            "the status API URL {} does not parse",
            source.api_url
        )];
    };
    let request = Request {
        follow_redirects: false,
        ..Request::probe(Method::Get, url.clone(), vec![])
    };
    let seen = probe::send(client, &request);
    let Some(answer) = seen.answer.as_ref().filter(|_| seen.failure.is_none()) else {
        return vec![];
    };
    let format = format_name(source.format);
    if (300..400).contains(&answer.status) {
        let to = answer.header("location").and_then(|l| url.join(l).ok());
        let elsewhere = to.as_ref().filter(|to| {
            to.host_str() != url.host_str()
                || to.port_or_known_default() != url.port_or_known_default()
        });
        return match elsewhere {
            Some(to) => vec![format!(
                "the status API redirects to another host, {to}: the page may have moved to \
                 another platform"
            )],
            None => vec![],
        };
    }
    let html = answer
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    if answer.status < 500 && html && source.format != StatusFormat::Feed {
        return vec![format!(
            "the status API answers a web page, not {format}: the page may have moved to \
             another platform"
        )];
    }
    vec![]
}

/// Up to three names most like `wanted`, best first.
fn closest<'a>(wanted: &str, names: &[&'a str]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = names
        .iter()
        .map(|name| {
            let lower = name.to_lowercase();
            // A name that contains the one wanted (or is contained in it) was most likely
            // renamed from it.
            let kin = lower.contains(&wanted) || wanted.contains(&lower);
            let score = strsim::jaro_winkler(&wanted, &lower) + if kin { 1.0 } else { 0.0 };
            (score, *name)
        })
        .filter(|(score, _)| *score > 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

fn format_name(format: StatusFormat) -> String {
    serde_json::to_value(format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{format:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_component_names_are_suggested() {
        let names = [
            "Claude API (api.anthropic.com)",
            "claude.ai",
            "Claude Code",
            "Console",
        ];
        assert_eq!(
            closest("Claude API", &names)[0],
            "Claude API (api.anthropic.com)"
        );
        assert!(closest("Billing", &["Zzz"]).is_empty());
    }

    #[test]
    fn arguments_are_read_or_refused() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let options = Options::parse(&args(&["--timeout", "2s", "GitHub"])).unwrap();
        assert_eq!(options.timeout, Duration::from_secs(2));
        assert_eq!(options.only, ["github"]);
        assert!(Options::parse(&args(&["--catalog"])).is_err());
        assert!(Options::parse(&args(&["--bogus"])).is_err());
    }
}
