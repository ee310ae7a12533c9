//! See `isitdown::invariants::globalping_answer` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::globalping_answer(data));
