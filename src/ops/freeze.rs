//! Freeze / unfreeze an environment: disable or enable a stage's inbound transition, with a
//! reason that is shown prominently while frozen.

use super::approve::PipelineData;
use super::guards::{self, Guard};
use super::plan::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request};
use super::text::aws_command;
use crate::domain::{ActionCategory, PipelineDef, PipelineState, StageState};

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

/// Plans freezing (`reason` given) or unfreezing (`None`) `stage` (default: [`default_stage`]).
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    stage: Option<&str>,
    reason: Option<&str>,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let kind = if reason.is_some() {
        OpKind::Freeze
    } else {
        OpKind::Unfreeze
    };
    let reason = reason.map(str::trim);
    match reason {
        Some("") => {
            return Err(Refusal::missing(
                "a freeze needs a reason; it is shown while frozen",
                "--reason TEXT",
            ));
        }
        Some(r) if r.chars().count() > MAX_REASON => {
            return Err(Refusal::by(
                Guard::Input,
                format!("the reason is longer than {MAX_REASON} characters"),
            ));
        }
        Some(r) => {
            if let Some(c) = r
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
        }
        _ => {}
    }
    let (Some(def), Some(state)) = (data.def, data.state) else {
        return Err(Refusal::by(
            Guard::Input,
            format!("the pipeline of {} is not loaded yet; refresh", spec.name),
        ));
    };
    let name = match stage {
        Some(s) => s,
        None => default_stage(def)
            .ok_or_else(|| Refusal::by(Guard::Input, "the pipeline has no stage to freeze"))?,
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
    already(kind, spec.name.as_str(), st)?;
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut summary = vec![format!(
        "{} {} in {}{}: executions {} enter stage {name}",
        if reason.is_some() {
            "Freeze"
        } else {
            "Unfreeze"
        },
        spec.pipeline,
        spec.name,
        if spec.protected { " (PROTECTED)" } else { "" },
        if reason.is_some() {
            "no longer"
        } else {
            "may again"
        },
    )];
    summary.extend(frozen_lines(Some(state)));
    let mut params = vec![
        ("pipelineName", spec.pipeline.clone()),
        ("stageName", name.to_string()),
        ("transitionType", "Inbound".to_string()),
    ];
    let mut args = params
        .iter()
        .map(|(k, v)| (kebab(k), v.clone()))
        .collect::<Vec<_>>();
    let (op, cmd) = match reason {
        Some(r) => {
            summary.push(format!("reason:        {r}"));
            params.push(("reason", r.to_string()));
            args.push(("reason", r.to_string()));
            ("DisableStageTransition", "disable-stage-transition")
        }
        None => ("EnableStageTransition", "enable-stage-transition"),
    };
    let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
    Ok(Plan {
        kind,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        call: ApiCall::new("codepipeline", op, &params),
        aws_command: aws_command("codepipeline", cmd, &args),
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Transition {
            pipeline: spec.pipeline.clone(),
            stage: name.to_string(),
            disable_reason: reason.map(str::to_string),
        },
    })
}

fn kebab(param: &str) -> &'static str {
    match param {
        "pipelineName" => "pipeline-name",
        "stageName" => "stage-name",
        _ => "transition-type",
    }
}

/// Nothing to do when the stage already is as asked.
fn already(kind: OpKind, env: &str, st: &StageState) -> Result<(), Refusal> {
    match (kind, st.inbound.enabled) {
        (OpKind::Freeze, false) => Err(Refusal::nothing(format!(
            "{env} is already frozen at {}: {}",
            st.name,
            st.inbound
                .disabled_reason
                .as_deref()
                .unwrap_or("no reason given")
        ))),
        (OpKind::Unfreeze, true) => Err(Refusal::nothing(format!(
            "{env} is not frozen at {}",
            st.name
        ))),
        _ => Ok(()),
    }
}
