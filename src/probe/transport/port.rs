//! The one place that knows default ports: the `url` crate's table, for ureq's `Uri`s too.

use ureq::http::Uri;
use url::Url;

/// The port a URI's connection goes to: its own, or its scheme's default.
pub fn port_of(uri: &Uri) -> Option<u16> {
    Url::parse(&uri.to_string()).ok()?.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(text: &str) -> Option<u16> {
        port_of(&text.parse::<Uri>().unwrap())
    }

    #[test]
    fn ports_are_explicit_or_the_schemes_default() {
        assert_eq!(port("https://127.0.0.1/"), Some(443));
        assert_eq!(port("http://127.0.0.1/a"), Some(80));
        assert_eq!(port("http://[::1]:8080/"), Some(8080));
        assert_eq!(port("https://example.com:80/"), Some(80));
    }
}
