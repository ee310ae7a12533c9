//! The start and end of the process, for an entry point that skips the Rust runtime's own.
//!
//! A probe is over in a few milliseconds, and the runtime's start is a tenth of one: it reads
//! `/proc/self/maps` to place a guard for stack overflows, and maps an alternate signal stack
//! to report one. isitdown's entry point on Linux (see `main.rs`) skips it and does here only
//! what isitdown relies on. glibc hands the arguments to the standard library before `main`,
//! so `std::env::args` works as ever.

use std::io::{self, Write};

/// Before anything else: the standard descriptors open, and `SIGPIPE` ignored.
pub fn prepare() {
    open_standard_descriptors();
    ignore_broken_pipes();
}

/// After everything else: what is still buffered for stdout is written.
pub fn finish() {
    // Nothing can be said about a failure here any more; the exit code stands.
    let _ = io::stdout().flush();
}

/// A descriptor 0, 1 or 2 that the caller closed (`isitdown >&-`) would be the next one opened,
/// by a probe's socket say, and the report would go to the server. /dev/null stands in for it.
fn open_standard_descriptors() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD only asks about the descriptor.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        if closed {
            // SAFETY: a constant, NUL-terminated path. The lowest free descriptor is `fd`,
            // since those below it are open by now.
            let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if opened != fd {
                // No /dev/null (a bare sandbox): going on could send the report to a server.
                std::process::abort();
            }
        }
    }
}

/// With `SIGPIPE` ignored, a reader that went away (`| head`) makes a write fail with an error
/// that isitdown handles, rather than killing it before it can give its exit code.
fn ignore_broken_pipes() {
    // SAFETY: setting a signal's disposition to "ignore" runs no code of ours.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}
