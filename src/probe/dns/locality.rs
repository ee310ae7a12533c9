//! Where a host lives: on the internet, or only on this machine and the user's own network.
//! Three questions rest on it, and must agree: whether a DNS answer of `0.0.0.0` is a filter at
//! work (only for public names), whether a failure calls for the connection check (only for
//! public hosts), and whether probes elsewhere can reach a target (only public ones).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Suffixes of names that only mean something on a local network or on this machine.
const LOCAL_SUFFIXES: [&str; 5] = ["localhost", "local", "internal", "lan", "home.arpa"];

/// Why a name is not one the public DNS knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalName {
    /// `localhost`, or under a local-only suffix such as `.local` or `.lan`.
    LocalSuffix,
    /// A single label (`intranet`): only a search domain on the user's network makes sense of it.
    NoDot,
}

/// What kind of local address an address is; `None` for a public one.
pub fn local_address_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_kind(v4),
            None => v6_kind(v6),
        },
    }
}

pub fn is_public_address(ip: IpAddr) -> bool {
    local_address_kind(ip).is_none()
}

/// Why a DNS name (not an address) is local; `None` for a public one. A trailing dot and
/// letter case do not matter.
pub fn local_name(name: &str) -> Option<LocalName> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let under_local_suffix = LOCAL_SUFFIXES.iter().any(|suffix| {
        name == *suffix
            || name
                .strip_suffix(suffix)
                .is_some_and(|rest| rest.ends_with('.'))
    });
    if under_local_suffix {
        Some(LocalName::LocalSuffix)
    } else if !name.contains('.') {
        Some(LocalName::NoDot)
    } else {
        None
    }
}

/// A name the public DNS knows: not an address (bracketed or not), and not local.
pub fn is_public_name(host: &str) -> bool {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    !host.trim_end_matches('.').is_empty()
        && literal.parse::<IpAddr>().is_err()
        && local_name(host).is_none()
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() || (a == 100 && (b & 0xc0) == 64) {
        // RFC 1918, and the carrier-grade NAT range 100.64.0.0/10.
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113)) {
        // TEST-NET-1, -2 and -3.
        Some("documentation")
    } else if a == 198 && (b & 0xfe) == 18 {
        Some("benchmarking")
    } else if (a, b, c) == (192, 0, 0) || (a, b, c) == (192, 88, 99) {
        // IETF protocol assignments, and the retired 6to4 relay anycast.
        Some("reserved")
    } else if (a & 0xf0) == 224 {
        Some("multicast")
    } else if (a & 0xf0) == 240 {
        Some("reserved")
    } else {
        None
    }
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    let [first, second, third, fourth, ..] = ip.segments();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if (first & 0xfe00) == 0xfc00 {
        Some("private")
    } else if (first & 0xffc0) == 0xfe80 {
        Some("link-local")
    } else if (first, second) == (0x2001, 0x0db8) {
        Some("documentation")
    } else if (first & 0xff00) == 0xff00 {
        Some("multicast")
    } else if (first, second) == (0x2001, 0) || first == 0x2002 {
        // Teredo and 6to4: tunnels, not services.
        Some("reserved")
    } else if (first, second, third) == (0x64, 0xff9b, 1) {
        // Local-use IPv4/IPv6 translation.
        Some("reserved")
    } else if (first, second, third, fourth) == (0x100, 0, 0, 0) {
        // The discard-only prefix.
        Some("reserved")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn addresses_are_named_by_their_kind() {
        for (address, kind) in [
            ("127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("192.168.1.1", Some("private")),
            ("100.64.0.1", Some("private")),
            ("169.254.169.254", Some("link-local")),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("unspecified")),
            ("255.255.255.255", Some("broadcast")),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("fd00::1", Some("private")),
            ("fe80::1", Some("link-local")),
            ("::ffff:192.168.1.1", Some("private")),
            ("192.0.2.7", Some("documentation")),
            ("198.51.100.1", Some("documentation")),
            ("203.0.113.255", Some("documentation")),
            ("198.18.0.1", Some("benchmarking")),
            ("198.19.255.1", Some("benchmarking")),
            ("198.20.0.1", None),
            ("192.0.0.8", Some("reserved")),
            ("192.88.99.1", Some("reserved")),
            ("224.0.0.1", Some("multicast")),
            ("239.255.255.250", Some("multicast")),
            ("240.0.0.1", Some("reserved")),
            ("2001:db8::1", Some("documentation")),
            ("2001::1", Some("reserved")),
            ("2002:c000:204::1", Some("reserved")),
            ("64:ff9b:1::1", Some("reserved")),
            ("64:ff9b::8.8.8.8", None),
            ("100::1", Some("reserved")),
            ("100:0:0:1::1", None),
            ("ff02::1", Some("multicast")),
            ("2001:4860:4860::8888", None),
            ("8.8.8.8", None),
            ("100.128.0.1", None),
            ("2606:4700:4700::1111", None),
        ] {
            assert_eq!(local_address_kind(ip(address)), kind, "{address}");
        }
    }

    #[test]
    fn local_names_say_why() {
        for name in [
            "localhost",
            "LOCALHOST.",
            "app.localhost",
            "printer.local",
            "db.internal",
            "nas.lan",
            "nas.home.arpa",
        ] {
            assert_eq!(local_name(name), Some(LocalName::LocalSuffix), "{name}");
        }
        assert_eq!(local_name("intranet"), Some(LocalName::NoDot));
        for name in [
            "chatgpt.com",
            "Example.ORG.",
            "localhost.example.com",
            "clan.example",
            "notlocal.com",
        ] {
            assert_eq!(local_name(name), None, "{name}");
        }
    }

    #[test]
    fn public_names_are_neither_local_nor_addresses() {
        assert!(is_public_name("chatgpt.com"));
        assert!(is_public_name("api.github.com."));
        for not_public in ["", ".", "127.0.0.1", "[::1]", "::1", "nas.lan", "intranet"] {
            assert!(!is_public_name(not_public), "{not_public}");
        }
    }
}
