//! From a mutating command to its plan: the command becomes an `ops::Ask`, the extra reads some
//! plans need are made (the release catalogue, rollback candidates, the local package), then
//! the one planner the console calls too.

use crate::cli::Failure;
use crate::cli::args::{ActFlags, Command, RunsArgs, RunsCommand};
use crate::cloud::Cloud;
use crate::domain::{ExecutionSummary, Release, Timestamp, Version};
use crate::ops::plan::PipelineData;
use crate::ops::plan::RunAction;
use crate::ops::plan::package::Catalogue;
use crate::ops::plan::release::LocalPackage;
use crate::ops::plan::release_workflow::{self, WorkflowRead};
use crate::ops::plan::runs::{RunRead, run_target};
use crate::ops::{self, Ask, Context, Planned, Reads, ReleaseFrom, What};

/// Rollback candidates listed (as the console does).
pub const CANDIDATES: usize = 20;

/// What one command asks for, with the flags that steer how the CLI runs it.
pub struct Asked {
    /// The request, as the console would make it.
    pub ask: Ask,
    /// `--yes`, `--dry-run`, `--output`.
    pub flags: ActFlags,
    /// Follow the result (`invalidate` only with `--wait`).
    pub verify: bool,
}

/// The request of a mutating command, asked at `now`; `None` for the other commands.
pub fn ask(command: &Command, now: Timestamp) -> Option<Asked> {
    // `release --workflow` without ENV: found from the workflow once it is read.
    let no_env = String::new();
    let (env, what, flags) = match command {
        Command::Approve(a) => (
            &a.env,
            What::Approve {
                comment: a.comment.clone().unwrap_or_default(),
            },
            &a.flags,
        ),
        Command::Reject(a) => (
            &a.env,
            What::Reject {
                comment: a.comment.clone(),
            },
            &a.flags,
        ),
        Command::Deploy(a) => (
            &a.env,
            What::Deploy {
                variables: a.vars.iter().cloned().collect(),
                source_version: a.source_version.clone(),
            },
            &a.flags,
        ),
        Command::Stop(a) => (
            &a.env,
            What::Stop {
                abandon: a.abandon,
                reason: a.reason.clone(),
                execution: a.execution.clone(),
            },
            &a.flags,
        ),
        Command::Retry(a) => (&a.env, What::Retry { all: a.all }, &a.flags),
        Command::Release(a) => {
            let from = match (&a.from, &a.package, &a.version) {
                _ if a.workflow => ReleaseFrom::Workflow {
                    git_ref: a.git_ref.clone(),
                    inputs: a.inputs.clone(),
                },
                (Some(from), _, _) => ReleaseFrom::Version(from.clone()),
                (None, Some(path), Some(version)) => ReleaseFrom::Upload {
                    path: path.display().to_string(),
                    version: version.clone(),
                    commit: a.commit.clone(),
                },
                _ => ReleaseFrom::Unchosen,
            };
            (
                a.env.as_ref().unwrap_or(&no_env),
                What::Release(from),
                &a.flags,
            )
        }
        Command::Rollback(a) => (
            &a.env,
            What::Rollback {
                stage: a.stage.clone(),
                to: a.to.clone(),
            },
            &a.flags,
        ),
        Command::Freeze(a) => (
            &a.env,
            What::Freeze {
                stage: a.stage.clone(),
                reason: a.reason.clone().unwrap_or_default(),
            },
            &a.flags,
        ),
        Command::Unfreeze(a) => (
            &a.env,
            What::Unfreeze {
                stage: a.stage.clone(),
                reason: a.reason.clone().unwrap_or_default(),
            },
            &a.flags,
        ),
        Command::Override(a) => (
            &a.env,
            What::Override {
                stage: a.stage.clone(),
                condition: a.condition,
            },
            &a.flags,
        ),
        Command::Invalidate(a) => (
            &a.env,
            What::Invalidate {
                paths: a.paths.clone(),
            },
            &a.flags,
        ),
        Command::Runs(RunsArgs {
            command:
                Some(RunsCommand::Rerun {
                    run_id,
                    failed,
                    flags,
                }),
            ..
        }) => (
            &no_env,
            What::Run {
                run_id: *run_id,
                action: if *failed {
                    RunAction::RerunFailed
                } else {
                    RunAction::Rerun
                },
            },
            flags,
        ),
        Command::Runs(RunsArgs {
            command: Some(RunsCommand::Cancel { run_id, flags }),
            ..
        }) => (
            &no_env,
            What::Run {
                run_id: *run_id,
                action: RunAction::Cancel,
            },
            flags,
        ),
        _ => return None,
    };
    Some(Asked {
        ask: Ask {
            env: env.clone(),
            what,
            asked_at: now,
            nonce: u64::from(std::process::id()),
        },
        flags: flags.clone(),
        verify: !matches!(command, Command::Invalidate(a) if !a.wait),
    })
}

/// The stage a rollback acts on: the one asked for, else the deploy stage of the definition.
pub fn rollback_stage(ask: &Ask, data: &PipelineData<'_>) -> Option<String> {
    match &ask.what {
        What::Rollback { stage, .. } => stage.clone().or_else(|| {
            data.def
                .and_then(ops::plan::rollback::default_stage)
                .map(str::to_string)
        }),
        _ => None,
    }
}

/// Lists the executions that succeeded in `stage`, newest first; a stage the definition `def`
/// (when read) does not have is a bad `--stage` (exit 2), named with the stages it has.
pub async fn candidates(
    cloud: &Cloud,
    pipeline: &str,
    stage: &str,
    def: Option<&crate::domain::PipelineDef>,
) -> Result<Vec<ExecutionSummary>, Failure> {
    if let Some(def) = def
        && !def.stages.iter().any(|s| s.name == stage)
    {
        let names: Vec<&str> = def.stages.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::usage(format!(
            "--stage: unknown stage `{stage}` of {pipeline}; expected one of {}",
            names.join(", ")
        )));
    }
    cloud
        .pipelines
        .list_succeeded_in_stage(pipeline, stage, CANDIDATES)
        .await
        .map_err(|e| {
            Failure::new(format!(
                "executions that succeeded in {stage} of {pipeline}: {e}"
            ))
        })
}

/// Reads what the plan needs, then plans with the one planner.
pub async fn plan(
    ask: &Ask,
    cloud: &Cloud,
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    workflow: Option<&WorkflowRead>,
    run: Option<&RunRead>,
) -> Result<Planned, Failure> {
    let spec = ctx.spec;
    let mut catalogue: Option<Catalogue> = None;
    let mut local: Option<LocalPackage> = None;
    let mut listed: Option<Vec<ExecutionSummary>> = None;
    let mut versions = None;
    match &ask.what {
        What::Release(ReleaseFrom::Workflow { .. }) => {}
        What::Release(from) => {
            let wanted = match from {
                ReleaseFrom::Version(v) => Some(v.as_str()),
                _ => None,
            };
            let read = ops::apply::catalogue::catalogue_for(cloud, spec, wanted)
                .await
                .map_err(|e| Failure::new(format!("release catalogue of {}: {e}", spec.name)))?;
            catalogue = Some(read);
            if matches!(from, ReleaseFrom::Version(_))
                && ops::plan::release::starts_on_versions(&data)
            {
                versions = Some(ops::apply::catalogue::source_versions(cloud, spec).await);
            }
            if let ReleaseFrom::Upload {
                path,
                version,
                commit,
            } = from
            {
                let (bytes, sha256) = ops::apply::upload::read_package(path)
                    .map_err(|e| Failure::usage(format!("--package: {e}")))?;
                let version = Version::parse(version).ok_or_else(|| {
                    Failure::usage(format!(
                        "--version expects a version such as 1.44.0, got `{version}`"
                    ))
                })?;
                local = Some(LocalPackage {
                    path: path.clone(),
                    size: bytes.len() as u64,
                    sha256,
                    release: Release {
                        version,
                        commit: commit
                            .clone()
                            .unwrap_or_else(ops::apply::upload::working_tree_commit),
                        actor: ctx
                            .identity
                            .map_or("unknown".into(), ops::plan::guards::person),
                    },
                });
            }
        }
        What::Deploy {
            source_version: Some(v),
            ..
        } => {
            // A version that is not there would start an execution whose Source stage fails:
            // checked before anything is planned or sent.
            let (bucket, key) = (&spec.source_bucket, &spec.source_key);
            match cloud.storage.head_object_version(bucket, key, v).await {
                Ok(_) => {}
                Err(e @ crate::cloud::CloudError::NotFound { .. }) => {
                    return Err(Failure::usage(format!(
                        "--source-version: no version `{v}` of s3://{bucket}/{key} ({e})"
                    )));
                }
                Err(e) => {
                    return Err(Failure::new(format!(
                        "--source-version: whether s3://{bucket}/{key} has version `{v}` is \
                         unknown: {e}"
                    )));
                }
            }
        }
        What::Rollback { .. } => {
            if let Some(stage) = rollback_stage(ask, &data) {
                listed = Some(candidates(cloud, &spec.pipeline, &stage, data.def).await?);
            }
        }
        _ => {}
    }
    let reads = Reads {
        packages: catalogue.as_ref().map(|c| c.packages.as_slice()),
        local: local.as_ref(),
        candidates: listed.as_deref(),
        workflow,
        run,
        source_versions: versions.as_ref(),
    };
    let planned = ops::plan(ctx, data, reads, ask);
    Ok(match (&ask.what, &catalogue) {
        // A version not found: the keys skipped or not read may be why.
        (What::Release(ReleaseFrom::Version(v)), Some(c)) => planned.map_err(|r| c.explain(v, r)),
        _ => planned,
    })
}

/// Reads the release workflow for a `release --workflow` (nothing for other commands), and
/// finds the environment it ships to when none was named: its `environment` input (given, else
/// its default), else the one protected environment.
pub async fn read_workflow(
    asked: &mut Asked,
    cloud: &Cloud,
    release_workflow: &str,
    specs: &[crate::domain::EnvSpec],
) -> Result<Option<WorkflowRead>, Failure> {
    let What::Release(ReleaseFrom::Workflow { git_ref, inputs }) = &asked.ask.what else {
        return Ok(None);
    };
    let Some(github) = cloud.github.as_deref() else {
        return Err(Failure::new(ops::apply::github::NOT_CONFIGURED));
    };
    let read = ops::apply::github::read_for_dispatch(github, release_workflow, git_ref).await;
    if asked.ask.env.is_empty() {
        let named = match (&read.triggers, release_workflow::parse_inputs(inputs)) {
            (Ok(t), Ok(given)) => release_workflow::shipped_to(t, &given),
            _ => None,
        };
        let protected: Vec<&str> = specs
            .iter()
            .filter(|s| s.protected)
            .map(|s| s.name.as_str())
            .collect();
        asked.ask.env = match (named, protected.as_slice()) {
            (Some(env), _) => env,
            (None, [one]) => one.to_string(),
            _ => {
                return Err(Failure::usage(format!(
                    "name the environment the release workflow ships to: shipdeck release ENV \
                     --workflow ({release_workflow} has no `environment` input{})",
                    if protected.is_empty() {
                        " and no environment is protected".to_string()
                    } else {
                        format!(", and {} are protected", protected.join(", "))
                    }
                )));
            }
        };
    }
    Ok(Some(read))
}

/// Reads the run a `runs rerun` or `runs cancel` acts on (nothing for other commands), and
/// names the environment it ships to (its confirmation is that environment's).
pub async fn read_run(
    asked: &mut Asked,
    cloud: &Cloud,
    release_workflow: &str,
    specs: &[crate::domain::EnvSpec],
) -> Result<Option<RunRead>, Failure> {
    let What::Run { run_id, .. } = &asked.ask.what else {
        return Ok(None);
    };
    let Some(github) = cloud.github.as_deref() else {
        return Err(Failure::new(ops::apply::github::NOT_CONFIGURED));
    };
    let (run, jobs, writable) = futures::join!(
        github.get_run(*run_id),
        github.list_jobs(*run_id),
        github.writable()
    );
    let run = run.map_err(|e| crate::cli::runs::run_unread(*run_id, e))?;
    let Some(spec) = run_target(&run, release_workflow, specs) else {
        return Err(Failure::new("no environment is configured"));
    };
    asked.ask.env = spec.name.clone();
    Ok(Some(RunRead {
        repository: github.repository(),
        run,
        jobs: jobs.map_err(|e| e.to_string()),
        writable,
    }))
}
