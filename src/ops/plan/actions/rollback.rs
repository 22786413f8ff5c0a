//! Roll a stage back to an earlier execution that succeeded in it (`RollbackStage`), chosen
//! from the list of candidates: standard executions only, never the source stage.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{ExecutionSummary, ExecutionType, PipelineDef};
use serde_json::json;

/// The stage rolled back by default: the first one that deploys (or builds, for CodeBuild deploys).
pub fn default_stage(def: &PipelineDef) -> Option<&str> {
    def.deploy_stage()
}

/// The rollback targets among the executions that succeeded in a stage (newest first): all but
/// the first (what runs now), less the ROLLBACK-type ones, which CodePipeline refuses as targets.
pub fn older_targets(candidates: &[ExecutionSummary]) -> Vec<ExecutionSummary> {
    candidates
        .iter()
        .skip(1)
        .filter(|e| e.execution_type == ExecutionType::Standard)
        .cloned()
        .collect()
}

/// One line per candidate: id, release (with who published it), when, what started it (a
/// rollback execution says so).
pub fn candidate_lines(candidates: &[ExecutionSummary]) -> Vec<String> {
    candidates
        .iter()
        .map(|e| {
            let release = e.release().map_or("-".to_string(), |r| {
                format!("{} (commit {}) by {}", r.version, r.short_commit(), r.actor)
            });
            format!(
                "{}  {}  {}  started by {}{}",
                e.id,
                e.start.short(),
                release,
                e.trigger.actor(),
                if e.execution_type == ExecutionType::Rollback {
                    "  (rollback)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

/// Plans rolling `stage` back to execution `to`; `candidates` are the executions that succeeded
/// in that stage, newest first (the deployed one first), or `None` while they are being listed.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    stage: &str,
    candidates: Option<&[ExecutionSummary]>,
    to: Option<&str>,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let head = format!(
        "Roll back stage {stage} of {} in {}{}",
        spec.pipeline,
        spec.name,
        if spec.protected { " (PROTECTED)" } else { "" }
    );
    let line = |e: &ExecutionSummary| candidate_lines(std::slice::from_ref(e)).join("");
    let Some(candidates) = candidates else {
        let summary = vec![head, "candidates:    being listed…".to_string()];
        return Err(Refusal::by(
            Guard::Input,
            format!("the executions that succeeded in {stage} are being listed"),
        )
        .with_draft(
            Target::new(
                format!("{} {stage} rollback", spec.pipeline),
                "stage ".to_string() + stage,
            ),
            summary,
        ));
    };
    if let Some(def) = data.def
        && def.stages.first().is_some_and(|s| s.name == stage)
    {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "{stage} is the source stage of {}; CodePipeline cannot roll back a source stage \
                 (name the deploy stage with --stage)",
                spec.pipeline
            ),
        ));
    }
    // What runs is the newest success in the stage, a rollback execution too; the targets are
    // the older standard ones (AWS refuses a ROLLBACK-type target).
    let deployed = candidates.first();
    let older = older_targets(candidates);
    let mut summary = vec![
        head,
        format!("deployed now:  {}", deployed.map_or("-".to_string(), line)),
    ];
    let stage_target = Target::provisional(
        format!("{} {stage} rollback", spec.pipeline),
        format!("stage {stage}"),
    );
    let Some(to) = to.map(str::trim).filter(|t| !t.is_empty()) else {
        if older.is_empty() {
            return Err(Refusal::nothing(format!(
                "no earlier execution succeeded in {stage} of {} (nothing to roll back to)",
                spec.name
            )));
        }
        return Err(Refusal::missing(
            format!(
                "choose the execution to roll back to; {} candidate{}",
                older.len(),
                if older.len() == 1 { "" } else { "s" }
            ),
            "--to EXECUTION",
        )
        .with_draft(stage_target, summary));
    };
    // An id as the views show it (its start) names the one candidate it starts.
    let to = match super::super::data::named_execution(candidates, to) {
        Ok(e) => e.id.as_str(),
        Err(several) if several.len() > 1 => {
            let among = format!("that succeeded in {stage}");
            return Err(Refusal::by(
                Guard::Input,
                super::super::data::ambiguous(to, &several, &among),
            )
            .with_flag("--to EXECUTION")
            .with_draft(stage_target, summary));
        }
        Err(_) => to,
    };
    if deployed.is_some_and(|d| d.id == to) {
        return Err(Refusal::nothing(format!(
            "execution {to} is what {stage} of {} already runs",
            spec.name
        ))
        .with_draft(stage_target, summary));
    }
    if candidates
        .iter()
        .any(|e| e.id == to && e.execution_type == ExecutionType::Rollback)
    {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "execution {to} is itself a rollback; CodePipeline rolls back only to a standard \
                 execution (choose the execution that rollback redeployed)"
            ),
        )
        .with_draft(stage_target, summary));
    }
    let Some(target) = older.iter().find(|e| e.id == to) else {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "execution {to} is not among the {} earlier executions that succeeded in {stage}",
                older.len()
            ),
        )
        .with_draft(stage_target, summary));
    };
    summary.push(format!("roll back to:  {}", line(target)));
    let known = data
        .state_known(
            &spec.name,
            &format!("whether an execution is running in {stage}"),
        )
        .map_err(|r| r.with_draft(stage_target.clone(), summary.clone()))?;
    let running = Some(known)
        .and_then(|s| s.stages.iter().find(|st| st.name == stage))
        .and_then(|st| {
            st.latest
                .as_ref()
                .filter(|l| l.status == crate::domain::StageStatus::InProgress)
        });
    if let Some(l) = running {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "execution {} is running in {stage} of {}; wait for it or stop it first (shipdeck stop {})",
                l.pipeline_execution_id, spec.name, spec.name
            ),
        ));
    }
    let (confirm, confirm_check) = guards::confirmation(ctx);
    summary.extend(super::freeze::frozen_lines(data.state));
    let call = ApiCall::new(
        "codepipeline",
        "RollbackStage",
        json!({
            "pipelineName": spec.pipeline,
            "stageName": stage,
            "targetPipelineExecutionId": to,
        }),
    );
    let release = target
        .release()
        .map_or("unknown release".to_string(), |r| r.version.to_string());
    Ok(Plan {
        kind: OpKind::Rollback,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target: Target::new(
            format!("{} {stage} rollback to {to}", spec.pipeline),
            format!(
                "stage {stage} back to execution {} ({release})",
                super::approve::short_id(to)
            ),
        ),
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Rollback {
            pipeline: spec.pipeline.clone(),
            stage: stage.to_string(),
            target_execution_id: to.to_string(),
        },
        note: None,
    })
}
