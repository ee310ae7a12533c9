use super::*;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer as Signer, KeyPair,
};

fn name(pairs: &[(DnType, &str)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (kind, value) in pairs {
        dn.push(kind.clone(), *value);
    }
    dn
}

/// A server certificate for `example.com` signed by a fresh CA with this name.
fn leaf_issued_by(issuer: &[(DnType, &str)]) -> CertificateDer<'static> {
    let ca_key = KeyPair::generate().expect("generate a key");
    let mut ca = CertificateParams::default();
    ca.distinguished_name = name(issuer);
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let signer = Signer::new(ca, ca_key);
    let key = KeyPair::generate().expect("generate a key");
    let mut leaf = CertificateParams::new(vec!["example.com".to_string()]).expect("params");
    leaf.distinguished_name = name(&[(DnType::CommonName, "example.com")]);
    leaf.signed_by(&key, &signer).expect("sign").der().clone()
}

#[test]
fn a_zscaler_issuer_is_inspection() {
    let leaf = leaf_issued_by(&[
        (DnType::CommonName, "Zscaler Root CA"),
        (DnType::OrganizationName, "Zscaler Inc."),
    ]);
    let issuer = issuer_of(&[leaf]).expect("a readable certificate");
    assert_eq!(
        issuer,
        Issuer {
            name: "Zscaler Root CA".into(),
            inspector: Some("Zscaler"),
            self_signed: false,
        }
    );
    assert_eq!(
        issuer.sentence(),
        "your network or security software inspects TLS (issuer 'Zscaler Root CA'): the service itself may be fine"
    );
}

#[test]
fn an_unknown_issuer_is_named() {
    let leaf = leaf_issued_by(&[(DnType::CommonName, "Example Untrusted CA")]);
    let issuer = issuer_of(&[leaf]).expect("a readable certificate");
    assert_eq!(issuer.inspector, None);
    assert_eq!(
        issuer.sentence(),
        "certificate not trusted: issued by 'Example Untrusted CA', which this machine does not trust"
    );
}

#[test]
fn the_organisation_names_the_product_when_the_common_name_does_not() {
    let leaf = leaf_issued_by(&[
        (DnType::CommonName, "Corporate Root"),
        (DnType::OrganizationName, "Palo Alto Networks"),
    ]);
    let issuer = issuer_of(&[leaf]).expect("a readable certificate");
    assert_eq!(issuer.name, "Corporate Root");
    assert_eq!(issuer.inspector, Some("Palo Alto Networks"));

    let only_org = leaf_issued_by(&[(DnType::OrganizationName, "Example Corp")]);
    assert_eq!(
        issuer_of(&[only_org]).expect("readable").name,
        "Example Corp"
    );
}

#[test]
fn a_self_signed_certificate_says_so() {
    let key = KeyPair::generate().expect("generate a key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.distinguished_name = name(&[(DnType::CommonName, "localhost")]);
    let cert = params.self_signed(&key).expect("self-sign").der().clone();
    let issuer = issuer_of(&[cert]).expect("a readable certificate");
    assert!(issuer.self_signed);
    assert_eq!(
        issuer.sentence(),
        "certificate not trusted: self-signed ('localhost')"
    );
}

#[test]
fn names_from_certificates_are_sanitized_and_bounded() {
    let long = "Evil\x1b[2J CA ".repeat(30);
    let leaf = leaf_issued_by(&[(DnType::CommonName, long.as_str())]);
    let issuer = issuer_of(&[leaf]).expect("a readable certificate");
    assert!(!issuer.name.contains('\x1b'));
    assert_eq!(
        issuer.name.chars().count(),
        MAX_NAME_CHARS,
        "cut, with an ellipsis"
    );
    assert!(!not_trusted_sentence("a\u{202e}b").contains('\u{202e}'));
}

#[test]
fn unreadable_chains_have_no_issuer() {
    assert_eq!(issuer_of(&[]), None);
    assert_eq!(
        issuer_of(&[CertificateDer::from(vec![0x30, 0x03, 1, 2, 3])]),
        None
    );
}

#[test]
fn products_match_whole_words_in_any_case() {
    assert_eq!(inspector_named("FortiGate CA / Fortinet"), Some("Fortinet"));
    assert_eq!(inspector_named("ESET SSL Filter CA"), Some("ESET"));
    assert_eq!(inspector_named("AVG Web/Mail Shield Root"), Some("AVG"));
    assert_eq!(inspector_named("DO_NOT_TRUST_FiddlerRoot"), Some("Fiddler"));
    assert_eq!(
        inspector_named("Cisco Umbrella Primary SubCA"),
        Some("Cisco Umbrella")
    );
    assert_eq!(
        inspector_named("BITDEFENDER Personal CA"),
        Some("Bitdefender")
    );
    assert_eq!(inspector_named("Reset Networks CA"), None, "not ESET");
    assert_eq!(inspector_named("Savage Bank Root"), None);
    assert_eq!(inspector_named("Example Untrusted CA"), None);
    assert_eq!(inspector_named(""), None);
}

#[test]
fn every_product_is_found_by_its_own_word() {
    for (needle, product) in INSPECTORS {
        assert_eq!(needle.to_lowercase(), *needle, "needles are lowercase");
        let found = inspector_named(&format!("{} Root CA", needle.to_uppercase()));
        assert!(found.is_some(), "{needle} finds {product}");
    }
}
