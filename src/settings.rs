//! The command line and the config file, merged into one checked value. The command line wins;
//! `[defaults]` fill in what it leaves out; built-in defaults fill in the rest.

use std::io::IsTerminal;
use std::time::Duration;

use ureq::config::IpFamily;

use crate::catalog::Catalog;
use crate::cli::{Cli, ColorWhen, Format, Generate, UntilState};
use crate::config::Config;
use crate::connectivity::{self, Reference};
use crate::exit::BadInput;
use crate::expect::StatusSet;
use crate::probe::{self, Client, Method};
use crate::status_page;
use crate::target::{self, Target};
use crate::verdict::Criteria;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
const DEFAULT_CERT_WARN: Duration = Duration::from_secs(14 * 86_400);

#[derive(Debug, Clone)]
pub enum Mode {
    Probe,
    List,
    Generate(Generate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
}

/// How often to probe: once, `count` times, until interrupted, or until a state is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub count: Option<u32>,
    pub interval: Duration,
    pub watch: bool,
    pub until: Option<UntilState>,
}

impl Schedule {
    pub fn is_one_shot(&self) -> bool {
        !self.watch && self.until.is_none() && self.count.unwrap_or(1) == 1
    }
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
    pub catalog: Catalog,
    pub targets: Vec<Target>,
    pub client: Client,
    pub overrides: Overrides,
    pub retries: u32,
    pub schedule: Schedule,
    pub status_page: bool,
    pub connectivity_check: bool,
    /// The endpoints that tell whether the user's own connection works.
    pub references: Vec<Reference>,
}

/// One target's probe and the rules to judge it by.
#[derive(Debug, Clone)]
pub struct Plan {
    pub target: Target,
    pub request: probe::Request,
    pub criteria: Criteria,
    /// Where its provider reports its status, when it has a readable page and it is wanted.
    pub status_source: Option<status_page::Source>,
}

impl Settings {
    pub fn resolve(cli: Cli, config: Config) -> Result<Settings, BadInput> {
        let d = config.defaults;
        let format = match (cli.json, cli.format) {
            (true, Some(format)) if format != Format::Json => {
                return Err(BadInput::new(
                    "--json and --format disagree: give one of them",
                ))
            }
            (true, _) => Format::Json,
            (false, Some(format)) => format,
            (false, None) => match (d.json, d.format) {
                (true, Some(format)) if format != Format::Json => {
                    return Err(BadInput::new(
                        "[defaults]: json and format disagree: give one of them",
                    ))
                }
                (true, _) => Format::Json,
                (false, format) => format.unwrap_or(Format::Human),
            },
        };
        let output = Output {
            format,
            quiet: cli.quiet || d.quiet,
            verbose: cli.verbose || d.verbose,
            color: wants_color(cli.color.or(d.color).unwrap_or(ColorWhen::Auto)),
        };
        let mode = if let Some(what) = cli.generate {
            Mode::Generate(what)
        } else if cli.list {
            Mode::List
        } else {
            Mode::Probe
        };

        // Where the command line and [defaults] disagree, the command line wins: a default
        // HEAD gives way to --contains, a default --contains to -X HEAD, a default -4 to -6.
        let (cli_method, default_method) =
            (cli.method.map(Method::from), d.method.map(Method::from));
        let (method, contains) = match (cli_method, cli.contains) {
            (Some(Method::Head), Some(_)) => {
                return Err(BadInput::new(
                    "--contains needs a body, so it cannot go with -X HEAD",
                ))
            }
            (Some(Method::Head), None) => (Some(Method::Head), None),
            (method, Some(text)) => (
                method.or(default_method.filter(|m| *m != Method::Head)),
                Some(text),
            ),
            (method, None) => match (method.or(default_method), d.contains) {
                (Some(Method::Head), Some(_)) => {
                    return Err(BadInput::new(
                        "[defaults]: contains needs a body, so it cannot go with method HEAD",
                    ))
                }
                (method, contains) => (method, contains),
            },
        };
        let headers = d
            .headers
            .iter()
            .chain(cli.headers.iter())
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let (ipv4, ipv6) = if cli.ipv4 || cli.ipv6 {
            (cli.ipv4, cli.ipv6)
        } else {
            (d.ipv4, d.ipv6)
        };
        let ip_family = match (ipv4, ipv6) {
            (true, true) => return Err(BadInput::new("-4 and -6 exclude each other")),
            (true, false) => IpFamily::Ipv4Only,
            (false, true) => IpFamily::Ipv6Only,
            (false, false) => IpFamily::Any,
        };
        let timeout = cli.timeout.or(d.timeout).unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(BadInput::new("--timeout must be longer than zero"));
        }
        let insecure = cli.insecure || d.insecure;
        let cacert = cli.cacert.or(d.cacert);
        // The trust store is only needed, and only checked, when something will be probed.
        let tls = if matches!(mode, Mode::Probe) {
            probe::tls::client_config(insecure, cacert.as_deref())
                .map_err(|e| BadInput(e.to_string()))?
        } else {
            probe::tls::client_config(true, None).map_err(|e| BadInput(e.to_string()))?
        };

        let references = match &config.connectivity {
            Some(configured) => connectivity::from_config(&configured.references),
            None => connectivity::default_references(),
        };
        // URLs need no catalog; parsing it is most of the start-up time of a one-URL probe.
        let needs_catalog =
            !matches!(mode, Mode::Probe) || cli.targets.iter().any(|t| !t.contains("://"));
        let catalog = if needs_catalog {
            Catalog::with_user_services(config.services)
        } else {
            Catalog::default()
        };
        let targets = match mode {
            Mode::Probe => {
                if cli.targets.is_empty() {
                    return Err(BadInput::new(
                        "no target given: name a service, a URL or a host (see isitdown --help)",
                    ));
                }
                cli.targets
                    .iter()
                    .map(|typed| target::resolve(typed, &catalog))
                    .collect::<Result<Vec<_>, _>>()?
            }
            _ => Vec::new(),
        };
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

        Ok(Settings {
            mode,
            output,
            catalog,
            targets,
            client: Client {
                tls,
                timeout,
                ip_family,
                headers,
                proxies: probe::ProxyEnv::from_env(),
            },
            overrides: Overrides {
                method,
                expect: cli.expect.or(d.expect),
                contains,
                slow: cli.slow.or(d.slow),
                cert_warn: cli.cert_warn.or(d.cert_warn),
            },
            retries: cli.retries.or(d.retries).unwrap_or(0),
            schedule: Schedule {
                count: cli.count.or(d.count),
                interval: cli.interval.or(d.interval).unwrap_or(DEFAULT_INTERVAL),
                watch: cli.watch || d.watch,
                until: cli.until.or(d.until),
            },
            status_page: !(cli.no_status_page || d.no_status_page),
            connectivity_check: !(cli.no_connectivity_check || d.no_connectivity_check),
            references,
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
            target: target.clone(),
            request: probe::Request {
                url: target.url.clone(),
                method,
                head_falls_back_to_get: self.overrides.method.is_none() && method == Method::Head,
                find_in_body: contains.clone(),
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
    let value = value.trim();
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(BadInput(format!(
            "the value of --header '{name}' holds control characters"
        )));
    }
    Ok((name.to_string(), value.to_string()))
}

/// auto: only on a terminal, never with NO_COLOR set non-empty or TERM=dumb.
fn wants_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            !no_color && !dumb && std::io::stdout().is_terminal()
        }
    }
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
    }
}
