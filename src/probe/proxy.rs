//! The usual proxy variables: `https_proxy` for https URLs, `http_proxy` for http URLs,
//! `all_proxy` for either, and `no_proxy` for the hosts that go direct; lowercase first, then
//! uppercase. (ureq alone would send every scheme through the first variable it finds.)
//!
//! A user who set a proxy is never bypassed: a setting that cannot be used is refused before
//! anything is sent, naming the variable. HTTP CONNECT proxies (`http://`) and SOCKS5
//! (`socks5://`, `socks5h://` where the proxy resolves names) can be used.

use ureq::{Proxy, ProxyProtocol};
use url::Url;

use crate::text::redact::redact_typed;

/// What the environment says about proxies, read and checked once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    https: Option<NamedProxy>,
    http: Option<NamedProxy>,
    all: Option<NamedProxy>,
    no_proxy: Option<String>,
}

/// A proxy and the variable that named it: a failure of the proxy is told as the user's own,
/// by that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedProxy {
    pub proxy: Proxy,
    pub variable: &'static str,
}

/// Which proxy carried a request, in the words a report shows: its address and the variable
/// that named it, never its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUsed {
    /// `host:port`, an IPv6 address in brackets.
    pub address: String,
    pub variable: &'static str,
    pub socks: bool,
}

impl NamedProxy {
    pub fn used(&self) -> ProxyUsed {
        let host = self.proxy.host();
        let address = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{}", self.proxy.port())
        } else {
            format!("{host}:{}", self.proxy.port())
        };
        ProxyUsed {
            address: crate::text::sanitize::text(&address, crate::text::sanitize::SHORT),
            variable: self.variable,
            socks: is_socks(&self.proxy),
        }
    }
}

/// "127.0.0.1:3128 (from HTTPS_PROXY)": what `-v` and JSON's `proxy` say.
impl std::fmt::Display for ProxyUsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (from {})", self.address, self.variable)
    }
}

impl ProxyUsed {
    /// "your proxy 127.0.0.1:3 (from HTTPS_PROXY)", the start of a proxy's failure.
    pub fn yours(&self) -> String {
        let kind = if self.socks { "SOCKS5 proxy" } else { "proxy" };
        format!("your {kind} {self}")
    }
}

/// The variables, each name lowercase first as curl reads them.
const HTTPS: &[&str] = &["https_proxy", "HTTPS_PROXY"];
const HTTP: &[&str] = &["http_proxy", "HTTP_PROXY"];
const ALL: &[&str] = &["all_proxy", "ALL_PROXY"];
const NO_PROXY: &[&str] = &["no_proxy", "NO_PROXY"];

/// A proxy variable isitdown cannot use, in one sentence: the variable, its value (password
/// hidden) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={shown}: {fault}; unset it or fix it, isitdown does not go around a proxy")]
pub struct BadProxy {
    variable: &'static str,
    shown: String,
    fault: ProxyFault,
}

/// What is wrong with a proxy's URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyFault {
    #[error("not a valid proxy URL ({0})")]
    NotAUrl(String),
    #[error("proxies reached over TLS (https://) are not supported, use http://")]
    OverTls,
    #[error("only SOCKS5 is supported, write socks5:// or socks5h://")]
    NotSocks5,
    #[error("'{0}://' is not a proxy isitdown can use (http://, socks5:// or socks5h://)")]
    Unknown(String),
    #[error("the proxy URL has no host")]
    NoHost,
}

impl ProxyEnv {
    /// Reads the process environment, refusing a variable that cannot be used.
    pub fn from_env() -> Result<ProxyEnv, BadProxy> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup`, checking every one that is set.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<ProxyEnv, BadProxy> {
        let set = |name: &&str| lookup(name).filter(|v| !v.trim().is_empty());
        let read = |names: &[&'static str]| -> Result<Option<NamedProxy>, BadProxy> {
            let mut chosen = None;
            for &variable in names {
                if let Some(value) = set(&variable) {
                    let proxy = usable(variable, value.trim())?;
                    chosen = chosen.or(Some(NamedProxy { proxy, variable }));
                }
            }
            Ok(chosen)
        };
        Ok(ProxyEnv {
            https: read(HTTPS)?,
            http: read(HTTP)?,
            all: read(ALL)?,
            no_proxy: NO_PROXY.iter().find_map(set),
        })
    }

    /// The proxy for this URL, if any.
    pub fn for_url(&self, url: &Url) -> Option<NamedProxy> {
        let proxy = match url.scheme() {
            "https" => self.https.as_ref().or(self.all.as_ref()),
            _ => self.http.as_ref().or(self.all.as_ref()),
        }?;
        let host = url.host_str()?.trim_matches(['[', ']']);
        if self
            .no_proxy
            .as_deref()
            .is_some_and(|list| bypasses(list, host))
        {
            return None;
        }
        Some(proxy.clone())
    }
}

/// Whether a proxy speaks SOCKS (then the connection to it is not ours to time).
pub fn is_socks(proxy: &Proxy) -> bool {
    matches!(
        proxy.protocol(),
        ProxyProtocol::Socks5 | ProxyProtocol::Socks5h
    )
}

/// The proxy a variable names, if isitdown can use it.
fn usable(variable: &'static str, value: &str) -> Result<Proxy, BadProxy> {
    let refuse = |fault| BadProxy {
        variable,
        shown: crate::text::sanitize::text(&redact_typed(value), crate::text::sanitize::SHORT),
        fault,
    };
    // A bare `host:port` is an HTTP proxy, as curl takes it.
    let full = if value.contains("://") {
        value.to_string()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&full).map_err(|e| refuse(ProxyFault::NotAUrl(e.to_string())))?;
    match url.scheme() {
        "http" | "socks5" | "socks5h" => {}
        "https" => return Err(refuse(ProxyFault::OverTls)),
        "socks4" | "socks4a" | "socks" => return Err(refuse(ProxyFault::NotSocks5)),
        other => return Err(refuse(ProxyFault::Unknown(other.to_string()))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse(ProxyFault::NoHost));
    }
    Proxy::new(&full).map_err(|e| refuse(ProxyFault::NotAUrl(e.to_string())))
}

/// `no_proxy`: `*`, or names and domains (`example.com` and `.example.com` both cover
/// subdomains), or IP addresses; an optional `:port` is ignored.
fn bypasses(list: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let entry = match entry.rsplit_once(':') {
                Some((name, port))
                    if port.bytes().all(|b| b.is_ascii_digit()) && !name.contains(':') =>
                {
                    name
                }
                _ => entry.as_str(),
            };
            let domain = entry
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .trim_matches(['[', ']']);
            host == domain || host.ends_with(&format!(".{domain}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Result<ProxyEnv, BadProxy> {
        ProxyEnv::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    fn proxied(env: &ProxyEnv, url: &str) -> Option<String> {
        env.for_url(&Url::parse(url).unwrap())
            .map(|p| p.used().address)
    }

    #[test]
    fn each_scheme_has_its_own_proxy() {
        let e = env(&[
            ("https_proxy", "http://secure:3128"),
            ("HTTP_PROXY", "plain:3128"),
        ])
        .unwrap();
        assert_eq!(
            proxied(&e, "https://example.com/").as_deref(),
            Some("secure:3128")
        );
        assert_eq!(
            proxied(&e, "http://example.com/").as_deref(),
            Some("plain:3128")
        );
        let only_http = env(&[("http_proxy", "http://plain:3128")]).unwrap();
        assert_eq!(proxied(&only_http, "https://example.com/"), None);
        let all = env(&[("ALL_PROXY", "socks5h://u:hunter2@every:1080")]).unwrap();
        assert_eq!(
            proxied(&all, "https://example.com/").as_deref(),
            Some("every:1080")
        );
        // Named by the variable that chose it, never with its credentials.
        let used = all
            .for_url(&Url::parse("https://example.com/").unwrap())
            .unwrap()
            .used();
        assert_eq!(used.to_string(), "every:1080 (from ALL_PROXY)");
        assert_eq!(
            used.yours(),
            "your SOCKS5 proxy every:1080 (from ALL_PROXY)"
        );
        let v6 = env(&[("https_proxy", "http://[::1]:3128")]).unwrap();
        assert_eq!(
            proxied(&v6, "https://example.com/").as_deref(),
            Some("[::1]:3128")
        );
    }

    #[test]
    fn a_proxy_that_cannot_be_used_is_refused_by_its_variable_name() {
        for (variable, value, words) in [
            ("HTTP_PROXY", "socks4://h:1080", "SOCKS5"),
            ("https_proxy", "ftp://h:21", "'ftp://'"),
            ("ALL_PROXY", "http://[::1", "not a valid proxy URL"),
            ("HTTPS_PROXY", "https://u:hunter2@h:3128", "over TLS"),
            ("all_proxy", "http://:8080", "not a valid proxy URL"),
        ] {
            let error = env(&[(variable, value)]).unwrap_err().to_string();
            assert!(error.starts_with(&format!("{variable}=")), "{error}");
            assert!(error.contains(words), "{error}");
            assert!(!error.contains("hunter2"), "{error}");
        }
        assert!(env(&[("http_proxy", "  ")])
            .unwrap()
            .for_url(&Url::parse("http://x/").unwrap())
            .is_none());
    }

    #[test]
    fn no_proxy_lists_hosts_that_go_direct() {
        assert!(bypasses("*", "anything.example"));
        assert!(bypasses("example.com", "api.example.com"));
        assert!(bypasses(".example.com", "example.com"));
        assert!(bypasses("localhost, 127.0.0.1", "127.0.0.1"));
        assert!(bypasses("internal.example:8443", "internal.example"));
        assert!(bypasses("::1", "::1"));
        assert!(!bypasses("example.com", "notexample.com"));
        assert!(!bypasses("", "example.com"));
    }
}
