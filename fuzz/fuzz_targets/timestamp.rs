//! See `isitdown::invariants::timestamp` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::timestamp(data));
