//! The help overlay: a centred, scrollable table of the key bindings and the `:` commands.

use crate::app::{State, command_help};
use crate::tui::render::Hints;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear};

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 4] = [
    Col::fixed("KEYS", 16, 0),
    Col::fixed("ACTION", 13, 2),
    Col::fill("DESCRIPTION", 20, 1),
    Col::fixed("WHERE", 8, 3),
];

/// Widest the help popup grows.
const MAX_WIDTH: u16 = 110;

/// Number of rows in the help table: the key bindings, then the `:` commands (without the
/// action commands in a read-only session).
pub fn len(state: &State, hints: &Hints) -> usize {
    hints.help.len() + command_help(state.session.read_only).len()
}

fn cells(state: &State, hints: &Hints, row: usize) -> Vec<Line<'static>> {
    let key = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    if let Some(e) = hints.help.get(row) {
        return vec![
            Line::from(Span::styled(e.keys.clone(), key)),
            Line::from(e.action.clone()),
            Line::from(e.desc.clone()),
            Line::from(Span::styled(e.context.clone(), DIM)),
        ];
    }
    let commands = command_help(state.session.read_only);
    match commands.get(row.saturating_sub(hints.help.len())) {
        Some((word, desc)) => vec![
            Line::from(Span::styled(format!(":{word}"), key)),
            Line::from("command"),
            Line::from(desc.to_string()),
            Line::from(Span::styled(":", DIM)),
        ],
        None => Vec::new(),
    }
}

/// The popup's area inside `body`.
pub fn area(body: Rect) -> Rect {
    let w = body.width.saturating_sub(4).min(MAX_WIDTH);
    let h = body.height.saturating_sub(2);
    centered(body, w, h)
}

fn frame_block() -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Span::styled(
            " Help · keys and commands ",
            Style::new().add_modifier(Modifier::BOLD),
        ))
}

/// How far the help can scroll over `body`: its rows past the ones the popup shows.
pub fn max_scroll(state: &State, hints: &Hints, body: Rect) -> usize {
    let rows = crate::tui::views::rows_below_header(frame_block().inner(area(body)));
    len(state, hints).saturating_sub(usize::from(rows.height))
}

/// Draws the help popup over the body.
pub fn render(frame: &mut Frame, state: &State, hints: &Hints, body: Rect) {
    let popup = area(body);
    let n = len(state, hints);
    let block = frame_block();
    let inner = block.inner(popup);
    let rows = crate::tui::views::rows_below_header(inner);
    let height = usize::from(rows.height);
    let offset = state.help_scroll.min(n.saturating_sub(height));
    let end = (offset + height).min(n);
    let block = block.title_bottom(
        Line::from(format!(
            " {}–{} of {n} · ↑↓ pgup pgdn scroll · esc close ",
            (offset + 1).min(end),
            end
        ))
        .right_aligned(),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let geom = ListGeom {
        rows,
        offset,
        len: n,
    };
    table::render(frame, inner, &COLUMNS, &geom, None, |row| {
        cells(state, hints, row)
    });
}
