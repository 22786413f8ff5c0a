//! Roll a stage back to an earlier execution that succeeded in it (`RollbackStage`), chosen
//! from the list of candidates.

use super::approve::PipelineData;
use super::guards::{self, Guard};
use super::plan::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request};
use super::text::aws_command;
use crate::domain::{ActionCategory, ExecutionSummary, PipelineDef};

/// The stage rolled back by default: the first one that deploys (or builds, for CodeBuild deploys).
pub fn default_stage(def: &PipelineDef) -> Option<&str> {
    let find = |c: ActionCategory| {
        def.stages
            .iter()
            .find(|s| s.actions.iter().any(|a| a.category == c))
    };
    find(ActionCategory::Deploy)
        .or_else(|| find(ActionCategory::Build))
        .map(|s| s.name.as_str())
}

/// One line per candidate: id, release, when, who.
pub fn candidate_lines(candidates: &[ExecutionSummary]) -> Vec<String> {
    candidates
        .iter()
        .map(|e| {
            let release = e.release().map_or("-".to_string(), |r| {
                format!("{} (commit {}) by {}", r.version, r.short_commit(), r.actor)
            });
            format!(
                "{}  {}  {}  {}",
                e.id,
                e.start.short(),
                release,
                e.trigger.actor()
            )
        })
        .collect()
}

/// Plans rolling `stage` back to execution `to`; `candidates` are the executions that succeeded
/// in that stage, newest first (the deployed one first).
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    stage: &str,
    candidates: &[ExecutionSummary],
    to: Option<&str>,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let deployed = candidates.first();
    let older: Vec<ExecutionSummary> = candidates.iter().skip(1).cloned().collect();
    let Some(to) = to else {
        if older.is_empty() {
            return Err(Refusal::nothing(format!(
                "no earlier execution succeeded in {stage} of {} (nothing to roll back to)",
                spec.name
            )));
        }
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "choose the execution to roll back to with --to; candidates, newest first:\n{}",
                candidate_lines(&older).join("\n")
            ),
        ));
    };
    if deployed.is_some_and(|d| d.id == to) {
        return Err(Refusal::nothing(format!(
            "execution {to} is what {stage} of {} already runs",
            spec.name
        )));
    }
    let Some(target) = older.iter().find(|e| e.id == to) else {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "execution {to} did not succeed in {stage}; candidates, newest first:\n{}",
                candidate_lines(&older).join("\n")
            ),
        ));
    };
    let running = data
        .state
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
    let line = |e: &ExecutionSummary| candidate_lines(std::slice::from_ref(e)).join("");
    let mut summary = vec![
        format!(
            "Roll back stage {stage} of {} in {}{}",
            spec.pipeline,
            spec.name,
            if spec.protected { " (PROTECTED)" } else { "" }
        ),
        format!("deployed now:  {}", deployed.map_or("-".to_string(), line)),
        format!("roll back to:  {}", line(target)),
    ];
    summary.extend(super::freeze::frozen_lines(data.state));
    let params = [
        ("pipelineName", spec.pipeline.clone()),
        ("stageName", stage.to_string()),
        ("targetPipelineExecutionId", to.to_string()),
    ];
    let args = [
        ("pipeline-name", spec.pipeline.clone()),
        ("stage-name", stage.to_string()),
        ("target-pipeline-execution-id", to.to_string()),
    ];
    Ok(Plan {
        kind: OpKind::Rollback,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        call: ApiCall::new("codepipeline", "RollbackStage", &params),
        aws_command: aws_command("codepipeline", "rollback-stage", &args),
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Rollback {
            pipeline: spec.pipeline.clone(),
            stage: stage.to_string(),
            target_execution_id: to.to_string(),
        },
    })
}
