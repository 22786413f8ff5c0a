//! The CloudWatch Logs view in `update`: events read group by group, each poll an overlap back,
//! de-duplicated by group and id and kept in time order, pause and follow, search with `n`/`N`,
//! and the jump from a failed Deploy action (or a run of the execution detail) to its build's
//! log stream.

use crate::app::{
    Effect, GroupEvents, LOG_TAIL_CAP, Level, LogTail, RequestId, Scope, State, View,
};
use crate::cloud::CloudError;
use crate::domain::{ActionExecutionDetail, ActionStatus, Millis, Timestamp};

/// How far before a build's start its log is read.
const BUILD_LEAD: Millis = Timestamp::MINUTE;

/// The log group and stream of a CloudWatch log stream ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:log-stream:STREAM`).
pub fn parse_stream_arn(arn: &str) -> Option<(String, String)> {
    let rest = arn.strip_prefix("arn:")?;
    let (head, stream) = rest.split_once(":log-stream:")?;
    let (_, group) = head.split_once(":log-group:")?;
    (!group.is_empty() && !stream.is_empty()).then(|| (group.to_string(), stream.to_string()))
}

/// The log group and stream of a run's build log: its CloudWatch log stream ARN (CodePipeline
/// gives one for a Commands action's compute), else a CodeBuild run's external id
/// `project:build-id`: the build id is the stream, in `group` — the environment's
/// `build_log_group`, for projects whose logs configuration names their own — or in CodeBuild's
/// default `/aws/codebuild/<project>`.
pub fn build_log_stream(
    run: &ActionExecutionDetail,
    group: Option<&str>,
) -> Option<(String, String)> {
    if let Some(found) = run.log_stream_arn.as_deref().and_then(parse_stream_arn) {
        return Some(found);
    }
    let (project, build) = run.external_execution_id.as_deref()?.split_once(':')?;
    let plain = |s: &str| !s.is_empty() && !s.contains(['/', ':', ' ']);
    let group = group.map_or_else(|| format!("/aws/codebuild/{project}"), str::to_string);
    (plain(project) && plain(build)).then(|| (group, build.to_string()))
}

impl State {
    /// Where the build log of `run`, a run of environment `env`'s pipeline, is: see
    /// [`build_log_stream`].
    pub fn build_log_of(
        &self,
        env: usize,
        run: &ActionExecutionDetail,
    ) -> Option<(String, String)> {
        let group = self.envs.get(env)?.spec.build_log_group.as_deref();
        build_log_stream(run, group)
    }

    /// Indices of the events shown under the filter, oldest first.
    pub fn visible_log_rows(&self) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        self.logs
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                needle.is_empty()
                    || crate::app::contains_ci(&e.message, &needle)
                    || crate::app::contains_ci(&e.stream, &needle)
                    || crate::app::contains_ci(&e.group, &needle)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Pauses the logs view with filtered row `row` (of `n`) marked at the bottom (or where it
    /// is on the first page).
    pub(in crate::app) fn logs_mark(&mut self, row: usize, n: usize) {
        self.logs.mark = Some(row);
        self.logs.paused = true;
        self.logs.scroll = n
            .saturating_sub(1)
            .saturating_sub(row)
            .min(self.max_log_scroll(n));
    }

    /// How far the Logs view scrolls back over `n` filtered events: until the oldest is at the
    /// top (until it is the last row shown while the view's height is not known yet).
    pub fn max_log_scroll(&self, n: usize) -> usize {
        n.saturating_sub(self.logs.page.max(1))
    }

    /// Rows a page key moves in a list: a page of the Logs view less one row kept in sight (10
    /// elsewhere, or while its height is not known).
    pub(in crate::app) fn page_step(&self) -> isize {
        if self.view == View::Logs {
            page_less_one(self.logs.page, 10)
        } else {
            10
        }
    }
}

/// A page of `rows` less one kept in sight, or `unknown` while the height is not known (0).
pub(in crate::app) fn page_less_one(rows: usize, unknown: isize) -> isize {
    match rows {
        rows if rows > 1 => isize::try_from(rows - 1).unwrap_or(unknown),
        _ => unknown,
    }
}

/// `n`/`N` in the logs view: the next or previous event holding the search text.
pub(in crate::app) fn search_step(state: &mut State, forward: bool) {
    let needle = state.logs.search.to_lowercase();
    if needle.is_empty() {
        state.say(Level::Info, "no search: type / and a text first");
        return;
    }
    let rows = state.visible_log_rows();
    let n = rows.len();
    if n == 0 {
        return;
    }
    let cur = crate::app::logs::select::detail_row(state, &rows)
        .or(state.logs.mark)
        .unwrap_or_else(|| n.saturating_sub(1).saturating_sub(state.logs.scroll));
    let found = (1..=n)
        .map(|k| {
            if forward {
                (cur + k) % n
            } else {
                (cur + n - k % n) % n
            }
        })
        .find(|&i| crate::app::contains_ci(&state.logs.events[rows[i]].message, &needle));
    state.clear_info();
    match found {
        Some(row) => {
            crate::app::logs::select::mark_row(state, &rows, row);
            if let Some(note) = crate::app::logs::keys::wrap_note(cur, row, forward) {
                state.say_about(Scope::View(View::Logs), Level::Info, note);
            }
        }
        None => {
            let text = format!("`{}` not found", state.logs.search);
            state.say_about(Scope::View(View::Logs), Level::Warn, text);
        }
    }
}

/// Follow the tail again, or pause where the view is.
pub(in crate::app) fn toggle_follow(state: &mut State) {
    let l = &mut state.logs;
    if l.paused || l.scroll > 0 || l.detail.is_some() {
        l.paused = false;
        l.scroll = 0;
        l.mark = None;
        l.detail = None;
    } else {
        l.paused = true;
    }
}

/// Log events came back, group by group: those not read before (by group and event id) sort in
/// by time — a late one, with an older time than events shown, among them — each attributed to
/// the group it was read from (an answer for a group not asked for is dropped); while paused or
/// scrolled back, the rows shown and the mark stay on their events. A group whose read failed is
/// named in the view's error line (the others' events still show), and is read again from where
/// this read started; one whose read stopped before its end goes on from there.
pub(in crate::app) fn loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    results: Vec<GroupEvents>,
) {
    if state.logs.env != env || !state.logs.load.accept(request) {
        return;
    }
    let anchor = crate::app::logs::select::anchor(state);
    let first = state.logs.first(state.now);
    let tail = &mut state.logs;
    tail.load.next_poll = state.now + crate::app::poll::LOG_POLL;
    let mut errors = Vec::new();
    let mut not_found = None;
    let mut answer = Ok(());
    let reading = std::mem::take(&mut tail.reading);
    for (group, result) in results {
        let Some(read) = reading.iter().find(|r| r.group == group) else {
            continue;
        };
        match result {
            Ok(page) => {
                let mut events = page.events;
                for ev in &mut events {
                    ev.group.clone_from(&group);
                }
                let poll = tail.polls.entry(group).or_default();
                let fresh = poll.fresh(events, first);
                poll.ended(read.since, page.next_token);
                tail.events.extend(fresh);
            }
            Err(err) => {
                let missing = matches!(err, CloudError::NotFound { .. });
                match &tail.stream {
                    Some((g, stream)) if missing && *g == group => {
                        not_found = Some(format!(
                            "build log not found: no stream {stream} in {g} ({err})"
                        ));
                    }
                    _ => errors.push(format!("{group}: {err}")),
                }
                answer = Err(err);
            }
        }
    }
    // Stable: events of the same millisecond keep the order they were read in.
    tail.events.sort_by_key(|e| e.timestamp);
    if tail.events.len() > LOG_TAIL_CAP {
        let extra = tail.events.len() - LOG_TAIL_CAP;
        tail.events.drain(..extra);
    }
    if let Some(text) = not_found {
        // Where to look instead: CodeBuild's default group unless the configuration names one.
        let name = state.envs.get(env).map(|e| &e.spec);
        let hint = match name {
            Some(spec) if spec.build_log_group.is_none() => format!(
                "; if the project logs to another group, set build_log_group for {} in the \
                 configuration",
                spec.name
            ),
            _ => String::new(),
        };
        let text = format!("{text}{hint}");
        if state.logs.load.error.as_deref() != Some(text.as_str()) {
            state.say_about(Scope::View(View::Logs), Level::Warn, text.clone());
        }
        errors.insert(0, text);
    }
    state.logs.load.error = (!errors.is_empty()).then(|| errors.join("; "));
    crate::app::credentials::read_back(
        state,
        state.logs.env,
        "log tail",
        answer.as_ref().map(|_| ()),
    );
    crate::app::logs::select::restore(state, anchor);
}

/// `b` in the pipeline view: find the failed Deploy (build) action of the selected
/// environment's pipeline and ask for its runs, to open its log stream.
pub(in crate::app) fn build_log(state: &mut State) -> Vec<Effect> {
    let Some(env) = state.selected_env() else {
        return Vec::new();
    };
    let failed = env.state.as_ref().and_then(|s| {
        s.stages.iter().find_map(|st| {
            let exec = st.latest.as_ref()?;
            st.actions.iter().find_map(|a| {
                let l = a.latest.as_ref()?;
                let is_build = env
                    .def
                    .as_ref()
                    .and_then(|d| d.stages.iter().find(|sd| sd.name == st.name))
                    .and_then(|sd| sd.actions.iter().find(|ad| ad.name == a.name))
                    .is_none_or(|ad| ad.provider == "CodeBuild");
                (l.status == ActionStatus::Failed && is_build)
                    .then(|| (exec.pipeline_execution_id.clone(), a.name.clone()))
            })
        })
    });
    let name = env.spec.name.clone();
    let pipeline = env.spec.pipeline.clone();
    let Some((execution_id, action)) = failed else {
        state.say(
            Level::Warn,
            format!("{name}: no failed Deploy action in the pipeline"),
        );
        return Vec::new();
    };
    let request = state.take_request();
    // A lookup this one replaces is stopped.
    state
        .abandoned
        .extend(state.build_log_inflight.replace(request));
    state.say(
        Level::Info,
        format!("{name}: finding the build log of {action}"),
    );
    vec![Effect::FetchActionExecutions {
        env: state.selected,
        request,
        pipeline,
        execution_id,
        action: Some(action),
    }]
    .into_iter()
    .chain(crate::app::poll::cancels(state))
    .collect()
}

/// The runs came back: open the failed build's log stream in the logs view.
pub(in crate::app) fn action_executions_loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    action: &str,
    result: Result<Vec<ActionExecutionDetail>, CloudError>,
) -> Vec<Effect> {
    if state.build_log_inflight != Some(request) {
        return Vec::new();
    }
    state.build_log_inflight = None;
    let runs = match result {
        Ok(r) => r,
        Err(err) => {
            state.say(Level::Error, format!("build log: {err}"));
            return Vec::new();
        }
    };
    let run = runs
        .iter()
        .filter(|r| r.action == action && r.status == ActionStatus::Failed)
        .max_by_key(|r| r.start);
    let Some(run) = run else {
        state.say(Level::Warn, format!("build log: no failed run of {action}"));
        return Vec::new();
    };
    open_build_log(state, env, run)
}

/// Opens the build log of `run` (of environment `env`) in the logs view, from just before the
/// run started; the status bar says so, or why there is no log to open.
pub(in crate::app) fn open_build_log(
    state: &mut State,
    env: usize,
    run: &ActionExecutionDetail,
) -> Vec<Effect> {
    let Some((group, stream)) = state.build_log_of(env, run) else {
        state.say(
            Level::Warn,
            format!("build log: {} has no CloudWatch log stream", run.action),
        );
        return Vec::new();
    };
    if env < state.envs.len() {
        state.selected = env;
    }
    state.abandoned.extend(state.logs.load.inflight);
    state.logs = LogTail {
        env,
        stream: Some((group, stream.clone())),
        from: Some(run.start - BUILD_LEAD),
        ..LogTail::default()
    };
    state.filter.clear();
    state.view = View::Logs;
    state.overlay = None;
    state.say_about(
        Scope::View(View::Logs),
        Level::Info,
        format!("build log {stream}"),
    );
    crate::app::poll::due(state)
}
