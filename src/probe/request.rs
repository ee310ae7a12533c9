//! What to ask: one request type for a probe of a target, a status page, a reference endpoint,
//! a DNS-over-HTTPS question and a call to an API.

use std::fmt;
use std::time::Duration;

use url::Url;

use super::Method;
use crate::text::redact::redact;

/// One request, and how much of its answer to read.
#[derive(Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    /// The request's own headers: a target's `-H`, an API's. They go to the first URL's origin
    /// only, never across a redirect to another host, where they could leak tokens and cookies.
    pub headers: Vec<(String, String)>,
    /// Whether a user and password in the URL go along, as HTTP Basic (to the first URL's
    /// origin only). A target's do; a page's or an API's never do.
    pub send_credentials: bool,
    /// What a POST sends.
    pub body: Option<Vec<u8>>,
    /// For the whole request, redirects and body included; `None`: the client's.
    pub timeout: Option<Duration>,
    /// How much of the answer's body is read.
    pub read: ReadBody,
    /// Whether redirects are followed, or a redirect is the answer (a reference endpoint that
    /// redirects is a captive portal talking).
    pub follow_redirects: bool,
    /// A HEAD refused with 405 or 501, or answered by what may be a challenge page, is asked
    /// again with GET (catalog entries prefer HEAD).
    pub head_falls_back_to_get: bool,
    /// Every header of the answer comes back as sent (names lowercase), for a program to read;
    /// otherwise only the headers of note, made safe to show (a probe's).
    pub all_headers: bool,
}

/// Printing a request never shows a header's value (a token, a cookie) nor a password.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "***"))
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &redact(&self.url))
            .field("headers", &headers)
            .field("send_credentials", &self.send_credentials)
            .field("body", &self.body.as_ref().map(Vec::len))
            .field("timeout", &self.timeout)
            .field("read", &self.read)
            .field("follow_redirects", &self.follow_redirects)
            .field("head_falls_back_to_get", &self.head_falls_back_to_get)
            .field("all_headers", &self.all_headers)
            .finish()
    }
}

/// How much of an answer's body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadBody {
    /// A probe's: none, except the start of what may be a bot wall's challenge page.
    Start,
    /// A probe's with `--contains`: up to [`super::MAX_BODY`] bytes of a GET's answer,
    /// looking for this text.
    Find(String),
    /// All of it, up to this many bytes; one byte more is read to tell a longer body (see
    /// [`super::Response::whole`]).
    Upto(usize),
}

impl Request {
    /// A probe of a target: its own headers and credentials go along, redirects are followed
    /// within the client's deadline, and the body is left unread unless a bot wall may have
    /// answered.
    pub fn probe(method: Method, url: Url, headers: Vec<(String, String)>) -> Request {
        Request {
            method,
            url,
            headers,
            send_credentials: true,
            body: None,
            timeout: None,
            read: ReadBody::Start,
            follow_redirects: true,
            head_falls_back_to_get: false,
            all_headers: false,
        }
    }

    /// A plain GET of a small document (a status page, a reference endpoint, a DNS answer, an
    /// API's JSON): no headers but those given, its own deadline, at most `limit` bytes of
    /// body, every header back, and redirects not followed unless asked.
    pub fn document(url: Url, timeout: Duration, limit: usize) -> Request {
        Request {
            send_credentials: false,
            timeout: Some(timeout),
            read: ReadBody::Upto(limit),
            follow_redirects: false,
            all_headers: true,
            ..Request::probe(Method::Get, url, Vec::new())
        }
    }

    /// [`Request::document`] of a URL given as text.
    pub fn get(url: &str, timeout: Duration, limit: usize) -> Result<Request, BadUrl> {
        Ok(Request::document(Url::parse(url)?, timeout, limit))
    }

    /// Asks for this media type.
    pub fn accept(mut self, media: &str) -> Request {
        self.headers.push(("accept".into(), media.into()));
        self
    }

    /// Follows redirects.
    pub fn following_redirects(mut self) -> Request {
        self.follow_redirects = true;
        self
    }
}

/// A URL that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad URL: {0}")]
pub struct BadUrl(#[from] pub url::ParseError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_a_request_shows_no_header_value_nor_password() {
        let url = Url::parse("https://user:hunter2@example.com/health").unwrap();
        let request = Request::probe(
            Method::Get,
            url,
            vec![("X-Token".into(), "secret-token".into())],
        );
        let shown = format!("{request:?}");
        assert!(shown.contains("X-Token"), "{shown}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn a_target_is_never_asked_for_with_post() {
        let method = |text: &str| serde_json::from_str::<Method>(text);
        assert_eq!(method("\"HEAD\"").ok(), Some(Method::Head));
        assert!(method("\"POST\"").is_err());
    }

    #[test]
    fn documents_send_no_credentials_and_read_their_body() {
        let url = Url::parse("http://u:p@127.0.0.1:1/summary.json").unwrap();
        let page = Request::get(url.as_str(), Duration::from_secs(2), 1024)
            .unwrap()
            .accept("application/json");
        assert_eq!(page.read, ReadBody::Upto(1024));
        assert!(!page.send_credentials && !page.follow_redirects && page.all_headers);
        assert_eq!(
            page.headers,
            [("accept".to_string(), "application/json".to_string())]
        );
        assert!(page.following_redirects().follow_redirects);
        assert!(Request::get("not a url", Duration::from_secs(1), 1)
            .unwrap_err()
            .to_string()
            .starts_with("bad URL: "));
    }
}
