//! The pure core of the console: `State`, `Action`, `Effect` and `update`. No I/O, no clock.

mod accounts;
mod action;
mod action_names;
pub mod attention;
mod command;
mod credentials;
mod effect;
mod envs;
pub mod health;
mod input;
mod loadable;
mod logs;
mod model;
mod nav;
mod ops;
mod pane;
mod poll;
pub mod queries;
pub mod runs;
mod sign_in;
pub mod systems;
mod text_input;
pub mod trace;
mod traffic;
mod update;

pub use accounts::Accounts;
pub use action::{Action, EnvSnapshot, Reply};
pub use command::{COMMANDS, complete, complete_system, parse_command};
pub use credentials::{CREDENTIALS_RETRY, CredentialsPause};
pub use effect::Effect;
pub use envs::deployer::{DEPLOYER_EVERY, DeployerRead, Deployers, deploy_project};
pub use envs::execution::{ExecutionDetail, RunRow};
pub use envs::failure::{DeployFailure, deploy_failure, newest_failure};
pub use envs::glance::{DeployImpact, Glance};
pub use envs::main_lag::{Lag, MAIN_LAG_EVERY, MainLag};
pub use envs::summary::{Deployed, EnvSummary, PipelineHealth, deployed};
pub use input::MAX_INPUT;
pub use loadable::Loadable;
pub use logs::job::{JOB_LOG_POLL, JobLogError, JobLogRead, JobLogSource};
pub use logs::keys::parse_goto;
pub use logs::state::{
    GroupEvents, GroupPoll, LOG_OVERLAP, LOG_SEEN_CAP, LOG_TAIL_CAP, LogRead, LogTail,
};
pub use logs::update::{build_log_stream, parse_stream_arn};
pub use model::{
    EnvView, Level, LineInput, Mode, Overlay, PollPolicy, Scope, Session, Stale, StatusMsg, View,
};
pub use ops::audit::{audit_file, log as audit_log, visible_audit};
pub use ops::command::{AUDIT_COMMAND, OP_COMMANDS, command_help, describe};
pub use ops::plan::ask as dialog_ask;
pub use ops::release::{deployed_version, older_candidates};
pub use ops::state::{
    AuditLine, AuditView, Dialog, Field, InFlight, OpsState, Phase, PlanRows, ReleasePicker, Watch,
};
pub use ops::upload::{PackageFile, UploadAsk, UploadProgress};
pub use ops::watch::WATCH_POLL;
pub use pane::{PaneMax, PaneScroll};
pub use sign_in::{SignIn, SignInStep};
pub use text_input::{Edit, TextInput, Window};
pub use traffic::assembly::{BatchAssembly, ObjectRecords};
pub use traffic::export::{ExportError, ExportFormat, ExportJob, ReplaceFile, size_text};
pub use traffic::find::{contains_ci, row_matches};
pub use traffic::markers::{MARKED_EXECUTIONS, Marker, MarkerKind, markers};
pub use traffic::source::{LogsTarget, Place as LogsPlace, Resolved, resolve as resolve_logs};
pub use traffic::{
    CHART_STEP, DETAIL_KEEP, FullLine, Incomplete, Marks, Panel, Preset, ReadProgress, Traffic,
    TrafficBatch,
};
pub use update::{start, update};

use crate::domain::{Approval, EnvSpec, Release, Timestamp};

/// Tags an effect and the action that answers it; results with an outdated id are dropped.
pub type RequestId = u64;

/// The whole state of the console.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Current time (from the last tick).
    pub now: Timestamp,
    /// How fast `now` runs: simulated milliseconds per wall millisecond (the demo's `--speed`;
    /// 1 against AWS). Messages that fade do so after a wall-clock time.
    pub clock_speed: f64,
    /// Who and where.
    pub session: Session,
    /// Environments in promotion order.
    pub envs: Vec<EnvView>,
    /// Release catalogue, newest first.
    pub releases: Vec<Release>,
    /// The catalogue's read: in flight, next poll, why the last failed.
    pub releases_load: Loadable,
    /// How many commits each environment's commit lags `main` (GitHub).
    pub main_lag: MainLag,
    /// Whether each environment's deployer is the newest image (ECR, CodeBuild).
    pub deployers: Deployers,
    /// Selected environment.
    pub selected: usize,
    /// Selected row in the pipeline history.
    pub history_row: usize,
    /// The execution opened from the history (Enter on a row), shown over the pipeline view.
    pub execution: Option<ExecutionDetail>,
    /// Selected row in the approvals inbox.
    pub approval_row: usize,
    /// Current view.
    pub view: View,
    /// Overlay, if any.
    pub overlay: Option<Overlay>,
    /// The list filter applied to the current view (case-insensitive substring).
    pub filter: String,
    /// Help overlay scroll (the trace overlay's too).
    pub help_scroll: usize,
    /// How far the open help or trace overlay can scroll at the screen's size, as the terminal
    /// loop last reported ([`Action::OverlayRows`]); `None` until it has.
    pub help_max: Option<usize>,
    /// The scroll of the detail pane on screen.
    pub pane: PaneScroll,
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
    /// One per identity whose credentials are refused: the banner, and its polls paused.
    pub credentials: Vec<CredentialsPause>,
    /// Each environment's identity (profile, role, account) and its caller, once read.
    pub accounts: Accounts,
    /// The sign-in dialog (`:login`), while open.
    pub sign_in: Option<SignIn>,
    /// Next request id.
    pub next_request: RequestId,
    /// Polling periods.
    pub poll: PollPolicy,
    /// Set when the user asked to leave.
    pub quit: bool,
    /// The console's actions: dialog, call in flight, watch, audit view, guard settings.
    pub ops: OpsState,
    /// The Runs view: GitHub Actions runs.
    pub runs: runs::RunsView,
    /// Events that need attention, and the notifications to send.
    pub attention: attention::Attention,
    /// The health map (`:map`): what it read and the selected node.
    pub map: health::MapView,
    /// The configuration's systems: the one shown, the others' names, what was seen of each.
    pub systems: systems::Systems,
    /// The Traffic view's `:query` and the Logs view's `:insights`.
    pub queries: queries::Queries,
}

impl State {
    /// A new state for these environments; nothing loaded yet.
    pub fn new(session: Session, specs: Vec<EnvSpec>, poll: PollPolicy, now: Timestamp) -> Self {
        State {
            now,
            clock_speed: 1.0,
            session,
            envs: specs.into_iter().map(EnvView::new).collect(),
            releases: Vec::new(),
            releases_load: Loadable::default(),
            main_lag: MainLag::default(),
            deployers: Deployers::default(),
            selected: 0,
            history_row: 0,
            execution: None,
            approval_row: 0,
            view: View::Environments,
            overlay: None,
            filter: String::new(),
            help_scroll: 0,
            help_max: None,
            pane: PaneScroll::default(),
            logs: LogTail::default(),
            traffic: Traffic::new(0, Preset::H1, now, crate::accesslog::DEFAULT_RETAIN),
            retain: crate::accesslog::DEFAULT_RETAIN,
            abandoned: Vec::new(),
            build_log_inflight: None,
            status: None,
            credentials: Vec::new(),
            accounts: Accounts::default(),
            sign_in: None,
            next_request: 1,
            poll,
            quit: false,
            ops: OpsState::default(),
            runs: runs::RunsView::default(),
            attention: attention::Attention::default(),
            map: health::MapView::default(),
            systems: systems::Systems::default(),
            queries: queries::Queries::default(),
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

    /// The environments whose pending approvals are unknown (their pipeline state was never
    /// read), and why.
    pub fn approvals_unknown(&self) -> Vec<(String, String)> {
        self.envs
            .iter()
            .filter_map(|e| Some((e.spec.name.clone(), e.approvals_known().err()?)))
            .collect()
    }

    /// The environments whose pending approvals are shown from an older read because the
    /// latest refresh failed, with when refreshing began to fail: what is shown may have been
    /// answered or expired since, or a new one come (a pipeline without an approval action has
    /// none to miss).
    pub fn approvals_stale(&self) -> Vec<(String, Timestamp)> {
        let approves = |e: &&EnvView| {
            (e.def.iter().flat_map(|d| &d.stages))
                .flat_map(|s| &s.actions)
                .any(|a| a.category == crate::domain::ActionCategory::Approval)
        };
        (self.envs.iter())
            .filter(|e| e.state.is_some())
            .filter(approves)
            .filter_map(|e| Some((e.spec.name.clone(), e.refresh.error.as_ref()?.since)))
            .collect()
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
            scope: None,
            answer: None,
        });
    }

    /// Sets a status-bar message about one view or environment: it goes when the operator
    /// leaves that view or environment.
    pub fn say_about(&mut self, scope: Scope, level: Level, text: impl Into<String>) {
        self.say(level, text);
        if let Some(m) = self.status.as_mut() {
            m.scope = Some(scope);
        }
    }

    /// Drops a status message about a view or environment other than the ones shown now.
    pub(super) fn drop_left_behind(&mut self) {
        let gone = match self.status.as_ref().and_then(|m| m.scope) {
            Some(Scope::View(v)) => v != self.view,
            Some(Scope::Env(e)) => e != self.selected,
            Some(Scope::Dialog) => self.ops.dialog.is_none(),
            None => false,
        };
        if gone {
            self.status = None;
        }
    }

    /// Drops the status message if it is only information (a step's own note replaces it).
    pub(super) fn clear_info(&mut self) {
        if self.status.as_ref().is_some_and(|m| m.level == Level::Info) {
            self.status = None;
        }
    }

    /// Whether a row text passes the current filter.
    pub fn matches_filter(&self, row: &str) -> bool {
        self.filter.is_empty() || row.to_lowercase().contains(&self.filter.to_lowercase())
    }
}
