//! The `Pipelines` port's rollbacks and transitions over CodePipeline: `RollbackStage`, the
//! `succeededInStage` listing that finds rollback targets, `Disable/EnableStageTransition`.

use super::super::AwsCloud;
use super::super::errors::map;
use super::pipelines::{call, list_pages};
use crate::cloud::{CloudError, CloudResult, TransitionChange, check_transition_reason};
use crate::domain::ExecutionSummary;
use aws_sdk_codepipeline::types as sdk;

/// Largest page `ListPipelineExecutions` serves.
/// `RollbackStage`; returns the rollback execution id.
pub(super) async fn rollback_stage(
    aws: &AwsCloud,
    name: &str,
    stage: &str,
    target: &str,
) -> CloudResult<String> {
    let r = aws.ready().await;
    let resources = [
        ("pipeline", name),
        ("stage", stage),
        ("pipeline execution", target),
    ];
    let c = call("RollbackStage", "codepipeline:RollbackStage", &resources);
    let out = r
        .clients
        .codepipeline
        .rollback_stage()
        .pipeline_name(name)
        .stage_name(stage)
        .target_pipeline_execution_id(target)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(out.pipeline_execution_id)
}

/// `ListPipelineExecutions` filtered by `succeededInStage`, newest first, at most `max`.
pub(super) async fn list_succeeded_in_stage(
    aws: &AwsCloud,
    name: &str,
    stage: &str,
    max: usize,
) -> CloudResult<Vec<ExecutionSummary>> {
    let r = aws.ready().await;
    let resources = [("pipeline", name), ("stage", stage)];
    let c = call(
        "ListPipelineExecutions",
        "codepipeline:ListPipelineExecutions",
        &resources,
    );
    let filter = sdk::PipelineExecutionFilter::builder()
        .succeeded_in_stage(
            sdk::SucceededInStageFilter::builder()
                .stage_name(stage)
                .build(),
        )
        .build();
    list_pages(r, &c, name, Some(filter), max).await
}

/// `DisableStageTransition` / `EnableStageTransition` on the inbound side of `stage`.
pub(super) async fn set_inbound_transition(
    aws: &AwsCloud,
    name: &str,
    stage: &str,
    change: &TransitionChange,
) -> CloudResult<()> {
    let r = aws.ready().await;
    let resources = [("pipeline", name), ("stage", stage)];
    let cp = &r.clients.codepipeline;
    match change {
        TransitionChange::Disable { reason } => {
            check_transition_reason(reason).map_err(|m| CloudError::Rejected {
                code: "ValidationException".into(),
                message: format!("DisableStageTransition on {name}/{stage}: {m}"),
            })?;
            let c = call(
                "DisableStageTransition",
                "codepipeline:DisableStageTransition",
                &resources,
            );
            cp.disable_stage_transition()
                .pipeline_name(name)
                .stage_name(stage)
                .transition_type(sdk::StageTransitionType::Inbound)
                .reason(reason)
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
        }
        TransitionChange::Enable => {
            let c = call(
                "EnableStageTransition",
                "codepipeline:EnableStageTransition",
                &resources,
            );
            cp.enable_stage_transition()
                .pipeline_name(name)
                .stage_name(stage)
                .transition_type(sdk::StageTransitionType::Inbound)
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
        }
    }
    Ok(())
}
