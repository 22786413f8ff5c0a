//! Retry the failed stage of the latest execution (its failed actions, or all of them).

use super::approve::PipelineData;
use super::guards;
use super::lost::{change_seen, may_have_reached};
use super::plan::{ApiCall, Context, OpKind, Outcome, Plan, Planned, Refusal, Request, Target};
use crate::cloud::{Cloud, CloudError, RetryMode};
use crate::domain::{ExecutionStatus, StageStatus};
use serde_json::json;

/// Plans retrying the failed stage of the environment's latest execution.
pub fn plan(ctx: &Context<'_>, data: PipelineData<'_>, mode: RetryMode) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let nothing =
        |why: String| Refusal::nothing(format!("{why} in {} (nothing to retry)", spec.name));
    data.history_known(&spec.name, "whether a stage failed")?;
    let Some(latest) = data.executions.first() else {
        return Err(nothing("no execution".into()));
    };
    if !matches!(
        latest.status,
        ExecutionStatus::Failed | ExecutionStatus::Stopped
    ) {
        return Err(nothing(format!(
            "the latest execution {} is {}, not failed",
            latest.id,
            latest.status.as_str()
        )));
    }
    let known = data.state_known(&spec.name, "which stage failed")?;
    let stage = Some(known).and_then(|s| {
        s.stages.iter().find(|st| {
            st.latest.as_ref().is_some_and(|l| {
                l.pipeline_execution_id == latest.id
                    && matches!(l.status, StageStatus::Failed | StageStatus::Stopped)
            })
        })
    });
    let Some(stage) = stage else {
        return Err(nothing(format!(
            "no failed stage of execution {}",
            latest.id
        )));
    };
    let failed: Vec<String> = stage
        .actions
        .iter()
        .filter_map(|a| {
            let l = a.latest.as_ref()?;
            let why = l
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .or_else(|| l.summary.clone())
                .unwrap_or_default();
            (l.status.as_str() != "Succeeded")
                .then(|| format!("{} {} {why}", a.name, l.status.as_str()))
        })
        .collect();
    let (mode_name, mode_text) = match mode {
        RetryMode::FailedActions => ("FAILED_ACTIONS", "failed actions only"),
        RetryMode::AllActions => ("ALL_ACTIONS", "every action of the stage"),
    };
    let release = latest.release().map_or("unknown release".to_string(), |r| {
        format!("{} by {}", r.version, r.actor)
    });
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut summary = vec![
        format!(
            "Retry stage {} of execution {} in {}{}",
            stage.name,
            latest.id,
            spec.name,
            if spec.protected { " (PROTECTED)" } else { "" }
        ),
        format!("release:       {release}"),
        format!("mode:          {mode_text}"),
    ];
    summary.extend(
        failed
            .iter()
            .map(|f| format!("failed:        {}", f.trim_end())),
    );
    let call = ApiCall::new(
        "codepipeline",
        "RetryStageExecution",
        json!({
            "pipelineName": spec.pipeline,
            "stageName": stage.name,
            "pipelineExecutionId": latest.id,
            "retryMode": mode_name,
        }),
    );
    Ok(Plan {
        kind: OpKind::Retry,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target: Target::new(
            format!("{} {} execution {}", spec.pipeline, stage.name, latest.id),
            format!(
                "stage {} of execution {} ({release})",
                stage.name,
                super::approve::short_id(&latest.id)
            ),
        ),
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Retry {
            pipeline: spec.pipeline.clone(),
            stage: stage.name.clone(),
            execution_id: latest.id.clone(),
            mode,
        },
        note: None,
    })
}

/// Sends one `RetryStageExecution`; after a lost reply, re-reads the execution instead of
/// sending it again.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Retry {
        pipeline,
        stage,
        execution_id,
        mode,
    } = request
    else {
        return Outcome::failed("internal: not a retry request");
    };
    let p = &cloud.pipelines;
    match p.retry_stage(pipeline, stage, execution_id, *mode).await {
        Ok(id) => Outcome::done(
            format!("retrying stage {stage} of execution {id}"),
            Some(id),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "StageNotRetryableException"
                || code == "NotLatestPipelineExecutionException" =>
        {
            Outcome::refused(Refusal::nothing(format!("{message}; refresh")))
        }
        Err(e) if may_have_reached(&e) => {
            change_seen(cloud, request, "RetryStageExecution", &e).await
        }
        Err(e) => Outcome::failed(format!("RetryStageExecution failed: {e}")),
    }
}
