use std::process::ExitCode;

fn main() -> ExitCode {
    isitdown::main_exit_code()
}
