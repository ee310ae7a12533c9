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

use crate::exit::BadInput;
use crate::probe::dns::seam::FixedDns;
use crate::probe::Method;
use crate::report::Format;
use crate::target::expect::StatusSet;

/// Shown after `-h`: a few lines to start from.
const EXAMPLES_SHORT: &str = "\
Examples:
  isitdown chatgpt                    is ChatGPT down, or is it just me?
  isitdown @ai --only-problems        every service tagged ai that is not up
  isitdown --watch localhost:8080     a live table until Ctrl-C

Exit codes: 0 up, 1 degraded, 2 down, 3 unknown, 64 bad input. More: --help.";

/// Shown after `--help`.
const EXAMPLES: &str = "\
Examples:
  isitdown chatgpt                      is ChatGPT down, or is it just me?
  isitdown github slack https://example.com/health
  isitdown @ai                          every service tagged ai (--list @ai)
  isitdown localhost:8080               a local server, over plain HTTP
  isitdown -f targets.txt --only-problems
  if isitdown -q chatgpt; then echo up; fi
  isitdown --json chatgpt github | jq -r 'select(.state != \"up\") | .target'
  isitdown --expect 200 --contains ok --slow 500ms api.example.com/health
  isitdown -w --on-change 'notify-send \"$ISITDOWN_NAME $ISITDOWN_STATE\"' github
  isitdown --format nagios chatgpt      a Nagios/Icinga check
  isitdown --from world chatgpt         down here, and from where else?
  isitdown --history chatgpt            outages this week, here and on its page

Exit codes: 0 up, 1 degraded, 2 down, 3 unknown (no verdict possible),
64 bad input. With several targets the worst state wins.";

/// The headings of `--help`, in the order they are shown.
const TARGETS: &str = "Targets";
const OUTPUT: &str = "Output";
const JUDGING: &str = "Judging";
const REPEATING: &str = "Repeating";
const NETWORK: &str = "Network";
const ELSEWHERE: &str = "Elsewhere";
const HISTORY: &str = "History";
const CONFIG: &str = "Config";

/// Is it down for everyone, or just me?
///
/// Probes each TARGET over HTTP(S), times every phase, reads the provider's status page and,
/// when a target fails, checks your own connection.
#[derive(Parser, Debug, Default, Clone)]
#[command(
    name = "isitdown",
    version,
    after_help = EXAMPLES_SHORT,
    after_long_help = EXAMPLES,
    max_term_width = 100
)]
pub struct Cli {
    /// A catalog service (see --list), a URL, host[:port][/path], or @TAG
    ///
    /// A name or alias from the catalog; @all is the whole catalog. localhost, loopback and
    /// private addresses given as host:port are probed over plain HTTP; ':8080' is localhost.
    #[arg(value_name = "TARGET", help_heading = TARGETS)]
    pub targets: Vec<String>,

    /// Also probe the targets in FILE ('-' reads stdin)
    ///
    /// One target per line; '#' starts a comment.
    #[arg(short = 'f', long = "file", value_name = "FILE", help_heading = TARGETS)]
    pub files: Vec<PathBuf>,

    /// Print the catalog of known services, or those matching @TAG or words
    ///
    /// Rows are cut to the terminal's width; -v shows every column in full, --json one object
    /// per service. Targets filter it: @TAG, or words found in a name, alias or tag.
    #[arg(long, help_heading = TARGETS)]
    pub list: bool,

    /// JSON Lines on stdout, one object per probe
    ///
    /// The same as --format json.
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = OUTPUT)]
    pub format: Option<Format>,

    /// Write the prometheus or nagios report to FILE
    ///
    /// Instead of stdout; the file is replaced whole (through a temporary file in the same
    /// folder) after each round of a repeated run.
    #[arg(long, value_name = "FILE", help_heading = OUTPUT)]
    pub output: Option<PathBuf>,

    /// Print nothing: the exit code is the answer
    #[arg(short, long, help_heading = OUTPUT)]
    pub quiet: bool,

    /// Show only targets that are not up
    ///
    /// The count line still counts them all.
    #[arg(long, help_heading = OUTPUT)]
    pub only_problems: bool,

    /// Also print timings, addresses, redirects, TLS and headers
    ///
    /// Phase timings, the address connected to, each redirect, the TLS version, cipher and
    /// certificate, and response headers of note.
    #[arg(short, long, help_heading = OUTPUT)]
    pub verbose: bool,

    /// When to use colours [default: auto]
    #[arg(long, value_enum, value_name = "WHEN", help_heading = OUTPUT)]
    pub color: Option<ColorWhen>,

    /// Statuses that count as up, e.g. 200, 2xx, 200-299,301
    ///
    /// Without it, 2xx and 3xx are up, 429 and other 4xx are degraded, 5xx are down; catalog
    /// services keep their own list. A bot wall is never up, whatever the status.
    #[arg(long, value_name = "CODES", value_parser = StatusSet::parse, help_heading = JUDGING)]
    pub expect: Option<StatusSet>,

    /// The body must contain TEXT
    ///
    /// At most 1 MiB of the body is read.
    #[arg(long, value_name = "TEXT", help_heading = JUDGING)]
    pub contains: Option<String>,

    /// An answer slower than this is DEGRADED
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true, help_heading = JUDGING)]
    pub slow: Option<Duration>,

    /// A certificate expiring sooner is DEGRADED [default: 14 days]
    ///
    /// Applies to the certificate of the server probed.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true, help_heading = JUDGING)]
    pub cert_warn: Option<Duration>,

    /// Probes per target [default: 1]
    #[arg(short = 'n', long, value_name = "N", value_parser = count, allow_negative_numbers = true, help_heading = REPEATING)]
    pub count: Option<u32>,

    /// Time between two probes of a target [default: 1s]
    ///
    /// From the start of one probe to the start of the next.
    #[arg(short = 'i', long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true, help_heading = REPEATING)]
    pub interval: Option<Duration>,

    /// Probe until interrupted, in a live table
    #[arg(short = 'w', long, help_heading = REPEATING)]
    pub watch: bool,

    /// Repeat until every target is in this state
    ///
    /// Bounded by --count when given.
    #[arg(long, value_enum, value_name = "STATE", help_heading = REPEATING)]
    pub until: Option<UntilArg>,

    /// Run CMD when a target changes state
    ///
    /// In repeated runs, CMD runs with `sh -c` on every state change of a target; ISITDOWN_*
    /// variables and ISITDOWN_JSON say which. At most four run at once, each killed after
    /// --timeout.
    #[arg(long, value_name = "CMD", help_heading = REPEATING)]
    pub on_change: Option<String>,

    /// Also run --on-change for each target's first state
    #[arg(long, help_heading = REPEATING)]
    pub on_change_initial: bool,

    /// A change counts for --on-change once N probes agree [default: 1]
    ///
    /// N probes in a row must find the new state, so that one flapping probe runs nothing.
    #[arg(long, value_name = "N", value_parser = count, allow_negative_numbers = true, help_heading = REPEATING)]
    pub confirm: Option<u32>,

    /// Re-probe a failed target up to N times [default: 0]
    ///
    /// Only the last try's answer counts.
    #[arg(long, value_name = "N", value_parser = retries, allow_negative_numbers = true, help_heading = REPEATING)]
    pub retries: Option<u32>,

    /// Deadline for the whole check [default: 10s]
    ///
    /// It bounds the probe with its redirects and body, the status page and the check of your
    /// own connection.
    #[arg(short = 't', long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true, help_heading = NETWORK)]
    pub timeout: Option<Duration>,

    /// Request method: GET or HEAD [default: GET]
    #[arg(
        short = 'X',
        long,
        value_enum,
        ignore_case = true,
        hide_possible_values = true,
        value_name = "METHOD",
        help_heading = NETWORK
    )]
    pub method: Option<Method>,

    /// Extra header 'Name: value' (repeatable)
    ///
    /// Its value is never printed back.
    #[arg(short = 'H', long = "header", value_name = "HEADER", help_heading = NETWORK)]
    pub headers: Vec<String>,

    /// Skip TLS certificate verification
    #[arg(short = 'k', long, help_heading = NETWORK)]
    pub insecure: bool,

    /// Also trust the CAs in this PEM file
    #[arg(long, value_name = "FILE", help_heading = NETWORK)]
    pub cacert: Option<PathBuf>,

    /// IPv4 only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6", help_heading = NETWORK)]
    pub ipv4: bool,

    /// IPv6 only
    #[arg(short = '6', long = "ipv6", help_heading = NETWORK)]
    pub ipv6: bool,

    /// Connect HOST:PORT to ADDR, as curl does
    ///
    /// Instead of asking DNS. ADDR is one address or several separated by commas, IPv6 in
    /// brackets; repeatable.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", help_heading = NETWORK)]
    pub resolve: Vec<String>,

    /// Do not read the provider's status page
    #[arg(long, help_heading = NETWORK)]
    pub no_status_page: bool,

    /// No check of your connection on failure
    #[arg(long, help_heading = NETWORK)]
    pub no_connectivity_check: bool,

    /// Also probe from elsewhere: world, Germany:2, near...
    ///
    /// Through Globalping: a comma-separated list of places, :N probes each, at most 50 in
    /// all; 'near' asks your own network, your country and the world.
    #[arg(long, value_name = "LOCATIONS", overrides_with = "no_from", help_heading = ELSEWHERE)]
    pub from: Option<String>,

    /// Do not probe from elsewhere, whatever `[defaults] from` says
    #[arg(long, hide = true, overrides_with = "from")]
    pub no_from: bool,

    /// Do not record this run's probes in the history database
    #[arg(long, help_heading = HISTORY)]
    pub no_record: bool,

    /// Show what was seen here and what the status pages admitted
    ///
    /// For the targets given (none: every target recorded), over --since: outages seen by this
    /// machine, availability and latency, beside the incidents the status pages admitted.
    #[arg(long, help_heading = HISTORY)]
    pub history: bool,

    /// With --history: how far back to look [default: 7d]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true, help_heading = HISTORY)]
    pub since: Option<Duration>,

    /// Config file [default: ~/.config/isitdown/config.toml]
    ///
    /// The default is $XDG_CONFIG_HOME/isitdown/config.toml; the environment variable
    /// ISITDOWN_CONFIG names another.
    #[arg(long, value_name = "FILE", help_heading = CONFIG)]
    pub config: Option<PathBuf>,

    /// Print a shell completion script or the man page
    ///
    /// For example `isitdown --generate bash > ~/.local/share/bash-completion/completions/isitdown`
    /// or `isitdown --generate man > ~/.local/share/man/man1/isitdown.1`.
    #[arg(long, value_enum, value_name = "WHAT", help_heading = CONFIG)]
    pub generate: Option<Generate>,

    /// Print the targets that start with PREFIX, one a line (for completion scripts)
    #[arg(long, hide = true, value_name = "PREFIX", allow_hyphen_values = true)]
    pub complete_targets: Option<String>,

    /// The resolver's test seam, from the hidden `--test-dns` (see `probe::dns::seam`). Only
    /// [`command`] knows that flag: no help, completion script, man page or `[defaults]` does.
    #[arg(skip)]
    pub test_dns: Option<FixedDns>,

    /// The hidden `--test-globalping-margin`: how long past a measurement's own timeout its
    /// results are waited for (tests shorten it; see `elsewhere::FromElsewhere::margin`).
    #[arg(skip)]
    pub test_globalping_margin: Option<std::time::Duration>,

    /// The hidden `--test-globalping-interval`: how often repeated runs may measure a target
    /// again from elsewhere (see `elsewhere::pace`).
    #[arg(skip)]
    pub test_globalping_interval: Option<std::time::Duration>,
}

/// `-n`: a count of probes, at least one.
fn count(text: &str) -> Result<u32, BadInput> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err(BadInput("at least one probe is needed".into())),
        Ok(n) => u32::try_from(n).map_err(|_| BadInput(format!("'{text}' probes are too many"))),
        Err(_) if text.trim().starts_with('-') => {
            Err(BadInput("at least one probe is needed".into()))
        }
        Err(_) => Err(BadInput(format!("'{text}' is not a number of probes"))),
    }
}

fn retries(text: &str) -> Result<u32, BadInput> {
    match text.trim().parse::<u64>() {
        Ok(n) => u32::try_from(n).map_err(|_| BadInput(format!("'{text}' tries are too many"))),
        Err(_) if text.trim().starts_with('-') => Err(BadInput("the retries are 0 or more".into())),
        Err(_) => Err(BadInput(format!("'{text}' is not a number of tries"))),
    }
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
/// The id and long name of the test seam for the time given to Globalping's results.
const TEST_GLOBALPING_MARGIN: &str = "test-globalping-margin";
/// The id and long name of the test seam for how often a target is measured again.
const TEST_GLOBALPING_INTERVAL: &str = "test-globalping-interval";

/// The command line that is parsed: [`public_command`] and the hidden test seam
/// `--test-dns NAME=ADDR[,ADDR...];...` (see `probe::dns::seam`).
pub fn command() -> Command {
    public_command()
        .arg(
            clap::Arg::new(TEST_DNS)
                .long(TEST_DNS)
                .value_name("SPEC")
                .help("Test seam: these names and addresses are the whole DNS")
                .value_parser(FixedDns::parse)
                .hide(true),
        )
        .arg(
            clap::Arg::new(TEST_GLOBALPING_MARGIN)
                .long(TEST_GLOBALPING_MARGIN)
                .value_name("DURATION")
                .help("Test seam: how long past a measurement's timeout Globalping is waited for")
                .value_parser(parse_duration)
                .hide(true),
        )
        .arg(
            clap::Arg::new(TEST_GLOBALPING_INTERVAL)
                .long(TEST_GLOBALPING_INTERVAL)
                .value_name("DURATION")
                .help("Test seam: how often repeated runs may measure a target again elsewhere")
                .value_parser(parse_duration)
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
    cli.test_globalping_margin = matches.remove_one::<std::time::Duration>(TEST_GLOBALPING_MARGIN);
    cli.test_globalping_interval =
        matches.remove_one::<std::time::Duration>(TEST_GLOBALPING_INTERVAL);
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
    if let Some(valid) = context(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
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
pub fn parse_duration(text: &str) -> Result<Duration, BadInput> {
    let text = text.trim();
    if let Some(positive) = text.strip_prefix('-') {
        return Err(BadInput(match parse_duration(positive) {
            Ok(_) => "a duration cannot be negative".to_string(),
            Err(_) => format!("'{text}' is not a duration (try 500ms, 1.5s or 2m)"),
        }));
    }
    if let Ok(seconds) = text.parse::<f64>() {
        if (0.0..1e9).contains(&seconds) {
            return Ok(Duration::from_secs_f64(seconds));
        }
        return Err(BadInput(format!("'{text}' is not a duration")));
    }
    let duration = parse_fractional(text)
        .or_else(|| humantime::parse_duration(text).ok())
        .ok_or_else(|| {
            BadInput(format!(
                "'{text}' is not a duration (try 500ms, 1.5s or 2m)"
            ))
        })?;
    if duration.as_secs_f64() >= 1e9 {
        return Err(BadInput(format!("'{text}' is too long: at most 31 years")));
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
        assert!(parse_duration("-1s").is_err_and(|e| e.0.contains("cannot be negative")));
        assert!(parse_duration("--json").is_err_and(|e| e.0.contains("is not a duration")));
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
