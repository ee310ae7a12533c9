//! glibc's per-thread caches of freed blocks, turned off for runs that repeat hundreds of probes
//! at once.
//!
//! glibc keeps up to seven freed blocks of each small size in a cache of the thread that freed
//! them, for that thread alone. A run with a thousand probe threads fills a thousand caches, a
//! few sizes at a time, for minutes: a 1,000-target `--watch -i 0` grew 1.6 MB in its first
//! minute, and 0.1 MB with the caches off, 4 MB smaller (`bench/README.md`). glibc reads that
//! setting only when a program starts, from `GLIBC_TUNABLES`, so such a run starts itself once
//! more, at once, with it set; the commands it starts (`--on-change`) get the environment it
//! was started with.

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// A repeated run with at least this many targets has as many probe threads: its memory grows
/// with their caches.
pub const MANY_TARGETS: usize = 64;

const TUNABLES: &str = "GLIBC_TUNABLES";
const CACHE_OFF: &str = "glibc.malloc.tcache_count=0";
/// `GLIBC_TUNABLES` as it was before the restart (empty when it was not set).
const AS_IT_WAS: &str = "ISITDOWN_GLIBC_TUNABLES_WAS";

/// Replaces this process by the same program with the same arguments and glibc's per-thread
/// caches off. Returns only when it does not: not glibc, already done (by the user's own
/// `GLIBC_TUNABLES` or by a restart), or the program cannot be started again; the run then
/// goes on as it is.
pub fn restart_without_them(arguments: &[OsString]) {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    let was = std::env::var_os(TUNABLES);
    let set_already = was
        .as_deref()
        .is_some_and(|v| v.to_string_lossy().contains("tcache_count"));
    if set_already || std::env::var_os(AS_IT_WAS).is_some() {
        return;
    }
    let (Some(name), Ok(program)) = (arguments.first(), std::env::current_exe()) else {
        return;
    };
    let tunables = match &was {
        Some(others) if !others.is_empty() => join(others, CACHE_OFF),
        _ => OsString::from(CACHE_OFF),
    };
    let mut command = Command::new(program);
    command
        .args(&arguments[1..])
        .env(TUNABLES, tunables)
        .env(AS_IT_WAS, was.unwrap_or_default());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only a failure returns: the run goes on in this process.
        let _ = command.arg0(name).exec();
    }
    #[cfg(not(unix))]
    let _ = (name, command);
}

/// Gives a command the environment this run was started with, before a restart above.
pub fn as_started(command: &mut Command) {
    let Some(was) = std::env::var_os(AS_IT_WAS) else {
        return;
    };
    command.env_remove(AS_IT_WAS);
    match was.is_empty() {
        true => command.env_remove(TUNABLES),
        false => command.env(TUNABLES, was),
    };
}

fn join(first: &OsStr, second: &str) -> OsString {
    let mut joined = first.to_os_string();
    joined.push(":");
    joined.push(second);
    joined
}
