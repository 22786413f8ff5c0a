//! Keys of the log views (Logs and Traffic): follow/pause, moving, search, filter expression,
//! detail panes, presets, export, and the log commands (`:export`, `:range`, `:goto`, `:retain`).

use crate::app::logs::select::Move;
use crate::app::traffic::export::{ExportError, ExportFormat, ExportJob, ReplaceFile, size_text};
use crate::app::{Action, Effect, Level, LineInput, Overlay, Scope, State, View, logs, traffic};
use crate::domain::Timestamp;
use std::sync::Arc;

/// Handles `action` when the current view is a log view and the action means something there;
/// `None` leaves it to the general handling.
pub(in crate::app) fn key(state: &mut State, action: &Action) -> Option<Vec<Effect>> {
    let traffic = state.view == View::Traffic;
    let logs = state.view == View::Logs;
    if !traffic && !logs {
        return match action {
            Action::ToggleFollow
            | Action::SearchNext
            | Action::SearchPrev
            | Action::ToggleDetail
            | Action::NextPreset
            | Action::NextMarker
            | Action::ToggleImpact
            | Action::SearchOpen => Some(Vec::new()),
            _ => None,
        };
    }
    match action {
        Action::ToggleFollow if traffic => {
            let t = &mut state.traffic;
            t.follow = !t.follow;
            if t.follow {
                t.cursor = None;
            } else {
                t.cursor = t.selected_seq();
            }
        }
        Action::ToggleFollow => logs::update::toggle_follow(state),
        Action::SearchOpen => {
            let text = if traffic {
                state.traffic.search.clone()
            } else {
                state.logs.search.clone()
            };
            state.overlay = Some(Overlay::Search(LineInput {
                text: text.into(),
                completions: Vec::new(),
            }));
        }
        Action::SearchNext | Action::SearchPrev => {
            let forward = *action == Action::SearchNext;
            if traffic {
                traffic::update::search_step(state, forward);
            } else {
                logs::update::search_step(state, forward);
            }
        }
        Action::ToggleDetail | Action::Open if traffic => {
            let t = &mut state.traffic;
            t.detail = !t.detail;
            if t.detail && t.follow {
                // The pane shows the record the operator opened, not the newest one as it
                // arrives: following pauses on it (`G` or space follows again).
                t.follow = false;
                t.cursor = t.selected_seq();
            }
        }
        Action::ToggleDetail | Action::Open => logs::select::toggle_detail(state),
        Action::Back if logs && state.overlay.is_none() && state.logs.detail.is_some() => {
            state.logs.detail = None;
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown
            if logs && state.logs.detail.is_some() =>
        {
            logs::select::move_detail(state, Move::By(step(action, state.page_step())));
        }
        Action::Top if logs && state.logs.detail.is_some() => {
            logs::select::move_detail(state, Move::First);
        }
        Action::Bottom if logs && state.logs.detail.is_some() => {
            logs::select::move_detail(state, Move::Last);
        }
        Action::NextMarker if traffic => {
            traffic::markers::next_marker(state);
            return Some(Vec::new());
        }
        Action::ToggleImpact if traffic => {
            traffic::markers::toggle_impact(state);
            return Some(Vec::new());
        }
        Action::NextPreset if traffic => {
            let next = state.traffic.preset.next();
            return Some(traffic::update::set_preset(state, next));
        }
        Action::FilterOpen if traffic => {
            state.traffic.committed = state.traffic.filter.clone();
            let text = state.traffic.filter_text.clone();
            state.overlay = Some(Overlay::Filter(LineInput {
                text: text.into(),
                completions: Vec::new(),
            }));
        }
        Action::Back if traffic && state.overlay.is_none() => {
            let t = &mut state.traffic;
            if t.detail {
                t.detail = false;
            } else if !t.filter_text.is_empty() {
                traffic::update::filter_typed(state, "");
            } else if !t.search.is_empty() {
                t.search.clear();
            } else {
                return None;
            }
        }
        Action::Back if logs && state.overlay.is_none() && state.filter.is_empty() => {
            if !state.logs.search.is_empty() {
                state.logs.search.clear();
                state.logs.mark = None;
            } else if crate::app::logs::job::back(state) {
                return Some(crate::app::poll::due(state));
            } else if state.logs.stream.is_some() {
                // Leaving the build log: its name no longer describes what shows.
                if state.status.as_ref().and_then(|m| m.scope) == Some(Scope::View(View::Logs)) {
                    state.status = None;
                }
                state.logs = crate::app::LogTail::default();
                state.logs.env = usize::MAX;
                return Some(crate::app::poll::due(state));
            } else {
                return None;
            }
        }
        Action::Top if traffic => {
            state.traffic.follow = false;
            state.traffic.select(0);
        }
        Action::Bottom if traffic => {
            state.traffic.follow = true;
            state.traffic.cursor = None;
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown if traffic => {
            let page = logs::update::page_less_one(state.traffic.page, 20);
            state.traffic.move_by(step(action, page));
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// What to say when a search step from row `cur` landed on `row`: that it went round the end
/// of the list, or that the match it started on is the only one.
pub(in crate::app) fn wrap_note(cur: usize, row: usize, forward: bool) -> Option<&'static str> {
    if row == cur {
        Some("the only match")
    } else if forward && row < cur {
        Some("search hit the bottom, continued at the top")
    } else if !forward && row > cur {
        Some("search hit the top, continued at the bottom")
    } else {
        None
    }
}

/// Rows a move key moves, `page` for a page key.
fn step(action: &Action, page: isize) -> isize {
    match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        _ => page,
    }
}

/// Text typed in a log view's search: applied at once (highlighted); Enter jumps to the next
/// match, Esc clears it.
pub(in crate::app) fn search_typed(state: &mut State, text: &str) {
    if state.view == View::Traffic {
        state.traffic.search = text.to_string();
    } else {
        state.logs.search = text.to_string();
        state.logs.mark = None;
    }
}

/// `:export FILE` (`:export! FILE` to replace a file that exists): the Traffic view's listed
/// records, written by the runtime; a file already there is left alone and the operator asked.
pub(in crate::app) fn export(state: &mut State, path: &str, replace: bool) -> Vec<Effect> {
    if state.view != View::Traffic {
        state.say(
            Level::Warn,
            ":export writes the Traffic view's records; open it with 5",
        );
        return Vec::new();
    }
    let Some(format) = ExportFormat::of_path(path) else {
        state.say(
            Level::Error,
            format!(":export {path}: end the name in .jsonl, .tsv or .log (W3C)"),
        );
        return Vec::new();
    };
    let job = ExportJob::of(&state.traffic, format);
    write(state, path, Arc::new(job), replace)
}

/// Asks the runtime to write `job` to `path`.
fn write(state: &mut State, path: &str, job: Arc<ExportJob>, replace: bool) -> Vec<Effect> {
    let n = job.len();
    let text = if replace {
        format!("exporting {n} records to {path}, replacing it if it exists")
    } else {
        format!("exporting {n} records to {path}")
    };
    state.say(Level::Info, text);
    vec![Effect::WriteFile {
        path: path.to_string(),
        job,
        replace,
    }]
}

/// The runtime's answer to an export: done, failed, or the file exists — then, unless
/// something else is open, the question whether to replace it.
pub(in crate::app) fn written(
    state: &mut State,
    path: String,
    records: usize,
    result: Result<(), ExportError>,
) {
    match result {
        Ok(()) => state.say(Level::Info, format!("exported {records} records to {path}")),
        Err(ExportError::Exists { bytes, job }) => {
            let busy =
                state.overlay.is_some() || state.ops.dialog.is_some() || state.ops.picker.is_some();
            if busy {
                state.say(
                    Level::Warn,
                    format!(
                        "{path} exists ({}): nothing exported; :export! {path} replaces it",
                        size_text(bytes)
                    ),
                );
            } else {
                state.clear_info();
                state.overlay = Some(Overlay::ReplaceFile(ReplaceFile { path, bytes, job }));
            }
        }
        Err(ExportError::Failed(e)) => state.say(
            Level::Error,
            format!("export to {path} failed: {e}; the file is as it was"),
        ),
    }
}

/// Whether `action` comes from the operator's keys (or mouse), as opposed to time passing and
/// answers coming back.
pub(in crate::app) fn is_keypress(action: &Action) -> bool {
    matches!(action, Action::Input(_) | Action::SelectRow(_))
        || (*action != Action::Quit
            && crate::app::action_names::BINDINGS
                .iter()
                .any(|(_, a)| a == action))
}

/// A key while the replace question is open: `y` replaces the file with the records the
/// export took, anything else keeps it.
pub(in crate::app) fn replace_answer(state: &mut State, action: &Action) -> Vec<Effect> {
    let Some(Overlay::ReplaceFile(q)) = state.overlay.take() else {
        return Vec::new();
    };
    if matches!(action, Action::Input('y' | 'Y')) {
        return write(state, &q.path, q.job, true);
    }
    state.say(Level::Info, format!("{} kept: nothing exported", q.path));
    Vec::new()
}

/// Reads `HH:MM[:SS]` (UTC, the latest such time not after `now`) or an RFC 3339 time.
pub fn parse_goto(text: &str, now: Timestamp) -> Option<Timestamp> {
    if let Some(t) = Timestamp::parse_rfc3339(text) {
        return Some(t);
    }
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let num = |s: &str, max: i64| -> Option<i64> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    let (h, m) = (num(parts[0], 23)?, num(parts[1], 59)?);
    let s = match parts.get(2) {
        Some(p) => num(p, 59)?,
        None => 0,
    };
    let day = now.millis().div_euclid(Timestamp::DAY) * Timestamp::DAY;
    let t = Timestamp(day + h * Timestamp::HOUR + m * Timestamp::MINUTE + s * Timestamp::SECOND);
    Some(if t > now { t - Timestamp::DAY } else { t })
}

/// `:goto TIME`.
pub(in crate::app) fn goto(state: &mut State, text: &str) {
    match parse_goto(text, state.now) {
        Some(t) => traffic::update::goto(state, t),
        None => state.say(
            Level::Error,
            format!(":goto {text}: expected HH:MM[:SS] (UTC) or an RFC 3339 time"),
        ),
    }
}
