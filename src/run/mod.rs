//! The program from start to end: arguments and config in, a report and an exit code out.

mod history_view;
mod signals;

use std::io::{self, Write};
use std::sync::Arc;

use clap::error::ErrorKind as ClapErrorKind;

use crate::cli;
use crate::cli::config;
use crate::cli::generate;
use crate::cli::settings::{Connection, Mode, Settings};
use crate::elsewhere::near::NearSettings;
use crate::elsewhere::{self, FromElsewhere};
use crate::engine::check::Checks;
use crate::engine::pool::Capacity;
use crate::engine::thread_caches;
use crate::engine::Sink;
use crate::engine::{Engine, Stop};
use crate::exit::{BadInput, BAD_INPUT};
use crate::history;
use crate::probe::tls::trust::Cacert;
use crate::probe::{self, Client, ProxyEnv};
use crate::report;
use crate::report::hook::{OnChange, Running};
use crate::target::catalog::Catalog;
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

/// The longest error sentence shown: it may quote a whole config value or path.
const MAX_ERROR_CHARS: usize = 2000;

/// The exit code of a run that answered what was asked (help, a list, all targets up).
const SUCCESS: u8 = 0;

/// `--list` with filters that match no service: nothing found, as grep says it.
const NO_MATCH: u8 = 1;

/// Runs isitdown and says how it ended. Errors are one sentence on stderr, made safe to show:
/// they quote config values, paths, URLs and names that may hold escape sequences.
pub fn main_exit_code() -> u8 {
    let say = |words: &str| {
        let shown = crate::text::sanitize::text(words, MAX_ERROR_CHARS);
        let _ = writeln!(io::stderr(), "isitdown: {shown}");
    };
    match run() {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<BadInput>() {
            Some(bad) => {
                say(&bad.0);
                BAD_INPUT
            }
            None if is_broken_pipe(&error) => SUCCESS,
            None => {
                let words = match error.downcast_ref::<io::Error>() {
                    Some(io_error) => {
                        format!(
                            "cannot write the output: {}",
                            crate::text::words::io_error(io_error)
                        )
                    }
                    None => format!("{error:#}"),
                };
                say(&words);
                State::Unknown.exit_code()
            }
        },
    }
}

fn run() -> anyhow::Result<u8> {
    let argv: Vec<_> = std::env::args_os().collect();
    let typed = match cli::parse(argv.iter().cloned()) {
        Ok(typed) => typed,
        Err(error) => return clap_exit(&error),
    };
    let config = config::load(typed.config.as_deref())?;
    // Without [defaults] the command line alone is what counts: no second reading of it.
    let merged = if config.default_words.is_empty() {
        typed.clone()
    } else {
        cli::parse_layered(&config.default_words, &argv).map_err(|error| {
            BadInput(format!(
                "the command line and [defaults] do not fit together: {}",
                cli::error_words(&error)
            ))
        })?
    };
    // A list read from standard input or a pipe cannot be read again by a restart.
    let read_once = [&typed, &merged].iter().any(|t| {
        t.files
            .iter()
            .any(|f| f.as_os_str() == "-" || !std::fs::metadata(f).is_ok_and(|m| m.is_file()))
    });
    let settings = Settings::resolve(typed, merged, config)?;
    // The one switch of the whole program's colour: the `colored` crate paints by it.
    colored::control::set_override(settings.output.color);
    let stdout = io::stdout();
    let targets = match settings.mode {
        Mode::Generate(what) => {
            generate::write(what, &Catalog::builtin(), &mut stdout.lock())?;
            return Ok(SUCCESS);
        }
        Mode::Complete {
            ref catalog,
            ref prefix,
        } => {
            let mut out = stdout.lock();
            for word in generate::target_words(catalog, prefix) {
                writeln!(out, "{word}")?;
            }
            return Ok(SUCCESS);
        }
        Mode::List {
            ref catalog,
            ref filters,
            width,
        } => {
            let services = crate::target::list::matching(filters, catalog)?;
            if services.is_empty() {
                let words = filters.join(" ");
                eprintln!(
                    "isitdown: no service in the catalog matches '{}'",
                    for_terminal(&words)
                );
                return Ok(NO_MATCH);
            }
            report::list::write(&services, settings.output, width, &mut stdout.lock())?;
            return Ok(SUCCESS);
        }
        Mode::Help => {
            cli::public_command().print_long_help()?;
            return Ok(SUCCESS);
        }
        Mode::History {
            ref targets,
            since,
            ref catalog,
        } => {
            let cacert = cacert(&settings)?;
            let client = client(&settings.connection, cacert.as_ref())?;
            return history_view::show(&settings, &client, targets, since, catalog);
        }
        Mode::Probe(ref targets) => targets,
    };
    let repeated = !settings.schedule.is_one_shot();
    if repeated && targets.len() >= thread_caches::MANY_TARGETS && !read_once {
        thread_caches::restart_without_them(&argv);
    }
    let cacert = cacert(&settings)?;
    let client = client(&settings.connection, cacert.as_ref())?;
    let from = from_elsewhere(&settings, &client, cacert.as_ref())?;
    let checks = Arc::new(Checks {
        client,
        retries: settings.retries,
        references: settings.references.clone(),
        from,
        dns: settings.dns.clone(),
        capacity: Capacity::of_this_process(),
    });
    let plans: Vec<_> = targets.iter().map(|t| settings.plan(t)).collect();
    let mut reporter = match &settings.output_file {
        Some(path) => report::to_file(settings.output, targets, repeated, path.clone()),
        None => report::reporter(settings.output, targets, repeated, Box::new(stdout.lock())),
    };
    // `-n N` counts its probes on stderr, unless the live table on the terminal shows them.
    let counted = match settings.schedule {
        schedule if !repeated || schedule.watch => None,
        _ if settings.output.format == report::Format::Human && settings.output.live => None,
        schedule => schedule.count,
    };
    let progress = settings.output.progress && (!repeated || counted.is_some());
    let engine = Engine::new(checks).alone_on_this_thread(!progress);
    let mut spinner = report::Spinner::new(reporter.as_mut(), targets, progress, counted);
    let recording_to = match &settings.history.path {
        Some(path) if settings.history.record => Some(path.clone()),
        _ => None,
    };
    // A watch starts with what earlier runs saw: a target still in trouble since then.
    if let Some(path) = recording_to.as_ref().filter(|_| settings.schedule.watch) {
        for line in history::earlier_trouble(path, targets, std::time::SystemTime::now()) {
            let _ = spinner.aside(&line);
        }
    }
    let mut writer_left = None;
    let (ending, reported) = match settings.on_change.clone() {
        Some(hook) => {
            let mut on_change = OnChange::new(hook, plans.len(), &mut spinner);
            signals::watch(engine.interrupter(), on_change.running());
            let (ending, reported) = match &recording_to {
                Some(path) => {
                    let writer =
                        history::Writer::new(path.clone(), settings.history.limits, repeated);
                    let mut recording = history::Recording::new(&mut on_change, writer, repeated);
                    let ran = engine.run(settings.schedule, plans, &mut recording);
                    writer_left = Some(recording.into_writer());
                    ran
                }
                None => engine.run(settings.schedule, plans, &mut on_change),
            };
            // Commands still running are waited for: their output belongs before the summary.
            (ending, reported.and(on_change.finish()))
        }
        None => {
            if repeated {
                signals::watch(engine.interrupter(), Running::default());
            }
            match &recording_to {
                Some(path) => {
                    let writer =
                        history::Writer::new(path.clone(), settings.history.limits, repeated);
                    let mut recording = history::Recording::new(&mut spinner, writer, repeated);
                    let ran = engine.run(settings.schedule, plans, &mut recording);
                    writer_left = Some(recording.into_writer());
                    ran
                }
                None => engine.run(settings.schedule, plans, &mut spinner),
            }
        }
    };
    drop(spinner);
    let summaries: Vec<_> = match repeated {
        true => ending
            .histories
            .iter()
            .map(|h| h.summary(ending.ended_at))
            .collect(),
        false => Vec::new(),
    };
    let (last, worst) = (ending.last, ending.worst);
    let exit_code = match ending.stopped {
        Some(Stop::Signal(signal)) => signals::exit_code(signal),
        _ => worst.exit_code(),
    };
    match reported.and_then(|()| reporter.finish(&last, &summaries)) {
        // Nobody reads any more (`| head`): the exit code still tells.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    // Recorded once the report is out: a slow database never holds up the answer.
    if let Some(mut writer) = writer_left {
        history::tell(&writer.finish());
    }
    Ok(exit_code)
}

/// Under -k nothing is checked against --cacert, except by --from's client.
fn cacert(settings: &Settings) -> Result<Option<Cacert>, BadInput> {
    match &settings.connection.cacert {
        Some(path) if !settings.connection.insecure || settings.from.is_some() => Ok(Some(
            Cacert::read(path).map_err(|e| BadInput(e.to_string()))?,
        )),
        _ => Ok(None),
    }
}

/// The way out for every probe, page and reference: trust, deadline, family, and the proxies
/// the environment names. A target's headers are its request's.
fn client(connection: &Connection, cacert: Option<&Cacert>) -> Result<Client, BadInput> {
    let (tls, trust) = probe::tls::client_config(connection.insecure, cacert)
        .map_err(|e| BadInput(e.to_string()))?;
    Ok(Client {
        tls,
        trust,
        timeout: connection.timeout,
        ip_family: connection.ip_family,
        proxies: ProxyEnv::from_env().map_err(|e| BadInput(e.to_string()))?,
        pins: connection.pins.clone(),
        fixed_dns: connection.fixed_dns.clone().map(Arc::new),
    })
}

/// With `--from`: the places to ask, and the API from `ISITDOWN_GLOBALPING_URL` and
/// `GLOBALPING_TOKEN` over `[globalping]`. The API's client is the probes' own, except that it
/// checks certificates even with `-k` and sends none of the target's headers.
fn from_elsewhere(
    settings: &Settings,
    probes: &Client,
    cacert: Option<&Cacert>,
) -> Result<Option<FromElsewhere>, BadInput> {
    let Some(from) = &settings.from else {
        return Ok(None);
    };
    let env = |name: &str| std::env::var(name).ok();
    let api = elsewhere::api(
        from.globalping.url.as_deref(),
        from.globalping.token.as_deref(),
        env("ISITDOWN_GLOBALPING_URL").as_deref(),
        env("GLOBALPING_TOKEN").as_deref(),
    )
    .map_err(|why| BadInput(why.to_string()))?;
    let mut client = probes.clone();
    if settings.connection.insecure {
        (client.tls, client.trust) =
            probe::tls::client_config(false, cacert).map_err(|e| BadInput(e.to_string()))?;
    }
    client.ip_family = ureq::config::IpFamily::Any;
    let connection = &settings.connection;
    let mut elsewhere = FromElsewhere::new(from.locations.clone(), api, client);
    elsewhere.near = from
        .near
        .as_ref()
        .map(|near| NearSettings::new(&near.whoami, near.resolvers.clone()));
    elsewhere.insecure = connection.insecure;
    elsewhere.private_ca = cacert.is_some() && !connection.insecure;
    elsewhere.ip_version = match connection.ip_family {
        ureq::config::IpFamily::Ipv4Only => Some(4),
        ureq::config::IpFamily::Ipv6Only => Some(6),
        ureq::config::IpFamily::Any => None,
    };
    elsewhere.timeout = connection.timeout;
    if let Some(margin) = from.margin {
        elsewhere.margin = margin;
    }
    if let Some(interval) = from.min_interval {
        elsewhere.min_interval = interval;
    }
    Ok(Some(elsewhere))
}

/// clap's help and version are answers (exit 0); its usage errors are bad input (exit 64).
fn clap_exit(error: &clap::Error) -> anyhow::Result<u8> {
    match error.kind() {
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion => {
            match error.print() {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
            Ok(SUCCESS)
        }
        _ => Err(BadInput(format!("{} (see isitdown --help)", cli::error_words(error))).into()),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
