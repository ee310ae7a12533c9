//! See `isitdown::invariants::hook_output` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::hook_output(data));
