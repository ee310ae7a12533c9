//! See `isitdown::invariants::expect_and_duration` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::expect_and_duration(data));
