//! See `isitdown::invariants::config` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::config(data));
