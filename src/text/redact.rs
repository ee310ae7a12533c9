//! Passwords never printed, and hosts named as people write them: the URL helpers every
//! layer that shows a URL relies on.

use url::Url;

/// The host (and port, when not the default), in Unicode for international names.
pub fn host_name(url: &Url) -> String {
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => idna::domain_to_unicode(domain).0,
        Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// The URL with its password replaced by `***`: passwords are never printed.
pub fn redact(url: &Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    // set_password only fails for URLs that cannot have credentials, which have none.
    let _ = shown.set_password(Some("***"));
    shown.to_string()
}

/// Redacts the password of a URL as typed, keeping everything else exactly as it was. The
/// authority ends at the first `/`, so a password holding `?` or `#` is redacted too.
pub fn redact_typed(typed: &str) -> String {
    let authority_start = typed.find("://").map_or(0, |i| i + 3);
    let rest = &typed[authority_start..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return typed.to_string();
    };
    let Some(colon) = authority[..at].find(':') else {
        return typed.to_string();
    };
    let password_start = authority_start + colon + 1;
    let password_end = authority_start + at;
    format!("{}***{}", &typed[..password_start], &typed[password_end..])
}
