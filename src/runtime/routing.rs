//! Which identity's ports run an effect: the environment's it names (by index, by name in a plan,
//! by its pipeline or distribution), else the default's.

use super::effects::run_effect_with;
use crate::app::{Action, Effect};
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
        | Effect::RunInsights { env, .. } => clouds.of(*env),
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
        // Several environments at once, GitHub, local files: the default identity's.
        Effect::Cancel { .. }
        | Effect::WriteFile { .. }
        | Effect::Quit
        | Effect::SwitchSystem { .. }
        | Effect::Notify { .. }
        | Effect::Audit { .. }
        | Effect::CompletePath { .. }
        | Effect::ReadPackage { .. }
        | Effect::ReadWorkflow { .. }
        | Effect::FetchRuns { .. }
        | Effect::CompareMain { .. }
        | Effect::ReadDeployers { .. }
        | Effect::FetchTrace { .. }
        | Effect::FetchRunJobs { .. }
        | Effect::FetchJobLog { .. }
        | Effect::ReadHealth { .. }
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
    let cloud = pick(clouds, &effect).clone();
    run_effect_with(&cloud, effect, progress).await
}
