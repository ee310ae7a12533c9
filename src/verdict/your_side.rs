//! Just me? The verdict on a failure, in the light of what is known about the user's side: their
//! connection (the reference endpoints), their DNS (public DNS, a DNS filter), a proxy or
//! security software inspecting TLS; and, on an answer, an IP family that did not answer.

use crate::just_me::connectivity::Connectivity;
use crate::just_me::public_dns::Finding;
use crate::probe::dual_stack;
use crate::probe::{Failure, Response};

use super::{Error, Reason, State, Verdict};

/// A network failure: DOWN, unless the cause is on the user's side, their DNS cannot resolve
/// what public DNS can, or their own connection is down (then UNKNOWN).
pub(super) fn failed(
    failure: &Failure,
    connectivity: Option<&Connectivity>,
    host: &str,
) -> Verdict {
    let message = &failure.message;
    let offline = connectivity.filter(|c| !c.online);
    let public_dns = connectivity.and_then(|c| c.public_dns.as_ref());
    let (state, reason) = if failure.on_your_side {
        // The service itself was never asked; a portal or a dead connection adds to that.
        match offline {
            Some(c) => (State::Unknown, format!("{message}; {}", c.note)),
            None => (State::Unknown, message.clone()),
        }
    } else if let Some((finding, sentence)) =
        public_dns.and_then(|p| Some((p.finding, p.sentence(host)?)))
    {
        let state = match finding {
            Finding::Resolved => State::Unknown,
            _ => State::Down,
        };
        (state, sentence)
    } else {
        match connectivity {
            Some(c) if !c.online => (State::Unknown, format!("{message}; {}", c.note)),
            // The connection works, but this machine's resolver broke and no public resolver
            // answered: nothing shows the name resolves for anyone, or fails for everyone.
            Some(_) if failure.resolver_failed => {
                let asked = match public_dns {
                    Some(_) => "no public DNS resolver answered either",
                    None => "no public DNS resolver was asked",
                };
                let host = crate::text::sanitize::for_terminal(host);
                (
                    State::Unknown,
                    format!(
                        "{message}; your DNS resolver failed and {asked}, so nothing shows \
                         whether {host} resolves for anyone else"
                    ),
                )
            }
            Some(_) => (State::Down, format!("{message} (it's not just you)")),
            None => (State::Down, message.clone()),
        }
    };
    Verdict {
        state,
        reason: Reason::said(reason),
        error: Some(Error::from(failure)),
    }
}

/// The family the answer came over (" over IPv4") when the other family did not answer, and
/// what that one did; `None` when there is nothing to say.
pub(super) fn dual_stack(seen: &Response) -> Option<dual_stack::DualStack> {
    dual_stack::diagnose(&seen.attempts, seen.address?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::just_me::connectivity::Note;
    use crate::just_me::public_dns::PublicDns;
    use crate::probe::ErrorKind;

    fn connectivity(online: bool, finding: Option<Finding>) -> Connectivity {
        Connectivity {
            online,
            checked: 1,
            ok: usize::from(online),
            note: if online { Note::Works } else { Note::Down },
            public_dns: finding.map(|finding| PublicDns {
                asked: vec!["http://127.0.0.1:1/dns-query".into()],
                resolved: Some(finding == Finding::Resolved),
                addresses: vec![],
                note: String::new(),
                finding,
            }),
        }
    }

    #[test]
    fn public_dns_tells_your_dns_from_a_name_that_does_not_exist() {
        let failure = Failure::new(ErrorKind::Dns, "could not resolve chatgpt.com");
        let resolved = connectivity(true, Some(Finding::Resolved));
        let verdict = failed(&failure, Some(&resolved), "chatgpt.com");
        assert_eq!(verdict.state, State::Unknown);
        assert_eq!(
            verdict.reason.to_string(),
            "your DNS server cannot resolve chatgpt.com, but public DNS can: it is your DNS"
        );
        let gone = connectivity(true, Some(Finding::DoesNotExist));
        let verdict = failed(&failure, Some(&gone), "chatgpt.com");
        assert_eq!(
            (verdict.state, verdict.reason.to_string().as_str()),
            (
                State::Down,
                "chatgpt.com does not exist in public DNS either"
            )
        );
        let silent = connectivity(false, Some(Finding::Unanswered));
        let verdict = failed(&failure, Some(&silent), "chatgpt.com");
        assert_eq!(verdict.state, State::Unknown);
        assert!(verdict
            .reason
            .to_string()
            .ends_with("your connection seems down"));
    }

    #[test]
    fn a_resolver_that_failed_with_no_public_answer_is_unknown() {
        let failed_resolver = Failure::of_resolver(
            ErrorKind::Dns,
            "could not resolve chatgpt.com: temporary failure in name resolution",
        );
        let unanswered = connectivity(true, Some(Finding::Unanswered));
        let verdict = failed(&failed_resolver, Some(&unanswered), "chatgpt.com");
        assert_eq!(verdict.state, State::Unknown);
        assert_eq!(
            verdict.reason.to_string(),
            "could not resolve chatgpt.com: temporary failure in name resolution; your DNS \
             resolver failed and no public DNS resolver answered either, so nothing shows \
             whether chatgpt.com resolves for anyone else"
        );
        // A definite "no such name" from the same resolver, with the connection working, is
        // still the service's.
        let no_such_name = Failure::new(ErrorKind::Dns, "could not resolve chatgpt.com");
        let verdict = failed(&no_such_name, Some(&unanswered), "chatgpt.com");
        assert_eq!(verdict.state, State::Down);
        // Public DNS that resolves it still says whose DNS it is.
        let resolved = connectivity(true, Some(Finding::Resolved));
        let verdict = failed(&failed_resolver, Some(&resolved), "chatgpt.com");
        assert_eq!(verdict.state, State::Unknown);
        assert!(verdict.reason.to_string().ends_with("it is your DNS"));
    }

    #[test]
    fn a_cause_on_your_side_is_never_down() {
        let blocked = Failure::yours(ErrorKind::Dns, "chatgpt.com resolves to 0.0.0.0");
        let online = connectivity(true, None);
        let verdict = failed(&blocked, Some(&online), "chatgpt.com");
        assert_eq!(
            (verdict.state, verdict.reason.to_string().as_str()),
            (State::Unknown, "chatgpt.com resolves to 0.0.0.0")
        );
        let verdict = failed(&blocked, None, "chatgpt.com");
        assert_eq!(verdict.state, State::Unknown);
    }
}
