//! `--resolve HOST:PORT:ADDR[,ADDR...]`, as curl reads it: these addresses for that host and
//! port instead of asking DNS. People use it to check one backend or CDN node.
//!
//! As in curl: IPv6 addresses go in brackets (`[2001:db8::1]`), the flag can be repeated, a
//! later pin for the same host and port replaces an earlier one, `*` as HOST pins every host on
//! that port unless the host has a pin of its own, and a leading `+` is accepted.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use crate::exit::BadInput;
use crate::text::sanitize::for_terminal;

const SHAPE: &str = "HOST:PORT:ADDR[,ADDR...]";

/// One `--resolve` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// Lowercase ASCII (IDNA), without a trailing dot; `*` for every host.
    pub host: String,
    pub port: u16,
    /// In the order given, never empty.
    pub addrs: Vec<IpAddr>,
}

impl FromStr for Pin {
    type Err = BadInput;

    /// Errors are one sentence naming the value, ready for the user.
    fn from_str(spec: &str) -> Result<Pin, BadInput> {
        let wrong = |why: String| BadInput(format!("--resolve '{}': {why}", for_terminal(spec)));
        let unshaped = || wrong(format!("expected {SHAPE}"));
        if spec.starts_with('-') {
            return Err(wrong(format!(
                "removing a pin is not supported here; give {SHAPE}"
            )));
        }
        let rest = spec.strip_prefix('+').unwrap_or(spec);
        // A pin that could never match is a mistake: said now, not silently never used.
        if rest.contains("://") {
            return Err(wrong(
                "HOST is a host name alone: leave out the scheme (such as https://)".into(),
            ));
        }
        let (host, rest) = split_host(rest).ok_or_else(unshaped)?;
        let (port, addrs) = rest.split_once(':').ok_or_else(unshaped)?;
        if host.trim().is_empty() || addrs.is_empty() {
            return Err(unshaped());
        }
        if host.chars().any(char::is_whitespace) {
            return Err(wrong(format!(
                "'{}' holds a space, which no host name does",
                for_terminal(host)
            )));
        }
        if host != "*" && host.contains('*') {
            return Err(wrong(format!(
                "'*' pins every host only on its own; '{}' would never match",
                for_terminal(host)
            )));
        }
        let host = normalize(host)
            .ok_or_else(|| wrong(format!("'{}' is not a host name", for_terminal(host))))?;
        let port = match port.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => {
                return Err(wrong(format!(
                    "'{}' is not a port (1 to 65535)",
                    for_terminal(port)
                )))
            }
        };
        let addrs = addrs
            .split(',')
            .map(|text| {
                address(text.trim())
                    .ok_or_else(|| wrong(format!("'{}' is not an IP address", for_terminal(text))))
            })
            .collect::<Result<Vec<IpAddr>, BadInput>>()?;
        Ok(Pin { host, port, addrs })
    }
}

/// Every `--resolve` of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins(Vec<Pin>);

impl Pins {
    /// Parses every value; the first wrong one is the error.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Pins, BadInput> {
        specs
            .iter()
            .map(|spec| spec.as_ref().parse())
            .collect::<Result<Vec<Pin>, BadInput>>()
            .map(Pins)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The addresses pinned for this host (as in the URL) and port, in the order given.
    pub fn pinned(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        let host = normalize(host)?;
        let latest = |wanted: &str| {
            self.0
                .iter()
                .rev()
                .find(|pin| pin.port == port && pin.host == wanted)
        };
        let pin = latest(&host).or_else(|| latest("*"))?;
        Some(
            pin.addrs
                .iter()
                .map(|ip| SocketAddr::new(*ip, port))
                .collect(),
        )
    }
}

/// The host and what follows its `:`; a bracketed host may hold colons of its own.
fn split_host(spec: &str) -> Option<(&str, &str)> {
    if let Some(inner) = spec.strip_prefix('[') {
        let (host, rest) = inner.split_once(']')?;
        Some((host, rest.strip_prefix(':')?))
    } else {
        spec.split_once(':')
    }
}

/// Hosts compare as the URL parser writes them: IDNA ASCII, lowercase, no trailing dot, no
/// brackets around an IPv6 literal.
fn normalize(host: &str) -> Option<String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = host.strip_suffix('.').unwrap_or(host);
    if host == "*" {
        return Some(host.to_string());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(ip.to_string());
    }
    let ascii = idna::domain_to_ascii(host).ok()?;
    // Only a name a URL can hold can ever be looked up.
    match url::Host::parse(&ascii) {
        Ok(url::Host::Domain(domain)) if !domain.is_empty() && domain == ascii => Some(ascii),
        _ => None,
    }
}

/// An address as curl takes it: IPv4, or IPv6 with or without brackets.
fn address(text: &str) -> Option<IpAddr> {
    match text.strip_prefix('[') {
        Some(inner) => inner
            .strip_suffix(']')?
            .parse::<Ipv6Addr>()
            .ok()
            .map(IpAddr::V6),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(spec: &str) -> Pin {
        spec.parse().expect("a valid pin")
    }

    fn at(texts: &[&str]) -> Option<Vec<SocketAddr>> {
        Some(
            texts
                .iter()
                .map(|t| t.parse().expect("test address"))
                .collect(),
        )
    }

    #[test]
    fn curl_shapes_parse() {
        assert_eq!(
            pin("example.com:443:127.0.0.1"),
            Pin {
                host: "example.com".into(),
                port: 443,
                addrs: vec!["127.0.0.1".parse().expect("ip")],
            }
        );
        let both = pin("Example.COM.:8443:[::1],127.0.0.2");
        assert_eq!(both.host, "example.com");
        assert_eq!(both.addrs.len(), 2);
        assert!(both.addrs[0].is_ipv6());
        assert_eq!(pin("+a.test:80:10.0.0.1").host, "a.test");
        assert_eq!(pin("*:443:127.0.0.1").host, "*");
        assert_eq!(pin("bücher.test:80:127.0.0.1").host, "xn--bcher-kva.test");
        assert_eq!(
            pin("a.test:80:::1").addrs,
            vec![IpAddr::from(Ipv6Addr::LOCALHOST)]
        );
        assert_eq!(pin("[::1]:80:127.0.0.1").host, "::1");
    }

    #[test]
    fn wrong_values_are_one_sentence_naming_them() {
        let error = |spec: &str| spec.parse::<Pin>().expect_err("invalid").0;
        assert_eq!(
            error("example.com:443"),
            "--resolve 'example.com:443': expected HOST:PORT:ADDR[,ADDR...]"
        );
        assert_eq!(
            error("example.com:https:127.0.0.1"),
            "--resolve 'example.com:https:127.0.0.1': 'https' is not a port (1 to 65535)"
        );
        assert!(error("a.test:0:127.0.0.1").contains("'0' is not a port"));
        assert!(error("a.test:70000:127.0.0.1").contains("'70000' is not a port"));
        assert_eq!(
            error("a.test:443:127.0.0.1,nope"),
            "--resolve 'a.test:443:127.0.0.1,nope': 'nope' is not an IP address"
        );
        assert!(error("a.test:443:[127.0.0.1]").contains("not an IP address"));
        assert!(error("a.test:443:").contains("expected HOST:PORT"));
        assert!(error(":443:127.0.0.1").contains("expected HOST:PORT"));
        assert!(error("a.test:443:127.0.0.1,").contains("'' is not an IP address"));
        assert!(error("-a.test:443").contains("removing a pin"));
        assert!(!error("a\x1b[2J.test:443").contains('\x1b'));
        // Pins that could never match are refused, each with its reason.
        assert_eq!(
            error("a b.test:443:127.0.0.1"),
            "--resolve 'a b.test:443:127.0.0.1': 'a b.test' holds a space, which no host name does"
        );
        assert_eq!(
            error("*.a.test:443:127.0.0.1"),
            "--resolve '*.a.test:443:127.0.0.1': '*' pins every host only on its own; \
             '*.a.test' would never match"
        );
        assert!(error("https://a.test:443:127.0.0.1").contains("leave out the scheme"));
        assert!(error("[https://a.test]:443:127.0.0.1").contains("leave out the scheme"));
        assert!(error(" :443:127.0.0.1").contains("expected HOST:PORT"));
        assert!(error("[]:443:127.0.0.1").contains("expected HOST:PORT"));
        assert!(error(".:443:127.0.0.1").contains("is not a host name"));
        assert!(error("a/b.test:443:127.0.0.1").contains("is not a host name"));
        for message in [error("x"), error("a.test:1:x"), error("[::1:80:1.2.3.4")] {
            assert_eq!(message.lines().count(), 1);
        }
    }

    #[test]
    fn lookups_match_host_and_port_and_the_latest_pin_wins() {
        let pins = Pins::parse(&[
            "a.test:443:127.0.0.1",
            "a.test:443:[::1],127.0.0.2",
            "a.test:80:127.0.0.3",
            "*:443:127.0.0.9",
        ])
        .expect("valid pins");
        assert_eq!(
            pins.pinned("a.test", 443),
            at(&["[::1]:443", "127.0.0.2:443"])
        );
        assert_eq!(pins.pinned("A.Test.", 80), at(&["127.0.0.3:80"]));
        assert_eq!(pins.pinned("b.test", 443), at(&["127.0.0.9:443"]));
        assert_eq!(pins.pinned("b.test", 8080), None);
        assert!(Pins::default().pinned("a.test", 443).is_none());
        assert!(Pins::default().is_empty());
    }

    #[test]
    fn the_first_wrong_value_is_the_error() {
        let error = Pins::parse(&["a.test:443:127.0.0.1", "bad", "worse"]).expect_err("bad");
        assert!(error.0.starts_with("--resolve 'bad'"));
    }
}
