//! Which certificate authorities to trust, in this order:
//!
//! 1. `SSL_CERT_FILE` and `SSL_CERT_DIR` when either is set (as OpenSSL and curl read them;
//!    `SSL_CERT_DIR` may list several directories), and nothing else;
//! 2. otherwise the operating system's store;
//! 3. the built-in Mozilla roots only when the system has none (a bare container still works);
//!
//! and `--cacert` on top of whichever it was. A certificate given with `--cacert` is also
//! trusted as itself (see `verify.rs`), so it is handed back separately.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::text::words::io_error as io_words;

/// No CA bundle is this large (the whole Mozilla store is about 250 KiB).
pub const MAX_BUNDLE_BYTES: u64 = 8 * 1024 * 1024;
/// Files read from one certificate directory at most.
const MAX_DIR_FILES: usize = 10_000;

/// `SSL_CERT_FILE` and `SSL_CERT_DIR`, as the environment gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertEnv {
    pub file: Option<PathBuf>,
    pub dirs: Vec<PathBuf>,
}

impl CertEnv {
    pub fn from_process() -> CertEnv {
        CertEnv::from_values(
            std::env::var_os("SSL_CERT_FILE"),
            std::env::var_os("SSL_CERT_DIR"),
        )
    }

    /// Empty values count as unset; `SSL_CERT_DIR` is a path list (`:` between directories).
    fn from_values(file: Option<OsString>, dirs: Option<OsString>) -> CertEnv {
        let file = file.filter(|f| !f.is_empty()).map(PathBuf::from);
        let dirs = dirs
            .map(|dirs| {
                std::env::split_paths(&dirs)
                    .filter(|d| !d.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        CertEnv { file, dirs }
    }

    fn is_set(&self) -> bool {
        self.file.is_some() || !self.dirs.is_empty()
    }
}

impl fmt::Display for CertEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(format!("SSL_CERT_FILE {}", file.display()));
        }
        if !self.dirs.is_empty() {
            let dirs: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
            parts.push(format!("SSL_CERT_DIR {}", dirs.join(":")));
        }
        f.write_str(&parts.join(" and "))
    }
}

/// Where the roots came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootsFrom {
    Environment(CertEnv),
    System,
    BuiltIn,
}

/// What `-v` says about trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSource {
    pub from: RootsFrom,
    /// Roots from `from`.
    pub roots: usize,
    /// The `--cacert` file and how many certificates it added.
    pub cacert: Option<(PathBuf, usize)>,
}

impl fmt::Display for TrustSource {
    /// "trusting 146 roots from the operating system, plus 1 certificate from --cacert ca.pem"
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let from = match &self.from {
            RootsFrom::Environment(env) => format!("from {env}"),
            RootsFrom::System => "from the operating system".into(),
            RootsFrom::BuiltIn => "built in (the operating system has none)".into(),
        };
        write!(f, "trusting {} {from}", plural(self.roots, "root"))?;
        if let Some((path, added)) = &self.cacert {
            let added = plural(*added, "certificate");
            write!(f, ", plus {added} from --cacert {}", path.display())?;
        }
        Ok(())
    }
}

/// The trust every probe of a run shares.
#[derive(Debug, Clone)]
pub struct TrustStore {
    pub roots: RootCertStore,
    pub source: TrustSource,
}

/// Why trust cannot be set up, naming the file or variable at fault: one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// A file or directory named by `SSL_CERT_FILE`, `SSL_CERT_DIR` or `--cacert`.
    #[error("{named_by} {}: {problem}", path.display())]
    File {
        named_by: &'static str,
        path: PathBuf,
        problem: FileProblem,
    },
    /// What the variables name holds no certificate authority.
    #[error("{0}: no certificate authority in it")]
    NoAuthority(CertEnv),
    /// rustls would not build a configuration or a verifier, in words.
    #[error("TLS cannot be set up: {0}")]
    Setup(String),
}

/// What is wrong with a file or directory of certificates: the second half of a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("not a regular file")]
    NotAFile,
    #[error("not a directory")]
    NotADirectory,
    /// It could not be read: missing, too large, not allowed, in words.
    #[error("{0}")]
    Unreadable(String),
    #[error("not a valid PEM file")]
    NotPem,
    #[error("no certificate in the file")]
    NoCertificate,
    /// rustls refused a certificate in it, in words.
    #[error("{0}")]
    Refused(String),
}

const FILE: &str = "SSL_CERT_FILE";
const DIR: &str = "SSL_CERT_DIR";
const CACERT: &str = "--cacert";

/// A problem with `path`, as named by `named_by`.
fn at<'a>(named_by: &'static str, path: &'a Path) -> impl Fn(FileProblem) -> TrustError + 'a {
    move |problem| TrustError::File {
        named_by,
        path: path.to_path_buf(),
        problem,
    }
}

/// Checks, without reading them, that the files and directories `SSL_CERT_FILE` and
/// `SSL_CERT_DIR` name are there; the error is one sentence naming the variable at fault.
pub fn check_environment() -> Result<(), TrustError> {
    let env = CertEnv::from_process();
    if let Some(file) = &env.file {
        match fs::metadata(file) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(at(FILE, file)(FileProblem::NotAFile)),
            Err(e) => return Err(at(FILE, file)(FileProblem::Unreadable(io_words(&e)))),
        }
    }
    for dir in &env.dirs {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(at(DIR, dir)(FileProblem::NotADirectory)),
            Err(e) => return Err(at(DIR, dir)(FileProblem::Unreadable(io_words(&e)))),
        }
    }
    Ok(())
}

/// The `--cacert` file, read and parsed once: its certificates become roots of every store
/// built for the run, and are trusted as themselves too.
#[derive(Debug, Clone)]
pub struct Cacert {
    pub path: PathBuf,
    pub certs: Vec<CertificateDer<'static>>,
    /// The same certificates as roots.
    pub roots: RootCertStore,
}

impl Cacert {
    /// Reads and checks the file; the error is one sentence naming it.
    pub fn read(path: &Path) -> Result<Cacert, TrustError> {
        let problem = at(CACERT, path);
        let certs = pem_certificates(&read_bundle(path).map_err(&problem)?).map_err(&problem)?;
        let mut roots = RootCertStore::empty();
        for cert in &certs {
            roots
                .add(cert.clone())
                .map_err(|e| problem(FileProblem::Refused(super::words(&e))))?;
        }
        Ok(Cacert {
            path: path.to_path_buf(),
            certs,
            roots,
        })
    }
}

/// Builds the trust store from this process's environment and the machine, plus `--cacert`;
/// the error is one sentence naming the file or variable at fault.
pub fn trust_store(cacert: Option<&Cacert>) -> Result<TrustStore, TrustError> {
    trust_store_from(&CertEnv::from_process(), cacert, &|| {
        rustls_native_certs::load_native_certs().certs
    })
}

/// [`trust_store`] with the environment and the operating system's store given.
fn trust_store_from(
    env: &CertEnv,
    cacert: Option<&Cacert>,
    system: &dyn Fn() -> Vec<CertificateDer<'static>>,
) -> Result<TrustStore, TrustError> {
    let mut roots = RootCertStore::empty();
    let from = if env.is_set() {
        roots.add_parsable_certificates(certificates_named_by(env)?);
        if roots.is_empty() {
            return Err(TrustError::NoAuthority(env.clone()));
        }
        RootsFrom::Environment(env.clone())
    } else {
        roots.add_parsable_certificates(system());
        if roots.is_empty() {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            RootsFrom::BuiltIn
        } else {
            RootsFrom::System
        }
    };
    let from_base = roots.len();
    if let Some(cacert) = cacert {
        roots.extend(cacert.roots.roots.iter().cloned());
    }
    Ok(TrustStore {
        roots,
        source: TrustSource {
            from,
            roots: from_base,
            cacert: cacert.map(|c| (c.path.clone(), c.certs.len())),
        },
    })
}

/// The certificates of `SSL_CERT_FILE` (which must be a readable PEM bundle) and of every file in
/// the `SSL_CERT_DIR` directories (which must exist; files in them that are not certificates are
/// skipped, as OpenSSL does).
fn certificates_named_by(env: &CertEnv) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let mut certs = Vec::new();
    if let Some(file) = &env.file {
        let problem = at(FILE, file);
        certs.extend(pem_certificates(&read_bundle(file).map_err(&problem)?).map_err(&problem)?);
    }
    for dir in &env.dirs {
        let entries =
            fs::read_dir(dir).map_err(|e| at(DIR, dir)(FileProblem::Unreadable(io_words(&e))))?;
        for entry in entries.take(MAX_DIR_FILES).flatten() {
            let read = read_bundle(&entry.path()).ok();
            certs.extend(
                read.and_then(|bytes| pem_certificates(&bytes).ok())
                    .unwrap_or_default(),
            );
        }
    }
    // The same certificate is often there twice: as a file and as its hash-named link.
    certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
    certs.dedup();
    Ok(certs)
}

/// A regular file of at most [`MAX_BUNDLE_BYTES`].
fn read_bundle(path: &Path) -> Result<Vec<u8>, FileProblem> {
    crate::text::file::read_bounded(path, MAX_BUNDLE_BYTES)
        .map_err(|why| FileProblem::Unreadable(why.to_string()))
}

fn pem_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, FileProblem> {
    let certs = CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| FileProblem::NotPem)?;
    if certs.is_empty() {
        return Err(FileProblem::NoCertificate);
    }
    Ok(certs)
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
