//! The Runs view's state and reducer: the recent runs of the deploy and release workflows, read
//! through an effect when shown and on refresh (a failed read kept as unknown with its reason),
//! one run's jobs and steps, and the re-run or cancel dialog of the run the operator chose.

use crate::app::{Effect, Level, RequestId, State, View, ops, poll};
use crate::domain::github::{Job, WorkflowRun};
use crate::ops::OpKind;
use crate::ops::plan::runs::{RunRead, run_target};

/// Runs listed per workflow.
pub const RUNS_PER_WORKFLOW: usize = 10;

/// How often the shown Runs view reads the runs again (a few calls each: well within GitHub's
/// rate limit).
pub const RUNS_EVERY: crate::domain::Millis = 30_000;

/// A run as the list shows it, with its jobs when it failed (where it failed), or why they
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRun {
    /// The run.
    pub run: WorkflowRun,
    /// Its jobs, read for a failed run only.
    pub jobs: Option<Result<Vec<Job>, String>>,
}

/// What one read of the runs answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunsRead {
    /// `owner/name`.
    pub repository: String,
    /// Per workflow file: its runs newest first, or why they could not be read.
    pub workflows: Vec<(String, Result<Vec<ListedRun>, String>)>,
    /// Whether runs can be changed: `Err` says how to provide a token (read-only hint).
    pub writable: Result<(), String>,
    /// When GitHub's rate limit resets, when a call was refused for it: nothing is read
    /// before then.
    pub limited_until: Option<crate::domain::Timestamp>,
}

/// One run opened: its jobs and steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRun {
    /// The run's id.
    pub run_id: u64,
    /// Its jobs (`None` while reading), or why they could not be read.
    pub jobs: Option<Result<Vec<Job>, String>>,
    /// The read in flight.
    pub request: Option<RequestId>,
    /// The selected job (Enter opens its log).
    pub job: usize,
}

/// The Runs view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunsView {
    /// The workflow files, deploy then release (empty: no `[github]`).
    pub workflows: Vec<String>,
    /// The release workflow's file (the one that ships to the protected environment).
    pub release_workflow: String,
    /// The last read (`None`: not read yet).
    pub read: Option<RunsRead>,
    /// The read in flight.
    pub loading: Option<RequestId>,
    /// Selected row of [`RunsView::rows`].
    pub row: usize,
    /// The run opened.
    pub open: Option<OpenRun>,
    /// When the runs were last read.
    pub read_at: Option<crate::domain::Timestamp>,
    /// GitHub's rate limit is reached until then: the Runs view and a job's log read nothing
    /// before it.
    pub limited_until: Option<crate::domain::Timestamp>,
}

impl RunsView {
    /// Whether GitHub's rate limit holds reads at `now`.
    pub fn limited(&self, now: crate::domain::Timestamp) -> bool {
        self.limited_until.is_some_and(|until| now < until)
    }

    /// The jobs read of each finished failed run, by run id and attempt: they cannot change
    /// (a re-run is a new attempt), so the next read does not ask for them again.
    pub fn known_jobs(&self) -> Vec<((u64, u32), Vec<Job>)> {
        self.rows()
            .into_iter()
            .filter(|r| {
                r.run.failed() && r.run.status == crate::domain::github::RunStatus::Completed
            })
            .filter_map(|r| match &r.jobs {
                Some(Ok(jobs)) => Some(((r.run.id, r.run.run_attempt), jobs.clone())),
                _ => None,
            })
            .collect()
    }
}

impl RunsView {
    /// The runs of every workflow read, newest first.
    pub fn rows(&self) -> Vec<&ListedRun> {
        let mut rows: Vec<&ListedRun> = self
            .read
            .iter()
            .flat_map(|r| r.workflows.iter())
            .filter_map(|(_, runs)| runs.as_ref().ok())
            .flatten()
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse((r.run.created_at, r.run.id)));
        rows
    }

    /// The selected run.
    pub fn selected(&self) -> Option<&ListedRun> {
        self.rows().get(self.row).copied()
    }

    /// The run `id` among those read, if listed.
    pub fn listed(&self, id: u64) -> Option<&ListedRun> {
        self.rows().into_iter().find(|r| r.run.id == id)
    }
}

/// Shows the Runs view and reads the runs.
pub(in crate::app) fn show(state: &mut State) -> Vec<Effect> {
    state.view = View::Runs;
    state.overlay = None;
    let mut fx = read(state);
    fx.extend(poll::due(state));
    fx
}

/// Reads the runs again (nothing while a read is in flight, without `[github]`, or while
/// GitHub's rate limit holds: the tick reads once it resets).
pub(in crate::app) fn read(state: &mut State) -> Vec<Effect> {
    if state.runs.workflows.is_empty()
        || state.runs.loading.is_some()
        || state.runs.limited(state.now)
    {
        return Vec::new();
    }
    let request = state.take_request();
    state.runs.loading = Some(request);
    vec![Effect::FetchRuns {
        request,
        workflows: state.runs.workflows.clone(),
        limit: RUNS_PER_WORKFLOW,
        known_jobs: state.runs.known_jobs(),
    }]
}

/// The runs were read.
pub(in crate::app) fn loaded(state: &mut State, request: RequestId, read: RunsRead) {
    if state.runs.loading != Some(request) {
        return;
    }
    state.runs.loading = None;
    state.runs.read_at = Some(state.now);
    state.runs.limited_until = read.limited_until;
    // The selection stays on the run the operator chose, wherever newer runs put it.
    let chosen = state.runs.selected().map(|r| r.run.id);
    state.runs.read = Some(read);
    let rows = state.runs.rows();
    let row = chosen.and_then(|id| rows.iter().position(|r| r.run.id == id));
    let n = rows.len();
    state.runs.row = row.unwrap_or(state.runs.row).min(n.saturating_sub(1));
}

/// While the view is shown: the runs read again every [`RUNS_EVERY`], the open run's jobs too;
/// nothing while GitHub's rate limit holds (read again once it resets).
pub(in crate::app) fn tick(state: &mut State) -> Vec<Effect> {
    if state.view != View::Runs || state.runs.loading.is_some() || state.runs.limited(state.now) {
        return Vec::new();
    }
    let due = state
        .runs
        .read_at
        .is_none_or(|at| state.now >= at + RUNS_EVERY);
    if !due {
        return Vec::new();
    }
    let mut fx = read(state);
    if let Some(o) = state.runs.open.as_mut().filter(|o| o.request.is_none()) {
        let run_id = o.run_id;
        let request = state.next_request;
        o.request = Some(request);
        state.take_request();
        fx.push(Effect::FetchRunJobs { request, run_id });
    }
    fx
}

/// Enter: opens the selected run and reads its jobs and steps; in an open run, opens the
/// selected job's log in the Logs view.
pub(in crate::app) fn open(state: &mut State) -> Vec<Effect> {
    if let Some(o) = &state.runs.open {
        let job = match &o.jobs {
            Some(Ok(jobs)) => jobs.get(o.job).cloned(),
            Some(Err(e)) => {
                let text = format!("no job log to open: the jobs are unknown ({e})");
                state.say(Level::Warn, text);
                return Vec::new();
            }
            None => {
                state.say(Level::Info, "the jobs are still being read");
                return Vec::new();
            }
        };
        let Some(job) = job else {
            state.say(Level::Info, "the run has no jobs yet");
            return Vec::new();
        };
        let run_id = o.run_id;
        let run = state.runs.listed(run_id).map_or_else(
            || format!("run {run_id}"),
            |r| format!("{} #{}", r.run.workflow, r.run.run_number),
        );
        return crate::app::logs::job::open(state, run, run_id, &job);
    }
    let Some(run_id) = state.runs.selected().map(|r| r.run.id) else {
        return Vec::new();
    };
    let request = state.take_request();
    state.runs.open = Some(OpenRun {
        run_id,
        jobs: None,
        request: Some(request),
        job: 0,
    });
    vec![Effect::FetchRunJobs { request, run_id }]
}

impl RunsView {
    /// How many jobs the open run lists (0: none open, or not read).
    pub fn open_jobs(&self) -> usize {
        match self.open.as_ref().and_then(|o| o.jobs.as_ref()) {
            Some(Ok(jobs)) => jobs.len(),
            _ => 0,
        }
    }
}

/// Back: closes the open run; `false` when none was open.
pub(in crate::app) fn back(state: &mut State) -> bool {
    state.runs.open.take().is_some()
}

/// The jobs of the open run were read.
pub(in crate::app) fn jobs_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<Job>, String>,
) {
    if let Some(o) = state
        .runs
        .open
        .as_mut()
        .filter(|o| o.request == Some(request))
    {
        o.request = None;
        o.jobs = Some(result);
        let n = state.runs.open_jobs();
        if let Some(o) = state.runs.open.as_mut() {
            o.job = o.job.min(n.saturating_sub(1));
        }
    }
}

/// `T` (re-run the failed jobs; ctrl-t in the dialog: every job) or `S` (cancel) on the
/// selected run: its dialog, pinned to the run as listed, with the confirmation of the
/// environment it ships to. Another action key acts on an environment, not a run: the status
/// bar says so, unless the selected environment is read-only, where the read-only guard refuses
/// it as it does its `:` command (status bar and audit log).
pub(in crate::app) fn act(state: &mut State, kind: OpKind) -> Vec<Effect> {
    let kind = match kind {
        OpKind::Retry => OpKind::Rerun,
        OpKind::Stop => OpKind::Cancel,
        other if state.read_only_here() => return ops::update::open_key(state, other),
        other => {
            state.say(
                Level::Warn,
                format!(
                    "{} acts on an environment; in the Runs view, T re-runs a run and S cancels it",
                    other.name()
                ),
            );
            return Vec::new();
        }
    };
    let Some(read) = state.runs.read.as_ref() else {
        state.say(Level::Warn, "the runs are not read yet");
        return Vec::new();
    };
    let (repository, writable) = (read.repository.clone(), read.writable.clone());
    // An open run is the one shown: it is acted on, whatever row the list has selected.
    let listed = match &state.runs.open {
        Some(o) => {
            let id = o.run_id;
            let Some(listed) = state.runs.listed(id).cloned() else {
                let text = format!(
                    "run {id} is no longer among the runs read: Esc, then choose the run again"
                );
                state.say(Level::Warn, text);
                return Vec::new();
            };
            listed
        }
        None => match state.runs.selected().cloned() {
            Some(listed) => listed,
            None => {
                state.say(Level::Warn, "no run to act on");
                return Vec::new();
            }
        },
    };
    let specs: Vec<_> = state.envs.iter().map(|e| e.spec.clone()).collect();
    let Some(env) = run_target(&listed.run, &state.runs.release_workflow, &specs)
        .and_then(|s| state.env_index(&s.name))
    else {
        state.say(Level::Warn, "no environment is configured");
        return Vec::new();
    };
    let jobs = match (&state.runs.open, listed.jobs) {
        (
            Some(OpenRun {
                run_id,
                jobs: Some(jobs),
                ..
            }),
            _,
        ) if *run_id == listed.run.id => jobs.clone(),
        (_, Some(jobs)) => jobs,
        _ => Ok(Vec::new()),
    };
    let run = RunRead {
        repository,
        run: listed.run,
        jobs,
        writable,
    };
    ops::update::open_run(state, kind, env, run)
}
