//! The audit view: every mutating action of the audit log, newest first — time, identity,
//! environment, action, outcome and message.

use super::rows_below_header;
use crate::app::{State, visible_audit};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::short_identity;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 6] = [
    Col::fixed("TIME", 20, 0),
    Col::fixed("WHO", 10, 5),
    Col::fixed("ENV", 5, 1),
    Col::fixed("ACTION", 10, 2),
    Col::fixed("OUTCOME", 13, 3),
    Col::fill("MESSAGE", 20, 4),
];

/// Body title.
pub fn title(state: &State) -> String {
    let a = &state.ops.audit;
    let loading = if a.loading { " · reading…" } else { "" };
    let n = a.entries.len();
    let noun = if n == 1 { "entry" } else { "entries" };
    format!("Audit log · {n} {noun}{loading}")
}

fn outcome_style(outcome: &str) -> Style {
    match outcome {
        "done" => Style::new().fg(Color::Green),
        "failed" | "unknown" | "refused" => {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
        _ => Style::new().fg(Color::Yellow),
    }
}

/// Draws the audit log.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if let Some(e) = &state.ops.audit.error {
        let p = Paragraph::new(Line::from(Span::styled(
            format!("cannot read the audit log: {e}"),
            Style::new().fg(Color::Red),
        )));
        frame.render_widget(p, inner);
        return;
    }
    let rows = visible_audit(state);
    if rows.is_empty() {
        let p = Paragraph::new(Line::from(Span::styled(
            "No audited action yet: every approve, reject, deploy, stop, retry, rollback, \
             freeze and invalidate (done, refused or declined) is recorded here.",
            DIM,
        )))
        .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    let list = rows_below_header(inner);
    let selected = state.ops.audit.scroll.min(rows.len().saturating_sub(1));
    let geom = ListGeom::new(list, rows.len(), Some(selected));
    table::render(frame, inner, &COLUMNS, &geom, Some(selected), |i| {
        let Some(line) = rows.get(i) else {
            return Vec::new();
        };
        let e = &line.0;
        let time = e.time.replace('T', " ").trim_end_matches('Z').to_string();
        vec![
            Line::from(time.get(..19).unwrap_or(&time).to_string()),
            Line::from(
                e.identity
                    .as_deref()
                    .map_or("-", short_identity)
                    .to_string(),
            ),
            Line::from(e.environment.clone()),
            Line::from(e.action.clone()),
            Line::from(Span::styled(e.outcome.clone(), outcome_style(&e.outcome))),
            Line::from(e.message.clone()),
        ]
    });
}
