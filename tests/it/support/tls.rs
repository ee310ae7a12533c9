//! Throw-away certificates for the HTTPS test server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

const DAY: i64 = 86_400;

/// A leaf certificate + key, and the PEM a client must trust to accept it.
#[derive(Clone, Debug)]
pub struct TestCert {
    /// Leaf certificate (PEM).
    pub cert_pem: String,
    /// Leaf private key (PKCS#8 PEM).
    pub key_pem: String,
    /// What a client must trust: the CA certificate, or the leaf itself
    /// when self-signed.
    pub ca_pem: String,
}

impl TestCert {
    /// Self-signed leaf for `hosts` (IP SANs for IP addresses, DNS SANs
    /// otherwise), valid from yesterday for a year.  `ca_pem == cert_pem`.
    pub fn self_signed(hosts: &[&str]) -> TestCert {
        let now = now_secs();
        let key = KeyPair::generate().expect("generate key");
        let mut params = leaf_params(hosts);
        set_validity(&mut params, now - DAY, now + 365 * DAY);
        let cert = params.self_signed(&key).expect("self-sign leaf");
        let pem = cert.pem();
        TestCert {
            cert_pem: pem.clone(),
            key_pem: key.serialize_pem(),
            ca_pem: pem,
        }
    }

    /// A self-signed certificate that also says it is a CA, as `openssl req -x509` makes them.
    pub fn self_signed_ca(hosts: &[&str]) -> TestCert {
        let now = now_secs();
        let key = KeyPair::generate().expect("generate key");
        let mut params = leaf_params(hosts);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        set_validity(&mut params, now - DAY, now + 365 * DAY);
        let cert = params.self_signed(&key).expect("self-sign");
        let pem = cert.pem();
        TestCert {
            cert_pem: pem.clone(),
            key_pem: key.serialize_pem(),
            ca_pem: pem,
        }
    }

    /// A fresh CA and a leaf for `hosts` signed by it.  The leaf's
    /// not_after is now + `valid_days` (negative: already expired); its
    /// not_before is always a day or more before not_after and in the
    /// past.  The CA itself is valid now.  `ca_pem` is the CA certificate.
    pub fn signed_by_test_ca(hosts: &[&str], valid_days: i64) -> TestCert {
        TestCert::signed_by_ca_named(hosts, valid_days, "isitdown test CA")
    }

    /// The same, with a CA of this common name (an inspection product's, say).
    pub fn signed_by_ca_named(hosts: &[&str], valid_days: i64, ca_name: &str) -> TestCert {
        let now = now_secs();
        let not_after = now + valid_days * DAY;
        let not_before = (now - DAY).min(not_after - DAY);

        let ca_key = KeyPair::generate().expect("generate CA key");
        let mut ca_params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, ca_name);
        dn.push(DnType::OrganizationName, "isitdown tests");
        ca_params.distinguished_name = dn;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut ca_params, not_before - DAY, now + 3650 * DAY);
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_key = KeyPair::generate().expect("generate leaf key");
        let mut params = leaf_params(hosts);
        params.use_authority_key_identifier_extension = true;
        set_validity(&mut params, not_before, not_after);
        let leaf = params.signed_by(&leaf_key, &issuer).expect("sign leaf");

        TestCert {
            cert_pem: leaf.pem(),
            key_pem: leaf_key.serialize_pem(),
            ca_pem: ca_cert.pem(),
        }
    }

    /// Writes `ca_pem` to `dir/ca.pem` and returns that path.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write ca.pem");
        path
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// Sets validity from Unix timestamps (seconds).
fn set_validity(params: &mut CertificateParams, not_before: i64, not_after: i64) {
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + Duration::from_secs(not_before.max(0) as u64);
    params.not_after = epoch + Duration::from_secs(not_after.max(0) as u64);
}

fn leaf_params(hosts: &[&str]) -> CertificateParams {
    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("valid host names for SANs");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, *hosts.first().unwrap_or(&"localhost"));
    params.distinguished_name = dn;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

/// rustls server config (ring provider, no client auth) presenting `cert`.
pub(super) fn server_config(cert: &TestCert) -> Arc<ServerConfig> {
    let certs = CertificateDer::pem_slice_iter(cert.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("parse cert_pem");
    let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes()).expect("parse key_pem");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server cert/key");
    Arc::new(config)
}
