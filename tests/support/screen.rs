//! The screen as text: a `State` drawn with ratatui's `TestBackend` the way the terminal loop
//! draws it, read back row by row. The one place the tests turn a drawn frame into text.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::app::State;
use shipdeck::tui::render::{Hints, draw};

/// `state` drawn once on a `w`×`h` terminal with `hints` (the terminal keeps the cursor too).
pub fn terminal(state: &State, hints: &Hints, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, state, hints)).unwrap();
    t
}

/// The cells of `state` drawn at `w`×`h` with the default keymap's hints.
pub fn buffer(state: &State, w: u16, h: u16) -> Buffer {
    terminal(state, &Hints::default(), w, h)
        .backend()
        .buffer()
        .clone()
}

/// Each row of `buffer` as text, the whole width.
pub fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

/// The screen of `state` at `w`×`h` (default hints): every row the whole width, each ended by
/// a newline.
pub fn text(state: &State, w: u16, h: u16) -> String {
    text_with(state, &Hints::default(), w, h)
}

/// The screen drawn with the hints of another keymap.
pub fn text_with(state: &State, hints: &Hints, w: u16, h: u16) -> String {
    let t = terminal(state, hints, w, h);
    rows(t.backend().buffer())
        .into_iter()
        .map(|row| row + "\n")
        .collect()
}

/// The screen as the snapshots store it: each row with its trailing blanks trimmed.
pub fn trimmed(buffer: &Buffer) -> String {
    rows(buffer)
        .iter()
        .map(|row| row.trim_end().to_string() + "\n")
        .collect()
}
