//! The execution detail: Enter on a history row reads that execution's action runs
//! (ListActionExecutions) and lists them stage by stage, with who answered an approval, the error
//! of a failed action and the way to its build log, and reads the execution itself
//! (GetPipelineExecution) for its resolved variables; Esc goes back to the history.

use crate::app::{Action, Effect, Level, RequestId, State, View};
use crate::cloud::CloudError;
use crate::domain::{ActionExecutionDetail, ExecutionSummary, PipelineDef, ResolvedVariable};

/// One execution opened from the pipeline history.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionDetail {
    /// Environment index.
    pub env: usize,
    /// The execution, as the history listed it when it was opened.
    pub execution: ExecutionSummary,
    /// Its action runs, or why they could not be read; `None` while they are being read.
    pub runs: Option<Result<Vec<ActionExecutionDetail>, String>>,
    /// The read in flight.
    pub inflight: Option<RequestId>,
    /// The selected row of [`ExecutionDetail::rows`].
    pub row: usize,
    /// Its resolved variables, or why they could not be read; `None` while they are read.
    pub variables: Option<Result<Vec<ResolvedVariable>, String>>,
    /// The read of the execution in flight.
    pub variables_inflight: Option<RequestId>,
}

/// One row of the execution detail: an action of a stage and one of its runs in the execution
/// (`None`: it did not run in this execution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunRow<'a> {
    /// Stage name.
    pub stage: &'a str,
    /// Action name.
    pub action: &'a str,
    /// The run, if the action ran.
    pub run: Option<&'a ActionExecutionDetail>,
}

impl ExecutionDetail {
    /// The rows: the definition's stages and actions in order, each with its runs in this
    /// execution oldest first (a retried action has several) or none; then runs of actions the
    /// definition no longer has. Without a definition, the runs in the order they started.
    /// Empty while the runs are read or when they could not be.
    pub fn rows<'a>(&'a self, def: Option<&'a PipelineDef>) -> Vec<RunRow<'a>> {
        let Some(Ok(runs)) = &self.runs else {
            return Vec::new();
        };
        let mut sorted: Vec<&ActionExecutionDetail> = runs.iter().collect();
        sorted.sort_by_key(|r| r.start);
        let mut out = Vec::new();
        let mut placed = vec![false; sorted.len()];
        for stage in def.map(|d| d.stages.as_slice()).unwrap_or_default() {
            let mut actions: Vec<_> = stage.actions.iter().collect();
            actions.sort_by_key(|a| a.run_order);
            for a in actions {
                let before = out.len();
                for (i, r) in sorted.iter().enumerate() {
                    if r.stage == stage.name && r.action == a.name {
                        placed[i] = true;
                        out.push(RunRow {
                            stage: &stage.name,
                            action: &a.name,
                            run: Some(*r),
                        });
                    }
                }
                if out.len() == before {
                    out.push(RunRow {
                        stage: &stage.name,
                        action: &a.name,
                        run: None,
                    });
                }
            }
        }
        for (r, _) in sorted.iter().zip(placed).filter(|(_, p)| !p) {
            out.push(RunRow {
                stage: &r.stage,
                action: &r.action,
                run: Some(*r),
            });
        }
        out
    }
}

impl State {
    /// The definition of the environment the execution detail belongs to.
    pub fn execution_def(&self) -> Option<&PipelineDef> {
        let d = self.execution.as_ref()?;
        self.envs.get(d.env)?.def.as_ref()
    }

    /// The rows of the open execution detail (none when it is closed).
    pub fn execution_rows(&self) -> Vec<RunRow<'_>> {
        match &self.execution {
            Some(d) => d.rows(self.execution_def()),
            None => Vec::new(),
        }
    }

    /// The run of the selected row of the execution detail, if it ran.
    pub fn execution_run(&self) -> Option<&ActionExecutionDetail> {
        let row = self.execution.as_ref()?.row;
        self.execution_rows().get(row)?.run
    }
}

impl State {
    /// Closes the execution detail; a read of its runs still in flight is stopped (drained into
    /// [`Effect::Cancel`] by the next poll).
    pub(in crate::app) fn close_execution(&mut self) {
        if let Some(d) = self.execution.take() {
            self.abandoned.extend(d.inflight);
            self.abandoned.extend(d.variables_inflight);
        }
    }
}

/// Enter on a history row: open that execution and read its action runs.
pub(in crate::app) fn open(state: &mut State) -> Vec<Effect> {
    let Some(env) = state.selected_env() else {
        return Vec::new();
    };
    let visible = state.visible_history();
    let Some(execution) = visible
        .iter()
        .position(|&i| i == state.history_row)
        .and_then(|row| env.executions.get(visible[row]))
        .cloned()
    else {
        return Vec::new();
    };
    let pipeline = env.spec.pipeline.clone();
    let request = state.take_request();
    let read = state.take_request();
    let execution_id = execution.id.clone();
    state.execution = Some(ExecutionDetail {
        env: state.selected,
        execution,
        runs: None,
        inflight: Some(request),
        row: 0,
        variables: None,
        variables_inflight: Some(read),
    });
    vec![
        Effect::FetchActionExecutions {
            env: state.selected,
            request,
            pipeline: pipeline.clone(),
            execution_id: execution_id.clone(),
            action: None,
        },
        Effect::FetchExecution {
            request: read,
            pipeline,
            execution_id,
        },
    ]
}

/// The execution came back: its variables, if it is the open execution's read.
pub(in crate::app) fn execution_loaded(
    state: &mut State,
    request: RequestId,
    result: Result<Box<ExecutionSummary>, CloudError>,
) {
    let Some(d) = state
        .execution
        .as_mut()
        .filter(|d| d.variables_inflight == Some(request))
    else {
        return;
    };
    d.variables_inflight = None;
    d.variables = Some(result.map(|e| e.variables).map_err(|e| e.to_string()));
}

/// Reads the open execution's runs again (`r` while it is open), unless a read is in flight.
pub(in crate::app) fn reread(state: &mut State) -> Option<Effect> {
    if state.execution.as_ref()?.inflight.is_some() {
        return None;
    }
    let request = state.take_request();
    let d = state.execution.as_mut()?;
    let pipeline = state.envs.get(d.env)?.spec.pipeline.clone();
    d.inflight = Some(request);
    Some(Effect::FetchActionExecutions {
        env: d.env,
        request,
        pipeline,
        execution_id: d.execution.id.clone(),
        action: None,
    })
}

/// The runs came back: whether they were the open execution's (else they are someone else's,
/// the build-log jump's).
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    result: &Result<Vec<ActionExecutionDetail>, CloudError>,
) -> bool {
    let Some(d) = state
        .execution
        .as_mut()
        .filter(|d| d.inflight == Some(request))
    else {
        return false;
    };
    d.inflight = None;
    d.runs = Some(result.clone().map_err(|e| e.to_string()));
    let n = state.execution_rows().len();
    if let Some(d) = state.execution.as_mut() {
        d.row = d.row.min(n.saturating_sub(1));
    }
    true
}

/// The keys of the open execution detail; `None` for the keys it leaves to the views (help,
/// the command line, the tabs, the actions, quitting).
pub(in crate::app) fn key(state: &mut State, action: &Action) -> Option<Vec<Effect>> {
    if state.view != View::Pipeline || state.execution.is_none() {
        return None;
    }
    let n = state.execution_rows().len();
    let page = 10;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::SelectRow(row) => {
            let row = (*row).min(n.saturating_sub(1));
            if let Some(d) = state.execution.as_mut() {
                d.row = row;
            }
            return Some(Vec::new());
        }
        Action::Back => {
            state.close_execution();
            return Some(crate::app::poll::cancels(state).collect());
        }
        Action::BuildLog => return Some(build_log(state)),
        Action::Open | Action::FilterOpen => return Some(Vec::new()),
        _ => return None,
    };
    if let Some(d) = state.execution.as_mut() {
        let row = d.row.saturating_add_signed(delta);
        d.row = row.min(n.saturating_sub(1));
    }
    Some(Vec::new())
}

/// `b` in the execution detail: the build log of the selected run, as the pipeline's `b` opens
/// the failed build's.
fn build_log(state: &mut State) -> Vec<Effect> {
    let Some(d) = &state.execution else {
        return Vec::new();
    };
    let env = d.env;
    let rows = state.execution_rows();
    let Some(row) = rows.get(d.row) else {
        state.say(Level::Warn, "build log: no action selected");
        return Vec::new();
    };
    let Some(run) = row.run.cloned() else {
        let action = row.action.to_string();
        state.say(
            Level::Warn,
            format!("build log: {action} did not run in this execution"),
        );
        return Vec::new();
    };
    crate::app::logs::update::open_build_log(state, env, &run)
}
