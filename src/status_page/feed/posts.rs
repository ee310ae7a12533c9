//! The posts of an RSS (2.0, 0.9x, 1.0) or Atom document, read over `quick-xml` as leniently as
//! feeds need: any element order, missing fields, unknown elements and namespaces skipped,
//! CDATA, character references, other entities kept as written (a DOCTYPE's own are never
//! expanded), a lone `&`
//! taken for itself, dates in RFC 3339 or RFC 2822 (and their usual misspellings), links made
//! absolute against `xml:base`, UTF-8 (invalid bytes replaced), UTF-16 with a byte order mark,
//! and the Latin-1 family when the declaration names it.
//!
//! What is read is bounded whatever the input: at most [`MAX_POSTS`] posts, and at most
//! [`MAX_TEXT_BYTES`] of any one field. A document that is not well-formed up to the end of its
//! root element, or whose root is not a feed's, is no feed.

use std::time::SystemTime;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use url::Url;

use crate::text::timestamp;

/// The posts read from one feed; any after these are left unread.
pub const MAX_POSTS: usize = 1000;
/// The most of one field that is kept (a title is cut far shorter when shown).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const RSS_1: &str = "http://purl.org/rss/1.0/";
const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
const DUBLIN_CORE: &str = "http://purl.org/dc/elements/1.1/";

/// One item of an RSS feed or entry of an Atom feed. Texts are as written (not trimmed or made
/// safe to show); an empty element says nothing, so an earlier one of its kind stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Post {
    pub title: Option<String>,
    /// RSS `description`, Atom `summary`.
    pub summary: Option<String>,
    /// RSS `content:encoded`, Atom `content`.
    pub content: Option<String>,
    pub published: Option<SystemTime>,
    pub updated: Option<SystemTime>,
    /// The post's own page: RSS `link`, or Atom's first `alternate` link (any link failing that).
    pub link: Option<String>,
}

/// The posts of a feed, in the order written; `None` when the body is no RSS or Atom feed.
pub fn read(body: &[u8]) -> Option<Vec<Post>> {
    let text = decode(body);
    let mut reader = NsReader::from_str(&text);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.trim_markup_names_in_closing_tags = true;
    config.allow_dangling_amp = true;
    let mut feed = Reading::default();
    loop {
        let (space, event) = reader.read_resolved_event().ok()?;
        match event {
            Event::Start(start) => {
                let vocabulary = Vocabulary::of(&space, start.name().prefix().is_some());
                feed.start(&start, vocabulary)?;
            }
            Event::End(_) => {
                if let Some(done) = feed.end() {
                    return done;
                }
            }
            Event::Text(text) => feed.text(&text),
            Event::CData(text) => feed.text(&text),
            Event::GeneralRef(reference) => {
                let name: &str = &reference;
                match reference.resolve_char_ref() {
                    Ok(Some(c)) => feed.text(c.encode_utf8(&mut [0; 4])),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(name) {
                        Some(resolved) => feed.text(resolved),
                        None => feed.text(&format!("&{name};")),
                    },
                    Err(_) => feed.text(&format!("&{name};")),
                }
            }
            // The root never closed: a document cut short, or none at all.
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Which kind of feed the root element says this is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `<rss>`: posts are the `item`s of its `channel`.
    Rss,
    /// RSS 1.0's `<rdf:RDF>`: posts are the root's `item`s.
    Rdf,
    /// `<feed>`: posts are its `entry`s.
    Atom,
    /// A lone Atom `<entry>` document: the root is the post.
    AtomEntry,
}

/// Whose word an element is: the feed's own (no namespace, or RSS 1.0's), or one of the
/// extensions posts use.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Vocabulary {
    Own,
    Atom,
    Content,
    DublinCore,
    Other,
}

impl Vocabulary {
    fn of(space: &ResolveResult<'_>, prefixed: bool) -> Vocabulary {
        match space {
            ResolveResult::Unbound => Vocabulary::Own,
            ResolveResult::Bound(space) => match space.0 {
                ATOM => Vocabulary::Atom,
                RSS_1 => Vocabulary::Own,
                CONTENT => Vocabulary::Content,
                DUBLIN_CORE => Vocabulary::DublinCore,
                // A default namespace of its own (RSS 0.90 has one) is still the feed's word.
                _ if !prefixed => Vocabulary::Own,
                _ => Vocabulary::Other,
            },
            ResolveResult::Unknown(_) => Vocabulary::Other,
        }
    }
}

/// A field of a post whose text is being read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Title,
    Summary,
    Content,
    Published,
    Updated,
    Link,
}

#[derive(Debug, Default)]
struct Reading {
    kind: Option<Kind>,
    /// How many elements are open.
    depth: usize,
    /// The depth of the open RSS `channel`, if one is.
    channel: Option<usize>,
    saw_channel: bool,
    /// The post being read and the depth of its element.
    post: Option<(Post, usize)>,
    /// Atom: the first link that is not an `alternate` one, should no `alternate` come.
    other_link: Option<String>,
    /// The field being read, the depth of its element and its text so far.
    field: Option<(Field, usize, String)>,
    /// `xml:base` in force, by the depth of the element that set it.
    bases: Vec<(usize, Url)>,
    posts: Vec<Post>,
}

impl Reading {
    /// An element opens; `None` when the root says this is no feed.
    fn start(&mut self, start: &BytesStart<'_>, vocabulary: Vocabulary) -> Option<()> {
        self.depth += 1;
        let local = start.local_name();
        let name: &str = local.as_ref();
        if let Some(base) = attribute(start, "xml:base") {
            let joined = match self.bases.last() {
                Some((_, outer)) => outer.join(base.trim()).ok(),
                None => Url::parse(base.trim()).ok(),
            };
            if let Some(url) = joined {
                self.bases.push((self.depth, url));
            }
        }
        let Some(kind) = self.kind else {
            let kind = match name {
                "rss" => Kind::Rss,
                "RDF" => Kind::Rdf,
                "feed" => Kind::Atom,
                "entry" => Kind::AtomEntry,
                _ => return None,
            };
            self.kind = Some(kind);
            if kind == Kind::AtomEntry {
                self.post = Some((Post::default(), self.depth));
            }
            return Some(());
        };
        let atom = matches!(kind, Kind::Atom | Kind::AtomEntry);
        let ours = vocabulary == Vocabulary::Own || (atom && vocabulary == Vocabulary::Atom);
        match &self.post {
            None => {
                let parent = self.depth - 1;
                let opens_post = ours
                    && match kind {
                        Kind::Rss => name == "item" && self.channel == Some(parent),
                        Kind::Rdf => name == "item" && parent == 1,
                        Kind::Atom => name == "entry" && parent == 1,
                        Kind::AtomEntry => false,
                    };
                if opens_post && self.posts.len() < MAX_POSTS {
                    self.post = Some((Post::default(), self.depth));
                    self.other_link = None;
                } else if kind == Kind::Rss && ours && name == "channel" && parent == 1 {
                    self.channel = Some(self.depth);
                    self.saw_channel = true;
                }
            }
            Some((_, at)) if self.depth == at + 1 && self.field.is_none() => {
                let field = match (atom, vocabulary, name) {
                    (_, _, "title") if ours => Some(Field::Title),
                    (false, Vocabulary::Own, "description") => Some(Field::Summary),
                    (false, Vocabulary::Own, "link") => Some(Field::Link),
                    (false, Vocabulary::Own, "pubDate") => Some(Field::Published),
                    (false, Vocabulary::Own | Vocabulary::Atom, "updated") => Some(Field::Updated),
                    (false, Vocabulary::Content, "encoded") => Some(Field::Content),
                    (false, Vocabulary::DublinCore, "date") => Some(Field::Published),
                    (true, _, "summary") if ours => Some(Field::Summary),
                    (true, _, "content") if ours => Some(Field::Content),
                    (true, _, "updated") if ours => Some(Field::Updated),
                    (true, _, "published" | "pubDate") if ours => Some(Field::Published),
                    (true, _, "link") if ours => {
                        self.atom_link(start);
                        None
                    }
                    _ => None,
                };
                self.field = field.map(|field| (field, self.depth, String::new()));
            }
            Some(_) => {}
        }
        Some(())
    }

    /// Text, wherever it is: kept when it belongs to a field being read.
    fn text(&mut self, text: &str) {
        if let Some((_, _, kept)) = &mut self.field {
            let room = MAX_TEXT_BYTES.saturating_sub(kept.len());
            let mut cut = text.len().min(room);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            kept.push_str(&text[..cut]);
        }
    }

    /// An element closes; `Some` once the feed is read (the root closed, or enough posts).
    fn end(&mut self) -> Option<Option<Vec<Post>>> {
        let depth = self.depth;
        if let Some((field, at, text)) = self.field.take() {
            // An empty element says nothing: what an earlier one of its kind said stands.
            if at == depth && !text.is_empty() {
                let base = self.bases.last().map(|(_, url)| url);
                if let Some((post, _)) = &mut self.post {
                    match field {
                        Field::Title => post.title = Some(text),
                        Field::Summary => post.summary = Some(text),
                        Field::Content => post.content = Some(text),
                        Field::Published => post.published = date(&text),
                        Field::Updated => post.updated = date(&text),
                        Field::Link => {
                            if post.link.is_none() {
                                post.link = link(&text, base);
                            }
                        }
                    }
                }
            } else if at != depth {
                self.field = Some((field, at, text));
            }
        }
        if self.post.as_ref().is_some_and(|(_, at)| *at == depth) {
            if let Some((mut post, _)) = self.post.take() {
                if post.link.is_none() {
                    post.link = self.other_link.take();
                }
                self.posts.push(post);
            }
            if self.posts.len() >= MAX_POSTS {
                return Some(Some(std::mem::take(&mut self.posts)));
            }
        }
        if self.channel == Some(depth) {
            self.channel = None;
        }
        while self.bases.last().is_some_and(|(at, _)| *at >= depth) {
            self.bases.pop();
        }
        self.depth = depth.saturating_sub(1);
        if self.depth == 0 {
            // An RSS document without a channel is no feed.
            let feed = self.kind != Some(Kind::Rss) || self.saw_channel;
            return Some(feed.then(|| std::mem::take(&mut self.posts)));
        }
        None
    }

    /// An Atom `<link href rel>`: the first `alternate` one is the post's page.
    fn atom_link(&mut self, start: &BytesStart<'_>) {
        let Some(href) = attribute(start, "href") else {
            return;
        };
        let base = self.bases.last().map(|(_, url)| url);
        let rel = attribute(start, "rel");
        let alternate = rel.as_deref().is_none_or(|rel| rel.trim() == "alternate");
        let Some((post, _)) = &mut self.post else {
            return;
        };
        if alternate && post.link.is_none() {
            post.link = link(&href, base);
        } else if self.other_link.is_none() {
            self.other_link = link(&href, base);
        }
    }
}

/// An attribute's value by its name as written (`href`, `xml:base`), references resolved.
fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start
        .attributes()
        .map_while(Result::ok)
        .find(|attribute| attribute.key.as_ref() == name)
        .map(|attribute| unescape(&attribute.value))
}

/// Character references and XML's five entities resolved; anything else kept as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let resolved = rest.find(';').and_then(|end| {
            let name = &rest[1..end];
            let value = match name.strip_prefix('#') {
                Some(number) => {
                    let code = match number.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                        .filter(|c| *c != '\0')
                        .map(String::from)
                }
                None => quick_xml::escape::resolve_predefined_entity(name).map(String::from),
            };
            value.map(|value| (value, end + 1))
        });
        match resolved {
            Some((value, used)) => {
                out.push_str(&value);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A post's date: RFC 3339 (also without the offset's colon, or a bare date) or RFC 2822.
fn date(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    timestamp::parse(text)
        .or_else(|| rfc3339_misspelt(text))
        .or_else(|| timestamp::parse_rfc2822(text))
}

/// `2026-09-23T10:00:00+0000` and `2026-09-23`, as feeds write RFC 3339 wrongly.
fn rfc3339_misspelt(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let is_date = |b: &[u8]| {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    if is_date(bytes) {
        return timestamp::parse(&format!("{text}T00:00:00Z"));
    }
    // An offset of four digits at the end, after a time.
    let n = bytes.len();
    let four_digit_offset = n > 5
        && matches!(bytes[n - 5], b'+' | b'-')
        && bytes[n - 4..].iter().all(u8::is_ascii_digit);
    if !four_digit_offset || !text.contains('T') {
        return None;
    }
    let (head, minutes) = text.split_at_checked(n - 2)?;
    timestamp::parse(&format!("{head}:{minutes}"))
}

/// A link as written, made absolute against `xml:base` when it is relative.
fn link(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = match Url::parse(href) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => base.and_then(|base| base.join(href).ok()),
        Err(_) => None,
    };
    Some(url.map_or_else(|| href.to_string(), String::from))
}

/// The body as text: UTF-16 by its byte order mark, the Latin-1 family when the XML declaration
/// names it, UTF-8 otherwise (invalid bytes replaced, a byte order mark dropped).
fn decode(body: &[u8]) -> String {
    match body {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ if declares_latin1(body) => body.iter().map(|&b| windows_1252(b)).collect(),
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Whether the XML declaration names ISO-8859-1, Windows-1252 or ASCII (read as Windows-1252,
/// as browsers do).
fn declares_latin1(body: &[u8]) -> bool {
    let Some(declaration) = body
        .strip_prefix(b"<?xml")
        .and_then(|rest| rest.get(..rest.len().min(200)))
    else {
        return false;
    };
    let declaration = String::from_utf8_lossy(declaration).to_ascii_lowercase();
    let declaration = declaration.split("?>").next().unwrap_or_default();
    let Some((_, after)) = declaration.split_once("encoding") else {
        return false;
    };
    let name: String = after
        .trim_start_matches(|c: char| c.is_whitespace() || c == '=' || c == '"' || c == '\'')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    matches!(
        name.as_str(),
        "iso-8859-1"
            | "iso8859-1"
            | "latin1"
            | "l1"
            | "windows-1252"
            | "cp1252"
            | "us-ascii"
            | "ascii"
    )
}

/// One byte of Windows-1252: Latin-1, but for the printable characters in 0x80 to 0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    fn at(stamp: &str) -> Option<SystemTime> {
        timestamp::parse(stamp)
    }

    #[test]
    fn rss_items_are_read_with_entities_cdata_and_dates() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- history -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Status</title>
    <atom:link href="https://status.example.com/history.rss" rel="self"/>
    <item>
      <title>AT&amp;T &#8212; calls &#x2192; <![CDATA[<dropped>]]> &nbsp;now</title>
      <description><![CDATA[<p><strong>Resolved</strong> - fixed.</p>]]></description>
      <pubDate>Wed, 23 Sep 2026 10:35:00 +0000</pubDate>
      <link> https://status.example.com/incidents/01 </link>
      <atom:link href="https://elsewhere.example.com/"/>
    </item>
    <item>
      <title>Q &amp; A & more</title>
      <content:encoded>Investigating</content:encoded>
      <dc:date>2026-09-23T09:00:00+0000</dc:date>
      <atom:updated>2026-09-23T09:30:00Z</atom:updated>
    </item>
    <item><description>no title, no date</description></item>
  </channel>
</rss>
trailing words are not read"#;
        let posts = read(rss.as_bytes()).unwrap();
        assert_eq!(posts.len(), 3);
        assert_eq!(
            posts[0].title.as_deref(),
            Some("AT&T \u{2014} calls \u{2192} <dropped> &nbsp;now")
        );
        assert_eq!(
            posts[0].summary.as_deref(),
            Some("<p><strong>Resolved</strong> - fixed.</p>")
        );
        assert_eq!(posts[0].published, at("2026-09-23T10:35:00Z"));
        assert_eq!(
            posts[0].link.as_deref(),
            Some("https://status.example.com/incidents/01")
        );
        assert_eq!(posts[1].title.as_deref(), Some("Q & A & more"));
        assert_eq!(posts[1].content.as_deref(), Some("Investigating"));
        assert_eq!(posts[1].published, at("2026-09-23T09:00:00Z"));
        assert_eq!(posts[1].updated, at("2026-09-23T09:30:00Z"));
        assert_eq!(date("2026-09-23T10:00:00-0\u{802}"), None);
        assert_eq!(date("2026-09-23T10:00:00-0130"), at("2026-09-23T11:30:00Z"));
        assert_eq!(posts[1].link, None);
        assert_eq!(
            posts[2],
            Post {
                summary: Some("no title, no date".into()),
                ..Post::default()
            }
        );
    }

    #[test]
    fn atom_entries_take_the_alternate_link_made_absolute() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://status.example.com/feed/">
  <title type="text">Example</title>
  <entry>
    <link rel="self" href="https://status.example.com/entry/2.atom"/>
    <link href="../incidents/2"/>
    <title type="html">Grok &lt;b&gt;API&lt;/b&gt; errors</title>
    <published>2026-09-22</published>
    <updated>2026-09-22T09:00:00+0100</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>A <b>fix</b> is out.</p></div></content>
  </entry>
  <entry><link rel="replies" href="/comments/3"/><title/></entry>
</feed>"#;
        let posts = read(atom.as_bytes()).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].title.as_deref(), Some("Grok <b>API</b> errors"));
        assert_eq!(
            posts[0].link.as_deref(),
            Some("https://status.example.com/incidents/2")
        );
        assert_eq!(posts[0].published, at("2026-09-22T00:00:00Z"));
        assert_eq!(posts[0].updated, at("2026-09-22T08:00:00Z"));
        assert_eq!(posts[0].content.as_deref(), Some("A fix is out."));
        assert_eq!(
            posts[1].link.as_deref(),
            Some("https://status.example.com/comments/3")
        );
        assert_eq!(posts[1].title, None, "an empty title says nothing");
    }

    #[test]
    fn rss_1_and_a_lone_atom_entry_are_feeds_too() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel><title>Old</title></channel>
  <item><title>One</title><link>https://example.com/1</link></item>
</rdf:RDF>"#;
        let posts = read(rdf.as_bytes()).unwrap();
        assert_eq!(posts[0].title.as_deref(), Some("One"));
        let entry = r#"<entry xmlns="http://www.w3.org/2005/Atom"><title>Alone</title></entry>"#;
        assert_eq!(
            read(entry.as_bytes()).unwrap()[0].title.as_deref(),
            Some("Alone")
        );
    }

    #[test]
    fn what_is_not_a_whole_feed_is_none() {
        for body in [
            &b""[..],
            b"{\"status\": \"ok\"}",
            b"<!DOCTYPE html><html><body>Just a moment...</body></html>",
            b"<rss version=\"2.0\"></rss>",
            b"<rss version=\"2.0\"><channel><item><title>cut short",
            b"<rss version=\"2.0\"><channel><item><title>x</item></channel></rss>",
            b"<feed><entry><title>a</title></entry>",
        ] {
            assert_eq!(read(body), None, "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(read(b"<feed/>"), Some(vec![]));
    }

    #[test]
    fn declared_and_marked_encodings_are_decoded() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>Caf\xe9 \x93down\x94</title></item></channel></rss>";
        let posts = read(latin1).unwrap();
        assert_eq!(posts[0].title.as_deref(), Some("Café “down”"));
        let text = "<rss><channel><item><title>Zürich</title></item></channel></rss>";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read(&utf16).unwrap()[0].title.as_deref(), Some("Zürich"));
        let broken =
            b"\xEF\xBB\xBF<rss><channel><item><title>a\xFFb</title></item></channel></rss>";
        assert_eq!(
            read(broken).unwrap()[0].title.as_deref(),
            Some("a\u{FFFD}b")
        );
    }

    #[test]
    fn what_is_read_is_bounded() {
        let many = format!(
            "<rss><channel><item><title>{}</title></item>{}</channel></rss>",
            "é".repeat(MAX_TEXT_BYTES),
            "<item><title>t</title></item>".repeat(MAX_POSTS + 5)
        );
        let posts = read(many.as_bytes()).unwrap();
        assert_eq!(posts.len(), MAX_POSTS);
        let title = posts[0].title.as_deref().unwrap_or_default();
        assert!(title.len() <= MAX_TEXT_BYTES && title.len() > MAX_TEXT_BYTES - 4);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(body in vec(any::<u8>(), 0..4096)) {
            if let Some(posts) = read(&body) {
                prop_assert!(posts.len() <= MAX_POSTS);
            }
        }

        #[test]
        fn any_well_formed_feed_is_read_and_bounded(body in feed()) {
            let posts = read(body.as_bytes());
            prop_assert!(posts.is_some(), "{}", body);
            for post in posts.iter().flatten() {
                for text in [&post.title, &post.summary, &post.content, &post.link]
                    .into_iter()
                    .flatten()
                {
                    prop_assert!(text.len() <= MAX_TEXT_BYTES + 64);
                }
            }
        }
    }

    /// A well-formed RSS or Atom document of any shape, made of the elements posts use.
    fn feed() -> impl Strategy<Value = String> {
        const NAMES: &[&str] = &[
            "item",
            "entry",
            "channel",
            "title",
            "link",
            "description",
            "pubDate",
            "updated",
            "published",
            "summary",
            "content",
            "atom:updated",
            "atom:link",
            "dc:date",
            "content:encoded",
            "x",
        ];
        let leaf = prop_oneof![
            "[^<&\\]]{0,12}",
            "&[a-z#x0-9]{0,6};",
            "&[ ]",
            "[^\\]]{0,8}".prop_map(|text| format!("<![CDATA[{text}]]>")),
            "[a-z:/.&;#0-9]{0,12}".prop_map(|href| format!("<link href=\"{href}\"/>")),
            "(Mon, )?[0-9]{1,2} [A-Z][a-z]{2} [0-9]{2,4} [0-9]{1,2}:[0-9]{2} [A-Z+0-9-]{0,5}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}[Z+0-9:-]{0,6})?",
        ];
        let tree = leaf.prop_recursive(5, 96, 6, |inner| {
            (
                proptest::sample::select(NAMES),
                "[a-z:/.]{0,12}",
                any::<bool>(),
                vec(inner, 0..6),
            )
                .prop_map(|(name, base, has_base, children)| {
                    let attribute = if has_base {
                        format!(" xml:base=\"{base}\"")
                    } else {
                        String::new()
                    };
                    format!("<{name}{attribute}>{}</{name}>", children.concat())
                })
        });
        let namespaces = "xmlns:atom=\"http://www.w3.org/2005/Atom\" \
            xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
            xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"";
        (any::<bool>(), vec(tree, 0..8)).prop_map(move |(atom, children)| {
            let children = children.concat();
            if atom {
                format!(
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\" {namespaces}>{children}</feed>"
                )
            } else {
                format!("<rss version=\"2.0\" {namespaces}><channel>{children}</channel></rss>")
            }
        })
    }

    #[test]
    fn attribute_references_are_resolved_and_unknown_ones_kept() {
        assert_eq!(
            unescape("a&amp;b&#x41;&#66;&nbsp;&#0;&;&"),
            "a&bAB&nbsp;&#0;&;&"
        );
    }
}
