//! Watching the result of an action with a bounded wait, on a clock the caller passes.

use super::plan::{Outcome, Request};
use crate::cloud::sim::SimCloud;
use crate::cloud::{ApprovalOutcome, Cloud};
use crate::domain::{ActionStatus, ExecutionStatus, Millis, PipelineState, StageStatus, Timestamp};
use async_trait::async_trait;
use serde::Serialize;

/// Where `verify` reads the time and how it waits between two looks.
#[async_trait]
pub trait Pace: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
    /// Waits `ms` (the simulator just moves its clock on).
    async fn pause(&self, ms: Millis);
}

/// Simulated time: pausing plays the simulator forward, so nothing sleeps.
pub struct SimPace(pub SimCloud);

#[async_trait]
impl Pace for SimPace {
    fn now(&self) -> Timestamp {
        self.0.with(|s| s.now())
    }
    async fn pause(&self, ms: Millis) {
        self.0.with(|s| s.advance(ms));
    }
}

/// Wall time for AWS.
pub struct WallPace;

#[async_trait]
impl Pace for WallPace {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }
    async fn pause(&self, ms: Millis) {
        tokio::time::sleep(std::time::Duration::from_millis(ms.max(0) as u64)).await;
    }
}

/// What `verify` saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Whether the expected change was observed within the wait.
    pub ok: bool,
    /// What was observed, for the operator.
    pub message: String,
}

/// Time between two looks.
pub const INTERVAL: Millis = 5 * Timestamp::SECOND;

/// The deadline of a watch and its pace.
struct Watch<'a> {
    pace: &'a dyn Pace,
    deadline: Timestamp,
    first: bool,
}

impl Watch<'_> {
    /// Waits for the next look; `false` once the deadline has passed.
    async fn next(&mut self) -> bool {
        if self.first {
            self.first = false;
            return true;
        }
        if self.pace.now() >= self.deadline {
            return false;
        }
        self.pace.pause(INTERVAL).await;
        true
    }
}

/// Where execution `id` is in the pipeline: the stage it runs in and its status.
fn position(state: &PipelineState, id: &str) -> Vec<(String, StageStatus)> {
    state
        .stages
        .iter()
        .filter_map(|s| {
            let l = s.latest.as_ref()?;
            (l.pipeline_execution_id == id).then(|| (s.name.clone(), l.status))
        })
        .collect()
}

/// Watches until the change `request` made shows, or `limit` passes; `outcome` is what the
/// call reported (a new execution's id, an object version, an invalidation id).
pub async fn watch(
    cloud: &Cloud,
    pace: &dyn Pace,
    request: &Request,
    outcome: &Outcome,
    limit: Millis,
) -> Verified {
    let mut w = Watch {
        pace,
        deadline: pace.now() + limit,
        first: true,
    };
    let mut last = "no answer from the pipeline yet".to_string();
    while w.next().await {
        match look(cloud, request, outcome).await {
            Ok((true, message)) => return Verified { ok: true, message },
            Ok((false, message)) => last = message,
            Err(e) => last = format!("cannot read the pipeline: {e}"),
        }
    }
    Verified {
        ok: false,
        message: format!(
            "not observed within {}: {last}",
            crate::domain::human(limit)
        ),
    }
}

/// One look: whether the change is visible, and what was seen.
async fn look(
    cloud: &Cloud,
    request: &Request,
    outcome: &Outcome,
) -> Result<(bool, String), crate::cloud::CloudError> {
    let p = &cloud.pipelines;
    match request {
        Request::Answer {
            pipeline,
            stage,
            action,
            execution_id,
            outcome,
            ..
        } => {
            let state = p.get_pipeline_state(pipeline).await?;
            let status = state
                .stages
                .iter()
                .find(|s| &s.name == stage)
                .and_then(|s| s.actions.iter().find(|a| &a.name == action))
                .and_then(|a| a.latest.as_ref())
                .map(|l| l.status);
            let at = state
                .stages
                .iter()
                .position(|s| &s.name == stage)
                .unwrap_or(0);
            let beyond = state.stages.iter().skip(at + 1).find_map(|s| {
                let l = s.latest.as_ref()?;
                (&l.pipeline_execution_id == execution_id).then(|| (s.name.clone(), l.status))
            });
            Ok(match (outcome, beyond) {
                (ApprovalOutcome::Approved, Some((next, st))) => (
                    true,
                    format!(
                        "approved; execution {execution_id} moved on to {next} ({})",
                        st.as_str()
                    ),
                ),
                (ApprovalOutcome::Rejected, _) => {
                    let e = p.get_execution(pipeline, execution_id).await?;
                    (
                        e.status == ExecutionStatus::Failed,
                        format!(
                            "rejected; execution {execution_id} is {}",
                            e.status.as_str()
                        ),
                    )
                }
                (_, None) => (
                    false,
                    format!(
                        "execution {execution_id} has not left {stage} yet (approval action {})",
                        status.map_or("unknown", ActionStatus::as_str)
                    ),
                ),
            })
        }
        Request::Start { pipeline, .. } | Request::Rollback { pipeline, .. } => {
            moved_on(
                cloud,
                pipeline,
                outcome.execution_id.as_deref().unwrap_or(""),
            )
            .await
        }
        Request::Retry {
            pipeline,
            execution_id,
            ..
        } => moved_on(cloud, pipeline, execution_id).await,
        Request::Stop {
            pipeline,
            execution_id,
            ..
        } => {
            let e = p.get_execution(pipeline, execution_id).await?;
            let done = !e.status.is_active();
            Ok((
                done,
                format!("execution {execution_id} is {}", e.status.as_str()),
            ))
        }
        other => super::watch_changes::look(cloud, other, outcome).await,
    }
}

/// Whether execution `id` (or, when empty, the newest one) has progressed past a stage.
pub(super) async fn moved_on(
    cloud: &Cloud,
    pipeline: &str,
    id: &str,
) -> Result<(bool, String), crate::cloud::CloudError> {
    let p = &cloud.pipelines;
    let id = if id.is_empty() {
        match p.list_executions(pipeline, 1).await?.first() {
            Some(e) => e.id.clone(),
            None => return Ok((false, "no execution yet".into())),
        }
    } else {
        id.to_string()
    };
    let e = p.get_execution(pipeline, &id).await?;
    if e.status != ExecutionStatus::InProgress {
        let ok = e.status == ExecutionStatus::Succeeded;
        return Ok((ok, format!("execution {id} is {}", e.status.as_str())));
    }
    let state = p.get_pipeline_state(pipeline).await?;
    let pos = position(&state, &id);
    let done: Vec<&str> = pos
        .iter()
        .filter(|(_, s)| *s == StageStatus::Succeeded)
        .map(|(n, _)| n.as_str())
        .collect();
    let running = pos
        .iter()
        .find(|(_, s)| *s == StageStatus::InProgress)
        .map(|(n, _)| n.as_str());
    match running {
        Some(stage) if !done.is_empty() => Ok((
            true,
            format!("execution {id} passed {} and runs {stage}", done.join(", ")),
        )),
        Some(stage) => Ok((false, format!("execution {id} runs {stage}"))),
        None => Ok((false, format!("execution {id} waits to enter a stage"))),
    }
}
