//! TLS: the verifier over the machine's trust store (see `trust`) plus `--cacert`,
//! `--insecure`, who issued a certificate that is not trusted (see `inspection`), what a
//! certificate says about its expiry, and rustls errors in words.

pub mod inspection;
pub mod trust;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{self, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, InvalidMessage, OtherError,
    SignatureScheme,
};

use inspection::{issuer_of, Issuer};
use trust::{check_environment, trust_store, Cacert, TrustSource};

/// Why the trust store could not be built, in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustError(pub String);

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TrustError {}

/// What the server's certificate says about when it stops being valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub expires_at: SystemTime,
}

impl Certificate {
    /// Whole days from `now` until expiry; negative, whole days since, once expired.
    pub fn days_left(&self, now: SystemTime) -> i64 {
        match self.expires_at.duration_since(now) {
            Ok(left) => (left.as_secs() / 86_400) as i64,
            Err(past) => -((past.duration().as_secs() / 86_400) as i64),
        }
    }

    pub fn expires_within(&self, window: Duration, now: SystemTime) -> bool {
        now.checked_add(window)
            .is_none_or(|horizon| self.expires_at <= horizon)
    }
}

/// Reads the expiry out of a DER certificate.
pub fn certificate_of(der: &CertificateDer<'_>) -> Option<Certificate> {
    let (_, parsed) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let seconds = parsed.validity().not_after.timestamp();
    let expires_at = if seconds >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(seconds as u64))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs()))
    }?;
    Some(Certificate { expires_at })
}

/// The client configuration every probe shares: built once, HTTP/1.1 only. With it comes the
/// trust it checks certificates against (`None` with `insecure`: nothing is checked), which
/// `-v` describes. The `SSL_CERT_*` variables are checked here, so that bad input is found
/// before any probe; the machine's roots are loaded when a certificate first needs them.
pub fn client_config(
    insecure: bool,
    cacert: Option<&Cacert>,
) -> Result<(Arc<ClientConfig>, Option<Arc<Trusted>>), TrustError> {
    let provider = Arc::new(crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TrustError(format!("TLS cannot be set up: {e}")))?;
    let trusted = if insecure {
        None
    } else {
        check_environment().map_err(TrustError)?;
        let cacert = match cacert {
            Some(cacert) => {
                let roots = Arc::new(cacert.roots.clone());
                let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .map_err(|e| TrustError(format!("TLS cannot be set up: {e}")))?;
                Some((webpki, cacert.clone()))
            }
            None => None,
        };
        Some(Arc::new(Trusted {
            provider: provider.clone(),
            cacert,
            machine: OnceLock::new(),
        }))
    };
    let verifier = Verifier {
        trusted: trusted.clone(),
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), trusted))
}

/// Whom certificates are checked against: `--cacert` alone first (read up front, and enough
/// for a server it vouches for), then the machine's roots plus `--cacert`, loaded on first use:
/// loading a machine's store is most of a start-up, and a run over plain HTTP needs none of it.
#[derive(Debug)]
pub struct Trusted {
    provider: Arc<CryptoProvider>,
    /// A verifier over `--cacert` alone, and its certificates (trusted as themselves too).
    cacert: Option<(Arc<WebPkiServerVerifier>, Cacert)>,
    machine: OnceLock<Result<(Arc<WebPkiServerVerifier>, TrustSource), String>>,
}

impl Trusted {
    /// The machine's roots plus `--cacert`, loaded now if they were not yet.
    fn machine(&self) -> &Result<(Arc<WebPkiServerVerifier>, TrustSource), String> {
        self.machine.get_or_init(|| {
            let store = trust_store(self.cacert.as_ref().map(|(_, cacert)| cacert))?;
            let webpki = WebPkiServerVerifier::builder_with_provider(
                Arc::new(store.roots),
                self.provider.clone(),
            )
            .build()
            .map_err(|e| format!("TLS cannot be set up: {e}"))?;
            Ok((webpki, store.source))
        })
    }

    /// Where the roots come from, for `-v`; this loads them if no probe needed them yet.
    pub fn source(&self) -> Option<TrustSource> {
        self.machine()
            .as_ref()
            .ok()
            .map(|(_, source)| source.clone())
    }

    fn pinned(&self) -> &[CertificateDer<'static>] {
        self.cacert
            .as_ref()
            .map_or(&[], |(_, cacert)| &cacert.certs)
    }
}

/// A certificate chain that leads to no trusted root, with the issuer it names: handed on
/// inside rustls' error, so that the failure can say who issued it.
#[derive(Debug)]
pub struct Untrusted(pub Issuer);

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.sentence())
    }
}

impl std::error::Error for Untrusted {}

/// The issuer named in a rustls error, when the certificate was not trusted.
pub fn untrusted_issuer(error: &rustls::Error) -> Option<&Issuer> {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
            other.0.downcast_ref::<Untrusted>().map(|u| &u.0)
        }
        _ => None,
    }
}

/// Whom to believe about a server's certificate. The handshake's signatures are checked in
/// every case, so the session is at least with the holder of the certificate's key.
#[derive(Debug)]
struct Verifier {
    /// `None`: `--insecure`, any certificate.
    trusted: Option<Arc<Trusted>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    /// The usual rules, plus: a certificate the user handed over with --cacert is trusted when
    /// the server presents exactly it, even where the usual rules refuse it (one made with
    /// `openssl req -x509` says it is a CA, which a server's may not). It must still be valid
    /// now and name the host.
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(trusted) = &self.trusted else {
            return Ok(ServerCertVerified::assertion());
        };
        let verify = |webpki: &WebPkiServerVerifier| {
            webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        // What --cacert vouches for needs nothing more: no machine store is loaded for it.
        let pinned = trusted.pinned();
        if let Some((cacert, _)) = &trusted.cacert {
            if let Ok(verified) = verify(cacert) {
                return Ok(verified);
            }
        }
        if pinned.iter().any(|p| p.as_ref() == end_entity.as_ref()) {
            if let Ok(verified) = check_pinned(end_entity, server_name, now) {
                return Ok(verified);
            }
        }
        let usual = match trusted.machine() {
            Ok((webpki, _)) => verify(webpki),
            Err(why) => Err(rustls::Error::General(why.clone())),
        };
        match usual {
            Err(_) if pinned.iter().any(|p| p.as_ref() == end_entity.as_ref()) => {
                check_pinned(end_entity, server_name, now)
            }
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                Err(untrusted(end_entity))
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// "Not trusted", naming the issuer when the certificate can be read.
fn untrusted(end_entity: &CertificateDer<'_>) -> rustls::Error {
    match issuer_of(std::slice::from_ref(end_entity)) {
        Some(issuer) => rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(Untrusted(issuer)),
        ))),
        None => rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
    }
}

/// A pinned certificate: valid at `now`, and for this host (DNS name, `*.` wildcard, or IP).
fn check_pinned(
    der: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<ServerCertVerified, rustls::Error> {
    use x509_parser::extensions::GeneralName;
    let invalid = |e: CertificateError| rustls::Error::InvalidCertificate(e);
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|_| invalid(CertificateError::BadEncoding))?;
    let now = now.as_secs() as i64;
    let validity = cert.validity();
    if now > validity.not_after.timestamp() {
        return Err(invalid(CertificateError::Expired));
    }
    if now < validity.not_before.timestamp() {
        return Err(invalid(CertificateError::NotValidYet));
    }
    let names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| san.value.general_names.clone())
        .unwrap_or_default();
    let matches = names.iter().any(|name| match (name, server_name) {
        (GeneralName::DNSName(pattern), ServerName::DnsName(host)) => {
            dns_matches(pattern, host.as_ref())
        }
        (GeneralName::IPAddress(bytes), ServerName::IpAddress(ip)) => {
            let ip = std::net::IpAddr::from(*ip);
            match ip {
                std::net::IpAddr::V4(v4) => *bytes == v4.octets(),
                std::net::IpAddr::V6(v6) => *bytes == v6.octets(),
            }
        }
        _ => false,
    });
    if matches {
        Ok(ServerCertVerified::assertion())
    } else {
        Err(invalid(CertificateError::NotValidForName))
    }
}

fn dns_matches(pattern: &str, host: &str) -> bool {
    let (pattern, host) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
        None => pattern == host,
    }
}

/// A rustls error as a user would put it.
pub fn words(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(cert) => certificate_words(cert),
        rustls::Error::AlertReceived(alert) => {
            format!("the server refused the handshake (alert: {alert:?})")
        }
        rustls::Error::NoApplicationProtocol => "no common application protocol (ALPN)".into(),
        rustls::Error::PeerIncompatible(why) => {
            format!("no TLS version or cipher in common ({why:?})")
        }
        rustls::Error::InvalidMessage(
            InvalidMessage::CertificatePayloadTooLarge
            | InvalidMessage::HandshakePayloadTooLarge
            | InvalidMessage::MessageTooLarge,
        ) => "the server's certificate chain is larger than the 64 KiB a TLS client accepts".into(),
        // Plain HTTP read as TLS makes a record of no known type.
        rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "the server does not speak TLS (plain HTTP on this port?)".into()
        }
        rustls::Error::InvalidMessage(what) => {
            format!("the server's TLS handshake is malformed ({what:?})")
        }
        rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => {
            "the server broke the TLS handshake with an unexpected message".into()
        }
        other => other.to_string(),
    }
}

fn certificate_words(error: &CertificateError) -> String {
    match error {
        CertificateError::UnknownIssuer => {
            "certificate not trusted: self-signed or unknown issuer".into()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "certificate expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "certificate not valid yet".into()
        }
        CertificateError::NotValidForName => "certificate is for another host name".into(),
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let expected = match expected {
                ServerName::DnsName(name) => name.as_ref().to_string(),
                ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
                _ => "this host".into(),
            };
            format!(
                "certificate is for {}, not {expected}",
                if presented.is_empty() {
                    "other names".to_string()
                } else {
                    presented
                        .iter()
                        .map(|p| unwrap_debug(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )
        }
        CertificateError::Revoked => "certificate revoked".into(),
        CertificateError::BadSignature => "certificate has a bad signature".into(),
        CertificateError::BadEncoding => "certificate is malformed".into(),
        CertificateError::Other(other) if other.0.downcast_ref::<Untrusted>().is_some() => {
            other.0.to_string()
        }
        CertificateError::Other(other)
            if matches!(webpki_reason(other), Some(webpki::Error::CaUsedAsEndEntity)) =>
        {
            "certificate not trusted: self-signed (a CA certificate used by the server itself)"
                .into()
        }
        other => format!("certificate rejected: {other}"),
    }
}

/// webpki's own reason for refusing a certificate, which rustls passes on wrapped when it has
/// no word of its own for it.
fn webpki_reason(other: &OtherError) -> Option<&webpki::Error> {
    other.0.downcast_ref::<webpki::Error>()
}

/// webpki names the certificate's names as `DnsName("example.com")`; people want the name.
fn unwrap_debug(presented: &str) -> &str {
    match (presented.find('"'), presented.rfind('"')) {
        (Some(open), Some(close)) if close > open => &presented[open + 1..close],
        _ => presented,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_counts_whole_days_and_goes_negative() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let in_three_days = Certificate {
            expires_at: now + Duration::from_secs(3 * 86_400 + 10),
        };
        assert_eq!(in_three_days.days_left(now), 3);
        assert!(in_three_days.expires_within(Duration::from_secs(14 * 86_400), now));
        assert!(!in_three_days.expires_within(Duration::from_secs(86_400), now));
        let expired = Certificate {
            expires_at: now - Duration::from_secs(86_400 + 60),
        };
        assert_eq!(expired.days_left(now), -1, "a day and a minute ago");
        let just_expired = Certificate {
            expires_at: now - Duration::from_secs(60),
        };
        assert_eq!(just_expired.days_left(now), 0);
    }

    #[test]
    fn presented_names_are_plain() {
        assert_eq!(unwrap_debug("DnsName(\"other.example\")"), "other.example");
        assert_eq!(unwrap_debug("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn wildcards_match_one_label() {
        assert!(dns_matches("*.example.com", "www.example.com"));
        assert!(!dns_matches("*.example.com", "example.com"));
        assert!(!dns_matches("*.example.com", "a.b.example.com"));
        assert!(dns_matches("Example.com", "example.COM"));
    }

    #[test]
    fn certificate_errors_read_like_sentences() {
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(
            words(&unknown),
            "certificate not trusted: self-signed or unknown issuer"
        );
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(words(&expired), "certificate expired");
        let ca_as_server = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(webpki::Error::CaUsedAsEndEntity),
        )));
        assert_eq!(
            words(&ca_as_server),
            "certificate not trusted: self-signed (a CA certificate used by the server itself)"
        );
        let other_reason = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
            Arc::new(webpki::Error::PathLenConstraintViolated),
        )));
        assert!(words(&other_reason).starts_with("certificate rejected: "));
    }
}
