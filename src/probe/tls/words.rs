//! rustls errors as a user would put them. rustls' own messages, and webpki's, often show the
//! names of their Rust types (`received fatal alert: HandshakeFailure`,
//! `Other(OtherError(PathLenConstraintViolated))`): those never reach a sentence, whatever
//! variant a future release adds.

use rustls::pki_types::ServerName;
use rustls::{AlertDescription, CertificateError, InvalidMessage, OtherError, PeerIncompatible};

use super::verify::Untrusted;

/// A rustls error as a user would put it.
pub fn words(error: &rustls::Error) -> String {
    use rustls::Error;
    match error {
        Error::InvalidCertificate(cert) => certificate_words(cert),
        Error::AlertReceived(alert) => {
            format!(
                "the server refused the handshake (alert: {})",
                alert_words(*alert)
            )
        }
        Error::NoApplicationProtocol => "no common application protocol (ALPN)".into(),
        Error::PeerIncompatible(why) => {
            format!(
                "no TLS version or cipher in common ({})",
                incompatible_words(why)
            )
        }
        Error::InvalidMessage(
            InvalidMessage::CertificatePayloadTooLarge
            | InvalidMessage::HandshakePayloadTooLarge
            | InvalidMessage::MessageTooLarge,
        ) => "the server's certificate chain is larger than the 64 KiB a TLS client accepts".into(),
        // Plain HTTP read as TLS makes a record of no known type.
        Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
            "the server does not speak TLS (plain HTTP on this port?)".into()
        }
        Error::InvalidMessage(_) => "the server's TLS handshake is malformed".into(),
        Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } => {
            "the server broke the TLS handshake with an unexpected message".into()
        }
        Error::PeerMisbehaved(_) => "the server broke the rules of the TLS handshake".into(),
        Error::PeerSentOversizedRecord => "the server sent a TLS record larger than allowed".into(),
        Error::DecryptError => "the server's TLS records could not be decrypted".into(),
        Error::NoCertificatesPresented => "the server presented no certificate".into(),
        Error::InvalidCertRevocationList(_)
        | Error::InvalidEncryptedClientHello(_)
        | Error::InconsistentKeys(_) => "the TLS handshake failed".into(),
        // The rest are rustls' own plain words (`General` carries a sentence of ours).
        other => other.to_string(),
    }
}

fn certificate_words(error: &CertificateError) -> String {
    let rejected = |why: &str| format!("certificate rejected: {why}");
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
            let names: Vec<&str> = presented.iter().filter_map(|p| presented_name(p)).collect();
            let names = match names.is_empty() {
                true => "other names".to_string(),
                false => names.join(", "),
            };
            format!("certificate is for {names}, not {expected}")
        }
        CertificateError::Revoked => "certificate revoked".into(),
        CertificateError::BadSignature => "certificate has a bad signature".into(),
        CertificateError::BadEncoding => "certificate is malformed".into(),
        CertificateError::UnhandledCriticalExtension => {
            rejected("it has a critical extension this client does not know")
        }
        CertificateError::UnknownRevocationStatus => rejected("its revocation status is unknown"),
        CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => {
            rejected("the revocation list has expired")
        }
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            rejected("it is signed with an algorithm this client does not support")
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            rejected("it is not meant for a TLS server")
        }
        CertificateError::InvalidOcspResponse => rejected("its OCSP response is invalid"),
        CertificateError::Other(other) => other_words(other),
        _ => "certificate rejected".into(),
    }
}

/// What rustls passes on wrapped: our own "not trusted, issued by", or webpki's reason when
/// rustls has no word of its own for it.
fn other_words(other: &OtherError) -> String {
    if let Some(untrusted) = other.0.downcast_ref::<Untrusted>() {
        return untrusted.to_string();
    }
    let rejected = |why: &str| format!("certificate rejected: {why}");
    match other.0.downcast_ref::<webpki::Error>() {
        Some(webpki::Error::CaUsedAsEndEntity) => {
            "certificate not trusted: self-signed (a CA certificate used by the server itself)"
                .into()
        }
        Some(webpki::Error::EndEntityUsedAsCa) => {
            rejected("a server's certificate signed another one, as only a CA may")
        }
        Some(webpki::Error::PathLenConstraintViolated) => {
            rejected("the chain is longer than a CA in it allows")
        }
        Some(webpki::Error::NameConstraintViolation) => {
            rejected("a CA in the chain may not vouch for this name")
        }
        Some(webpki::Error::RequiredEkuNotFoundContext(_)) => {
            rejected("it is not meant for a TLS server")
        }
        _ => rejected("its chain does not check out"),
    }
}

/// webpki names a certificate's names in its own notation (`DnsName("example.com")`,
/// `IpAddress(192.0.2.1)`): people want the name. Names of other kinds are left out.
fn presented_name(presented: &str) -> Option<&str> {
    let Some((kind, rest)) = presented.split_once('(') else {
        // A plain name, or a kind with nothing to show (`DirectoryName`).
        return (presented != "DirectoryName").then_some(presented);
    };
    let inner = rest.strip_suffix(')')?;
    match kind {
        "DnsName" | "IpAddress" => Some(inner.trim_matches('"')),
        _ => None,
    }
}

/// What an alert says, in the words of the TLS specifications.
fn alert_words(alert: AlertDescription) -> String {
    use AlertDescription as A;
    let words = match alert {
        A::CloseNotify => "close notify",
        A::UnexpectedMessage => "unexpected message",
        A::BadRecordMac => "bad record MAC",
        A::DecryptionFailed => "decryption failed",
        A::RecordOverflow => "record overflow",
        A::DecompressionFailure => "decompression failure",
        A::HandshakeFailure => "handshake failure",
        A::NoCertificate => "no certificate",
        A::BadCertificate => "bad certificate",
        A::UnsupportedCertificate => "unsupported certificate",
        A::CertificateRevoked => "certificate revoked",
        A::CertificateExpired => "certificate expired",
        A::CertificateUnknown => "certificate unknown",
        A::IllegalParameter => "illegal parameter",
        A::UnknownCA => "unknown CA",
        A::AccessDenied => "access denied",
        A::DecodeError => "decode error",
        A::DecryptError => "decrypt error",
        A::ExportRestriction => "export restriction",
        A::ProtocolVersion => "protocol version",
        A::InsufficientSecurity => "insufficient security",
        A::InternalError => "internal error",
        A::InappropriateFallback => "inappropriate fallback",
        A::UserCanceled => "user canceled",
        A::NoRenegotiation => "no renegotiation",
        A::MissingExtension => "missing extension",
        A::UnsupportedExtension => "unsupported extension",
        A::CertificateUnobtainable => "certificate unobtainable",
        A::UnrecognisedName => "unrecognized name",
        A::BadCertificateStatusResponse => "bad certificate status response",
        A::BadCertificateHashValue => "bad certificate hash value",
        A::UnknownPSKIdentity => "unknown PSK identity",
        A::CertificateRequired => "certificate required",
        A::NoApplicationProtocol => "no application protocol",
        A::EncryptedClientHelloRequired => "encrypted client hello required",
        other => return format!("number {}", u8::from(other)),
    };
    words.to_string()
}

/// Which part of TLS the two sides could not agree on.
fn incompatible_words(why: &PeerIncompatible) -> &'static str {
    use PeerIncompatible as P;
    match why {
        P::ServerDoesNotSupportTls12Or13
        | P::ServerTlsVersionIsDisabledByOurConfig
        | P::SupportedVersionsExtensionRequired
        | P::Tls12NotOffered
        | P::Tls12NotOfferedOrEnabled => "the server speaks neither TLS 1.2 nor TLS 1.3",
        P::NoCipherSuitesInCommon => "no cipher suite",
        P::NoKxGroupsInCommon
        | P::NamedGroupsExtensionRequired
        | P::KeyShareExtensionRequired
        | P::NoEcPointFormatsInCommon
        | P::EcPointsExtensionRequired
        | P::UncompressedEcPointsRequired => "no key exchange",
        P::NoSignatureSchemesInCommon
        | P::SignatureAlgorithmsExtensionRequired
        | P::NoCertificateRequestSignatureSchemesInCommon => "no signature scheme",
        _ => "the server wants what this client does not offer",
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// No Rust type name shows: no word in CamelCase (`HandshakeFailure`, `OtherError`).
    fn plain(sentence: &str) -> bool {
        !sentence
            .as_bytes()
            .windows(2)
            .any(|pair| pair[0].is_ascii_lowercase() && pair[1].is_ascii_uppercase())
    }

    #[test]
    fn presented_names_are_plain() {
        assert_eq!(
            presented_name("DnsName(\"other.example\")"),
            Some("other.example")
        );
        assert_eq!(presented_name("IpAddress(127.0.0.1)"), Some("127.0.0.1"));
        assert_eq!(presented_name("127.0.0.1"), Some("127.0.0.1"));
        assert_eq!(presented_name("DirectoryName"), None);
        assert_eq!(presented_name("Unsupported(0x87)"), None);
        let mismatch =
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                expected: ServerName::try_from("a.example").unwrap(),
                presented: vec![
                    "DnsName(\"b.example\")".into(),
                    "IpAddress(10.0.0.1)".into(),
                ],
            });
        assert_eq!(
            words(&mismatch),
            "certificate is for b.example, 10.0.0.1, not a.example"
        );
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

    #[test]
    fn no_sentence_shows_a_type_name() {
        let webpki_reasons = [
            webpki::Error::PathLenConstraintViolated,
            webpki::Error::EndEntityUsedAsCa,
            webpki::Error::NameConstraintViolation,
            webpki::Error::BadDer,
            webpki::Error::MaximumPathDepthExceeded,
        ];
        let mut errors: Vec<rustls::Error> = webpki_reasons
            .into_iter()
            .map(|e| CertificateError::Other(OtherError(Arc::new(e))).into())
            .collect();
        errors.extend([
            CertificateError::UnhandledCriticalExtension.into(),
            CertificateError::InvalidPurpose.into(),
            CertificateError::ApplicationVerificationFailure.into(),
            rustls::Error::AlertReceived(AlertDescription::HandshakeFailure),
            rustls::Error::AlertReceived(AlertDescription::Unknown(250)),
            rustls::Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon),
            rustls::Error::PeerIncompatible(PeerIncompatible::Tls13RequiredForQuic),
            rustls::Error::InvalidMessage(InvalidMessage::MissingData("x")),
            rustls::Error::PeerMisbehaved(rustls::PeerMisbehaved::TooManyEmptyFragments),
            rustls::Error::DecryptError,
        ]);
        for error in &errors {
            let sentence = words(error);
            assert!(plain(&sentence), "{sentence}");
        }
        assert!(!plain("received fatal alert: HandshakeFailure"));
        assert_eq!(
            words(&rustls::Error::AlertReceived(
                AlertDescription::ProtocolVersion
            )),
            "the server refused the handshake (alert: protocol version)"
        );
    }
}
