//! Repeated runs for a person at a terminal: one table, a row per target, redrawn in place
//! about every 100 ms and on results (at most every [`FRAME`]; at once for a change of state),
//! with each change of state printed above it as a permanent line that stays in the scrollback.
//!
//! The table is drawn inline, below what the terminal already shows, rather than on the
//! alternate screen: when the run ends the last table stays where it is, followed by the
//! summaries, like any other output.
//!
//! A resized terminal may have re-wrapped the table's lines (tmux and most terminals reflow
//! lines that no longer fit), so that they now take more rows than were drawn, or fewer; no
//! count of lines leads back to the table's first row. On a change of size the table is
//! drawn again from the top of a cleared screen (what was there goes to the scrollback in
//! terminals that keep it), which leaves no fragments behind whatever the terminal did.

mod render;

use std::collections::VecDeque;
use std::io::{self, Write};
use std::time::Instant;

use colored::Colorize;
use crossterm::cursor::{Hide, MoveTo, MoveToColumn, MoveToPreviousLine, Show};
use crossterm::terminal::{self, Clear, ClearType};
use crossterm::QueueableCommand;

use super::{human, state_word, Reporter};
use crate::engine::check::{Outcome, Progress};
use crate::engine::history::{Change, History, Summary};
use crate::engine::{Sink, TICK};
use crate::text::sanitize::for_terminal;

/// What a terminal that cannot say its size is taken to be.
const FALLBACK_SIZE: (u16, u16) = (80, 24);
/// Results coming in faster than this are shown together: a thousand targets probed back to
/// back would otherwise redraw the whole table thousands of times a second.
const FRAME: std::time::Duration = std::time::Duration::from_millis(40);

pub struct Live<'w> {
    out: Box<dyn Write + 'w>,
    /// The table's rows as of the latest news from the run.
    rows: Vec<render::LiveRow>,
    /// Lines of the table now on screen; the cursor is at the start of the line below them.
    drawn: usize,
    /// The terminal's size when the table was last drawn.
    size: (u16, u16),
    last_drawn: Option<Instant>,
    cursor_hidden: bool,
    /// The probes each target gets (`-n N`), told under the table as they are done.
    rounds: Option<u32>,
    /// The probes every target has had so far.
    done: u32,
    /// The latest changes of state printed above the table, printed again when a new size
    /// clears the screen (some terminals keep nothing of what a clear wipes).
    changes: VecDeque<String>,
}

/// Changes of state kept to be printed again after a resize.
const CHANGES_KEPT: usize = 50;

impl<'w> Live<'w> {
    pub fn new(out: Box<dyn Write + 'w>, rounds: Option<u32>) -> Live<'w> {
        Live {
            out,
            rows: Vec::new(),
            drawn: 0,
            size: FALLBACK_SIZE,
            last_drawn: None,
            cursor_hidden: false,
            rounds,
            done: 0,
            changes: VecDeque::new(),
        }
    }

    /// Redraws the table in place, with `above` printed first where the table was.
    /// The rows as `histories` tell them now.
    fn update(&mut self, histories: &[History]) {
        let now = Instant::now();
        self.rows = histories.iter().map(|h| row(h, now)).collect();
        self.done = histories.iter().map(|h| h.probes()).min().unwrap_or(0);
    }

    fn draw(&mut self, above: &[String]) -> io::Result<()> {
        let now = Instant::now();
        let size = terminal::size().unwrap_or(FALLBACK_SIZE);
        let mut screen = Vec::new();
        let cleared = self.back_to_top(&mut screen, size)?;
        self.size = size;
        let (width, height) = (usize::from(self.size.0), usize::from(self.size.1));
        // One line is kept free for the cursor, so that the table never scrolls itself away,
        // and one for the count of probes when there is one.
        let footer = self.rounds.map(|rounds| {
            let done = self.done.min(rounds);
            let text = format!("{done} of {rounds} probes done");
            crate::text::columns::cut(&text, width.saturating_sub(1))
                .dimmed()
                .to_string()
        });
        let room = height.saturating_sub(1 + above.len() + usize::from(footer.is_some()));
        let mut lines = render::render(&self.rows, width, room);
        lines.extend(footer.filter(|_| !lines.is_empty()));
        // A cleared screen shows again the latest changes that fit above the table.
        let again: Vec<String> = match cleared {
            true => {
                let fit = height.saturating_sub(1 + above.len() + lines.len());
                let skip = self.changes.len().saturating_sub(fit);
                self.changes.iter().skip(skip).cloned().collect()
            }
            false => Vec::new(),
        };
        for line in above {
            if self.changes.len() == CHANGES_KEPT {
                self.changes.pop_front();
            }
            self.changes.push_back(line.clone());
        }
        let above: Vec<&String> = again.iter().chain(above).collect();
        if !self.cursor_hidden {
            screen.queue(Hide)?;
            self.cursor_hidden = true;
        }
        for line in above.into_iter().chain(&lines) {
            screen.write_all(line.as_bytes())?;
            screen.queue(Clear(ClearType::UntilNewLine))?;
            screen.write_all(b"\n")?;
        }
        screen.queue(Clear(ClearType::FromCursorDown))?;
        self.out.write_all(&screen)?;
        self.out.flush()?;
        self.drawn = lines.len();
        self.last_drawn = Some(now);
        Ok(())
    }

    /// Moves the cursor to where the table begins: `drawn` lines up, or, when the terminal
    /// is no longer the size it was drawn at, the top of a cleared screen (then true).
    fn back_to_top(&self, screen: &mut Vec<u8>, size: (u16, u16)) -> io::Result<bool> {
        if self.drawn > 0 && size != self.size {
            screen.queue(Clear(ClearType::All))?;
            screen.queue(MoveTo(0, 0))?;
            return Ok(true);
        }
        screen.queue(MoveToColumn(0))?;
        if self.drawn > 0 {
            let lines = u16::try_from(self.drawn).unwrap_or(u16::MAX);
            screen.queue(MoveToPreviousLine(lines))?;
        }
        Ok(false)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden {
            self.cursor_hidden = false;
            self.out.queue(Show)?;
            self.out.flush()?;
        }
        Ok(())
    }
}

impl Sink for Live<'_> {
    fn judged(&mut self, plan: usize, _: &Outcome, histories: &[History]) -> io::Result<()> {
        let above: Vec<String> = histories
            .get(plan)
            .and_then(|h| Some((h, h.change()?)))
            .and_then(|(history, change)| change_line(history, change))
            .into_iter()
            .collect();
        self.update(histories);
        let due = self.last_drawn.is_none_or(|at| at.elapsed() >= FRAME);
        if above.is_empty() && !due {
            return Ok(());
        }
        self.draw(&above)
    }

    fn idle(&mut self, _progress: &Progress, histories: &[History]) -> io::Result<()> {
        let resized = terminal::size().is_ok_and(|size| size != self.size);
        let due = self.last_drawn.is_none_or(|at| at.elapsed() >= TICK);
        if resized || due {
            self.update(histories);
            self.draw(&[])?;
        }
        Ok(())
    }

    /// The cursor comes back while the run is stopped (Ctrl-Z).
    fn pause(&mut self) -> io::Result<()> {
        self.show_cursor()
    }

    /// Drawn again (which hides the cursor) when the run goes on.
    fn resume(&mut self) -> io::Result<()> {
        self.draw(&[])
    }

    /// Printed on stderr where the table was, and the table drawn again below it.
    fn aside(&mut self, line: &str) -> io::Result<()> {
        let mut screen = Vec::new();
        let size = terminal::size().unwrap_or(FALLBACK_SIZE);
        self.back_to_top(&mut screen, size)?;
        self.size = size;
        screen.queue(Clear(ClearType::FromCursorDown))?;
        self.out.write_all(&screen)?;
        self.out.flush()?;
        self.drawn = 0;
        writeln!(io::stderr(), "{line}")?;
        self.draw(&[])
    }
}

impl Reporter for Live<'_> {
    /// The last table stays on screen, the cursor comes back, and the summaries follow.
    fn finish(&mut self, _last: &[Option<Outcome>], summaries: &[Summary]) -> io::Result<()> {
        self.draw(&[])?;
        self.drawn = 0;
        self.show_cursor()?;
        human::write_summaries(&mut self.out, summaries)?;
        if let Some(counts) = human::counts_after_compact(summaries) {
            writeln!(self.out, "\n{counts}")?;
        }
        self.out.flush()
    }
}

impl Drop for Live<'_> {
    fn drop(&mut self) {
        let _ = self.show_cursor();
    }
}

/// One target's row, as of `now`.
fn row(history: &History, now: Instant) -> render::LiveRow {
    let said = match history.state() {
        Some(_) => for_terminal(history.reason()),
        None => "waiting for the first answer".into(),
    };
    render::LiveRow {
        state: history.state(),
        name: for_terminal(&history.target.name),
        said,
        latency: history.latency(),
        recent: history.recent().copied().collect(),
        availability: history.availability(),
        for_how_long: history.for_how_long(now),
    }
}

/// "10:07:40 CET  ChatGPT  DOWN → UP after 4m28s" (the reader's time zone); nothing for a target's first state.
fn change_line(history: &History, change: &Change) -> Option<String> {
    Some(format!(
        "{}  {}  {} → {} after {}",
        crate::text::clock::Clock::local().time_of_day(change.at),
        for_terminal(&history.target.name),
        state_word(change.from?),
        state_word(change.to),
        crate::text::words::compact(change.after)
    ))
}
