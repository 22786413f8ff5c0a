//! The parts the state is made of: views, the session, polling policy, one environment's view,
//! status messages and the prompts.

use super::RequestId;
use crate::domain::{
    Approval, Distribution, EnvSpec, ExecutionSummary, Millis, PipelineDef, PipelineState,
    Timestamp,
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
}

impl View {
    /// Tab order.
    pub const ALL: [View; 6] = [
        View::Environments,
        View::Pipeline,
        View::Approvals,
        View::Logs,
        View::Traffic,
        View::Audit,
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
    /// Set while refreshing fails.
    pub stale: Option<Stale>,
    /// The refresh in flight.
    pub inflight: Option<RequestId>,
    /// When the next refresh is due.
    pub next_poll: Timestamp,
    /// When the distribution is next read (with a refresh at or after that time).
    pub distribution_due: Timestamp,
    /// Why the distribution could not be read, if the last read failed.
    pub distribution_error: Option<String>,
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
            stale: None,
            inflight: None,
            next_poll: Timestamp(i64::MIN),
            distribution_due: Timestamp(i64::MIN),
            distribution_error: None,
        }
    }

    /// Pending approvals of this environment.
    pub fn approvals(&self) -> Vec<Approval> {
        match (&self.def, &self.state) {
            (Some(def), Some(state)) => {
                Approval::pending(&self.spec.name, def, state, &self.executions)
            }
            _ => Vec::new(),
        }
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
}

/// A one-line text input (command line or filter).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    /// The text typed so far.
    pub text: String,
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
}
