//! Keys while a prompt is open: the `:` command line (with completion), a list's `/` filter, the
//! Traffic view's filter expression (applied as typed) and a log view's search.

use super::command::common_prefix;
use super::update::{env_names, run_command};
use super::{Action, Effect, Level, Overlay, State, View, logs, traffic};

/// The longest text a prompt takes (command line, filter, search); further characters are
/// ignored, so a paste or a stuck key cannot grow it without bound.
pub const MAX_INPUT: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prompt {
    Command,
    Filter,
    Search,
}

/// Keys while the command line, the filter or the search is open: typing and editing at the
/// cursor re-run what the prompt drives (completions, the filter, the search); a cursor move
/// alone does not.
pub(super) fn input(state: &mut State, action: Action) -> Vec<Effect> {
    let names = env_names(state);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let read_only = state.session.read_only;
    let Some(overlay) = state.overlay.as_mut() else {
        return Vec::new();
    };
    let (kind, line) = match overlay {
        Overlay::Command(line) => (Prompt::Command, line),
        Overlay::Filter(line) => (Prompt::Filter, line),
        Overlay::Search(line) => (Prompt::Search, line),
        Overlay::Help | Overlay::ReplaceFile(_) | Overlay::Trace(_) | Overlay::Systems => {
            return Vec::new();
        }
    };
    let is_command = kind == Prompt::Command;
    match action {
        Action::Input(c) => {
            if !line.text.insert(c, MAX_INPUT) {
                return Vec::new();
            }
        }
        action if action.edit().is_some() => {
            let changed = action.edit().is_some_and(|e| line.text.edit(e));
            if !changed {
                return Vec::new();
            }
        }
        Action::Complete if is_command => {
            if let Some(mut prefix) = common_prefix(&line.completions)
                && prefix.len() > line.text.trim_end().len()
            {
                if line.completions.len() == 1 {
                    prefix.push(' ');
                }
                line.text.set(prefix);
            }
        }
        Action::Back => {
            state.overlay = None;
            match kind {
                Prompt::Command => {}
                Prompt::Filter if state.view == View::Traffic => {
                    traffic::update::filter_typed(state, "");
                }
                Prompt::Filter => {
                    state.filter.clear();
                    crate::app::logs::select::rows_changed(state, true);
                }
                Prompt::Search => logs::keys::search_typed(state, ""),
            }
            return Vec::new();
        }
        Action::Submit if is_command => {
            let text = line.text.value().to_string();
            state.overlay = None;
            // What the status bar says next is this command's outcome, not an older one's.
            state.status = None;
            return run_command(state, &text, &names);
        }
        Action::Submit => {
            state.overlay = None;
            state.status = None;
            match kind {
                Prompt::Search => {
                    // The nearest match: the newest one before the selection while following.
                    let following = match state.view {
                        View::Traffic => state.traffic.follow,
                        _ => !state.logs.paused && state.logs.scroll == 0,
                    };
                    let step = if following {
                        Action::SearchPrev
                    } else {
                        Action::SearchNext
                    };
                    return logs::keys::key(state, &step).unwrap_or_default();
                }
                Prompt::Filter if state.view == View::Traffic => {
                    if let Some(e) = state.traffic.filter_error.clone() {
                        state.say(Level::Error, format!("filter not applied: {e}"));
                    }
                }
                _ => {}
            }
            return Vec::new();
        }
        _ => return Vec::new(),
    }
    let text = line.text.value().to_string();
    match kind {
        Prompt::Command => {
            let systems = state.systems.names.clone();
            let systems: Vec<&str> = systems.iter().map(String::as_str).collect();
            if let Some(Overlay::Command(line)) = state.overlay.as_mut() {
                line.completions =
                    crate::app::ops::command::completions(read_only, &text, &names, &systems);
            }
        }
        Prompt::Search => logs::keys::search_typed(state, &text),
        Prompt::Filter if state.view == View::Traffic => {
            traffic::update::filter_typed(state, &text)
        }
        Prompt::Filter => {
            state.filter = text;
            if let Some(first) = state.visible_first_row() {
                state.select_row(first);
            }
            crate::app::logs::select::rows_changed(state, true);
        }
    }
    Vec::new()
}
