use std::process::ExitCode;

#[cfg(not(target_env = "msvc"))]
mod allocator;

fn main() -> ExitCode {
    isitdown::main_exit_code()
}
