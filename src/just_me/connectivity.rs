//! Is it just me? When a public target fails at the network level, a few well-known reference
//! endpoints of several vendors are asked at once, each for its exact expected answer; and when
//! DNS could not resolve its name, public DNS is asked beside them (see `public_dns`).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::just_me::public_dns::{self, PublicDns};
use crate::probe::dns::locality;
use crate::probe::{self, Client, Request};

/// References get this long at most, and never past the verdict's own deadline: "a second or
/// two" is what a person waits for.
pub const REFERENCE_DEADLINE: Duration = Duration::from_secs(2);
/// Expected bodies are short; anything longer is not the expected answer.
const MAX_REFERENCE_BODY: usize = 4096;

/// A reference endpoint and what it must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub url: String,
    /// `None`: any 2xx.
    pub status: Option<u16>,
    /// `None`: any body.
    pub body: Option<String>,
}

/// The operating systems' own captive-portal checks: plain HTTP, so that a portal can show itself.
pub fn default_references() -> Vec<Reference> {
    let exact = |url: &str, status: u16, body: &str| Reference {
        url: url.into(),
        status: Some(status),
        body: Some(body.into()),
    };
    vec![
        exact("http://connectivitycheck.gstatic.com/generate_204", 204, ""),
        exact("http://cp.cloudflare.com/generate_204", 204, ""),
        exact(
            "http://detectportal.firefox.com/success.txt",
            200,
            "success",
        ),
        exact(
            "http://www.msftconnecttest.com/connecttest.txt",
            200,
            "Microsoft Connect Test",
        ),
        exact(
            "http://captive.apple.com/hotspot-detect.html",
            200,
            "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>",
        ),
    ]
}

/// What the references said.
#[derive(Debug, Clone, PartialEq)]
pub struct Connectivity {
    /// At least one reference answered exactly as expected.
    pub online: bool,
    pub checked: usize,
    /// How many answered exactly as expected.
    pub ok: usize,
    pub note: Note,
    /// What public DNS said about the target's name, when it was asked.
    pub public_dns: Option<PublicDns>,
}

/// What the references tell about the user's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    Works,
    /// Something answered in the references' place: a captive portal or a proxy.
    Intercepted,
    Down,
}

impl Note {
    /// The finding alone, without what it means for a failed target.
    pub fn finding(self) -> &'static str {
        match self {
            Note::Works => "your own connection works",
            Note::Intercepted => {
                "something on your network intercepts traffic (captive portal or proxy)"
            }
            Note::Down => "your connection seems down",
        }
    }
}

/// "it's not just you: your own connection works", and the others as they are.
impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == Note::Works {
            f.write_str("it's not just you: ")?;
        }
        f.write_str(self.finding())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReferenceAnswer {
    Right,
    /// Something answered, but not what the reference answers: a portal or a proxy.
    Wrong,
    Silent,
}

/// A job to run beside the others; the engine decides on which worker.
pub type Job = Box<dyn FnOnce() + Send>;

/// When a check that starts now must be done: [`REFERENCE_DEADLINE`] from now, and never after
/// the verdict it is for is due.
pub fn until(verdict_due: Instant) -> Instant {
    (Instant::now() + REFERENCE_DEADLINE).min(verdict_due)
}

/// The references being asked: their answers gathered as they come, for whoever waits.
#[derive(Debug)]
pub struct Asking {
    answers: Mutex<Vec<ReferenceAnswer>>,
    came: Condvar,
    asked: usize,
    until: Instant,
}

/// Asks every reference at once, each as a job given to `spawn` and each within `until`, and
/// returns at once: [`Asking::wait`] gathers the answers.
pub fn ask_references(
    client: &Client,
    references: &[Reference],
    until: Instant,
    spawn: &dyn Fn(Job),
) -> Arc<Asking> {
    let asking = Arc::new(Asking {
        answers: Mutex::new(Vec::with_capacity(references.len())),
        came: Condvar::new(),
        asked: references.len(),
        until,
    });
    let deadline = until.saturating_duration_since(Instant::now());
    for reference in references {
        let (client, reference, asking) = (client.clone(), reference.clone(), asking.clone());
        // Not joined: a reference still asking when the answer is known is simply not waited for.
        spawn(Box::new(move || {
            let answer = ask(&client, &reference, deadline);
            asking.lock().push(answer);
            asking.came.notify_all();
        }));
    }
    asking
}

impl Asking {
    fn lock(&self) -> MutexGuard<'_, Vec<ReferenceAnswer>> {
        self.answers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the references said by `by`, or by their own deadline if it comes sooner: the first
    /// right answer ends the wait, since one is enough to know the connection works.
    pub fn wait(&self, by: Instant) -> Connectivity {
        let until = by.min(self.until);
        let mut answers = self.lock();
        while answers.len() < self.asked && !answers.contains(&ReferenceAnswer::Right) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            answers = self
                .came
                .wait_timeout(answers, left)
                .map_or_else(|p| p.into_inner().0, |(a, _)| a);
        }
        // The answers up to the first right one, as they came: the wait ends there, whatever
        // came in while the waiter woke.
        let heard = match answers.iter().position(|&a| a == ReferenceAnswer::Right) {
            Some(first_right) => &answers[..=first_right],
            None => &answers[..],
        };
        let ok = heard
            .iter()
            .filter(|&&a| a == ReferenceAnswer::Right)
            .count();
        let note = if ok > 0 {
            Note::Works
        } else if heard.contains(&ReferenceAnswer::Wrong) {
            Note::Intercepted
        } else {
            Note::Down
        };
        Connectivity {
            online: ok > 0,
            checked: self.asked,
            ok,
            note,
            public_dns: None,
        }
    }
}

/// Asks the public DNS-over-HTTPS `resolvers` for `name`, every question within `until`;
/// `None` when there are none to ask.
pub fn ask_public_dns(
    client: &Client,
    resolvers: &[String],
    name: &str,
    until: Instant,
) -> Option<PublicDns> {
    let deadline = until.saturating_duration_since(Instant::now());
    public_dns::ask(resolvers, name, deadline, &|request| {
        probe::send(client, request)
    })
}

fn ask(client: &Client, reference: &Reference, deadline: Duration) -> ReferenceAnswer {
    let Ok(request) = Request::get(&reference.url, deadline, MAX_REFERENCE_BODY) else {
        return ReferenceAnswer::Silent;
    };
    let response = probe::send(client, &request);
    let Ok((status, body)) = response.whole(MAX_REFERENCE_BODY) else {
        return ReferenceAnswer::Silent;
    };
    let status_right = match reference.status {
        Some(expected) => status == expected,
        None => (200..300).contains(&status),
    };
    let body_right = match &reference.body {
        Some(expected) => String::from_utf8_lossy(body).trim_end() == expected.trim_end(),
        None => true,
    };
    if status_right && body_right {
        ReferenceAnswer::Right
    } else {
        ReferenceAnswer::Wrong
    }
}

/// Only public hosts get the check: a failing intranet or loopback server says nothing about
/// the user's connection, nor does a public name that resolved to a local address.
pub fn is_public(url: &url::Url, resolved: Option<std::net::IpAddr>) -> bool {
    use std::net::IpAddr;
    match url.host() {
        Some(url::Host::Ipv4(ip)) => locality::is_public_address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => locality::is_public_address(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            locality::is_public_name(name) && resolved.is_none_or(locality::is_public_address)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(url: &str) -> bool {
        is_public(&url::Url::parse(url).unwrap(), None)
    }

    #[test]
    fn only_public_hosts_are_checked() {
        assert!(public("https://chatgpt.com/"));
        assert!(public("http://8.8.8.8/"));
        for local in [
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://printer.local/",
            "http://10.1.2.3/",
            "http://192.168.1.1/",
            "http://172.16.0.1/",
            "http://169.254.1.1/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://app.localhost/",
            "http://100.64.0.1/",
            "http://nas.lan/",
            "http://db.internal/",
            "http://intranet/",
        ] {
            assert!(!public(local), "{local}");
        }
        let intranet = url::Url::parse("https://intranet.example/").unwrap();
        assert!(!is_public(&intranet, Some("10.0.0.5".parse().unwrap())));
    }
}
