//! Who issued a certificate this machine does not trust, and whether that issuer is a product
//! that inspects TLS (a corporate proxy, a secure web gateway, an antivirus' web shield). Behind
//! one of those every HTTPS service looks broken, though the service itself may be fine.

use rustls::pki_types::CertificateDer;
use x509_parser::x509::X509Name;

use crate::text::sanitize::for_terminal;

/// Known TLS-inspection products: a word or phrase of the issuer's name (common name,
/// organisation or unit; any case, whole words) and the product it means.
pub const INSPECTORS: &[(&str, &str)] = &[
    ("zscaler", "Zscaler"),
    ("netskope", "Netskope"),
    ("fortinet", "Fortinet"),
    ("fortigate", "FortiGate"),
    ("palo alto networks", "Palo Alto Networks"),
    ("sophos", "Sophos"),
    ("blue coat", "Blue Coat"),
    ("bluecoat", "Blue Coat"),
    ("proxysg", "Symantec ProxySG"),
    ("symantec web security", "Symantec Web Security"),
    ("cisco umbrella", "Cisco Umbrella"),
    ("opendns", "Cisco Umbrella"),
    ("kaspersky", "Kaspersky"),
    ("avast", "Avast"),
    ("avg", "AVG"),
    ("eset", "ESET"),
    ("bitdefender", "Bitdefender"),
    ("forcepoint", "Forcepoint"),
    ("websense", "Forcepoint"),
    ("mcafee web gateway", "McAfee Web Gateway"),
    ("skyhigh", "Skyhigh Security"),
    ("check point", "Check Point"),
    ("checkpoint", "Check Point"),
    ("barracuda", "Barracuda"),
    ("sonicwall", "SonicWall"),
    ("watchguard", "WatchGuard"),
    ("trend micro", "Trend Micro"),
    ("cloudflare for teams", "Cloudflare Zero Trust"),
    ("cloudflare gateway", "Cloudflare Zero Trust"),
    ("menlo security", "Menlo Security"),
    ("cato networks", "Cato Networks"),
    ("iboss", "iboss"),
    ("lightspeed systems", "Lightspeed Systems"),
    ("securly", "Securly"),
    ("goguardian", "GoGuardian"),
    ("contentkeeper", "ContentKeeper"),
    ("smoothwall", "Smoothwall"),
    ("untangle", "Untangle"),
    ("norton", "Norton"),
    ("avira", "Avira"),
    ("f-secure", "F-Secure"),
    ("mitmproxy", "mitmproxy"),
    ("charles proxy", "Charles Proxy"),
    ("fiddlerroot", "Fiddler"),
    ("fiddler", "Fiddler"),
    ("portswigger", "Burp Suite"),
];

/// Issuer names are shown in a sentence; longer ones are cut.
const MAX_NAME_CHARS: usize = 100;

/// The issuer of a server's certificate, as a person would name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// Its common name, else its organisation, else the whole name; sanitized and bounded.
    pub name: String,
    /// The inspection product it belongs to, if a known one.
    pub inspector: Option<&'static str>,
    /// The certificate names itself as its issuer.
    pub self_signed: bool,
}

impl Issuer {
    /// Why the certificate is not trusted, in words: inspection first, then self-signed, then
    /// an issuer this machine does not know.
    pub fn sentence(&self) -> String {
        if self.inspector.is_some() {
            inspection_sentence(&self.name)
        } else if self.self_signed {
            format!("certificate not trusted: self-signed ('{}')", self.name)
        } else {
            not_trusted_sentence(&self.name)
        }
    }
}

/// The issuer of the chain's first (the server's own) certificate; `None` when there is no
/// certificate or it cannot be read.
pub fn issuer_of(chain: &[CertificateDer<'_>]) -> Option<Issuer> {
    let (_, leaf) = x509_parser::parse_x509_certificate(chain.first()?.as_ref()).ok()?;
    let issuer = leaf.issuer();
    let name = first_value(issuer.iter_common_name().map(|a| a.as_str()))
        .or_else(|| first_value(issuer.iter_organization().map(|a| a.as_str())))
        .unwrap_or_else(|| issuer.to_string());
    let searched = issuer
        .iter_common_name()
        .chain(issuer.iter_organization())
        .chain(issuer.iter_organizational_unit())
        .filter_map(|a| a.as_str().ok())
        .collect::<Vec<&str>>()
        .join(" / ");
    Some(Issuer {
        name: crate::text::sanitize::text(name.trim(), MAX_NAME_CHARS),
        inspector: inspector_named(&searched),
        self_signed: same_name(issuer, leaf.subject()),
    })
}

/// The inspection product named in `text`, matching whole words regardless of case.
pub fn inspector_named(text: &str) -> Option<&'static str> {
    let text = text.to_lowercase();
    INSPECTORS
        .iter()
        .find(|(needle, _)| contains_word(&text, needle))
        .map(|(_, product)| *product)
}

/// "certificate not trusted: issued by 'Example Corp Inspection CA', which this machine does not
/// trust"
pub fn not_trusted_sentence(issuer: &str) -> String {
    format!(
        "certificate not trusted: issued by '{}', which this machine does not trust",
        for_terminal(issuer)
    )
}

/// "your network or security software inspects TLS (issuer 'Zscaler Root CA'): the service
/// itself may be fine"
pub fn inspection_sentence(issuer: &str) -> String {
    format!(
        "your network or security software inspects TLS (issuer '{}'): the service itself may be fine",
        for_terminal(issuer)
    )
}

fn first_value<'a, E>(mut values: impl Iterator<Item = Result<&'a str, E>>) -> Option<String> {
    values
        .find_map(|v| v.ok().filter(|v| !v.trim().is_empty()))
        .map(str::to_string)
}

fn same_name(a: &X509Name<'_>, b: &X509Name<'_>) -> bool {
    a.as_raw() == b.as_raw()
}

/// `needle` occurs in `text` with no letter or digit right before or after it.
fn contains_word(text: &str, needle: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !is_word(before) && !is_word(after)
    })
}

#[cfg(test)]
#[path = "inspection_tests.rs"]
mod tests;
