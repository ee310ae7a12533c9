//! isitdown: is it down for everyone, or just me?
//!
//! Data flows one way: argv + config -> [`settings::Settings`] -> [`target::Target`]s ->
//! [`probe::Observation`]s -> [`verdict::Verdict`]s -> a report on stdout and an exit code.

pub mod bot_wall;
pub mod catalog;
pub mod catalog_check;
pub mod check;
pub mod cli;
pub mod config;
pub mod connectivity;
pub mod edge;
pub mod exit;
pub mod expect;
pub mod file;
pub mod from_elsewhere;
pub mod generate;
pub mod globalping;
pub mod hook;
#[doc(hidden)]
pub mod invariants;
pub mod locality;
pub mod monitor;
pub mod pool;
pub mod probe;
pub mod public_dns;
pub mod redact;
pub mod report;
pub mod run;
pub mod sanitize;
pub mod settings;
pub mod startup;
pub mod state;
pub mod stats;
pub mod status_page;
pub mod target;
pub mod target_list;
pub mod timestamp;
pub mod verdict;
pub mod words;

pub use run::main_exit_code;
