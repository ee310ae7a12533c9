//! The entry point: everything is in the library.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    isitdown::main_exit_code().into()
}
