//! The `Pipelines` port's changes over CodePipeline: approval answers, starts, stops, retries.

use super::super::AwsCloud;
use super::super::convert;
use super::super::errors::map;
use super::pipelines::{call, invalid};
use crate::cloud::{ApprovalAnswer, ApprovalOutcome, CloudResult, RetryMode, StartRequest};
use crate::domain::Timestamp;
use aws_sdk_codepipeline::types as sdk;

/// `PutApprovalResult`; returns when the answer was recorded.
pub(super) async fn put_approval_result(
    aws: &AwsCloud,
    answer: &ApprovalAnswer,
) -> CloudResult<Timestamp> {
    let r = aws.ready().await;
    let resources = [
        ("pipeline", answer.pipeline.as_str()),
        ("stage", answer.stage.as_str()),
        ("action", answer.action.as_str()),
    ];
    let c = call(
        "PutApprovalResult",
        "codepipeline:PutApprovalResult",
        &resources,
    );
    let status = match answer.outcome {
        ApprovalOutcome::Approved => sdk::ApprovalStatus::Approved,
        ApprovalOutcome::Rejected => sdk::ApprovalStatus::Rejected,
    };
    let result = sdk::ApprovalResult::builder()
        .summary(&answer.summary)
        .status(status)
        .build()
        .map_err(|e| invalid("PutApprovalResult", e))?;
    let out = r
        .clients
        .codepipeline
        .put_approval_result()
        .pipeline_name(&answer.pipeline)
        .stage_name(&answer.stage)
        .action_name(&answer.action)
        .token(&answer.token)
        .result(result)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(out.approved_at.as_ref().map_or_else(wall_now, convert::ts))
}

/// `StartPipelineExecution` with its idempotency token, variables and source revisions.
pub(super) async fn start_execution(
    aws: &AwsCloud,
    name: &str,
    request: &StartRequest,
) -> CloudResult<String> {
    let r = aws.ready().await;
    let resources = [("pipeline", name)];
    let c = call(
        "StartPipelineExecution",
        "codepipeline:StartPipelineExecution",
        &resources,
    );
    let mut builder = r
        .clients
        .codepipeline
        .start_pipeline_execution()
        .name(name)
        .set_client_request_token(request.client_request_token.clone());
    for (key, value) in &request.variables {
        let variable = sdk::PipelineVariable::builder()
            .name(key)
            .value(value)
            .build()
            .map_err(|e| invalid("StartPipelineExecution", e))?;
        builder = builder.variables(variable);
    }
    for (action, version_id) in &request.source_revisions {
        let revision = sdk::SourceRevisionOverride::builder()
            .action_name(action)
            .revision_type(sdk::SourceRevisionType::S3ObjectVersionId)
            .revision_value(version_id)
            .build()
            .map_err(|e| invalid("StartPipelineExecution", e))?;
        builder = builder.source_revisions(revision);
    }
    let out = builder.send().await.map_err(|e| map(e, &c, &r.site))?;
    Ok(out.pipeline_execution_id.unwrap_or_default())
}

/// `StopPipelineExecution` (stop and wait, or abandon).
pub(super) async fn stop_execution(
    aws: &AwsCloud,
    name: &str,
    execution_id: &str,
    abandon: bool,
    reason: &str,
) -> CloudResult<()> {
    let r = aws.ready().await;
    let resources = [("pipeline", name), ("pipeline execution", execution_id)];
    let c = call(
        "StopPipelineExecution",
        "codepipeline:StopPipelineExecution",
        &resources,
    );
    r.clients
        .codepipeline
        .stop_pipeline_execution()
        .pipeline_name(name)
        .pipeline_execution_id(execution_id)
        .abandon(abandon)
        .set_reason((!reason.is_empty()).then(|| reason.to_string()))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(())
}

/// `RetryStageExecution`; returns the execution id.
pub(super) async fn retry_stage(
    aws: &AwsCloud,
    name: &str,
    stage: &str,
    execution_id: &str,
    mode: RetryMode,
) -> CloudResult<String> {
    let r = aws.ready().await;
    let resources = [
        ("pipeline", name),
        ("stage", stage),
        ("pipeline execution", execution_id),
    ];
    let c = call(
        "RetryStageExecution",
        "codepipeline:RetryStageExecution",
        &resources,
    );
    let mode = match mode {
        RetryMode::FailedActions => sdk::StageRetryMode::FailedActions,
        RetryMode::AllActions => sdk::StageRetryMode::AllActions,
    };
    let out = r
        .clients
        .codepipeline
        .retry_stage_execution()
        .pipeline_name(name)
        .stage_name(stage)
        .pipeline_execution_id(execution_id)
        .retry_mode(mode)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(out.pipeline_execution_id.unwrap_or_default())
}

/// The wall clock, for the rare answer that leaves out its own time.
fn wall_now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}
