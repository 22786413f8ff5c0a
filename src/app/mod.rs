//! The pure core of the console: `State`, `Action`, `Effect` and `update`. No I/O, no clock.

mod action;
mod command;
mod dialog;
mod effect;
mod input;
mod logkeys;
mod logs_update;
mod logtail;
mod nav;
mod ops_audit;
mod ops_command;
mod ops_plan;
mod ops_release;
mod ops_state;
mod ops_update;
mod ops_watch;
mod poll;
mod summary;
mod traffic;
mod traffic_batch;
mod traffic_charts;
mod traffic_export;
mod traffic_find;
mod traffic_update;
mod update;

pub use action::{Action, EnvSnapshot};
pub use command::{COMMANDS, complete, parse_command};
pub use effect::Effect;
pub use input::MAX_INPUT;
pub use logkeys::parse_goto;
pub use logs_update::parse_stream_arn;
pub use logtail::{LOG_TAIL_CAP, LogTail};
pub use ops_audit::visible_audit;
pub use ops_command::{AUDIT_COMMAND, OP_COMMANDS};
pub use ops_release::{deployed_version, older_candidates};
pub use ops_state::{
    AuditLine, AuditView, Dialog, Field, InFlight, OpsState, Phase, ReleasePicker, Watch,
};
pub use ops_update::WATCH_POLL;
pub use ops_watch::seen;
pub use summary::{EnvSummary, PipelineHealth};
pub use traffic::{
    CHART_STEP, DETAIL_KEEP, FullLine, Incomplete, Panel, Preset, Traffic, TrafficBatch,
};
pub use traffic_export::{ExportFormat, ExportJob};
pub use traffic_find::{contains_ci, row_matches};
pub use update::{start, update};

use crate::domain::{
    Approval, Distribution, EnvSpec, ExecutionSummary, Millis, PipelineDef, PipelineState, Release,
    Timestamp,
};

/// Tags an effect and the action that answers it; results with an outdated id are dropped.
pub type RequestId = u64;

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
    /// The audit log of mutating actions, newest first (not a tab: `:audit` or its key).
    Audit,
    /// The selected environment's CloudFront access logs, live.
    Traffic,
}

impl View {
    /// Tab order.
    pub const ALL: [View; 5] = [
        View::Environments,
        View::Pipeline,
        View::Approvals,
        View::Logs,
        View::Traffic,
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
}

/// The whole state of the console.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Current time (from the last tick).
    pub now: Timestamp,
    /// Who and where.
    pub session: Session,
    /// Environments in promotion order.
    pub envs: Vec<EnvView>,
    /// Release catalogue, newest first.
    pub releases: Vec<Release>,
    /// Release catalogue request in flight.
    pub releases_inflight: Option<RequestId>,
    /// When the catalogue is next read.
    pub releases_next_poll: Timestamp,
    /// Why the catalogue could not be read, if the last read failed.
    pub releases_error: Option<String>,
    /// Selected environment.
    pub selected: usize,
    /// Selected row in the pipeline history.
    pub history_row: usize,
    /// Selected row in the approvals inbox.
    pub approval_row: usize,
    /// Current view.
    pub view: View,
    /// Overlay, if any.
    pub overlay: Option<Overlay>,
    /// The list filter applied to the current view (case-insensitive substring).
    pub filter: String,
    /// Help overlay scroll.
    pub help_scroll: usize,
    /// Logs view tail.
    pub logs: LogTail,
    /// Traffic view tail.
    pub traffic: Traffic,
    /// Records the Traffic view retains (`:retain N`).
    pub retain: usize,
    /// Reads of log tails replaced while in flight, to be stopped (drained into
    /// [`Effect::Cancel`] by the next poll).
    pub abandoned: Vec<RequestId>,
    /// The build-log lookup in flight.
    pub build_log_inflight: Option<RequestId>,
    /// Status bar.
    pub status: Option<StatusMsg>,
    /// Next request id.
    pub next_request: RequestId,
    /// Polling periods.
    pub poll: PollPolicy,
    /// Set when the user asked to leave.
    pub quit: bool,
    /// The console's actions: dialog, call in flight, watch, audit view, guard settings.
    pub ops: OpsState,
}

impl State {
    /// A new state for these environments; nothing loaded yet.
    pub fn new(session: Session, specs: Vec<EnvSpec>, poll: PollPolicy, now: Timestamp) -> Self {
        State {
            now,
            session,
            envs: specs.into_iter().map(EnvView::new).collect(),
            releases: Vec::new(),
            releases_inflight: None,
            releases_next_poll: Timestamp(i64::MIN),
            releases_error: None,
            selected: 0,
            history_row: 0,
            approval_row: 0,
            view: View::Environments,
            overlay: None,
            filter: String::new(),
            help_scroll: 0,
            logs: LogTail::default(),
            traffic: Traffic::new(0, Preset::H1, now, crate::accesslog::DEFAULT_RETAIN),
            retain: crate::accesslog::DEFAULT_RETAIN,
            abandoned: Vec::new(),
            build_log_inflight: None,
            status: None,
            next_request: 1,
            poll,
            quit: false,
            ops: OpsState::default(),
        }
    }

    /// The selected environment, if any exist.
    pub fn selected_env(&self) -> Option<&EnvView> {
        self.envs.get(self.selected)
    }

    /// Every pending approval, oldest first.
    pub fn approvals(&self) -> Vec<Approval> {
        let mut all: Vec<Approval> = self.envs.iter().flat_map(EnvView::approvals).collect();
        all.sort_by_key(|a| a.waiting_since);
        all
    }

    /// Index of an environment by name.
    pub fn env_index(&self, name: &str) -> Option<usize> {
        self.envs.iter().position(|e| e.spec.name == name)
    }

    /// Takes a fresh request id.
    pub fn take_request(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    /// Sets the status-bar message.
    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusMsg {
            text: text.into(),
            level,
            at: self.now,
        });
    }

    /// Whether a row text passes the current filter.
    pub fn matches_filter(&self, row: &str) -> bool {
        self.filter.is_empty() || row.to_lowercase().contains(&self.filter.to_lowercase())
    }
}
