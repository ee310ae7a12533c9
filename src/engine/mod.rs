//! The engine: every target checked on a schedule (a one-shot run is a schedule of one round),
//! its probe, status page, connection check and places elsewhere run in parallel on a bounded
//! pool, each outcome judged and handed to the sinks in argument order.

pub mod check;
pub mod monitor;
pub mod pool;
pub mod stats;
