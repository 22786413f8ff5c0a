//! One file per view; each draws `&State` into the body and says where its list rows are.

pub mod approvals;
pub mod attention;
pub mod audit;
pub mod environments;
pub mod execution;
pub mod history;
pub mod logs;
pub mod map;
pub mod pipeline;
pub mod runs;
pub mod traffic;
pub mod traffic_row;

use super::widgets::table::ListGeom;
use crate::app::{State, View};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The body title of the current view.
pub fn title(state: &State) -> String {
    if let Some(d) = shown_execution(state) {
        return execution::title(state, d);
    }
    match state.view {
        View::Environments => environments::title(state),
        View::Pipeline => pipeline::title(state),
        View::Approvals => approvals::title(state),
        View::Logs => logs::title(state),
        View::Audit => audit::title(state),
        View::Traffic => traffic::title(state),
        View::Runs => runs::title(state),
        View::Attention => attention::title(state),
        View::Map => map::title(state),
    }
}

/// The execution detail, when it is what the body shows (over the pipeline view).
fn shown_execution(state: &State) -> Option<&crate::app::ExecutionDetail> {
    state
        .execution
        .as_ref()
        .filter(|_| state.view == View::Pipeline)
}

/// Draws the current view inside the body border.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if let Some(d) = shown_execution(state) {
        execution::render(frame, state, d, inner);
        return;
    }
    match state.view {
        View::Environments => environments::render(frame, state, inner),
        View::Pipeline => pipeline::render(frame, state, inner),
        View::Approvals => approvals::render(frame, state, inner),
        View::Logs => logs::render(frame, state, inner),
        View::Audit => audit::render(frame, state, inner),
        View::Traffic => traffic::render(frame, state, inner),
        View::Runs => runs::render(frame, state, inner),
        View::Attention => attention::render(frame, state, inner),
        View::Map => map::render(frame, state, inner),
    }
}

/// Where the current view's selectable rows are drawn (none in the logs view).
pub fn list_geometry(state: &State, inner: Rect) -> Option<ListGeom> {
    if shown_execution(state).is_some() {
        return execution::geometry(state, inner);
    }
    match state.view {
        View::Environments => Some(environments::geometry(state, inner)),
        View::Pipeline => pipeline::geometry(state, inner),
        View::Approvals => approvals::geometry(state, inner),
        View::Attention => attention::geometry(state, inner),
        View::Logs | View::Traffic | View::Audit | View::Runs | View::Map => None,
    }
}

/// The detail pane on screen, if any: the area its rows are drawn in and how many rows its
/// subject takes there (the run, the approval, the Logs event, the Traffic record).
pub fn pane(state: &State, inner: Rect) -> Option<(Rect, usize)> {
    if shown_execution(state).is_some() {
        return execution::pane(state, inner);
    }
    match state.view {
        View::Approvals => approvals::pane(state, inner),
        View::Logs => logs::pane(state, inner),
        View::Traffic => traffic::pane(state, inner),
        View::Environments
        | View::Pipeline
        | View::Audit
        | View::Runs
        | View::Attention
        | View::Map => None,
    }
}

/// The area of the detail pane on screen, if any (without laying its subject out).
pub fn pane_area(state: &State, inner: Rect) -> Option<Rect> {
    match state.view {
        View::Logs if shown_execution(state).is_none() => logs::pane_area(state, inner),
        _ => pane(state, inner).map(|(area, _)| area),
    }
}

/// Below the header row of a table in `area`.
pub(crate) fn rows_below_header(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y.saturating_add(1),
        area.width,
        area.height.saturating_sub(1),
    )
}
