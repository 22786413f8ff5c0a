//! The `:system` overlay: one row per system of the configuration — its environments, pending
//! approvals, failing pipelines and credentials, from what was read (the one shown now, the
//! others as last seen, or not read yet); `↑`/`↓` choose a row (`▸`), Enter shows that system,
//! Esc closes.

use crate::app::State;
use crate::app::systems::{SystemRow, rows};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear};

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 5] = [
    Col::fixed("SYSTEM", 12, 0),
    Col::fill("ENVIRONMENTS", 10, 3),
    Col::fixed("APPROVALS", 9, 1),
    Col::fixed("FAILING", 7, 2),
    Col::fixed("CREDENTIALS", 11, 1),
];

/// Widest the popup grows.
const MAX_WIDTH: u16 = 120;

/// The cells of one system's row; `chosen`: the row under the cursor. The system shown is in
/// bold cyan.
fn cells(row: &SystemRow, chosen: bool) -> Vec<Line<'static>> {
    let name = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let marker = if chosen { "▸ " } else { "  " };
    let mut out = vec![
        Line::from(vec![
            Span::raw(marker),
            Span::styled(
                row.name.clone(),
                if row.shown { name } else { Style::new() },
            ),
        ]),
        Line::from(row.environments.join(" ")),
    ];
    match &row.glance {
        Some((g, ago)) => {
            let seen = ago.as_ref().map(|a| format!(" ({a} ago)"));
            let approvals = match (g.approvals, g.unknown.is_empty()) {
                (n, true) => n.to_string(),
                (n, false) => format!("{n} + unknown"),
            };
            out.push(Line::from(approvals));
            out.push(if g.failed.is_empty() {
                Line::from(Span::styled("none", DIM))
            } else {
                Line::from(Span::styled(
                    g.failed.join(" "),
                    Style::new().fg(Color::Red),
                ))
            });
            let credentials = format!("{}{}", g.credentials, seen.unwrap_or_default());
            out.push(Line::from(credentials));
        }
        None => {
            let unread = Style::new().fg(Color::Yellow);
            out.extend([
                Line::from(Span::styled("unknown", unread)),
                Line::from(Span::styled("unknown", unread)),
                Line::from(Span::styled("not read yet", unread)),
            ]);
        }
    }
    out
}

/// Draws the popup over the body.
pub fn render(frame: &mut Frame, state: &State, body: Rect) {
    let rows = rows(state);
    let w = body.width.saturating_sub(4).min(MAX_WIDTH);
    // Borders, the header, a row each, a line of what is known.
    let n = u16::try_from(rows.len()).unwrap_or(u16::MAX);
    let h = n.saturating_add(4).min(body.height.saturating_sub(2));
    let popup = centered(body, w, h);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Span::styled(
            " Systems · :system NAME shows one ",
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::from(" ↑↓ choose · enter show · esc close ").right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let list = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let geom = ListGeom {
        rows: crate::tui::views::rows_below_header(list),
        offset: 0,
        len: rows.len(),
    };
    let cursor = state.systems.cursor.min(rows.len().saturating_sub(1));
    table::render(frame, list, &COLUMNS, &geom, Some(cursor), |i| {
        rows.get(i)
            .map(|r| cells(r, i == cursor))
            .unwrap_or_default()
    });
    let note = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1.min(inner.height),
        ..inner
    };
    let text = "only what was read: the others as last seen; a system is read when shown";
    frame.render_widget(
        ratatui::widgets::Paragraph::new(Line::from(Span::styled(text, DIM))),
        note,
    );
}
