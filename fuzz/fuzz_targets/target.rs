//! See `isitdown::invariants::target` for what must hold.
#![no_main]

use std::sync::OnceLock;

use isitdown::target::catalog::Catalog;

/// The embedded catalog, read once rather than for every input.
static CATALOG: OnceLock<Catalog> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    isitdown::invariants::target_among(data, CATALOG.get_or_init(Catalog::builtin))
});
