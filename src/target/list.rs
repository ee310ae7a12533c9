//! Where targets come from besides the command line: files of targets (`-f`), and groups of
//! services by tag (`@ai`, `@all`). Every word is resolved into a target, and a bad one is named
//! with the file and line it came from.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::exit::BadInput;
use crate::target::catalog::{Catalog, Service};
use crate::target::{self, Target};
use crate::text::sanitize::for_terminal;

/// A file of targets larger than this is not a list anybody wrote.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// A line longer than this holds no target (a URL is at most 8 KiB).
const MAX_LINE_BYTES: usize = 16 * 1024;
/// Targets in one run at most, from the command line, files and tags together.
pub const MAX_TARGETS: usize = 10_000;

/// One word that names targets, and where it was written (`None`: on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub place: Option<String>,
}

impl Word {
    pub fn typed(text: &str) -> Word {
        Word {
            text: text.to_string(),
            place: None,
        }
    }

    /// `@ai`: a group of services.
    fn tag(&self) -> Option<String> {
        self.text.trim().strip_prefix('@').map(str::to_lowercase)
    }

    /// Whether resolving it needs the catalog (anything but a URL does).
    pub fn needs_catalog(&self) -> bool {
        !self.text.contains("://")
    }

    fn blame(&self, error: BadInput) -> BadInput {
        match &self.place {
            Some(place) => BadInput(format!("{place}: {}", error.0)),
            None => error,
        }
    }
}

/// The targets of a file, one per line; `#` starts a comment, blank lines are skipped, and
/// `-` is standard input. Each line is checked by `check` as it is read, so that a bad one ends
/// the reading there; at most `room` targets are taken.
pub fn read_file(
    path: &Path,
    stdin: impl Read,
    room: usize,
    check: &mut dyn FnMut(&Word) -> Result<(), BadInput>,
) -> Result<Vec<Word>, BadInput> {
    let (name, source): (String, std::io::Result<Box<dyn Read + '_>>) = if path == Path::new("-") {
        ("standard input".to_string(), Ok(Box::new(stdin)))
    } else {
        let name = for_terminal(&path.display().to_string());
        let source = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(BadInput(format!("the target file {name} is a directory")))
            }
            Ok(_) => std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn Read>),
            Err(e) => Err(e),
        };
        (name, source)
    };
    let unreadable = |e: std::io::Error| {
        BadInput(format!(
            "cannot read the target file {name}: {}",
            crate::text::words::io_error(&e)
        ))
    };
    let mut reader = BufReader::new(source.map_err(unreadable)?);
    let mut words = Vec::new();
    let mut total: u64 = 0;
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(unreadable)?;
        if read == 0 {
            break;
        }
        total += read as u64;
        if total > MAX_FILE_BYTES {
            return Err(BadInput(format!(
                "the target file {name} is larger than {} MiB",
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let place = format!("{name} line {number}");
        if line.len() > MAX_LINE_BYTES {
            return Err(BadInput(format!(
                "{place}: longer than {} KiB (no target is that long)",
                MAX_LINE_BYTES / 1024
            )));
        }
        let text =
            std::str::from_utf8(&line).map_err(|_| BadInput(format!("{place}: not UTF-8 text")))?;
        // The mark some editors put at the start of a UTF-8 file.
        let text = match number {
            1 => text.strip_prefix('\u{feff}').unwrap_or(text),
            _ => text,
        };
        let text = without_comment(text).trim();
        if text.is_empty() {
            continue;
        }
        if words.len() >= room {
            return Err(too_many(&place));
        }
        let word = Word {
            text: text.to_string(),
            place: Some(place),
        };
        check(&word)?;
        words.push(word);
    }
    Ok(words)
}

/// More targets than one run probes, found at `place`.
pub fn too_many(place: &str) -> BadInput {
    BadInput(format!(
        "{place}: more than {MAX_TARGETS} targets; one run probes at most {MAX_TARGETS}"
    ))
}

/// Whether a word names targets: a tag some service has, or a target that resolves. The error
/// names the file and line it came from.
pub fn check(word: &Word, catalog: &Catalog) -> Result<(), BadInput> {
    match word.tag() {
        Some(tag) => {
            let tagged =
                |s: &&Service| tag == "all" || s.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag));
            match catalog.services().iter().any(|s| tagged(&s)) {
                true => Ok(()),
                false => Err(word.blame(unknown_tag(&tag, catalog))),
            }
        }
        None => target::resolve(&word.text, catalog)
            .map(drop)
            .map_err(|e| word.blame(e)),
    }
}

/// A `#` at the start or after a space starts a comment; one inside a URL is its fragment.
fn without_comment(line: &str) -> &str {
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        if c == '#' && previous.is_whitespace() {
            return &line[..at];
        }
        previous = c;
    }
    line
}

/// Every word resolved, in order; a tag stands for its services, in the order of their names,
/// leaving out those already named before it.
pub fn resolve(words: &[Word], catalog: &Catalog) -> Result<Vec<Target>, BadInput> {
    let mut targets: Vec<Target> = Vec::new();
    for word in words {
        let Some(tag) = word.tag() else {
            targets.push(target::resolve(&word.text, catalog).map_err(|e| word.blame(e))?);
            continue;
        };
        let mut services: Vec<_> = catalog
            .services()
            .iter()
            .filter(|s| tag == "all" || s.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)))
            .collect();
        if services.is_empty() {
            return Err(word.blame(unknown_tag(&tag, catalog)));
        }
        services.sort_by(|a, b| a.key.cmp(&b.key));
        for service in services {
            let named = |t: &Target| t.service.as_ref().is_some_and(|s| s.key == service.key);
            if !targets.iter().any(named) {
                targets.push(target::resolve(&service.key, catalog).map_err(|e| word.blame(e))?);
            }
            if targets.len() > MAX_TARGETS {
                return Err(too_many(&format!("'@{}'", for_terminal(&tag))));
            }
        }
    }
    Ok(targets)
}

/// `--list`'s filters: the services of a `@tag` (`@all`: every one), or those whose key,
/// display name, an alias or a tag contains a word, case-insensitively. No filter: every
/// service. Sorted by key, each once; an unknown tag is bad input, as it is for a probe.
pub fn matching<'c>(
    filters: &[String],
    catalog: &'c Catalog,
) -> Result<Vec<&'c Service>, BadInput> {
    let mut services: Vec<&Service> = Vec::new();
    for filter in filters {
        let word = Word::typed(filter);
        let wanted: Box<dyn Fn(&Service) -> bool> = match word.tag() {
            Some(tag) if tag == "all" => Box::new(|_| true),
            Some(tag) => {
                check(&word, catalog)?;
                Box::new(move |s: &Service| s.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)))
            }
            None => {
                let needle = filter.trim().to_lowercase();
                Box::new(move |s: &Service| {
                    s.names()
                        .chain([s.display_name()])
                        .chain(s.tags.iter().map(String::as_str))
                        .any(|name| name.to_lowercase().contains(&needle))
                })
            }
        };
        services.extend(catalog.services().iter().filter(|s| wanted(s)));
    }
    if filters.is_empty() {
        services.extend(catalog.services());
    }
    services.sort_by(|a, b| a.key.cmp(&b.key));
    services.dedup_by(|a, b| a.key == b.key);
    Ok(services)
}

fn unknown_tag(tag: &str, catalog: &Catalog) -> BadInput {
    let known: BTreeSet<&str> = catalog
        .services()
        .iter()
        .flat_map(|s| s.tags.iter().map(String::as_str))
        .collect();
    let tag = for_terminal(tag);
    if known.is_empty() {
        return BadInput(format!(
            "no service is tagged '{tag}': no service has tags (@all names every service)"
        ));
    }
    let known: Vec<&str> = known.into_iter().collect();
    BadInput(format!(
        "no service is tagged '{tag}'; known tags: {} (and @all)",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(key: &str, tags: &[&str]) -> Service {
        let text = format!(
            "[{key}]\nurl = \"http://127.0.0.1:9/{key}\"\ntags = {:?}\n",
            tags
        );
        let table: std::collections::BTreeMap<String, Service> = toml::from_str(&text).unwrap();
        crate::target::catalog::keyed(table).remove(0)
    }

    #[test]
    fn files_skip_comments_and_blank_lines_and_number_the_rest() {
        let text = "# services\n\nhttp://127.0.0.1:1/a#top  # first\n   \n  b.example \n#x\n";
        let words = read_file(Path::new("-"), text.as_bytes(), 10, &mut |_| Ok(())).unwrap();
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["http://127.0.0.1:1/a#top", "b.example"]);
        assert_eq!(words[1].place.as_deref(), Some("standard input line 5"));
        let bad = read_file(Path::new("-"), &b"ok.example\n\xff\n"[..], 10, &mut |_| {
            Ok(())
        })
        .unwrap_err();
        assert_eq!(bad.0, "standard input line 2: not UTF-8 text");
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let words = read_file(
            Path::new("-"),
            &b"a.example\nftp://x\n"[..],
            10,
            &mut |_| Ok(()),
        )
        .unwrap();
        let error = resolve(&words, &Catalog::default()).unwrap_err();
        assert!(
            error.0.starts_with("standard input line 2: 'ftp://x'"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_line_ends_the_reading_there_and_targets_are_capped() {
        /// Lines without end: reading past the first would never finish.
        struct Endless;
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                for pair in buf.chunks_mut(2) {
                    pair.copy_from_slice(&b"a\n"[..pair.len()]);
                }
                Ok(buf.len())
            }
        }
        let catalog = Catalog::default();
        let mut checked = 0;
        let error = read_file(Path::new("-"), Endless, MAX_TARGETS, &mut |word| {
            checked += 1;
            check(word, &catalog)
        })
        .unwrap_err();
        assert_eq!(checked, 1);
        assert!(
            error
                .0
                .starts_with("standard input line 1: 'a' is not a known service"),
            "{error}"
        );
        let many = "a.example\n".repeat(4);
        let error = read_file(Path::new("-"), many.as_bytes(), 3, &mut |_| Ok(())).unwrap_err();
        assert_eq!(
            error.0,
            format!(
                "standard input line 4: more than {MAX_TARGETS} targets; one run probes at most \
                 {MAX_TARGETS}"
            )
        );
        let long = format!("{}\n", "a".repeat(MAX_LINE_BYTES + 1));
        let error = read_file(Path::new("-"), long.as_bytes(), 3, &mut |_| Ok(())).unwrap_err();
        assert_eq!(
            error.0,
            "standard input line 1: longer than 16 KiB (no target is that long)"
        );
    }

    #[test]
    fn tags_stand_for_their_services_once_each() {
        let catalog = Catalog::with_user_services(vec![
            service("mine-b", &["mine", "ai"]),
            service("mine-a", &["mine"]),
        ]);
        let words = [Word::typed("mine-b"), Word::typed("@MINE")];
        let names: Vec<_> = resolve(&words, &catalog)
            .unwrap()
            .into_iter()
            .map(|t| t.input)
            .collect();
        assert_eq!(names, ["mine-b", "mine-a"]);
        let error = resolve(&[Word::typed("@nope")], &catalog).unwrap_err();
        assert!(error.0.contains("known tags:"), "{error}");
        assert!(
            error.0.contains("ai") && error.0.contains("mine"),
            "{error}"
        );
    }
}
