//! `update`: the one place the state changes. It never awaits; it returns effects as data.

use super::command::Command;
use super::{
    Action, Effect, Level, LineInput, Overlay, State, View, logs, parse_command, poll, traffic,
};

/// The effects to run when the app starts at `state.now`: who we are, and every first refresh.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects = vec![Effect::FetchIdentity];
    effects.extend(poll::due(state));
    effects
}

/// Applies one action to the state and returns the effects to run.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        action if crate::app::ops::update::intercepts(state, &action) => {
            return crate::app::ops::update::update(state, action);
        }
        Action::Tick(now) => {
            state.now = now.max(state.now);
            return poll::due(state);
        }
        Action::ChartsStep => state.traffic.charts_step(super::traffic::CHART_STEP),
        Action::PaneRows(max) => state.pane_rows(max),
        Action::PageRows(rows) if state.view == View::Traffic => state.traffic.page = rows,
        Action::PageRows(rows) => {
            state.logs.page = rows;
            let n = state.visible_log_count();
            match state
                .logs
                .mark
                .filter(|&m| m < n && state.logs.detail.is_some())
            {
                // The event whose detail is open stays in sight.
                Some(mark) => state.logs_mark(mark, n),
                None => state.logs.scroll = state.logs.scroll.min(state.max_log_scroll(n)),
            }
        }
        Action::EnvLoaded {
            env,
            request,
            result,
        } => poll::env_loaded(state, env, request, result),
        Action::ReleasesLoaded { request, result } => poll::releases_loaded(state, request, result),
        Action::LogsLoaded {
            env,
            request,
            results,
        } => logs::update::loaded(state, env, request, results),
        Action::TrafficListed {
            env,
            request,
            result,
        } => return traffic::update::listed(state, env, request, result),
        Action::TrafficRead {
            env,
            request,
            batch,
        } => return traffic::update::read(state, env, request, &batch),
        Action::FileWritten {
            path,
            records,
            result,
        } => logs::keys::written(state, path, records, result),
        Action::ActionExecutionsLoaded {
            env,
            request,
            action,
            result,
        } => {
            if crate::app::envs::execution::loaded(state, request, &result) {
                return Vec::new();
            }
            let action = action.unwrap_or_default();
            return logs::update::action_executions_loaded(state, env, request, &action, result);
        }
        Action::IdentityLoaded(result) => match result {
            Ok(who) => state.session.identity = Some(who.arn),
            Err(err) if err.is_credentials() => {
                super::credentials::refused(state, "caller identity", &err);
            }
            Err(err) => state.say(Level::Error, format!("identity: {err}")),
        },
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        action
            if matches!(state.overlay, Some(Overlay::ReplaceFile(_)))
                && logs::keys::is_keypress(&action) =>
        {
            return logs::keys::replace_answer(state, &action);
        }
        action
            if matches!(
                state.overlay,
                Some(Overlay::Command(_) | Overlay::Filter(_) | Overlay::Search(_))
            ) =>
        {
            return super::input::input(state, action);
        }
        action
            if state.overlay.is_none()
                && let Some(fx) = logs::keys::key(state, &action) =>
        {
            return fx;
        }
        action
            if state.overlay.is_none()
                && let Some(fx) = crate::app::envs::execution::key(state, &action) =>
        {
            return fx;
        }
        Action::Refresh => return refresh(state),
        Action::ScrollPane(delta) => state.scroll_pane(delta),
        Action::Up => move_or_scroll(state, -1),
        Action::Down => move_or_scroll(state, 1),
        Action::PageUp => move_or_scroll(state, -state.page_step()),
        Action::PageDown => move_or_scroll(state, state.page_step()),
        Action::Top => move_or_scroll(state, isize::MIN / 2),
        Action::Bottom => move_or_scroll(state, isize::MAX / 2),
        Action::NextEnv | Action::PrevEnv => {
            let n = state.envs.len().max(1);
            let step = if action == Action::NextEnv { 1 } else { n - 1 };
            state.select_env((state.selected + step) % n);
            return poll::due(state);
        }
        Action::SelectRow(row) => state.select_row(row),
        Action::Open => return open(state),
        Action::Back => back(state),
        Action::Show(view) => return show(state, view),
        Action::NextView => {
            let i = View::ALL.iter().position(|v| *v == state.view).unwrap_or(0);
            // Through `update`: the audit view reads the audit log when it is shown.
            return update(state, Action::Show(View::ALL[(i + 1) % View::ALL.len()]));
        }
        Action::ToggleHelp => {
            state.help_scroll = 0;
            state.overlay = match state.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            };
        }
        Action::CommandOpen => {
            let names = env_names(state);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let completions =
                crate::app::ops::command::completions(state.session.read_only, "", &names);
            state.overlay = Some(Overlay::Command(LineInput {
                text: Default::default(),
                completions,
            }));
        }
        Action::FilterOpen => {
            let text = state.filter.clone();
            state.overlay = Some(Overlay::Filter(LineInput {
                text: text.into(),
                completions: Vec::new(),
            }));
        }
        Action::Op(_)
        | Action::DialogNext
        | Action::DialogToggle
        | Action::OpApplied { .. }
        | Action::InvalidationLoaded { .. }
        | Action::AuditLoaded(_)
        | Action::AuditFailed(_)
        | Action::PackagesLoaded { .. }
        | Action::CandidatesLoaded { .. } => return crate::app::ops::update::update(state, action),
        Action::Disabled(kind) => state.say(
            Level::Warn,
            format!(
                "{}: disabled, shipdeck runs read-only (--read-only or read_only = true)",
                kind.name()
            ),
        ),
        Action::ExportPrompt => {
            state.overlay = Some(Overlay::Command(LineInput {
                text: "export ".into(),
                completions: Vec::new(),
            }));
        }
        Action::BuildLog => return logs::update::build_log(state),
        Action::Input(_)
        | Action::Backspace
        | Action::ClearLine
        | Action::Edit(_)
        | Action::PlanRows { .. }
        | Action::Complete
        | Action::Submit
        | Action::ToggleFollow
        | Action::SearchOpen
        | Action::SearchNext
        | Action::SearchPrev
        | Action::ToggleDetail
        | Action::NextPreset => {}
    }
    Vec::new()
}

/// Refreshes every environment, the catalogue and the log views now.
pub(super) fn refresh(state: &mut State) -> Vec<Effect> {
    super::credentials::retry_now(state);
    for env in &mut state.envs {
        env.next_poll = state.now;
        env.distribution_due = state.now;
    }
    state.releases_next_poll = state.now;
    state.logs.next_poll = state.now;
    state.traffic.next_poll = state.now;
    state.say(Level::Info, "refreshing");
    poll::due(state)
}

pub(super) fn env_names(state: &State) -> Vec<String> {
    state.envs.iter().map(|e| e.spec.name.clone()).collect()
}

fn move_or_scroll(state: &mut State, delta: isize) {
    if state.overlay == Some(Overlay::Help) {
        state.help_scroll = state.help_scroll.saturating_add_signed(delta);
    } else {
        state.move_selection(delta);
    }
}

fn show(state: &mut State, view: View) -> Vec<Effect> {
    if state.view != view && !state.filter.is_empty() {
        state.filter.clear();
        crate::app::logs::select::rows_changed(state, true);
    }
    state.view = view;
    state.overlay = None;
    state.drop_left_behind();
    poll::due(state)
}

fn open(state: &mut State) -> Vec<Effect> {
    match state.view {
        View::Environments => {
            state.close_execution();
            show(state, View::Pipeline)
        }
        View::Approvals => {
            let approvals = state.visible_approvals();
            let Some(a) = approvals.get(state.approval_row) else {
                return Vec::new();
            };
            if let Some(i) = state.env_index(&a.environment) {
                state.select_env(i);
            }
            state.close_execution();
            show(state, View::Pipeline)
        }
        View::Pipeline => crate::app::envs::execution::open(state),
        View::Logs | View::Traffic | View::Audit => Vec::new(),
    }
}

fn back(state: &mut State) {
    if state.overlay.take().is_some() {
        return;
    }
    if !state.filter.is_empty() {
        state.filter.clear();
        crate::app::logs::select::rows_changed(state, true);
    } else if state.view != View::Environments {
        state.view = View::Environments;
    }
}

pub(super) fn run_command(state: &mut State, text: &str, names: &[&str]) -> Vec<Effect> {
    if let Some(fx) = crate::app::ops::command::run(state, text) {
        return fx;
    }
    match parse_command(text, names) {
        Ok(Command::Env(name)) => {
            if let Some(i) = state.env_index(&name) {
                state.select_env(i);
            }
            if state.view == View::Environments || state.view == View::Approvals {
                return show(state, View::Pipeline);
            }
            poll::due(state)
        }
        Ok(Command::Show(view)) => show(state, view),
        Ok(Command::Refresh) => update(state, Action::Refresh),
        Ok(Command::Help) => {
            state.overlay = Some(Overlay::Help);
            Vec::new()
        }
        Ok(Command::Quit) => update(state, Action::Quit),
        Ok(Command::Export { path, replace }) => logs::keys::export(state, &path, replace),
        Ok(Command::Range(preset)) => traffic::update::set_preset(state, preset),
        Ok(Command::Goto(text)) => {
            logs::keys::goto(state, &text);
            Vec::new()
        }
        Ok(Command::Retain(n)) => {
            state.retain = n;
            let preset = state.traffic.preset;
            state.restart_traffic(preset);
            state.say(
                Level::Info,
                format!("the traffic view keeps the last {n} records"),
            );
            poll::due(state)
        }
        Err(msg) => {
            state.say(Level::Error, format!(":{text}: {msg}"));
            Vec::new()
        }
    }
}

impl State {
    /// Keeps the selection on a visible row after the filter changed (row 0 when it was hidden).
    pub(super) fn visible_first_row(&self) -> Option<usize> {
        match self.selected_row() {
            Some(_) => None,
            None => Some(0),
        }
    }
}
