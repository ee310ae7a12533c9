//! Text from outside is data: before it reaches a terminal, in any format (people pipe
//! `jq -r` straight to one), what could steer the terminal goes, and its length is bounded.
//! Everything that comes from a server, a status page, the environment or a config file and is
//! shown back passes through [`text`] (or [`for_terminal`]) once, where it enters.

/// Reason phrases, header values, names and statuses from a page.
pub const SHORT: usize = 200;
/// Sentences: descriptions, incident titles, failure messages.
pub const SENTENCE: usize = 500;
/// URLs shown back (redirect locations, incident links).
pub const URL: usize = 2048;

/// What replaces a character that could steer a terminal.
const REPLACEMENT: char = '\u{fffd}';
/// What ends a text that was cut.
const ELLIPSIS: char = '…';

/// Replaces control characters (C0, DEL, C1), bidi controls and line separators, so that a
/// server cannot move the cursor, recolour the screen or reorder the line; tabs and newlines
/// become spaces. The length is not bounded: see [`text`].
pub fn for_terminal(text: &str) -> String {
    text.chars().map(clean_char).collect()
}

/// [`for_terminal`], and at most `max_chars` characters (the last one an ellipsis when cut).
/// Applying it twice changes nothing.
pub fn text(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let mut shown: String = chars.by_ref().take(max_chars).map(clean_char).collect();
    if chars.next().is_some() && max_chars > 0 {
        shown.pop();
        shown.push(ELLIPSIS);
    }
    shown
}

/// Whether a text is already safe to show: what [`for_terminal`] would leave as it is.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(|c| clean_char(c) != c)
}

fn clean_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => ' ',
        c if c.is_control() || is_steering(c) => REPLACEMENT,
        c => c,
    }
}

/// Bidi marks, embeddings, overrides and isolates reorder what follows them; line and
/// paragraph separators break a line where no newline shows.
fn is_steering(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_power() {
        let shown = for_terminal("Bad\x1b[31mGateway\u{9b}2J\x07\r\nend\u{202e}\u{2067}\u{61c}");
        assert!(is_clean(&shown));
        assert!(!shown.chars().any(|c| c.is_control()));
        assert!(shown.contains("Bad") && shown.contains("Gateway") && shown.contains("end"));
        assert_eq!(for_terminal("plain text ü"), "plain text ü");
        assert!(!is_clean("a\u{85}b"), "C1 controls count");
        assert!(!is_clean("a\u{200f}b"));
    }

    #[test]
    fn lengths_are_bounded_and_cutting_twice_changes_nothing() {
        assert_eq!(text("abcdef", 4), "abc…");
        assert_eq!(text("abcd", 4), "abcd");
        assert_eq!(text(&text("abcdef", 4), 4), "abc…");
        assert_eq!(text("a\u{1b}b", 10), "a\u{fffd}b");
        assert_eq!(text(&"é".repeat(1000), SHORT).chars().count(), SHORT);
    }
}
