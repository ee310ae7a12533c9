//! A request's own headers, and the credentials in a target's URL, kept to their origin.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use percent_encoding::percent_decode_str;
use url::Url;

/// What a request carries of its own: credentials in its URL (sent as HTTP Basic; a URL
/// without them sends none) and its headers (a target's `-H`, a page's `accept`). They go to
/// the first URL's origin only, never across a redirect to another host, where they could leak
/// tokens and cookies.
pub(super) struct OwnHeaders {
    origin: url::Origin,
    headers: Vec<(String, String)>,
}

impl OwnHeaders {
    pub(super) fn of(url: &Url, extra: &[(String, String)]) -> OwnHeaders {
        let user = percent_decode(url.username());
        let password = url.password().map(percent_decode);
        // An Authorization header the user wrote wins over credentials in the URL: one is sent.
        let explicit = extra
            .iter()
            .any(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"));
        let has_credentials = !user.is_empty() || password.is_some();
        let basic = (has_credentials && !explicit).then(|| {
            let pair = format!("{user}:{}", password.unwrap_or_default());
            (
                "authorization".to_string(),
                format!("Basic {}", BASE64.encode(pair)),
            )
        });
        OwnHeaders {
            origin: url.origin(),
            headers: basic.into_iter().chain(extra.iter().cloned()).collect(),
        }
    }

    /// The headers for a request to `url`: all of them at the target's origin, none elsewhere.
    pub(super) fn for_url(&self, url: &Url) -> &[(String, String)] {
        if url.origin() == self.origin {
            &self.headers
        } else {
            &[]
        }
    }
}

/// A user name or password as the URL holds it (`%40` for `@`), decoded for the header.
fn percent_decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_encoded_and_kept_to_their_origin() {
        let plain = Url::parse("http://user:pass@example.com/").unwrap();
        let basic = OwnHeaders::of(&plain, &[]);
        assert_eq!(
            basic.for_url(&plain),
            [("authorization".into(), "Basic dXNlcjpwYXNz".into())]
        );
        assert_eq!(
            percent_decode("a%zz%4"),
            "a%zz%4",
            "a stray % stays as it is"
        );
        let url = Url::parse("https://us%40er:p%3Ass@example.com/").unwrap();
        let own = OwnHeaders::of(&url, &[("X-Token".into(), "t".into())]);
        let basic = format!("Basic {}", BASE64.encode("us@er:p:ss"));
        assert_eq!(
            own.for_url(&url),
            [
                ("authorization".into(), basic),
                ("X-Token".into(), "t".into())
            ]
        );
        let elsewhere = Url::parse("https://other.example/").unwrap();
        assert!(own.for_url(&elsewhere).is_empty());
    }

    #[test]
    fn an_explicit_authorization_header_wins_over_credentials_in_the_url() {
        let url = Url::parse("http://user:pass@example.com/").unwrap();
        let own = OwnHeaders::of(&url, &[("Authorization".into(), "Bearer t".into())]);
        assert_eq!(
            own.for_url(&url),
            [("Authorization".into(), "Bearer t".into())]
        );
    }
}
