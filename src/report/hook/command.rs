//! Running one `--on-change` command: its environment, its deadline, and what it printed.

use std::io::{self, PipeReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::Hook;
use crate::text::sanitize::for_terminal;
use crate::verdict::State;

/// How often a running command is asked whether it has ended (at most: output wakes it sooner).
const POLL: Duration = Duration::from_millis(20);

/// A target's change of state, as the command's environment tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeNotice {
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

impl ChangeNotice {
    /// The `ISITDOWN_*` variables; `ISITDOWN_JSON` holds them all as one JSON object, for a
    /// command that builds JSON from them (`jq`) without pasting strings together.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let at = crate::text::timestamp::rfc3339(self.at);
        let json = serde_json::json!({
            "target": self.target,
            "name": self.name,
            "url": self.url,
            "state": self.state,
            "previous": self.previous,
            "reason": self.reason,
            "at": at,
        });
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
            ("ISITDOWN_AT", at),
            ("ISITDOWN_JSON", json.to_string()),
        ]
    }
}

/// The first this many lines a command prints are passed on; the rest are counted.
const MAX_LINES: usize = 20;
/// A line longer than this is cut: a command that prints without end (`cat /dev/zero`) holds
/// no more than this.
const MAX_LINE_BYTES: usize = 1000;

/// Runs the hook for one change and waits for it, at most `hook.timeout`. Its first lines,
/// a count of the rest, and one line if it fails go to `lines`. Its output is read on this
/// thread: a command (or what it left running) that holds its output open past the deadline
/// is ended with its process group, and what escaped the group is no longer read.
pub fn run(hook: &Hook, change: &ChangeNotice, lines: &Sender<String>, running: &Running) {
    let about = format!("--on-change for {} ({})", change.name, change.state.word());
    let say = |line: String| {
        let _ = lines.send(line);
    };
    let (mut child, output) = match start(hook, change) {
        Ok(started) => started,
        Err(e) => {
            let why = crate::text::words::io_error(&e);
            return say(format!("isitdown: {about} could not start: {why}"));
        }
    };
    let deadline = Instant::now() + hook.timeout;
    let mut printed = Printed::new(lines);
    running.add(child.id());
    let ended = wait(&mut child, output, &mut printed, deadline);
    running.remove(child.id());
    printed.finish();
    let failure = match ended {
        Some(status) if status.success() => return,
        Some(status) => match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => format!("ended by a signal ({status})"),
        },
        None => format!(
            "was stopped after {}",
            crate::text::words::duration(hook.timeout)
        ),
    };
    say(format!("isitdown: {about} {failure}"));
}

/// How a command is started: `sh -c COMMAND`, behind `setpriv --pdeathsig KILL` where
/// util-linux's setpriv can do that, so that the shell also ends when isitdown is killed
/// outright (SIGKILL, which no handler sees; the other signals end the whole group). The crate
/// forbids `unsafe`, which calling `prctl` itself between fork and exec would need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launcher {
    Shell,
    ShellEndingWithIsitdown,
}

impl Launcher {
    /// Asks setpriv once whether it knows `--pdeathsig` (util-linux 2.33 and later).
    pub fn find() -> Launcher {
        if !cfg!(target_os = "linux") {
            return Launcher::Shell;
        }
        let works = Command::new("setpriv")
            .args(["--pdeathsig", "KILL", "--", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        match works {
            true => Launcher::ShellEndingWithIsitdown,
            false => Launcher::Shell,
        }
    }

    fn command(self) -> Command {
        match self {
            Launcher::Shell => Command::new("sh"),
            Launcher::ShellEndingWithIsitdown => {
                let mut command = Command::new("setpriv");
                command.args(["--pdeathsig", "KILL", "--", "sh"]);
                command
            }
        }
    }
}

/// Starts `sh -c COMMAND` with the change in its environment, its stdout and stderr on one
/// pipe, in its own process group. The signal that `--pdeathsig` sets is sent when the thread
/// that started the command ends: that thread waits for the command, so it is isitdown's end.
fn start(hook: &Hook, change: &ChangeNotice) -> io::Result<(Child, PipeReader)> {
    let (output, input) = io::pipe()?;
    let mut command = hook.launcher.command();
    crate::engine::thread_caches::as_started(&mut command);
    command
        .arg("-c")
        .arg(&hook.command)
        .envs(change.variables())
        .stdin(Stdio::null())
        .stdout(input.try_clone()?)
        .stderr(input);
    // Its own process group: the deadline ends whatever it started, not only the shell.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // The command holds the only writing end once started: the pipe ends when it and what it
    // started are done.
    let child = command.spawn()?;
    Ok((child, output))
}

/// Reads the command's output until it ends and the command has exited, or the deadline has
/// passed; then ends the command's process group if anything of it is left. The command's
/// exit status, or `None` when it was stopped.
fn wait(
    child: &mut Child,
    mut output: PipeReader,
    printed: &mut Printed,
    deadline: Instant,
) -> Option<ExitStatus> {
    let mut status = None;
    let mut open = true;
    let mut buffer = [0u8; 4096];
    loop {
        if status.is_none() {
            status = child.try_wait().ok().flatten();
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if (!open && status.is_some()) || left.is_zero() {
            break;
        }
        if !open || !readable(&output, left.min(POLL)) {
            if !open {
                thread::sleep(left.min(POLL));
            }
            continue;
        }
        match output.read(&mut buffer) {
            Ok(0) => open = false,
            Ok(n) => printed.take(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => open = false,
        }
    }
    if status.is_none() || open {
        kill(child);
    }
    if status.is_none() {
        let _ = child.wait();
    }
    status
}

/// Whether the pipe has something to read (or has ended) within `wait`.
#[cfg(unix)]
fn readable(output: &PipeReader, wait: Duration) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let wait = Timespec {
        tv_sec: 0,
        tv_nsec: wait.min(POLL).subsec_nanos().into(),
    };
    let mut watched = [PollFd::new(output, PollFlags::IN)];
    matches!(poll(&mut watched, Some(&wait)), Ok(n) if n > 0)
}

/// Without `poll`, a read may wait until the command prints: it still ends at the deadline,
/// when the process group is ended.
#[cfg(not(unix))]
fn readable(_: &PipeReader, _: Duration) -> bool {
    true
}

fn kill(child: &mut Child) {
    kill_group(child.id());
    let _ = child.kill();
}

/// Ends a command's process group: the command and everything it started.
fn kill_group(leader: u32) {
    #[cfg(unix)]
    {
        use rustix::process::{kill_process_group, Pid, Signal};
        if let Some(group) = i32::try_from(leader).ok().and_then(Pid::from_raw) {
            let _ = kill_process_group(group, Signal::KILL);
        }
    }
    #[cfg(not(unix))]
    let _ = leader;
}

/// The process groups of the commands running now, so that a signal that ends isitdown can
/// end them too.
#[derive(Debug, Clone, Default)]
pub struct Running(Arc<Mutex<Vec<u32>>>);

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u32>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(&self, leader: u32) {
        self.lock().push(leader);
    }

    fn remove(&self, leader: u32) {
        self.lock().retain(|l| *l != leader);
    }

    /// Ends every command running now, with what it started.
    pub fn kill_all(&self) {
        for leader in self.lock().drain(..) {
            kill_group(leader);
        }
    }
}

/// What a command printed, passed on line by line, made safe for a terminal: the first
/// [`MAX_LINES`], each cut at [`MAX_LINE_BYTES`], and then how many more there were.
struct Printed<'l> {
    lines: &'l Sender<String>,
    line: Vec<u8>,
    /// The line being read was longer than it may be.
    cut: bool,
    passed: usize,
    more: usize,
}

impl<'l> Printed<'l> {
    fn new(lines: &'l Sender<String>) -> Printed<'l> {
        Printed {
            lines,
            line: Vec::new(),
            cut: false,
            passed: 0,
            more: 0,
        }
    }

    fn take(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match byte {
                b'\n' => self.end_line(),
                _ if self.line.len() < MAX_LINE_BYTES => self.line.push(byte),
                _ => self.cut = true,
            }
        }
    }

    fn end_line(&mut self) {
        if self.passed < MAX_LINES {
            let text = String::from_utf8_lossy(&self.line);
            let mut text = for_terminal(text.trim_end_matches('\r'));
            if self.cut {
                text.push('…');
            }
            let _ = self.lines.send(text);
            self.passed += 1;
        } else {
            self.more += 1;
        }
        self.line.clear();
        self.cut = false;
    }

    /// The last line, even without its newline, and the count of what was left out.
    fn finish(&mut self) {
        if !self.line.is_empty() || self.cut {
            self.end_line();
        }
        if self.more > 0 {
            let plural = if self.more == 1 { "" } else { "s" };
            let _ = self
                .lines
                .send(format!("… {} more line{plural}", self.more));
        }
    }
}

/// What a command's output becomes, chunk by chunk as the pipe hands it over: the lines passed
/// on. Open to the invariant checks, which feed it arbitrary bytes.
#[cfg(any(test, fuzzing, feature = "testing"))]
pub fn passed_on<'c>(chunks: impl IntoIterator<Item = &'c [u8]>) -> Vec<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut printed = Printed::new(&sender);
    for chunk in chunks {
        printed.take(chunk);
    }
    printed.finish();
    drop(sender);
    receiver.into_iter().collect()
}

/// The bounds a command's output is held to, for the invariant checks.
#[cfg(any(test, fuzzing, feature = "testing"))]
pub const PASSED_ON_BOUNDS: (usize, usize) = (MAX_LINES, MAX_LINE_BYTES);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn change() -> ChangeNotice {
        ChangeNotice {
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
            confirm: 1,
            launcher: Launcher::find(),
        }
    }

    #[test]
    fn the_command_is_told_the_change_and_its_output_passed_on() {
        let (sender, receiver) = mpsc::channel();
        let hook = hook(
            "echo \"$ISITDOWN_NAME $ISITDOWN_PREVIOUS->$ISITDOWN_STATE $ISITDOWN_AT\"; exit 4",
            Duration::from_secs(10),
        );
        run(&hook, &change(), &sender, &Running::default());
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
        run(
            &hook(command, timeout),
            &change(),
            &sender,
            &Running::default(),
        );
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
            ["isitdown: --on-change for ChatGPT (DOWN) was stopped after 300 ms"]
        );
    }

    #[test]
    fn a_background_job_holding_the_output_open_ends_at_the_deadline() {
        let (took, lines) = run_timed("sleep 30 & echo sent", Duration::from_millis(500));
        assert!(took < Duration::from_secs(5));
        assert_eq!(lines, ["sent"]);
    }

    #[test]
    fn the_change_is_also_one_json_object() {
        let (sender, receiver) = mpsc::channel();
        let mut injected = change();
        injected.reason = "x\", \"channel\": \"#general".into();
        let hook = hook("printf '%s' \"$ISITDOWN_JSON\"", Duration::from_secs(10));
        run(&hook, &injected, &sender, &Running::default());
        drop(sender);
        let line: String = receiver.into_iter().collect();
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(json["reason"], "x\", \"channel\": \"#general");
        assert!(json.get("channel").is_none());
        assert_eq!(json["state"], "down");
        assert_eq!(json["previous"], "up");
        assert_eq!(json["at"], "2023-11-14T22:13:20Z");
    }

    #[test]
    fn a_command_printing_without_end_is_cut_and_counted() {
        let (_, lines) = run_timed(
            "head -c 5000 /dev/zero | tr '\\0' x; echo; seq 1 100",
            Duration::from_secs(10),
        );
        assert_eq!(lines.len(), MAX_LINES + 1, "{lines:?}");
        assert_eq!(lines[0].chars().count(), MAX_LINE_BYTES + 1);
        assert!(lines[0].ends_with('…'));
        assert_eq!(lines[1], "1");
        assert_eq!(lines[MAX_LINES], "… 81 more lines");
    }

    #[test]
    fn a_daemon_escaping_the_group_does_not_hold_the_run() {
        let (took, lines) = run_timed("setsid sleep 30 & echo started", Duration::from_millis(500));
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert_eq!(lines, ["started"]);
    }
}
