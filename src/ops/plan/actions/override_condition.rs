//! Override a stage condition: let the execution a beforeEntry or onSuccess condition holds
//! past it (`OverrideStageCondition`), pinned to that condition and that execution.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use super::approve::short_id;
use crate::domain::{
    ConditionKind, ConditionResult, ConditionStatus, ConditionView, PipelineState, RuleStatus,
    RuleView, StageDef, StageState, Timestamp, condition_views,
};
use serde_json::json;

/// The conditions of a stage as declared and as they run now.
fn views(def: Option<&StageDef>, st: &StageState) -> Vec<ConditionView> {
    condition_views(
        def.map_or(&[][..], |d| d.conditions.as_slice()),
        &st.conditions,
    )
}

/// Whether the stage's conditions of `kind` are in progress now.
pub fn in_progress(st: &StageState, kind: ConditionKind) -> bool {
    st.conditions.iter().any(|c| {
        c.kind == kind
            && (c
                .latest
                .as_ref()
                .is_some_and(|l| l.status == ConditionStatus::InProgress)
                || c.conditions.iter().any(|x| {
                    x.latest
                        .as_ref()
                        .is_some_and(|l| l.status == ConditionStatus::InProgress)
                }))
    })
}

/// The first stage with a beforeEntry or onSuccess condition in progress, and that kind: what
/// an override acts on by default (and whether the console offers it at all).
pub fn default_target(state: &PipelineState) -> Option<(&str, ConditionKind)> {
    state.stages.iter().find_map(|s| {
        [ConditionKind::BeforeEntry, ConditionKind::OnSuccess]
            .into_iter()
            .find(|k| in_progress(s, *k))
            .map(|k| (s.name.as_str(), k))
    })
}

/// The execution a condition in progress holds: the one waiting to enter the stage
/// (beforeEntry), or the one whose success in it is being checked (onSuccess).
fn held(st: &StageState, kind: ConditionKind) -> Option<&str> {
    match kind {
        ConditionKind::BeforeEntry => st.inbound_execution.as_ref(),
        _ => st.latest.as_ref(),
    }
    .map(|e| e.pipeline_execution_id.as_str())
}

/// A rule's state for the recap: `DeploymentWindow `prod-hours`: blocked until Thu 09:00
/// Europe/Berlin`, `CloudWatchAlarm `api-5xx`: InProgress — Alarm api-5xx is OK`.
pub fn rule_line(r: &RuleView, now: Timestamp) -> String {
    let name = match &r.provider {
        Some(p) => format!("{p} `{}`", r.name),
        None => format!("`{}`", r.name),
    };
    let until = (r.status == Some(RuleStatus::InProgress))
        .then(|| {
            let w = r.window.as_ref()?;
            let at = w.next_open(now).ok()?;
            Some(format!("blocked until {}", w.local_text(at, now)))
        })
        .flatten();
    let state = until.unwrap_or_else(|| {
        let status = r.status.map_or("not run", RuleStatus::as_str);
        match r.summary.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => format!("{status} — {s}"),
            None => status.to_string(),
        }
    });
    format!("{name}: {state}")
}

/// Nothing in progress to override. A condition that stopped running while a dialog was open
/// is another target than the one shown: the draft's says so, and nothing can be sent.
fn ended(ctx: &Context<'_>, why: String) -> Refusal {
    Refusal::nothing(why.clone()).with_draft(
        Target::new(
            format!("{} no condition in progress", ctx.spec.pipeline),
            "no stage condition in progress (it passed, failed or was overridden)",
        ),
        vec![why],
    )
}

/// Plans overriding the `kind` condition of `stage` (default: the first stage with a condition
/// in progress, and that condition). Refused before any call: onFailure and SKIP results
/// cannot be overridden; nothing in progress is nothing to do.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    stage: Option<&str>,
    kind: Option<ConditionKind>,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let env = spec.name.as_str();
    if kind == Some(ConditionKind::OnFailure) {
        return Err(Refusal::by(
            Guard::Input,
            "an onFailure condition cannot be overridden: CodePipeline overrides only a \
             beforeEntry or onSuccess condition in progress",
        ));
    }
    let state = data.state_known(env, "which stage conditions are in progress")?;
    let Some(def) = data.def else {
        return Err(Refusal::unread(format!(
            "cannot tell the stage conditions of {env}: its pipeline definition is not read yet"
        )));
    };
    let name = match stage {
        Some(s) => s,
        None => match default_target(state) {
            Some((s, _)) => s,
            None => {
                return Err(ended(
                    ctx,
                    format!(
                        "no beforeEntry or onSuccess condition is in progress in {env}: nothing \
                         to override"
                    ),
                ));
            }
        },
    };
    let Some(st) = state.stages.iter().find(|s| s.name == name) else {
        let names: Vec<&str> = state.stages.iter().map(|s| s.name.as_str()).collect();
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "unknown stage `{name}`; expected one of {}",
                names.join(", ")
            ),
        ));
    };
    let stage_def = def.stages.iter().find(|s| s.name == name);
    let kind = match kind {
        Some(k) => k,
        None => [ConditionKind::BeforeEntry, ConditionKind::OnSuccess]
            .into_iter()
            .find(|k| in_progress(st, *k))
            .unwrap_or(ConditionKind::BeforeEntry),
    };
    let k = kind.as_str();
    let all = views(stage_def, st);
    let of_kind: Vec<&ConditionView> = all.iter().filter(|c| c.kind == kind).collect();
    if of_kind.is_empty() {
        return Err(Refusal::by(
            Guard::Input,
            format!("stage {name} of {env} has no {k} condition"),
        ));
    }
    if of_kind
        .iter()
        .any(|c| c.result == Some(ConditionResult::Skip))
    {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "the {k} condition of stage {name} has result SKIP: CodePipeline cannot \
                 override it (the stage is skipped when its rules fail, never held)"
            ),
        ));
    }
    if !in_progress(st, kind) {
        let now: Vec<String> = of_kind.iter().map(|c| c.live_text(ctx.now)).collect();
        return Err(ended(
            ctx,
            format!(
                "the {k} condition of stage {name} in {env} is not in progress ({}): nothing to \
             override",
                now.join("; ")
            ),
        ));
    }
    let Some(exec) = held(st, kind) else {
        return Err(Refusal::unread(format!(
            "cannot tell which execution the {k} condition of {name} in {env} holds: the \
             pipeline state names none"
        )));
    };
    let Some(api_type) = kind.api_type() else {
        return Err(Refusal::by(
            Guard::Input,
            format!("the {k} condition cannot be overridden"),
        ));
    };
    let effect = match kind {
        ConditionKind::BeforeEntry => format!("execution {} enters {name} now", short_id(exec)),
        _ => format!(
            "execution {} passes {name} without waiting for the checks",
            short_id(exec)
        ),
    };
    let mut summary = vec![format!(
        "Override the {k} condition of {name} in {env}{}: {effect}",
        if spec.protected { " (PROTECTED)" } else { "" },
    )];
    summary.push(format!("execution:     {exec}"));
    // The rules' states say what holds the execution (a condition without rules: its own).
    for c in &of_kind {
        if c.rules.is_empty() {
            summary.push(format!("condition:     {}", c.live_text(ctx.now)));
        }
        summary.extend(
            c.rules
                .iter()
                .map(|r| format!("rule:          {}", rule_line(r, ctx.now))),
        );
    }
    let target = Target::new(
        format!("{} {name} {k} {exec}", spec.pipeline),
        format!(
            "the {k} condition of {name} holding execution {}",
            short_id(exec)
        ),
    );
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let call = ApiCall::new(
        "codepipeline",
        "OverrideStageCondition",
        json!({
            "pipelineName": spec.pipeline,
            "stageName": name,
            "pipelineExecutionId": exec,
            "conditionType": api_type,
        }),
    );
    Ok(Plan {
        kind: OpKind::Override,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Override {
            pipeline: spec.pipeline.clone(),
            stage: name.to_string(),
            execution_id: exec.to_string(),
            kind,
        },
        note: None,
    })
}
