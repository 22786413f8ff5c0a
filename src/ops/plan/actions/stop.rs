//! Stop a running execution: stop and wait for running actions, or abandon them, with a reason.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{ActionStatus, ExecutionStatus, ExecutionSummary, StageStatus, human};
use serde_json::json;

/// CodePipeline's limit on a stop reason.
pub const MAX_REASON: usize = 200;

/// Where execution `id` is in `state`: the stage it runs in, the one whose entry it waits at
/// (queued, or held by a frozen transition or a busy stage), or `-`.
fn stage_now(state: Option<&crate::domain::PipelineState>, id: &str) -> String {
    let Some(state) = state else {
        return "-".into();
    };
    let runs = state.stages.iter().find(|st| {
        st.latest
            .as_ref()
            .is_some_and(|l| l.pipeline_execution_id == id && l.status == StageStatus::InProgress)
    });
    if let Some(st) = runs {
        return st.name.clone();
    }
    let waits = state.stages.iter().find(|st| {
        (st.inbound_execution.iter().chain(&st.queued)).any(|q| q.pipeline_execution_id == id)
    });
    waits.map_or("-".into(), |st| format!("waiting to enter {}", st.name))
}

/// The execution `asked` names in `executions` (its id or the start of one), or why none.
fn chosen<'a>(
    executions: &'a [ExecutionSummary],
    env: &str,
    asked: &str,
) -> Result<&'a ExecutionSummary, Refusal> {
    let asked = asked.trim();
    if asked.is_empty() {
        return Err(Refusal::by(
            Guard::Input,
            "no execution named: give its id (or the start of one)",
        )
        .with_flag("--execution"));
    }
    let several = match super::super::data::named_execution(executions, asked) {
        Ok(one) => return Ok(one),
        Err(several) => several,
    };
    match several.as_slice() {
        [] => Err(Refusal::by(
            Guard::Input,
            format!(
                "no execution `{asked}` in {env}'s history ({} newest read); `shipdeck pipeline \
                 {env}` lists them",
                executions.len()
            ),
        )
        .with_flag("--execution")),
        _ => Err(Refusal::by(
            Guard::Input,
            super::super::data::ambiguous(asked, &several, &format!("in {env}")),
        )
        .with_flag("--execution")),
    }
}

/// Plans stopping a running execution of the environment: the one asked for, else the newest
/// running.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    abandon: bool,
    reason: &str,
    execution: Option<&str>,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let reason = reason.trim();
    data.history_known(&spec.name, "whether an execution is running")?;
    let exec = match execution {
        Some(asked) => {
            let exec = chosen(data.executions, &spec.name, asked)?;
            if !exec.status.is_active() {
                return Err(Refusal::nothing(format!(
                    "execution {} in {} is {}, not running (nothing to stop)",
                    exec.id,
                    spec.name,
                    exec.status.as_str()
                )));
            }
            exec
        }
        None => data
            .executions
            .iter()
            .find(|e| e.status.is_active())
            .ok_or_else(|| {
                Refusal::nothing(format!(
                    "no running execution in {} (nothing to stop)",
                    spec.name
                ))
            })?,
    };
    let stage = stage_now(data.state, &exec.id);
    let release = exec.release().map_or("unknown release".to_string(), |r| {
        format!("{} by {}", r.version, r.actor)
    });
    let how = if abandon {
        "abandon running actions now"
    } else {
        "let running actions finish, then stop"
    };
    let mut summary = vec![
        format!(
            "Stop execution {} in {}{}",
            exec.id,
            spec.name,
            if spec.protected { " (PROTECTED)" } else { "" }
        ),
        format!("release:       {release}"),
        format!("status:        {}", exec.status.as_str()),
        format!("stage now:     {stage}"),
        format!("running for:   {}", human(ctx.now.since(exec.start))),
        format!("started by:    {}", exec.trigger.actor()),
        format!("mode:          {how}"),
    ];
    if !reason.is_empty() {
        summary.push(format!("reason:        {reason}"));
    }
    // Several run at once (one at the approval, a newer one queued behind it): this stops one,
    // and says which others run on (and how to choose another).
    let others: Vec<String> = (data.executions.iter())
        .filter(|e| e.status.is_active() && e.id != exec.id)
        .map(|e| {
            let release = e
                .release()
                .map_or("unknown release".into(), |r| r.version.to_string());
            format!(
                "{} ({release}, {})",
                super::approve::short_id(&e.id),
                stage_now(data.state, &e.id)
            )
        })
        .collect();
    let warnings = if others.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{} more running in {}, not stopped by this: {} (to stop another: --execution ID, or \
             select it in the pipeline history)",
            others.len(),
            spec.name,
            others.join(", ")
        )]
    };
    let target = Target::new(
        format!("{} execution {}", spec.pipeline, exec.id),
        format!(
            "execution {} ({release}, {})",
            super::approve::short_id(&exec.id),
            exec.status.as_str()
        ),
    );
    let draft = |r: Refusal| {
        r.with_draft(target.clone(), summary.clone())
            .with_draft_warnings(&warnings)
    };
    if exec.status == ExecutionStatus::Stopping && !abandon {
        // AWS refuses a second stop-and-wait (DuplicatedStopRequestException); abandoning is
        // still possible.
        return Err(draft(
            Refusal::nothing(format!(
                "execution {} is already stopping; abandon its running actions to stop it without \
                 waiting",
                exec.id
            ))
            .with_flag("--abandon"),
        ));
    }
    // A Stopping execution with nothing running any more is being abandoned: AWS refuses any
    // second stop (DuplicatedStopRequestException). With the state unknown, AWS decides.
    let running = data.state.map(|st| {
        st.stages.iter().any(|s| {
            s.latest.as_ref().is_some_and(|l| {
                l.pipeline_execution_id == exec.id
                    && matches!(l.status, StageStatus::InProgress | StageStatus::Stopping)
            }) && s.actions.iter().any(|a| {
                a.latest
                    .as_ref()
                    .is_some_and(|l| l.status == ActionStatus::InProgress)
            })
        })
    });
    if exec.status == ExecutionStatus::Stopping && abandon && running == Some(false) {
        return Err(draft(Refusal::nothing(format!(
            "execution {} is already being abandoned: nothing of it runs any more and it will \
             show Stopped shortly",
            exec.id
        ))));
    }
    if reason.is_empty() {
        return Err(draft(Refusal::missing(
            "a stop needs a reason",
            "--reason TEXT",
        )));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(draft(Refusal::by(
            Guard::Input,
            format!("the reason is longer than {MAX_REASON} characters"),
        )));
    }
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let call = ApiCall::new(
        "codepipeline",
        "StopPipelineExecution",
        json!({
            "pipelineName": spec.pipeline,
            "pipelineExecutionId": exec.id,
            "abandon": abandon,
            "reason": reason,
        }),
    );
    Ok(Plan {
        kind: OpKind::Stop,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings,
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Stop {
            pipeline: spec.pipeline.clone(),
            execution_id: exec.id.clone(),
            abandon,
            reason: reason.to_string(),
        },
        note: None,
    })
}
