//! From the first URL to the answer: the one loop every request goes through. Each
//! redirect is checked before it is followed: a valid http(s) location, not seen before, and
//! within the limit.

use std::collections::HashSet;

use url::Url;

use super::answer::Answer;
use super::auth::OwnHeaders;
use super::failure::{ErrorKind, Failure};
use super::transport::session::Session;
use super::{Method, Redirect};
use crate::text::redact::{redact, redact_typed};
use crate::text::sanitize::{self, for_terminal};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// How to walk from the first URL to the answer.
pub(super) struct Route<'a> {
    pub url: Url,
    pub method: Method,
    /// What a POST sends.
    pub body: Option<&'a [u8]>,
    /// A HEAD refused with 405 or 501 is asked again with GET.
    pub head_falls_back_to_get: bool,
    /// Whether redirects are followed, or the redirect is the answer.
    pub follow_redirects: bool,
    /// The request's own credentials and headers, kept to the first URL's origin.
    pub own_headers: &'a OwnHeaders,
    /// Every header of each answer, or only those of note (see `Answer::of`).
    pub all_headers: bool,
}

/// Where the walk ended.
pub(super) struct Walk {
    /// The final response, or why there is none.
    pub end: Result<Arrival, Failure>,
    /// The redirects followed, in order, passwords redacted.
    pub redirects: Vec<Redirect>,
    /// The answer of the last redirect met, which stands when the walk fails after it.
    pub last_redirect: Option<Answer>,
}

/// The final response, the method that asked for it, and its answer in brief.
pub(super) struct Arrival {
    pub response: ureq::http::Response<ureq::Body>,
    pub method: Method,
    pub answer: Answer,
}

/// Sends the request, and again for every redirect worth following.
pub(super) fn walk(session: &Session, route: Route) -> Walk {
    let Route {
        mut url,
        mut method,
        mut body,
        head_falls_back_to_get: mut head_may_fall_back,
        follow_redirects,
        own_headers,
        all_headers,
    } = route;
    let mut seen: HashSet<String> = HashSet::from([url.to_string()]);
    let mut redirects = Vec::new();
    let mut last_redirect = None;
    let end = loop {
        let headers = own_headers.for_url(&url);
        let response = match session.send(&url, method, headers, body) {
            Ok(response) => response,
            Err(failure) => break Err(failure),
        };
        // A status HTTP does not have (LinkedIn's 999) is an answer all the same: the judge
        // tells a refusal page from a protocol error.
        let status = response.status().as_u16();
        let answer = Answer::of(&response, &session.recorder.snapshot(), all_headers);
        // A HEAD refused, or answered by what may be a challenge page, is asked again with
        // GET: the page is what tells a challenge from a refusal.
        let refused = matches!(status, 405 | 501);
        let may_be_a_wall = crate::probe::bot_wall::worth_a_look(status)
            && crate::probe::bot_wall::recognise(status, &answer.headers, "").is_none();
        if method == Method::Head && head_may_fall_back && (refused || may_be_a_wall) {
            method = Method::Get;
            head_may_fall_back = false;
            continue;
        }
        let location = location_of(&response).filter(|_| follow_redirects && is_redirect(status));
        let Some(location) = location else {
            break Ok(Arrival {
                response,
                method,
                answer,
            });
        };
        last_redirect = Some(answer);
        match next_hop(&url, &location, &seen, redirects.len()) {
            Ok(next) => {
                redirects.push(Redirect {
                    status,
                    to: sanitize::text(&redact(&next), sanitize::URL),
                });
                seen.insert(next.to_string());
                // A 303 is answered with a GET, which sends no body.
                if status == 303 && method != Method::Head {
                    method = Method::Get;
                    body = None;
                }
                url = next;
            }
            Err(failure) => break Err(failure),
        }
    };
    Walk {
        end,
        redirects,
        last_redirect,
    }
}

/// The Location header, as text whatever its bytes.
fn location_of(response: &ureq::http::Response<ureq::Body>) -> Option<String> {
    let value = response.headers().get("location")?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Where a redirect leads, if it may be followed.
fn next_hop(
    from: &Url,
    location: &str,
    seen: &HashSet<String>,
    followed: usize,
) -> Result<Url, Failure> {
    let shown = for_terminal(&redact_typed(location));
    let next = from.join(location).map_err(|_| {
        Failure::new(
            ErrorKind::Redirects,
            format!("redirect to an invalid location '{shown}'"),
        )
    })?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!(
                "redirect to {}: only http and https are followed",
                redact(&next)
            ),
        ));
    }
    if seen.contains(next.as_str()) {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!("redirect loop: {} was already visited", redact(&next)),
        ));
    }
    if followed >= MAX_REDIRECTS {
        return Err(Failure::new(
            ErrorKind::Redirects,
            format!("more than {MAX_REDIRECTS} redirects"),
        ));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_five_redirect_codes_are_followed() {
        for status in [301, 302, 303, 307, 308] {
            assert!(is_redirect(status));
        }
        for status in [200, 300, 304, 305, 306, 309, 404] {
            assert!(!is_redirect(status));
        }
    }

    #[test]
    fn redirects_are_checked_before_they_are_followed() {
        let from = Url::parse("http://127.0.0.1:1/a").unwrap();
        let seen = HashSet::from([from.to_string()]);
        assert_eq!(
            next_hop(&from, "/b", &seen, 0).unwrap().as_str(),
            "http://127.0.0.1:1/b"
        );
        assert_eq!(
            next_hop(&from, "file:///etc/passwd", &seen, 0)
                .unwrap_err()
                .kind,
            ErrorKind::Redirects
        );
        assert!(next_hop(&from, "/a", &seen, 0)
            .unwrap_err()
            .message
            .contains("loop"));
        assert!(next_hop(&from, "/c", &seen, MAX_REDIRECTS)
            .unwrap_err()
            .message
            .contains("more than"));
        let invalid = next_hop(&from, "http://u:secret@[::1", &seen, 0).unwrap_err();
        assert!(invalid.message.contains("invalid location"));
        assert!(!invalid.message.contains("secret"), "passwords stay hidden");
    }
}
