//! A test seam, not a feature: the hidden command-line flag `--test-dns SPEC` makes the resolver
//! answer fixed addresses as if DNS had given them, so that the end-to-end tests can show a DNS
//! server that lies (a blocked name answered with `0.0.0.0`) or fails (no such name) without
//! asking any real one.
//!
//! Unlike `--resolve`, these answers go through everything a DNS answer goes through: they are
//! timed as DNS and checked for blocking addresses. While it is given, it is the whole DNS: a
//! name it does not list has no address, so a test can never reach a real DNS server by mistake.
//!
//! It is a flag rather than an environment variable so that nothing a user's environment holds
//! can replace their DNS: only a command line that names it does. The flag is hidden from the
//! help, the completion scripts, the man page and `[defaults]` (see `cli::command`).
//!
//! The value: `NAME=ADDR[,ADDR...]` entries separated by `;`; `NAME=` (no address) is a name
//! that does not exist; `NAME=fail` is a name the resolver itself fails on (as getaddrinfo's
//! EAI_AGAIN: no server answered); `NAME=hang` is a name whose lookup never ends (a resolver
//! that drops the question); an empty value: no name exists.

use std::net::IpAddr;

/// Fixed answers, by name (lowercase, no trailing dot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixedDns(Vec<(String, Fixed)>);

/// What the seam does for one name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fixed {
    Addresses(Vec<IpAddr>),
    /// The resolver itself fails.
    Fails,
    /// The lookup never ends.
    Hangs,
}

/// An entry that is not `NAME=ADDR[,ADDR...]`, as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not NAME=ADDR[,ADDR...]")]
pub struct BadEntry(String);

impl FixedDns {
    pub fn parse(text: &str) -> Result<FixedDns, BadEntry> {
        let mut answers = Vec::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let wrong = || BadEntry(crate::text::sanitize::for_terminal(entry));
            let (name, addrs) = entry.split_once('=').ok_or_else(wrong)?;
            match addrs.trim() {
                "fail" => {
                    answers.push((normal(name), Fixed::Fails));
                    continue;
                }
                "hang" => {
                    answers.push((normal(name), Fixed::Hangs));
                    continue;
                }
                _ => {}
            }
            let addrs = addrs
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| a.parse::<IpAddr>().map_err(|_| wrong()))
                .collect::<Result<Vec<_>, _>>()?;
            answers.push((normal(name), Fixed::Addresses(addrs)));
        }
        Ok(FixedDns(answers))
    }

    /// What DNS "answers" for `host`: its addresses, or none when the name does not exist.
    pub fn answer(&self, host: &str) -> Vec<IpAddr> {
        let host = normal(host);
        self.0
            .iter()
            .find_map(|(name, fixed)| match fixed {
                Fixed::Addresses(addrs) if *name == host => Some(addrs.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Whether the resolver itself fails on `host`, rather than answering.
    pub fn fails(&self, host: &str) -> bool {
        self.is(host, &Fixed::Fails)
    }

    /// Whether the lookup of `host` never ends.
    pub fn hangs(&self, host: &str) -> bool {
        self.is(host, &Fixed::Hangs)
    }

    fn is(&self, host: &str, what: &Fixed) -> bool {
        let host = normal(host);
        self.0
            .iter()
            .any(|(name, fixed)| *name == host && fixed == what)
    }
}

fn normal(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_answer_their_addresses_and_others_nothing() {
        let dns = FixedDns::parse("Chatgpt.com.=0.0.0.0, ::1; gone.example=").expect("valid");
        assert_eq!(
            dns.answer("chatgpt.com"),
            vec!["0.0.0.0".parse::<IpAddr>().unwrap(), "::1".parse().unwrap()]
        );
        assert!(dns.answer("gone.example").is_empty());
        assert!(dns.answer("other.example").is_empty());
        assert!(FixedDns::parse("x.example=nope").is_err());
        assert!(FixedDns::parse("x.example").is_err());
        let failing = FixedDns::parse("down.example=fail").expect("valid");
        assert!(failing.fails("down.example"));
        assert!(failing.answer("down.example").is_empty());
        assert!(!dns.fails("gone.example"));
        let hanging = FixedDns::parse("slow.example=hang").expect("valid");
        assert!(hanging.hangs("slow.example") && !hanging.fails("slow.example"));
        assert!(!failing.hangs("down.example"));
    }
}
