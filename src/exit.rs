//! Exit codes (the Nagios plugin codes) and the error that means "your input is wrong".

use std::fmt;

/// Exit code for bad input: arguments, a target, or the config file.
pub const BAD_INPUT: u8 = 64;

/// An error caused by what the user gave us. It is printed as one sentence and exits 64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInput(pub String);

impl BadInput {
    pub fn new(message: impl Into<String>) -> Self {
        BadInput(message.into())
    }
}

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}
