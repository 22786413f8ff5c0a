//! The audit view: every mutating action of the session's audit log (the demo's own file in the
//! demo), newest first — time, identity, environment, action, outcome and message, and in the demo
//! the simulated time each acted at.

use super::rows_below_header;
use crate::app::{Mode, State, audit_file, visible_audit};
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

/// The demo's columns: the simulated time each action acted at, after the wall-clock time (the
/// first to go on a narrow terminal).
const DEMO_COLUMNS: [Col; 7] = [
    Col::fixed("TIME", 20, 0),
    Col::fixed("SIMULATED", 20, 6),
    Col::fixed("WHO", 10, 5),
    Col::fixed("ENV", 5, 1),
    Col::fixed("ACTION", 10, 2),
    Col::fixed("OUTCOME", 13, 3),
    Col::fill("MESSAGE", 20, 4),
];

/// Body title: which file, and how many entries.
pub fn title(state: &State) -> String {
    let a = &state.ops.audit;
    let loading = if a.loading { " · reading…" } else { "" };
    let n = a.entries.len();
    let noun = if n == 1 { "entry" } else { "entries" };
    let file = audit_file(state);
    let name = std::path::Path::new(&file)
        .file_name()
        .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
    format!("Audit log · {name} · {n} {noun}{loading}")
}

/// `2026-12-06T05:10:11.123Z` as `2026-12-06 05:10:11`.
fn shown(time: &str) -> String {
    let time = time.replace('T', " ").trim_end_matches('Z').to_string();
    time.get(..19).unwrap_or(&time).to_string()
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
    if rows.is_empty() && !state.ops.audit.entries.is_empty() {
        let msg = format!(
            "No audited action matches the filter `{}` ({} recorded).",
            state.filter,
            state.ops.audit.entries.len()
        );
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), inner);
        return;
    }
    if rows.is_empty() {
        let p = Paragraph::new(Line::from(Span::styled(
            format!(
                "No audited action yet in {}: every approve, reject, deploy, stop, retry, \
                 rollback, freeze and invalidate (done, refused or declined) is recorded here.",
                audit_file(state)
            ),
            DIM,
        )))
        .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    let list = rows_below_header(inner);
    let selected = state.ops.audit.scroll.min(rows.len().saturating_sub(1));
    let geom = ListGeom::new(list, rows.len(), Some(selected));
    let demo = state.session.mode == Mode::Demo;
    let columns: &[Col] = if demo { &DEMO_COLUMNS } else { &COLUMNS };
    table::render(frame, inner, columns, &geom, Some(selected), |i| {
        let Some(line) = rows.get(i) else {
            return Vec::new();
        };
        let e = &line.0;
        let mut cells = vec![Line::from(shown(&e.time))];
        if demo {
            // An entry of an older version has none.
            cells.push(Line::from(
                e.simulated_time.as_deref().map_or("-".to_string(), shown),
            ));
        }
        cells.extend([
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
        ]);
        cells
    });
}
