//! The execution history list under the pipeline: id, status, release, actor, start, duration.

use super::rows_below_header;
use crate::app::State;
use crate::domain::ExecutionSummary;
use crate::tui::widgets::status::{DIM, execution};
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::short_id;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 7] = [
    Col::fixed("ID", 8, 0),
    Col::fixed("STATUS", 12, 1),
    Col::fixed("VERSION", 14, 2),
    Col::fixed("ACTOR", 10, 3),
    Col::fixed("STARTED", 11, 4),
    Col::fixed("DURATION", 8, 5),
    Col::fill("SUMMARY", 10, 6),
];

/// The rows of the list inside the history section (a rule line, then a table header).
pub fn geometry(state: &State, area: Rect) -> ListGeom {
    let visible = state.visible_history();
    let selected = visible.iter().position(|&i| i == state.history_row);
    ListGeom::new(rows_below_header(table_area(area)), visible.len(), selected)
}

fn table_area(area: Rect) -> Rect {
    rows_below_header(area)
}

/// How long an execution ran (`… so far` while it is active).
pub fn duration(state: &State, e: &ExecutionSummary) -> String {
    e.duration_text(state.now)
}

fn cells(state: &State, e: &ExecutionSummary) -> Vec<Line<'static>> {
    let (glyph, style) = execution(e.status);
    let version = match e.release() {
        Some(r) => Line::from(vec![
            Span::raw(format!("{} ", r.version)),
            Span::styled(r.short_commit().to_string(), DIM),
        ]),
        None => Line::from(Span::styled("—", DIM)),
    };
    vec![
        Line::from(short_id(&e.id).to_string()),
        Line::from(Span::styled(
            format!("{glyph} {}", e.status.as_str()),
            style,
        )),
        version,
        Line::from(e.trigger.actor().to_string()),
        Line::from(e.start.short()),
        Line::from(duration(state, e)),
        Line::from(Span::styled(
            e.summary_in(state.selected_env().and_then(|v| v.state.as_ref()))
                .unwrap_or_default(),
            DIM,
        )),
    ]
}

/// Draws the history section in `area`: a rule with the count, the table header and rows.
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    if area.height == 0 {
        return;
    }
    let visible = state.visible_history();
    let total = state.selected_env().map_or(0, |e| e.executions.len());
    let count = if state.filter.is_empty() {
        format!("{total}")
    } else {
        format!("{} of {total}", visible.len())
    };
    let label = format!("── History ({count}) ");
    let rule = "─".repeat(usize::from(area.width));
    let line = Line::from(Span::styled(
        format!("{label}{rule}"),
        Style::new().fg(Color::DarkGray),
    ));
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
    let body = table_area(area);
    if visible.is_empty() {
        let msg = if total == 0 {
            "No executions yet.".to_string()
        } else {
            format!("No execution matches the filter `{}`.", state.filter)
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), body);
        return;
    }
    let Some(env) = state.selected_env() else {
        return;
    };
    let geom = geometry(state, area);
    let selected = visible.iter().position(|&i| i == state.history_row);
    table::render(frame, body, &COLUMNS, &geom, selected, |row| {
        visible
            .get(row)
            .and_then(|&i| env.executions.get(i))
            .map(|e| cells(state, e))
            .unwrap_or_default()
    });
}
