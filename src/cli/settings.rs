//! What the user asked for, checked and merged: the command line over the config file's
//! `[defaults]` (clap resolves that, see `cli::parse_layered`), over the built-in defaults.
//! Building clients and reading the environment happen where they are used, not here.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ureq::config::IpFamily;

use crate::cli::config::{Config, GlobalpingConfig};
use crate::cli::{Cli, ColorWhen, Generate, UntilArg};
use crate::elsewhere::globalping::Locations;
use crate::elsewhere::near;
use crate::engine::check::Plan;
use crate::engine::Schedule;
use crate::exit::BadInput;
use crate::history;
use crate::just_me::connectivity::{self, Reference};
use crate::just_me::public_dns;
use crate::probe::dns::pins::Pins;
use crate::probe::dns::seam::FixedDns;
use crate::probe::{self, Method, ReadBody};
use crate::report::hook::Hook;
use crate::report::{Format, Output};
use crate::status_page;
use crate::target::catalog::Catalog;
use crate::target::expect::StatusSet;
use crate::target::list::{self as target_list, Word};
use crate::target::Target;
use crate::verdict::{Criteria, State};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
const DEFAULT_CERT_WARN: Duration = Duration::from_secs(14 * 86_400);
const DEFAULT_SINCE: Duration = Duration::from_secs(7 * 86_400);

#[derive(Debug, Clone)]
pub enum Mode {
    Probe(Vec<Target>),
    /// `--history`: the targets' past over this long (no targets: every one recorded).
    History {
        targets: Vec<Target>,
        since: Duration,
        /// To name the targets found in the database, when none are given.
        catalog: Catalog,
    },
    /// `--list`, with the words that filter it and the columns a row may take.
    List {
        catalog: Catalog,
        filters: Vec<String>,
        width: usize,
    },
    /// `isitdown help`, when no service is called that: the long help.
    Help,
    Generate(Generate),
    /// The targets that start with a prefix, for completion scripts.
    Complete {
        catalog: Catalog,
        prefix: String,
    },
}

/// How to reach targets: trust, deadline, address family, extra headers and pinned addresses.
#[derive(Debug, Clone)]
pub struct Connection {
    pub insecure: bool,
    pub cacert: Option<PathBuf>,
    pub timeout: Duration,
    pub ip_family: IpFamily,
    pub headers: Vec<(String, String)>,
    pub pins: Pins,
    /// The resolver's test seam (`--test-dns`); `None` in real use.
    pub fixed_dns: Option<FixedDns>,
}

/// `--from`: where else to probe from, and the API settings of the config file (the
/// environment is read where the API is used).
#[derive(Debug, Clone)]
pub struct FromSettings {
    pub locations: Locations,
    /// `--from near`: places around this machine, learnt at run time.
    pub near: Option<NearPlaces>,
    pub globalping: GlobalpingConfig,
    /// The hidden `--test-globalping-margin`.
    pub margin: Option<Duration>,
    /// The hidden `--test-globalping-interval`.
    pub min_interval: Option<Duration>,
}

/// `--from near`: whom to ask where this machine is.
#[derive(Debug, Clone)]
pub struct NearPlaces {
    /// `[globalping] whoami`, or Cloudflare's trace.
    pub whoami: String,
    /// `[connectivity] dns`, or the default resolvers (even without the connectivity check:
    /// they are asked for `--from near`, not for it).
    pub resolvers: Vec<String>,
}

/// Options that apply to every target, on top of what its catalog entry says.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub method: Option<Method>,
    pub expect: Option<StatusSet>,
    pub contains: Option<String>,
    pub slow: Option<Duration>,
    pub cert_warn: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub output: Output,
    /// `--output FILE`: the prometheus or nagios report goes there instead of stdout.
    pub output_file: Option<PathBuf>,
    pub connection: Connection,
    pub overrides: Overrides,
    pub retries: u32,
    pub schedule: Schedule,
    pub status_page: bool,
    /// The endpoints that tell whether the user's own connection works; none: no check.
    pub references: Vec<Reference>,
    /// With `--from`.
    pub from: Option<FromSettings>,
    /// `--on-change`, in repeated runs.
    pub on_change: Option<Hook>,
    /// Public DNS-over-HTTPS resolvers asked when DNS fails a public name; none: never.
    pub dns: Vec<String>,
    /// Where probes are recorded, and whether they are.
    pub history: history::Keeping,
}

impl Settings {
    /// `typed` is the command line alone, `merged` the command line over `[defaults]`: where
    /// two options exclude each other, what was typed wins over what was configured.
    pub fn resolve(typed: Cli, merged: Cli, config: Config) -> Result<Settings, BadInput> {
        let mut output = output(&typed, &merged)?;
        let (method, contains) = method_and_contains(&typed, &merged)?;
        let headers = merged
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let ip_family = match (merged.ipv4, merged.ipv6) {
            (true, true) => return Err(BadInput::new("-4 and -6 exclude each other")),
            (true, false) => IpFamily::Ipv4Only,
            (false, true) => IpFamily::Ipv6Only,
            (false, false) => IpFamily::Any,
        };
        let pins = Pins::parse(&merged.resolve)?;
        let from = match &merged.from {
            Some(text) => {
                let layer = if typed.from.is_some() {
                    "--from"
                } else {
                    "[defaults] from"
                };
                let near = text
                    .trim()
                    .eq_ignore_ascii_case("near")
                    .then(|| NearPlaces {
                        whoami: config
                            .globalping
                            .whoami
                            .clone()
                            .unwrap_or_else(|| near::DEFAULT_WHOAMI.to_string()),
                        resolvers: config
                            .connectivity
                            .as_ref()
                            .and_then(|c| c.dns.clone())
                            .unwrap_or_else(|| {
                                public_dns::DEFAULT_RESOLVERS.map(String::from).to_vec()
                            }),
                    });
                let locations = match near {
                    Some(_) => Locations::parse("world").map_err(|e| BadInput(e.to_string()))?,
                    None => {
                        Locations::parse(text).map_err(|why| BadInput(format!("{layer}: {why}")))?
                    }
                };
                if near.is_none()
                    && locations
                        .as_slice()
                        .iter()
                        .any(|l| l.magic.eq_ignore_ascii_case("near"))
                {
                    return Err(BadInput(format!(
                        "{layer}: near picks its own places (your network, your country, the \
                         world) and is given alone"
                    )));
                }
                Some(FromSettings {
                    locations,
                    near,
                    globalping: config.globalping.clone(),
                    margin: typed.test_globalping_margin,
                    min_interval: typed.test_globalping_interval,
                })
            }
            None => None,
        };
        values_of_their_own(&merged)?;
        let timeout = merged.timeout.unwrap_or(DEFAULT_TIMEOUT);
        // Public DNS is part of checking the user's side: off with the connectivity check.
        let configured = config.connectivity.unwrap_or_default();
        let (references, dns) = if merged.no_connectivity_check {
            (Vec::new(), Vec::new())
        } else {
            (
                configured
                    .references
                    .unwrap_or_else(connectivity::default_references),
                configured
                    .dns
                    .unwrap_or_else(|| public_dns::DEFAULT_RESOLVERS.map(String::from).to_vec()),
            )
        };
        let schedule = Schedule {
            count: merged.count,
            interval: merged.interval.unwrap_or(DEFAULT_INTERVAL),
            watch: merged.watch,
            until: merged.until.map(|until| match until {
                UntilArg::Up => State::Up,
                UntilArg::Down => State::Down,
            }),
        };
        output.rounds = schedule.count.filter(|_| !schedule.watch);
        // A configured `since` waits for a --history; a typed one without it is a mistake.
        if typed.since.is_some() && !typed.history {
            return Err(BadInput::new(
                "--since says how far back --history looks: give it --history",
            ));
        }
        if typed.history && matches!(output.format, Format::Nagios | Format::Prometheus) {
            return Err(BadInput::new(
                "--history writes a timeline or JSON Lines: give it --format human or --json",
            ));
        }
        if typed.history && !schedule.is_one_shot() {
            return Err(BadInput::new(
                "--history reads what was recorded: it cannot go with --watch, --count or --until",
            ));
        }
        let history = history::Keeping {
            record: !merged.no_record && config.history.record.unwrap_or(true),
            path: config.history.path.clone().or_else(history::default_path),
            limits: history::Retention {
                keep: config.history.keep.unwrap_or(history::DEFAULT_KEEP),
                max_bytes: config.history.max_mb.unwrap_or(history::DEFAULT_MAX_MB) * 1024 * 1024,
            },
        };
        let on_change = on_change(&typed, &merged, &schedule, timeout)?;
        let output_file = output_file(&merged, &output, &schedule)?;
        let mode = if let Some(what) = typed.generate {
            Mode::Generate(what)
        } else if let Some(prefix) = typed.complete_targets {
            Mode::Complete {
                catalog: Catalog::with_user_services(config.services),
                prefix,
            }
        } else if typed.list {
            Mode::List {
                catalog: Catalog::with_user_services(config.services),
                filters: typed.targets.clone(),
                width: crate::text::columns::of_stdout(),
            }
        } else if is_help(&typed, &config.services) {
            Mode::Help
        } else {
            let mut words: Vec<Word> = typed.targets.iter().map(|t| Word::typed(t)).collect();
            if words.len() > target_list::MAX_TARGETS {
                return Err(target_list::too_many("the command line"));
            }
            // Built when a word first needs it: URLs need no catalog.
            let mut catalog: Option<Catalog> = None;
            let user_services = config.services;
            for file in &typed.files {
                let room = target_list::MAX_TARGETS.saturating_sub(words.len());
                let mut check = |word: &Word| {
                    let catalog = match word.needs_catalog() {
                        true => &*catalog.get_or_insert_with(|| {
                            Catalog::with_user_services(user_services.clone())
                        }),
                        false => &Catalog::default(),
                    };
                    target_list::check(word, catalog)
                };
                words.extend(target_list::read_file(
                    file,
                    std::io::stdin().lock(),
                    room,
                    &mut check,
                )?);
            }
            if typed.history {
                let since = merged.since.unwrap_or(DEFAULT_SINCE);
                if since.is_zero() {
                    return Err(BadInput::new("--since must be longer than zero"));
                }
                let (targets, catalog) = match words.is_empty() {
                    true => (Vec::new(), Catalog::with_user_services(user_services)),
                    false => (
                        targets(&words, catalog, user_services.clone(), ip_family)?,
                        Catalog::default(),
                    ),
                };
                Mode::History {
                    targets,
                    since,
                    catalog,
                }
            } else {
                let no_words_in_files = words.is_empty() && !typed.files.is_empty();
                if no_words_in_files {
                    return Err(BadInput::new(
                        "no target given: the target file holds none (one per line, # for comments)",
                    ));
                }
                Mode::Probe(targets(&words, catalog, user_services, ip_family)?)
            }
        };

        Ok(Settings {
            mode,
            output,
            output_file,
            connection: Connection {
                insecure: merged.insecure,
                cacert: merged.cacert,
                timeout,
                ip_family,
                headers,
                pins,
                fixed_dns: typed.test_dns.clone(),
            },
            overrides: Overrides {
                method,
                expect: merged.expect,
                contains,
                slow: merged.slow,
                cert_warn: merged.cert_warn,
            },
            retries: merged.retries.unwrap_or(0),
            schedule,
            status_page: !merged.no_status_page,
            references,
            from,
            on_change,
            dns,
            history,
        })
    }

    /// What to send to a target and how to judge the answer: the command line over the catalog.
    pub fn plan(&self, target: &Target) -> Plan {
        let service = target.service.as_ref();
        let expect = self.overrides.expect.clone().or_else(|| {
            service
                .and_then(|s| s.expect.as_deref())
                .and_then(|e| StatusSet::parse(e).ok())
        });
        let contains = self
            .overrides
            .contains
            .clone()
            .or_else(|| service.and_then(|s| s.contains.clone()));
        let catalog_method = service.and_then(|s| s.method);
        let method = match (self.overrides.method, &contains) {
            (Some(method), _) => method,
            (None, Some(_)) => Method::Get,
            (None, None) => catalog_method.unwrap_or(Method::Get),
        };
        Plan {
            target: Arc::new(target.clone()),
            request: probe::Request {
                head_falls_back_to_get: self.overrides.method.is_none() && method == Method::Head,
                read: contains.clone().map_or(ReadBody::Start, ReadBody::Find),
                ..probe::Request::probe(method, target.url.clone(), self.connection.headers.clone())
            },
            criteria: Criteria {
                expect,
                contains,
                slow: self.overrides.slow,
                cert_warn: self.overrides.cert_warn.unwrap_or(DEFAULT_CERT_WARN),
            },
            status_source: service
                .filter(|_| self.status_page)
                .and_then(status_page::Source::of),
            // A sibling is another door of the provider: the target's own headers (tokens,
            // cookies) are not for it.
            also: service
                .iter()
                .flat_map(|s| &s.also)
                .filter_map(|url| url::Url::parse(url).ok())
                .map(|url| probe::Request::probe(Method::Get, url, Vec::new()))
                .collect(),
        }
    }
}

/// `--json` is `--format json`; within one layer the two must agree.
/// The checks of values that need nothing but the options themselves: what `[defaults]` is
/// held to, key by key, so that a wrong value is named by its line in the config file.
pub fn check_values(cli: &Cli) -> Result<(), BadInput> {
    for header in &cli.headers {
        parse_header(header)?;
    }
    values_of_their_own(cli)?;
    Pins::parse(&cli.resolve)?;
    method_and_contains(cli, cli)?;
    // A configured --cacert is read only when something checks against it (not under -k).
    Ok(())
}

/// Values wrong whatever else is given.
fn values_of_their_own(cli: &Cli) -> Result<(), BadInput> {
    if cli.timeout.is_some_and(|t| t.is_zero()) {
        return Err(BadInput::new("--timeout must be longer than zero"));
    }
    if cli.slow.is_some_and(|t| t.is_zero()) {
        return Err(BadInput::new(
            "--slow must be longer than zero: every answer would be slow",
        ));
    }
    if cli.on_change.as_ref().is_some_and(|c| c.trim().is_empty()) {
        return Err(BadInput::new("--on-change needs a command to run"));
    }
    Ok(())
}

fn format(typed: &Cli, merged: &Cli) -> Result<Format, BadInput> {
    let (json, format, layer) = if typed.json || typed.format.is_some() {
        (typed.json, typed.format, "")
    } else {
        (merged.json, merged.format, "[defaults]: ")
    };
    let format = match (json, format) {
        (true, Some(format)) if format != Format::Json => {
            return Err(BadInput(format!(
                "{layer}--json and --format disagree: give one of them"
            )))
        }
        (true, _) => Format::Json,
        (false, format) => format.unwrap_or(Format::Human),
    };
    Ok(format)
}

/// `--contains` needs a body, so it cannot go with HEAD: a typed one wins over a configured
/// one, and two in the same layer are bad input.
fn method_and_contains(
    typed: &Cli,
    merged: &Cli,
) -> Result<(Option<Method>, Option<String>), BadInput> {
    let merged_method = merged.method;
    match (typed.method, &typed.contains) {
        (Some(Method::Head), Some(_)) => Err(BadInput::new(
            "--contains needs a body, so it cannot go with -X HEAD",
        )),
        (Some(Method::Head), None) => Ok((Some(Method::Head), None)),
        (method, Some(text)) => Ok((
            method.or(merged_method.filter(|m| *m != Method::Head)),
            Some(text.clone()),
        )),
        (method, None) => match (method.or(merged_method), &merged.contains) {
            (Some(Method::Head), Some(_)) => Err(BadInput::new(
                "[defaults]: contains needs a body, so it cannot go with method HEAD",
            )),
            (method, contains) => Ok((method, contains.clone())),
        },
    }
}

/// The targets as typed, each resolved; an address literal must fit `-4` or `-6`.
fn targets(
    typed: &[Word],
    catalog: Option<Catalog>,
    user_services: Vec<crate::target::catalog::Service>,
    ip_family: IpFamily,
) -> Result<Vec<Target>, BadInput> {
    if typed.is_empty() {
        return Err(BadInput::new(
            "no target given: name a service, a URL or a host (see isitdown --help)",
        ));
    }
    // URLs need no catalog; parsing it is most of the start-up time of a one-URL probe.
    let catalog = match catalog {
        Some(catalog) => catalog,
        None if typed.iter().any(Word::needs_catalog) => Catalog::with_user_services(user_services),
        None => Catalog::default(),
    };
    let mut targets = target_list::resolve(typed, &catalog)?;
    with_distinguishing_names(&mut targets);
    for target in &targets {
        let conflict = match (target.url.host(), ip_family) {
            (Some(url::Host::Ipv4(_)), IpFamily::Ipv6Only) => Some(("IPv4", "-6")),
            (Some(url::Host::Ipv6(_)), IpFamily::Ipv4Only) => Some(("IPv6", "-4")),
            _ => None,
        };
        if let Some((family, flag)) = conflict {
            return Err(BadInput(format!(
                "'{}' is an {family} address, but {flag} allows no other",
                target.display_input()
            )));
        }
    }
    Ok(targets)
}

/// A URL's name leaves its scheme and query out (`host/path`), unless another target of the
/// run has the same name and another scheme or query: then both names keep it
/// (`http://api/x` and `https://api/x`, `api/x?region=eu` and `api/x?region=us`), or the two
/// rows could not be told apart.
fn with_distinguishing_names(targets: &mut [Target]) {
    let scheme_of = |t: &Target| Some(t.url.scheme().to_string());
    let query_of = |t: &Target| t.url.query().map(str::to_string);
    tell_apart(targets, scheme_of, |name, scheme| {
        format!("{scheme}://{name}")
    });
    tell_apart(targets, query_of, |name, query| format!("{name}?{query}"));
}

/// Gives the URL targets that share a name but differ in `part` a name that shows it.
fn tell_apart(
    targets: &mut [Target],
    part: impl Fn(&Target) -> Option<String>,
    shown: impl Fn(&str, &str) -> String,
) {
    let mut parts: HashMap<String, HashSet<Option<String>>> = HashMap::new();
    for target in targets.iter().filter(|t| t.service.is_none()) {
        parts
            .entry(target.name.clone())
            .or_default()
            .insert(part(target));
    }
    for target in targets.iter_mut().filter(|t| t.service.is_none()) {
        let differs = parts.get(&target.name).is_some_and(|p| p.len() > 1);
        if let (true, Some(part)) = (differs, part(target)) {
            target.name = shown(&target.name, &part);
        }
    }
}

/// `Name: value`, checked without ever echoing the value (headers carry secrets).
fn parse_header(text: &str) -> Result<(String, String), BadInput> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| BadInput::new("a --header must look like 'Name: value'"))?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(BadInput::new(
            "a --header name may only hold letters, digits and -_.!#$%&'*+^`|~",
        ));
    }
    // The probe sends no body: a length or an encoding of one would leave the server waiting
    // for it, and the probe blaming the server.
    if ["content-length", "transfer-encoding"]
        .iter()
        .any(|framing| name.eq_ignore_ascii_case(framing))
    {
        return Err(BadInput(format!(
            "--header cannot set {name}: isitdown sends no body"
        )));
    }
    let value = value.trim();
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(BadInput(format!(
            "the value of --header '{name}' holds control characters"
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

/// `isitdown help` asks for help, unless the user named a service "help".
fn is_help(typed: &Cli, services: &[crate::target::catalog::Service]) -> bool {
    let [word] = typed.targets.as_slice() else {
        return false;
    };
    word == "help"
        && typed.files.is_empty()
        && !typed.history
        && !services.iter().any(|s| s.answers_to(word))
}

/// The format, and what the terminal allows. Whether to paint is decided here, once; `run`
/// tells the `colored` crate, which paints every word from then on.
fn output(typed: &Cli, merged: &Cli) -> Result<Output, BadInput> {
    let format = format(typed, merged)?;
    let color = wants_color(
        merged.color.unwrap_or(ColorWhen::Auto),
        std::io::stdout().is_terminal(),
    );
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    Ok(Output {
        format,
        quiet: merged.quiet,
        only_problems: merged.only_problems,
        verbose: merged.verbose,
        color,
        // Redrawing in place needs a terminal that understands it, and a person who has not
        // asked for plain text.
        live: format == Format::Human
            && !merged.quiet
            && color
            && !dumb
            && std::io::stdout().is_terminal(),
        // stderr is judged on its own: `isitdown --json x | jq` still shows progress.
        progress: !merged.quiet && !dumb && std::io::stderr().is_terminal(),
        limits: crate::report::Limits {
            slow: merged.slow,
            timeout: merged.timeout.unwrap_or(DEFAULT_TIMEOUT),
            cert_warn: merged.cert_warn.unwrap_or(DEFAULT_CERT_WARN),
        },
        rounds: None,
    })
}

/// auto: on a terminal or with CLICOLOR_FORCE set (not to 0), never with NO_COLOR set
/// non-empty, nor on a TERM=dumb terminal unless forced.
fn wants_color(when: ColorWhen, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if set("NO_COLOR").is_some() => false,
        ColorWhen::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorWhen::Auto => {
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            !dumb && terminal
        }
    }
}

/// `--output FILE` is for the formats written whole (prometheus, nagios), into a folder that
/// exists. Without it, those formats cannot go with a run that repeats until stopped: they are
/// written at the end, which such a run may never reach.
fn output_file(
    merged: &Cli,
    output: &Output,
    schedule: &Schedule,
) -> Result<Option<PathBuf>, BadInput> {
    let whole = match output.format {
        Format::Prometheus => Some("prometheus"),
        Format::Nagios => Some("nagios"),
        Format::Human | Format::Json => None,
    };
    let Some(path) = &merged.output else {
        let endless = schedule.watch || (schedule.until.is_some() && schedule.count.is_none());
        return match whole {
            Some(format) if endless && !output.quiet => Err(BadInput(format!(
                "--format {format} is written once, at the end of the run, and this run repeats \
                 until stopped: give --output FILE to have it rewritten after each round, or \
                 --count N"
            ))),
            _ => Ok(None),
        };
    };
    let shown = crate::text::sanitize::for_terminal(&path.display().to_string());
    if whole.is_none() {
        return Err(BadInput::new(
            "--output writes the report of --format prometheus or --format nagios: give one of \
             them (other formats go to stdout)",
        ));
    }
    if path.file_name().is_none() || path.is_dir() {
        return Err(BadInput(format!("--output {shown}: not a file name")));
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        return Err(BadInput(format!(
            "--output {shown}: the folder it would go in does not exist"
        )));
    }
    Ok(Some(path.clone()))
}

/// `--on-change` runs in repeated runs only: typed for a single probe, it is a mistake;
/// configured, it waits for a run that repeats.
fn on_change(
    typed: &Cli,
    merged: &Cli,
    schedule: &Schedule,
    timeout: Duration,
) -> Result<Option<Hook>, BadInput> {
    if merged.on_change_initial && merged.on_change.is_none() {
        return Err(BadInput::new(
            "--on-change-initial says when to run the --on-change command: give it --on-change CMD",
        ));
    }
    if typed.confirm.is_some() && merged.on_change.is_none() {
        return Err(BadInput::new(
            "--confirm says when a change counts for --on-change: give it --on-change CMD",
        ));
    }
    if typed.on_change.is_some() && schedule.is_one_shot() {
        return Err(BadInput::new(
            "--on-change runs on changes, and one probe cannot change: add --watch, --until, \
             or --count with 2 or more probes",
        ));
    }
    Ok(merged.on_change.clone().map(|command| Hook {
        command,
        initial: merged.on_change_initial,
        timeout,
        confirm: merged.confirm.unwrap_or(1),
        launcher: crate::report::hook::Launcher::Shell,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked_without_echoing_values() {
        assert_eq!(
            parse_header("X-Token: abc").unwrap(),
            ("X-Token".into(), "abc".into())
        );
        let error = parse_header("Authorization secret-token").unwrap_err();
        assert!(!error.0.contains("secret"));
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("X: a\u{1b}b").is_err());
        let framing = parse_header("content-length: 5").unwrap_err();
        assert!(framing.0.contains("sends no body"), "{framing}");
        assert!(parse_header("Transfer-Encoding: chunked").is_err());
        assert!(parse_header("Host: example.com").is_ok());
    }
}
