//! Credentials and headers the user gave for the target itself, kept to its own origin.

use url::Url;

/// What the user gave for the target itself: credentials in its URL (sent as HTTP Basic) and
/// `-H` headers. They go to the target's own origin only, never across a redirect to another
/// host, where they could leak tokens and cookies.
pub(super) struct OwnHeaders {
    origin: url::Origin,
    headers: Vec<(String, String)>,
}

impl OwnHeaders {
    pub(super) fn of(url: &Url, extra: &[(String, String)]) -> OwnHeaders {
        let user = percent_decode(url.username());
        let password = url.password().map(percent_decode);
        let basic = (!user.is_empty() || password.is_some()).then(|| {
            let pair = format!("{user}:{}", password.unwrap_or_default());
            (
                "authorization".to_string(),
                format!("Basic {}", base64(pair.as_bytes())),
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

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_encoded_and_kept_to_their_origin() {
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        let url = Url::parse("https://us%40er:p%3Ass@example.com/").unwrap();
        let own = OwnHeaders::of(&url, &[("X-Token".into(), "t".into())]);
        let basic = format!("Basic {}", base64(b"us@er:p:ss"));
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
}
