//! See `isitdown::invariants::http_head` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::http_head(data));
