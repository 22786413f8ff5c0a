//! A GitHub Actions job's log in the Logs view: opened from the Runs view, read whole through
//! the jobs logs endpoint and shown as one event per line (with the same follow, search, filter
//! and detail keys as CloudWatch events), read again while the job runs and the view follows; a
//! failed read is said in the view, the lines read before kept.

use crate::app::{Effect, LOG_TAIL_CAP, Level, LogTail, RequestId, Scope, State, View};
use crate::domain::github::{Conclusion, Job, RunStatus, job_log_events};
use crate::domain::{Millis, Timestamp};

/// How often the log of a running job is read again while followed (each read is the whole
/// log and the job's state: two GitHub calls).
pub const JOB_LOG_POLL: Millis = 10 * Timestamp::SECOND;

/// The job whose log the Logs view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLogSource {
    /// The run, as the Runs view names it (`deploy.yml #934`).
    pub run: String,
    /// The run's id.
    pub run_id: u64,
    /// The job's id.
    pub job_id: u64,
    /// The job's name.
    pub name: String,
    /// The job's status as last read (`None`: not known).
    pub status: Option<RunStatus>,
    /// How it ended, once it has.
    pub conclusion: Option<Conclusion>,
    /// When it ended, once it has (as last read).
    pub completed_at: Option<Timestamp>,
    /// How many lines the log had at the last read (more than the view holds when over
    /// [`LOG_TAIL_CAP`]).
    pub lines: usize,
    /// Whether a read succeeded.
    pub read: bool,
}

impl JobLogSource {
    /// Its state in a word: how it ended, else where it is (`unknown` when not read).
    pub fn state(&self) -> String {
        match (&self.conclusion, &self.status) {
            (Some(c), _) => c.to_string(),
            (None, Some(s)) => s.to_string(),
            (None, None) => "state unknown".to_string(),
        }
    }

    /// Whether the job has ended, so its log no longer grows.
    pub fn done(&self) -> bool {
        self.status == Some(RunStatus::Completed)
    }
}

/// What one read of a job's log answered: its text, and the job as listed (`None`: its state
/// could not be read, so it is read again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLogRead {
    /// The whole log text.
    pub text: String,
    /// The job, for its status.
    pub job: Option<Job>,
}

/// Why a job's log could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLogError {
    /// What failed, in words.
    pub message: String,
    /// When GitHub's rate limit resets, when that was the reason.
    pub limited_until: Option<Timestamp>,
}

/// Opens `job` of run `run_id` (named `run`) in the Logs view and reads its log.
pub(in crate::app) fn open(state: &mut State, run: String, run_id: u64, job: &Job) -> Vec<Effect> {
    state.abandoned.extend(state.logs.load.inflight);
    state.logs = LogTail {
        env: state.selected,
        job: Some(JobLogSource {
            run: run.clone(),
            run_id,
            job_id: job.id,
            name: job.name.clone(),
            status: Some(job.status.clone()),
            conclusion: job.conclusion.clone(),
            completed_at: job.completed_at,
            lines: 0,
            read: false,
        }),
        ..LogTail::default()
    };
    state.filter.clear();
    state.view = View::Logs;
    state.overlay = None;
    state.say_about(
        Scope::View(View::Logs),
        Level::Info,
        format!("job log {run} › {}", job.name),
    );
    crate::app::poll::due(state)
}

/// The read of the shown job's log, when due: until one succeeds, then while the job runs (or
/// the last read failed) and the view follows (not paused, not scrolled back), every
/// [`JOB_LOG_POLL`].
pub(in crate::app) fn due(state: &mut State) -> Option<Effect> {
    let job = state.logs.job.as_ref()?;
    let follows = !state.logs.paused && state.logs.scroll == 0;
    let again = follows && (!job.done() || state.logs.load.error.is_some());
    let limited = state.runs.limited(state.now);
    if !state.logs.load.due(state.now) || limited || (job.read && !again) {
        return None;
    }
    let (run_id, job_id) = (job.run_id, job.job_id);
    let request = state.take_request();
    state.logs.load.start(request);
    Some(Effect::FetchJobLog {
        request,
        run_id,
        job_id,
    })
}

/// The job's log was read: its lines replace those shown (the same line keeps its id, so the
/// rows shown and the mark stay on their lines while paused); a failed read keeps the lines
/// read before and says why in the view.
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    result: Result<JobLogRead, JobLogError>,
) {
    if state.logs.job.is_none() || !state.logs.load.accept(request) {
        return;
    }
    let anchor = crate::app::logs::select::anchor(state);
    let next = state.now + JOB_LOG_POLL;
    match result {
        Ok(read) => {
            let Some(job) = state.logs.job.as_mut() else {
                return;
            };
            let since = read
                .job
                .as_ref()
                .and_then(|j| j.started_at)
                .unwrap_or(state.now);
            let mut events = job_log_events(&read.text, &job.name, since);
            job.lines = events.len();
            job.read = true;
            job.conclusion = read.job.as_ref().and_then(|j| j.conclusion.clone());
            job.completed_at = read.job.as_ref().and_then(|j| j.completed_at);
            job.status = read.job.map(|j| j.status);
            if events.len() > LOG_TAIL_CAP {
                events.drain(..events.len() - LOG_TAIL_CAP);
            }
            state.logs.events = events;
            state.logs.load.succeeded(next);
        }
        Err(e) => {
            if let Some(until) = e.limited_until {
                // GitHub's rate limit: nothing of GitHub's is read before it resets.
                state.runs.limited_until = Some(until);
            }
            state.logs.load.failed(e.message, next);
        }
    }
    crate::app::logs::select::restore(state, anchor);
}

/// Esc in a job's log: back to the Runs view, the run still open; `false` when the Logs view
/// shows no job log.
pub(in crate::app) fn back(state: &mut State) -> bool {
    if state.logs.job.is_none() {
        return false;
    }
    if state.status.as_ref().and_then(|m| m.scope) == Some(Scope::View(View::Logs)) {
        state.status = None;
    }
    state.abandoned.extend(state.logs.load.inflight);
    state.logs = LogTail::default();
    state.logs.env = usize::MAX;
    state.view = View::Runs;
    true
}
