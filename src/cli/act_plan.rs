//! From a mutating command to its plan: what it asks for, the extra reads some plans need
//! (the release catalogue, rollback candidates, the local package), then the pure planner.

use super::Failure;
use super::args::{ActFlags, Command};
use crate::cloud::{ApprovalOutcome, Cloud, RetryMode};
use crate::domain::{Release, Version};
use crate::ops::approve::PipelineData;
use crate::ops::deploy::DeployOptions;
use crate::ops::release::LocalPackage;
use crate::ops::{self, Context, Guard, OpKind, Planned, Refusal};
use serde_json::{Value, json};

/// What one command asks for, independent of the data.
pub struct Ask {
    /// The action.
    pub kind: OpKind,
    /// Environment.
    pub env: String,
    /// The command's parameters, for the audit log of a refusal.
    pub params: Value,
    /// `--yes`, `--dry-run`, `--output`.
    pub flags: ActFlags,
    /// Follow the result (`invalidate` only with `--wait`).
    pub verify: bool,
}

/// The request of a mutating command; `None` for the others.
pub fn ask(command: &Command) -> Option<Ask> {
    let (kind, env, params, flags) = match command {
        Command::Approve(a) => (
            OpKind::Approve,
            &a.env,
            json!({ "comment": a.comment }),
            &a.flags,
        ),
        Command::Reject(a) => (
            OpKind::Reject,
            &a.env,
            json!({ "comment": a.comment }),
            &a.flags,
        ),
        Command::Deploy(a) => (
            OpKind::Deploy,
            &a.env,
            json!({ "variables": a.vars, "source_version": a.source_version }),
            &a.flags,
        ),
        Command::Stop(a) => (
            OpKind::Stop,
            &a.env,
            json!({ "abandon": a.abandon, "reason": a.reason }),
            &a.flags,
        ),
        Command::Retry(a) => (OpKind::Retry, &a.env, json!({ "all": a.all }), &a.flags),
        Command::Release(a) => (
            OpKind::Release,
            &a.env,
            json!({ "from": a.from, "package": a.package, "version": a.version }),
            &a.flags,
        ),
        Command::Rollback(a) => (
            OpKind::Rollback,
            &a.env,
            json!({ "to": a.to, "stage": a.stage }),
            &a.flags,
        ),
        Command::Freeze(a) | Command::Unfreeze(a) => (
            if matches!(command, Command::Freeze(_)) {
                OpKind::Freeze
            } else {
                OpKind::Unfreeze
            },
            &a.env,
            json!({ "reason": a.reason, "stage": a.stage }),
            &a.flags,
        ),
        Command::Invalidate(a) => (
            OpKind::Invalidate,
            &a.env,
            json!({ "paths": a.paths }),
            &a.flags,
        ),
        _ => return None,
    };
    Some(Ask {
        kind,
        env: env.clone(),
        params,
        flags: flags.clone(),
        verify: !matches!(command, Command::Invalidate(a) if !a.wait),
    })
}

/// An idempotency token unique to this confirmation.
fn request_token(env: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("shipdeck-{env}-{nanos:x}-{:x}", std::process::id())
}

/// The commit of the working tree, for an uploaded package.
fn git_commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Reads what the plan needs, then plans.
pub async fn plan(
    command: &Command,
    cloud: &Cloud,
    ctx: &Context<'_>,
    data: PipelineData<'_>,
) -> Result<Planned, Failure> {
    let spec = ctx.spec;
    Ok(match command {
        Command::Approve(a) => {
            ops::approve::plan(ctx, data, ApprovalOutcome::Approved, a.comment.as_deref())
        }
        Command::Reject(a) => {
            ops::approve::plan(ctx, data, ApprovalOutcome::Rejected, Some(&a.comment))
        }
        Command::Deploy(a) => {
            let opts = DeployOptions {
                client_request_token: request_token(&spec.name),
                variables: a.vars.iter().cloned().collect(),
                source_version: a.source_version.clone(),
            };
            ops::deploy::plan(ctx, data, &opts)
        }
        Command::Stop(a) => ops::stop::plan(ctx, data, a.abandon, &a.reason),
        Command::Retry(a) => {
            let mode = if a.all {
                RetryMode::AllActions
            } else {
                RetryMode::FailedActions
            };
            ops::retry::plan(ctx, data, mode)
        }
        Command::Release(a) => {
            let catalogue = ops::release::catalogue_for(cloud, spec, a.from.as_deref())
                .await
                .map_err(|e| Failure::new(format!("release catalogue of {}: {e}", spec.name)))?;
            let packages = &catalogue.packages;
            match (&a.from, &a.package, &a.version) {
                (Some(from), _, _) => ops::release::plan_promote(ctx, data, packages, from)
                    .map_err(|r| catalogue.explain(from, r)),
                (None, Some(path), Some(version)) => {
                    let path = path.display().to_string();
                    let (bytes, sha256) = ops::upload::read_package(&path).map_err(Failure::new)?;
                    let local = LocalPackage {
                        path,
                        size: bytes.len() as u64,
                        sha256,
                        release: Release {
                            version: Version::parse(version).unwrap_or(Version::new(0, 0, 0)),
                            commit: a.commit.clone().unwrap_or_else(git_commit),
                            actor: ctx.identity.map_or("unknown".into(), ops::guards::person),
                        },
                    };
                    ops::release::plan_upload(ctx, data, packages, &local)
                }
                _ => Err(Refusal::by(
                    Guard::Input,
                    "give --from VERSION or --package PATH --version V",
                )),
            }
        }
        Command::Rollback(a) => {
            let stage = a.stage.clone().or_else(|| {
                data.def
                    .and_then(ops::rollback::default_stage)
                    .map(str::to_string)
            });
            let Some(stage) = stage else {
                return Ok(Err(Refusal::by(
                    Guard::Input,
                    "no deploy stage found; name one with --stage",
                )));
            };
            let candidates = cloud
                .pipelines
                .list_succeeded_in_stage(&spec.pipeline, &stage, 20)
                .await
                .map_err(|e| Failure::new(format!("executions of {}: {e}", spec.pipeline)))?;
            ops::rollback::plan(ctx, data, &stage, &candidates, a.to.as_deref())
        }
        Command::Freeze(a) => ops::freeze::plan(ctx, data, a.stage.as_deref(), Some(&a.reason)),
        Command::Unfreeze(a) => {
            let planned = ops::freeze::plan(ctx, data, a.stage.as_deref(), None);
            planned.map(|mut p| {
                p.summary
                    .push(format!("reason:        {}", a.reason.trim()));
                p
            })
        }
        Command::Invalidate(a) => ops::invalidate::plan(ctx, &a.paths, &request_token(&spec.name)),
        _ => Err(Refusal::by(Guard::Input, "not a mutating command")),
    })
}
