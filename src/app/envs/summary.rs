//! Derived facts per environment for the home view and the CLI: deployed release, health, lag.

use crate::app::{EnvView, State};
use crate::domain::{ExecutionStatus, ExecutionSummary, Release, Timestamp};

/// What runs in an environment, and how shipdeck knows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Deployed {
    /// Not read yet.
    Loading,
    /// What the execution that last succeeded in the deploy stage shipped (its release, when
    /// its source revision names one).
    Execution(Box<ExecutionSummary>, Option<Release>),
    /// No execution ever succeeded in the deploy stage; the pipeline's source object holds
    /// this release.
    SourceObject(Release),
    /// No execution succeeded in the deploy stage and no source object names a release.
    Nothing,
    /// It could not be read: why.
    Unknown(String),
}

impl Deployed {
    /// The release that runs (or, from the source object, would run).
    pub fn release(&self) -> Option<&Release> {
        match self {
            Deployed::Execution(_, r) => r.as_ref(),
            Deployed::SourceObject(r) => Some(r),
            _ => None,
        }
    }

    /// The release known to have been deployed (not the source object's).
    pub fn deployed_release(&self) -> Option<&Release> {
        match self {
            Deployed::Execution(_, r) => r.as_ref(),
            _ => None,
        }
    }

    /// For a table cell: `1.4.0`, `source 1.4.0` (labelled: only the source object says so),
    /// `-` (nothing), `…` (loading), `unknown`.
    pub fn version_text(&self) -> String {
        match self {
            Deployed::Loading => "…".into(),
            Deployed::Execution(_, Some(r)) => r.version.to_string(),
            Deployed::Execution(e, None) => format!("? ({})", short(&e.id)),
            Deployed::SourceObject(r) => format!("source {}", r.version),
            Deployed::Nothing => "-".into(),
            Deployed::Unknown(_) => "unknown".into(),
        }
    }

    /// For a plan or a detail line: the release with its commit and actor, and where it is
    /// known from.
    pub fn describe(&self) -> String {
        match self {
            Deployed::Loading => "not read yet".into(),
            Deployed::Execution(e, Some(r)) => {
                format!("{} (execution {})", r.describe(), short(&e.id))
            }
            Deployed::Execution(e, None) => {
                format!("execution {} (its source names no release)", short(&e.id))
            }
            Deployed::SourceObject(r) => format!(
                "{} — only the source object says so; no execution has succeeded in the deploy \
                 stage",
                r.describe()
            ),
            Deployed::Nothing => "nothing: no execution has succeeded in the deploy stage".into(),
            Deployed::Unknown(why) => format!("unknown: {why}"),
        }
    }
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// What runs in `env`, from what its refresh read.
pub fn deployed(env: &EnvView) -> Deployed {
    match &env.deployed {
        None => Deployed::Loading,
        Some(Err(why)) => Deployed::Unknown(why.clone()),
        Some(Ok(Some(e))) => {
            let release = e.release();
            Deployed::Execution(Box::new(e.clone()), release)
        }
        Some(Ok(None)) => match &env.source {
            Some(Ok(o)) => o
                .as_ref()
                .and_then(|o| o.release.clone())
                .map_or(Deployed::Nothing, Deployed::SourceObject),
            // Nothing deployed, and the source object is not known (yet): the source's word
            // is missing, so what runs is not "nothing" for sure.
            Some(Err(why)) => Deployed::Unknown(why.clone()),
            None => Deployed::Loading,
        },
    }
}

/// What the home view and `shipdeck status` show for one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvSummary {
    /// Environment name.
    pub name: String,
    /// Protected (prd).
    pub protected: bool,
    /// What runs there.
    pub deployed: Deployed,
    /// When the execution that deployed it last changed.
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
    /// Why that count is unknown when it is (the release catalogue could not be read, or what
    /// runs here or there is unknown): never a count of 0.
    pub behind_unknown: Option<String>,
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
        let deployed = deployed(env);
        let last_deploy = match &deployed {
            Deployed::Execution(e, _) => Some(e.last_update),
            _ => None,
        };
        let approval_since = env.approvals().iter().map(|a| a.waiting_since).min();
        let mut behind_unknown = None;
        let behind = env.spec.promotes_from.as_ref().and_then(|from| {
            let upstream = self.env_index(from).and_then(|i| self.envs.get(i))?;
            let upstream = crate::app::envs::summary::deployed(upstream);
            let unknown = match (&deployed, &upstream, &self.releases_load.error) {
                (Deployed::Unknown(why), _, _) => Some(format!("what runs here: {why}")),
                (_, Deployed::Unknown(why), _) => Some(format!("what runs in {from}: {why}")),
                (_, _, Some(why)) if self.releases.is_empty() => {
                    Some(format!("the release catalogue: {why}"))
                }
                _ => None,
            };
            if let Some(why) = unknown {
                behind_unknown = Some(why);
                return None;
            }
            let ahead = upstream.deployed_release()?;
            // Not read yet here is not "all of them behind".
            if matches!(deployed, Deployed::Loading) {
                return None;
            }
            let mine = deployed.deployed_release().map(|r| r.version.clone());
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
            last_deploy,
            health: health(env, approval_since.is_some()),
            current_stage: env
                .state
                .as_ref()
                .and_then(|s| s.current_stage())
                .map(|s| s.name.clone()),
            approval_since,
            distribution_status: env.distribution.as_ref().map(|d| d.status.clone()),
            behind,
            behind_unknown,
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
