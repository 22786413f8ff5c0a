//! Retry a failed or stopped stage (its failed actions, or all of them), decided per stage.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::cloud::RetryMode;
use crate::domain::{
    ActionStatus, ExecutionStatus, ExecutionSummary, StageExecution, StageState, StageStatus,
};
use serde_json::json;

/// Plans retrying a failed (or stopped) stage. Retry eligibility is per stage, as AWS decides
/// it: the stage's own latest run must be a Failed or Stopped execution (a newer release
/// waiting at another stage does not matter); FAILED_ACTIONS needs a failed or abandoned action
/// in it (AWS: StageNotRetryableException, "no failed actions"), ALL_ACTIONS reruns the whole
/// stage; neither while an action of it runs.
pub fn plan(ctx: &Context<'_>, data: PipelineData<'_>, mode: RetryMode) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let nothing =
        |why: String| Refusal::nothing(format!("{why} in {} (nothing to retry)", spec.name));
    data.history_known(&spec.name, "whether a stage failed")?;
    let known = data.state_known(&spec.name, "which stage failed")?;
    // Each stage whose latest run ended Failed or Stopped, with that execution, newest first.
    let mut halted: Vec<(&StageState, &StageExecution, Option<&ExecutionSummary>)> = known
        .stages
        .iter()
        .filter_map(|st| {
            let l = st.latest.as_ref()?;
            if !matches!(l.status, StageStatus::Failed | StageStatus::Stopped) {
                return None;
            }
            let exec = data
                .executions
                .iter()
                .find(|e| e.id == l.pipeline_execution_id);
            // Retried already, or moving again: not halted any more.
            if exec.is_some_and(|e| {
                !matches!(e.status, ExecutionStatus::Failed | ExecutionStatus::Stopped)
            }) {
                return None;
            }
            Some((st, l, exec))
        })
        .collect();
    halted.sort_by_key(|(_, _, e)| std::cmp::Reverse(e.map(|e| e.start)));
    let Some(&(stage, stage_run, latest)) = halted.first() else {
        return Err(nothing(match data.executions.first() {
            Some(e) => format!(
                "no stage's latest run failed or stopped (the latest execution {} is {})",
                e.id,
                e.status.as_str()
            ),
            None => "no execution".into(),
        }));
    };
    let exec_id = stage_run.pipeline_execution_id.clone();
    if let Some(a) = stage.actions.iter().find(|a| {
        a.latest
            .as_ref()
            .is_some_and(|l| l.status == ActionStatus::InProgress)
    }) {
        return Err(nothing(format!(
            "action {} of stage {} is still running for execution {exec_id}",
            a.name, stage.name
        )));
    }
    let has_failed = stage.actions.iter().any(|a| {
        a.latest
            .as_ref()
            .is_some_and(|l| matches!(l.status, ActionStatus::Failed | ActionStatus::Abandoned))
    });
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
            (l.status != ActionStatus::Succeeded)
                .then(|| format!("{} {} {why}", a.name, l.status.as_str()))
        })
        .collect();
    let (mode_name, mode_text) = match mode {
        RetryMode::FailedActions => ("FAILED_ACTIONS", "failed actions only"),
        RetryMode::AllActions => ("ALL_ACTIONS", "every action of the stage"),
    };
    let release = latest
        .and_then(ExecutionSummary::release)
        .map_or("unknown release".to_string(), |r| {
            format!("{} by {}", r.version, r.actor)
        });
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut summary = vec![
        format!(
            "Retry stage {} of execution {} in {}{}",
            stage.name,
            exec_id,
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
    let target = Target::new(
        format!("{} {} execution {}", spec.pipeline, stage.name, exec_id),
        format!(
            "stage {} of execution {} ({release})",
            stage.name,
            super::approve::short_id(&exec_id)
        ),
    );
    if mode == RetryMode::FailedActions && !has_failed {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "stage {} of execution {exec_id} in {} has no failed actions (they finished, then \
                 the execution stopped); only retrying every action of the stage reruns it",
                stage.name, spec.name
            ),
        )
        .with_flag("--all")
        .with_draft(target, summary));
    }
    let call = ApiCall::new(
        "codepipeline",
        "RetryStageExecution",
        json!({
            "pipelineName": spec.pipeline,
            "stageName": stage.name,
            "pipelineExecutionId": exec_id,
            "retryMode": mode_name,
        }),
    );
    Ok(Plan {
        kind: OpKind::Retry,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Retry {
            pipeline: spec.pipeline.clone(),
            stage: stage.name.clone(),
            execution_id: exec_id.clone(),
            mode,
        },
        note: None,
    })
}
