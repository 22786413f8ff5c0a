//! The shapes every action shares: the plan shown before confirming, a refusal, the request
//! `apply` sends, and the outcome it reports.

use super::guards::{Guard, GuardCheck, SelfApproval};
pub use super::request::Request;
use crate::domain::{EnvSpec, Timestamp};
use serde::Serialize;
use serde_json::{Map, Value};

/// The mutating actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    /// Approve a pending manual approval.
    Approve,
    /// Reject a pending manual approval.
    Reject,
    /// Start a pipeline execution.
    Deploy,
    /// Stop a running execution.
    Stop,
    /// Retry a failed stage.
    Retry,
    /// Promote or upload a release package to an environment's source key.
    Release,
    /// Roll a stage back to an earlier successful execution.
    Rollback,
    /// Disable a stage's inbound transition.
    Freeze,
    /// Enable a stage's inbound transition again.
    Unfreeze,
    /// Invalidate CloudFront paths.
    Invalidate,
    /// Re-run a GitHub Actions run (its failed jobs, or all).
    Rerun,
    /// Cancel a GitHub Actions run.
    Cancel,
    /// Override a stage condition in progress (let the execution it holds past it).
    Override,
}

impl OpKind {
    /// The command name (`approve`, `deploy`, …).
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Approve => "approve",
            OpKind::Reject => "reject",
            OpKind::Deploy => "deploy",
            OpKind::Stop => "stop",
            OpKind::Retry => "retry",
            OpKind::Release => "release",
            OpKind::Rollback => "rollback",
            OpKind::Freeze => "freeze",
            OpKind::Unfreeze => "unfreeze",
            OpKind::Invalidate => "invalidate",
            OpKind::Rerun => "rerun",
            OpKind::Cancel => "cancel",
            OpKind::Override => "override",
        }
    }
}

/// What the operator must do before the plan is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "kebab-case")]
pub enum Confirm {
    /// Nothing: applied at once.
    None,
    /// Answer yes or no.
    YesNo,
    /// Type this text (the environment name of a protected environment).
    TypeName(String),
}

/// The exit code class of an action, also used by the CLI as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExitClass {
    /// Done (exit 0).
    Done,
    /// The call failed (exit 1).
    Failed,
    /// Refused by a guard (exit 2).
    Refused,
    /// Nothing to do, e.g. no pending approval (exit 3).
    NothingToDo,
}

impl ExitClass {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitClass::Done => 0,
            ExitClass::Failed => 1,
            ExitClass::Refused => 2,
            ExitClass::NothingToDo => 3,
        }
    }
}

/// One API call of a plan: service, operation and its parameters, as the API reference names
/// them (structures and lists as JSON), in full: the approval token too. The audit log masks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiCall {
    /// Service, e.g. `codepipeline`.
    pub service: &'static str,
    /// Operation, e.g. `PutApprovalResult`.
    pub operation: &'static str,
    /// Parameters by API name, in the order the plan gives them.
    pub params: Map<String, Value>,
}

impl ApiCall {
    /// A call with its parameters given as a JSON object (anything else gives no parameters).
    pub fn new(service: &'static str, operation: &'static str, params: Value) -> Self {
        ApiCall {
            service,
            operation,
            params: match params {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        }
    }

    /// The equivalent `aws` CLI command, runnable as printed.
    pub fn aws_command(&self) -> String {
        super::text::aws_command(self.service, self.operation, &self.params)
    }

    /// The parameters as `name=value` words (structures as JSON), for the plan's call line.
    pub fn params_text(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a plan acts on, as the operator saw it. An open dialog compares it on every re-plan: a
/// different target is never sent without the operator reading it first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Equal keys act on the same thing (execution id and approval token, version, paths, …).
    pub key: String,
    /// The target as the operator reads it: `the approval of execution 7bf48bd4 (ships 1.43.0)`.
    pub text: String,
    /// Nothing definite yet (the deploy's source object not read, no rollback execution
    /// chosen): the first definite target after it is not a change of what the operator saw.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

impl Target {
    /// A target from its key and its text.
    pub fn new(key: impl Into<String>, text: impl Into<String>) -> Self {
        Target {
            key: key.into(),
            text: text.into(),
            provisional: false,
        }
    }

    /// A target that is not definite yet (see [`Target::provisional`]).
    pub fn provisional(key: impl Into<String>, text: impl Into<String>) -> Self {
        Target {
            provisional: true,
            ..Target::new(key, text)
        }
    }
}

/// What a plan refused only for missing input already knows: its target and facts, shown while
/// the operator fills in the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// What the action would act on.
    pub target: Target,
    /// The facts known so far, one per line.
    pub summary: Vec<String>,
    /// What the operator should know before filling the fields in (as a plan's warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A plan: what will change, the exact call, the equivalent `aws` command and the confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The action.
    pub kind: OpKind,
    /// Environment.
    pub environment: String,
    /// Whether the environment is protected.
    pub protected: bool,
    /// Facts for the operator, one per line.
    pub summary: Vec<String>,
    /// What the operator should know before confirming (a release that skipped the
    /// environment it promotes from, the same release again, an older one): shown apart, in
    /// the console's warning colour and on the CLI's stderr.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What the plan acts on.
    pub target: Target,
    /// The mutating API call (exactly one).
    pub call: ApiCall,
    /// The equivalent `aws` CLI command.
    pub aws_command: String,
    /// The confirmation required.
    pub confirm: Confirm,
    /// The guards checked, all passed.
    pub guards: Vec<GuardCheck>,
    /// What `apply` sends.
    pub request: Request,
    /// What the operator gave that the call does not carry (an unfreeze's reason): the audit
    /// log keeps it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why an action is not planned (or not applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{reason}")]
pub struct Refusal {
    /// The guard (or condition) that refused.
    pub guard: Guard,
    /// What the operator reads.
    pub reason: String,
    /// Exit code class: refused, or nothing to do.
    pub class: ExitClass,
    /// For a missing input: the CLI flag that gives it (`--comment TEXT`), which the CLI shows
    /// after the reason; the console's dialogs have a field for it instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<&'static str>,
    /// For a refusal for missing input only: the target and facts the plan already knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<Box<Draft>>,
}

impl Refusal {
    /// A refusal by a guard (exit 2).
    pub fn by(guard: Guard, reason: impl Into<String>) -> Self {
        Refusal {
            guard,
            reason: reason.into(),
            class: ExitClass::Refused,
            flag: None,
            draft: None,
        }
    }

    /// A refusal for a missing or empty input that the CLI takes as `flag` (exit 2).
    pub fn missing(reason: impl Into<String>, flag: &'static str) -> Self {
        Refusal::by(Guard::Input, reason).with_flag(flag)
    }

    /// The same refusal, naming the CLI flag that would change the answer.
    pub fn with_flag(self, flag: &'static str) -> Self {
        Refusal {
            flag: Some(flag),
            ..self
        }
    }

    /// What the action depends on could not be read: unknown, not none (exit 1).
    pub fn unread(reason: impl Into<String>) -> Self {
        Refusal {
            guard: Guard::Unread,
            reason: reason.into(),
            class: ExitClass::Failed,
            flag: None,
            draft: None,
        }
    }

    /// Nothing to do (exit 3).
    pub fn nothing(reason: impl Into<String>) -> Self {
        Refusal {
            guard: Guard::NothingToDo,
            reason: reason.into(),
            class: ExitClass::NothingToDo,
            flag: None,
            draft: None,
        }
    }

    /// The same refusal, carrying what the plan already knows (shown while fields are missing).
    pub fn with_draft(self, target: Target, summary: Vec<String>) -> Self {
        Refusal {
            draft: Some(Box::new(Draft {
                target,
                summary,
                warnings: Vec::new(),
            })),
            ..self
        }
    }

    /// The same refusal, its draft (if any) carrying `warnings`.
    pub fn with_draft_warnings(mut self, warnings: &[String]) -> Self {
        if let Some(d) = self.draft.as_mut() {
            d.warnings = warnings.to_vec();
        }
        self
    }
}

/// The result of planning.
pub type Planned = Result<Plan, Refusal>;

/// What the pure planners need besides the environment's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context<'a> {
    /// The environment.
    pub spec: &'a EnvSpec,
    /// The operator's identity (caller ARN), once known.
    pub identity: Option<&'a str>,
    /// The current time.
    pub now: Timestamp,
    /// Read-only mode for the whole session (`--read-only`, top-level `read_only`).
    pub read_only: bool,
    /// The self-approval guard setting of this environment.
    pub self_approval: SelfApproval,
    /// Whom the environment's `aws` command runs as, where not the defaults (`None`: them).
    pub aws_identity: Option<&'a super::identity::CliIdentity>,
}

/// What is known of whether the mutating call reached AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// The service's reply came back, or nothing was sent.
    #[default]
    Answered,
    /// The reply was lost (a timeout, a server error), and re-reading showed the change made.
    ConfirmedAfterLostReply,
    /// The reply was lost, and re-reading could not show whether the call reached AWS.
    Unknown,
    /// The operator cancelled it while it was being sent (an upload): nothing was released.
    Cancelled,
}

/// What `apply` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Done, failed or refused at the last moment.
    pub class: ExitClass,
    /// One line for the operator.
    pub message: String,
    /// The execution concerned, when there is one.
    pub execution_id: Option<String>,
    /// Another id the call returned: an S3 object version id, an invalidation id.
    pub reference: Option<String>,
    /// The guard that refused at the last moment, if any.
    pub guard: Option<Guard>,
    /// Whether the reply came back, or what re-reading showed after it was lost.
    pub delivery: Delivery,
    /// A workflow dispatch: the run it started, as far as GitHub's answer tells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_run: Option<NewRun>,
}

/// The workflow run a dispatch started, as far as its answer tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct NewRun {
    /// Its id, when GitHub said it (`return_run_details`).
    pub id: Option<u64>,
    /// The newest run of the workflow before the dispatch: the new one is a newer run.
    pub after: Option<u64>,
}

impl Outcome {
    /// A successful call.
    pub fn done(message: impl Into<String>, execution_id: Option<String>) -> Self {
        Outcome {
            class: ExitClass::Done,
            message: message.into(),
            execution_id,
            reference: None,
            guard: None,
            delivery: Delivery::Answered,
            new_run: None,
        }
    }

    /// A call whose reply was lost, and whose change re-reading showed made.
    pub fn confirmed(message: impl Into<String>, execution_id: Option<String>) -> Self {
        Outcome {
            message: format!(
                "{} (confirmed after a lost reply: re-reading shows the change made)",
                message.into()
            ),
            delivery: Delivery::ConfirmedAfterLostReply,
            ..Outcome::done("", execution_id)
        }
    }

    /// A call whose reply was lost, where re-reading could not tell whether it reached AWS
    /// (exit class failed).
    pub fn unknown(message: impl Into<String>) -> Self {
        Outcome {
            message: format!(
                "unknown: may have reached AWS — check before retrying: {}",
                message.into()
            ),
            delivery: Delivery::Unknown,
            ..Outcome::failed("")
        }
    }

    /// A failed call.
    pub fn failed(message: impl Into<String>) -> Self {
        Outcome {
            class: ExitClass::Failed,
            message: message.into(),
            execution_id: None,
            reference: None,
            guard: None,
            delivery: Delivery::Answered,
            new_run: None,
        }
    }

    /// Refused when re-checked just before sending (nothing was sent).
    pub fn refused(refusal: Refusal) -> Self {
        Outcome {
            class: refusal.class,
            message: refusal.reason,
            execution_id: None,
            reference: None,
            guard: Some(refusal.guard),
            delivery: Delivery::Answered,
            new_run: None,
        }
    }
}
