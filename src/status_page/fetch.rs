//! Reading a page off the network: one deadline for all of it, the content type the format
//! calls for, the text decoded, and the reader of its format applied.

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::{aws, betterstack, feed, google, heroku, instatus, slack, statusio, statuspage};
use super::{Indexed, Page, Source};
use crate::probe::{self, BadUrl, Client, Failure, Request, Response};
use crate::target::catalog::StatusFormat;

/// The most of a status page that is read (Google's incident history runs to a few hundred KB).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// A status page gets this long at most, and never longer than the probe's own deadline.
const PAGE_DEADLINE: Duration = Duration::from_secs(2);
/// Where a Statuspage-compatible API lists the incidents still open.
const SUMMARY_PATH: &str = "/api/v2/summary.json";
const UNRESOLVED_PATH: &str = "/api/v2/incidents/unresolved.json";

/// Why a status page says nothing, in one sentence.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    #[error("reading the status page took longer than {}", crate::text::words::duration(*.0))]
    Late(Duration),
    #[error("no time was left to read the status page")]
    NoTimeLeft,
    #[error(transparent)]
    BadUrl(#[from] BadUrl),
    /// No answer, or one too large: the failure's own words.
    #[error("{}", .0.message)]
    Unanswered(Failure),
    #[error("the status page answered {0}")]
    Status(u16),
    /// A feed answered with this content type.
    #[error("the status feed answered {}, not XML", shown(.0))]
    NotXml(String),
    #[error("the status feed is neither RSS nor Atom")]
    NotAFeed,
    /// A JSON page answered with this content type.
    #[error("the status page answered {}, not JSON", shown(.0))]
    NotJson(String),
    /// The JSON parser's words.
    #[error("the status page is not valid JSON: {0}")]
    BadJson(String),
    #[error("the status page is not in the expected format")]
    NotTheFormat,
    /// The reading ended before it gave a page or a reason.
    #[error("the status page could not be read")]
    Lost,
}

/// Fetches, parses and indexes a page, all within the page's deadline, counted from `asked`
/// (a reading that waited for a worker has only what is left): a page that takes longer, to
/// arrive or to read, is unreadable.
pub fn read_indexed(
    client: &Client,
    source: &Source,
    asked: Instant,
) -> Result<Indexed, PageError> {
    let allowed = client.timeout.min(PAGE_DEADLINE);
    let deadline = asked + allowed;
    let late = || (Instant::now() > deadline).then_some(PageError::Late(allowed));
    let page = read_by(client, source, deadline)?;
    if let Some(late) = late() {
        return Err(late);
    }
    let indexed = Indexed::new(page);
    match late() {
        Some(late) => Err(late),
        None => Ok(indexed),
    }
}

/// Fetches and parses a page within its deadline; why not, in words, when it cannot.
pub fn read(client: &Client, source: &Source) -> Result<Page, PageError> {
    read_by(
        client,
        source,
        Instant::now() + client.timeout.min(PAGE_DEADLINE),
    )
}

fn read_by(client: &Client, source: &Source, deadline: Instant) -> Result<Page, PageError> {
    let fetched = get(client, &source.api_url, deadline)?;
    let content_type = fetched.header("content-type").unwrap_or_default();
    let (mut page, lists_incidents) = parse_and_tell(source, content_type, &fetched.body)?;
    // incident.io's compatible summary may leave its incidents out: ask for them.
    if !lists_incidents {
        page.incidents.extend(unresolved(client, source, deadline));
    }
    Ok(page)
}

/// Parses a page as its format says, from the body and content type it came with.
pub fn parse(source: &Source, content_type: &str, body: &[u8]) -> Result<Page, PageError> {
    parse_and_tell(source, content_type, body).map(|(page, _)| page)
}

/// [`parse`], and whether the page lists its open incidents (a Statuspage-compatible summary
/// may not).
fn parse_and_tell(
    source: &Source,
    content_type: &str,
    body: &[u8],
) -> Result<(Page, bool), PageError> {
    let content_type = content_type.to_ascii_lowercase();
    if source.format == StatusFormat::Feed {
        if !["xml", "rss", "atom"]
            .iter()
            .any(|t| content_type.contains(t))
        {
            return Err(PageError::NotXml(content_type));
        }
        return feed::read(body, SystemTime::now())
            .map(|page| (page, true))
            .ok_or(PageError::NotAFeed);
    }
    let json = json(body, &content_type)?;
    let lists_incidents =
        source.format != StatusFormat::Statuspage || json.get("incidents").is_some();
    let page = match source.format {
        StatusFormat::Statuspage => statuspage::read(&json),
        StatusFormat::Slack => slack::read(&json),
        StatusFormat::Heroku => heroku::read(&json),
        StatusFormat::Statusio => statusio::read(&json),
        StatusFormat::Betterstack => betterstack::read(&json),
        StatusFormat::Instatus => instatus::read(&json),
        StatusFormat::GoogleCloud | StatusFormat::GoogleWorkspace => {
            google::read(&json, &source.page_url)
        }
        StatusFormat::Aws => aws::read(&json),
        StatusFormat::Feed | StatusFormat::None => None,
    };
    page.map(|page| (page, lists_incidents))
        .ok_or(PageError::NotTheFormat)
}

/// The open incidents of a Statuspage-compatible API, in whatever time is left; none when
/// they cannot be had (the summary still speaks).
fn unresolved(client: &Client, source: &Source, deadline: Instant) -> Vec<super::Incident> {
    let base = source
        .api_url
        .strip_suffix(SUMMARY_PATH)
        .unwrap_or(&source.page_url);
    let Ok(fetched) = get(client, &format!("{base}{UNRESOLVED_PATH}"), deadline) else {
        return vec![];
    };
    json(&fetched.body, &content_type(&fetched))
        .ok()
        .and_then(|json| statuspage::read(&json))
        .map(|page| page.incidents)
        .unwrap_or_default()
}

/// A JSON document by GET, within the deadline.
pub(super) fn get_json(client: &Client, url: &str, deadline: Instant) -> Result<Value, PageError> {
    let fetched = get(client, url, deadline)?;
    json(&fetched.body, &content_type(&fetched))
}

/// A GET, redirects followed, that must answer 2xx with at most [`MAX_PAGE_BYTES`] before the
/// deadline.
fn get(client: &Client, url: &str, deadline: Instant) -> Result<Response, PageError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(PageError::NoTimeLeft);
    }
    let request = Request::get(url, left, MAX_PAGE_BYTES)?.following_redirects();
    let fetched = probe::send(client, &request);
    let (status, _) = fetched
        .whole(MAX_PAGE_BYTES)
        .map_err(PageError::Unanswered)?;
    if !(200..300).contains(&status) {
        return Err(PageError::Status(status));
    }
    Ok(fetched)
}

fn content_type(fetched: &Response) -> String {
    fetched
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn shown(content_type: &str) -> String {
    if content_type.is_empty() {
        "no content type".to_string()
    } else {
        crate::text::sanitize::text(content_type, crate::text::sanitize::SHORT)
    }
}

fn json(body: &[u8], content_type: &str) -> Result<Value, PageError> {
    if !content_type.contains("json") {
        return Err(PageError::NotJson(content_type.to_string()));
    }
    let text = decode(body, content_type);
    serde_json::from_str(&text).map_err(|e| PageError::BadJson(e.to_string()))
}

/// UTF-16 (AWS serves it) or UTF-8, by byte order mark or declared charset.
fn decode(body: &[u8], content_type: &str) -> String {
    let utf16 = |bytes: &[u8], little: bool| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| {
                if little {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match body {
        [0xff, 0xfe, rest @ ..] => utf16(rest, true),
        [0xfe, 0xff, rest @ ..] => utf16(rest, false),
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        // Without a byte order mark, JSON's first character (ASCII) shows the order.
        [0, first, ..] if *first != 0 && content_type.contains("utf-16") => utf16(body, false),
        _ if content_type.contains("utf-16") => utf16(body, true),
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_pages_are_decoded() {
        let text = "[]";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le, "application/json"), "[]");
        let plain: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&plain, "application/json;charset=utf-16"), "[]");
        let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&big, "application/json;charset=utf-16"), "[]");
    }
}
