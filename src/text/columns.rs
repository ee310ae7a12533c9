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

/// The text in lines of at most `width` columns, broken at spaces; a word wider than a line
/// is cut. A no-break space holds its neighbours on one line, and is written as a space.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && count(&line) + 1 + count(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&cut(word, width));
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| l.replace(NO_BREAK, " "))
        .collect()
}

/// Holds two words together in [`wrap`].
const NO_BREAK: char = '\u{a0}';

/// The text kept on one line by [`wrap`] (unless it is wider than a line).
pub fn held(text: &str) -> String {
    text.replace(' ', &NO_BREAK.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "100.00% available, 6290 probes, 0 outages, latency p50 0 ms p95 1 ms";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| count(l) <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap(text, 200), vec![text.to_string()]);
        assert_eq!(wrap("", 10), vec![String::new()]);
        assert_eq!(wrap("abcdefghijkl", 5), vec!["abcd…".to_string()]);
        assert_eq!(
            wrap("日本語 日本語", 7),
            vec!["日本語".to_string(), "日本語".to_string()]
        );
        let legend = format!("one mark: {} {}", held("▁ up"), held("▄ degraded"));
        assert_eq!(wrap(&legend, 12), ["one mark:", "▁ up", "▄ degraded"]);
    }
}
