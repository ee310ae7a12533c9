//! TLS: the client configuration every request shares, whom it trusts (`verify`, over the
//! machine's trust store in `trust` plus `--cacert`, or nothing with `--insecure`), who issued a
//! certificate that is not trusted (`inspection`), what a certificate says about its expiry,
//! and rustls errors in words (`words`). The handshake itself is one of the transport's seams.

pub mod inspection;
pub mod trust;
mod verify;
mod words;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::crypto;
use rustls::pki_types::CertificateDer;
use rustls::ClientConfig;

pub use trust::TrustError;
use trust::{Cacert, Environment};
use verify::Verifier;
pub use verify::{untrusted_issuer, Trusted};
pub use words::words;

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

/// What `-v` tells about a TLS connection, as curl -v does: the protocol and cipher suite
/// agreed on, and whom the server's certificate names and who signed it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Handshake {
    /// `TLSv1_3`, as rustls names it.
    pub version: Option<String>,
    pub cipher: Option<String>,
    /// The leaf certificate's subject and issuer, as distinguished names (`CN=..., O=...`).
    pub subject: Option<String>,
    pub issuer: Option<String>,
}

impl Handshake {
    /// What a finished (or failed) handshake agreed on and the server sent.
    pub fn of(connection: &rustls::ClientConnection) -> Handshake {
        let leaf = connection
            .peer_certificates()
            .and_then(|chain| chain.first());
        let names = leaf.and_then(|der| {
            let (_, parsed) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
            Some((parsed.subject().to_string(), parsed.issuer().to_string()))
        });
        let (subject, issuer) = names.unzip();
        Handshake {
            version: connection.protocol_version().map(|v| match v.as_str() {
                Some(name) => name.to_string(),
                None => format!("{v:?}"),
            }),
            cipher: connection.negotiated_cipher_suite().map(|suite| {
                let suite = suite.suite();
                match suite.as_str() {
                    Some(name) => name.to_string(),
                    None => format!("{suite:?}"),
                }
            }),
            subject,
            issuer,
        }
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
/// `-v` describes. `SSL_CERT_FILE` is read and the `SSL_CERT_DIR` directories checked here, so that bad input is found
/// before any probe; the machine's roots are loaded when a certificate first needs them.
pub fn client_config(
    insecure: bool,
    cacert: Option<&Cacert>,
) -> Result<(Arc<ClientConfig>, Option<Arc<Trusted>>), TrustError> {
    let provider = Arc::new(crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TrustError::Setup(words(&e)))?;
    let trusted = if insecure {
        None
    } else {
        let environment = Environment::from_process()?;
        Some(Arc::new(Trusted::new(
            provider.clone(),
            cacert,
            environment,
        )?))
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
}
