//! The config file: TOML with `[defaults]` (any long option), `[services.NAME]` (targets of the
//! user's own), `[connectivity]` (the reference endpoints and the public DNS resolvers) and
//! `[globalping]` (the API that `--from` asks) and `[history]` (where probes are recorded, and
//! for how long).
//!
//! Missing is fine; malformed is bad input, named by file and line.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::ArgAction;
use serde::Deserialize;
use toml::Spanned;

use crate::cli;
use crate::cli::settings;
use crate::elsewhere::check_base;
use crate::elsewhere::globalping::Locations;
use crate::exit::BadInput;
use crate::just_me::connectivity::Reference;
use crate::just_me::public_dns;
use crate::target::catalog::{self, Service};
use crate::target::expect::{NotStatuses, StatusSet};
use crate::text::file::{self, Refusal};
use crate::text::redact::redact_typed;

/// What the config file says, already checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `[defaults]` as the command-line words they stand for, to be put in front of argv.
    pub default_words: Vec<OsString>,
    pub services: Vec<Service>,
    pub connectivity: Option<ConnectivityConfig>,
    pub globalping: GlobalpingConfig,
    pub history: HistoryConfig,
}

/// `[history]`, checked: what it leaves out keeps its default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryConfig {
    pub record: Option<bool>,
    pub path: Option<PathBuf>,
    pub keep: Option<std::time::Duration>,
    pub max_mb: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryTable {
    record: Option<bool>,
    path: Option<Spanned<String>>,
    keep: Option<Spanned<String>>,
    max_mb: Option<Spanned<i64>>,
}

/// `[globalping]`: where the API is and the token to send it. The environment wins over both
/// (see `settings`).
#[derive(Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalpingConfig {
    pub url: Option<String>,
    pub token: Option<String>,
    /// `--from near`: the endpoint that tells this machine's public address and country.
    pub whoami: Option<String>,
}

/// Never shows the token.
impl std::fmt::Debug for GlobalpingConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GlobalpingConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("whoami", &self.whoami)
            .finish()
    }
}

/// `[connectivity]`: what it leaves out keeps its default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectivityConfig {
    pub references: Option<Vec<Reference>>,
    /// DNS-over-HTTPS JSON resolvers, by IP address; empty: never ask public DNS.
    pub dns: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectivityTable {
    references: Option<Vec<Spanned<ReferenceConfig>>>,
    dns: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A reference endpoint: a URL that must answer 2xx, or a URL with its exact expected answer.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
enum ReferenceConfig {
    Url(String),
    Exact {
        url: String,
        status: Option<u16>,
        body: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    defaults: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    services: BTreeMap<String, Spanned<Service>>,
    connectivity: Option<ConnectivityTable>,
    globalping: Option<Spanned<GlobalpingConfig>>,
    history: Option<HistoryTable>,
}

/// A config file larger than this is not one.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Options that make no sense as a default.
const NOT_DEFAULTS: &[&str] = &[
    "config",
    "list",
    "generate",
    "complete-targets",
    "help",
    "version",
    "targets",
    "history",
];

/// Where the config file is: `--config`, then `ISITDOWN_CONFIG`, then the XDG location.
/// The second value says whether the user named it (then it must exist).
pub fn locate(cli_path: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(path) = cli_path {
        return Some((path.to_path_buf(), true));
    }
    if let Some(path) = std::env::var_os("ISITDOWN_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some((base.join("isitdown").join("config.toml"), false))
}

/// Reads and checks the config file; a default location that does not exist is no config.
pub fn load(cli_path: Option<&Path>) -> Result<Config, BadInput> {
    let Some((path, named)) = locate(cli_path) else {
        return Ok(Config::default());
    };
    let bytes = match file::read_bounded(&path, MAX_CONFIG_BYTES) {
        Ok(bytes) => bytes,
        Err(Refusal::Missing) if !named => return Ok(Config::default()),
        Err(why) => {
            return Err(BadInput(format!(
                "cannot read config file {}: {why}",
                path.display()
            )))
        }
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| BadInput(format!("config file {} is not UTF-8 text", path.display())))?;
    parse(&text, &path)
}

/// Parses config text; `path` only names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, BadInput> {
    let at = |span: Option<std::ops::Range<usize>>, what: String| {
        let line = span.map(|s| file::line_of(text, s.start));
        let place = line.map(|l| format!(", line {l}")).unwrap_or_default();
        BadInput(format!("config file {}{place}: {what}", path.display()))
    };
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let mut what = did_you_mean(&first_line(e.message()));
        // toml names no key when one is given twice: the line's own words do.
        if what == "duplicate key" {
            let line = e.span().and_then(|s| {
                let start = text.get(..s.start)?.rfind('\n').map_or(0, |i| i + 1);
                text.get(start..)?.lines().next()
            });
            let key = line.map(|l| l.split('=').next().unwrap_or(l).trim());
            if let Some(key) = key.filter(|k| !k.is_empty()) {
                let key = crate::text::sanitize::text(key, 80);
                what = format!("{key} is given twice");
            }
        }
        at(e.span(), what)
    })?;

    let mut argv: Vec<OsString> = vec!["isitdown".into()];
    for (key, value) in &file.defaults {
        let words = default_as_args(key, value.get_ref())
            .map_err(|what| at(Some(value.span()), format!("[defaults] {key}: {what}")))?;
        if let ("from", toml::Value::String(from)) = (key.as_str(), value.get_ref()) {
            Locations::parse(from)
                .map_err(|what| at(Some(value.span()), format!("[defaults] from: {what}")))?;
        }
        // Each key alone first, so that an error points at its own line.
        let alone = std::iter::once(OsString::from("isitdown")).chain(words.iter().cloned());
        let wrong = |what: String| at(Some(value.span()), format!("[defaults] {key}: {what}"));
        let parsed = cli::parse(alone).map_err(|e| wrong(cli::error_words(&e)))?;
        settings::check_values(&parsed).map_err(|e| wrong(e.0))?;
        argv.extend(words);
    }
    // Then all of them together, as they will be read in front of the command line.
    if argv.len() > 1 {
        let first_line = file
            .defaults
            .values()
            .map(|v| v.span())
            .min_by_key(|s| s.start);
        let wrong = |what: String| at(first_line.clone(), format!("[defaults]: {what}"));
        let parsed = cli::parse(argv.iter().cloned()).map_err(|e| wrong(cli::error_words(&e)))?;
        settings::check_values(&parsed).map_err(|e| wrong(e.0))?;
    }
    let default_words = argv.split_off(1);

    let mut services = BTreeMap::new();
    for (key, service) in file.services {
        let span = service.span();
        let service = service.into_inner();
        check_service(&key, &service).map_err(|what| {
            // At the line of the field that is wrong, when it can be found in the table.
            let field = what.field().and_then(|f| key_in(text, span.clone(), f));
            at(Some(field.unwrap_or(span.clone())), what.to_string())
        })?;
        services.insert(key, (span, service));
    }
    // Each name (key or alias, whatever its case) is one service's: a word that two answer to
    // would probe one of them and say nothing of the other.
    let mut named: BTreeMap<String, (&str, &str, bool)> = BTreeMap::new();
    for (key, (span, service)) in &services {
        let names = std::iter::once((key, false)).chain(service.aliases.iter().map(|a| (a, true)));
        for (name, alias) in names {
            let this = (key.as_str(), name.as_str(), alias);
            let Some(before) = named.insert(name.to_lowercase(), this) else {
                continue;
            };
            let what = match (before, this) {
                ((other, _, _), (key, _, _)) if other == key => continue,
                ((other, _, false), (key, _, false)) => format!(
                    "[services.{key}] and [services.{other}] are one name (names are case-insensitive)"
                ),
                ((owner, alias, true), (key, _, false)) | ((key, _, false), (owner, alias, true)) => {
                    format!("[services.{owner}] alias `{alias}` is already the name of [services.{key}]")
                }
                ((other, _, true), (key, alias, true)) => {
                    format!("[services.{key}] alias `{alias}` is already an alias of [services.{other}]")
                }
            };
            return Err(at(
                Some(span.clone()),
                crate::text::sanitize::text(&what, 300),
            ));
        }
    }
    let services = services
        .into_iter()
        .map(|(key, (_, service))| (key, service))
        .collect();

    let connectivity = match file.connectivity {
        Some(table) => Some(ConnectivityConfig {
            references: table
                .references
                .map(|list| references(list, &at))
                .transpose()?,
            dns: table.dns.map(|list| resolvers(list, &at)).transpose()?,
        }),
        None => None,
    };

    let globalping = match file.globalping {
        Some(table) => {
            let span = table.span();
            let table = table.into_inner();
            if let Some(url) = &table.url {
                check_base(url)
                    .map_err(|why| at(Some(span.clone()), format!("[globalping] url {why}")))?;
            }
            if let Some(url) = &table.whoami {
                check_base(url)
                    .map_err(|why| at(Some(span), format!("[globalping] whoami {why}")))?;
            }
            table
        }
        None => GlobalpingConfig::default(),
    };

    let history = match file.history {
        Some(table) => history(table, path, &at)?,
        None => HistoryConfig::default(),
    };

    Ok(Config {
        default_words,
        services: catalog::keyed(services),
        connectivity,
        globalping,
        history,
    })
}

/// `[history]`: a path that is not empty, a duration to keep rows for, a cap of at least 1 MB.
fn history(table: HistoryTable, config: &Path, at: &At) -> Result<HistoryConfig, BadInput> {
    let path = match table.path {
        Some(path) if path.get_ref().trim().is_empty() => {
            return Err(at(Some(path.span()), "[history] path is empty".into()))
        }
        Some(path) => Some(beside(config, &path.into_inner())),
        None => None,
    };
    let keep = match table.keep {
        Some(keep) => {
            let span = keep.span();
            let duration = cli::parse_duration(keep.get_ref())
                .map_err(|why| at(Some(span.clone()), format!("[history] keep: {why}")))?;
            if duration.as_secs() < 3600 {
                return Err(at(Some(span), "[history] keep: at least 1h".into()));
            }
            Some(duration)
        }
        None => None,
    };
    let max_mb = match table.max_mb {
        Some(mb) if *mb.get_ref() < 1 || *mb.get_ref() > 1_000_000 => {
            return Err(at(
                Some(mb.span()),
                "[history] max_mb: a number of megabytes, from 1 to 1000000".into(),
            ))
        }
        Some(mb) => u64::try_from(mb.into_inner()).ok(),
        None => None,
    };
    Ok(HistoryConfig {
        record: table.record,
        path,
        keep,
        max_mb,
    })
}

/// A path the config file gives: `~/` is the home folder, and a relative path is the config
/// file's folder's (wherever isitdown is started from, as a cron job's is).
fn beside(config: &Path, written: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (written.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => {
            let path = PathBuf::from(written);
            match (path.is_relative(), config.parent()) {
                (true, Some(folder)) => folder.join(path),
                _ => path,
            }
        }
    }
}

/// Where an error is: the line of a span, and what is wrong there.
type At<'a> = dyn Fn(Option<std::ops::Range<usize>>, String) -> BadInput + 'a;

/// `[connectivity] dns`: resolvers named by IP address, at most [`public_dns::MAX_RESOLVERS`].
fn resolvers(list: Spanned<Vec<Spanned<String>>>, at: &At) -> Result<Vec<String>, BadInput> {
    let span = list.span();
    let list = list.into_inner();
    if list.len() > public_dns::MAX_RESOLVERS {
        let what = format!(
            "[connectivity] dns: at most {} resolvers",
            public_dns::MAX_RESOLVERS
        );
        return Err(at(Some(span), what));
    }
    list.into_iter()
        .map(|resolver| {
            let span = resolver.span();
            let resolver = resolver.into_inner();
            public_dns::check_resolver(&resolver)
                .map_err(|why| at(Some(span), format!("[connectivity] dns: {why}")))?;
            Ok(resolver)
        })
        .collect()
}

/// `[connectivity] references`: each an http(s) URL.
fn references(list: Vec<Spanned<ReferenceConfig>>, at: &At) -> Result<Vec<Reference>, BadInput> {
    let mut references = Vec::new();
    for reference in list {
        let span = reference.span();
        let reference = reference.into_inner();
        let url = match &reference {
            ReferenceConfig::Url(url) | ReferenceConfig::Exact { url, .. } => url,
        };
        let web = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !web {
            let what = format!(
                "[connectivity] reference '{}' is not an http:// or https:// URL",
                redact_typed(url)
            );
            return Err(at(Some(span), what));
        }
        references.push(match reference {
            ReferenceConfig::Url(url) => Reference {
                url,
                status: None,
                body: None,
            },
            ReferenceConfig::Exact { url, status, body } => Reference { url, status, body },
        });
    }
    Ok(references)
}

/// What is wrong with a `[defaults]` entry (the key is said before it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum BadDefault {
    #[error("this option cannot be a default")]
    NotADefault,
    #[error("not an isitdown option; did you mean `{0}`?")]
    Meant(String),
    #[error("not an isitdown option")]
    NotAnOption,
    #[error("expected true or false")]
    NotASwitch,
    #[error("expected a string or a number")]
    NotAValue,
}

/// A `[defaults]` entry as the command-line words it stands for.
fn default_as_args(key: &str, value: &toml::Value) -> Result<Vec<OsString>, BadDefault> {
    let long = key.replace('_', "-");
    if NOT_DEFAULTS.contains(&long.as_str()) {
        return Err(BadDefault::NotADefault);
    }
    let command = cli::public_command();
    let arg = command
        .get_arguments()
        .find(|a| a.get_long() == Some(long.as_str()))
        .ok_or_else(|| {
            let longs = command.get_arguments().filter(|a| !a.is_hide_set());
            let longs = longs
                .filter_map(|a| a.get_long())
                .filter(|l| !l.starts_with("no-"));
            match crate::text::words::closest(&long, longs) {
                Some(meant) => BadDefault::Meant(meant.to_string()),
                None => BadDefault::NotAnOption,
            }
        })?;
    let flag = format!("--{long}");
    let is_switch = matches!(arg.get_action(), ArgAction::SetTrue);
    let scalar = |v: &toml::Value| match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        _ => Err(BadDefault::NotAValue),
    };
    match value {
        toml::Value::Boolean(on) if is_switch => Ok(if *on { vec![flag.into()] } else { vec![] }),
        _ if is_switch => Err(BadDefault::NotASwitch),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| scalar(item).map(|v| OsString::from(format!("{flag}={v}"))))
            .collect(),
        other => Ok(vec![format!("{flag}={}", scalar(other)?).into()]),
    }
}

/// A service's name, display name, alias or tag longer than this is not a name: it would end
/// up in a hook's environment (`ISITDOWN_NAME`) and on every line of output.
pub const MAX_NAME_CHARS: usize = 200;

/// Sibling probes a service may list: each is one more request per probe.
pub const MAX_ALSO: usize = 4;

/// A `[services.KEY]` row that cannot be used, in one sentence; URLs as typed, passwords hidden.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum BadService {
    #[error("the service name '{0}...' is longer than {MAX_NAME_CHARS} characters")]
    LongKey(String),
    #[error("[services.{key}] {what}: a name longer than {MAX_NAME_CHARS} characters")]
    LongName { key: String, what: &'static str },
    #[error("[services.{key}] {what} '{url}' is not a URL: {why}")]
    NotAUrl {
        key: String,
        what: &'static str,
        url: String,
        why: url::ParseError,
    },
    #[error("[services.{0}] url must start with http:// or https://")]
    NotWeb(String),
    #[error("[services.{key}] {what} must start with http:// or https://")]
    PageNotWeb { key: String, what: &'static str },
    #[error("[services.{key}] also '{url}' must start with http:// or https://")]
    SiblingNotWeb { key: String, url: String },
    #[error("[services.{0}] expect: {1}")]
    Expect(String, NotStatuses),
    #[error("[services.{0}] also: at most {MAX_ALSO} sibling probes")]
    TooManySiblings(String),
}

impl BadService {
    /// The field of the row that is wrong, if one is.
    fn field(&self) -> Option<&'static str> {
        match self {
            BadService::LongKey(_) => None,
            BadService::LongName { what, .. }
            | BadService::NotAUrl { what, .. }
            | BadService::PageNotWeb { what, .. } => Some(what),
            BadService::NotWeb(_) => Some("url"),
            BadService::SiblingNotWeb { .. } | BadService::TooManySiblings(_) => Some("also"),
            BadService::Expect(..) => Some("expect"),
        }
    }
}

/// Where `key = ...` is written in the table whose header is at `table`: the span of its line.
fn key_in(text: &str, table: std::ops::Range<usize>, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = table.start;
    for (i, line) in text.get(table.start..)?.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if i > 0 && trimmed.starts_with('[') {
            return None;
        }
        let written = trimmed.strip_prefix(key).map(str::trim_start);
        if i > 0 && written.is_some_and(|rest| rest.starts_with('=')) {
            return Some(offset..offset + line.len());
        }
        offset += line.len();
    }
    None
}

fn check_service(key: &str, service: &Service) -> Result<(), BadService> {
    let too_long = |text: &str| text.chars().count() > MAX_NAME_CHARS;
    if too_long(key) {
        return Err(BadService::LongKey(key.chars().take(40).collect()));
    }
    let names = [("name", service.name.iter().collect::<Vec<_>>())]
        .into_iter()
        .chain([("aliases", service.aliases.iter().collect())])
        .chain([("tags", service.tags.iter().collect())]);
    for (what, values) in names {
        if values.into_iter().any(|value| too_long(value)) {
            let key = key.to_string();
            return Err(BadService::LongName { key, what });
        }
    }
    let web_url = |what: &'static str, url: &str| {
        let parsed = url::Url::parse(url).map_err(|why| BadService::NotAUrl {
            key: key.to_string(),
            what,
            url: redact_typed(url),
            why,
        })?;
        Ok(matches!(parsed.scheme(), "http" | "https"))
    };
    if !web_url("url", &service.url)? {
        return Err(BadService::NotWeb(key.to_string()));
    }
    if let Some(expect) = &service.expect {
        StatusSet::parse(expect).map_err(|e| BadService::Expect(key.to_string(), e))?;
    }
    if service.also.len() > MAX_ALSO {
        return Err(BadService::TooManySiblings(key.to_string()));
    }
    for sibling in &service.also {
        if !web_url("also", sibling)? {
            let url = redact_typed(sibling);
            return Err(BadService::SiblingNotWeb {
                key: key.to_string(),
                url,
            });
        }
    }
    for (what, page) in [
        ("status_page", &service.status_page),
        ("status_api", &service.status_api),
    ] {
        if let Some(page) = page {
            if !web_url(what, page)? {
                return Err(BadService::PageNotWeb {
                    key: key.to_string(),
                    what,
                });
            }
        }
    }
    Ok(())
}

/// serde's "unknown field `timout`, expected one of `timeout`, ..." with the one that was
/// probably meant.
fn did_you_mean(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((typed, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known = expected.split('`').skip(1).step_by(2);
    match crate::text::words::closest(typed, known) {
        Some(meant) => format!("unknown field `{typed}`; did you mean `{meant}`?"),
        None => message.to_string(),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse_str(text: &str) -> Result<Config, BadInput> {
        parse(text, Path::new("test.toml"))
    }

    #[test]
    fn a_history_path_is_the_home_folders_or_the_config_files() {
        let at = |written: &str| {
            let text = format!("[history]\npath = {written:?}\n");
            parse(&text, Path::new("/etc/isitdown/config.toml"))
                .unwrap()
                .history
                .path
                .unwrap()
        };
        assert_eq!(at("/var/h.sqlite3"), PathBuf::from("/var/h.sqlite3"));
        assert_eq!(at("h.sqlite3"), PathBuf::from("/etc/isitdown/h.sqlite3"));
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            assert_eq!(at("~/h.sqlite3"), PathBuf::from(home).join("h.sqlite3"));
        }
    }

    #[test]
    fn defaults_are_read_like_the_command_line() {
        let config = parse_str(
            "[defaults]\ntimeout = \"5s\"\nslow = \"2s\"\ninsecure = true\nheader = [\"A: b\"]\nretries = 2\n",
        )
        .unwrap();
        let words = std::iter::once(OsString::from("isitdown")).chain(config.default_words);
        let defaults = cli::parse(words).unwrap();
        assert_eq!(defaults.timeout, Some(Duration::from_secs(5)));
        assert_eq!(defaults.slow, Some(Duration::from_secs(2)));
        assert!(defaults.insecure);
        assert_eq!(defaults.headers, vec!["A: b".to_string()]);
        assert_eq!(defaults.retries, Some(2));
    }

    #[test]
    fn a_configured_url_alone_must_answer_2xx() {
        let config = parse_str(
            "[connectivity]\nreferences = [\"http://127.0.0.1:1/ok\", {url = \"http://127.0.0.1:1/204\", status = 204}]\n",
        )
        .unwrap();
        let references = config.connectivity.unwrap().references.unwrap();
        assert_eq!(references[0].status, None);
        assert_eq!(references[1].status, Some(204));
    }

    #[test]
    fn public_dns_resolvers_are_named_by_ip_address() {
        let config =
            parse_str("[connectivity]\ndns = [\"https://127.0.0.1/dns-query\"]\n").unwrap();
        let connectivity = config.connectivity.unwrap();
        assert_eq!(
            connectivity.dns,
            Some(vec!["https://127.0.0.1/dns-query".to_string()])
        );
        assert_eq!(connectivity.references, None, "left out: the defaults");
        let error =
            parse_str("[connectivity]\ndns = [\n  \"https://dns.google/resolve\"]\n").unwrap_err();
        assert!(
            error.0.contains("line 3") && error.0.contains("IP address"),
            "{error}"
        );
        let many = ["\"http://127.0.0.1/\""; 9].join(", ");
        let error = parse_str(&format!("[connectivity]\ndns = [{many}]\n")).unwrap_err();
        assert!(error.0.contains("at most 8"), "{error}");
    }

    #[test]
    fn services_know_their_names() {
        let config = parse_str(
            "[services.MyAPI]\nurl = \"https://api.example.com/health\"\nname = \"My API\"\naliases = [\"Api\"]\n",
        )
        .unwrap();
        assert_eq!(config.services[0].key, "myapi");
        assert_eq!(config.services[0].aliases, vec!["api".to_string()]);
    }

    #[test]
    fn errors_name_the_file_and_the_line() {
        let error = parse_str("[defaults]\n\ntimeout = \"soon\"\n").unwrap_err();
        assert!(error.0.contains("test.toml, line 3"), "{error}");
        assert!(error.0.contains("timeout"), "{error}");

        let error = parse_str("[defaults]\nnope = 1\n").unwrap_err();
        assert!(
            error.0.contains("line 2") && error.0.contains("nope"),
            "{error}"
        );

        let error = parse_str("[services.x]\nurl = \"ftp://x\"\n").unwrap_err();
        assert!(
            error.0.contains("line 2") && error.0.contains("http"),
            "{error}"
        );
        // Each wrong field at its own line, values that only a run would find wrong too.
        for (text, line, words) in [
            ("[services.x]\nname = \"X\"\n\nexpect = \"abc\"\nurl = \"http://a/\"\n", 4, "expect"),
            ("[services.x]\nurl = \"http://a/\"\n\n[services.y]\nurl = \"http://b/\"\nstatus_page = \"ftp://b\"\n", 6, "status_page"),
            ("[defaults]\ntimeout = \"5s\"\nheader = [\"no colon\"]\n", 3, "Name: value"),
            ("[defaults]\n\ntimeout = \"0s\"\n", 3, "longer than zero"),
            ("[defaults]\nresolve = \"bad\"\n", 2, "HOST:PORT:ADDR"),
            ("[defaults]\nmethod = \"HEAD\"\ncontains = \"ok\"\n", 2, "HEAD"),
            ("[history]\nkeep = \"2h\"\n[history]\n", 3, "[history] is given twice"),
        ] {
            let error = parse_str(text).unwrap_err();
            assert!(
                error.0.contains(&format!("line {line}:")) && error.0.contains(words),
                "{text}: {error}"
            );
        }

        let error = parse_str("[defaults\n").unwrap_err();
        assert!(error.0.contains("line 1"), "{error}");

        let error = parse_str(
            "[connectivity]\nreferences = [\n  \"http://ok/\",\n  \"ftp://u:hunter2@x/\"]\n",
        )
        .unwrap_err();
        assert!(
            error.0.contains("line 4") && error.0.contains("ftp://***:***@x/"),
            "{error}"
        );
        assert!(!error.0.contains("hunter2"));

        let error = parse_str("[defaults]\nconfig = \"x\"\n").unwrap_err();
        assert!(error.0.contains("cannot be a default"), "{error}");
    }
}
