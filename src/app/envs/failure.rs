//! What failed in an environment: why its newest execution failed, and the deploy that failed
//! after what runs there succeeded (an older execution's, when a newer one stopped before the
//! deploy stage or waits at an approval) — for the home view, its detail pane and `status`.

use crate::app::EnvView;
use crate::domain::{
    ActionStatus, ExecutionStatus, Release, StageState, StageStatus, Timestamp, human,
};

/// The failed action's error of stage `st`, else its summary.
fn action_error(st: &StageState) -> Option<String> {
    st.actions.iter().find_map(|a| {
        let l = (a.latest.as_ref()).filter(|l| l.status == ActionStatus::Failed)?;
        match (&l.error, &l.summary) {
            (Some(err), _) => Some(format!("{}: {}", err.code, err.message)),
            (None, Some(summary)) => Some(summary.clone()),
            (None, None) => None,
        }
    })
}

/// Why the environment's newest execution failed, if it did: the stage it failed in and the
/// failed action's error (else the execution's own summary).
pub fn newest_failure(env: &EnvView) -> Option<String> {
    let e = (env.executions.first()).filter(|e| e.status == ExecutionStatus::Failed)?;
    let stage = env.state.as_ref().and_then(|s| {
        s.stages.iter().find(|st| {
            st.latest
                .as_ref()
                .is_some_and(|l| l.pipeline_execution_id == e.id && l.status == StageStatus::Failed)
        })
    });
    let why = stage
        .and_then(action_error)
        .or_else(|| e.status_summary.clone());
    Some(match (stage, why) {
        (Some(st), Some(why)) => format!("failed in {}: {why}", st.name),
        (Some(st), None) => format!("failed in {} (no reason given)", st.name),
        (None, Some(why)) => format!("failed: {why}"),
        (None, None) => "failed (no reason given)".to_string(),
    })
}

/// A deploy that failed: the deploy stage's latest run failed, so what runs is older than what
/// was last tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployFailure {
    /// The execution that failed in the deploy stage.
    pub execution: String,
    /// What it shipped, when its source names a release.
    pub release: Option<Release>,
    /// The deploy stage.
    pub stage: String,
    /// When it failed: the failed action's last change, else the execution's.
    pub at: Option<Timestamp>,
    /// The failed action's error, else its summary.
    pub error: Option<String>,
}

impl DeployFailure {
    fn what(&self) -> String {
        match &self.release {
            Some(r) => r.version.to_string(),
            None => format!(
                "execution {}",
                self.execution.get(..8).unwrap_or(&self.execution)
            ),
        }
    }

    fn ago(&self, now: Timestamp) -> String {
        self.at
            .map(|t| format!(" {} ago", human(now.since(t))))
            .unwrap_or_default()
    }

    /// For a narrow cell: `last deploy failed: 1.52.0 3h 12m ago`.
    pub fn short(&self, now: Timestamp) -> String {
        format!("last deploy failed: {}{}", self.what(), self.ago(now))
    }

    /// In full: which execution, when, in which stage and why.
    pub fn describe(&self, now: Timestamp) -> String {
        format!("last deploy failed: {}", self.detail(now))
    }

    /// [`DeployFailure::describe`] without its leading words, for a line that names them.
    pub fn detail(&self, now: Timestamp) -> String {
        let id = self.execution.get(..8).unwrap_or(&self.execution);
        let what = match &self.release {
            Some(r) => format!("{} (execution {id})", r.version),
            None => format!("execution {id}"),
        };
        let why = self.error.as_deref().unwrap_or("no reason given");
        format!("{what}{} in {}: {why}", self.ago(now), self.stage)
    }
}

/// The deploy that failed after what runs succeeded, when the deploy stage's latest run failed
/// and the newest execution is not that one (whose failure [`newest_failure`] says).
pub fn deploy_failure(env: &EnvView) -> Option<DeployFailure> {
    let stage = env.def.as_ref()?.deploy_stage()?;
    let st = (env.state.as_ref()?.stages.iter()).find(|s| s.name == stage)?;
    let latest = (st.latest.as_ref()).filter(|l| l.status == StageStatus::Failed)?;
    let id = latest.pipeline_execution_id.as_str();
    let newest_failed =
        (env.executions.first()).is_some_and(|e| e.id == id && e.status == ExecutionStatus::Failed);
    if newest_failed {
        return None;
    }
    let execution = env.executions.iter().find(|e| e.id == id);
    let failed_at = (st.actions.iter())
        .filter_map(|a| a.latest.as_ref())
        .filter(|l| l.status == ActionStatus::Failed)
        .map(|l| l.last_status_change)
        .max();
    Some(DeployFailure {
        execution: id.to_string(),
        release: execution.and_then(|e| e.release()),
        stage: stage.to_string(),
        at: failed_at.or(execution.map(|e| e.last_update)),
        error: action_error(st).or_else(|| execution.and_then(|e| e.status_summary.clone())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Version;

    fn failure(release: Option<&str>) -> DeployFailure {
        DeployFailure {
            execution: "3c9e1f2a-1111".into(),
            release: release.and_then(Version::parse).map(|version| Release {
                version,
                commit: "7ba2ba6".into(),
                actor: "carol".into(),
            }),
            stage: "Deploy".into(),
            at: Some(Timestamp(1_000_000)),
            error: Some("JobFailed: Build step DEPLOY failed".into()),
        }
    }

    #[test]
    fn a_deploy_failure_reads_short_in_a_cell_and_whole_in_a_line() {
        let now = Timestamp(1_000_000 + 3 * Timestamp::HOUR + 12 * Timestamp::MINUTE);
        let f = failure(Some("1.52.0"));
        assert_eq!(f.short(now), "last deploy failed: 1.52.0 3h 12m ago");
        assert_eq!(
            f.describe(now),
            "last deploy failed: 1.52.0 (execution 3c9e1f2a) 3h 12m ago in Deploy: JobFailed: \
             Build step DEPLOY failed"
        );
        let unnamed = DeployFailure {
            at: None,
            error: None,
            ..failure(None)
        };
        assert_eq!(unnamed.short(now), "last deploy failed: execution 3c9e1f2a");
        assert_eq!(
            unnamed.describe(now),
            "last deploy failed: execution 3c9e1f2a in Deploy: no reason given"
        );
    }
}
