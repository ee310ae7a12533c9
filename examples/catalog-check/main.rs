//! Checks the catalog against the real services and pages, on a connected machine:
//!
//! ```text
//! cargo run --release --example catalog-check                 # every service
//! cargo run --release --example catalog-check -- github zoom  # only these
//! cargo run --release --example catalog-check -- --catalog my-catalog.toml --timeout 5s
//! ```
//!
//! A line per problem; exit 0 when every row holds, 1 when some need a look.

mod check;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let mut out = std::io::stdout().lock();
    match check::run(&args, &mut out) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "catalog-check: {error}");
            ExitCode::from(3)
        }
    }
}
