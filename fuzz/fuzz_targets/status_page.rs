//! See `isitdown::invariants::status_page` for what must hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| isitdown::invariants::status_page(data));
