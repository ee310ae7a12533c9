//! Signals in a repeated run. Ctrl-C ends it with its summaries and its verdict; SIGTERM,
//! SIGHUP and SIGQUIT end it with its summaries too, and with the commands `--on-change`
//! started, exiting 128 + the signal's number; Ctrl-Z leaves the terminal as it was found
//! (the cursor shown) before the process stops, and going on draws again (a probe the stop
//! interrupted is made again: see the engine). A second Ctrl-C, once the run is over (a
//! summary stuck on a full pipe, commands still running), ends the program.

use crate::engine::{Interrupter, Stop};
use crate::report::hook::Running;

/// The exit code of a program ended by a signal, as shells report it.
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// Handles the signals on a thread of their own for as long as the program runs.
#[cfg(unix)]
pub fn watch(interrupter: Interrupter, running: Running) {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGSTOP, SIGTERM, SIGTSTP};
    use signal_hook::iterator::Signals;

    // Without the handler, each signal keeps its default action: nothing is lost but the
    // summaries.
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let why = match signal {
                    SIGTSTP => {
                        interrupter.pause();
                        let _ = signal_hook::low_level::raise(SIGSTOP);
                        continue;
                    }
                    SIGCONT => {
                        interrupter.resume();
                        continue;
                    }
                    SIGINT => Stop::Interrupted,
                    other => Stop::Signal(other),
                };
                if !interrupter.stop(why) {
                    running.kill_all();
                    let code = match why {
                        Stop::Interrupted => exit_code(SIGINT),
                        Stop::Signal(signal) => exit_code(signal),
                    };
                    std::process::exit(code.into());
                }
            }
        });
}

/// Where only Ctrl-C can be caught.
#[cfg(not(unix))]
pub fn watch(interrupter: Interrupter, running: Running) {
    let _ = ctrlc::set_handler(move || {
        if !interrupter.stop(Stop::Interrupted) {
            running.kill_all();
            std::process::exit(130);
        }
    });
}
