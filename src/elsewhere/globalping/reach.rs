//! Which targets the probes elsewhere can reach at all. Decided by the name and the literal
//! address only, never by resolving: a public name pinned to a local address (`--resolve`,
//! `/etc/hosts`) is still asked, since the probes resolve it themselves.

use std::net::IpAddr;

use url::{Host, Url};

use crate::probe::dns::locality::{self, LocalName};
use crate::text::sanitize::for_terminal;

/// Why the probes elsewhere cannot reach a target, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    #[error("a URL without a host cannot be checked from elsewhere")]
    NoHost,
    #[error("{0} is a local name, which probes elsewhere cannot reach")]
    LocalName(String),
    #[error("{0} has no dot: a name only your network knows, which probes elsewhere cannot reach")]
    NoDot(String),
    #[error("{0} is a {1} address, which probes elsewhere cannot reach")]
    LocalAddress(IpAddr, &'static str),
}

/// `Ok` when the probes elsewhere could reach the URL's host.
pub fn reachable_from_internet(url: &Url) -> Result<(), Unreachable> {
    match url.host() {
        Some(Host::Ipv4(ip)) => address(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => address(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => domain(name),
        None => Err(Unreachable::NoHost),
    }
}

fn domain(name: &str) -> Result<(), Unreachable> {
    let shown = || for_terminal(name.trim_end_matches('.'));
    match locality::local_name(name) {
        Some(LocalName::LocalSuffix) => Err(Unreachable::LocalName(shown())),
        Some(LocalName::NoDot) => Err(Unreachable::NoDot(shown())),
        None => Ok(()),
    }
}

fn address(ip: IpAddr) -> Result<(), Unreachable> {
    match locality::local_address_kind(ip) {
        Some(kind) => Err(Unreachable::LocalAddress(ip, kind)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reachable(url: &str) -> Result<(), String> {
        reachable_from_internet(&Url::parse(url).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn public_names_and_addresses_are_asked() {
        for url in [
            "https://chatgpt.com/",
            "https://example.com.:8443/health",
            "http://8.8.8.8/",
            "http://[2606:4700:4700::1111]/",
            "https://bücher.example/",
            "https://localhost.example.com/",
        ] {
            assert_eq!(reachable(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn local_names_and_addresses_are_not_asked_and_say_why() {
        let cases = [
            ("http://localhost:3000/", "local name"),
            ("http://LOCALHOST./", "local name"),
            ("http://app.localhost/", "local name"),
            ("http://printer.local/", "local name"),
            ("http://db.internal/", "local name"),
            ("http://nas.home.arpa/", "local name"),
            ("http://intranet/", "no dot"),
            ("http://127.0.0.1:8080/", "loopback"),
            ("http://10.1.2.3/", "private"),
            ("http://172.16.0.1/", "private"),
            ("http://192.168.1.1/", "private"),
            ("http://100.64.0.1/", "private"),
            ("http://169.254.169.254/", "link-local"),
            ("http://0.0.0.0/", "unspecified"),
            ("http://255.255.255.255/", "broadcast"),
            ("http://[::1]/", "loopback"),
            ("http://[::]/", "unspecified"),
            ("http://[fd00::1]/", "private"),
            ("http://[fe80::1]/", "link-local"),
            ("http://[::ffff:127.0.0.1]/", "loopback"),
        ];
        for (url, why) in cases {
            let error = reachable(url).unwrap_err();
            assert!(error.contains(why), "{url}: {error}");
            assert!(error.contains("cannot reach"), "{url}: {error}");
        }
    }
}
