use super::*;

use std::fs::File;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tempfile::TempDir;

/// A fresh self-signed CA, as PEM.
fn ca_pem(name: &str) -> String {
    let key = KeyPair::generate().expect("generate a key");
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("self-sign").pem()
}

/// The store as a run builds it: the environment read first, then the directories.
fn store_of(
    env: &CertEnv,
    cacert: Option<&Cacert>,
    system: &dyn Fn() -> Vec<CertificateDer<'static>>,
) -> Result<TrustStore, TrustError> {
    trust_store_from(&Environment::read(env.clone())?, cacert, system, None)
}

fn no_system() -> Vec<CertificateDer<'static>> {
    Vec::new()
}

fn not_asked() -> Vec<CertificateDer<'static>> {
    panic!("the operating system's store must not be read when the environment names one")
}

fn system_with_two() -> Vec<CertificateDer<'static>> {
    [ca_pem("System One"), ca_pem("System Two")]
        .iter()
        .flat_map(|pem| pem_certificates(pem.as_bytes()).unwrap_or_default())
        .collect()
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, text).expect("write a test file");
    path
}

#[test]
fn ssl_cert_file_alone_is_the_trust() {
    let dir = TempDir::new().expect("temp dir");
    let bundle = write(&dir, "bundle.pem", &(ca_pem("One") + &ca_pem("Two")));
    let env = CertEnv {
        file: Some(bundle.clone()),
        dirs: Vec::new(),
    };
    let store = store_of(&env, None, &not_asked).expect("a valid bundle");
    assert_eq!(store.roots.len(), 2);
    assert_eq!(store.source.cacert, None);
    assert_eq!(store.source.from, RootsFrom::Environment(env));
    assert_eq!(
        store.source.to_string(),
        format!("trusting 2 roots from SSL_CERT_FILE {}", bundle.display())
    );
}

#[test]
fn ssl_cert_dir_reads_every_certificate_once_and_skips_the_rest() {
    let dir = TempDir::new().expect("temp dir");
    let ca = write(&dir, "test-ca.pem", &ca_pem("Dir CA"));
    write(&dir, "README", "not a certificate\n");
    fs::create_dir(dir.path().join("subdir")).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&ca, dir.path().join("abcdef12.0")).expect("symlink");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("dangling.0"))
        .expect("symlink");
    let other = TempDir::new().expect("temp dir");
    write(&other, "second.crt", &ca_pem("Second Dir CA"));
    let env = CertEnv {
        file: None,
        dirs: vec![dir.path().to_path_buf(), other.path().to_path_buf()],
    };
    let store = store_of(&env, None, &not_asked).expect("a valid directory");
    assert_eq!(store.roots.len(), 2);
    assert!(store.source.to_string().contains(&format!(
        "from SSL_CERT_DIR {}:{}",
        dir.path().display(),
        other.path().display()
    )));
}

#[test]
fn what_the_environment_names_must_be_there() {
    let dir = TempDir::new().expect("temp dir");
    let missing = dir.path().join("missing.pem");
    let file = |path: &Path| CertEnv {
        file: Some(path.to_path_buf()),
        dirs: Vec::new(),
    };
    let error = |env: &CertEnv| {
        store_of(env, None, &not_asked)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        error(&file(&missing)),
        format!(
            "SSL_CERT_FILE {}: no such file or directory",
            missing.display()
        )
    );
    assert_eq!(
        error(&file(dir.path())),
        format!(
            "SSL_CERT_FILE {}: is a directory, not a regular file",
            dir.path().display()
        )
    );
    let text = write(&dir, "notes.txt", "hello\n");
    assert!(error(&file(&text)).ends_with(": no certificate in the file"));
    let broken = write(
        &dir,
        "broken.pem",
        "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
    );
    assert!(error(&file(&broken)).ends_with(": not a valid PEM file"));

    let empty_dir = CertEnv {
        file: None,
        dirs: vec![dir.path().join("nowhere")],
    };
    assert!(error(&empty_dir).ends_with("nowhere: no such file or directory"));
    let nothing = TempDir::new().expect("temp dir");
    let no_certs = CertEnv {
        file: None,
        dirs: vec![nothing.path().to_path_buf()],
    };
    assert_eq!(
        error(&no_certs),
        format!(
            "SSL_CERT_DIR {}: no certificate authority in it",
            nothing.path().display()
        )
    );
}

#[test]
fn a_bundle_over_8_mib_is_refused() {
    let dir = TempDir::new().expect("temp dir");
    let huge = dir.path().join("huge.pem");
    File::create(&huge)
        .and_then(|f| f.set_len(MAX_BUNDLE_BYTES + 1))
        .expect("a sparse file");
    let error = Cacert::read(&huge).expect_err("too large").to_string();
    assert_eq!(
        error,
        format!(
            "--cacert {}: is larger than 8 MiB, too large to be read",
            huge.display()
        )
    );
}

#[test]
fn the_system_store_comes_first_and_built_in_roots_only_without_one() {
    let system = store_of(&CertEnv::default(), None, &system_with_two).expect("system");
    assert_eq!(system.source.from, RootsFrom::System);
    assert_eq!(system.roots.len(), 2);
    assert_eq!(
        system.source.to_string(),
        "trusting 2 roots from the operating system"
    );

    let bare = store_of(&CertEnv::default(), None, &no_system).expect("built in");
    assert_eq!(bare.source.from, RootsFrom::BuiltIn);
    assert_eq!(bare.roots.len(), webpki_roots::TLS_SERVER_ROOTS.len());
    assert!(bare
        .source
        .to_string()
        .contains("built in (the operating system has none)"));
}

#[test]
fn cacert_adds_to_whichever_store_and_is_pinned() {
    let dir = TempDir::new().expect("temp dir");
    let cacert = write(&dir, "ca.pem", &ca_pem("Extra CA"));
    let read = Cacert::read(&cacert).expect("valid");
    assert_eq!(read.certs.len(), 1);
    // Read once, up front: the stores built later do not go back to the file.
    fs::remove_file(&cacert).expect("remove the file");
    let store = store_of(&CertEnv::default(), Some(&read), &system_with_two).expect("valid");
    assert_eq!(store.roots.len(), 3);
    assert_eq!(store.source.cacert, Some((cacert.clone(), 1)));
    assert_eq!(
        store.source.to_string(),
        format!(
            "trusting 2 roots from the operating system, plus 1 certificate from --cacert {}",
            cacert.display()
        )
    );

    let bare = store_of(&CertEnv::default(), Some(&read), &no_system).expect("valid");
    assert_eq!(bare.roots.len(), webpki_roots::TLS_SERVER_ROOTS.len() + 1);
}

#[test]
fn cacert_errors_name_the_file() {
    let dir = TempDir::new().expect("temp dir");
    let error = |path: &Path| Cacert::read(path).expect_err("refused").to_string();
    assert_eq!(
        error(dir.path()),
        format!(
            "--cacert {}: is a directory, not a regular file",
            dir.path().display()
        )
    );
    let missing = dir.path().join("missing.pem");
    assert_eq!(
        error(&missing),
        format!("--cacert {}: no such file or directory", missing.display())
    );
    let key_only = write(
        &dir,
        "key.pem",
        &KeyPair::generate().expect("key").serialize_pem(),
    );
    assert_eq!(
        error(&key_only),
        format!(
            "--cacert {}: no certificate in the file",
            key_only.display()
        )
    );
}

#[test]
fn empty_variables_count_as_unset() {
    let env = CertEnv::from_values(Some("".into()), Some("".into()));
    assert!(!env.is_set());
    assert_eq!(env.to_string(), "");
}

#[cfg(unix)]
#[test]
fn ssl_cert_dir_lists_directories_as_paths_do() {
    let listed = CertEnv::from_values(None, Some("/a::/b".into()));
    assert_eq!(listed.dirs, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
    assert_eq!(listed.to_string(), "SSL_CERT_DIR /a:/b");
}

#[test]
fn ssl_cert_dir_reads_only_certificate_names_and_regular_files_of_bounded_size() {
    assert!(is_certificate_name("ca.pem"));
    assert!(is_certificate_name("Root.CRT"));
    assert!(is_certificate_name("5ad8a5d6.0"));
    assert!(is_certificate_name("5AD8A5D6.12"));
    assert!(!is_certificate_name("5ad8a5d6."));
    assert!(!is_certificate_name("5ad8a5d.0"));
    assert!(!is_certificate_name("5ad8a5dg.0"));
    assert!(!is_certificate_name("kmsg"));
    assert!(!is_certificate_name("README"));

    let dir = TempDir::new().expect("temp dir");
    write(&dir, "ca.pem", &ca_pem("Named CA"));
    // A certificate under another name is not looked at, as OpenSSL would not.
    write(&dir, "notes", &ca_pem("Unnamed CA"));
    // Too large to be a certificate: skipped without being read.
    File::create(dir.path().join("0123abcd.0"))
        .and_then(|f| f.set_len(MAX_DIR_FILE_BYTES + 1))
        .expect("a sparse file");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("ffffffff.0");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());
    }
    let env = CertEnv {
        file: None,
        dirs: vec![dir.path().to_path_buf()],
    };
    let store = store_of(&env, None, &not_asked).expect("one CA");
    assert_eq!(store.roots.len(), 1);
    assert_eq!(store.source.stopped, None);
}

#[test]
fn ssl_cert_dir_stops_at_its_budget_of_files_and_at_the_deadline() {
    let dir = TempDir::new().expect("temp dir");
    let pem = ca_pem("Many CA");
    for n in 0..=MAX_DIR_FILES {
        write(&dir, &format!("{n:08x}.0"), &pem);
    }
    let env = CertEnv {
        file: None,
        dirs: vec![dir.path().to_path_buf()],
    };
    let many = store_of(&env, None, &not_asked).expect("the same CA");
    assert_eq!(many.roots.len(), 1);
    assert_eq!(many.source.stopped, Some(Stopped::Files));
    assert!(many.source.to_string().ends_with(&format!(
        "(stopped reading SSL_CERT_DIR after {MAX_DIR_FILES} files)"
    )));

    // At the deadline no directory is read: the file, a single read, is what there is.
    let file = TempDir::new().expect("temp dir");
    let bundle = write(&file, "bundle.pem", &ca_pem("File CA"));
    let env = CertEnv {
        file: Some(bundle),
        dirs: vec![dir.path().to_path_buf()],
    };
    let environment = Environment::read(env).expect("a valid file");
    let late = trust_store_from(&environment, None, &not_asked, Some(Instant::now()))
        .expect("the file's CA");
    assert_eq!(late.roots.len(), 1);
    assert_eq!(late.source.stopped, Some(Stopped::Deadline));
}

#[cfg(target_os = "linux")]
#[test]
fn ssl_cert_dir_of_proc_ends_at_once() {
    let env = CertEnv {
        file: None,
        dirs: vec![PathBuf::from("/proc")],
    };
    let error = store_of(&env, None, &not_asked).expect_err("no certificates in /proc");
    assert_eq!(
        error.to_string(),
        "SSL_CERT_DIR /proc: no certificate authority in it"
    );
}

#[test]
fn ssl_cert_file_is_read_at_the_start_and_checked_as_cacert_is() {
    let dir = TempDir::new().expect("temp dir");
    let file = |path: &Path| CertEnv {
        file: Some(path.to_path_buf()),
        dirs: Vec::new(),
    };
    let error = |path: &Path| {
        Environment::read(file(path))
            .expect_err("refused")
            .to_string()
    };
    let junk = write(&dir, "junk.pem", "junk\n");
    assert_eq!(
        error(&junk),
        format!(
            "SSL_CERT_FILE {}: no certificate in the file",
            junk.display()
        )
    );
    let key = write(
        &dir,
        "key.pem",
        &KeyPair::generate().expect("key").serialize_pem(),
    );
    assert!(error(&key).ends_with(": no certificate in the file"));
    let huge = dir.path().join("huge.pem");
    File::create(&huge)
        .and_then(|f| f.set_len(100 * 1024 * 1024))
        .expect("a sparse file");
    assert!(error(&huge).ends_with(": is larger than 8 MiB, too large to be read"));
    let not_der = write(
        &dir,
        "not-der.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    assert!(error(&not_der).ends_with(": its certificate is not one TLS can use"));

    // Proved by its first authority; the rest is read when a store is built, and a damaged
    // section then is the store's error, naming the file.
    let good = write(
        &dir,
        "good.pem",
        &format!("{}{}", ca_pem("Good CA"), ca_pem("Second CA")),
    );
    let environment = Environment::read(file(&good)).expect("valid");
    let store = trust_store_from(&environment, None, &not_asked, None).expect("both");
    assert_eq!(store.roots.len(), 2);
    let damaged = write(
        &dir,
        "damaged.pem",
        &format!("{}-----BEGIN CERTIFICATE-----\n", ca_pem("Good CA")),
    );
    let environment = Environment::read(file(&damaged)).expect("its first CA is usable");
    let refused = trust_store_from(&environment, None, &not_asked, None).expect_err("damaged");
    assert_eq!(
        refused.to_string(),
        format!("SSL_CERT_FILE {}: not a valid PEM file", damaged.display())
    );
    // Two certificates, neither usable: said with their number, the whole file read.
    let useless = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let two = write(&dir, "two.pem", &format!("{useless}{useless}"));
    assert!(error(&two).ends_with(": none of its 2 certificates is one TLS can use"));
}

#[test]
fn a_bundle_is_read_by_its_certificate_sections_alone() {
    let (one, two) = (ca_pem("One"), ca_pem("Two"));
    let key = "-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    // Other sections and text between sections are skipped; CRLF line ends are fine.
    let bundle = format!("# roots\r\n{one}\r\n{key}comment\n{two}");
    let certs = pem_certificates(bundle.as_bytes()).expect("two certificates");
    assert_eq!(certs.len(), 2);
    let alone = pem_certificates(one.as_bytes()).expect("one certificate");
    assert_eq!(certs[0], alone[0]);
    assert!(matches!(
        pem_certificates(key.as_bytes()),
        Err(FileProblem::NoCertificate)
    ));
    // A section that never ends, or base64 that is not, is not PEM.
    let unended = one.replace("-----END CERTIFICATE-----", "");
    assert!(matches!(
        pem_certificates(unended.as_bytes()),
        Err(FileProblem::NotPem)
    ));
    let garbled = one.replacen('\n', "\n!!", 2);
    assert!(matches!(
        pem_certificates(garbled.as_bytes()),
        Err(FileProblem::NotPem)
    ));
}
