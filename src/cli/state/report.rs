//! The JSON shapes of the CLI, built from the app state (the same facts the TUI shows).

use crate::app::{Deployed, EnvView, Lag, Mode, State, deploy_failure};
use crate::domain::{
    Approval, ConditionView, DeployerCheck, ExecutionSummary, ExecutionType, PipelineType,
    ResolvedVariable, StageDef, StageState, Timestamp, condition_views, human,
};
use serde::Serialize;

/// `shipdeck status --output json`.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    /// `demo` or `aws`.
    pub mode: &'static str,
    /// The backend's time (RFC 3339).
    pub now: String,
    /// Caller identity ARN.
    pub identity: Option<String>,
    /// Environments in promotion order.
    pub environments: Vec<EnvReport>,
    /// Pending approvals, oldest first; `null` when an environment's could not be read.
    pub pending_approvals: Option<Vec<ApprovalReport>>,
    /// When some environment could not be read: the approvals of those that could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_approvals_read: Option<Vec<ApprovalReport>>,
    /// What could not be read, and so shows as `null` above.
    pub errors: Vec<ErrorReport>,
}

/// Something a report could not read.
#[derive(Debug, Serialize)]
pub struct ErrorReport {
    /// The system it belongs to, when the configuration names several (`[[systems]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The environment concerned.
    pub environment: String,
    /// What is unknown (`pending approvals`, `deployed version`, `stage statuses`).
    pub unknown: &'static str,
    /// Why.
    pub error: String,
}

/// One environment.
#[derive(Debug, Serialize)]
pub struct EnvReport {
    /// The system it belongs to, when the configuration names several (`[[systems]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Name.
    pub name: String,
    /// The AWS account its calls are made in (`GetCallerIdentity` of its identity); `null` when
    /// that could not be read (see `errors`).
    pub account: Option<String>,
    /// The caller ARN its calls are made as (its role session, when it assumes a role).
    pub caller: Option<String>,
    /// Protected (prd).
    pub protected: bool,
    /// Deployed release version.
    pub deployed_version: Option<String>,
    /// Deployed commit.
    pub deployed_commit: Option<String>,
    /// Who published the deployed release.
    pub deployed_by: Option<String>,
    /// The commit it runs (as the release the deploy stage last shipped names it).
    pub commit: Option<String>,
    /// How many commits `main` has that `commit` has not (GitHub's compare); `null` without
    /// `[github]` or a commit, or when it could not be read (see `errors`).
    pub commits_behind_main: Option<u32>,
    /// `true` when the repository does not have `commit` (a local build, or history rewritten):
    /// then there is no lag to count, and that is no error. Left out otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub commit_not_in_repository: bool,
    /// Where that is known from: `deploy-stage` (the execution that last succeeded in the
    /// deploy stage) or `source-object` (no execution succeeded there yet; the pipeline's source
    /// object holds this release); `null` when nothing runs or it is unknown.
    pub deployed_from: Option<&'static str>,
    /// The execution that deployed it.
    pub deployed_execution: Option<String>,
    /// When the last deployment finished.
    pub last_deploy: Option<String>,
    /// Pipeline health (`running`, `succeeded`, `failed`, `awaiting approval`, …).
    pub status: String,
    /// The deploy that failed after what runs succeeded, when the deploy stage's latest run
    /// failed and a newer execution is what `status` describes; `null` otherwise.
    pub last_deploy_failed: Option<DeployFailureReport>,
    /// Stage running now.
    pub current_stage: Option<String>,
    /// CloudFront distribution status.
    pub distribution_status: Option<String>,
    /// Releases behind the environment it promotes from.
    pub releases_behind: Option<usize>,
    /// The environment it promotes from.
    pub promotes_from: Option<String>,
    /// Error of the last failed refresh, if the data is stale.
    pub stale_error: Option<String>,
    /// Whether its deployer is the newest image; `null` when that is not known (see `errors`) or
    /// the pipeline deploys without a CodeBuild project.
    pub deployer: Option<DeployerReport>,
    /// The pipeline.
    pub pipeline: PipelineReport,
}

/// A deploy that failed: what runs is older than what was last tried.
#[derive(Debug, Serialize)]
pub struct DeployFailureReport {
    /// The execution that failed in the deploy stage.
    pub execution: String,
    /// The release it shipped, when its source names one.
    pub version: Option<String>,
    /// The deploy stage.
    pub stage: String,
    /// When it failed.
    pub at: Option<String>,
    /// The failed action's error.
    pub error: Option<String>,
}

/// The deployer image an environment's CodeBuild Deploy project runs.
#[derive(Debug, Serialize)]
pub struct DeployerReport {
    /// The project's image (`<registry>/<repository>:<tag>` or `…@sha256:…`).
    pub image: String,
    /// The tag (or short digest) it runs.
    pub runs: String,
    /// The newest image of the repository (its tag, else its short digest).
    pub newest: String,
    /// When the newest was pushed, when it is not the one running.
    pub newest_pushed_at: Option<String>,
    /// `true` when a newer image than the one it runs was pushed: a warning.
    pub stale: bool,
}

fn deployer(check: Option<DeployerCheck>) -> Option<DeployerReport> {
    match check? {
        DeployerCheck::Current { image, newest } => Some(DeployerReport {
            image,
            runs: newest.clone(),
            newest,
            newest_pushed_at: None,
            stale: false,
        }),
        DeployerCheck::Stale {
            image,
            runs,
            newest,
            pushed_at,
        } => Some(DeployerReport {
            image,
            runs,
            newest,
            newest_pushed_at: Some(pushed_at.rfc3339()),
            stale: true,
        }),
        DeployerCheck::Unknown(_) | DeployerCheck::NoProject(_) => None,
    }
}

/// A pipeline with its stages and recent executions.
#[derive(Debug, Serialize)]
pub struct PipelineReport {
    /// Pipeline name.
    pub name: String,
    /// `V1` or `V2`; `null` when the definition could not be read or does not say.
    pub pipeline_type: Option<&'static str>,
    /// `SUPERSEDED`, `QUEUED` or `PARALLEL`; `null` when the definition could not be read.
    pub execution_mode: Option<&'static str>,
    /// Stages in order.
    pub stages: Vec<StageReport>,
    /// Recent executions, newest first.
    pub executions: Vec<ExecutionReport>,
}

/// A stage and its actions.
#[derive(Debug, Serialize)]
pub struct StageReport {
    /// Stage name.
    pub name: String,
    /// Latest status (`InProgress`, `Succeeded`, `Failed`, …), `null` if it never ran.
    pub status: Option<&'static str>,
    /// Execution in (or last through) the stage.
    pub execution_id: Option<String>,
    /// Whether executions may enter it (`null` when the state could not be read).
    pub inbound_enabled: Option<bool>,
    /// The execution waiting to enter it (`inboundExecution`), if any.
    pub inbound_execution_id: Option<String>,
    /// The executions queued at its entry (QUEUED mode), first in line first.
    pub queued: Vec<String>,
    /// Its conditions (V2): declared, with their live state.
    pub conditions: Vec<ConditionReport>,
    /// Retries of the latest execution in it: `{auto, manual}`; `null` when none.
    pub retries: Option<RetriesReport>,
    /// Actions.
    pub actions: Vec<ActionReport>,
}

/// A stage condition: `kind`, `result`, `status`, `rules[]` (`name`, `type`, `status`,
/// `summary`), and what it is doing, in words.
#[derive(Debug, Serialize)]
pub struct ConditionReport {
    /// The condition.
    #[serde(flatten)]
    pub condition: ConditionView,
    /// What it is doing (`blocked by DeploymentWindow `prod-hours` until 09:00 Europe/Berlin`).
    pub summary: String,
}

/// A stage's retry counts.
#[derive(Debug, Serialize)]
pub struct RetriesReport {
    /// Automatic retries (onFailure RETRY).
    pub auto: u32,
    /// Manual retries.
    pub manual: u32,
}

/// An action's latest run.
#[derive(Debug, Serialize)]
pub struct ActionReport {
    /// Action name.
    pub name: String,
    /// Status, `null` if it never ran.
    pub status: Option<&'static str>,
    /// Summary.
    pub summary: Option<String>,
    /// Error message of a failed run.
    pub error: Option<String>,
    /// Last status change.
    pub last_status_change: Option<String>,
}

/// One execution.
#[derive(Debug, Serialize)]
pub struct ExecutionReport {
    /// Execution id.
    pub id: String,
    /// Status.
    pub status: &'static str,
    /// Release version it ships.
    pub version: Option<String>,
    /// Commit.
    pub commit: Option<String>,
    /// Trigger actor.
    pub triggered_by: String,
    /// Start.
    pub start: String,
    /// Last update.
    pub last_update: String,
    /// Status summary.
    pub summary: Option<String>,
    /// The reason given when it was stopped (`stopTrigger.reason`).
    pub stop_reason: Option<String>,
    /// `STANDARD` or `ROLLBACK`.
    pub execution_type: &'static str,
    /// For a rollback: the execution it rolled back to.
    pub rollback_target: Option<String>,
    /// Its resolved variables (read only for one execution; empty in listings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<ResolvedVariable>,
}

/// A pending approval.
#[derive(Debug, Serialize)]
pub struct ApprovalReport {
    /// The system it belongs to, when the configuration names several (`[[systems]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Environment.
    pub environment: String,
    /// Pipeline.
    pub pipeline: String,
    /// Stage.
    pub stage: String,
    /// Action.
    pub action: String,
    /// Execution waiting.
    pub execution_id: String,
    /// Release version it would ship.
    pub version: Option<String>,
    /// Commit.
    pub commit: Option<String>,
    /// Who published the release.
    pub release_actor: Option<String>,
    /// Who triggered the execution.
    pub triggered_by: Option<String>,
    /// Since when it waits (RFC 3339).
    pub waiting_since: String,
    /// How long it has waited, for people.
    pub waited: String,
    /// When CodePipeline fails it if unanswered (RFC 3339): when it started waiting plus its
    /// action's `timeoutInMinutes` (7 days when the pipeline sets none).
    pub expires_at: String,
    /// The action's timeout in minutes.
    pub timeout_minutes: i64,
}

fn stage(s: &StageState, def: Option<&StageDef>, now: Timestamp) -> StageReport {
    let declared = def.map_or(&[][..], |d| d.conditions.as_slice());
    StageReport {
        queued: s
            .queued
            .iter()
            .map(|q| q.pipeline_execution_id.clone())
            .collect(),
        conditions: condition_views(declared, &s.conditions)
            .into_iter()
            .map(|c| ConditionReport {
                summary: c.live_text(now),
                condition: c,
            })
            .collect(),
        retries: s.retries.as_ref().map(|r| RetriesReport {
            auto: r.auto_attempts,
            manual: r.manual_attempts,
        }),
        name: s.name.clone(),
        status: s.latest.as_ref().map(|l| l.status.as_str()),
        execution_id: s.latest.as_ref().map(|l| l.pipeline_execution_id.clone()),
        inbound_enabled: Some(s.inbound.enabled),
        inbound_execution_id: s
            .inbound_execution
            .as_ref()
            .map(|w| w.pipeline_execution_id.clone()),
        actions: s
            .actions
            .iter()
            .map(|a| ActionReport {
                name: a.name.clone(),
                status: a.latest.as_ref().map(|l| l.status.as_str()),
                summary: a.latest.as_ref().and_then(|l| l.summary.clone()),
                error: a
                    .latest
                    .as_ref()
                    .and_then(|l| l.error.as_ref().map(|e| e.message.clone())),
                last_status_change: a.latest.as_ref().map(|l| l.last_status_change.rfc3339()),
            })
            .collect(),
    }
}

/// An execution row.
pub fn execution(e: &ExecutionSummary) -> ExecutionReport {
    let release = e.release();
    ExecutionReport {
        id: e.id.clone(),
        status: e.status.as_str(),
        version: release.as_ref().map(|r| r.version.to_string()),
        commit: release.map(|r| r.commit),
        triggered_by: e.trigger.actor().to_string(),
        start: e.start.rfc3339(),
        last_update: e.last_update.rfc3339(),
        summary: e.status_summary.clone(),
        stop_reason: e.stop_reason.clone(),
        execution_type: match e.execution_type {
            ExecutionType::Standard => "STANDARD",
            ExecutionType::Rollback => "ROLLBACK",
        },
        rollback_target: e.rollback_target.clone(),
        variables: e.variables.clone(),
    }
}

/// The stages of a definition whose live state could not be read: statuses unknown (`null`).
fn defined_stage(s: &StageDef, now: Timestamp) -> StageReport {
    StageReport {
        queued: Vec::new(),
        // Declared, their live state unknown as the stages' are.
        conditions: condition_views(&s.conditions, &[])
            .into_iter()
            .map(|c| ConditionReport {
                summary: c.live_text(now),
                condition: c,
            })
            .collect(),
        retries: None,
        name: s.name.clone(),
        status: None,
        execution_id: None,
        inbound_enabled: None,
        inbound_execution_id: None,
        actions: s
            .actions
            .iter()
            .map(|a| ActionReport {
                name: a.name.clone(),
                status: None,
                summary: None,
                error: None,
                last_status_change: None,
            })
            .collect(),
    }
}

/// The pipeline of one environment (its definition's stages when the state is unknown).
pub fn pipeline(env: &EnvView, now: Timestamp) -> PipelineReport {
    let def_of = |name: &str| {
        env.def
            .as_ref()
            .and_then(|d| d.stages.iter().find(|s| s.name == name))
    };
    let stages = match (&env.state, &env.def) {
        (Some(s), _) => s
            .stages
            .iter()
            .map(|s| stage(s, def_of(&s.name), now))
            .collect(),
        (None, Some(def)) => def.stages.iter().map(|s| defined_stage(s, now)).collect(),
        (None, None) => Vec::new(),
    };
    PipelineReport {
        pipeline_type: env
            .def
            .as_ref()
            .and_then(|d| d.pipeline_type)
            .map(|t| match t {
                PipelineType::V1 => "V1",
                PipelineType::V2 => "V2",
            }),
        execution_mode: env.def.as_ref().map(|d| d.execution_mode.as_str()),
        name: env.spec.pipeline.clone(),
        stages,
        executions: env.executions.iter().map(execution).collect(),
    }
}

/// One approval.
pub fn approval(a: &Approval, state: &State) -> ApprovalReport {
    ApprovalReport {
        system: None,
        environment: a.environment.clone(),
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        execution_id: a.execution_id.clone(),
        version: a.release.as_ref().map(|r| r.version.to_string()),
        commit: a.release.as_ref().map(|r| r.commit.clone()),
        release_actor: a.release.as_ref().map(|r| r.actor.clone()),
        triggered_by: a.triggered_by.clone(),
        waiting_since: a.waiting_since.rfc3339(),
        waited: human(state.now.since(a.waiting_since)),
        expires_at: a.expires_at().rfc3339(),
        timeout_minutes: a.timeout / crate::domain::Timestamp::MINUTE,
    }
}

/// The environments whose pending approvals are unknown, and why.
pub fn unknown_approvals(state: &State) -> Vec<ErrorReport> {
    state
        .envs
        .iter()
        .filter_map(|e| {
            e.approvals_known().err().map(|error| ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "pending approvals",
                error,
            })
        })
        .collect()
}

/// Everything a status report could not read: pending approvals, deployed versions, how far
/// behind an environment is.
pub fn unknowns(state: &State) -> Vec<ErrorReport> {
    let mut out = unknown_approvals(state);
    for (i, e) in state.envs.iter().enumerate() {
        let Some(s) = state.summary(i) else { continue };
        if let Deployed::Unknown(error) = s.deployed {
            out.push(ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "deployed version",
                error,
            });
        }
        if let Some(error) = s.behind_unknown {
            out.push(ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "releases behind",
                error,
            });
        }
        let main_lag = match state.main_lag(i) {
            Lag::Unknown(error) => Some(error),
            Lag::Reading => Some("not read".to_string()),
            Lag::None | Lag::Behind(_) | Lag::NotInRepository => None,
        };
        if let Some(error) = main_lag {
            out.push(ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "commits behind main",
                error,
            });
        }
        if state.accounts.who(i).is_none() {
            out.push(ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "account",
                error: (state.accounts.unknown(i))
                    .unwrap_or("not read")
                    .to_string(),
            });
        }
        let deployer = match state.deployer(i) {
            Some(DeployerCheck::Unknown(error)) => Some(error),
            None => Some("not read".to_string()),
            Some(DeployerCheck::Current { .. } | DeployerCheck::Stale { .. })
            | Some(DeployerCheck::NoProject(_)) => None,
        };
        if let Some(error) = deployer {
            out.push(ErrorReport {
                system: None,
                environment: e.spec.name.clone(),
                unknown: "deployer image",
                error,
            });
        }
    }
    out
}

/// The whole status report.
pub fn status(state: &State) -> StatusReport {
    let environments: Vec<EnvReport> = state
        .envs
        .iter()
        .enumerate()
        .filter_map(|(i, env)| {
            let s = state.summary(i)?;
            let who = state.accounts.who(i);
            Some(EnvReport {
                system: None,
                account: who.map(|w| w.account.clone()),
                caller: who.map(|w| w.arn.clone()),
                name: s.name,
                protected: s.protected,
                deployed_version: s.deployed.release().map(|r| r.version.to_string()),
                deployed_commit: s.deployed.release().map(|r| r.commit.clone()),
                deployed_by: s.deployed.release().map(|r| r.actor.clone()),
                commit: state.env_commit(i),
                commits_behind_main: match state.main_lag(i) {
                    Lag::Behind(n) => Some(n),
                    _ => None,
                },
                commit_not_in_repository: state.main_lag(i) == Lag::NotInRepository,
                deployed_from: match &s.deployed {
                    Deployed::Execution(..) => Some("deploy-stage"),
                    Deployed::SourceObject(_) => Some("source-object"),
                    _ => None,
                },
                deployed_execution: match &s.deployed {
                    Deployed::Execution(e, _) => Some(e.id.clone()),
                    _ => None,
                },
                last_deploy: s.last_deploy.map(|t| t.rfc3339()),
                status: s.health.label().to_string(),
                last_deploy_failed: deploy_failure(env).map(|f| DeployFailureReport {
                    version: f.release.as_ref().map(|r| r.version.to_string()),
                    at: f.at.map(|t| t.rfc3339()),
                    execution: f.execution,
                    stage: f.stage,
                    error: f.error,
                }),
                current_stage: s.current_stage,
                distribution_status: s.distribution_status,
                releases_behind: s.behind.as_ref().map(|b| b.0),
                promotes_from: env.spec.promotes_from.clone(),
                stale_error: env.refresh.error.as_ref().map(|st| st.error.clone()),
                deployer: deployer(state.deployer(i)),
                pipeline: pipeline(env, state.now),
            })
        })
        .collect();
    let mut errors = unknowns(state);
    let complete = errors.iter().all(|e| e.unknown != "pending approvals");
    let mut read: Vec<ApprovalReport> = state
        .approvals()
        .iter()
        .map(|a| approval(a, state))
        .collect();
    let mut environments = environments;
    // Each fact under the name of the system it was read in.
    let system = &state.systems.current;
    (environments.iter_mut()).for_each(|e| e.system.clone_from(system));
    (errors.iter_mut()).for_each(|e| e.system.clone_from(system));
    (read.iter_mut()).for_each(|a| a.system.clone_from(system));
    let (pending_approvals, pending_approvals_read) = if complete {
        (Some(read), None)
    } else {
        (None, Some(read))
    };
    StatusReport {
        mode: match state.session.mode {
            Mode::Demo => "demo",
            Mode::Aws => "aws",
        },
        now: state.now.rfc3339(),
        identity: state.session.identity.clone(),
        environments,
        pending_approvals,
        pending_approvals_read,
        errors,
    }
}
