//! What `--generate` prints: shell completion scripts that also complete targets (catalog
//! names and `@tags`, the user's own services included), and the man page with the sections
//! a man page owes its reader.

use std::io::{self, Write};

use clap_mangen::roff::{bold, italic, roman, Roff};

use crate::cli::{self, Generate};
use crate::target::catalog::Catalog;

/// Prints a completion script or the man page. The names embedded in scripts are those of
/// `catalog`; the user's own services are asked of isitdown when completing.
pub fn write(what: Generate, catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let shell = match what {
        Generate::Bash => clap_complete::Shell::Bash,
        Generate::Zsh => clap_complete::Shell::Zsh,
        Generate::Fish => clap_complete::Shell::Fish,
        Generate::Powershell => clap_complete::Shell::PowerShell,
        Generate::Elvish => clap_complete::Shell::Elvish,
        Generate::Man => return man(out),
    };
    // clap_complete panics on a failed write; into memory first, then out like everything else.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut visible_command(), "isitdown", &mut script);
    let script = String::from_utf8_lossy(&script);
    let mut words = target_words(catalog, "");
    words.extend(target_words(catalog, "@"));
    let words = words.join(" ");
    let takes_value = options_taking_values().join(" ");
    let script = match what {
        Generate::Bash => format!("{script}{}", bash(&words, &takes_value)),
        Generate::Zsh => zsh(&script, &words),
        Generate::Fish => format!("{script}{}", fish(&words, &takes_value)),
        _ => script.into_owned(),
    };
    out.write_all(script.as_bytes())
}

/// The command as the help shows it: without the hidden `--no-` twins and completion helpers,
/// which a completion script would otherwise offer beside the options people use.
fn visible_command() -> clap::Command {
    let full = cli::public_command();
    // Overrides name the hidden twins; a script needs none of them.
    let visible = full.get_arguments().filter(|a| !a.is_hide_set()).map(|a| {
        a.clone()
            .overrides_with(clap::builder::Resettable::<clap::Id>::Reset)
    });
    clap::Command::new("isitdown")
        .version(full.get_version().unwrap_or_default().to_string())
        .args(visible)
}

/// The targets that start with `prefix`, case-insensitively: `@tags` (and `@all`) when it
/// starts with `@`, names and aliases otherwise. Sorted, each once.
pub fn target_words(catalog: &Catalog, prefix: &str) -> Vec<String> {
    let prefix = prefix.to_lowercase();
    let services = catalog.services();
    let mut words: Vec<String> = if prefix.starts_with('@') {
        services
            .iter()
            .flat_map(|s| s.tags.iter().map(|tag| format!("@{}", tag.to_lowercase())))
            .chain(["@all".to_string()])
            .collect()
    } else {
        services
            .iter()
            .flat_map(|s| s.names().map(str::to_string))
            .collect()
    };
    words.retain(|word| word.starts_with(&prefix));
    words.sort();
    words.dedup();
    words
}

/// Every spelling of every option that takes a value: after one of them, a word is its value,
/// not a target.
fn options_taking_values() -> Vec<String> {
    let command = cli::public_command();
    let mut spellings = Vec::new();
    for arg in command.get_arguments() {
        if arg.is_positional() || !arg.get_action().takes_values() {
            continue;
        }
        spellings.extend(
            arg.get_short_and_visible_aliases()
                .into_iter()
                .flatten()
                .map(|c| format!("-{c}")),
        );
        spellings.extend(
            arg.get_long_and_visible_aliases()
                .into_iter()
                .flatten()
                .map(|l| format!("--{l}")),
        );
    }
    spellings
}

/// Wraps clap's `_isitdown`: options stay clap's, targets are completed here. Bash splits
/// words at `@`, so the word is taken from the line itself.
fn bash(words: &str, takes_value: &str) -> String {
    format!(
        r#"
# Targets: catalog names and @tags. isitdown itself is asked first, so that the services of
# your own config are offered too; the names below answer when it cannot be.
_isitdown_known_targets='{words}'
_isitdown_options_taking_values=' {takes_value} '
eval "$(declare -f _isitdown | sed '1s/^_isitdown /_isitdown_options /')"
_isitdown() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev=""
    (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local word="$cur"
    if [[ -n "${{COMP_LINE-}}" ]]; then
        word="${{COMP_LINE:0:COMP_POINT}}"
        word="${{word##*[[:space:]]}}"
    fi
    if [[ "$word" == -* ]] || [[ "$word" == "$cur" && "$_isitdown_options_taking_values" == *" $prev "* ]]; then
        _isitdown_options "${{1:-${{COMP_WORDS[0]}}}}" "$cur" "$prev"
        return
    fi
    local targets
    targets="$(command isitdown --complete-targets "$word" 2>/dev/null)" || targets="$_isitdown_known_targets"
    COMPREPLY=( $(compgen -W "$targets" -- "$word") )
    if [[ "$word" != "$cur" ]]; then
        local split="${{word%"$cur"}}"
        COMPREPLY=( "${{COMPREPLY[@]#"$split"}}" )
    fi
}}
"#
    )
}

/// Points clap's target argument at a function that completes targets.
fn zsh(script: &str, words: &str) -> String {
    let function = format!(
        r#"(( $+functions[_isitdown_targets] )) ||
_isitdown_targets() {{
    local -a targets
    local found
    if found="$(command isitdown --complete-targets "$PREFIX" 2>/dev/null)"; then
        targets=(${{(f)found}})
    else
        targets=({words})
    fi
    compadd -a targets
}}

"#
    );
    let mut out = String::with_capacity(script.len() + function.len());
    for line in script.lines() {
        if line.starts_with("'*::targets") {
            out.push_str(&line.replacen(":_default'", ":_isitdown_targets'", 1));
        } else {
            if line.starts_with("if [ \"$funcstack[1]\" = \"_isitdown\" ]") {
                out.push_str(&function);
            }
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn fish(words: &str, takes_value: &str) -> String {
    format!(
        r#"
# Targets: catalog names and @tags, the services of your own config included.
function __isitdown_wants_target
    set -l previous (commandline -opc)[-1]
    not contains -- $previous {takes_value}
    and not string match -q -- '-*' (commandline -ct)
end
function __isitdown_targets
    command isitdown --complete-targets (commandline -ct) 2>/dev/null
    or printf '%s\n' {words}
end
complete -c isitdown -f -n __isitdown_wants_target -a '(__isitdown_targets)'
"#
    )
}

/// clap's page without its help epilogue, and with EXIT STATUS, ENVIRONMENT, FILES and
/// EXAMPLES before VERSION.
fn man(out: &mut dyn Write) -> io::Result<()> {
    let command = cli::public_command()
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let (head, version) = page
        .split_once(".SH VERSION")
        .map(|(head, tail)| (head, format!(".SH VERSION{tail}")))
        .unwrap_or((&page, String::new()));
    let sections = sections().render();
    // Our sections come with their own copy of the preamble already at the page's top.
    let sections = sections.find(".SH ").map_or("", |at| &sections[at..]);
    write!(out, "{head}{sections}{version}")
}

fn sections() -> Roff {
    let mut roff = Roff::new();
    let entry = |roff: &mut Roff, term: Vec<clap_mangen::roff::Inline>, text: &str| {
        roff.control("TP", []).text(term).text([roman(text)]);
    };
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roman(
        "With several targets the worst state wins; in repeated runs each target counts with its last probe.",
    )]);
    for (code, meaning) in [
        ("0", "every target is UP"),
        ("1", "the worst is DEGRADED"),
        ("2", "at least one target is DOWN"),
        ("3", "the worst is UNKNOWN: no verdict is possible (your own connection is down, or a bot wall with no status page)"),
        ("64", "bad input: arguments, a target or the config file"),
    ] {
        entry(&mut roff, vec![bold(code)], meaning);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in [
        (
            "ISITDOWN_CONFIG",
            "the config file, when --config is not given",
        ),
        (
            "XDG_CONFIG_HOME",
            "where the config file is looked for (default: ~/.config)",
        ),
        (
            "NO_COLOR",
            "set and not empty: no colours with --color auto",
        ),
        (
            "CLICOLOR_FORCE",
            "set and not 0: colours with --color auto even off a terminal",
        ),
        (
            "TERM",
            "dumb: no colours with --color auto, no live table and no spinner",
        ),
        (
            "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
            "proxies for probes and status pages, as curl reads them (lowercase spellings too)",
        ),
        (
            "ISITDOWN_GLOBALPING_URL",
            "the Globalping API that --from asks (over [globalping] url; default https://api.globalping.io)",
        ),
        (
            "GLOBALPING_TOKEN",
            "a Globalping token for a higher hourly allowance (over [globalping] token); sent only to the API, never printed",
        ),
        (
            "SSL_CERT_FILE, SSL_CERT_DIR",
            "the CA certificates HTTPS trusts instead of the operating system's, as OpenSSL and curl read them (--cacert adds to them)",
        ),
    ] {
        entry(&mut roff, vec![bold(name)], meaning);
    }
    roff.control("SH", ["FILES"]);
    entry(
        &mut roff,
        vec![italic("$XDG_CONFIG_HOME/isitdown/config.toml")],
        "the config file: [defaults] for any long option, your own [services] (they win over the catalog), [connectivity] reference endpoints, and [globalping] url and token for --from. Missing is fine; a malformed file is bad input.",
    );
    roff.control("SH", ["EXAMPLES"]);
    for (command, meaning) in [
        ("isitdown chatgpt", "Is ChatGPT down, or is it just me?"),
        (
            "isitdown github slack https://example.com/health",
            "Several targets at once, reported in the order given.",
        ),
        (
            "isitdown @ai",
            "Every service of the catalog tagged ai (see --list).",
        ),
        (
            "if isitdown -q chatgpt; then echo up; fi",
            "The exit code is the answer.",
        ),
        (
            "isitdown --json chatgpt github | jq -r 'select(.state != \"up\") | .target'",
            "JSON Lines for a pipeline.",
        ),
        (
            "isitdown --watch -i 30s api.example.com",
            "Probe until interrupted, then a summary.",
        ),
        (
            "isitdown --expect 200 --contains ok --slow 500ms api.example.com/health",
            "Stricter rules for a health endpoint.",
        ),
    ] {
        entry(&mut roff, vec![bold(command)], meaning);
    }
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_complete_by_name_or_by_tag() {
        let catalog = Catalog::builtin();
        let chat = target_words(&catalog, "chat");
        assert!(chat.contains(&"chatgpt".to_string()), "{chat:?}");
        assert!(chat.iter().all(|w| w.starts_with("chat")));
        let tags = target_words(&catalog, "@");
        assert!(tags.contains(&"@ai".to_string()) && tags.contains(&"@all".to_string()));
        assert!(tags.iter().all(|w| w.starts_with('@')));
        assert_eq!(target_words(&catalog, "CHATG"), ["chatgpt"]);
    }

    #[test]
    fn options_that_take_values_are_known() {
        let spellings = options_taking_values();
        for option in ["--timeout", "-t", "--format", "--config"] {
            assert!(spellings.contains(&option.to_string()), "{option}");
        }
        assert!(!spellings.contains(&"--json".to_string()));
    }
}
