//! A second opinion on a name the system resolver could not resolve: public DNS-over-HTTPS
//! resolvers, asked by IP address in their JSON dialect (`application/dns-json`, as
//! `https://1.1.1.1/dns-query` and `https://8.8.8.8/resolve` speak it).
//!
//! Public DNS resolves it: the user's DNS server is the problem. Public DNS says the name does not
//! exist: it does not. Public DNS unreachable too: nothing to add. The request is built here;
//! sending it is the caller's (`probe::send` in real use, a stand-in in tests).

use std::net::IpAddr;
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::text::redact::redact_typed;

use crate::probe::{Request, Response};
use crate::text::sanitize::for_terminal;

/// Asked when the config names none.
pub const DEFAULT_RESOLVERS: [&str; 2] = ["https://1.1.1.1/dns-query", "https://8.8.8.8/resolve"];
/// The `accept` header every query must carry.
pub const ACCEPT: &str = "application/dns-json";
/// An answer of a handful of records is a few hundred bytes; more than this is not one.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// More resolvers than this say nothing new and cost a thread each per record type.
pub const MAX_RESOLVERS: usize = 8;
/// Addresses kept from all answers together.
const MAX_ADDRESSES: usize = 16;
/// A failure's words are shown; a server's words are bounded.
const MAX_WORDS: usize = 120;

/// What sends a question: `probe::send` over the crate's client, or a stand-in in tests. Every
/// question waits for it, within the request's deadline.
pub type Fetch<'a> = &'a (dyn Fn(&Request) -> Response + Sync);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    A,
    Aaaa,
    /// Text records: Team Cymru's origin lookup answers in them (see `elsewhere::near`).
    Txt,
}

impl RecordType {
    fn name(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Txt => "TXT",
        }
    }

    fn code(self) -> u64 {
        match self {
            RecordType::A => 1,
            RecordType::Aaaa => 28,
            RecordType::Txt => 16,
        }
    }
}

/// What one resolver said to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolverAnswer {
    Addresses(Vec<IpAddr>),
    /// NXDOMAIN: the name does not exist.
    NoSuchName,
    /// The name exists and has no address of this type.
    NoAddress,
    /// No answer worth believing, in words.
    Failed(String),
}

/// What public DNS says about the name, all resolvers together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// Some resolver gave addresses: the user's DNS is the problem (UNKNOWN).
    Resolved,
    /// A resolver said NXDOMAIN and none gave addresses (DOWN).
    DoesNotExist,
    /// The name exists but has no address (DOWN).
    NoAddress,
    /// No resolver gave an answer: nothing to add.
    Unanswered,
}

/// `connectivity.public_dns` in JSON: `{asked, resolved, addresses, note}`; `resolved` is
/// `null` when no resolver answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDns {
    /// The resolvers asked, as configured.
    pub asked: Vec<String>,
    pub resolved: Option<bool>,
    pub addresses: Vec<IpAddr>,
    /// One sentence on what public DNS said.
    pub note: String,
    #[serde(skip)]
    pub finding: Finding,
}

impl PublicDns {
    /// The reason to give when public DNS changes the verdict; `None` when it has nothing to add.
    pub fn sentence(&self, host: &str) -> Option<String> {
        let host = for_terminal(host);
        match self.finding {
            Finding::Resolved => Some(format!(
                "your DNS server cannot resolve {host}, but public DNS can: it is your DNS"
            )),
            Finding::DoesNotExist => Some(format!("{host} does not exist in public DNS either")),
            Finding::NoAddress => Some(format!("{host} has no address in public DNS either")),
            Finding::Unanswered => None,
        }
    }
}

/// A resolver the config may not name, in one sentence: what was typed, its password hidden.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadResolver {
    #[error("'{0}' is not a URL")]
    NotAUrl(String),
    #[error("'{0}' is not an https:// URL")]
    NotWeb(String),
    #[error("'{0}' must name the resolver by IP address (DNS itself may be what fails)")]
    NamedByName(String),
}

/// A resolver URL as the config may give it: http(s), and named by IP address, since DNS is
/// what may be failing.
pub fn check_resolver(resolver: &str) -> Result<(), BadResolver> {
    resolver_url(resolver).map(drop)
}

fn resolver_url(resolver: &str) -> Result<Url, BadResolver> {
    let shown = || for_terminal(&redact_typed(resolver));
    let url = Url::parse(resolver).map_err(|_| BadResolver::NotAUrl(shown()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(BadResolver::NotWeb(shown()));
    }
    match url.host() {
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => Ok(url),
        _ => Err(BadResolver::NamedByName(shown())),
    }
}

/// The question's URL: the resolver's with `name` and `type` added to its query.
pub fn query_url(resolver: &str, name: &str, record: RecordType) -> Result<String, BadResolver> {
    let mut url = resolver_url(resolver)?;
    url.query_pairs_mut()
        .append_pair("name", name)
        .append_pair("type", record.name());
    Ok(url.into())
}

/// The answer JSON: `{"Status": 0, "Answer": [{"name", "type", "TTL", "data"}]}`.
#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "Status")]
    status: u64,
    #[serde(rename = "Answer", default)]
    answer: Vec<WireRecord>,
}

#[derive(Deserialize)]
struct WireRecord {
    #[serde(rename = "type", default)]
    kind: serde_json::Value,
    #[serde(default)]
    data: serde_json::Value,
}

/// Why a resolver's answer has no records to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unanswered {
    #[error("no such name (NXDOMAIN)")]
    NoSuchName,
    #[error("{0}")]
    Failed(String),
}

/// The records of a resolver's JSON answer, its HTTP status, size and DNS status checked;
/// never panics, whatever the body.
fn records(http_status: u16, body: &[u8]) -> Result<Vec<WireRecord>, Unanswered> {
    let failed = |why: &str| Unanswered::Failed(why.to_string());
    if http_status != 200 {
        return Err(Unanswered::Failed(format!("HTTP {http_status}")));
    }
    if body.len() > MAX_ANSWER_BYTES {
        return Err(failed("an answer too large to be one"));
    }
    let wire = serde_json::from_slice::<Wire>(body).map_err(|_| failed("not a DNS JSON answer"))?;
    match wire.status {
        0 => Ok(wire.answer),
        3 => Err(Unanswered::NoSuchName),
        2 => Err(failed("server failure (SERVFAIL)")),
        5 => Err(failed("query refused (REFUSED)")),
        code => Err(Unanswered::Failed(format!("DNS error code {code}"))),
    }
}

/// Reads one resolver's answer to one question; never panics, whatever the body.
pub fn parse_answer(http_status: u16, body: &[u8], record: RecordType) -> ResolverAnswer {
    let answer = match records(http_status, body) {
        Ok(answer) => answer,
        Err(Unanswered::NoSuchName) => return ResolverAnswer::NoSuchName,
        Err(Unanswered::Failed(why)) => return ResolverAnswer::Failed(why),
    };
    let mut addresses: Vec<IpAddr> = Vec::new();
    for rec in &answer {
        let address = rec.data.as_str().and_then(|d| d.parse::<IpAddr>().ok());
        if let (Some(address), Some(code)) = (address, rec.kind.as_u64()) {
            let fits = code == record.code() && address.is_ipv4() == (code == 1);
            if fits && !addresses.contains(&address) && addresses.len() < MAX_ADDRESSES {
                addresses.push(address);
            }
        }
    }
    if addresses.is_empty() {
        ResolverAnswer::NoAddress
    } else {
        ResolverAnswer::Addresses(addresses)
    }
}

/// Asks every resolver (at most [`MAX_RESOLVERS`]) for the name's A and AAAA records at once,
/// each question within `timeout`, and judges all the answers together. `None` when no
/// resolver is configured.
pub fn ask(
    resolvers: &[String],
    name: &str,
    timeout: Duration,
    fetch: Fetch<'_>,
) -> Option<PublicDns> {
    let resolvers = &resolvers[..resolvers.len().min(MAX_RESOLVERS)];
    if resolvers.is_empty() {
        return None;
    }
    let answers: Vec<(ResolverAnswer, ResolverAnswer)> = thread::scope(|scope| {
        let mut pending = Vec::with_capacity(resolvers.len());
        for resolver in resolvers {
            let [a, aaaa] = [RecordType::A, RecordType::Aaaa].map(|record| {
                thread::Builder::new()
                    .name("public dns".into())
                    .spawn_scoped(scope, move || {
                        question(resolver, name, record, timeout, fetch)
                    })
            });
            pending.push((a, aaaa));
        }
        pending
            .into_iter()
            .map(|(a, aaaa)| (collect(a), collect(aaaa)))
            .collect()
    });
    let per_resolver: Vec<ResolverAnswer> = answers
        .into_iter()
        .map(|(a, aaaa)| either_family(a, aaaa))
        .collect();
    Some(judge(resolvers, name, per_resolver))
}

/// Text records kept from one answer, and the length of each.
const MAX_TEXTS: usize = 8;
const MAX_TEXT_CHARS: usize = 255;

/// Why no resolver gave a text record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoText {
    #[error("no DNS-over-HTTPS resolver is configured ([connectivity] dns)")]
    NoResolver,
    /// Each resolver asked, as it can be shown, and what came of it.
    #[error("{}", said(.0))]
    Unanswered(Vec<(String, String)>),
}

fn said(failures: &[(String, String)]) -> String {
    let each: Vec<String> = failures
        .iter()
        .map(|(r, why)| format!("{r}: {why}"))
        .collect();
    each.join("; ")
}

/// Why one resolver gave no text record.
#[derive(Debug, thiserror::Error)]
enum TxtFailure {
    #[error(transparent)]
    Unasked(#[from] Unasked),
    #[error("{0}")]
    Unread(String),
    #[error(transparent)]
    Unanswered(#[from] Unanswered),
    #[error("the question could not be asked")]
    NotStarted,
}

/// The TXT records of `name`, from the first resolver (at most [`MAX_RESOLVERS`], asked at once)
/// that answers with some: each record's strings joined, quotes removed, cleaned and bounded.
pub fn ask_txt(
    resolvers: &[String],
    name: &str,
    timeout: Duration,
    fetch: Fetch<'_>,
) -> Result<Vec<String>, NoText> {
    let resolvers = &resolvers[..resolvers.len().min(MAX_RESOLVERS)];
    if resolvers.is_empty() {
        return Err(NoText::NoResolver);
    }
    let answers: Vec<Result<Vec<String>, TxtFailure>> = thread::scope(|scope| {
        let pending: Vec<_> = resolvers
            .iter()
            .map(|resolver| {
                thread::Builder::new()
                    .name("public dns txt".into())
                    .spawn_scoped(scope, move || txt_question(resolver, name, timeout, fetch))
            })
            .collect();
        pending
            .into_iter()
            .map(|started| match started.map(|handle| handle.join()) {
                Ok(Ok(answer)) => answer,
                _ => Err(TxtFailure::NotStarted),
            })
            .collect()
    });
    let mut failures = Vec::new();
    for (resolver, answer) in resolvers.iter().zip(answers) {
        let shown = for_terminal(&redact_typed(resolver));
        match answer {
            Ok(texts) if !texts.is_empty() => return Ok(texts),
            Ok(_) => failures.push((shown, "no TXT record".to_string())),
            Err(why) => failures.push((
                shown,
                crate::text::sanitize::text(&why.to_string(), MAX_WORDS),
            )),
        }
    }
    Err(NoText::Unanswered(failures))
}

fn txt_question(
    resolver: &str,
    name: &str,
    timeout: Duration,
    fetch: Fetch<'_>,
) -> Result<Vec<String>, TxtFailure> {
    let answer = asked(resolver, name, RecordType::Txt, timeout, fetch)?;
    let (status, body) = answer
        .whole(MAX_ANSWER_BYTES)
        .map_err(|failure| TxtFailure::Unread(failure.message))?;
    Ok(parse_txt(status, body)?)
}

/// Reads one resolver's answer to a TXT question; never panics, whatever the body.
pub fn parse_txt(http_status: u16, body: &[u8]) -> Result<Vec<String>, Unanswered> {
    let answer = records(http_status, body)?;
    Ok(answer
        .iter()
        .filter(|rec| rec.kind.as_u64() == Some(RecordType::Txt.code()))
        .filter_map(|rec| rec.data.as_str())
        .map(|data| {
            // `"part one" "part two"` (as resolvers write a record's strings): one text.
            let joined: String = data
                .split('"')
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join("");
            crate::text::sanitize::text(joined.trim(), MAX_TEXT_CHARS)
        })
        .filter(|text| !text.is_empty())
        .take(MAX_TEXTS)
        .collect())
}

fn question(
    resolver: &str,
    name: &str,
    record: RecordType,
    timeout: Duration,
    fetch: Fetch<'_>,
) -> ResolverAnswer {
    let answer = match asked(resolver, name, record, timeout, fetch) {
        Ok(answer) => answer,
        Err(why) => return ResolverAnswer::Failed(why.to_string()),
    };
    match answer.whole(MAX_ANSWER_BYTES) {
        Ok((status, body)) => parse_answer(status, body, record),
        Err(failure) => ResolverAnswer::Failed(failure.message),
    }
}

/// Why a resolver could not be asked at all.
#[derive(Debug, thiserror::Error)]
enum Unasked {
    #[error(transparent)]
    Resolver(#[from] BadResolver),
    #[error(transparent)]
    Url(#[from] crate::probe::BadUrl),
}

/// Asks one resolver one question: its answer, or why it could not be asked.
fn asked(
    resolver: &str,
    name: &str,
    record: RecordType,
    timeout: Duration,
    fetch: Fetch<'_>,
) -> Result<crate::probe::Response, Unasked> {
    let url = query_url(resolver, name, record)?;
    let request = Request::get(&url, timeout, MAX_ANSWER_BYTES)?.accept(ACCEPT);
    Ok(fetch(&request))
}

fn collect(
    started: std::io::Result<thread::ScopedJoinHandle<'_, ResolverAnswer>>,
) -> ResolverAnswer {
    match started.map(|handle| handle.join()) {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => ResolverAnswer::Failed("the question failed".into()),
        Err(_) => ResolverAnswer::Failed("the question could not be asked".into()),
    }
}

/// One resolver's answer for the name from its A and AAAA answers.
fn either_family(a: ResolverAnswer, aaaa: ResolverAnswer) -> ResolverAnswer {
    match (a, aaaa) {
        (ResolverAnswer::Addresses(mut v4), ResolverAnswer::Addresses(v6)) => {
            v4.extend(v6);
            ResolverAnswer::Addresses(v4)
        }
        (found @ ResolverAnswer::Addresses(_), _) | (_, found @ ResolverAnswer::Addresses(_)) => {
            found
        }
        (ResolverAnswer::NoSuchName, _) | (_, ResolverAnswer::NoSuchName) => {
            ResolverAnswer::NoSuchName
        }
        (ResolverAnswer::NoAddress, ResolverAnswer::NoAddress) => ResolverAnswer::NoAddress,
        (ResolverAnswer::Failed(why), _) | (_, ResolverAnswer::Failed(why)) => {
            ResolverAnswer::Failed(why)
        }
    }
}

/// All resolvers together: any addresses win, then a "no such name", then "no address".
fn judge(resolvers: &[String], name: &str, answers: Vec<ResolverAnswer>) -> PublicDns {
    let name = for_terminal(name);
    // As configured, but never with the user name or password a resolver URL may carry.
    let asked: Vec<String> = resolvers
        .iter()
        .map(|r| for_terminal(&redact_typed(r)))
        .collect();
    let mut addresses: Vec<IpAddr> = Vec::new();
    let (mut no_such_name, mut no_address, mut failures) = (None, false, Vec::new());
    for (resolver, answer) in asked.iter().zip(answers) {
        match answer {
            ResolverAnswer::Addresses(found) => {
                for address in found {
                    if !addresses.contains(&address) && addresses.len() < MAX_ADDRESSES {
                        addresses.push(address);
                    }
                }
            }
            ResolverAnswer::NoSuchName => no_such_name = no_such_name.or(Some(resolver.clone())),
            ResolverAnswer::NoAddress => no_address = true,
            ResolverAnswer::Failed(why) => failures.push(format!(
                "{resolver}: {}",
                crate::text::sanitize::text(&why, MAX_WORDS)
            )),
        }
    }
    let (finding, resolved, note) = if !addresses.is_empty() {
        let list: Vec<String> = addresses.iter().map(IpAddr::to_string).collect();
        let note = format!("public DNS resolves {name} to {}", list.join(", "));
        (Finding::Resolved, Some(true), note)
    } else if let Some(resolver) = no_such_name {
        let note = format!("public DNS says {name} does not exist (NXDOMAIN from {resolver})");
        (Finding::DoesNotExist, Some(false), note)
    } else if no_address {
        let note = format!("public DNS knows {name} but has no address for it");
        (Finding::NoAddress, Some(false), note)
    } else {
        let note = format!("public DNS did not answer: {}", failures.join("; "));
        (Finding::Unanswered, None, note)
    };
    PublicDns {
        asked,
        resolved,
        addresses,
        note,
        finding,
    }
}

#[cfg(test)]
mod tests;
