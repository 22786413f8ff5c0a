//! The Attention view (`:attention`): every event that needed someone, newest first; Enter
//! opens the environment's pipeline.

use super::rows_below_header;
use crate::app::State;
use crate::app::attention::{self, Event, EventKind};
use crate::domain::human;
use crate::tui::widgets::table::{self, Col, ListGeom};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 5] = [
    Col::fixed("AGO", 8, 1),
    Col::fixed("ENV", 5, 0),
    Col::fixed("EVENT", 17, 2),
    Col::fill("WHAT", 24, 0),
    Col::fixed("EXECUTION", 9, 3),
];

/// Body title: how many events, how many new.
pub fn title(state: &State) -> String {
    let n = state.attention.events.len();
    let events = if n == 1 { "event" } else { "events" };
    match state.attention.unseen() {
        0 => format!("Attention · {n} {events}"),
        new => format!("Attention · {n} {events} · {new} new"),
    }
}

/// Where the rows are; `None` when there are none.
pub fn geometry(state: &State, inner: Rect) -> Option<ListGeom> {
    let n = attention::rows(state).len();
    (n > 0).then(|| ListGeom::new(rows_below_header(inner), n, Some(state.attention.row)))
}

/// The style of an event's kind.
pub fn kind_style(kind: EventKind) -> Style {
    match kind {
        k if k.is_failure() => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        EventKind::RollbackStarted | EventKind::ApprovalExpiring => Style::new()
            .fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD),
        _ => Style::new().fg(Color::Cyan),
    }
}

fn cells(state: &State, e: &Event) -> Vec<Line<'static>> {
    // The summary starts with the environment: the column says it already.
    let what = e
        .summary
        .strip_prefix(&format!("{}: ", e.environment))
        .unwrap_or(&e.summary)
        .to_string();
    let execution = e
        .id("execution_id")
        .map_or("—", |id| id.get(..8).unwrap_or(id));
    vec![
        Line::from(human(state.now.since(e.at).max(0))),
        Line::from(e.environment.clone()),
        Line::from(Span::styled(
            e.kind.name().replace('_', " "),
            kind_style(e.kind),
        )),
        Line::from(what),
        Line::from(execution.to_string()),
    ]
}

/// Draws the list, or what it would show.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let rows = attention::rows(state);
    let Some(geom) = geometry(state, inner) else {
        let (head, sub) = if state.attention.events.is_empty() {
            (
                "Nothing needs attention",
                "Approvals waiting, failed deploys, rollbacks and failing refreshes show up here."
                    .to_string(),
            )
        } else {
            (
                "No event matches the filter",
                format!("filter: {}", state.filter),
            )
        };
        crate::tui::widgets::pane::empty_note(frame, inner, head, &sub);
        return;
    };
    let selected = (state.attention.row < rows.len()).then_some(state.attention.row);
    table::render(frame, inner, &COLUMNS, &geom, selected, |row| {
        rows.get(row).map(|e| cells(state, e)).unwrap_or_default()
    });
}
