//! isitdown: is it down for everyone, or just me?
//!
//! Data flows one way: argv + config -> [`cli::settings::Settings`] -> [`target::Target`]s ->
//! [`engine`] (probe, status page, your side, elsewhere) -> [`verdict`] -> [`report`]s and an
//! exit code.

#![forbid(unsafe_code)]

pub mod cli;
pub mod elsewhere;
pub mod engine;
pub mod exit;
pub mod history;
/// Checks for the fuzz targets and the tests, never in a user's build.
#[cfg(any(test, fuzzing, feature = "testing"))]
#[doc(hidden)]
pub mod invariants;
pub mod just_me;
pub mod probe;
pub mod report;
pub mod run;
pub mod state;
pub mod status_page;
pub mod target;
pub mod text;
pub mod verdict;

pub use run::main_exit_code;
