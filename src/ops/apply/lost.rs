//! After a reply is lost: whether a failed call may have reached AWS, re-reads that are safe to
//! repeat, and what re-reading shows of a stop, retry, rollback, transition change or override.

use crate::cloud::{Cloud, CloudError, CloudResult};
use crate::domain::{ConditionKind, ConditionStatus, ExecutionStatus, ExecutionType};
use crate::ops::plan::{Outcome, Request};
use std::future::Future;

/// Reads made after a lost reply, at most (reads are safe to repeat).
const READS: usize = 3;

/// Whether a failed call may nonetheless have been served: no answer in time, a server error
/// or a broken connection. Throttling, expired credentials and refusals were never served.
pub fn may_have_reached(e: &CloudError) -> bool {
    matches!(
        e,
        CloudError::Timeout { .. } | CloudError::Server { .. } | CloudError::Network(_)
    )
}

/// Runs a read again while it fails transiently, [`READS`] times at most.
pub async fn reread<T, F, Fut>(mut read: F) -> CloudResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = CloudResult<T>>,
{
    let mut tries = 0;
    loop {
        match read().await {
            Err(e) if e.is_transient() && tries + 1 < READS => tries += 1,
            other => return other,
        }
    }
}

/// The outcome of a stop, retry, rollback or transition change whose reply was lost (`error`):
/// done when re-reading shows the change, else unknown. Never sends anything.
pub async fn change_seen(
    cloud: &Cloud,
    request: &Request,
    operation: &str,
    error: &CloudError,
) -> Outcome {
    let seen = match request {
        Request::Stop {
            pipeline,
            execution_id,
            abandon,
            ..
        } => stop_seen(cloud, pipeline, execution_id, *abandon).await,
        Request::Retry {
            pipeline,
            stage,
            execution_id,
            ..
        } => retry_seen(cloud, pipeline, stage, execution_id).await,
        Request::Rollback {
            pipeline,
            stage,
            target_execution_id,
        } => rollback_seen(cloud, pipeline, stage, target_execution_id).await,
        Request::Transition {
            pipeline,
            stage,
            disable_reason,
        } => transition_seen(cloud, pipeline, stage, disable_reason.as_deref()).await,
        Request::Override {
            pipeline,
            stage,
            execution_id,
            kind,
        } => override_seen(cloud, pipeline, stage, execution_id, *kind).await,
        _ => Err("internal: not a change re-read after a lost reply".to_string()),
    };
    match seen {
        Ok(Seen::Made(message, execution_id)) => Outcome::confirmed(message, execution_id),
        Ok(Seen::NotSeen(what)) => Outcome::unknown(format!(
            "{operation} failed ({error}) and re-reading shows {what}; not known whether it \
             reached AWS"
        )),
        Err(read) => Outcome::unknown(format!(
            "{operation} failed ({error}) and re-reading failed too ({read}); not known whether \
             it reached AWS"
        )),
    }
}

/// What a re-read shows.
enum Seen {
    /// The change is visible: the message, and the execution concerned.
    Made(String, Option<String>),
    /// It is not: what is seen instead.
    NotSeen(String),
}

async fn stop_seen(cloud: &Cloud, pipeline: &str, id: &str, abandon: bool) -> Result<Seen, String> {
    let p = &cloud.pipelines;
    let exec = reread(|| p.get_execution(pipeline, id))
        .await
        .map_err(|e| e.to_string())?;
    Ok(match exec.status {
        ExecutionStatus::Stopping | ExecutionStatus::Stopped => Seen::Made(
            format!(
                "{} execution {id} (now {})",
                if abandon { "abandoned" } else { "stopping" },
                exec.status.as_str()
            ),
            Some(id.to_string()),
        ),
        other => Seen::NotSeen(format!("execution {id} {}", other.as_str())),
    })
}

async fn retry_seen(cloud: &Cloud, pipeline: &str, stage: &str, id: &str) -> Result<Seen, String> {
    let p = &cloud.pipelines;
    let exec = reread(|| p.get_execution(pipeline, id))
        .await
        .map_err(|e| e.to_string())?;
    Ok(match exec.status {
        ExecutionStatus::Failed | ExecutionStatus::Stopped | ExecutionStatus::Cancelled => {
            Seen::NotSeen(format!("execution {id} still {}", exec.status.as_str()))
        }
        now => Seen::Made(
            format!(
                "retrying stage {stage} of execution {id} (now {})",
                now.as_str()
            ),
            Some(id.to_string()),
        ),
    })
}

async fn rollback_seen(
    cloud: &Cloud,
    pipeline: &str,
    stage: &str,
    target: &str,
) -> Result<Seen, String> {
    let p = &cloud.pipelines;
    let target_exec = reread(|| p.get_execution(pipeline, target))
        .await
        .map_err(|e| e.to_string())?;
    let recent = reread(|| p.list_executions(pipeline, 10))
        .await
        .map_err(|e| e.to_string())?;
    // The plan was refused while the stage ran, so a running rollback of the target's
    // revisions, right after the call, is the one the call started.
    let ours = recent.iter().find(|e| {
        e.execution_type == ExecutionType::Rollback
            && e.status.is_active()
            && e.id != target
            && e.source_revisions == target_exec.source_revisions
    });
    Ok(match ours {
        Some(e) => Seen::Made(
            format!("rollback execution {} redeploys {target} in {stage}", e.id),
            Some(e.id.clone()),
        ),
        None => Seen::NotSeen(format!("no running rollback to {target} in {stage}")),
    })
}

async fn transition_seen(
    cloud: &Cloud,
    pipeline: &str,
    stage: &str,
    reason: Option<&str>,
) -> Result<Seen, String> {
    let p = &cloud.pipelines;
    let state = reread(|| p.get_pipeline_state(pipeline))
        .await
        .map_err(|e| e.to_string())?;
    let Some(st) = state.stages.iter().find(|s| s.name == stage) else {
        return Ok(Seen::NotSeen(format!("no stage {stage}")));
    };
    let t = &st.inbound;
    Ok(match reason {
        Some(r) if !t.enabled && t.disabled_reason.as_deref() == Some(r) => Seen::Made(
            format!("frozen: executions wait before {stage} ({r})"),
            None,
        ),
        None if t.enabled => Seen::Made(format!("unfrozen: executions enter {stage} again"), None),
        Some(_) if !t.enabled => Seen::NotSeen(format!(
            "{stage} frozen for another reason: {}",
            t.disabled_reason.as_deref().unwrap_or("none given")
        )),
        _ => Seen::NotSeen(format!(
            "the transition into {stage} {}",
            if t.enabled { "enabled" } else { "disabled" }
        )),
    })
}

async fn override_seen(
    cloud: &Cloud,
    pipeline: &str,
    stage: &str,
    id: &str,
    kind: ConditionKind,
) -> Result<Seen, String> {
    let p = &cloud.pipelines;
    let state = reread(|| p.get_pipeline_state(pipeline))
        .await
        .map_err(|e| e.to_string())?;
    let Some(st) = state.stages.iter().find(|s| s.name == stage) else {
        return Ok(Seen::NotSeen(format!("no stage {stage}")));
    };
    let k = kind.as_str();
    let status = st
        .conditions
        .iter()
        .find(|c| c.kind == kind)
        .and_then(|c| c.latest.as_ref())
        .map(|l| l.status);
    Ok(match status {
        Some(ConditionStatus::Overridden) => Seen::Made(
            format!("overridden: the {k} condition of {stage} lets execution {id} pass"),
            Some(id.to_string()),
        ),
        Some(s) => Seen::NotSeen(format!("the {k} condition of {stage} {}", s.as_str())),
        None => Seen::NotSeen(format!("no {k} condition state of {stage}")),
    })
}
