//! The reads of a trace: on GitHub the commit (through the commits API, which lists history from
//! a SHA or prefix down) and the recent runs of the workflows; on CodePipeline the action runs of
//! the executions that carried it (their CodeBuild build and CodeDeploy deployment), and on
//! CodeBuild those builds. The CLI and the console's effect both read here.

use super::effects::timed;
use crate::cloud::BuildRuns;
use crate::cloud::Cloud;
use crate::cloud::CloudError;
use crate::cloud::github::{GitHub, RunQuery};
use crate::ops::apply::github::NOT_CONFIGURED;
use crate::ops::plan::trace::{ActionsRead, Found, GitHubTrace, build_ids};

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
        builds: Ok(Default::default()),
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
        builds: Ok(Default::default()),
    }
}

/// `ListActionExecutions` of each (pipeline, execution); each failed read kept with its reason.
pub async fn read_actions(cloud: &Cloud, executions: &[(String, String)]) -> Vec<ActionsRead> {
    let mut out = Vec::new();
    for (pipeline, execution) in executions {
        let result = timed(
            "ListActionExecutions",
            cloud.pipelines.list_action_executions(pipeline, execution),
        )
        .await
        .map_err(|e| e.to_string());
        out.push(ActionsRead {
            pipeline: pipeline.clone(),
            execution: execution.clone(),
            result,
        });
    }
    out
}

/// `BatchGetBuilds` accepts at most this many ids.
const BUILDS_PER_CALL: usize = 100;

/// CodeBuild's account of the builds the action runs started: one `BatchGetBuilds` (one per
/// hundred builds); a failed call makes all of them unknown, with its reason.
pub async fn read_builds(cloud: &Cloud, actions: &[ActionsRead]) -> Result<BuildRuns, String> {
    let ids = build_ids(actions);
    let mut out = BuildRuns::default();
    for chunk in ids.chunks(BUILDS_PER_CALL) {
        let got = timed("BatchGetBuilds", cloud.builds.batch_get_builds(chunk))
            .await
            .map_err(|e| e.to_string())?;
        out.found.extend(got.found);
        out.not_found.extend(got.not_found);
    }
    Ok(out)
}
