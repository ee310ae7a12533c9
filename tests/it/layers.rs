//! Data flows one way: a module may use the modules below it, never one above it. The layers,
//! from the ground up, are listed here; a new module must take its place in the list.

use std::collections::BTreeSet;
use std::path::Path;

/// From the ground floor up. Modules on one line are peers that do not use each other.
const LAYERS: &[&[&str]] = &[
    // The vocabulary every layer speaks: the four states, exit codes, and text made safe.
    &["state", "exit", "text"],
    // One HTTP probe, timed per phase, and what its answer's signature says (walls, CDNs).
    &["probe"],
    // What the user typed, the catalog it names, and the statuses that count as up.
    &["target"],
    // What the provider admits, and what the user's own side explains.
    &["status_page", "just_me"],
    // The judge: one function for every answer.
    &["verdict"],
    // The same probe made from elsewhere, judged by the same judge.
    &["elsewhere"],
    // Every target checked on a schedule.
    &["engine"],
    // What people, scripts and monitoring systems read, and the commands run on a change.
    &["report"],
    // Every probe recorded, and read back beside what the status pages admitted.
    &["history"],
    // The command line and the config file, resolved into settings.
    &["cli"],
    &["run"],
    &["invariants"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a source file belongs to: `src/probe/tls.rs` is `probe`.
fn module_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// Every `crate::name` a file mentions.
fn uses(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .map(|(at, _)| {
            text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_module_uses_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file, &src);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            wrong.push(format!(
                "{}: module '{module}' has no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for used in uses(&text) {
            match layer_of(&used) {
                Some(layer) if layer < own || used == module => {}
                Some(_) => wrong.push(format!(
                    "{}: '{module}' uses '{used}', which is not below it",
                    file.display()
                )),
                None => wrong.push(format!("{}: uses unknown 'crate::{used}'", file.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
