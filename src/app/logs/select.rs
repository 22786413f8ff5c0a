//! The selection of the Logs view's detail pane: which event it shows (by group and event id),
//! moved by the move keys, search and `:goto`, and kept on its event as the rows change.

use crate::app::{Level, State};

/// Enter/`d` in the Logs view: opens the detail of the current event — the last search match,
/// else the bottom row shown — pausing with it marked; again closes it.
pub(in crate::app) fn toggle_detail(state: &mut State) {
    if state.logs.detail.take().is_some() {
        return;
    }
    let rows = state.visible_log_rows();
    let Some(bottom) = rows.len().checked_sub(1) else {
        state.say(Level::Info, "no event to show");
        return;
    };
    let row = state
        .logs
        .mark
        .filter(|&m| m <= bottom)
        .unwrap_or_else(|| bottom - state.logs.scroll.min(bottom));
    select_row(state, &rows, row);
}

/// The row of the event whose detail is open, if it is listed.
pub(in crate::app) fn detail_row(state: &State, rows: &[usize]) -> Option<usize> {
    let (group, id) = state.logs.detail.as_ref()?;
    rows.iter().position(|&i| {
        state
            .logs
            .events
            .get(i)
            .is_some_and(|e| e.key() == (group.as_str(), id.as_str()))
    })
}

/// A move key while the detail is open moves the selection from the event shown (from the
/// bottom row when it is no longer listed); `to` is an absolute row (`g`/`G`) or a step.
pub(in crate::app) fn move_detail(state: &mut State, to: Move) {
    let rows = state.visible_log_rows();
    let Some(bottom) = rows.len().checked_sub(1) else {
        return;
    };
    let current = detail_row(state, &rows).unwrap_or(bottom);
    let row = match to {
        Move::By(delta) => current.saturating_add_signed(delta).min(bottom),
        Move::First => 0,
        Move::Last => bottom,
    };
    select_row(state, &rows, row);
}

/// Where a move key takes the selection.
#[derive(Debug, Clone, Copy)]
pub(in crate::app) enum Move {
    By(isize),
    First,
    Last,
}

/// Marks row `row` of `rows` (a search match, a time jumped to), selecting it when the detail
/// is open.
pub(in crate::app) fn mark_row(state: &mut State, rows: &[usize], row: usize) {
    if state.logs.detail.is_some() {
        select_row(state, rows, row);
    } else {
        state.logs_mark(row, rows.len());
    }
}

/// Selects row `row` of `rows` for the detail, marked at the bottom of the view, paused.
pub(in crate::app) fn select_row(state: &mut State, rows: &[usize], row: usize) {
    if let Some(e) = rows.get(row).and_then(|&i| state.logs.events.get(i)) {
        state.logs.detail = Some((e.group.clone(), e.event_id.clone()));
        state.logs_mark(row, rows.len());
    }
}

/// What the operator is reading, by event: the bottom row shown while the view is paused or
/// scrolled back, and the marked row.
pub(in crate::app) struct Anchor {
    bottom: Option<(String, String)>,
    mark: Option<(String, String)>,
}

/// The events the view is on, before its rows change.
pub(in crate::app) fn anchor(state: &State) -> Anchor {
    let rows = state.visible_log_rows();
    let key = |row: usize| {
        let e = state.logs.events.get(*rows.get(row)?)?;
        Some((e.group.clone(), e.event_id.clone()))
    };
    let held = state.logs.paused || state.logs.scroll > 0;
    let bottom = rows
        .len()
        .checked_sub(1 + state.logs.scroll)
        .filter(|_| held)
        .and_then(key);
    Anchor {
        bottom,
        mark: state.logs.mark.and_then(key),
    }
}

/// Events arrived — new ones below, late ones sorted in among those shown: the view keeps the
/// bottom row it showed and the mark on their events (the oldest, if they were dropped past the
/// cap), and the detail's event marked where it now is.
pub(in crate::app) fn restore(state: &mut State, anchor: Anchor) {
    let rows = state.visible_log_rows();
    let find = |key: &(String, String)| {
        rows.iter().position(|&i| {
            state
                .logs
                .events
                .get(i)
                .is_some_and(|e| e.key() == (key.0.as_str(), key.1.as_str()))
        })
    };
    if let Some(key) = &anchor.mark {
        state.logs.mark = find(key);
    }
    if let Some(key) = &anchor.bottom {
        state.logs.scroll = match find(key) {
            Some(row) => rows.len() - 1 - row,
            None => state.max_log_scroll(rows.len()),
        };
    }
    rows_changed(state, false);
}

/// The rows changed (events arrived, the filter changed): the event whose detail is open is
/// marked at its new row; a mark that may now point at another event is dropped.
pub(in crate::app) fn rows_changed(state: &mut State, filter_changed: bool) {
    let rows = state.visible_log_rows();
    match detail_row(state, &rows) {
        Some(row) => state.logs_mark(row, rows.len()),
        None if state.logs.detail.is_some() || filter_changed => state.logs.mark = None,
        None => {}
    }
    state.logs.scroll = state.logs.scroll.min(state.max_log_scroll(rows.len()));
}
