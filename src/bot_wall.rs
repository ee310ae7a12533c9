//! Bot walls: an edge that answers with a challenge instead of the service. Such an answer
//! proves only that the edge is up; whether the service is, the status page must say.

/// Markers of challenge pages, by vendor. They are looked for in the first bytes of the body.
const BODY_MARKERS: &[(&str, &str)] = &[
    ("Cloudflare", "cf_chl_opt"),
    ("Cloudflare", "/cdn-cgi/challenge-platform/"),
    ("Cloudflare", "<title>Just a moment...</title>"),
    ("Cloudflare", "cf-browser-verification"),
    ("DataDome", "captcha-delivery.com"),
    ("PerimeterX", "px-captcha"),
    ("AWS WAF", "awswaf"),
];

/// Statuses a bot wall answers with.
pub fn may_be_a_wall(status: u16) -> bool {
    matches!(status, 403 | 429 | 503)
}

/// The vendor of the bot wall this answer comes from, if it is one.
pub fn vendor(status: u16, cf_mitigated: Option<&str>, body_start: &[u8]) -> Option<&'static str> {
    if !may_be_a_wall(status) {
        return None;
    }
    if cf_mitigated.is_some_and(|v| v.trim().eq_ignore_ascii_case("challenge")) {
        return Some("Cloudflare");
    }
    let body = String::from_utf8_lossy(body_start);
    BODY_MARKERS
        .iter()
        .find(|(_, marker)| body.contains(marker))
        .map(|(vendor, _)| *vendor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_recognised_by_header_or_page() {
        assert_eq!(vendor(403, Some("challenge"), b""), Some("Cloudflare"));
        assert_eq!(
            vendor(503, None, b"<html><title>Just a moment...</title>"),
            Some("Cloudflare")
        );
        assert_eq!(
            vendor(
                403,
                None,
                b"<script src='https://geo.captcha-delivery.com/x'>"
            ),
            Some("DataDome")
        );
        assert_eq!(vendor(403, None, b"Forbidden"), None);
        assert_eq!(
            vendor(200, Some("challenge"), b""),
            None,
            "a 200 is the service itself"
        );
    }
}
