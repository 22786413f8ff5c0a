//! Stop a running execution: stop and wait for running actions, or abandon them, with a reason.

use super::approve::PipelineData;
use super::guards::{self, Guard};
use super::lost::{change_seen, may_have_reached};
use super::plan::{ApiCall, Context, OpKind, Outcome, Plan, Planned, Refusal, Request};
use super::text::aws_command;
use crate::cloud::{Cloud, CloudError};
use crate::domain::{ExecutionStatus, human};

/// CodePipeline's limit on a stop reason.
pub const MAX_REASON: usize = 200;

/// Plans stopping the environment's running execution.
pub fn plan(ctx: &Context<'_>, data: PipelineData<'_>, abandon: bool, reason: &str) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Refusal::missing("a stop needs a reason", "--reason TEXT"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Refusal::by(
            Guard::Input,
            format!("the reason is longer than {MAX_REASON} characters"),
        ));
    }
    let Some(exec) = data.executions.iter().find(|e| e.status.is_active()) else {
        return Err(Refusal::nothing(format!(
            "no running execution in {} (nothing to stop)",
            spec.name
        )));
    };
    if exec.status == ExecutionStatus::Stopping && !abandon {
        return Err(Refusal::nothing(format!(
            "execution {} is already stopping; abandon its running actions to stop it without waiting",
            exec.id
        ))
        .with_flag("--abandon"));
    }
    let stage = data
        .state
        .and_then(|s| {
            s.stages.iter().find(|st| {
                st.latest.as_ref().is_some_and(|l| {
                    l.pipeline_execution_id == exec.id && l.status.as_str() == "InProgress"
                })
            })
        })
        .map_or("-".to_string(), |s| s.name.clone());
    let release = exec.release().map_or("unknown release".to_string(), |r| {
        format!("{} by {}", r.version, r.actor)
    });
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let how = if abandon {
        "abandon running actions now"
    } else {
        "let running actions finish, then stop"
    };
    let summary = vec![
        format!(
            "Stop execution {} in {}{}",
            exec.id,
            spec.name,
            if spec.protected { " (PROTECTED)" } else { "" }
        ),
        format!("release:       {release}"),
        format!("stage now:     {stage}"),
        format!("running for:   {}", human(ctx.now.since(exec.start))),
        format!("started by:    {}", exec.trigger.actor()),
        format!("mode:          {how}"),
        format!("reason:        {reason}"),
    ];
    let params = [
        ("pipelineName", spec.pipeline.clone()),
        ("pipelineExecutionId", exec.id.clone()),
        ("abandon", abandon.to_string()),
        ("reason", reason.to_string()),
    ];
    let mut args = vec![
        ("pipeline-name", spec.pipeline.clone()),
        ("pipeline-execution-id", exec.id.clone()),
    ];
    if abandon {
        args.push(("abandon", String::new()));
    }
    args.push(("reason", reason.to_string()));
    Ok(Plan {
        kind: OpKind::Stop,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        call: ApiCall::new("codepipeline", "StopPipelineExecution", &params),
        aws_command: aws_command("codepipeline", "stop-pipeline-execution", &args),
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Stop {
            pipeline: spec.pipeline.clone(),
            execution_id: exec.id.clone(),
            abandon,
            reason: reason.to_string(),
        },
    })
}

/// Sends one `StopPipelineExecution`; after a lost reply, re-reads the execution instead of
/// sending it again.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Stop {
        pipeline,
        execution_id,
        abandon,
        reason,
    } = request
    else {
        return Outcome::failed("internal: not a stop request");
    };
    let p = &cloud.pipelines;
    match p
        .stop_execution(pipeline, execution_id, *abandon, reason)
        .await
    {
        Ok(()) => Outcome::done(
            format!(
                "{} execution {execution_id}",
                if *abandon { "abandoned" } else { "stopping" }
            ),
            Some(execution_id.clone()),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "PipelineExecutionNotStoppableException"
                || code == "DuplicatedStopRequestException" =>
        {
            Outcome::refused(Refusal::nothing(format!(
                "{message}; nothing was changed, refresh"
            )))
        }
        Err(e) if may_have_reached(&e) => {
            change_seen(cloud, request, "StopPipelineExecution", &e).await
        }
        Err(e) => Outcome::failed(format!("StopPipelineExecution failed: {e}")),
    }
}
