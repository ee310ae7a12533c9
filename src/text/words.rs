//! Errors from the operating system, in the words a sentence for people needs.

/// An I/O error in words, without Rust's "(os error 2)".
pub fn io_error(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_lowercase(),
        None => text.to_lowercase(),
    }
}
