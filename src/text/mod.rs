//! Words for people and machines: text from outside made safe to show, secrets kept out of it,
//! times and durations written out, and files the user names read within limits.

pub mod clock;
pub mod columns;
pub mod file;
pub mod redact;
pub mod sanitize;
pub mod timestamp;
pub mod words;
