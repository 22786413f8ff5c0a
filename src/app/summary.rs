//! Derived facts per environment for the home view and the CLI: deployed release, health, lag.

use super::{EnvView, State};
use crate::domain::{ExecutionStatus, ExecutionSummary, Release, Timestamp};

/// What the home view and `shipdeck status` show for one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvSummary {
    /// Environment name.
    pub name: String,
    /// Protected (prd).
    pub protected: bool,
    /// Release of the newest succeeded execution.
    pub deployed: Option<Release>,
    /// When that execution finished.
    pub last_deploy: Option<Timestamp>,
    /// Health of the newest execution.
    pub health: PipelineHealth,
    /// Stage running now.
    pub current_stage: Option<String>,
    /// When the pending approval started waiting.
    pub approval_since: Option<Timestamp>,
    /// CloudFront distribution status (`Deployed`, `InProgress`).
    pub distribution_status: Option<String>,
    /// Releases behind the environment it promotes from: (count, that environment).
    pub behind: Option<(usize, String)>,
    /// A stage whose inbound transition is disabled: (stage, reason).
    pub frozen: Option<(String, String)>,
}

/// The pipeline's condition, coloured like the AWS console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineHealth {
    /// Nothing loaded yet, or never ran (grey).
    Unknown,
    /// An execution is running (blue).
    Running,
    /// An execution waits for an approval (blue, highlighted).
    AwaitingApproval,
    /// The newest execution succeeded (green).
    Succeeded,
    /// The newest execution failed (red).
    Failed,
    /// The newest execution was stopped, cancelled or superseded (grey).
    Stopped,
}

impl PipelineHealth {
    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            PipelineHealth::Unknown => "unknown",
            PipelineHealth::Running => "running",
            PipelineHealth::AwaitingApproval => "awaiting approval",
            PipelineHealth::Succeeded => "succeeded",
            PipelineHealth::Failed => "failed",
            PipelineHealth::Stopped => "stopped",
        }
    }
}

/// The newest succeeded execution, which is what is deployed.
pub fn last_success(executions: &[ExecutionSummary]) -> Option<&ExecutionSummary> {
    executions
        .iter()
        .find(|e| e.status == ExecutionStatus::Succeeded)
}

fn health(env: &EnvView, approval: bool) -> PipelineHealth {
    if approval {
        return PipelineHealth::AwaitingApproval;
    }
    if env.executions.iter().any(|e| e.status.is_active()) {
        return PipelineHealth::Running;
    }
    match env.executions.first().map(|e| e.status) {
        None => PipelineHealth::Unknown,
        Some(ExecutionStatus::Succeeded) => PipelineHealth::Succeeded,
        Some(ExecutionStatus::Failed) => PipelineHealth::Failed,
        Some(ExecutionStatus::InProgress | ExecutionStatus::Stopping) => PipelineHealth::Running,
        Some(_) => PipelineHealth::Stopped,
    }
}

impl State {
    /// The summary of environment `index`.
    pub fn summary(&self, index: usize) -> Option<EnvSummary> {
        let env = self.envs.get(index)?;
        let success = last_success(&env.executions);
        let deployed = success.and_then(ExecutionSummary::release);
        let approval_since = env.approvals().iter().map(|a| a.waiting_since).min();
        let behind = env.spec.promotes_from.as_ref().and_then(|from| {
            let upstream = self.env_index(from).and_then(|i| self.envs.get(i))?;
            let ahead = last_success(&upstream.executions).and_then(ExecutionSummary::release)?;
            let mine = deployed.as_ref().map(|r| r.version.clone());
            let count = self
                .releases
                .iter()
                .filter(|r| r.version.pre.is_none())
                .filter(|r| r.version <= ahead.version)
                .filter(|r| mine.as_ref().is_none_or(|m| r.version > *m))
                .count();
            Some((count, from.clone()))
        });
        let frozen = env.state.as_ref().and_then(|s| {
            s.stages.iter().find(|st| !st.inbound.enabled).map(|st| {
                (
                    st.name.clone(),
                    st.inbound.disabled_reason.clone().unwrap_or_default(),
                )
            })
        });
        Some(EnvSummary {
            name: env.spec.name.clone(),
            protected: env.spec.protected,
            deployed,
            last_deploy: success.map(|e| e.last_update),
            health: health(env, approval_since.is_some()),
            current_stage: env
                .state
                .as_ref()
                .and_then(|s| s.current_stage())
                .map(|s| s.name.clone()),
            approval_since,
            distribution_status: env.distribution.as_ref().map(|d| d.status.clone()),
            behind,
            frozen,
        })
    }

    /// Summaries of every environment, in order.
    pub fn summaries(&self) -> Vec<EnvSummary> {
        (0..self.envs.len())
            .filter_map(|i| self.summary(i))
            .collect()
    }
}
