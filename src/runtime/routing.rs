//! Which identity's ports run an effect: the environment's it names (by index, by name in a plan,
//! by its pipeline or distribution), else the default's; a read of several environments at once
//! (the health map, the deployer check, a trace) reads each environment's part through its own.

use super::effects::run_effect_with;
use crate::app::{Action, Effect, Reply};
use crate::cloud::{Cloud, Clouds};

/// The ports `effect` runs on.
pub fn pick<'a>(clouds: &'a Clouds, effect: &Effect) -> &'a Cloud {
    match effect {
        Effect::FetchEnv { env, .. }
        | Effect::FetchIdentity { env }
        | Effect::FetchLogs { env, .. }
        | Effect::DiscoverLogSources { env, .. }
        | Effect::StreamTraffic { env, .. }
        | Effect::FetchTrafficEvents { env, .. }
        | Effect::ReadTrafficEvents { env, .. }
        | Effect::FetchActionExecutions { env, .. }
        | Effect::FetchDeployRuns { env, .. }
        | Effect::ListInvalidations { env, .. }
        | Effect::FetchPackages { env, .. }
        | Effect::FetchSourceVersions { env, .. }
        | Effect::FetchCandidates { env, .. }
        | Effect::RunInsights { env, .. }
        | Effect::PlanAthena { env, .. }
        | Effect::RunAthena { env, .. }
        | Effect::RunLocalQuery { env, .. }
        | Effect::CreateAthenaTable { env, .. } => clouds.of(*env),
        // The catalogue is the first environment's source bucket (see `app::poll`).
        Effect::FetchReleases { .. } => clouds.of(0),
        Effect::ApplyOp { plan, .. } => clouds.named(&plan.environment),
        Effect::FetchExecution { pipeline, .. } => clouds.by_pipeline(pipeline),
        Effect::FetchInvalidation {
            distribution_id, ..
        } => clouds.by_distribution(distribution_id),
        Effect::LookGitHub { applied, .. } => match crate::ops::plan::follow::pipeline(applied) {
            Some(pipeline) => clouds.by_pipeline(pipeline),
            None => clouds.default_cloud(),
        },
        // Several environments at once: each part on its own environment's (see [`spanning`]);
        // the default's for what is not any environment's (probes, GitHub).
        Effect::ReadDeployers { .. } | Effect::FetchTrace { .. } | Effect::ReadHealth { .. } => {
            clouds.default_cloud()
        }
        // GitHub, local files: the default identity's.
        Effect::Cancel { .. }
        | Effect::WriteFile { .. }
        | Effect::Quit
        | Effect::SwitchSystem { .. }
        | Effect::DemoFault { .. }
        | Effect::Notify { .. }
        | Effect::Audit { .. }
        | Effect::CompletePath { .. }
        | Effect::ReadPackage { .. }
        | Effect::ReadWorkflow { .. }
        | Effect::FetchRuns { .. }
        | Effect::CompareMain { .. }
        | Effect::FetchRunJobs { .. }
        | Effect::FetchJobLog { .. }
        | Effect::ReadAudit { .. }
        | Effect::SignIn { .. } => clouds.default_cloud(),
    }
}

/// Runs `effect` on the ports of the identity it belongs to (see [`pick`]); `progress` as in
/// [`run_effect_with`].
pub async fn run_routed(
    clouds: &Clouds,
    effect: Effect,
    progress: Option<&super::cloudfront_logs::Progress>,
) -> Option<Action> {
    match effect {
        effect @ (Effect::ReadHealth { .. }
        | Effect::ReadDeployers { .. }
        | Effect::FetchTrace { .. }) => spanning(clouds, effect).await,
        effect => {
            let cloud = pick(clouds, &effect).clone();
            run_effect_with(&cloud, effect, progress).await
        }
    }
}

/// Runs a read of several environments, each environment's part through its own identity, the
/// identities in parallel: a refused identity makes only its environments' part unknown, with
/// the reason. The probes and GitHub are no environment's: the default identity's. `None` for
/// any other effect.
pub(super) async fn spanning(clouds: &Clouds, effect: Effect) -> Option<Action> {
    let default = clouds.default_cloud();
    match effect {
        Effect::ReadHealth {
            request,
            envs,
            at,
            paused,
        } => {
            let specs: Vec<_> = envs.iter().map(|(e, _)| e.clone()).collect();
            let (readings, probes) = futures::join!(
                super::health::read_metrics(clouds, &envs, at, &paused),
                super::health::probe_all(default.probes.as_ref(), &specs),
            );
            Some(Action::Reply(Reply::HealthRead {
                request,
                at,
                readings: Box::new(readings),
                probes,
            }))
        }
        Effect::ReadDeployers {
            request,
            reads,
            repository,
        } => {
            let reads = super::deployer::read_all(clouds, reads, repository).await;
            Some(Action::Reply(Reply::DeployersLoaded { request, reads }))
        }
        Effect::FetchTrace {
            request,
            sha,
            workflows,
            executions,
        } => {
            let github = async {
                match default.github.as_deref() {
                    Some(github) => super::trace::read_github(github, &sha, &workflows).await,
                    None => super::trace::not_configured(&workflows),
                }
            };
            let actions = super::trace::read_actions(clouds, &executions);
            let (mut read, actions) = futures::join!(github, actions);
            read.builds = super::trace::read_builds(clouds, &actions).await;
            read.actions = actions;
            Some(Action::Reply(Reply::TraceLoaded {
                request,
                read: Box::new(read),
            }))
        }
        _ => None,
    }
}
