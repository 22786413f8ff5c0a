//! Everything that can happen to the app: key-level intents, ticks and results of effects.

use super::traffic::TrafficBatch;
use super::{RequestId, View};
use crate::cloud::{CloudError, WhoAmI};
use crate::domain::{
    ActionExecutionDetail, Distribution, ExecutionSummary, PipelineDef, PipelineState, Release,
    SourceObject, Timestamp,
};

/// What one environment refresh brought back.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvSnapshot {
    /// Pipeline definition (re-read only when the state's version changed).
    pub def: PipelineDef,
    /// Pipeline state, or why it could not be read (the rest still counts; the environment is
    /// marked stale with the reason).
    pub state: Result<PipelineState, CloudError>,
    /// Executions, newest first.
    pub executions: Vec<ExecutionSummary>,
    /// CloudFront distribution: `None` when it was not asked for this time, else what came back
    /// (a failure does not hide the pipeline).
    pub distribution: Option<Result<Distribution, CloudError>>,
    /// What runs in the environment: the newest execution that succeeded in the deploy stage
    /// (`None`: none ever did), or why it could not be read.
    pub deployed: Result<Option<ExecutionSummary>, CloudError>,
    /// The deploy stage's latest run (`execution:status`) the listing behind `deployed` was
    /// made for, when it came from the listing (it is reused while that stays the same).
    pub deployed_key: Option<String>,
    /// The source object (`Ok(None)`: there is none): `None` when it was not asked for this
    /// time.
    pub source: Option<Result<Option<SourceObject>, CloudError>>,
}

/// An input to [`super::update`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Time: the clock and idle steps.
    /// Time passed; polls that are due start.
    Tick(Timestamp),
    /// Idle time: the next slice of the filtered charts is counted (sent by the loop while
    /// [`super::traffic::Traffic::charts_pending`]).
    ChartsStep,
    // The terminal loop's reports of what the screen shows.
    /// The log view on screen (Logs or Traffic) now shows this many rows (sent by the terminal
    /// loop when it changes: a resize, a detail pane opening or closing).
    PageRows(usize),
    /// How far the detail pane can scroll (sent by the terminal loop when it changes: a resize,
    /// another subject).
    PaneRows(super::PaneMax),
    /// How far the open help or trace overlay can scroll (sent by the terminal loop when it
    /// changes: a resize, another overlay, a trace's answer), so that scrolling stops at its end.
    OverlayRows(usize),
    /// The open dialog's plan area shows `shown` of the plan's `total` lines (sent by the
    /// terminal loop when it changes), so that paging through the plan stops at its end.
    PlanRows {
        /// Lines the plan area shows at once.
        shown: usize,
        /// Lines of the whole plan at the dialog's width.
        total: usize,
    },
    /// The terminal window gained (`true`) or lost the focus (notifications go out only
    /// while it has not).
    Focus(bool),
    // Answers.
    /// An effect answered: a read, a write or the one call of a confirmation.
    Reply(Reply),
    // The operator's keys (and mouse), by the names keymaps bind.
    /// Refresh every environment now.
    Refresh,
    /// Move the selection up.
    Up,
    /// Move the selection down.
    Down,
    /// Move the selection to the first row.
    Top,
    /// Move the selection to the last row.
    Bottom,
    /// Select the next environment.
    NextEnv,
    /// Select the previous environment.
    PrevEnv,
    /// Select a row of the current list (mouse click).
    SelectRow(usize),
    /// Open the selected row (environment → pipeline).
    Open,
    /// Close the overlay, clear the filter or go back home.
    Back,
    /// Switch to a view.
    Show(View),
    /// Cycle to the next view tab.
    NextView,
    /// Toggle the help overlay.
    ToggleHelp,
    /// Open the `:` command line.
    CommandOpen,
    /// Type a character at the cursor of the prompt or dialog field being typed in.
    Input(char),
    /// Delete the character before the cursor of the prompt or dialog field.
    Backspace,
    /// Clear the prompt or dialog field being typed in.
    ClearLine,
    /// Move the cursor or delete in the prompt or dialog field being typed in.
    Edit(super::Edit),
    /// Complete the command line.
    Complete,
    /// Run the command line or keep the filter.
    Submit,
    /// Open the `/` filter of the current list.
    FilterOpen,
    /// Scroll the detail pane on screen (record, event, approval, run) by this many rows, down
    /// when positive.
    ScrollPane(isize),
    /// Scroll the help or logs view by a page.
    PageDown,
    /// Scroll back by a page.
    PageUp,
    /// Log views: follow the newest record, or pause where the selection is.
    ToggleFollow,
    /// Log views: open the `/` search.
    SearchOpen,
    /// Log views: select the next row matching the search.
    SearchNext,
    /// Log views: select the previous row matching the search.
    SearchPrev,
    /// Traffic view: open or close the detail pane of the selected record.
    ToggleDetail,
    /// Traffic view: the next time preset (15m → 1h → 24h).
    NextPreset,
    /// Traffic view: select the next older deploy marker (wrapping).
    NextMarker,
    /// Traffic view: open or close the release-health panel.
    ToggleImpact,
    /// Log views: open the command line with `export ` typed.
    ExportPrompt,
    /// Pipeline view: open the build log of the failed Deploy action.
    BuildLog,
    /// Leave shipdeck.
    Quit,
    /// Open the plan/confirm dialog of a mutating action (selected environment or approval);
    /// in a read-only session the read-only guard refuses it (status bar and audit log).
    Op(crate::ops::OpKind),
    /// Move to the next field of the dialog.
    DialogNext,
    /// Flip the dialog's option (stop: abandon; retry: all actions).
    DialogToggle,
}

/// The answer of an [`super::Effect`], tagged with the request it answers where it has one; each
/// goes to the feature that asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An environment refresh finished.
    EnvLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// The result.
        result: Result<Box<EnvSnapshot>, CloudError>,
    },
    /// The release catalogue was read.
    ReleasesLoaded {
        /// The request this answers.
        request: RequestId,
        /// Releases, any order.
        result: Result<Vec<Release>, CloudError>,
    },
    /// The caller identity of environment `env`'s identity was read.
    IdentityLoaded {
        /// The environment it was read for (its identity's first).
        env: usize,
        /// Who, or why unknown.
        result: Result<WhoAmI, CloudError>,
    },
    /// Log events for the selected environment's log groups arrived.
    LogsLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Each group read, with its events (any order; the token when the read stopped before
        /// its last page) or why they could not be read.
        results: Vec<super::GroupEvents>,
    },
    /// Discovery of an environment's log sources came back.
    LogSourcesFound {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// What was found, or why each half could not be read.
        found: Box<crate::cloud::Discovery>,
    },
    /// A log group's events came back (every page, or those up to where the read stopped).
    TrafficEvents {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// The events and whether the read reached the end, or why it failed.
        result: Result<(Vec<crate::domain::LogEvent>, bool), CloudError>,
    },
    /// Part of a CloudFront read: the objects read so far that no earlier part carried (their
    /// keys among the batch's), while the read goes on (its [`Reply::TrafficRead`] ends it
    /// with the rest).
    TrafficPart {
        /// Environment index.
        env: usize,
        /// The read this is part of.
        request: RequestId,
        /// Their records, keys and problems.
        batch: Box<TrafficBatch>,
        /// How far the read has come.
        progress: crate::app::ReadProgress,
    },
    /// CloudFront log objects were read.
    TrafficRead {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Their records and problems.
        batch: Box<TrafficBatch>,
    },
    /// An export file was written (or not: it exists, or the write failed).
    FileWritten {
        /// The path.
        path: String,
        /// Records written.
        records: usize,
        /// Why nothing was written, if so.
        result: Result<(), super::ExportError>,
    },
    /// The action runs of an execution came back (the build-log jump, the execution detail).
    ActionExecutionsLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// The failed action whose build log is wanted; `None` for the execution detail.
        action: Option<String>,
        /// The runs.
        result: Result<Vec<ActionExecutionDetail>, CloudError>,
    },
    /// The action runs of the Traffic view's marked executions came back.
    DeployRunsLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Every run of those executions, or the first failure.
        result: Result<Vec<ActionExecutionDetail>, CloudError>,
    },
    /// The Traffic view's distribution's invalidations came back.
    InvalidationsLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Newest first, back to the time asked for (`next_marker`: older ones within it not
        /// read), or why they could not be read.
        result: Result<crate::cloud::InvalidationPage, CloudError>,
    },
    /// One execution came back (`GetPipelineExecution`, for the execution detail's variables).
    ExecutionLoaded {
        /// The request this answers.
        request: RequestId,
        /// The execution (boxed: it is large, and actions are moved often).
        result: Result<Box<ExecutionSummary>, CloudError>,
    },
    /// The one call of a confirmation answered (or was refused at the last moment).
    OpApplied {
        /// The request this answers.
        request: RequestId,
        /// What happened.
        outcome: crate::ops::Outcome,
        /// Why the audit line could not be written, if it could not.
        audit_error: Option<String>,
    },
    /// The invalidation a watch follows was read (`GetInvalidation`).
    InvalidationLoaded {
        /// The request this answers.
        request: RequestId,
        /// The invalidation, or why it could not be read.
        result: Result<crate::cloud::Invalidation, String>,
    },
    /// The release workflow was read for a release dialog.
    WorkflowRead {
        /// The request this answers.
        request: RequestId,
        /// What was read.
        read: Box<crate::ops::plan::release_workflow::WorkflowRead>,
    },
    /// A look at a change made on GitHub came back.
    GitHubLooked {
        /// The request this answers.
        request: RequestId,
        /// What the looks found so far.
        trail: Box<crate::ops::plan::follow_workflow::Trail>,
        /// The verdict, or why a read failed (with GitHub's rate-limit reset).
        result:
            Result<crate::ops::plan::follow::Verdict, crate::ops::plan::follow_workflow::Unseen>,
    },
    /// The environments' commits were compared with `main`.
    MainLagLoaded {
        /// The request this answers.
        request: RequestId,
        /// Per commit: how many commits `main` is ahead of it, or why that is not known.
        lags: Vec<(String, Result<Option<u32>, String>)>,
        /// When GitHub's rate limit resets, when a compare was refused for it.
        limited_until: Option<crate::domain::Timestamp>,
    },
    /// The Deploy projects' images and their repositories' images were read, per identity.
    DeployersLoaded {
        /// The request this answers.
        request: RequestId,
        /// What each identity read.
        reads: Vec<super::envs::deployer::DeployerRead>,
    },
    /// The commit and runs of the open trace were read.
    TraceLoaded {
        /// The request this answers.
        request: RequestId,
        /// What GitHub answered.
        read: Box<crate::ops::plan::trace::GitHubTrace>,
    },
    /// The runs of the Runs view were read.
    RunsLoaded {
        /// The request this answers.
        request: RequestId,
        /// What was read.
        read: Box<super::runs::RunsRead>,
    },
    /// The jobs of the open run were read.
    RunJobsLoaded {
        /// The request this answers.
        request: RequestId,
        /// The jobs, or why they could not be read.
        result: Result<Vec<crate::domain::github::Job>, String>,
    },
    /// The Logs view's job log was read.
    JobLogLoaded {
        /// The request this answers.
        request: RequestId,
        /// The log and the job, or why the log could not be read.
        result: Result<super::JobLogRead, super::JobLogError>,
    },
    /// The health map's metrics and probes were read (a failed call is kept in each reading).
    HealthRead {
        /// The request this answers.
        request: RequestId,
        /// The time judged.
        at: Timestamp,
        /// The golden signals of every environment.
        readings: Box<super::health::Readings>,
        /// The probe of each configured URL.
        probes: Vec<crate::domain::ProbeResult>,
    },
    /// The audit log was read (entries oldest first).
    AuditLoaded(Result<Vec<super::AuditLine>, String>),
    /// An audit line could not be written.
    AuditFailed(String),
    /// The release catalogue of an environment was read (packages newest first).
    PackagesLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// The catalogue, or why it could not be read.
        result: Result<crate::ops::plan::package::Catalogue, String>,
    },
    /// The paths that complete the upload prompt's text, or why its directory could not be
    /// listed.
    PathCompleted {
        /// The request this answers.
        request: RequestId,
        /// The completed texts (directories end with `/`), sorted.
        result: Result<Vec<String>, String>,
    },
    /// A local release package was read for the upload's plan, or why it is none.
    PackageRead {
        /// The request this answers.
        request: RequestId,
        /// The file read.
        result: Result<super::PackageFile, String>,
    },
    /// Bytes of the upload in flight sent so far.
    UploadProgress {
        /// The request of the upload (its confirmation).
        request: RequestId,
        /// Bytes sent.
        sent: u64,
        /// Bytes in all.
        total: u64,
    },
    /// The versions of a source key were read (a V2 release's dialog).
    SourceVersionsLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Newest first, with their releases, or why they could not be read.
        result: crate::ops::plan::release::SourceVersions,
    },
    /// A sign-in's code was issued: the page and code to show while it waits.
    SignInCode {
        /// The sign-in.
        request: RequestId,
        /// The session, e.g. ``sso-session `corp` ``.
        session: String,
        /// The page to open, the code filled in.
        url: String,
        /// The code the page must show.
        code: String,
        /// When the code expires.
        expires_at: crate::domain::Timestamp,
    },
    /// An Athena query over logs in S3 was planned: its setup, SELECTs and estimate, or why
    /// not.
    AthenaPlanned {
        /// Request id.
        request: RequestId,
        /// The plans, or why none.
        result: Box<Result<crate::app::queries::athena::AthenaPlanned, String>>,
    },
    /// An Athena SELECT's state was read (`GetQueryExecution`).
    AthenaProgress {
        /// Request id.
        request: RequestId,
        /// State, elapsed time, bytes scanned, cost.
        progress: crate::cloud::athena::Progress,
    },
    /// An Athena SELECT ended: its rows, Athena's reason, or a stop; or why it could not run.
    AthenaEnded {
        /// Request id.
        request: RequestId,
        /// How it ended.
        result: Box<Result<crate::cloud::athena::AthenaEnd, String>>,
    },
    /// How far the local engine's read of a `:query` has come.
    LocalQueryProgress {
        /// Request id.
        request: RequestId,
        /// Objects listed and read, bytes read.
        progress: crate::app::queries::local::LocalProgress,
    },
    /// The local engine's read of a `:query` ended: each part's rows, or why it could not read.
    LocalQueryEnded {
        /// Request id.
        request: RequestId,
        /// The answer, or why none.
        result: Box<Result<crate::app::queries::local::LocalAnswer, String>>,
    },
    /// The Athena table was created, or why not.
    AthenaTableCreated {
        /// Request id.
        request: RequestId,
        /// Done, or why not.
        result: Result<(), String>,
    },
    /// A Logs Insights query answered `GetQueryResults` (its status, the rows so far).
    InsightsProgress {
        /// The query's request.
        request: RequestId,
        /// The service's query id.
        query_id: String,
        /// The answer.
        results: crate::cloud::QueryResults,
    },
    /// A Logs Insights query ended: how (its query id and last answer), or why it could not run
    /// (a refused query names the position the service gave).
    InsightsEnded {
        /// The query's request.
        request: RequestId,
        /// The query id and how it ended, or the error.
        result: Result<(String, crate::cloud::QueryEnd), String>,
    },
    /// A sign-in ended: each session signed in with until when, or why not.
    SignedIn {
        /// The sign-in.
        request: RequestId,
        /// The sessions, or the error.
        result: Result<Vec<(String, crate::domain::Timestamp)>, String>,
    },
    /// The executions that succeeded in a stage were listed (rollback candidates, newest first).
    CandidatesLoaded {
        /// Environment index.
        env: usize,
        /// The request this answers.
        request: RequestId,
        /// Executions, or why they could not be listed.
        result: Result<Vec<ExecutionSummary>, String>,
    },
}

impl Action {
    /// The actions a key can be bound to, by the name used in keymap files.
    pub fn bindable(name: &str) -> Option<Action> {
        super::action_names::BINDINGS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| a.clone())
    }

    /// The edit of a text field this key-level action makes, if it is one.
    pub fn edit(&self) -> Option<super::Edit> {
        match self {
            Action::Backspace => Some(super::Edit::Backspace),
            Action::ClearLine => Some(super::Edit::Clear),
            Action::Edit(e) => Some(*e),
            _ => None,
        }
    }

    /// Every bindable action name, in the help screen's order.
    pub fn bindable_names() -> impl Iterator<Item = &'static str> {
        super::action_names::BINDINGS.iter().map(|(n, _)| *n)
    }

    /// Whether the action changes something in AWS (refused and hidden when read-only).
    pub fn is_mutating(&self) -> bool {
        matches!(self, Action::Op(_))
    }

    /// Whether a keymap action name is a mutating action.
    pub fn is_mutating_name(name: &str) -> bool {
        Action::bindable(name).is_some_and(|a| a.is_mutating())
    }
}
