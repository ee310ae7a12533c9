//! Running one `--on-change` command: its environment, its deadline, and what it printed.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::Hook;
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

/// How often a running command is asked whether it has ended.
const POLL: Duration = Duration::from_millis(20);

/// A target's change of state, as the command's environment tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// As typed, password redacted.
    pub target: String,
    pub name: String,
    /// Password redacted.
    pub url: String,
    pub state: State,
    /// `None` for a target's first state (`--on-change-initial`).
    pub previous: Option<State>,
    pub reason: String,
    /// When the probe that saw the new state began.
    pub at: SystemTime,
}

impl Change {
    /// The `ISITDOWN_*` variables.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ISITDOWN_TARGET", self.target.clone()),
            ("ISITDOWN_NAME", self.name.clone()),
            ("ISITDOWN_URL", self.url.clone()),
            ("ISITDOWN_STATE", self.state.as_str().to_string()),
            (
                "ISITDOWN_PREVIOUS",
                self.previous.map(State::as_str).unwrap_or_default().into(),
            ),
            ("ISITDOWN_REASON", self.reason.clone()),
            ("ISITDOWN_AT", crate::text::timestamp::rfc3339(self.at)),
        ]
    }
}

/// Runs the hook for one change and waits for it, at most `hook.timeout`. Every line it
/// prints, and one line if it fails, go to `lines`.
pub fn run(hook: &Hook, change: &Change, lines: &Sender<String>) {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(&hook.command)
        .envs(change.variables())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: the deadline ends whatever it started, not only the shell.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let about = format!("--on-change for {} ({})", change.name, change.state.word());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let why = crate::text::words::io_error(&e);
            let _ = lines.send(format!("isitdown: {about} could not start: {why}"));
            return;
        }
    };
    let readers = [
        child
            .stdout
            .take()
            .map(|out| pass_lines(out, lines.clone())),
        child
            .stderr
            .take()
            .map(|err| pass_lines(err, lines.clone())),
    ];
    let deadline = Instant::now() + hook.timeout;
    let ended = wait(&mut child, deadline);
    // What the command left running in the background may hold its output open: that too
    // gets until the deadline, then its group is ended.
    let readers: Vec<_> = readers.into_iter().flatten().collect();
    while readers.iter().any(|r| !r.is_finished()) && Instant::now() < deadline {
        thread::sleep(POLL);
    }
    if readers.iter().any(|r| !r.is_finished()) {
        kill(&mut child);
    }
    for reader in readers {
        let _ = reader.join();
    }
    let failure = match ended {
        Some(status) if status.success() => return,
        Some(status) => match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => format!("ended by a signal ({status})"),
        },
        None => format!(
            "was stopped after {}",
            humantime::format_duration(hook.timeout)
        ),
    };
    let _ = lines.send(format!("isitdown: {about} {failure}"));
}

/// Waits for the command to end; past the deadline, kills it and everything it started, and
/// says `None`.
fn wait(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            Ok(None) | Err(_) => break,
        }
    }
    kill(child);
    let _ = child.wait();
    None
}

fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        use rustix::process::{kill_process_group, Pid, Signal};
        if let Some(group) = Pid::from_raw(child.id() as i32) {
            let _ = kill_process_group(group, Signal::KILL);
        }
    }
    let _ = child.kill();
}

/// Reads a command's output on a thread of its own, line by line, made safe for a terminal.
fn pass_lines(output: impl Read + Send + 'static, lines: Sender<String>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(output);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            let text = String::from_utf8_lossy(&line);
            let text = for_terminal(text.trim_end_matches(['\n', '\r']));
            if lines.send(text).is_err() {
                break;
            }
            line.clear();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn change() -> Change {
        Change {
            target: "chatgpt".into(),
            name: "ChatGPT".into(),
            url: "https://chatgpt.com/".into(),
            state: State::Down,
            previous: Some(State::Up),
            reason: "answered 503".into(),
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        }
    }

    fn hook(command: &str, timeout: Duration) -> Hook {
        Hook {
            command: command.into(),
            initial: false,
            timeout,
        }
    }

    #[test]
    fn the_command_is_told_the_change_and_its_output_passed_on() {
        let (sender, receiver) = mpsc::channel();
        let hook = hook(
            "echo \"$ISITDOWN_NAME $ISITDOWN_PREVIOUS->$ISITDOWN_STATE $ISITDOWN_AT\"; exit 4",
            Duration::from_secs(10),
        );
        run(&hook, &change(), &sender);
        drop(sender);
        let lines: Vec<String> = receiver.into_iter().collect();
        assert_eq!(
            lines,
            [
                "ChatGPT up->down 2023-11-14T22:13:20Z",
                "isitdown: --on-change for ChatGPT (DOWN) exited with status 4"
            ]
        );
    }

    /// Runs `command` with this deadline: how long that took, and the lines it passed on.
    fn run_timed(command: &str, timeout: Duration) -> (Duration, Vec<String>) {
        let (sender, receiver) = mpsc::channel();
        let started = Instant::now();
        run(&hook(command, timeout), &change(), &sender);
        let took = started.elapsed();
        drop(sender);
        (took, receiver.into_iter().collect())
    }

    #[test]
    fn a_command_past_its_deadline_is_stopped_with_what_it_started() {
        let (took, lines) = run_timed("sleep 30 & sleep 30", Duration::from_millis(300));
        assert!(took < Duration::from_secs(5));
        assert_eq!(
            lines,
            ["isitdown: --on-change for ChatGPT (DOWN) was stopped after 300ms"]
        );
    }

    #[test]
    fn a_background_job_holding_the_output_open_ends_at_the_deadline() {
        let (took, lines) = run_timed("sleep 30 & echo sent", Duration::from_millis(500));
        assert!(took < Duration::from_secs(5));
        assert_eq!(lines, ["sent"]);
    }
}
