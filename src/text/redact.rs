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

/// The URL with its user name and password replaced by `***` (`https://***:***@host/`): a user
/// name is as often a token as a name (`https://ghp_TOKEN@github.com/`), so neither is printed.
/// So are the values of query (and fragment) parameters named like secrets (`?token=***`).
pub fn redact(url: &Url) -> String {
    let query = url.query().and_then(hidden_parameters);
    let fragment = url.fragment().and_then(hidden_parameters);
    let credentials = !url.username().is_empty() || url.password().is_some();
    if query.is_none() && fragment.is_none() && !credentials {
        return url.to_string();
    }
    let mut shown = url.clone();
    if query.is_some() {
        shown.set_query(query.as_deref());
    }
    if fragment.is_some() {
        shown.set_fragment(fragment.as_deref());
    }
    // These only fail for URLs that cannot have credentials, which have none.
    if !url.username().is_empty() {
        let _ = shown.set_username("***");
    }
    if url.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// Redacts the user name and password of a URL as typed (`***@host`, `***:***@host`), and the
/// values of parameters named like secrets, keeping everything else exactly as it was. The
/// authority ends at the first `/`, so credentials holding `?` or `#` are redacted too.
pub fn redact_typed(typed: &str) -> String {
    let credentials_hidden = redact_typed_credentials(typed);
    // What follows the path: `?query`, then `#fragment`, each a list of parameters.
    let authority_start = credentials_hidden.find("://").map_or(0, |i| i + 3);
    let after_path = credentials_hidden[authority_start..]
        .find(['?', '#'])
        .map(|i| i + authority_start);
    let Some(split) = after_path else {
        return credentials_hidden;
    };
    let (head, tail) = credentials_hidden.split_at(split);
    let (query, fragment) = match tail.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (tail, None),
    };
    let mut shown = head.to_string();
    if let Some(query) = query.strip_prefix('?') {
        shown.push('?');
        shown.push_str(&hidden_parameters(query).unwrap_or_else(|| query.to_string()));
    }
    if let Some(fragment) = fragment {
        shown.push('#');
        shown.push_str(&hidden_parameters(fragment).unwrap_or_else(|| fragment.to_string()));
    }
    shown
}

/// Parameter names whose values are secrets: any name holding one of these...
const SECRET_PARTS: &[&str] = &[
    "token",
    "secret",
    "passw",
    "apikey",
    "api_key",
    "api-key",
    "signature",
    "credential",
    "auth",
    "session",
];
/// ...or one of these names exactly.
const SECRET_NAMES: &[&str] = &["key", "pwd", "pass", "sig", "sid", "code", "access_key"];

fn is_secret_name(name: &str) -> bool {
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .to_lowercase();
    SECRET_PARTS.iter().any(|part| name.contains(part)) || SECRET_NAMES.contains(&name.as_str())
}

/// `a=1&token=abc` as `a=1&token=***`; none when no value is hidden.
fn hidden_parameters(list: &str) -> Option<String> {
    let secret = |parameter: &str| {
        parameter
            .split_once('=')
            .is_some_and(|(name, value)| !value.is_empty() && is_secret_name(name))
    };
    if !list.split('&').any(secret) {
        return None;
    }
    let shown: Vec<String> = list
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((name, _)) if secret(parameter) => format!("{name}=***"),
            _ => parameter.to_string(),
        })
        .collect();
    Some(shown.join("&"))
}

fn redact_typed_credentials(typed: &str) -> String {
    let authority_start = typed.find("://").map_or(0, |i| i + 3);
    let rest = &typed[authority_start..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return typed.to_string();
    };
    let credentials = &authority[..at];
    let hidden = match credentials.split_once(':') {
        Some(("", _)) => ":***",
        Some(_) => "***:***",
        None if credentials.is_empty() => "",
        None => "***",
    };
    format!(
        "{}{hidden}{}",
        &typed[..authority_start],
        &typed[authority_start + at..]
    )
}

/// `text` with every occurrence of `secret` replaced by `***`, found whatever its case and
/// whatever white space sits between its characters (`TOKEN`, `to ken`, `to\nken`): an answer
/// may echo a token changed that way. Redact before cutting a text: a cut through the secret
/// would leave its first characters for nobody to find.
pub fn secret(text: &str, secret: &str) -> String {
    let wanted: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    if wanted.is_empty() {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut shown = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        match match_at(&chars, at, &wanted) {
            Some(end) => {
                shown.push_str("***");
                at = end;
            }
            None => {
                shown.push(chars[at]);
                at += 1;
            }
        }
    }
    shown
}

/// Where a match of `wanted` starting at `start` ends, white space inside it skipped.
fn match_at(chars: &[char], start: usize, wanted: &[char]) -> Option<usize> {
    let mut at = start;
    for (index, want) in wanted.iter().enumerate() {
        if index > 0 {
            while chars.get(at).is_some_and(|c| c.is_whitespace()) {
                at += 1;
            }
        }
        let got = chars.get(at)?;
        if got != want && !got.to_lowercase().eq(want.to_lowercase()) {
            return None;
        }
        at += 1;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_and_passwords_are_redacted_alike() {
        let shown = |typed: &str| redact(&Url::parse(typed).unwrap());
        assert_eq!(
            shown("https://u:pw@h.example/x"),
            "https://***:***@h.example/x"
        );
        assert_eq!(
            shown("https://ghp_T0KEN@h.example/"),
            "https://***@h.example/"
        );
        assert_eq!(shown("https://:pw@h.example/"), "https://:***@h.example/");
        assert_eq!(shown("https://h.example/a@b"), "https://h.example/a@b");
        assert_eq!(
            redact_typed("https://u:pw@h.example/x"),
            "https://***:***@h.example/x"
        );
        assert_eq!(
            redact_typed("ghp_T0KEN@h.example:8443/p"),
            "***@h.example:8443/p"
        );
        assert_eq!(redact_typed("https://:pw@h/"), "https://:***@h/");
        assert_eq!(redact_typed("https://@h/"), "https://@h/");
        assert_eq!(redact_typed("https://u:p?w#x@h/"), "https://***:***@h/");
        assert_eq!(redact_typed("https://h/x@y"), "https://h/x@y");
        assert_eq!(redact_typed("h.example"), "h.example");
    }

    #[test]
    fn parameters_named_like_secrets_are_redacted() {
        let shown = |typed: &str| redact(&Url::parse(typed).unwrap());
        assert_eq!(
            shown("https://h.example/p?token=abc&page=2&api_key=zzz"),
            "https://h.example/p?token=***&page=2&api_key=***"
        );
        assert_eq!(
            shown("https://h.example/cb#access_token=abc&state=x"),
            "https://h.example/cb#access_token=***&state=x"
        );
        assert_eq!(
            shown("https://h.example/?q=token&key=&X-Amz-Signature=f00"),
            "https://h.example/?q=token&key=&X-Amz-Signature=***"
        );
        assert_eq!(
            redact_typed("u:p@h.example/p?Token=abc&a=1#sig=x"),
            "***:***@h.example/p?Token=***&a=1#sig=***"
        );
        assert_eq!(redact_typed("h.example/p?a=1"), "h.example/p?a=1");
        assert_eq!(redact_typed("h.example#x"), "h.example#x");
    }

    #[test]
    fn a_secret_is_found_in_any_case_and_with_white_space_inside() {
        assert_eq!(secret("a gp-Tok9 b", "gp-Tok9"), "a *** b");
        assert_eq!(secret("GP-TOK9/gp-tok9", "gp-Tok9"), "***/***");
        assert_eq!(secret("x gp- Tok\n9 y", "gp-Tok9"), "x *** y");
        assert_eq!(secret("gp-Tok", "gp-Tok9"), "gp-Tok");
        assert_eq!(secret("ggp-Tok9", "gp-Tok9"), "g***");
        assert_eq!(secret("anything", " "), "anything");
        assert_eq!(secret("", "t"), "");
    }
}
