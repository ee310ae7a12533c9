//! When one IP family answers and the other does not: the service is fine, and the user learns
//! that one of their paths (most often IPv6) may be broken.

use std::net::SocketAddr;
use std::time::Duration;

use super::eyeballs::{Attempt, AttemptOutcome};

/// The family that answered, and what the other one did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DualStack {
    /// "IPv4" or "IPv6": the family the answer came over.
    pub answered_over: &'static str,
    /// "IPv6 [2606:4700::1]:443 did not answer within 250 ms (your IPv6 path may be broken)"
    pub note: String,
}

fn family(address: SocketAddr) -> &'static str {
    if address.is_ipv6() {
        "IPv6"
    } else {
        "IPv4"
    }
}

/// What the other family's first failed attempt says, when the answer came over `winner`'s
/// family and no attempt of the other family connected.
pub fn diagnose(attempts: &[Attempt], winner: SocketAddr) -> Option<DualStack> {
    let other = |a: &&Attempt| a.address.is_ipv6() != winner.is_ipv6();
    if attempts
        .iter()
        .filter(other)
        .any(|a| a.outcome == AttemptOutcome::Connected)
    {
        return None;
    }
    let failed = attempts.iter().find(other)?;
    let them = family(failed.address);
    let path = format!("(your {them} path may be broken)");
    let what = match failed.outcome {
        AttemptOutcome::Refused => "refused the connection".to_string(),
        AttemptOutcome::Unreachable => format!("is unreachable {path}"),
        AttemptOutcome::Timeout | AttemptOutcome::Abandoned | AttemptOutcome::Connected => format!(
            "did not answer within {} ms {path}",
            whole_tens(failed.elapsed)
        ),
    };
    Some(DualStack {
        answered_over: family(winner),
        note: format!("{them} {} {what}", failed.address),
    })
}

/// Milliseconds rounded down to ten: a stagger of 250 ms reads as 250, not 251.
fn whole_tens(elapsed: Duration) -> u128 {
    elapsed.as_millis() / 10 * 10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(address: &str, outcome: AttemptOutcome, millis: u64) -> Attempt {
        Attempt {
            address: address.parse().expect("test address"),
            outcome,
            elapsed: Duration::from_millis(millis),
        }
    }

    #[test]
    fn a_dead_ipv6_address_is_named_next_to_the_ipv4_answer() {
        let attempts = [
            attempt("[2606:4700::1]:443", AttemptOutcome::Abandoned, 253),
            attempt("104.18.32.47:443", AttemptOutcome::Connected, 12),
        ];
        let found = diagnose(&attempts, attempts[1].address).expect("a note");
        assert_eq!(found.answered_over, "IPv4");
        assert_eq!(
            found.note,
            "IPv6 [2606:4700::1]:443 did not answer within 250 ms (your IPv6 path may be broken)"
        );
    }

    #[test]
    fn nothing_to_say_when_the_other_family_also_works_or_was_not_tried() {
        let one = [attempt("127.0.0.1:80", AttemptOutcome::Connected, 1)];
        assert_eq!(diagnose(&one, one[0].address), None);
        // A redirect to another host: its IPv4 address answered where the first one's did not.
        let both = [
            attempt("127.0.0.1:80", AttemptOutcome::Abandoned, 250),
            attempt("[::1]:80", AttemptOutcome::Connected, 1),
            attempt("127.0.0.2:80", AttemptOutcome::Connected, 1),
        ];
        assert_eq!(diagnose(&both, both[1].address), None);
        let refused = [
            attempt("127.0.0.1:80", AttemptOutcome::Refused, 0),
            attempt("[::1]:80", AttemptOutcome::Connected, 1),
        ];
        let found = diagnose(&refused, refused[1].address).expect("a note");
        assert_eq!(found.note, "IPv4 127.0.0.1:80 refused the connection");
    }
}
