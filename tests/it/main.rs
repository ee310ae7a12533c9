//! The integration tests, one binary: a module per area, and `support` (the test servers, the
//! fake Globalping API and the sealed command) shared by all of them.
//!
//! Every test runs the real binary or the library against servers of its own on the loopback,
//! with a config of its own: nothing reaches the internet.

mod support;

mod also;
mod answers;
mod catalog;
mod catalog_check;
mod completion;
mod deadline;
mod edge;
mod elsewhere;
mod elsewhere_api;
mod elsewhere_cases;
mod elsewhere_near;
mod eyeballs;
mod failures;
mod first_minutes;
mod fuzz_regressions;
mod globalping_fake;
mod history;
mod hostile_input;
mod hostile_server;
mod input;
mod just_me;
mod layers;
mod live;
mod many;
mod monitor;
mod on_change;
mod plugin_formats;
mod properties;
mod provider;
mod proxies;
mod readme;
mod resolve;
mod signals;
mod small_words;
mod status_sources;
mod support_selftest;
mod walls;
