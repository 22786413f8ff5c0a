//! What `verify` looks for after a freeze, an invalidation or a release: the transition as
//! asked, the invalidation `Completed`, a new execution of the release moving on.

use super::plan::{Outcome, Request};
use super::verify::moved_on;
use crate::cloud::{Cloud, CloudError, InvalidationStatus};
use crate::domain::ExecutionSummary;

/// One look at the change `request` made.
pub(super) async fn look(
    cloud: &Cloud,
    request: &Request,
    outcome: &Outcome,
) -> Result<(bool, String), CloudError> {
    match request {
        Request::Transition {
            pipeline,
            stage,
            disable_reason,
        } => {
            let state = cloud.pipelines.get_pipeline_state(pipeline).await?;
            let enabled = state
                .stages
                .iter()
                .find(|s| &s.name == stage)
                .map(|s| s.inbound.enabled);
            let want = disable_reason.is_none();
            Ok((
                enabled == Some(want),
                match enabled {
                    Some(true) => format!("the transition into {stage} is enabled"),
                    Some(false) => format!("the transition into {stage} is disabled (frozen)"),
                    None => format!("stage {stage} is gone"),
                },
            ))
        }
        Request::Invalidate {
            distribution_id, ..
        } => {
            let Some(id) = &outcome.reference else {
                return Ok((false, "no invalidation id".into()));
            };
            let inv = cloud.cdn.get_invalidation(distribution_id, id).await?;
            Ok((
                inv.status == InvalidationStatus::Completed,
                format!("invalidation {id} is {}", inv.status.as_str()),
            ))
        }
        Request::Promote { pipeline, .. } | Request::Upload { pipeline, .. } => {
            release_started(cloud, pipeline, outcome).await
        }
        _ => Ok((false, "nothing to watch".into())),
    }
}

/// Finds the execution the new source object started, then whether it moved on.
async fn release_started(
    cloud: &Cloud,
    pipeline: &str,
    outcome: &Outcome,
) -> Result<(bool, String), CloudError> {
    let Some(reference) = outcome.reference.as_deref() else {
        return Ok((false, "no object version to follow".into()));
    };
    let recent = cloud.pipelines.list_executions(pipeline, 5).await?;
    match recent.iter().find(|e| ships(e, reference)) {
        Some(e) => moved_on(cloud, pipeline, &e.id).await,
        None => Ok((
            false,
            format!("{pipeline} has not started on the new source object yet"),
        )),
    }
}

/// Whether `e` ships the object `reference` (its S3 version id, or its ETag).
fn ships(e: &ExecutionSummary, reference: &str) -> bool {
    let bare = reference.trim_matches('"');
    e.source_revisions
        .iter()
        .any(|r| r.revision_id == reference || r.revision_id == bare)
}
