//! The program from start to end: arguments and config in, a report and an exit code out.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::error::ErrorKind as ClapErrorKind;
use clap::{CommandFactory, Parser};

use crate::check;
use crate::cli::{Cli, Generate};
use crate::config;
use crate::exit::{BadInput, BAD_INPUT};
use crate::monitor;
use crate::report;
use crate::settings::{Mode, Settings};
use crate::verdict::State;

/// Runs isitdown and says how it ended. Errors are one sentence on stderr.
pub fn main_exit_code() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<BadInput>() {
            Some(bad) => {
                let _ = writeln!(io::stderr(), "isitdown: {bad}");
                ExitCode::from(BAD_INPUT)
            }
            None if is_broken_pipe(&error) => ExitCode::SUCCESS,
            None => {
                let words = match error.downcast_ref::<io::Error>() {
                    Some(io_error) => {
                        format!(
                            "cannot write the output: {}",
                            crate::words::io_error(io_error)
                        )
                    }
                    None => format!("{error:#}"),
                };
                let _ = writeln!(io::stderr(), "isitdown: {words}");
                ExitCode::from(State::Unknown.exit_code())
            }
        },
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let config = config::load(cli.config.as_deref())?;
    let settings = Settings::resolve(cli, config)?;
    let stdout = io::stdout();
    match settings.mode {
        Mode::Generate(what) => {
            generate(what, &mut stdout.lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Mode::List => {
            report::list(&settings.catalog, settings.output, &mut stdout.lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Mode::Probe => {
            let settings = Arc::new(settings);
            let plans: Vec<_> = settings.targets.iter().map(|t| settings.plan(t)).collect();
            let repeated = !settings.schedule.is_one_shot();
            let mut reporter = report::reporter(
                settings.output,
                &settings.targets,
                repeated,
                Box::new(stdout.lock()),
            );
            let (last, summaries, worst, reported) = if repeated {
                let (ending, reported) = monitor::run(settings.clone(), plans, reporter.as_mut());
                (ending.last, ending.summaries, ending.worst, reported)
            } else {
                let (outcomes, reported) =
                    check::probe_all(settings.clone(), &plans, reporter.as_mut());
                let worst = outcomes
                    .iter()
                    .map(|o| o.verdict.state)
                    .max()
                    .unwrap_or(State::Unknown);
                (outcomes, Vec::new(), worst, reported)
            };
            match reported.and_then(|()| reporter.finish(&last, &summaries)) {
                // Nobody reads any more (`| head`): the exit code still tells.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
            Ok(ExitCode::from(worst.exit_code()))
        }
    }
}

/// clap's help and version are answers (exit 0); its usage errors are bad input (exit 64).
fn clap_exit(error: &clap::Error) -> anyhow::Result<ExitCode> {
    match error.kind() {
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
            match error.print() {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(BadInput(format!(
            "{} (see isitdown --help)",
            config::clap_words(error)
        ))
        .into()),
    }
}

fn generate(what: Generate, out: &mut dyn Write) -> io::Result<()> {
    let mut command = Cli::command();
    let shell = match what {
        Generate::Bash => clap_complete::Shell::Bash,
        Generate::Zsh => clap_complete::Shell::Zsh,
        Generate::Fish => clap_complete::Shell::Fish,
        Generate::Powershell => clap_complete::Shell::PowerShell,
        Generate::Elvish => clap_complete::Shell::Elvish,
        Generate::Man => return clap_mangen::Man::new(command).render(out),
    };
    // clap_complete panics on a failed write; into memory first, then out like everything else.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "isitdown", &mut script);
    out.write_all(&script)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
