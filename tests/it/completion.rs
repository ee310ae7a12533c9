//! Completing targets in the shell: catalog names and @tags from the committed scripts, the
//! user's own services through isitdown itself; and the man page's sections.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs bash's completion function for the words typed so far (the last is being completed),
/// and returns what it offers. `with_isitdown`: the binary is on PATH, with this config.
fn complete(words: &[&str], with_isitdown: Option<&str>) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _isitdown; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        repo("completions/isitdown.bash").display(),
        quoted.join(" "),
        words.len() - 1
    );
    let mut bash = Command::new("bash");
    bash.args(["--norc", "--noprofile", "-c", &script])
        .env_remove("COMP_LINE")
        .env("PATH", "/usr/bin:/bin");
    if let Some(config) = with_isitdown {
        let binary = assert_cmd::cargo::cargo_bin("isitdown");
        let dir = binary.parent().unwrap();
        bash.env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
            .env("ISITDOWN_CONFIG", write_config(config));
    }
    let output = bash.output().expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_catalog_names_from_the_script_alone() {
    let offered = complete(&["isitdown", "chat"], None);
    assert!(offered.contains(&"chatgpt".to_string()), "{offered:?}");
    assert!(offered.iter().all(|w| w.starts_with("chat")), "{offered:?}");
    let later = complete(&["isitdown", "-q", "githu"], None);
    assert_eq!(later, ["github"]);
}

#[test]
fn bash_completes_tags_after_an_at_sign() {
    let offered = complete(&["isitdown", "@"], None);
    assert!(offered.contains(&"@ai".to_string()), "{offered:?}");
    assert!(offered.contains(&"@gaming".to_string()), "{offered:?}");
    assert!(offered.iter().all(|w| w.starts_with('@')), "{offered:?}");
}

#[test]
fn bash_offers_the_services_of_the_user_s_config_through_isitdown() {
    let config = "[services.chatops]\nurl = \"http://127.0.0.1:9/\"\ntags = [\"mine\"]\n";
    let offered = complete(&["isitdown", "chat"], Some(config));
    assert!(offered.contains(&"chatops".to_string()), "{offered:?}");
    assert!(offered.contains(&"chatgpt".to_string()), "{offered:?}");
    let tags = complete(&["isitdown", "@mi"], Some(config));
    assert!(tags.contains(&"@mine".to_string()), "{tags:?}");
}

#[test]
fn bash_leaves_options_and_their_values_to_clap() {
    let formats = complete(&["isitdown", "--format", ""], None);
    assert_eq!(formats, ["human", "json", "nagios", "prometheus"]);
    let options = complete(&["isitdown", "--tim"], None);
    assert_eq!(options, ["--timeout"]);
}

#[test]
fn complete_targets_prints_matching_names_and_tags() {
    let config = "[services.chatops]\nurl = \"http://127.0.0.1:9/\"\naliases = [\"ops\"]\n";
    let output = isitdown_with_config(config)
        .args(["--complete-targets", "CHAT"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let words: Vec<&str> = text.lines().collect();
    assert!(
        words.contains(&"chatgpt") && words.contains(&"chatops"),
        "{text}"
    );
    let tags = isitdown()
        .args(["--complete-targets", "@pay"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&tags.stdout), "@payments\n");
}

#[test]
fn zsh_and_fish_scripts_complete_targets_too() {
    let zsh = std::fs::read_to_string(repo("completions/_isitdown")).unwrap();
    assert!(
        zsh.contains(":_isitdown_targets'"),
        "the target argument uses the function"
    );
    assert!(zsh.contains("_isitdown_targets() {"));
    assert!(zsh.contains("--complete-targets \"$PREFIX\""));
    assert!(zsh.contains(" chatgpt ") && zsh.contains(" @ai "));
    let fish = std::fs::read_to_string(repo("completions/isitdown.fish")).unwrap();
    assert!(fish
        .contains("complete -c isitdown -f -n __isitdown_wants_target -a '(__isitdown_targets)'"));
    assert!(fish.contains("--complete-targets (commandline -ct)"));
    assert!(fish.contains(" chatgpt ") && fish.contains(" @ai "));
}

#[test]
fn the_man_page_has_exit_status_environment_files_and_examples() {
    let page = std::fs::read_to_string(repo("doc/isitdown.1")).unwrap();
    let order = [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXAMPLES",
        ".SH VERSION",
    ];
    let mut at = 0;
    for heading in order {
        let found = page[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        at += found + heading.len();
    }
    for needle in ["ISITDOWN_CONFIG", "NO_COLOR", "config.toml", "64"] {
        assert!(page.contains(needle), "{needle}");
    }
    assert!(!page.contains(".SH EXTRA"));
}
