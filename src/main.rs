//! The entry point. On Linux with glibc it is a C `main`, which skips the Rust runtime's start
//! (see `startup.rs`); elsewhere it is Rust's own.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

#[cfg(not(target_env = "msvc"))]
mod allocator;

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[no_mangle]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    isitdown::startup::prepare();
    allocator::roomy_cache_for_this_thread();
    // Release builds abort on a panic; elsewhere it must not unwind out of a C function, and
    // ends as Rust's own main would end it.
    let code = std::panic::catch_unwind(isitdown::main_exit_code).unwrap_or(101);
    isitdown::startup::finish();
    code.into()
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> std::process::ExitCode {
    #[cfg(not(target_env = "msvc"))]
    allocator::roomy_cache_for_this_thread();
    isitdown::main_exit_code().into()
}
