//! Text from servers is data: before it reaches a terminal, control characters go.

/// Replaces control characters (C0, DEL, C1, bidi overrides) so that a server cannot move the
/// cursor, recolour the screen or reorder the line; tabs and newlines become spaces.
pub fn for_terminal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || is_bidi_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_power() {
        let shown = for_terminal("Bad\x1b[31mGateway\u{9b}2J\x07\r\nend\u{202e}");
        assert!(!shown.chars().any(|c| c.is_control()));
        assert!(shown.contains("Bad") && shown.contains("Gateway") && shown.contains("end"));
        assert_eq!(for_terminal("plain text ü"), "plain text ü");
    }
}
