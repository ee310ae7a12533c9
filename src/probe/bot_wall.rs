//! Bot walls: an edge that answers with a challenge instead of the service. Such an answer
//! proves only that the edge is up; whether the service is, the status page must say.
//!
//! The recognisers are data: a header an edge sets on its challenges, or marks that only its
//! challenge pages carry. A plain refusal ("Access Denied", "Forbidden") is not a wall: the
//! service, or its edge on its behalf, answered.

/// One kind of challenge, known by a header or by its page.
#[derive(Debug, Clone, Copy)]
pub struct Wall {
    pub vendor: &'static str,
    /// What the challenge is called, for tests and for people reading this list.
    pub page: &'static str,
    pub sign: Sign,
}

#[derive(Debug, Clone, Copy)]
pub enum Sign {
    /// A response header (name in lowercase) with this value, in any case.
    Header(&'static str, &'static str),
    /// Text the page holds, in lowercase; the page is compared without regard to case.
    Body(&'static str),
}

/// Every challenge isitdown knows, newest generations first.
pub static WALLS: &[Wall] = &[
    Wall {
        vendor: "Cloudflare",
        page: "any challenge, by its header",
        sign: Sign::Header("cf-mitigated", "challenge"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "managed challenge (Just a moment...)",
        sign: Sign::Body("<title>just a moment...</title>"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "managed challenge with a typographic ellipsis",
        sign: Sign::Body("<title>just a moment…</title>"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "challenge script",
        sign: Sign::Body("/cdn-cgi/challenge-platform/"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "challenge options",
        sign: Sign::Body("cf_chl_opt"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "JavaScript challenge (Please Wait... | Cloudflare)",
        sign: Sign::Body("<title>please wait... | cloudflare</title>"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "captcha (Attention Required! | Cloudflare)",
        sign: Sign::Body("<title>attention required! | cloudflare</title>"),
    },
    Wall {
        vendor: "Cloudflare",
        page: "browser check of the first generation",
        sign: Sign::Body("cf-browser-verification"),
    },
    Wall {
        vendor: "Vercel",
        page: "security checkpoint, by its header",
        sign: Sign::Header("x-vercel-mitigated", "challenge"),
    },
    Wall {
        vendor: "Vercel",
        page: "security checkpoint",
        sign: Sign::Body("<title>vercel security checkpoint</title>"),
    },
    Wall {
        vendor: "Akamai",
        page: "bot manager challenge",
        sign: Sign::Body("/_sec/cp_challenge/"),
    },
    Wall {
        vendor: "Imperva",
        page: "Incapsula challenge",
        sign: Sign::Body("/_incapsula_resource?"),
    },
    Wall {
        vendor: "DataDome",
        page: "captcha",
        sign: Sign::Body("captcha-delivery.com"),
    },
    Wall {
        vendor: "PerimeterX",
        page: "press and hold captcha",
        sign: Sign::Body("px-captcha"),
    },
    Wall {
        vendor: "AWS WAF",
        page: "challenge or captcha",
        sign: Sign::Body("awswaf"),
    },
];

/// Statuses a bot wall answers with.
pub fn may_be_a_wall(status: u16) -> bool {
    matches!(status, 403 | 429 | 503)
}

/// The wall this answer is, if it is one: by its headers (name in lowercase, value) or the
/// first bytes of its body.
pub fn recognise(
    status: u16,
    headers: &[(String, String)],
    body_start: &[u8],
) -> Option<&'static Wall> {
    if !may_be_a_wall(status) {
        return None;
    }
    let body = String::from_utf8_lossy(body_start).to_lowercase();
    WALLS.iter().find(|wall| match wall.sign {
        Sign::Header(name, value) => headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(name) && v.trim().eq_ignore_ascii_case(value)),
        Sign::Body(mark) => body.contains(mark),
    })
}

/// The vendor of the bot wall this answer comes from, if it is one.
pub fn vendor(
    status: u16,
    headers: &[(String, String)],
    body_start: &[u8],
) -> Option<&'static str> {
    recognise(status, headers, body_start).map(|wall| wall.vendor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.into(), value.into())]
    }

    #[test]
    fn challenges_are_recognised_by_header_or_page() {
        assert_eq!(
            vendor(403, &header("cf-mitigated", "challenge"), b""),
            Some("Cloudflare")
        );
        assert_eq!(
            vendor(503, &[], b"<html><title>Just a moment...</title>"),
            Some("Cloudflare")
        );
        assert_eq!(vendor(403, &[], b"Forbidden"), None);
        assert_eq!(
            vendor(200, &header("cf-mitigated", "challenge"), b""),
            None,
            "a 200 is the service itself"
        );
    }

    #[test]
    fn a_plain_refusal_is_not_a_wall() {
        let akamai = b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\nYou don't have permission to access this server.<P>\nReference&#32;&#35;18&#46;1\n</BODY>\n</HTML>\n";
        assert_eq!(
            recognise(403, &header("server", "AkamaiGHost"), akamai).map(|w| w.vendor),
            None
        );
    }
}
