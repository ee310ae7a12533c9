//! The command line, exactly as typed: every value optional, so that the config file's
//! `[defaults]` can fill in what the command line leaves out (see `settings`).

pub mod config;
pub mod generate;
pub mod settings;

use std::path::PathBuf;
use std::time::Duration;

use std::error::Error as _;
use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Command, CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::probe::dns::seam::FixedDns;
use crate::probe::Method;
use crate::report::Format;
use crate::target::expect::StatusSet;

const EXAMPLES: &str = "\
Examples:
  isitdown chatgpt                      is ChatGPT down, or is it just me?
  isitdown github slack https://example.com/health
  isitdown @ai                          every service tagged ai (see --list)
  isitdown -f targets.txt --only-problems
  if isitdown -q chatgpt; then echo up; fi
  isitdown --json chatgpt github | jq -r 'select(.state != \"up\") | .target'
  isitdown --expect 200 --contains ok --slow 500ms api.example.com/health
  isitdown --from world chatgpt         down here, and from where else?
  isitdown --history chatgpt            its outages this week, beside its status page

Exit codes: 0 up, 1 degraded, 2 down, 3 unknown (no verdict possible), 64 bad input.";

/// Is it down for everyone, or just me?
///
/// Probes each TARGET over HTTP(S), times every phase, reads the provider's status page and,
/// when a target fails, checks your own connection.
#[derive(Parser, Debug, Default, Clone)]
#[command(name = "isitdown", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// A service name from the catalog (see --list), a URL, a host[:port][/path], or @TAG for
    /// every service with that tag (@all: the whole catalog)
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Also probe the targets in FILE, one per line ('#' starts a comment; '-' reads stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// JSON Lines on stdout, one object per probe (same as --format json)
    #[arg(long)]
    pub json: bool,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write the prometheus or nagios report to FILE instead of stdout, replaced whole (through
    /// a temporary file in the same folder) after each round of a repeated run
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print nothing: the exit code is the answer
    #[arg(short, long)]
    pub quiet: bool,

    /// Show only targets that are not up (the count line still counts them all)
    #[arg(long)]
    pub only_problems: bool,

    /// Also print phase timings, the resolved address, redirects and response headers of note
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colours [default: auto]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,

    /// Deadline for one whole probe, redirects and body included [default: 10s]
    #[arg(short = 't', long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Probes per target [default: 1]
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub count: Option<u32>,

    /// Time between the starts of two probes of a target [default: 1s]
    #[arg(short = 'i', long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<Duration>,

    /// Probe until interrupted
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Repeat until every target is in this state (bounded by --count when given)
    #[arg(long, value_enum, value_name = "STATE")]
    pub until: Option<UntilArg>,

    /// In repeated runs, run CMD with `sh -c` on every state change of a target (ISITDOWN_*
    /// variables say which), one at a time per target, killed after --timeout
    #[arg(long, value_name = "CMD")]
    pub on_change: Option<String>,

    /// Also run --on-change for each target's first state
    #[arg(long)]
    pub on_change_initial: bool,

    /// Re-probe a failed target up to N times before calling it down [default: 0]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Statuses that count as up, e.g. 200, 2xx, 200-299,301
    #[arg(long, value_name = "CODES", value_parser = StatusSet::parse)]
    pub expect: Option<StatusSet>,

    /// The body must contain TEXT (at most 1 MiB is read)
    #[arg(long, value_name = "TEXT")]
    pub contains: Option<String>,

    /// An answer slower than this is DEGRADED
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub slow: Option<Duration>,

    /// A TLS certificate expiring sooner than this is DEGRADED [default: 14 days]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub cert_warn: Option<Duration>,

    /// Request method [default: GET]
    #[arg(
        short = 'X',
        long,
        value_enum,
        ignore_case = true,
        value_name = "METHOD"
    )]
    pub method: Option<Method>,

    /// Extra request header 'Name: value' (repeatable; never printed back)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Skip TLS certificate verification
    #[arg(short = 'k', long)]
    pub insecure: bool,

    /// Also trust the CA certificates in this PEM file
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,

    /// IPv4 only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// IPv6 only
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,

    /// Also probe from other places through Globalping: world, world:10, Germany:2,AS3320...
    /// (comma-separated, :N probes each, at most 50 in all)
    #[arg(long, value_name = "LOCATIONS", overrides_with = "no_from")]
    pub from: Option<String>,

    /// Do not probe from elsewhere, whatever `[defaults] from` says
    #[arg(long, hide = true, overrides_with = "from")]
    pub no_from: bool,

    /// Use these addresses for HOST and PORT instead of asking DNS, as curl does (repeatable;
    /// IPv6 in brackets)
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR[,ADDR...]")]
    pub resolve: Vec<String>,

    /// Do not read the provider's status page
    #[arg(long)]
    pub no_status_page: bool,

    /// Do not check your own connection when a target fails
    #[arg(long)]
    pub no_connectivity_check: bool,

    /// Do not record this run's probes in the history database
    #[arg(long)]
    pub no_record: bool,

    /// Show what was seen here and what the status pages admitted over --since, for the
    /// targets given (none: every target recorded)
    #[arg(long)]
    pub history: bool,

    /// With --history: how far back to look [default: 7d]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub since: Option<Duration>,

    /// Config file [default: $XDG_CONFIG_HOME/isitdown/config.toml; env: ISITDOWN_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print the catalog of known services (with --json: one object per service)
    #[arg(long)]
    pub list: bool,

    /// Print a shell completion script or the man page
    #[arg(long, value_enum, hide = true, value_name = "WHAT")]
    pub generate: Option<Generate>,

    /// Print the targets that start with PREFIX, one a line (for completion scripts)
    #[arg(long, hide = true, value_name = "PREFIX", allow_hyphen_values = true)]
    pub complete_targets: Option<String>,

    /// The resolver's test seam, from the hidden `--test-dns` (see `probe::dns::seam`). Only
    /// [`command`] knows that flag: no help, completion script, man page or `[defaults]` does.
    #[arg(skip)]
    pub test_dns: Option<FixedDns>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UntilArg {
    Up,
    Down,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generate {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    Man,
}

/// The id and long name of the resolver's test seam.
const TEST_DNS: &str = "test-dns";

/// The command line that is parsed: [`public_command`] and the hidden test seam
/// `--test-dns NAME=ADDR[,ADDR...];...` (see `probe::dns::seam`).
pub fn command() -> Command {
    public_command().arg(
        clap::Arg::new(TEST_DNS)
            .long(TEST_DNS)
            .value_name("SPEC")
            .help("Test seam: these names and addresses are the whole DNS")
            .value_parser(FixedDns::parse)
            .hide(true),
    )
}

/// The command as users see it (help, completion scripts, man page, `[defaults]`), plus a
/// hidden negation for every switch (`--no-quiet`, `--status-page`), so that a switch the
/// config file sets can be unset for one run. An option given twice keeps its last value:
/// that is how the command line overrides `[defaults]`, which are put in front of it.
pub fn public_command() -> Command {
    let mut command = Cli::command().args_override_self(true);
    let longs: Vec<String> = command
        .get_arguments()
        .filter_map(|a| Some(a.get_long()?.to_string()))
        .collect();
    let switches: Vec<(String, String)> = command
        .get_arguments()
        .filter(|a| matches!(a.get_action(), ArgAction::SetTrue) && a.get_id() != "list")
        .filter_map(|a| Some((a.get_id().to_string(), a.get_long()?.to_string())))
        .collect();
    for (id, long) in switches {
        let negation = match long.strip_prefix("no-") {
            Some(positive) => positive.to_string(),
            None => format!("no-{long}"),
        };
        // `--no-from` undoes an option that has its own long name.
        if longs.contains(&negation) {
            continue;
        }
        let negation_id = format!("negate-{id}");
        command = command
            .mut_arg(&id, |a| a.overrides_with(negation_id.clone()))
            .arg(
                clap::Arg::new(negation_id)
                    .long(negation)
                    .help(format!("Undo --{long} set in the config file"))
                    .action(ArgAction::SetTrue)
                    .overrides_with(id)
                    .hide(true),
            );
    }
    command
}

/// Parses words as the command line; `-4` and `-6` together are an error here.
pub fn parse(words: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
    let mut matches = command().try_get_matches_from(words)?;
    from_matches(&mut matches)
}

fn from_matches(matches: &mut clap::ArgMatches) -> Result<Cli, clap::Error> {
    let mut cli = Cli::from_arg_matches_mut(matches)?;
    cli.test_dns = matches.remove_one::<FixedDns>(TEST_DNS);
    Ok(cli)
}

/// Parses `[defaults]` (already checked on their own) with the command line after them: the
/// later word wins, so the command line overrides the config file, and a `-6` typed overrides
/// a `-4` configured.
pub fn parse_layered(defaults: &[OsString], argv: &[OsString]) -> Result<Cli, clap::Error> {
    let words = argv
        .iter()
        .take(1)
        .chain(defaults)
        .chain(argv.iter().skip(1))
        .cloned();
    let mut matches = command()
        .mut_arg("ipv4", |a| a.overrides_with("ipv6"))
        .mut_arg("ipv6", |a| a.overrides_with("ipv4"))
        .try_get_matches_from(words)?;
    from_matches(&mut matches)
}

/// clap's error as one line: what is wrong, built from the error's kind and context, with the
/// possible values or a suggestion when clap has one.
pub fn error_words(error: &clap::Error) -> String {
    let context = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        Some(ContextValue::Strings(texts)) => Some(texts.join(", ")),
        Some(ContextValue::StyledStr(text)) => Some(text.to_string()),
        Some(ContextValue::StyledStrs(texts)) => Some(
            texts
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let mut words = match error.kind() {
        ErrorKind::UnknownArgument => format!("unexpected argument '{arg}'"),
        ErrorKind::InvalidValue if value.is_empty() => format!("a value is required for '{arg}'"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = error.source().map(|s| format!(": {s}")).unwrap_or_default();
            format!("invalid value '{value}' for '{arg}'{why}")
        }
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            format!("the argument '{arg}' cannot be used with '{other}'")
        }
        ErrorKind::MissingRequiredArgument => format!("'{arg}' is required"),
        ErrorKind::TooManyValues => format!("unexpected value '{value}' for '{arg}'"),
        ErrorKind::InvalidUtf8 => "an argument is not valid UTF-8".to_string(),
        _ => error
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string(),
    };
    if let Some(valid) = context(ContextKind::ValidValue) {
        words.push_str(&format!("; possible values: {valid}"));
    }
    if let Some(similar) = context(ContextKind::SuggestedArg) {
        words.push_str(&format!("; a similar argument exists: '{similar}'"));
    }
    if let Some(similar) = context(ContextKind::SuggestedValue) {
        words.push_str(&format!("; did you mean '{similar}'?"));
    }
    words
}

/// A humantime duration (`500ms`, `1.5s`, `2m`); a bare number means seconds, as in curl.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        if (0.0..1e9).contains(&seconds) {
            return Ok(Duration::from_secs_f64(seconds));
        }
        return Err(format!("'{text}' is not a duration"));
    }
    let duration = parse_fractional(text)
        .or_else(|| humantime::parse_duration(text).ok())
        .ok_or_else(|| format!("'{text}' is not a duration (try 500ms, 1.5s or 2m)"))?;
    if duration.as_secs_f64() >= 1e9 {
        return Err(format!("'{text}' is longer than any deadline needs to be"));
    }
    Ok(duration)
}

/// humantime has no fractions; `1.5s` and `0.25m` are what people type.
fn parse_fractional(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    if !number.contains('.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let unit_seconds = match unit.trim() {
        "ms" | "msec" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86400.0,
        _ => return None,
    };
    let seconds = value * unit_seconds;
    (seconds.is_finite() && seconds < 1e9).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(
            parse_duration("14 days"),
            Ok(Duration::from_secs(14 * 86400))
        );
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("1e99").is_err());
        assert!(parse_duration("10000000000000000000s").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        command().debug_assert();
    }

    fn words(text: &str) -> Vec<OsString> {
        text.split_whitespace().map(OsString::from).collect()
    }

    #[test]
    fn every_switch_has_a_negation_and_the_last_word_wins() {
        let cli = parse(words("isitdown --quiet --no-quiet --no-status-page x")).unwrap();
        assert!(!cli.quiet && cli.no_status_page);
        let cli = parse(words("isitdown --no-status-page --status-page x")).unwrap();
        assert!(!cli.no_status_page);
        let cli = parse_layered(
            &words("--quiet --timeout=5s -4"),
            &words("isitdown -t 2s -6 x"),
        )
        .unwrap();
        assert!(cli.quiet && cli.ipv6 && !cli.ipv4);
        assert_eq!(cli.timeout, Some(Duration::from_secs(2)));
        assert!(parse(words("isitdown -4 -6 x")).is_err());
    }

    #[test]
    fn no_from_undoes_a_configured_from_and_a_later_from_wins_again() {
        let cli = parse_layered(&words("--from=world:2"), &words("isitdown --no-from x")).unwrap();
        assert_eq!(cli.from, None);
        let cli = parse(words("isitdown --no-from --from Germany x")).unwrap();
        assert_eq!(cli.from.as_deref(), Some("Germany"));
    }

    #[test]
    fn clap_errors_read_as_one_sentence() {
        let error = parse(words("isitdown --bogus")).unwrap_err();
        assert_eq!(error_words(&error), "unexpected argument '--bogus'");
        let error = parse(words("isitdown --format xml")).unwrap_err();
        let text = error_words(&error);
        assert!(
            text.starts_with("invalid value 'xml' for '--format <FORMAT>'"),
            "{text}"
        );
        assert!(text.contains("possible values: human, json"), "{text}");
        let error = parse(words("isitdown --timeout soon")).unwrap_err();
        assert!(error_words(&error).contains("'soon' is not a duration"));
        let error = parse(words("isitdown -4 -6")).unwrap_err();
        assert!(error_words(&error).contains("cannot be used with"));
    }
}
