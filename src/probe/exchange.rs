//! One call to an API: any method, a body, the caller's headers only (never a target's `-H`
//! headers or credentials), no redirects followed, at most so many bytes read. Any status is
//! an answer; only no answer at all is a failure.

use std::io::Read;
use std::time::Duration;

use url::Url;

use super::failure::{ErrorKind, Failure, Stage};
use super::transport::session::Session;
use super::Client;

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// `GET` or `POST` (any token HTTP allows).
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
    /// For the whole call, the body of the answer included.
    pub timeout: Duration,
    /// Reading stops after one byte more than this.
    pub max_body: usize,
}

/// What came back: the status, every header (names lowercase), and the body, cut after
/// `max_body + 1` bytes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Sends one call and reads the answer within `timeout`.
pub fn exchange(client: &Client, call: Call<'_>) -> Result<Reply, Failure> {
    let url = Url::parse(call.url)
        .map_err(|e| Failure::new(ErrorKind::Protocol, format!("bad URL: {e}")))?;
    let session = Session::new(client, call.timeout);
    let mut response = session.call(&url, call.method, call.headers, call.body)?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_string(), value)
        })
        .collect();
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(call.max_body as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| session.classify(&ureq::Error::from(e), Stage::Body))?;
    Ok(Reply {
        status: response.status().as_u16(),
        headers,
        body,
    })
}
