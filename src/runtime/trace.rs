//! The reads of a trace: on GitHub the commit (through the commits API, which lists history from
//! a SHA or prefix down) and the recent runs of the workflows; on CodePipeline the action runs of
//! the executions that carried it (their CodeBuild build and CodeDeploy deployment), and on
//! CodeBuild those builds — each pipeline's through its environment's identity, the identities
//! in parallel. The CLI and the console's effect both read here.

use super::effects::timed;
use crate::cloud::github::{GitHub, RunQuery};
use crate::cloud::{BuildRuns, CloudError, Clouds};
use crate::ops::apply::github::NOT_CONFIGURED;
use crate::ops::plan::trace::{ActionsRead, BuildsRead, Found, GitHubTrace, build_ids};

/// How many runs of each workflow are searched for the commit's.
pub const RUNS_SEARCHED: usize = 100;

/// Reads the commit and the runs of `workflows`; each failed read kept with its reason.
pub async fn read_github(gh: &dyn GitHub, sha: &str, workflows: &[String]) -> GitHubTrace {
    let commit = match timed("ListCommits", gh.list_commits(sha, 1)).await {
        Ok(list) => list
            .into_iter()
            .next()
            .ok_or_else(|| Found::Missing(gh.repository())),
        Err(CloudError::NotFound { .. }) => Err(Found::Missing(gh.repository())),
        Err(e) => Err(Found::Unknown(format!("commit {sha}: {e}"))),
    };
    let mut runs = Vec::new();
    for w in workflows {
        let query = RunQuery {
            workflow: w.clone(),
            branch: None,
            limit: RUNS_SEARCHED,
        };
        let got = timed("ListWorkflowRuns", gh.list_runs(&query))
            .await
            .map_err(|e| e.to_string());
        runs.push((w.clone(), got));
    }
    GitHubTrace {
        commit,
        runs,
        actions: Vec::new(),
        builds: Vec::new(),
    }
}

/// The answer without `[github]`: every GitHub hop unknown, saying why.
pub fn not_configured(workflows: &[String]) -> GitHubTrace {
    GitHubTrace {
        commit: Err(Found::Unknown(NOT_CONFIGURED.to_string())),
        runs: workflows
            .iter()
            .map(|w| (w.clone(), Err(NOT_CONFIGURED.to_string())))
            .collect(),
        actions: Vec::new(),
        builds: Vec::new(),
    }
}

/// `ListActionExecutions` of each (pipeline, execution), through the identity of the pipeline's
/// environment, all at once; each failed read kept with its reason.
pub async fn read_actions(clouds: &Clouds, executions: &[(String, String)]) -> Vec<ActionsRead> {
    let reads = executions.iter().map(|(pipeline, execution)| async move {
        let cloud = clouds.by_pipeline(pipeline);
        let result = timed(
            "ListActionExecutions",
            cloud.pipelines.list_action_executions(pipeline, execution),
        )
        .await
        .map_err(|e| e.to_string());
        ActionsRead {
            pipeline: pipeline.clone(),
            execution: execution.clone(),
            result,
        }
    });
    futures::future::join_all(reads).await
}

/// `BatchGetBuilds` accepts at most this many ids.
const BUILDS_PER_CALL: usize = 100;

/// CodeBuild's account of the builds the action runs started, asked of each pipeline's identity
/// (one `BatchGetBuilds` per hundred builds), the identities in parallel; a failed call makes
/// that identity's builds unknown, with its reason, and no others.
pub async fn read_builds(clouds: &Clouds, actions: &[ActionsRead]) -> Vec<BuildsRead> {
    let ids = actions.iter().flat_map(|a| {
        let env = clouds.env_of_pipeline(&a.pipeline);
        build_ids(std::slice::from_ref(a))
            .into_iter()
            .map(move |id| (env, id))
    });
    let mut parts = clouds.split(ids);
    for (_, ids) in &mut parts {
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
    }
    let reads = parts.into_iter().map(|(cloud, ids)| async move {
        let mut out = BuildRuns::default();
        for chunk in ids.chunks(BUILDS_PER_CALL) {
            match timed("BatchGetBuilds", cloud.builds.batch_get_builds(chunk)).await {
                Ok(got) => {
                    out.found.extend(got.found);
                    out.not_found.extend(got.not_found);
                }
                Err(e) => return (ids, Err(e.to_string())),
            }
        }
        (ids, Ok(out))
    });
    futures::future::join_all(reads).await
}
