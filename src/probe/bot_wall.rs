//! Bot walls: an edge that answers with a challenge, a proof-of-work page or a block page
//! instead of the service. Such an answer proves only that the edge is up; whether the service
//! is, the status page (or the places elsewhere) must say. An expected status never makes a
//! wall an answer of the service: catalog rows list 403 among their statuses, and block pages
//! come with 403.
//!
//! The recognisers are data: headers an edge sets on its walls, and marks that only its wall
//! pages carry, looked for in the first bytes of the body whatever the status, 200 and
//! non-standard ones (LinkedIn's 999) included. A few marks are also injected into the pages a
//! service serves (a CDN's bot-detection script): those tell a wall only on a refusal (4xx, 5xx
//! or a status HTTP does not have). A plain refusal ("Forbidden" from the service's own
//! server) is not a wall: the service answered.

/// One kind of wall, known by its signs.
#[derive(Debug, Clone, Copy)]
pub struct Wall {
    pub vendor: &'static str,
    pub kind: Kind,
    /// What the page is, for tests and for people reading this list.
    pub page: &'static str,
    /// All of these hold on the answer.
    pub signs: &'static [Sign],
    /// Where the signs are enough.
    pub on: Statuses,
}

/// What the wall does to a client it does not trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A challenge or captcha a browser may pass.
    Challenge,
    /// A puzzle the browser's CPU must solve first (Anubis and its kin).
    ProofOfWork,
    /// A refusal of this client by the edge: a WAF rule, a network policy, a banned address.
    Block,
}

/// The statuses a wall's signs are enough on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    /// Any status, 200 included: the marks are only ever on wall pages.
    Any,
    /// Only a refusal (4xx, 5xx or a status outside HTTP's): the marks also show up in pages
    /// that serve.
    Refusals,
}

#[derive(Debug, Clone, Copy)]
pub enum Sign {
    /// A response header (name in lowercase) with this value, in any case.
    Header(&'static str, &'static str),
    /// A response header (name in lowercase) that is present at all.
    HeaderPresent(&'static str),
    /// Text the page holds, in lowercase; the page is compared without regard to case.
    Body(&'static str),
    /// Any of these texts, as [`Sign::Body`].
    BodyAny(&'static [&'static str]),
}

impl Wall {
    /// "a Cloudflare bot wall", "an Anubis proof-of-work wall", "a Reddit block page".
    pub fn named(&self) -> String {
        let what = match self.kind {
            Kind::Challenge => "bot wall",
            Kind::ProofOfWork => "proof-of-work wall",
            Kind::Block => "block page",
        };
        let article = match self.vendor.chars().next() {
            Some('A' | 'E' | 'I' | 'O' | 'U') => "an",
            _ => "a",
        };
        format!("{article} {} {what}", self.vendor)
    }

    /// Whether this answer carries every sign of this wall, on a status they are enough on.
    pub fn matches(&self, status: u16, headers: &[(String, String)], body: &str) -> bool {
        if self.on == Statuses::Refusals && !is_a_refusal(status) {
            return false;
        }
        self.signs.iter().all(|sign| match *sign {
            Sign::Header(name, value) => {
                header(headers, name).any(|v| v.trim().eq_ignore_ascii_case(value))
            }
            Sign::HeaderPresent(name) => header(headers, name).next().is_some(),
            Sign::Body(mark) => body.contains(mark),
            Sign::BodyAny(marks) => marks.iter().any(|mark| body.contains(mark)),
        })
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A status that does not serve the page asked for: 4xx, 5xx, or one HTTP does not have.
fn is_a_refusal(status: u16) -> bool {
    !(100..400).contains(&status)
}

const fn wall(
    vendor: &'static str,
    kind: Kind,
    page: &'static str,
    signs: &'static [Sign],
) -> Wall {
    Wall {
        vendor,
        kind,
        page,
        signs,
        on: Statuses::Any,
    }
}

/// A wall whose marks also show up in pages that serve: only a refusal carrying them is one.
const fn on_a_refusal(
    vendor: &'static str,
    kind: Kind,
    page: &'static str,
    signs: &'static [Sign],
) -> Wall {
    Wall {
        on: Statuses::Refusals,
        ..wall(vendor, kind, page, signs)
    }
}

use Kind::{Block, Challenge, ProofOfWork};
use Sign::{Body, BodyAny, Header, HeaderPresent};

/// Every wall isitdown knows, newest generations first within a vendor.
#[rustfmt::skip]
pub static WALLS: &[Wall] = &[
    // Cloudflare's block pages: a WAF rule (1020), the browser's signature (1010), a banned
    // address, network or country (1005 to 1009, 1012); in HTML, or in one line of text for
    // clients that are not browsers. Before the challenges: a block page has the title of a
    // captcha (Attention Required! | Cloudflare).
    wall("Cloudflare", Block, "access denied (... used Cloudflare to restrict access)", &[Body("used cloudflare to restrict access")]),
    wall("Cloudflare", Block, "WAF block (Sorry, you have been blocked)", &[Body("sorry, you have been blocked"), Body("cloudflare")]),
    wall("Cloudflare", Block, "error details of an access denied", &[Body("cf-error-details"), Body("access denied")]),
    wall("Cloudflare", Block, "error code of an access denied", &[Body("cf-error-code"), Body("access denied")]),
    wall("Cloudflare", Block, "access denied, by its error details header", &[HeaderPresent("cf-error-details")]),
    wall("Cloudflare", Block, "access denied, in one line of text", &[BodyAny(&[
        "error code: 1020", "error code: 1010", "error code: 1012", "error code: 1005",
        "error code: 1006", "error code: 1007", "error code: 1008", "error code: 1009",
    ])]),
    // Cloudflare's challenges.
    wall("Cloudflare", Challenge, "any challenge, by its header", &[Header("cf-mitigated", "challenge")]),
    wall("Cloudflare", Challenge, "managed challenge (Just a moment...)", &[Body("<title>just a moment...</title>")]),
    wall("Cloudflare", Challenge, "managed challenge with a typographic ellipsis", &[Body("<title>just a moment…</title>")]),
    wall("Cloudflare", Challenge, "challenge options", &[Body("cf_chl_opt")]),
    wall("Cloudflare", Challenge, "JavaScript challenge (Please Wait... | Cloudflare)", &[Body("<title>please wait... | cloudflare</title>")]),
    wall("Cloudflare", Challenge, "captcha (Attention Required! | Cloudflare)", &[Body("<title>attention required! | cloudflare</title>")]),
    wall("Cloudflare", Challenge, "browser check of the first generation", &[Body("cf-browser-verification")]),
    // Cloudflare injects its bot-detection script into pages that serve, too.
    on_a_refusal("Cloudflare", Challenge, "challenge script", &[Body("/cdn-cgi/challenge-platform/")]),
    // Vercel.
    wall("Vercel", Challenge, "security checkpoint, by its header", &[Header("x-vercel-mitigated", "challenge")]),
    wall("Vercel", Challenge, "security checkpoint", &[Body("<title>vercel security checkpoint</title>")]),
    // Akamai: its bot manager's challenge, and the Access Denied page of its edge, whose
    // reference number Akamai writes with HTML entities ("Reference&#32;&#35;18...").
    wall("Akamai", Challenge, "bot manager challenge", &[Body("/_sec/cp_challenge/")]),
    wall("Akamai", Block, "Access Denied with a reference number", &[Body("<title>access denied</title>"), Body("reference&#32;&#35;")]),
    wall("Akamai", Block, "Access Denied with a link to its error reference", &[Body("access denied"), Body("errors&#46;edgesuite&#46;net")]),
    wall("Akamai", Block, "Access Denied, by its grn header", &[HeaderPresent("akamai-grn"), Body("<title>access denied</title>")]),
    wall("Akamai", Block, "Access Denied, by its cache status header", &[HeaderPresent("akamai-cache-status"), Body("<title>access denied</title>")]),
    // Imperva injects its resource script into pages that serve, too.
    wall("Imperva", Challenge, "Incapsula incident", &[Body("incapsula incident id")]),
    on_a_refusal("Imperva", Challenge, "Incapsula challenge", &[Body("/_incapsula_resource?")]),
    wall("DataDome", Challenge, "captcha", &[Body("captcha-delivery.com")]),
    wall("PerimeterX", Challenge, "press and hold captcha", &[Body("px-captcha")]),
    // AWS WAF: the challenge's own properties; its SDK's host also loads in pages that serve.
    wall("AWS WAF", Challenge, "challenge properties", &[Body("gokuprops")]),
    on_a_refusal("AWS WAF", Challenge, "challenge or captcha", &[Body("awswaf")]),
    // Google's answer to traffic it takes for a robot (www.google.com/sorry/...).
    wall("Google", Challenge, "unusual traffic captcha", &[Body("our systems have detected unusual traffic")]),
    // Proof-of-work walls in front of forges, wikis and archives.
    wall("Anubis", ProofOfWork, "challenge data", &[Body("anubis_challenge")]),
    wall("Anubis", ProofOfWork, "challenge assets", &[Body("/.within.website/x/cmd/anubis/")]),
    wall("Anubis", ProofOfWork, "title (Making sure you're not a bot!)", &[BodyAny(&[
        "making sure you're not a bot", "making sure you&#39;re not a bot",
        "making sure you’re not a bot",
    ])]),
    wall("go-away", ProofOfWork, "challenge assets", &[Body("/git/go-away/cmd/go-away/")]),
    // Refusals of scripts by the sites themselves.
    wall("Reddit", Block, "network policy (whoa there, pardner!)", &[Body("whoa there, pardner!")]),
    wall("Reddit", Block, "network policy, in its words", &[Body("blocked due to a network policy"), Body("reddit")]),
    wall("LinkedIn", Block, "999 Request denied, sending the reader to its authwall", &[Body("/authwall?trk="), Body("trkinfo")]),
    // A region the service refuses: claude.ai sends such visitors to /app-unavailable-in-region,
    // a page that answers 200 and says nothing of whether the service works.
    wall("Anthropic", Block, "region block (App unavailable)", &[Body("<title>app unavailable</title>"), Body("only available in certain regions")]),
];

/// Whether a HEAD answered with this status is asked again with GET, to see the page: the
/// statuses walls come with, and those HTTP does not have. A wall on 200 shows itself to HEAD
/// by its header, or not at all.
pub fn worth_a_look(status: u16) -> bool {
    matches!(status, 401 | 403 | 429 | 503) || !(100..600).contains(&status)
}

/// Whether the start of a body is read to look for a wall: any refusal, and a page that
/// serves when it is a document (a JSON or binary answer is never a wall's page).
pub fn worth_reading(status: u16, content_type: Option<&str>) -> bool {
    if is_a_refusal(status) {
        return true;
    }
    let Some(content_type) = content_type else {
        return true;
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        media.as_str(),
        "" | "text/html" | "text/plain" | "application/xhtml+xml"
    )
}

/// The wall this answer is, if it is one: by its headers (name in any case, value) and the
/// first bytes of its body, lowercased (see [`super::response::Response::recognise`]).
pub fn recognise(status: u16, headers: &[(String, String)], body: &str) -> Option<&'static Wall> {
    WALLS
        .iter()
        .find(|wall| wall.matches(status, headers, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Headers = [(String, String)];

    fn header(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.into(), value.into())]
    }

    fn named(status: u16, headers: &[(String, String)], body: &str) -> Option<String> {
        recognise(status, headers, &body.to_lowercase()).map(Wall::named)
    }

    /// One line per class of wall: the status, what the answer carries, and what it is.
    #[test]
    fn every_class_is_recognised_whatever_the_status() {
        let akamai_denied = "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n\
            <H1>Access Denied</H1>\nYou don't have permission to access this server.<P>\n\
            Reference&#32;&#35;18&#46;1\n</BODY>\n</HTML>\n";
        #[rustfmt::skip]
        let cases: &[(&Headers, &str, &str)] = &[
            (&header("cf-mitigated", "challenge"), "", "a Cloudflare bot wall"),
            (&[], "<title>Just a moment...</title>", "a Cloudflare bot wall"),
            (&[], "<title>Access denied | x.test used Cloudflare to restrict access</title>", "a Cloudflare block page"),
            (&[], "error code: 1020", "a Cloudflare block page"),
            (&[], "<h1>Sorry, you have been blocked</h1> Cloudflare Ray ID", "a Cloudflare block page"),
            (&[], akamai_denied, "an Akamai block page"),
            (&[], "<title>Making sure you&#39;re not a bot!</title>", "an Anubis proof-of-work wall"),
            (&[], "<script id=\"anubis_challenge\" type=\"application/json\">", "an Anubis proof-of-work wall"),
            (&[], "Our systems have detected unusual traffic from your computer network.", "a Google bot wall"),
            (&[], "<h1>whoa there, pardner!</h1>", "a Reddit block page"),
            (&[], "location.href = '/authwall?trk=' + trk + '&trkInfo=' + trkInfo", "a LinkedIn block page"),
            (&[], "window.gokuProps = {}", "an AWS WAF bot wall"),
        ];
        for status in [200, 401, 403, 429, 503, 999] {
            for (headers, body, wall) in cases {
                assert_eq!(
                    named(status, headers, body).as_deref(),
                    Some(*wall),
                    "{status}: {body}"
                );
            }
        }
    }

    #[test]
    fn marks_that_pages_which_serve_carry_too_are_a_wall_only_on_a_refusal() {
        let injected = "<script src=\"/cdn-cgi/challenge-platform/scripts/jsd/main.js\"></script>";
        assert_eq!(named(200, &[], injected), None);
        assert_eq!(named(302, &[], injected), None);
        assert_eq!(
            named(403, &[], injected).as_deref(),
            Some("a Cloudflare bot wall")
        );
        assert_eq!(
            named(999, &[], injected).as_deref(),
            Some("a Cloudflare bot wall")
        );
        let sdk = "<script src=\"https://x.edge.sdk.awswaf.com/x/y/challenge.js\"></script>";
        assert_eq!(named(200, &[], sdk), None);
        assert_eq!(named(405, &[], sdk).as_deref(), Some("an AWS WAF bot wall"));
    }

    #[test]
    fn a_plain_refusal_or_an_edges_error_is_not_a_wall() {
        for (status, body) in [
            (403, "<h1>403 Forbidden</h1><hr><center>nginx</center>"),
            (999, ""),
            (999, "Request denied"),
            (200, "<title>Access Denied</title>"),
            // Akamai's own error page carries a reference number too; it is an error, not a refusal.
            (
                503,
                "<TITLE>Service Unavailable</TITLE> Reference&#32;&#35;18&#46;6f5e",
            ),
            // Cloudflare's 52x pages carry their error details too.
            (
                522,
                "<div id=\"cf-error-details\"> Connection timed out</div>",
            ),
        ] {
            assert_eq!(named(status, &[], body), None, "{status}: {body}");
        }
        let akamai_header = header("akamai-grn", "0.6f5e1602.1760000000.1a2b3c4d");
        assert_eq!(named(403, &akamai_header, "Forbidden"), None);
        assert_eq!(
            named(403, &akamai_header, "<title>Access Denied</title>").as_deref(),
            Some("an Akamai block page")
        );
    }

    #[test]
    fn only_statuses_walls_come_with_are_asked_again_with_get() {
        for status in [401, 403, 429, 503, 999, 600] {
            assert!(worth_a_look(status), "{status}");
        }
        for status in [200, 404, 500] {
            assert!(!worth_a_look(status), "{status}");
        }
        assert!(worth_reading(200, Some("text/html; charset=utf-8")));
        assert!(worth_reading(200, None));
        assert!(!worth_reading(200, Some("application/json")));
        assert!(worth_reading(403, Some("application/json")));
    }
}
