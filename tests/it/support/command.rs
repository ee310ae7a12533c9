//! The real binary, run the way a user would, but sealed off from the world: no proxies,
//! Globalping settings or certificate locations from the environment, no user config, no
//! history written in the user's home, and a config of the test's own that points every
//! reference endpoint at a closed local port and asks no public DNS, so no test can reach the
//! internet.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// A reference endpoint nobody listens on (port 9 is "discard"; nothing runs it here).
pub const DEAD_REFERENCE: &str = "http://127.0.0.1:9/generate_204";

/// isitdown with a config that only says where the (dead) reference endpoints are.
pub fn isitdown() -> Command {
    isitdown_with_config("")
}

/// isitdown with this config text, plus dead reference endpoints unless it names its own, and
/// no public DNS resolvers unless it names its own.
pub fn isitdown_with_config(toml: &str) -> Command {
    let mut command = Command::from_std(sealed_command(toml));
    command.timeout(std::time::Duration::from_secs(30));
    command
}

/// The same, as a plain `std::process::Command`, for tests that drive the process themselves
/// (signals, closing its output).
pub fn sealed_command(toml: &str) -> std::process::Command {
    let path = sealed_config(toml);
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("isitdown"));
    for name in UNSEALED_ENV {
        command.env_remove(name);
    }
    command
        .env("ISITDOWN_CONFIG", &path)
        .env("XDG_CONFIG_HOME", path.with_extension("none"))
        // Each run's history in a folder of its own, never the user's.
        .env("XDG_STATE_HOME", path.with_extension("state"))
        .env("TERM", "xterm-256color")
        // People read times in their own zone: the tests' is UTC, whatever this machine's is.
        .env("TZ", "UTC");
    command
}

/// Variables of this machine's environment that no test run may see.
pub const UNSEALED_ENV: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    // Tables printed on stdout fit it when set; a test that wants it sets its own.
    "COLUMNS",
    // Nothing may reach the public Globalping API: tests point at a fake of their own.
    "GLOBALPING_TOKEN",
    "ISITDOWN_GLOBALPING_URL",
    // This machine's own trust store is not the tests' (see tests/it/just_me.rs).
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// Writes `toml` as a config file whose connectivity check never leaves this machine: a dead
/// local reference unless the test names its own, and no public DNS resolvers unless it does.
pub fn sealed_config(toml: &str) -> PathBuf {
    let mut text = toml.to_string();
    let names_dns = text.lines().any(|line| {
        line.trim_start()
            .strip_prefix("dns")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    if !text.contains("[connectivity]") {
        text.push_str(&format!(
            "\n[connectivity]\nreferences = [\"{DEAD_REFERENCE}\"]\ndns = []\n"
        ));
    } else if !names_dns {
        text = text.replacen("[connectivity]\n", "[connectivity]\ndns = []\n", 1);
    }
    write_config(&text)
}

/// Writes a config file under cargo's scratch folder for integration tests.
pub fn write_config(text: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!(
        "config-{}-{}.toml",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, text).expect("the scratch folder is writable");
    path
}

/// stdout as JSON Lines, each checked against the contract.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            let value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            super::shape::check_line(&value);
            value
        })
        .collect()
}

/// Runs with --json and returns the exit code and the one probe object.
pub fn probe_json(command: &mut Command) -> (i32, serde_json::Value) {
    let output = command.arg("--json").output().expect("isitdown runs");
    let mut lines = json_lines(&output.stdout);
    assert_eq!(
        lines.len(),
        1,
        "one probe line expected, stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), lines.remove(0))
}

/// Runs isitdown with these arguments, reads the first bytes of its output and hangs up, as
/// `| head -1` does. Returns how it ended and what it said on stderr; fails if it is still
/// running [`super::PATIENCE`] later.
pub fn hang_up_early(args: &[String]) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mut child = sealed_command("")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("isitdown starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut first = [0u8; 16];
    stdout
        .read_exact(&mut first)
        .expect("isitdown writes something");
    drop(stdout);
    let hung_up = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if hung_up.elapsed() > super::PATIENCE {
            let _ = child.kill();
            panic!(
                "isitdown was still running {:?} after its output was closed",
                super::PATIENCE
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (status, stderr)
}
