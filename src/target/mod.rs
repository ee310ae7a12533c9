//! What the user typed, turned into something to probe: a catalog name, a URL or a bare host.

pub mod catalog;
pub mod expect;
pub mod list;

use std::net::Ipv6Addr;

use url::Url;

use crate::exit::BadInput;
use crate::target::catalog::{Catalog, Service};
use crate::text::redact::{host_name, redact, redact_typed};

/// The longest URL probed. Common servers refuse a request line past 8 KiB (nginx, Apache,
/// most CDNs answer 414), so a longer URL is a typing or scripting mistake, not a server's.
pub const MAX_URL_BYTES: usize = 8 * 1024;
/// How much of a bad target an error quotes.
const SHOWN_CHARS: usize = 120;

/// A target, resolved: what to probe and what it is called.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Exactly as typed.
    pub input: String,
    /// What to call it: the service's name, or the host.
    pub name: String,
    /// The URL to probe, credentials included (print [`Target::display_url`] instead).
    pub url: Url,
    /// The catalog or config entry, when the target is a known service.
    pub service: Option<Service>,
}

impl Target {
    pub fn display_url(&self) -> String {
        redact(&self.url)
    }

    /// What the user typed, with any password in it replaced by `***`.
    pub fn display_input(&self) -> String {
        redact_typed(&self.input)
    }
}

/// Resolves one target: a known name first, then a URL, then a bare host.
pub fn resolve(input: &str, catalog: &Catalog) -> Result<Target, BadInput> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(BadInput::new(
            "an empty target: give a service name, a URL or a host",
        ));
    }
    if let Some(service) = catalog.find(typed) {
        check_length(&service.url)?;
        let url = Url::parse(&service.url).map_err(|e| {
            BadInput(format!(
                "service '{}' has a bad url '{}': {e}",
                service.key,
                shown(&service.url)
            ))
        })?;
        return Ok(Target {
            input: input.to_string(),
            name: service.display_name().to_string(),
            url,
            service: Some(service.clone()),
        });
    }
    let url = if let Some((scheme, rest)) = typed.split_once("://") {
        if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            return Err(BadInput(format!(
                "'{}' is not an http:// or https:// URL: isitdown probes web services only",
                shown(typed)
            )));
        }
        // The URL standard reads `http:///x` as `http://x/`: a path taken for a host name.
        if rest.starts_with(['/', '\\']) {
            return Err(BadInput(format!("'{}' has no host name", shown(typed))));
        }
        parse_url(typed, typed)?
    } else if let Some(scheme) = scheme_of(typed) {
        let why = if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            format!(
                "is not a valid URL: write {}://host/path",
                scheme.to_ascii_lowercase()
            )
        } else {
            "is not an http:// or https:// URL: isitdown probes web services only".to_string()
        };
        return Err(BadInput(format!("'{}' {why}", shown(typed))));
    } else if let Some(port_and_path) = typed
        .strip_prefix(':')
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    {
        // `:8080` is this machine, as in xh.
        parse_url(&format!("http://localhost:{port_and_path}"), typed)?
    } else if looks_like_host(typed) {
        let bare = if typed.parse::<Ipv6Addr>().is_ok() {
            format!("https://[{typed}]")
        } else {
            format!("https://{typed}")
        };
        let url = parse_url(&bare, typed)?;
        match own_machine_with_port(&url) {
            // A development server on a port of its own speaks plain HTTP, as xh assumes.
            true => parse_url(&bare.replacen("https://", "http://", 1), typed)?,
            false => url,
        }
    } else {
        return Err(unknown_word(typed, catalog));
    };
    Ok(Target {
        input: input.to_string(),
        name: short_name(&url),
        url,
        service: None,
    })
}

/// `mailto:x@y`, `https:/example.com`: a scheme without `//`. A host with a port
/// (`localhost:8080`) is not one, as ports are digits.
fn scheme_of(typed: &str) -> Option<&str> {
    let (scheme, rest) = typed.split_once(':')?;
    let mut letters = scheme.chars();
    let is_scheme = letters.next().is_some_and(|c| c.is_ascii_alphabetic())
        && letters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let is_port = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
    (is_scheme && !is_port).then_some(scheme)
}

/// A bare `host:port` on the user's own machines: localhost, a loopback or private address.
fn own_machine_with_port(url: &Url) -> bool {
    use crate::probe::dns::locality::local_address_kind;
    if url.port().is_none() {
        return false;
    }
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => local_address_kind(ip.into()).is_some(),
        Some(url::Host::Ipv6(ip)) => local_address_kind(ip.into()).is_some(),
        None => false,
    }
}

fn looks_like_host(typed: &str) -> bool {
    let host = typed.split(['/', '?', '#']).next().unwrap_or_default();
    host.contains('.')
        || host.contains(':')
        || host.starts_with('[')
        || host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().starts_with("localhost:")
}

fn parse_url(text: &str, typed: &str) -> Result<Url, BadInput> {
    check_length(text)?;
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(BadInput(format!(
            "'{}' is not a valid URL: it contains spaces or control characters",
            shown(typed)
        )));
    }
    let url = Url::parse(text)
        .map_err(|e| BadInput(format!("'{}' is not a valid URL: {e}", shown(typed))))?;
    // Percent-encoding can make a URL several times longer than it was typed.
    check_length(url.as_str())?;
    if url.port() == Some(0) {
        return Err(BadInput(format!(
            "'{}' is not a valid URL: port 0 is not a port (1 to 65535)",
            shown(typed)
        )));
    }
    match url.host_str() {
        Some(host) if !host.is_empty() => Ok(url),
        _ => Err(BadInput(format!("'{}' has no host name", shown(typed)))),
    }
}

fn unknown_word(word: &str, catalog: &Catalog) -> BadInput {
    match catalog.suggest(word) {
        Some(name) => BadInput(format!(
            "'{}' is not a known service; did you mean '{name}'?",
            shown(word)
        )),
        None => BadInput(format!(
            "'{}' is not a known service (see isitdown --list) nor a URL or host name",
            shown(word)
        )),
    }
}

/// What the user typed, safe to print back.
fn shown(typed: &str) -> String {
    crate::text::sanitize::text(&redact_typed(typed), SHOWN_CHARS)
}

/// Fails a URL longer than servers take.
fn check_length(url: &str) -> Result<(), BadInput> {
    if url.len() <= MAX_URL_BYTES {
        return Ok(());
    }
    Err(BadInput(format!(
        "'{}' is {} KiB long: URLs over {} KiB are refused by most servers, so none is sent",
        shown(url),
        url.len() / 1024,
        MAX_URL_BYTES / 1024
    )))
}

/// What to call a URL target: host, port and path, without scheme, credentials or query,
/// so that two paths on one host can be told apart.
fn short_name(url: &Url) -> String {
    let path = url.path();
    if path == "/" {
        host_name(url)
    } else {
        format!("{}{path}", host_name(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(input: &str) -> Result<Target, BadInput> {
        resolve(input, &Catalog::builtin())
    }

    #[test]
    fn catalog_names_are_found_case_insensitively() {
        let t = target("ChatGPT").unwrap();
        assert_eq!(t.name, "ChatGPT");
        assert_eq!(t.input, "ChatGPT");
        assert!(t.service.is_some());
    }

    #[test]
    fn urls_and_bare_hosts() {
        assert_eq!(
            target("example.com").unwrap().url.as_str(),
            "https://example.com/"
        );
        assert_eq!(
            target("example.com:8443/health").unwrap().url.as_str(),
            "https://example.com:8443/health"
        );
        assert_eq!(
            target("HTTP://Example.com/a?b=c").unwrap().url.as_str(),
            "http://example.com/a?b=c"
        );
        let v6 = target("http://[::1]:8080/x").unwrap();
        assert_eq!(v6.url.host_str(), Some("[::1]"));
        assert_eq!(v6.name, "[::1]:8080/x");
        assert_eq!(target("::1").unwrap().url.as_str(), "https://[::1]/");
        // A port on the user's own machines is plain HTTP, as xh assumes; `:8080` is localhost.
        for (typed, url) in [
            ("localhost:3000", "http://localhost:3000/"),
            ("127.0.0.1:8080/health", "http://127.0.0.1:8080/health"),
            ("192.168.1.10:8080", "http://192.168.1.10:8080/"),
            ("[::1]:8080", "http://[::1]:8080/"),
            ("app.localhost:5173", "http://app.localhost:5173/"),
            (":8080", "http://localhost:8080/"),
            (":8080/health", "http://localhost:8080/health"),
            ("localhost", "https://localhost/"),
            ("10.0.0.1", "https://10.0.0.1/"),
            ("example.com:8080", "https://example.com:8080/"),
        ] {
            assert_eq!(target(typed).unwrap().url.as_str(), url, "{typed}");
        }
        let idn = target("https://münchen.de/").unwrap();
        assert_eq!(idn.url.host_str(), Some("xn--mnchen-3ya.de"));
        assert_eq!(idn.name, "münchen.de");
    }

    #[test]
    fn bad_targets_say_why() {
        assert!(target("").unwrap_err().0.contains("empty"));
        assert!(target("  ").unwrap_err().0.contains("empty"));
        assert!(target("ftp://example.com").unwrap_err().0.contains("http"));
        assert!(target("file:///etc/passwd").unwrap_err().0.contains("http"));
        assert!(target("http://").unwrap_err().0.contains("not a valid URL"));
        assert!(target("http://exa mple.com")
            .unwrap_err()
            .0
            .contains("not a valid URL"));
        assert!(target("example.com:99999")
            .unwrap_err()
            .0
            .contains("not a valid URL"));
        assert!(target("chatgtp")
            .unwrap_err()
            .0
            .contains("did you mean 'chatgpt'"));
        assert!(target("qqqqqqqqq")
            .unwrap_err()
            .0
            .contains("not a known service"));
    }

    #[test]
    fn user_names_and_passwords_are_redacted() {
        let t = target("https://user:hunter2@example.com/x").unwrap();
        assert_eq!(t.display_url(), "https://***:***@example.com/x");
        assert_eq!(t.display_input(), "https://***:***@example.com/x");
        assert!(!t.display_url().contains("hunter2"));
        // A user name alone is often a token (GitHub's `https://TOKEN@host/`).
        let token = target("https://ghp_T0KEN@example.com/").unwrap();
        assert_eq!(token.display_url(), "https://***@example.com/");
        assert_eq!(token.display_input(), "https://***@example.com/");
        assert_eq!(token.name, "example.com");
        let bare = target("ghp_T0KEN@example.com:8443/x").unwrap();
        assert_eq!(bare.display_input(), "***@example.com:8443/x");
        assert_eq!(bare.url.username(), "ghp_T0KEN", "still sent");
    }
}
