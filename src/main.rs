use std::process::ExitCode;

mod allocator;

fn main() -> ExitCode {
    isitdown::main_exit_code()
}
