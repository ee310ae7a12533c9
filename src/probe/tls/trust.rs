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
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::text::words::io_error as io_words;

/// No CA bundle is this large (the whole Mozilla store is about 250 KiB).
pub const MAX_BUNDLE_BYTES: u64 = 8 * 1024 * 1024;
/// A file in a certificate directory larger than this is skipped (one certificate is a few KiB;
/// a whole bundle, as some systems keep beside the hashed links, a few hundred).
pub const MAX_DIR_FILE_BYTES: u64 = 1024 * 1024;
/// Bytes read from all the certificate directories together, at most.
pub const MAX_DIR_TOTAL_BYTES: u64 = 16 * 1024 * 1024;
/// Files read from all the certificate directories together, at most.
pub const MAX_DIR_FILES: usize = 4_000;
/// Directory entries looked at (read or not), at most.
const MAX_DIR_ENTRIES: usize = 50_000;

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
    /// Why `SSL_CERT_DIR` was not read to its end, when it was not.
    pub stopped: Option<Stopped>,
}

/// Why reading the certificate directories stopped early: a bound was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    Deadline,
    Files,
    Bytes,
    Entries,
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stopped::Deadline => f.write_str("at the probe's deadline"),
            Stopped::Files => write!(f, "after {MAX_DIR_FILES} files"),
            Stopped::Bytes => write!(f, "after {} MiB", MAX_DIR_TOTAL_BYTES >> 20),
            Stopped::Entries => write!(f, "after {MAX_DIR_ENTRIES} directory entries"),
        }
    }
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
        if let Some(stopped) = self.stopped {
            write!(f, " (stopped reading SSL_CERT_DIR {stopped})")?;
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

/// What the environment names, checked at the start: `SSL_CERT_FILE` proved a trust store by
/// its first certificate authority (read whole when a certificate first needs it), and the
/// `SSL_CERT_DIR` directories checked to be there.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub env: CertEnv,
}

impl Environment {
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR` of this process; the error is one sentence naming
    /// the variable at fault.
    pub fn from_process() -> Result<Environment, TrustError> {
        Environment::read(CertEnv::from_process())
    }

    /// Checks that `SSL_CERT_FILE` is a readable PEM bundle with a certificate authority in
    /// it, reading it only as far as the first one, and that the `SSL_CERT_DIR` directories
    /// are there, without reading them: a plain HTTP probe never needs more.
    pub fn read(env: CertEnv) -> Result<Environment, TrustError> {
        if let Some(path) = &env.file {
            prove_bundle(path).map_err(at(FILE, path))?;
        }
        for dir in &env.dirs {
            match fs::metadata(dir) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(at(DIR, dir)(FileProblem::NotADirectory)),
                Err(e) => return Err(at(DIR, dir)(FileProblem::Unreadable(io_words(&e)))),
            }
        }
        Ok(Environment { env })
    }
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

/// Builds the trust store from the environment read at the start and the machine, plus
/// `--cacert`, reading directories until `until` at the latest; the error is one sentence
/// naming the file or variable at fault.
pub fn trust_store(
    environment: &Environment,
    cacert: Option<&Cacert>,
    until: Option<Instant>,
) -> Result<TrustStore, TrustError> {
    trust_store_from(
        environment,
        cacert,
        &|| rustls_native_certs::load_native_certs().certs,
        until,
    )
}

/// [`trust_store`] with the operating system's store given.
fn trust_store_from(
    environment: &Environment,
    cacert: Option<&Cacert>,
    system: &dyn Fn() -> Vec<CertificateDer<'static>>,
    until: Option<Instant>,
) -> Result<TrustStore, TrustError> {
    let env = &environment.env;
    let mut roots = RootCertStore::empty();
    let mut stopped = None;
    let from = if env.is_set() {
        let mut certs = Vec::new();
        if let Some(path) = &env.file {
            let problem = at(FILE, path);
            certs = pem_certificates(&read_bundle(path).map_err(&problem)?).map_err(&problem)?;
        }
        let mut budget = Budget::new(until);
        for dir in &env.dirs {
            certificates_in(dir, &mut budget, &mut certs)?;
        }
        stopped = budget.stopped;
        // The same certificate is often there twice: as a file and as its hash-named link.
        certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        certs.dedup();
        roots.add_parsable_certificates(certs);
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
            stopped,
        },
    })
}

/// What reading the certificate directories may still take: files, bytes, entries and time.
struct Budget {
    files: usize,
    bytes: u64,
    entries: usize,
    until: Option<Instant>,
    stopped: Option<Stopped>,
}

impl Budget {
    fn new(until: Option<Instant>) -> Budget {
        Budget {
            files: MAX_DIR_FILES,
            bytes: MAX_DIR_TOTAL_BYTES,
            entries: MAX_DIR_ENTRIES,
            until,
            stopped: None,
        }
    }

    /// Whether another entry may be looked at; the first bound met is remembered.
    fn next_entry(&mut self) -> bool {
        let stop = if self.stopped.is_some() {
            return false;
        } else if self.entries == 0 {
            Some(Stopped::Entries)
        } else if self.files == 0 {
            Some(Stopped::Files)
        } else if self.bytes == 0 {
            Some(Stopped::Bytes)
        } else if self.until.is_some_and(|until| Instant::now() >= until) {
            Some(Stopped::Deadline)
        } else {
            None
        };
        self.stopped = stop;
        self.entries = self.entries.saturating_sub(1);
        stop.is_none()
    }
}

/// Whether OpenSSL would look at a file of this name in a certificate directory: `*.pem`,
/// `*.crt`, and the hash-named links (`5ad8a5d6.0`, eight hex digits, a dot, a number).
fn is_certificate_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pem") || lower.ends_with(".crt") {
        return true;
    }
    match name.split_once('.') {
        Some((hash, n)) => {
            hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The certificates of the files in `dir` that have a certificate's name and are regular files
/// small enough, within the budget: other files are skipped, as OpenSSL does.
fn certificates_in(
    dir: &Path,
    budget: &mut Budget,
    certs: &mut Vec<CertificateDer<'static>>,
) -> Result<(), TrustError> {
    let entries =
        fs::read_dir(dir).map_err(|e| at(DIR, dir)(FileProblem::Unreadable(io_words(&e))))?;
    for entry in entries {
        if !budget.next_entry() {
            break;
        }
        let Ok(entry) = entry else { continue };
        let named = entry.file_name().to_str().is_some_and(is_certificate_name);
        if !named {
            continue;
        }
        budget.files -= 1;
        let cap = MAX_DIR_FILE_BYTES.min(budget.bytes);
        let Ok(bytes) = crate::text::file::read_bounded(&entry.path(), cap) else {
            continue;
        };
        budget.bytes = budget.bytes.saturating_sub(bytes.len() as u64);
        certs.extend(pem_certificates(&bytes).unwrap_or_default());
    }
    Ok(())
}

/// A regular file of at most [`MAX_BUNDLE_BYTES`].
fn read_bundle(path: &Path) -> Result<Vec<u8>, FileProblem> {
    crate::text::file::read_bounded(path, MAX_BUNDLE_BYTES)
        .map_err(|why| FileProblem::Unreadable(why.to_string()))
}

/// The certificates of a PEM bundle, other sections skipped.
fn pem_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, FileProblem> {
    let mut sections = PemSections::default();
    let mut certs = Vec::new();
    for line in memchr::memchr_iter(b'\n', bytes)
        .chain([bytes.len()])
        .scan(0, |start, end| {
            let line = &bytes[*start..end];
            *start = end + 1;
            Some(line)
        })
    {
        certs.extend(sections.line(line)?);
    }
    sections.end()?;
    if certs.is_empty() {
        return Err(FileProblem::NoCertificate);
    }
    Ok(certs)
}

/// Proves a bundle by its first certificate TLS can use, reading no further: the ~145 roots
/// of a usual `SSL_CERT_FILE` (200 KiB) cost a plain HTTP probe nearly a millisecond when
/// read whole at every start. A file with none is refused as `--cacert` would be.
fn prove_bundle(path: &Path) -> Result<(), FileProblem> {
    let file = crate::text::file::open_bounded(path, MAX_BUNDLE_BYTES)
        .map_err(|why| FileProblem::Unreadable(why.to_string()))?;
    // The file is read through its size limit, however it changes meanwhile.
    let (mut sections, mut seen) = (PemSections::default(), 0);
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| FileProblem::Unreadable(io_words(&e)))?;
        if let Some(cert) = sections.line(&line)? {
            seen += 1;
            if RootCertStore::empty().add(cert).is_ok() {
                return Ok(());
            }
        }
    }
    sections.end()?;
    Err(match seen {
        0 => FileProblem::NoCertificate,
        1 => FileProblem::Refused("its certificate is not one TLS can use".into()),
        n => FileProblem::Refused(format!("none of its {n} certificates is one TLS can use")),
    })
}

/// The certificate sections of a PEM text, given a line at a time. rustls's own PEM reader
/// decodes base64 in constant time, as private keys need; certificates are public.
#[derive(Default)]
struct PemSections {
    /// The base64 text of the certificate being read, when inside one.
    inside: Option<Vec<u8>>,
}

impl PemSections {
    /// Takes the next line; the certificate it ends, if it ends one.
    fn line(&mut self, line: &[u8]) -> Result<Option<CertificateDer<'static>>, FileProblem> {
        use base64::Engine;
        const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
        const END: &[u8] = b"-----END CERTIFICATE-----";
        let line = line.trim_ascii();
        match &mut self.inside {
            None if line == BEGIN => self.inside = Some(Vec::with_capacity(2048)),
            None => {}
            Some(text) if line == END => {
                let der = base64::engine::general_purpose::STANDARD
                    .decode(&text)
                    .map_err(|_| FileProblem::NotPem)?;
                self.inside = None;
                return Ok(Some(CertificateDer::from(der)));
            }
            Some(_) if line.starts_with(b"-----") => return Err(FileProblem::NotPem),
            // Base64 lines hold no spaces; a line that does is refused by the decoder.
            Some(text) => text.extend_from_slice(line),
        }
        Ok(None)
    }

    /// At the end of the text: a certificate begun and never ended is no PEM.
    fn end(&self) -> Result<(), FileProblem> {
        match self.inside {
            Some(_) => Err(FileProblem::NotPem),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
