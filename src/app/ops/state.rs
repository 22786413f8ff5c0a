//! The state of the console's actions: the plan/confirm dialog, the call in flight, the watch
//! after it, the audit view and the per-environment settings the guards need.

use crate::app::{RequestId, TextInput};
use crate::cloud::Invalidation;
use crate::domain::{ExecutionSummary, Timestamp, Version};
use crate::ops::plan::audit::Entry;
use crate::ops::plan::follow_workflow::Trail;
use crate::ops::plan::package::{Catalogue, Package};
use crate::ops::plan::release_workflow::WorkflowRead;
use crate::ops::plan::runs::RunRead;
use crate::ops::{OpKind, Outcome, Plan, Planned, SelfApproval, Target};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One audit log line, comparable as a whole (the JSON parameters included).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLine(pub Entry);

// `Entry` holds strings and JSON values only, whose equality is total.
impl Eq for AuditLine {}

/// Which field of the dialog takes the typed characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The comment, reason, paths or execution id (see [`Dialog::text_label`]).
    Text,
    /// The environment name typed to confirm on a protected environment.
    Confirm,
    /// The package chosen in the release picker, focused first: the Enter that chose it,
    /// repeated, sends nothing; Tab moves on to the send line (or the typed name).
    Package,
    /// The path of a local package to upload, focused first: Tab completes it, Enter reads the
    /// file (and moves on to the send line or the typed name once it is read).
    Path,
}

/// Where the dialog is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The operator edits; Enter sends once everything is satisfied.
    Editing,
    /// The one call is in flight (request id); keys do nothing but wait.
    Sending(RequestId),
    /// The call answered.
    Done(Outcome),
}

/// The plan/confirm dialog of one action on one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// The action.
    pub kind: OpKind,
    /// Environment index.
    pub env: usize,
    /// The comment, reason, paths or execution id typed so far.
    pub text: TextInput,
    /// The confirmation typed so far.
    pub typed: TextInput,
    /// The name to type when the environment is protected (known before any plan exists).
    pub confirm_name: Option<String>,
    /// The option (stop: abandon; retry: all actions).
    pub toggle: bool,
    /// The focused field.
    pub field: Field,
    /// When the dialog opened: with [`Dialog::nonce`], what makes this confirmation's
    /// idempotency token (deploy, invalidate) unique and stable while it stays open.
    pub asked_at: Timestamp,
    /// The request id taken when the dialog opened.
    pub nonce: u64,
    /// The latest plan (re-made as the operator types and as data arrives).
    pub planned: Planned,
    /// The target the operator was shown: a refresh that plans another one never sends it
    /// unseen.
    pub pinned: Option<Target>,
    /// What a refresh changed in the target while the dialog was open; Enter acknowledges it
    /// (and sends nothing) before anything can be sent.
    pub changed: Option<String>,
    /// Editing, sending or done.
    pub phase: Phase,
    /// What the watch after the call saw last.
    pub watch_note: Option<String>,
    /// Release: the package chosen in the picker.
    pub package: Option<Package>,
    /// Rollback: the stage's listing of executions that succeeded in it (`None` while it loads;
    /// the history stands in meanwhile), or why it could not be read.
    pub candidates: Option<Result<Vec<ExecutionSummary>, String>>,
    /// Rollback: the listing request in flight; a V2 release: its read of the source key's
    /// versions.
    pub listing: Option<RequestId>,
    /// Release on a V2 pipeline: the versions of the source key, to start on the one holding
    /// the package instead of copying (`None` while read).
    pub versions: Option<crate::ops::plan::release::SourceVersions>,
    /// Lines of the plan scrolled out of sight above its area.
    pub scroll: usize,
    /// How many lines the plan area shows and the plan has, once the terminal loop said so.
    pub rows: Option<PlanRows>,
    /// Release through the release workflow (instead of a direct upload): its ref and reads.
    pub workflow: Option<WorkflowAsk>,
    /// Re-run or cancel: the run the operator chose, as read when the dialog opened.
    pub run: Option<RunRead>,
    /// Override: the stage asked for (`:override ENV STAGE`); `None` takes the first stage
    /// with a condition in progress.
    pub stage: Option<String>,
    /// Stop: the execution asked for (`:stop ENV ID`) or selected in the pipeline history when
    /// the dialog opened; `None` stops the newest running.
    pub execution: Option<String>,
    /// Rollback from the release-health panel: the execution of the deploy it judged; the
    /// candidate that succeeded before it is chosen once the candidates are listed.
    pub before: Option<String>,
    /// Release of a local package: its path prompt, the file as read, the upload's progress.
    pub upload: Option<super::upload::UploadAsk>,
}

/// A release dialog that dispatches the release workflow: the ref, and the workflow file,
/// commit and token as read for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowAsk {
    /// The branch or tag the workflow runs on.
    pub git_ref: String,
    /// The workflow's file name.
    pub file: String,
    /// The read in flight.
    pub reading: Option<RequestId>,
    /// What was read (`None` while reading).
    pub read: Option<WorkflowRead>,
}

/// The plan area's size as last drawn: what paging through the plan goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRows {
    /// Lines the area shows at once.
    pub shown: usize,
    /// Lines of the whole plan.
    pub total: usize,
}

impl PlanRows {
    /// The furthest the plan scrolls: its last line at the bottom of the area, under the
    /// "more above" line (an area of 2 lines shows one plan line over that line; one of a
    /// single line has none).
    pub fn max_scroll(self) -> usize {
        match self.total.checked_sub(self.shown) {
            None | Some(0) => 0,
            Some(hidden) if self.shown >= 2 => hidden + 1,
            Some(hidden) => hidden,
        }
    }

    /// Lines one page key moves: the plan lines shown between the two "more" lines, less one
    /// kept in sight.
    pub fn page(self) -> usize {
        self.shown.saturating_sub(3).max(1)
    }
}

impl Dialog {
    /// The label of the text field, or `None` when the action takes no text.
    pub fn text_label(&self) -> Option<&'static str> {
        match self.kind {
            OpKind::Approve => Some("Comment (optional)"),
            OpKind::Reject => Some("Comment (required)"),
            OpKind::Stop | OpKind::Freeze => Some("Reason (required)"),
            OpKind::Unfreeze => Some("Reason (optional, kept in the audit log)"),
            OpKind::Invalidate => Some("Paths (space separated)"),
            OpKind::Rollback => Some("Roll back to execution"),
            OpKind::Deploy => Some("Variables NAME=VALUE (empty: the declared defaults)"),
            OpKind::Release if self.workflow.is_some() => {
                Some("Inputs NAME=VALUE (empty: defaults)")
            }
            OpKind::Retry | OpKind::Release | OpKind::Rerun | OpKind::Cancel | OpKind::Override => {
                None
            }
        }
    }

    /// The label of the option toggled with the toggle key, and whether the action has one.
    pub fn toggle_label(&self) -> Option<&'static str> {
        match self.kind {
            OpKind::Stop => Some("abandon running actions (do not wait for them)"),
            OpKind::Retry => Some("retry all actions of the stage (not only the failed ones)"),
            OpKind::Rerun => Some("re-run every job (not only the failed ones)"),
            OpKind::Release if self.workflow.is_some() => {
                Some("switch to the direct upload (no workflow): choose a package")
            }
            _ => None,
        }
    }

    /// The target of the latest plan, or of its draft while fields are missing.
    pub fn target(&self) -> Option<&Target> {
        match &self.planned {
            Ok(plan) => Some(&plan.target),
            Err(r) => r.draft.as_ref().map(|d| &d.target),
        }
    }

    /// The text the operator must type to confirm, if any.
    pub fn must_type(&self) -> Option<&str> {
        if let Some(name) = &self.confirm_name {
            return Some(name);
        }
        match &self.planned {
            Ok(Plan {
                confirm: crate::ops::Confirm::TypeName(name),
                ..
            }) => Some(name),
            _ => None,
        }
    }

    /// The text field that takes typing and edits, if the focused field is one.
    pub fn focused(&mut self) -> Option<&mut TextInput> {
        match self.field {
            Field::Text => Some(&mut self.text),
            Field::Confirm => Some(&mut self.typed),
            Field::Path => self.upload.as_mut().map(|u| &mut u.path),
            Field::Package => None,
        }
    }

    /// Whether Enter would send now: a plan whose target the operator has seen, the
    /// confirmation typed, not sent yet.
    pub fn ready(&self) -> bool {
        self.phase == Phase::Editing
            && self.changed.is_none()
            && self.planned.is_ok()
            && self.must_type().is_none_or(|name| self.typed == name)
    }
}

/// The call sent and not answered yet: survives the dialog closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    /// Its request id.
    pub request: RequestId,
    /// The plan sent.
    pub plan: Plan,
    /// Environment index.
    pub env: usize,
}

/// Watching for the change a done call makes, on the environment's fast refreshes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The plan applied.
    pub plan: Plan,
    /// The execution the call reported, if any.
    pub execution_id: Option<String>,
    /// The object version (or ETag) a release wrote: the new execution is the one shipping it.
    pub reference: Option<String>,
    /// Environment index.
    pub env: usize,
    /// When to give up.
    pub until: Timestamp,
    /// The read of the followed invalidation in flight.
    pub reading: Option<RequestId>,
    /// The followed invalidation as last read, or why it could not be read.
    pub invalidation: Option<Result<Invalidation, String>>,
    /// A GitHub change (a dispatch, a re-run, a cancel): what its looks found so far, when the
    /// next look is due, and the look in flight.
    pub github: Option<GitHubWatch>,
}

/// The looks of a watch that follows a change made on GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubWatch {
    /// What was found so far (the run, the package, the execution).
    pub trail: Trail,
    /// When the next look is due.
    pub due: Timestamp,
    /// The look in flight.
    pub looking: Option<RequestId>,
}

/// The audit view: entries newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditView {
    /// Entries, newest first.
    pub entries: Vec<AuditLine>,
    /// Why the log could not be read.
    pub error: Option<String>,
    /// Whether a read is in flight.
    pub loading: bool,
    /// Rows scrolled from the newest.
    pub scroll: usize,
}

/// The release picker: the packages under the release prefix, newest first, to choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleasePicker {
    /// Environment index the package is promoted to.
    pub env: usize,
    /// The catalogue request in flight or answered.
    pub request: RequestId,
    /// The catalogue (`None` while loading), or why it could not be read.
    pub packages: Option<Result<Catalogue, String>>,
    /// Selected row.
    pub row: usize,
    /// The version asked for on the command line (`:release ENV VERSION`).
    pub want: Option<Version>,
}

/// Everything about the console's actions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpsState {
    /// The open dialog.
    pub dialog: Option<Dialog>,
    /// The open release picker.
    pub picker: Option<ReleasePicker>,
    /// The call in flight.
    pub inflight: Option<InFlight>,
    /// The watch after a done call.
    pub watch: Option<Watch>,
    /// Self-approval setting per environment name (default when absent).
    pub self_approval: BTreeMap<String, SelfApproval>,
    /// The audit log file; `None` uses the session's own in the XDG state dir (`audit.jsonl`, or
    /// `demo-audit.jsonl` for the demo).
    pub audit_path: Option<PathBuf>,
    /// The audit view.
    pub audit: AuditView,
    /// The release workflow's file name when `[github]` is configured: the release key offers
    /// it by default on a protected environment.
    pub release_workflow: Option<String>,
}
