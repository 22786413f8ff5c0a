//! The side pane of the log views (charts, record detail, event detail) and of the execution
//! detail: where it goes — beside the list on wide terminals, under it otherwise — its frame, a
//! left and top rule with a title, and the window of a scrolled pane with its rows' note.

use super::status::DIM;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Draws the pane's frame titled `title` (in `style`) into `area`; returns the area inside.
pub fn side_pane(frame: &mut Frame, area: Rect, title: String, style: Style) -> Rect {
    let block = Block::new()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(DIM)
        .title(Span::styled(title, style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// The area inside a pane's frame drawn into `area` by [`side_pane`].
pub fn side_inner(area: Rect) -> Rect {
    Block::new()
        .borders(Borders::LEFT | Borders::TOP)
        .inner(area)
}

/// Width inside a view's border from which the side pane sits beside the list: a terminal of
/// 120 columns.
pub const SIDE_BY_SIDE: u16 = 118;

/// Splits `area` into the list's part and the pane's: the pane takes the right two fifths from
/// [`SIDE_BY_SIDE`] columns, else the bottom `below` rows (at most all of them).
pub fn split(area: Rect, below: u16) -> (Rect, Rect) {
    if area.width >= SIDE_BY_SIDE {
        let side_w = area.width * 2 / 5;
        let list = Rect {
            width: area.width - side_w - 1,
            ..area
        };
        let side = Rect {
            x: area.x + area.width - side_w,
            width: side_w,
            ..area
        };
        return (list, side);
    }
    let below = below.min(area.height);
    let list = Rect {
        height: area.height - below,
        ..area
    };
    let side = Rect {
        y: area.y + area.height - below,
        height: below,
        ..area
    };
    (list, side)
}

/// The rows of `lines` a pane `height` rows tall shows when scrolled `offset` rows (never past
/// the last screenful), and the index of the first.
pub fn window<T>(mut lines: Vec<T>, offset: usize, height: usize) -> (Vec<T>, usize) {
    let first = offset.min(lines.len().saturating_sub(height));
    lines.drain(..first);
    lines.truncate(height);
    (lines, first)
}

/// How far a pane of `height` rows over `total` rows of content can scroll.
pub fn max_scroll(total: usize, height: usize) -> usize {
    total.saturating_sub(height)
}

/// Writes which rows a scrolled pane shows (` 4–12 of 30 `) at the right end of `row` (its top
/// border or rule), when its `total` rows do not all fit in `height`; `exact` false when `total`
/// is only what is known to be there at least (` 1–58 of 59+ `).
pub fn scroll_note(
    frame: &mut Frame,
    row: Rect,
    first: usize,
    height: usize,
    total: usize,
    exact: bool,
) {
    if total <= height || row.height == 0 {
        return;
    }
    let last = (first + height).min(total);
    let plus = if exact { "" } else { "+" };
    let note = Line::from(Span::styled(
        format!(" {}–{last} of {total}{plus} ", first + 1),
        DIM,
    ))
    .right_aligned();
    frame.render_widget(note, Rect { height: 1, ..row });
}

/// Appends `name` in a column `name_width` cells wide and `value` (in `style`) wrapped beside it,
/// as rows of `width` cells.
pub fn field(
    out: &mut Vec<Line<'static>>,
    name: &str,
    name_width: usize,
    value: &str,
    style: Style,
    width: usize,
) {
    let room = width.saturating_sub(name_width).max(8);
    let mut parts = super::text::wrap(value, room, usize::MAX);
    if parts.is_empty() {
        parts.push(String::new());
    }
    for (i, part) in parts.into_iter().enumerate() {
        let name = if i == 0 { name } else { "" };
        out.push(Line::from(vec![
            Span::styled(format!("{name:<name_width$}"), DIM),
            Span::styled(part, style),
        ]));
    }
}

/// An empty list's two centred lines in `inner`: `head` in bold green (nothing is wrong) and
/// `sub`, dim, saying what would show up there or which filter hides everything.
pub fn empty_note(frame: &mut Frame, inner: Rect, head: &str, sub: &str) {
    let lines = vec![
        Line::from(Span::styled(
            head.to_string(),
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(sub.to_string(), DIM)),
    ];
    let y = inner.y.saturating_add(inner.height.saturating_sub(2) / 2);
    let area = Rect::new(inner.x, y, inner.width, 2).intersection(inner);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        area,
    );
}
