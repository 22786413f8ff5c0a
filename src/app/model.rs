//! The parts the state is made of: views, the session, polling policy, one environment's view,
//! status messages and the prompts.

use super::Loadable;
use crate::domain::{
    Approval, Distribution, EnvSpec, ExecutionSummary, Millis, PipelineDef, PipelineState,
    SourceObject, Timestamp,
};

/// The main views, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// Home: one row per environment.
    Environments,
    /// The selected environment's pipeline and history.
    Pipeline,
    /// Pending approvals across environments.
    Approvals,
    /// Recent CloudWatch events of the selected environment.
    Logs,
    /// The audit log of mutating actions, newest first.
    Audit,
    /// The selected environment's CloudFront access logs, live.
    Traffic,
    /// The GitHub Actions runs of the deploy and release workflows.
    Runs,
    /// Events that need attention, newest first.
    Attention,
    /// The health map: App and Deployer nodes of each environment with their golden signals.
    Map,
}

impl View {
    /// Tab order.
    pub const ALL: [View; 9] = [
        View::Environments,
        View::Pipeline,
        View::Approvals,
        View::Logs,
        View::Traffic,
        View::Audit,
        View::Runs,
        View::Map,
        View::Attention,
    ];

    /// Whether this is a log view (its own keys in the keymap's `[logs]` section).
    pub fn is_log_view(self) -> bool {
        matches!(self, View::Logs | View::Traffic)
    }

    /// Tab title.
    pub fn title(self) -> &'static str {
        match self {
            View::Environments => "Environments",
            View::Pipeline => "Pipeline",
            View::Approvals => "Approvals",
            View::Logs => "Logs",
            View::Audit => "Audit log",
            View::Traffic => "Traffic",
            View::Runs => "Runs",
            View::Attention => "Attention",
            View::Map => "Map",
        }
    }
}

/// Demo (simulator) or AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The embedded simulator.
    Demo,
    /// A real AWS account.
    Aws,
}

/// Who and where we are, shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Demo or AWS.
    pub mode: Mode,
    /// AWS profile.
    pub profile: Option<String>,
    /// AWS region.
    pub region: Option<String>,
    /// Caller identity ARN, once known.
    pub identity: Option<String>,
    /// Every mutating action is refused.
    pub read_only: bool,
}

/// Polling periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// While an execution runs.
    pub active: Millis,
    /// When idle.
    pub idle: Millis,
    /// Longest wait after repeated failures.
    pub max_backoff: Millis,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            active: 5_000,
            idle: 30_000,
            max_backoff: 300_000,
        }
    }
}

/// A failed refresh: the data shown is the last good one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// When refreshing first failed.
    pub since: Timestamp,
    /// The latest error, as text.
    pub error: String,
    /// Consecutive failures.
    pub failures: u32,
    /// Whether the latest failure was throttling.
    pub throttled: bool,
}

/// Everything known about one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvView {
    /// Its resources.
    pub spec: EnvSpec,
    /// Pipeline definition.
    pub def: Option<PipelineDef>,
    /// Pipeline state.
    pub state: Option<PipelineState>,
    /// Executions, newest first.
    pub executions: Vec<ExecutionSummary>,
    /// CloudFront distribution.
    pub distribution: Option<Distribution>,
    /// When data last arrived.
    pub refreshed_at: Option<Timestamp>,
    /// The refresh: in flight, when the next is due, and (its error) set while refreshing
    /// fails.
    pub refresh: Loadable<Stale>,
    /// When the distribution is next read (with a refresh at or after that time).
    pub distribution_due: Timestamp,
    /// Why the distribution could not be read, if the last read failed.
    pub distribution_error: Option<String>,
    /// What runs in the environment: the newest execution that succeeded in its deploy stage
    /// (`Ok(None)`: none ever did), or why that could not be read; `None` until read.
    pub deployed: Option<Result<Option<ExecutionSummary>, String>>,
    /// The deploy stage's latest run (`execution:status`) when [`EnvView::deployed`] was read
    /// from the listing: read again only when that changes.
    pub deployed_key: Option<String>,
    /// The environment's source object (`Ok(None)`: there is none), or why it could not be
    /// read; `None` until read.
    pub source: Option<Result<Option<SourceObject>, String>>,
    /// When the source object is next read.
    pub source_due: Timestamp,
    /// The distribution's log sources as discovered (legacy logging, v2 deliveries); `None`
    /// until discovered (only when the configuration names no logs bucket).
    pub log_sources: Option<crate::cloud::Discovery>,
    /// The log source the operator picked (`:logsource`), by number or name.
    pub log_pick: Option<String>,
    /// Its traffic at a glance, from the Traffic view's last read of it; `None` until read.
    pub glance: Option<super::Glance>,
}

impl EnvView {
    /// A fresh environment with nothing loaded yet.
    pub fn new(spec: EnvSpec) -> Self {
        EnvView {
            spec,
            def: None,
            state: None,
            executions: Vec::new(),
            distribution: None,
            refreshed_at: None,
            refresh: Loadable::default(),
            distribution_due: Timestamp(i64::MIN),
            distribution_error: None,
            deployed: None,
            deployed_key: None,
            source: None,
            source_due: Timestamp(i64::MIN),
            log_sources: None,
            log_pick: None,
            glance: None,
        }
    }

    /// Pending approvals of this environment (none while they are unknown: see
    /// [`EnvView::approvals_known`]).
    pub fn approvals(&self) -> Vec<Approval> {
        self.approvals_known().unwrap_or_default()
    }

    /// Pending approvals of this environment, or why they are unknown: its pipeline state was
    /// never read (the reason of the failed read, or that it is being read).
    pub fn approvals_known(&self) -> Result<Vec<Approval>, String> {
        match (&self.def, &self.state) {
            (Some(def), Some(state)) => Ok(Approval::pending(
                &self.spec.name,
                def,
                state,
                &self.executions,
            )),
            _ => Err(self.state_unknown()),
        }
    }

    /// Why the pipeline state is not known (only meaningful while `state` is `None`).
    pub fn state_unknown(&self) -> String {
        match &self.refresh.error {
            Some(stale) => format!("the pipeline state could not be read: {}", stale.error),
            None => "the pipeline state is being read".to_string(),
        }
    }

    /// Why the latest read of the pipeline state failed while an older one is shown, if so.
    pub fn state_error(&self) -> Option<&str> {
        self.refresh.error.as_ref().map(|s| s.error.as_str())
    }
}

/// Status-bar message severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Information.
    Info,
    /// Something to notice.
    Warn,
    /// Something failed.
    Error,
}

/// The status-bar message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMsg {
    /// Text.
    pub text: String,
    /// Severity.
    pub level: Level,
    /// When it was set.
    pub at: Timestamp,
    /// What it is about, when that is one view or one environment: it goes when the operator
    /// leaves it (a search note, a build log's name, an environment's refresh error).
    pub scope: Option<Scope>,
    /// When it answers the operator's own key or command: how many attention events had been
    /// reported then. For a few seconds it comes before those events in the footer; an event
    /// reported after it is newer news and comes first.
    pub answer: Option<usize>,
}

/// What a status message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One view (a search note, what the view shows).
    View(View),
    /// One environment, by index.
    Env(usize),
    /// The open dialog: what keeps it from sending. It goes when the operator edits a field
    /// (the plan shows what is still missing) or the dialog closes.
    Dialog,
}

/// A prompt: the command line, a filter or a search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    /// The text typed so far, with its cursor.
    pub text: super::TextInput,
    /// Completions for the current text.
    pub completions: Vec<String>,
}

/// What floats over the current view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keymap help.
    Help,
    /// The `:` command line.
    Command(LineInput),
    /// The `/` filter being typed (in the log views, the filter expression).
    Filter(LineInput),
    /// The `/` search of a log view being typed.
    Search(LineInput),
    /// An export found its file there already: `y` replaces it, any other key keeps it.
    ReplaceFile(super::ReplaceFile),
    /// `:trace`: where a commit is.
    Trace(Box<super::trace::TraceOverlay>),
    /// `:system`: the systems, a line each.
    Systems,
}
