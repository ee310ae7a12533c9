//! Whom to believe about a server's certificate: `--cacert` first, then the machine's roots
//! (loaded on first use), a `--cacert` certificate trusted as itself, and who issued a
//! certificate that is not trusted.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, WebPkiServerVerifier};
use rustls::crypto::{self, CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

use super::inspection::{issuer_of, Issuer};
use super::trust::{trust_store, Cacert, Environment, TrustError, TrustSource};

/// Whom certificates are checked against: `--cacert` alone first (read up front, and enough
/// for a server it vouches for), then the machine's roots plus `--cacert`, loaded on first use:
/// loading a machine's store is most of a start-up, and a run over plain HTTP needs none of it.
#[derive(Debug)]
pub struct Trusted {
    provider: Arc<CryptoProvider>,
    /// A verifier over `--cacert` alone, and its certificates (trusted as themselves too).
    cacert: Option<(Arc<WebPkiServerVerifier>, Cacert)>,
    /// `SSL_CERT_FILE` as read at the start, and the directories to read.
    environment: Environment,
    machine: OnceLock<Result<(Arc<WebPkiServerVerifier>, TrustSource), TrustError>>,
    /// The deadline of a probe whose handshake is under way: loading the machine's roots, if a
    /// certificate needs them, stops reading directories by then.
    load_by: Mutex<Option<Instant>>,
}

impl Trusted {
    /// `--cacert` (its own verifier built now), and the machine's roots when first needed.
    pub(super) fn new(
        provider: Arc<CryptoProvider>,
        cacert: Option<&Cacert>,
        environment: Environment,
    ) -> Result<Trusted, TrustError> {
        let cacert = match cacert {
            Some(cacert) => {
                let roots = Arc::new(cacert.roots.clone());
                let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .map_err(|e| TrustError::Setup(e.to_string()))?;
                Some((webpki, cacert.clone()))
            }
            None => None,
        };
        Ok(Trusted {
            provider,
            cacert,
            environment,
            machine: OnceLock::new(),
            load_by: Mutex::new(None),
        })
    }

    /// A probe calls this before its handshake with its deadline: if its certificate needs
    /// the machine's roots (what `--cacert` vouches for does not), reading certificate
    /// directories stops by then.
    pub fn load_within(&self, until: Option<Instant>) {
        if self.machine.get().is_none() {
            *self.load_by.lock().unwrap_or_else(|p| p.into_inner()) = until;
        }
    }

    /// The machine's roots plus `--cacert`, loaded now if they were not yet.
    fn machine(&self) -> &Result<(Arc<WebPkiServerVerifier>, TrustSource), TrustError> {
        let until = *self.load_by.lock().unwrap_or_else(|p| p.into_inner());
        self.machine_within(until)
    }

    fn machine_within(
        &self,
        until: Option<Instant>,
    ) -> &Result<(Arc<WebPkiServerVerifier>, TrustSource), TrustError> {
        self.machine.get_or_init(|| {
            let cacert = self.cacert.as_ref().map(|(_, cacert)| cacert);
            let store = trust_store(&self.environment, cacert, until)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(
                Arc::new(store.roots),
                self.provider.clone(),
            )
            .build()
            .map_err(|e| TrustError::Setup(e.to_string()))?;
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
pub(super) struct Verifier {
    /// `None`: `--insecure`, any certificate.
    pub trusted: Option<Arc<Trusted>>,
    pub algorithms: WebPkiSupportedAlgorithms,
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
            Err(why) => Err(rustls::Error::General(why.to_string())),
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

/// A pinned certificate: valid at `now`, and for this host, as webpki matches names (DNS
/// names with `*.` wildcards, IP addresses).
fn check_pinned(
    der: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<ServerCertVerified, rustls::Error> {
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
    let parsed =
        ParsedCertificate::try_from(der).map_err(|_| invalid(CertificateError::BadEncoding))?;
    verify_server_name(&parsed, server_name)
        .map_err(|_| invalid(CertificateError::NotValidForName))?;
    Ok(ServerCertVerified::assertion())
}

#[cfg(test)]
mod tests {
    use rcgen::{CertificateParams, KeyPair};

    use super::*;

    fn certificate_for(names: &[&str]) -> CertificateDer<'static> {
        let key = KeyPair::generate().expect("generate a key");
        let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let params = CertificateParams::new(names).expect("params");
        params.self_signed(&key).expect("sign").der().clone()
    }

    fn pinned_for(cert: &CertificateDer<'_>, host: &str) -> bool {
        let name = ServerName::try_from(host.to_string()).expect("a server name");
        check_pinned(cert, &name, UnixTime::now()).is_ok()
    }

    #[test]
    fn wildcards_match_one_label() {
        let wildcard = certificate_for(&["*.example.com"]);
        assert!(pinned_for(&wildcard, "www.example.com"));
        assert!(pinned_for(&wildcard, "WWW.Example.COM"));
        assert!(!pinned_for(&wildcard, "example.com"));
        assert!(!pinned_for(&wildcard, "a.b.example.com"));
        let exact = certificate_for(&["Example.com", "127.0.0.1"]);
        assert!(pinned_for(&exact, "example.COM"));
        assert!(pinned_for(&exact, "127.0.0.1"));
        assert!(!pinned_for(&exact, "127.0.0.2"));
        let refused = check_pinned(
            &exact,
            &ServerName::try_from("other.example").expect("a server name"),
            UnixTime::now(),
        );
        assert_eq!(
            refused.err(),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName
            ))
        );
    }
}
