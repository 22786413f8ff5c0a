//! The one planner both front ends call: what the operator asks for ([`Ask`]), the reads some
//! plans need ([`Reads`]), and [`plan`], which owns the idempotency token, the audit
//! parameters of a refusal and, through each action's planner, the call and its `aws` command.
//! The console's dialog and the CLI's commands only turn their input into an `Ask`.

use super::data::PipelineData;
use super::deploy::DeployOptions;
use super::guards::Guard;
use super::package::Package;
use super::release::LocalPackage;
use super::release_workflow::WorkflowRead;
use super::request::RunAction;
use super::runs::RunRead;
use super::shapes::{Context, OpKind, Planned, Refusal};
use crate::cloud::{ApprovalOutcome, RetryMode};
use crate::domain::{ConditionKind, ExecutionSummary, Timestamp};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Where a release comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseFrom {
    /// A package of this version under the release prefix.
    Version(String),
    /// A local package file, uploaded as this version first.
    Upload {
        /// The file.
        path: String,
        /// Its version.
        version: String,
        /// Its commit (`None`: the working tree's, read by the front end).
        commit: Option<String>,
    },
    /// Not chosen yet (the console's picker is open).
    Unchosen,
    /// The repository's release workflow, dispatched on a branch or tag with `NAME=VALUE`
    /// inputs: the team's way, through GitHub Actions.
    Workflow {
        /// The branch or tag.
        git_ref: String,
        /// `NAME=VALUE` words.
        inputs: Vec<String>,
    },
}

/// The action and the operator's input for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// Approve the pending approval, with an optional comment.
    Approve {
        /// Comment (empty: none).
        comment: String,
    },
    /// Reject the pending approval; the comment is required.
    Reject {
        /// Why.
        comment: String,
    },
    /// Start a new execution.
    Deploy {
        /// Pipeline variables.
        variables: BTreeMap<String, String>,
        /// An S3 object version of the source instead of the latest.
        source_version: Option<String>,
    },
    /// Stop the running execution.
    Stop {
        /// Abandon running actions.
        abandon: bool,
        /// Why (required).
        reason: String,
        /// The execution to stop: its id or the start of it (default: the newest running).
        execution: Option<String>,
    },
    /// Retry the failed stage.
    Retry {
        /// Every action of the stage, not only the failed ones.
        all: bool,
    },
    /// Promote or upload a release.
    Release(ReleaseFrom),
    /// Roll a stage back.
    Rollback {
        /// The stage (default: the deploy stage).
        stage: Option<String>,
        /// The execution to roll back to.
        to: Option<String>,
    },
    /// Disable a stage's inbound transition.
    Freeze {
        /// The stage (default: the deploy stage).
        stage: Option<String>,
        /// Why (required; shown while frozen).
        reason: String,
    },
    /// Enable a stage's inbound transition again.
    Unfreeze {
        /// The stage (default: the deploy stage).
        stage: Option<String>,
        /// Why (optional; the audit log keeps it, the API takes none).
        reason: String,
    },
    /// Invalidate CloudFront paths.
    Invalidate {
        /// The paths.
        paths: Vec<String>,
    },
    /// Override a stage condition in progress.
    Override {
        /// The stage (default: the first with a condition in progress).
        stage: Option<String>,
        /// The condition (default: the one in progress on the stage).
        condition: Option<ConditionKind>,
    },
    /// Re-run or cancel a GitHub Actions run.
    Run {
        /// The run.
        run_id: u64,
        /// What to do with it.
        action: RunAction,
    },
}

/// One request of an operator: the action and its input on one environment, and what makes the
/// confirmation's idempotency token unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// Environment name.
    pub env: String,
    /// The action and its input.
    pub what: What,
    /// When the operator asked (the console: when the dialog opened; the CLI: when it ran).
    pub asked_at: Timestamp,
    /// A number unique to this request in its front end (the console's request id; the CLI's
    /// process id and clock), for the idempotency token.
    pub nonce: u64,
}

/// What some plans need read beforehand, by the front end that plans.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reads<'a> {
    /// Release: the packages under the release prefix (`None`: not read).
    pub packages: Option<&'a [Package]>,
    /// Release upload: the local file read (size and SHA-256), with its release.
    pub local: Option<&'a LocalPackage>,
    /// Rollback: the executions that succeeded in the stage, newest first (`None`: being read).
    pub candidates: Option<&'a [ExecutionSummary]>,
    /// Release through the workflow: the workflow file, the ref's commit and the token, read.
    pub workflow: Option<&'a WorkflowRead>,
    /// Re-run or cancel: the run, its jobs and the token, read.
    pub run: Option<&'a RunRead>,
    /// Release on a V2 pipeline: the versions of the source key (`None`: not read).
    pub source_versions: Option<&'a super::release::SourceVersions>,
}

impl What {
    /// The action.
    pub fn kind(&self) -> OpKind {
        match self {
            What::Approve { .. } => OpKind::Approve,
            What::Reject { .. } => OpKind::Reject,
            What::Deploy { .. } => OpKind::Deploy,
            What::Stop { .. } => OpKind::Stop,
            What::Retry { .. } => OpKind::Retry,
            What::Release(_) => OpKind::Release,
            What::Rollback { .. } => OpKind::Rollback,
            What::Freeze { .. } => OpKind::Freeze,
            What::Unfreeze { .. } => OpKind::Unfreeze,
            What::Invalidate { .. } => OpKind::Invalidate,
            What::Override { .. } => OpKind::Override,
            What::Run { action, .. } => super::runs::kind(*action),
        }
    }
}

impl Ask {
    /// The action.
    pub fn kind(&self) -> OpKind {
        self.what.kind()
    }

    /// The idempotency token of this request: `shipdeck-<env>-<time>-<nonce>`, within
    /// CodePipeline's pattern `^[a-zA-Z0-9-]+$` and 128 characters (and CloudFront's
    /// CallerReference), whatever the environment's name.
    pub fn token(&self) -> String {
        let env: String = self
            .env
            .chars()
            .take(64)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!(
            "shipdeck-{env}-{:x}-{:x}",
            self.asked_at.0.max(0),
            self.nonce
        )
    }

    /// The operator's input as the audit log records it when no call is made (a refusal, a
    /// decline before a plan existed).
    pub fn params(&self) -> Value {
        match &self.what {
            What::Approve { comment } | What::Reject { comment } => json!({ "comment": comment }),
            What::Deploy {
                variables,
                source_version,
            } => json!({ "variables": variables, "source_version": source_version }),
            What::Stop {
                abandon,
                reason,
                execution,
            } => json!({ "abandon": abandon, "reason": reason, "execution": execution }),
            What::Retry { all } => json!({ "all": all }),
            What::Release(ReleaseFrom::Version(v)) => json!({ "from": v }),
            What::Release(ReleaseFrom::Upload {
                path,
                version,
                commit,
            }) => json!({ "package": path, "version": version, "commit": commit }),
            What::Release(ReleaseFrom::Unchosen) => json!({ "from": null }),
            What::Release(ReleaseFrom::Workflow { git_ref, inputs }) => {
                json!({ "workflow": "release", "ref": git_ref, "inputs": inputs })
            }
            What::Rollback { stage, to } => json!({ "to": to, "stage": stage }),
            What::Freeze { stage, reason } | What::Unfreeze { stage, reason } => {
                json!({ "reason": reason, "stage": stage })
            }
            What::Invalidate { paths } => json!({ "paths": paths }),
            What::Override { stage, condition } => {
                json!({ "stage": stage, "condition": condition.map(ConditionKind::as_str) })
            }
            What::Run { run_id, action } => json!({ "run_id": run_id, "action": action }),
        }
    }
}

/// Plans `ask` with the environment's data and the reads it needed: the one planner of both
/// front ends.
pub fn plan(ctx: &Context<'_>, data: PipelineData<'_>, reads: Reads<'_>, ask: &Ask) -> Planned {
    let planned = match &ask.what {
        What::Approve { comment } => {
            super::approve::plan(ctx, data, ApprovalOutcome::Approved, Some(comment.as_str()))
        }
        What::Reject { comment } => {
            super::approve::plan(ctx, data, ApprovalOutcome::Rejected, Some(comment.as_str()))
        }
        What::Deploy {
            variables,
            source_version,
        } => {
            let opts = DeployOptions {
                client_request_token: ask.token(),
                variables: variables.clone(),
                source_version: source_version.clone(),
            };
            super::deploy::plan(ctx, data, &opts)
        }
        What::Stop {
            abandon,
            reason,
            execution,
        } => super::stop::plan(ctx, data, *abandon, reason, execution.as_deref()),
        What::Retry { all } => {
            let mode = if *all {
                RetryMode::AllActions
            } else {
                RetryMode::FailedActions
            };
            super::retry::plan(ctx, data, mode)
        }
        What::Release(from) => release(ctx, data, reads, from, &ask.token()),
        What::Rollback { stage, to } => {
            let stage = stage.clone().or_else(|| {
                data.def
                    .and_then(super::rollback::default_stage)
                    .map(str::to_string)
            });
            match stage {
                Some(stage) => {
                    super::rollback::plan(ctx, data, &stage, reads.candidates, to.as_deref())
                }
                None => {
                    super::guards::read_only(ctx)?;
                    Err(Refusal::by(
                        Guard::Input,
                        format!(
                            "{}: no deploy stage to roll back (the pipeline is not loaded yet, or \
                             name one with --stage)",
                            ctx.spec.name
                        ),
                    ))
                }
            }
        }
        What::Freeze { stage, reason } => {
            super::freeze::plan(ctx, data, OpKind::Freeze, stage.as_deref(), reason)
        }
        What::Unfreeze { stage, reason } => {
            super::freeze::plan(ctx, data, OpKind::Unfreeze, stage.as_deref(), reason)
        }
        What::Invalidate { paths } => super::invalidate::plan(ctx, paths, &ask.token()),
        What::Override { stage, condition } => {
            super::override_condition::plan(ctx, data, stage.as_deref(), *condition)
        }
        What::Run { run_id, action } => match reads.run.filter(|r| r.run.id == *run_id) {
            Some(read) => super::runs::plan(ctx, read, *action),
            None => {
                super::guards::read_only(ctx)?;
                Err(Refusal::by(
                    Guard::Input,
                    format!("run {run_id} is not read yet"),
                ))
            }
        },
    };
    // A plan on the pipeline state says when that state is older than the latest read, which
    // failed: unknown is not none, and the operator learns it before confirming, not at Enter.
    let stale = match ask.what {
        What::Invalidate { .. } | What::Run { .. } => None,
        _ => data.stale_warning(&ctx.spec.name, ctx.now),
    };
    let planned = match stale {
        None => planned,
        Some(w) => planned
            .map(|mut p| {
                p.warnings.insert(0, w.clone());
                p
            })
            .map_err(|mut r| {
                if let Some(d) = r.draft.as_mut() {
                    d.warnings.insert(0, w);
                }
                r
            }),
    };
    planned.map(|mut p| {
        if let What::Unfreeze { reason, .. } = &ask.what {
            let reason = reason.trim();
            p.note = (!reason.is_empty()).then(|| format!("reason: {reason}"));
        }
        // The equivalent command runs as the environment's identity (a GitHub one is no AWS
        // identity's).
        if let Some(id) = ctx.aws_identity
            && p.call.service != "github"
        {
            p.aws_command = id.command(&p.aws_command);
        }
        p
    })
}

fn release(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    reads: Reads<'_>,
    from: &ReleaseFrom,
    token: &str,
) -> Planned {
    let read_only = super::guards::read_only(ctx);
    match from {
        ReleaseFrom::Unchosen => {
            read_only?;
            Err(Refusal::by(
                Guard::Input,
                "choose a release package from the list",
            ))
        }
        ReleaseFrom::Version(version) => {
            let Some(packages) = reads.packages else {
                read_only?;
                return Err(Refusal::by(
                    Guard::Input,
                    "the release packages are not read yet",
                ));
            };
            super::release::plan_promote(ctx, data, packages, version, reads.source_versions, token)
        }
        ReleaseFrom::Workflow { git_ref, inputs } => match reads.workflow {
            Some(read) => super::release_workflow::plan(ctx, data, read, inputs),
            None => {
                read_only?;
                Err(Refusal::by(
                    Guard::Input,
                    format!("the release workflow at {git_ref} is not read yet"),
                ))
            }
        },
        ReleaseFrom::Upload { path, .. } => match (reads.packages, reads.local) {
            (Some(packages), Some(local)) => {
                super::release::plan_upload(ctx, data, packages, local)
            }
            _ => {
                read_only?;
                Err(Refusal::by(
                    Guard::Input,
                    format!("{path} and the release packages are not read yet"),
                ))
            }
        },
    }
}
