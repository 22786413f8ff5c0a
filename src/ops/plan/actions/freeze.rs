//! Freeze / unfreeze an environment: disable or enable a stage's inbound transition, with a
//! reason that is shown prominently while frozen.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{ActionCategory, PipelineDef, PipelineState, StageState};
use serde_json::json;

/// CodePipeline's limits on a disable reason.
pub const MAX_REASON: usize = 300;

/// The stage frozen by default: the first stage with a deploy (or build) action, so nothing
/// new reaches the environment while fetched sources and approvals still show.
pub fn default_stage(def: &PipelineDef) -> Option<&str> {
    let deploys = |cats: &[ActionCategory]| {
        def.stages
            .iter()
            .skip(1)
            .find(|s| s.actions.iter().any(|a| cats.contains(&a.category)))
    };
    deploys(&[ActionCategory::Deploy])
        .or_else(|| deploys(&[ActionCategory::Build]))
        .or_else(|| def.stages.get(1))
        .map(|s| s.name.as_str())
}

/// A line for every frozen stage (empty when nothing is frozen): `FROZEN: Deploy — reason (by, at)`.
pub fn frozen_lines(state: Option<&PipelineState>) -> Vec<String> {
    let Some(state) = state else {
        return Vec::new();
    };
    state
        .stages
        .iter()
        .filter(|s| !s.inbound.enabled)
        .map(|s| {
            let t = &s.inbound;
            let by = t
                .last_changed_by
                .as_deref()
                .map(|b| format!(" by {}", guards::person(b)))
                .unwrap_or_default();
            let at = t
                .last_changed_at
                .map(|a| format!(" at {a}"))
                .unwrap_or_default();
            format!(
                "FROZEN: {} — {}{by}{at}",
                s.name,
                t.disabled_reason.as_deref().unwrap_or("no reason given")
            )
        })
        .collect()
}

/// Checks a freeze reason against CodePipeline's rules (1–300 characters of letters, digits,
/// spaces and `!@().*?-`).
fn check_reason(reason: &str) -> Result<(), Refusal> {
    if reason.is_empty() {
        return Err(Refusal::missing(
            "a freeze needs a reason; it is shown while frozen",
            "--reason TEXT",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Refusal::by(
            Guard::Input,
            format!("the reason is longer than {MAX_REASON} characters"),
        ));
    }
    if let Some(c) = reason
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "!@ ().*?-".contains(*c)))
    {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "CodePipeline accepts only letters, digits, spaces and !@().*?- in a freeze \
                 reason; found {c:?}"
            ),
        ));
    }
    Ok(())
}

/// Plans freezing or unfreezing `stage` (default: [`default_stage`]). A freeze sends its reason
/// (shown while frozen); `EnableStageTransition` takes none, so an unfreeze's reason, optional,
/// goes to the plan and the audit log only.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    kind: OpKind,
    stage: Option<&str>,
    reason: &str,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let freeze = kind == OpKind::Freeze;
    let reason = reason.trim();
    let state = data.state_known(&spec.name, "which stages are frozen")?;
    let Some(def) = data.def else {
        return Err(Refusal::unread(format!(
            "cannot tell which stages {} has: its pipeline definition is not read yet",
            spec.name
        )));
    };
    let name = match stage {
        Some(s) => s,
        None => default_stage(def)
            .ok_or_else(|| Refusal::by(Guard::Input, "the pipeline has no stage to freeze"))?,
    };
    // The first stage has no inbound transition: CodePipeline refuses to disable (or enable) it.
    let first = def.stages.first().map(|s| s.name.as_str());
    let names: Vec<&str> = (state.stages.iter())
        .map(|s| s.name.as_str())
        .filter(|s| Some(*s) != first)
        .collect();
    let expected = format!("expected one of {}", names.join(", "));
    if Some(name) == first {
        return Err(Refusal::by(
            Guard::Input,
            format!(
                "stage `{name}` is the pipeline's first stage: it has no inbound transition to \
                 {}; {expected}",
                if freeze { "disable" } else { "enable" }
            ),
        )
        .with_flag("--stage"));
    }
    let Some(st) = state.stages.iter().find(|s| s.name == name) else {
        return Err(
            Refusal::by(Guard::Input, format!("unknown stage `{name}`; {expected}"))
                .with_flag("--stage"),
        );
    };
    already(kind, spec.name.as_str(), st)?;
    let mut summary = vec![format!(
        "{} {} in {}{}: executions {} enter stage {name}",
        if freeze { "Freeze" } else { "Unfreeze" },
        spec.pipeline,
        spec.name,
        if spec.protected { " (PROTECTED)" } else { "" },
        if freeze { "no longer" } else { "may again" },
    )];
    summary.extend(frozen_lines(Some(state)));
    let target = Target::new(
        format!("{} {name} inbound {}", spec.pipeline, kind.name()),
        format!(
            "the inbound transition of stage {name} ({})",
            if freeze {
                "enabled now"
            } else {
                "disabled now"
            }
        ),
    );
    let mut params = json!({
        "pipelineName": spec.pipeline,
        "stageName": name,
        "transitionType": "Inbound",
    });
    let op = if freeze {
        if let Err(r) = check_reason(reason) {
            return Err(r.with_draft(target, summary));
        }
        summary.push(format!("reason:        {reason}"));
        params["reason"] = json!(reason);
        "DisableStageTransition"
    } else {
        if reason.chars().count() > MAX_REASON {
            return Err(Refusal::by(
                Guard::Input,
                format!("the reason is longer than {MAX_REASON} characters"),
            )
            .with_draft(target, summary));
        }
        if !reason.is_empty() {
            summary.push(format!("reason:        {reason} (audit log only)"));
        }
        "EnableStageTransition"
    };
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let call = ApiCall::new("codepipeline", op, params);
    Ok(Plan {
        kind,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Transition {
            pipeline: spec.pipeline.clone(),
            stage: name.to_string(),
            disable_reason: freeze.then(|| reason.to_string()),
        },
        note: None,
    })
}

/// Nothing to do when the stage already is as asked.
fn already(kind: OpKind, env: &str, st: &StageState) -> Result<(), Refusal> {
    match (kind, st.inbound.enabled) {
        (OpKind::Freeze, false) => {
            let t = &st.inbound;
            let since = (t.last_changed_at.map(|a| format!("since {a}")))
                .into_iter()
                .chain(
                    t.last_changed_by
                        .as_deref()
                        .map(|b| format!("by {}", guards::person(b))),
                )
                .collect::<Vec<_>>()
                .join(" ");
            let since = if since.is_empty() {
                String::new()
            } else {
                format!(" {since}")
            };
            Err(Refusal::nothing(format!(
                "{env} is already frozen at {}{since}: {}; `unfreeze {env}` lets executions in again",
                st.name,
                t.disabled_reason.as_deref().unwrap_or("no reason given")
            )))
        }
        (OpKind::Unfreeze, true) => Err(Refusal::nothing(format!(
            "{env} is not frozen at {}",
            st.name
        ))),
        _ => Ok(()),
    }
}
