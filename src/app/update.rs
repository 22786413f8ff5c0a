//! `update`: the one place the state changes. It never awaits; it returns effects as data.

use super::command::Command;
use super::{
    Action, Effect, Level, LineInput, Overlay, Reply, State, View, envs, logs, ops, parse_command,
    poll, traffic,
};

/// The effects to run when the app starts at `state.now`: who we are, and every first refresh.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects = super::accounts::fetch(state);
    effects.extend(poll::due(state));
    effects
}

/// Applies one action to the state and returns the effects to run: time and the terminal's
/// layout reports go to what they measure, each reply to the feature that asked, each key to
/// whoever holds the keys (see [`Focus`]).
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let effects = dispatch(state, action);
    let of_dialog = (state.status.as_ref()).is_some_and(|m| m.scope == Some(super::Scope::Dialog));
    if of_dialog && state.ops.dialog.is_none() {
        // What was said of a dialog that closed goes with it.
        state.status = None;
    }
    state.glance_due();
    effects
}

/// [`update`] without the home screen's glance.
fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Tick(now) => {
            state.now = now.max(state.now);
            let mut fx = poll::due(state);
            fx.extend(ops::workflow::tick(state));
            fx.extend(super::runs::tick(state));
            fx.extend(envs::main_lag::due(state));
            fx.extend(envs::deployer::due(state));
            fx.extend(super::attention::observe(state));
            fx.extend(super::health::live::due(state));
            fx
        }
        Action::Focus(focused) => {
            state.attention.outbox.focus(focused);
            Vec::new()
        }
        Action::ChartsStep => {
            state.traffic.charts_step(traffic::CHART_STEP);
            Vec::new()
        }
        Action::PaneRows(max) => {
            state.pane_rows(max);
            Vec::new()
        }
        Action::PageRows(rows) => {
            page_rows(state, rows);
            Vec::new()
        }
        Action::PlanRows { shown, total } => {
            ops::dialog::plan_rows(state, shown, total);
            Vec::new()
        }
        Action::OverlayRows(max) => {
            state.help_max = Some(max);
            state.help_scroll = state.help_scroll.min(max);
            Vec::new()
        }
        Action::Reply(reply) => self::reply(state, reply),
        Action::Quit => quit(state),
        key => {
            let before = state.status.clone();
            let fx = operator_key(state, key);
            // A message this key set is the operator's answer (see `StatusMsg::answer`).
            if state.status != before
                && let Some(m) = state.status.as_mut()
            {
                m.answer = Some(state.attention.total);
            }
            fx
        }
    }
}

/// A key (or a typed command) of the operator, to whoever holds the keys.
fn operator_key(state: &mut State, key: Action) -> Vec<Effect> {
    match Focus::of(state) {
        Focus::SignIn => super::sign_in::key(state, &key),
        Focus::Dialog => ops::update::dialog_key(state, key),
        Focus::Picker => ops::update::picker_key(state, key),
        Focus::Question if logs::keys::is_keypress(&key) => logs::keys::replace_answer(state, &key),
        Focus::Prompt => super::input::input(state, key),
        Focus::Systems => super::systems::key(state, &key).unwrap_or_else(|| view_key(state, key)),
        Focus::View(View::Logs | View::Traffic) => super::queries::key(state, &key)
            .or_else(|| logs::keys::key(state, &key))
            .unwrap_or_else(|| view_key(state, key)),
        // Under the help overlay a log view's own keys (its filter, search, follow) still
        // act on that view; the moving keys scroll the help.
        Focus::Help if state.view.is_log_view() && !moves(&key) => {
            logs::keys::key(state, &key).unwrap_or_else(|| view_key(state, key))
        }
        Focus::View(View::Pipeline) => {
            envs::execution::key(state, &key).unwrap_or_else(|| view_key(state, key))
        }
        Focus::Question | Focus::Help | Focus::View(_) => view_key(state, key),
    }
}

/// Keys that move (or close) what is on top: under the help overlay they scroll or close it.
fn moves(key: &Action) -> bool {
    matches!(
        key,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::ScrollPane(_)
            | Action::Back
    )
}

/// Who takes the operator's keys: the open dialog or release picker, the open question or
/// prompt, else the view (under the help overlay, which takes only its scroll and close keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    /// The sign-in dialog.
    SignIn,
    /// The plan/confirm dialog.
    Dialog,
    /// The release picker.
    Picker,
    /// A question (replace the export file?): a key press answers it.
    Question,
    /// The command line, a filter or a search being typed.
    Prompt,
    /// The help overlay over the view.
    Help,
    /// The `:system` list over the view: it takes the keys (choose a system, close).
    Systems,
    /// The view on screen.
    View(View),
}

impl Focus {
    fn of(state: &State) -> Focus {
        if state.sign_in.is_some() {
            return Focus::SignIn;
        }
        if state.ops.dialog.is_some() {
            return Focus::Dialog;
        }
        if state.ops.picker.is_some() {
            return Focus::Picker;
        }
        match state.overlay {
            Some(Overlay::ReplaceFile(_)) => Focus::Question,
            Some(Overlay::Command(_) | Overlay::Filter(_) | Overlay::Search(_)) => Focus::Prompt,
            Some(Overlay::Help | Overlay::Trace(_)) => Focus::Help,
            Some(Overlay::Systems) => Focus::Systems,
            None => Focus::View(state.view),
        }
    }
}

/// An effect answered: each reply to the feature that asked for it.
fn reply(state: &mut State, reply: Reply) -> Vec<Effect> {
    match reply {
        Reply::EnvLoaded {
            env,
            request,
            result,
        } => {
            poll::env_loaded(state, env, request, result);
            let mut fx = ops::update::env_refreshed(state, env);
            fx.extend(envs::main_lag::due(state));
            fx.extend(envs::deployer::due(state));
            fx.extend(super::attention::observe(state));
            fx
        }
        Reply::MainLagLoaded {
            request,
            lags,
            limited_until,
        } => envs::main_lag::loaded(state, request, lags, limited_until),
        Reply::DeployersLoaded { request, reads } => envs::deployer::loaded(state, request, reads),
        Reply::ReleasesLoaded { request, result } => {
            poll::releases_loaded(state, request, result);
            Vec::new()
        }
        Reply::IdentityLoaded { env, result } => {
            super::accounts::loaded(state, env, result);
            Vec::new()
        }
        Reply::LogsLoaded {
            env,
            request,
            results,
        } => {
            logs::update::loaded(state, env, request, results);
            Vec::new()
        }
        Reply::LogSourcesFound {
            env,
            request,
            found,
        } => {
            traffic::update::discovered(state, env, request, *found);
            Vec::new()
        }
        Reply::TrafficEvents {
            env,
            request,
            result,
        } => traffic::update::events(state, env, request, result),
        Reply::TrafficRead {
            env,
            request,
            batch,
        } => traffic::update::read(state, env, request, &batch),
        Reply::TrafficPart {
            env,
            request,
            batch,
            progress,
        } => traffic::update::part(state, env, request, &batch, progress),
        Reply::FileWritten {
            path,
            records,
            result,
        } => {
            logs::keys::written(state, path, records, result);
            Vec::new()
        }
        Reply::ActionExecutionsLoaded {
            env,
            request,
            action,
            result,
        } => {
            if envs::execution::loaded(state, request, &result) {
                return Vec::new();
            }
            let action = action.unwrap_or_default();
            logs::update::action_executions_loaded(state, env, request, &action, result)
        }
        Reply::DeployRunsLoaded {
            env,
            request,
            result,
        } => {
            crate::app::traffic::markers::loaded(state, env, request, result);
            Vec::new()
        }
        Reply::InvalidationsLoaded {
            env,
            request,
            result,
        } => {
            crate::app::traffic::markers::invalidations_loaded(state, env, request, result);
            Vec::new()
        }
        Reply::ExecutionLoaded { request, result } => {
            envs::execution::execution_loaded(state, request, result);
            Vec::new()
        }
        Reply::SignInCode {
            request,
            session,
            url,
            code,
            expires_at,
        } => {
            super::sign_in::code(state, request, session, url, code, expires_at);
            Vec::new()
        }
        Reply::SignedIn { request, result } => super::sign_in::finished(state, request, result),
        Reply::InsightsProgress {
            request,
            query_id,
            results,
        } => super::queries::progress(state, request, query_id, results),
        Reply::InsightsEnded { request, result } => super::queries::ended(state, request, result),
        Reply::AthenaPlanned { request, result } => {
            super::queries::athena::planned(state, request, *result)
        }
        Reply::AthenaProgress { request, progress } => {
            super::queries::athena::progress(state, request, progress)
        }
        Reply::AthenaEnded { request, result } => {
            super::queries::athena::ended(state, request, *result)
        }
        Reply::LocalQueryProgress { request, progress } => {
            super::queries::local::progress(state, request, progress)
        }
        Reply::LocalQueryEnded { request, result } => {
            super::queries::local::ended(state, request, *result)
        }
        Reply::AthenaTableCreated { request, result } => {
            super::queries::athena::created(state, request, result)
        }
        Reply::OpApplied {
            request,
            outcome,
            audit_error,
        } => ops::update::applied(state, request, outcome, audit_error),
        Reply::InvalidationLoaded { request, result } => {
            ops::watch::invalidation_loaded(state, request, result);
            Vec::new()
        }
        Reply::WorkflowRead { request, read } => {
            ops::workflow::read_loaded(state, request, *read);
            Vec::new()
        }
        Reply::GitHubLooked {
            request,
            trail,
            result,
        } => {
            ops::workflow::looked(state, request, *trail, result);
            Vec::new()
        }
        Reply::TraceLoaded { request, read } => {
            super::trace::loaded(state, request, *read);
            Vec::new()
        }
        Reply::RunsLoaded { request, read } => {
            super::runs::loaded(state, request, *read);
            Vec::new()
        }
        Reply::JobLogLoaded { request, result } => {
            super::logs::job::loaded(state, request, result);
            Vec::new()
        }
        Reply::RunJobsLoaded { request, result } => {
            super::runs::jobs_loaded(state, request, result);
            Vec::new()
        }
        Reply::HealthRead {
            request,
            at,
            readings,
            probes,
        } => super::health::live::loaded(state, request, at, *readings, probes),
        Reply::AuditLoaded(result) => {
            ops::audit::loaded(state, result);
            Vec::new()
        }
        Reply::AuditFailed(e) => {
            state.say(Level::Error, format!("audit log: {e}"));
            Vec::new()
        }
        Reply::PackagesLoaded {
            env,
            request,
            result,
        } => ops::release::packages_loaded(state, env, request, result),
        Reply::CandidatesLoaded {
            env,
            request,
            result,
        } => {
            ops::release::candidates_loaded(state, env, request, result);
            Vec::new()
        }
        Reply::PathCompleted { request, result } => {
            ops::upload::completed(state, request, result);
            Vec::new()
        }
        Reply::PackageRead { request, result } => {
            ops::upload::package_read(state, request, result);
            Vec::new()
        }
        Reply::UploadProgress {
            request,
            sent,
            total,
        } => {
            ops::upload::progress(state, request, sent, total);
            Vec::new()
        }
        Reply::SourceVersionsLoaded {
            env,
            request,
            result,
        } => {
            ops::release::versions_loaded(state, env, request, result);
            Vec::new()
        }
    }
}

/// The log view on screen shows `rows` rows now.
fn page_rows(state: &mut State, rows: usize) {
    if state.view == View::Traffic {
        state.traffic.page = rows;
        return;
    }
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

/// Leave shipdeck.
fn quit(state: &mut State) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

/// A key of the views: the ones every view shares (a log view or the execution detail took its
/// own first).
fn view_key(state: &mut State, key: Action) -> Vec<Effect> {
    match key {
        Action::Refresh => return refresh(state),
        Action::ScrollPane(delta) => state.scroll_pane(delta),
        Action::Up => move_or_scroll(state, -1),
        Action::Down => move_or_scroll(state, 1),
        Action::PageUp => move_or_scroll(state, -state.page_step()),
        Action::PageDown => move_or_scroll(state, state.page_step()),
        Action::Top => move_or_scroll(state, isize::MIN / 2),
        Action::Bottom => move_or_scroll(state, isize::MAX / 2),
        Action::NextEnv => return step_env(state, true),
        Action::PrevEnv => return step_env(state, false),
        Action::SelectRow(row) => state.select_row(row),
        Action::Open => return open(state),
        Action::Back => back(state),
        Action::Show(view) => return show(state, view),
        Action::NextView => {
            let i = View::ALL.iter().position(|v| *v == state.view).unwrap_or(0);
            return show(state, View::ALL[(i + 1) % View::ALL.len()]);
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
            let systems: Vec<&str> = state.systems.names.iter().map(String::as_str).collect();
            let completions =
                ops::command::completions(state.session.read_only, "", &names, &systems);
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
        // A read-only session's action key is an `Op` too: the read-only guard below the UI
        // refuses it, to the status bar and the audit log, as it does the `:` command.
        Action::Op(kind) if state.view == View::Runs => return super::runs::act(state, kind),
        Action::Op(kind) => return ops::update::open_key(state, kind),
        Action::ExportPrompt => {
            state.overlay = Some(Overlay::Command(LineInput {
                text: "export ".into(),
                completions: Vec::new(),
            }));
        }
        Action::BuildLog => return logs::update::build_log(state),
        Action::Tick(_)
        | Action::Focus(_)
        | Action::ChartsStep
        | Action::PaneRows(_)
        | Action::PageRows(_)
        | Action::PlanRows { .. }
        | Action::OverlayRows(_)
        | Action::Reply(_)
        | Action::Quit
        | Action::DialogNext
        | Action::DialogToggle
        | Action::Input(_)
        | Action::Backspace
        | Action::ClearLine
        | Action::Edit(_)
        | Action::Complete
        | Action::Submit
        | Action::ToggleFollow
        | Action::SearchOpen
        | Action::SearchNext
        | Action::SearchPrev
        | Action::ToggleDetail
        | Action::NextPreset
        | Action::NextMarker
        | Action::ToggleImpact => {}
    }
    Vec::new()
}

/// The next (or previous) environment.
pub(super) fn step_env(state: &mut State, forward: bool) -> Vec<Effect> {
    let n = state.envs.len().max(1);
    let step = if forward { 1 } else { n - 1 };
    state.select_env((state.selected + step) % n);
    poll::due(state)
}

/// Refreshes every environment, the catalogue, the log views and the open execution detail now.
pub(super) fn refresh(state: &mut State) -> Vec<Effect> {
    // The open execution detail's runs are read again with the rest.
    let mut fx: Vec<Effect> = if state.view == View::Pipeline {
        envs::execution::reread(state).into_iter().collect()
    } else if state.view == View::Runs {
        super::runs::read(state)
    } else {
        Vec::new()
    };
    super::credentials::retry_now(state);
    for env in &mut state.envs {
        env.refresh.next_poll = state.now;
        env.distribution_due = state.now;
    }
    state.releases_load.next_poll = state.now;
    state.logs.load.next_poll = state.now;
    state.traffic.load.next_poll = state.now;
    state.map.load.due_by(state.now);
    state.say(Level::Info, "refreshing");
    fx.extend(poll::due(state));
    fx.extend(super::health::live::due(state));
    fx
}

pub(super) fn env_names(state: &State) -> Vec<String> {
    state.envs.iter().map(|e| e.spec.name.clone()).collect()
}

fn move_or_scroll(state: &mut State, delta: isize) {
    if matches!(state.overlay, Some(Overlay::Help | Overlay::Trace(_))) {
        let max = state.help_max.unwrap_or(usize::MAX);
        state.help_scroll = state.help_scroll.saturating_add_signed(delta).min(max);
    } else {
        state.move_selection(delta);
    }
}

pub(super) fn show(state: &mut State, view: View) -> Vec<Effect> {
    if matches!(view, View::Audit | View::Runs) {
        // The audit view reads the audit log when it is shown, the Runs view the runs.
        let from = state.view;
        let mut fx = match view {
            View::Audit => ops::audit::show_audit(state),
            _ => super::runs::show(state),
        };
        if state.view == view && from != view {
            // Left as any view is: its filter, its queries and what was said of it go.
            if !state.filter.is_empty() {
                state.filter.clear();
                crate::app::logs::select::rows_changed(state, true);
            }
            fx.extend(super::queries::leaving(state, from));
            state.drop_left_behind();
        }
        return fx;
    }
    if state.view != view && !state.filter.is_empty() {
        state.filter.clear();
        crate::app::logs::select::rows_changed(state, true);
    }
    // Leaving a view stops its queries.
    let mut fx = if state.view != view {
        super::queries::leaving(state, state.view)
    } else {
        Vec::new()
    };
    state.view = view;
    state.overlay = None;
    if view == View::Attention {
        super::attention::shown(state);
    }
    state.drop_left_behind();
    fx.extend(poll::due(state));
    fx.extend(super::health::live::due(state));
    fx
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
        View::Runs => super::runs::open(state),
        View::Attention => {
            let Some(env) = super::attention::selected(state).map(|e| e.environment.clone()) else {
                return Vec::new();
            };
            if let Some(i) = state.env_index(&env) {
                state.select_env(i);
            }
            state.close_execution();
            show(state, View::Pipeline)
        }
        View::Map => super::health::live::open(state),
        View::Logs | View::Traffic | View::Audit => Vec::new(),
    }
}

fn back(state: &mut State) {
    if state.overlay.take().is_some() {
        return;
    }
    if state.view == View::Runs && super::runs::back(state) {
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
    if let Some(fx) = super::queries::command(state, text) {
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
        Ok(Command::Refresh) => refresh(state),
        Ok(Command::Help) => {
            state.overlay = Some(Overlay::Help);
            Vec::new()
        }
        Ok(Command::Trace(arg)) => super::trace::open(state, arg.as_deref()),
        Ok(Command::Login(profile)) => super::sign_in::open(state, profile.as_deref()),
        Ok(Command::System(name)) => super::systems::command(state, name.as_deref()),
        Ok(Command::Fault(env)) => super::credentials::demo_fault(state, env),
        Ok(Command::Quit) => quit(state),
        Ok(Command::Export { path, replace }) => logs::keys::export(state, &path, replace),
        Ok(Command::Range(preset)) => traffic::update::set_preset(state, preset),
        Ok(Command::Goto(text)) => {
            logs::keys::goto(state, &text);
            Vec::new()
        }
        Ok(Command::LogSource(pick)) => traffic::update::log_source(state, pick),
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
