//! Text cut to a terminal's columns: a CJK character or an emoji takes two columns, a
//! combining mark none, so lengths are measured in columns, never in characters.

use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns a table printed on stdout fits in (`--list`, `--history`): the terminal's,
/// else `COLUMNS`, else 80.
pub fn of_stdout() -> usize {
    let terminal = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok())
        .flatten()
        .map(|(columns, _)| usize::from(columns));
    let variable = || std::env::var("COLUMNS").ok()?.trim().parse::<usize>().ok();
    terminal
        .or_else(variable)
        .filter(|&w| w >= 20)
        .unwrap_or(80)
}

/// How many columns the text takes on a terminal: a CJK character or an emoji takes two, a
/// combining mark none.
pub fn count(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

pub fn pad(text: &str, width: usize) -> String {
    let text = cut(text, width);
    let room = width.saturating_sub(count(&text));
    format!("{text}{}", " ".repeat(room))
}

/// At most `width` columns, the last one `…` when something was cut.
pub fn cut(text: &str, width: usize) -> String {
    if count(text) <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut kept = String::new();
    for c in text.chars() {
        let wide = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + wide > room {
            break;
        }
        used += wide;
        kept.push(c);
    }
    format!("{kept}…")
}
