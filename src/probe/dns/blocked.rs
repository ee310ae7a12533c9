//! DNS that lies: ad blockers, Pi-holes and parental filters answer a public name they block
//! with `0.0.0.0`, `::` or a loopback address. Such an answer says nothing about the service,
//! and connecting to it would reach this machine (on Linux `0.0.0.0` does), so it is named
//! instead of used.

use std::net::IpAddr;

/// An address no public service has: what a DNS filter answers for a name it blocks.
pub fn is_blocking_address(ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    ip.is_unspecified() || ip.is_loopback()
}

/// The blocking address DNS gave, when it gave nothing else: the name is blocked. When real
/// addresses come too, drop the blocking ones (see [`is_blocking_address`]) and use the rest.
pub fn blocked_answer(addrs: &[IpAddr]) -> Option<IpAddr> {
    let first = *addrs.first()?;
    let all_blocking = addrs.iter().all(|ip| is_blocking_address(*ip));
    all_blocking.then(|| first.to_canonical())
}

/// "chatgpt.com resolves to 0.0.0.0 on your network: blocked by your DNS (an ad blocker or
/// filter?)"
pub fn blocked_sentence(host: &str, answer: IpAddr) -> String {
    format!(
        "{} resolves to {answer} on your network: blocked by your DNS (an ad blocker or filter?)",
        crate::text::sanitize::for_terminal(host)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn answers_of_nothing_but_blocking_addresses_are_blocked() {
        assert_eq!(blocked_answer(&[ip("0.0.0.0")]), Some(ip("0.0.0.0")));
        assert_eq!(
            blocked_answer(&[ip("::"), ip("0.0.0.0")]),
            Some(ip("::")),
            "the first one is named"
        );
        assert_eq!(blocked_answer(&[ip("127.0.0.1")]), Some(ip("127.0.0.1")));
        assert_eq!(blocked_answer(&[ip("127.1.2.3")]), Some(ip("127.1.2.3")));
        assert_eq!(blocked_answer(&[ip("::1")]), Some(ip("::1")));
        assert_eq!(
            blocked_answer(&[ip("::ffff:0.0.0.0")]),
            Some(ip("0.0.0.0")),
            "an IPv4-mapped address is the IPv4 address"
        );
    }

    #[test]
    fn real_addresses_are_not_blocked() {
        assert_eq!(blocked_answer(&[]), None);
        assert_eq!(blocked_answer(&[ip("104.18.32.47")]), None);
        assert_eq!(blocked_answer(&[ip("0.0.0.0"), ip("104.18.32.47")]), None);
        assert_eq!(
            blocked_answer(&[ip("10.0.0.5")]),
            None,
            "private is not lying"
        );
        assert!(is_blocking_address(ip("0.0.0.0")));
        assert!(!is_blocking_address(ip("2606:4700::1")));
    }

    #[test]
    fn the_sentence_names_the_host_and_the_answer() {
        assert_eq!(
            blocked_sentence("chatgpt.com", ip("0.0.0.0")),
            "chatgpt.com resolves to 0.0.0.0 on your network: blocked by your DNS (an ad blocker or filter?)"
        );
        assert!(blocked_sentence("x.com", ip("::")).contains("resolves to :: on"));
    }
}
