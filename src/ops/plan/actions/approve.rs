//! Approve or reject a pending manual approval: the plan shows what would ship and who asked;
//! `apply` re-reads the token and the execution id right before `PutApprovalResult`.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::cloud::ApprovalOutcome;
use crate::domain::{Approval, Release, human};
use serde_json::json;

/// CodePipeline's limit on an approval comment.
pub const MAX_COMMENT: usize = 512;

/// The self-approval guard on approval `a`: refused when the operator published its release or
/// started its execution (and the environment refuses self-approval).
fn self_approval(
    ctx: &Context<'_>,
    data: &PipelineData<'_>,
    a: &Approval,
) -> Result<guards::GuardCheck, Refusal> {
    let execution = data.executions.iter().find(|e| e.id == a.execution_id);
    let starter = execution
        .filter(|e| e.trigger.kind == "StartPipelineExecution")
        .map(|e| e.trigger.detail.as_str());
    let actor = a.release.as_ref().map(|r| r.actor.as_str());
    guards::self_approval(ctx, actor, starter)
}

/// Why the operator may not answer the environment's first pending approval, if the
/// self-approval guard refuses it because the operator is known to be its publisher or starter
/// (what the footer needs before offering `approve`). While the operator's identity is not
/// known yet this says nothing: the plan's refusal says why.
pub fn self_approval_refusal(ctx: &Context<'_>, data: &PipelineData<'_>) -> Option<Refusal> {
    ctx.identity?;
    let a = data.approvals(&ctx.spec.name).into_iter().next()?;
    self_approval(ctx, data, &a).err()
}

/// Plans an answer to the environment's pending approval.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    outcome: ApprovalOutcome,
    comment: Option<&str>,
) -> Planned {
    let kind = match outcome {
        ApprovalOutcome::Approved => OpKind::Approve,
        ApprovalOutcome::Rejected => OpKind::Reject,
    };
    let env = &ctx.spec.name;
    let read_only = guards::read_only(ctx)?;
    let comment = comment.map(str::trim).unwrap_or_default().to_string();
    data.state_known(env, "whether an approval is pending")?;
    let Some(a) = data.approvals(env).into_iter().next() else {
        return Err(Refusal::nothing(format!(
            "no pending approval in {env} (nothing to {})",
            kind.name()
        )));
    };
    if a.time_left(ctx.now) <= 0 {
        return Err(Refusal::by(
            Guard::Expired,
            format!(
                "the approval of execution {} in {env} expired at {}; refresh to see its outcome",
                a.execution_id,
                a.expires_at()
            ),
        ));
    }
    let Some(token) = a.token.clone() else {
        return Err(Refusal::by(
            Guard::ChangedToken,
            format!("the approval in {env} has no token yet; refresh and try again"),
        ));
    };
    let self_check = self_approval(ctx, &data, &a)?;
    let summary = lines(ctx, &data, &a, kind, &comment);
    let target = target(&a, &token);
    let draft = |r: Refusal| r.with_draft(target.clone(), summary.clone());
    if outcome == ApprovalOutcome::Rejected && comment.is_empty() {
        return Err(draft(Refusal::missing(
            "a rejection needs a comment saying why",
            "--comment TEXT",
        )));
    }
    if comment.chars().count() > MAX_COMMENT {
        return Err(draft(Refusal::by(
            Guard::Input,
            format!(
                "the comment has {} characters; CodePipeline accepts at most {MAX_COMMENT}",
                comment.chars().count()
            ),
        )));
    }
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let status = match outcome {
        ApprovalOutcome::Approved => "Approved",
        ApprovalOutcome::Rejected => "Rejected",
    };
    let call = ApiCall::new(
        "codepipeline",
        "PutApprovalResult",
        json!({
            "pipelineName": a.pipeline,
            "stageName": a.stage,
            "actionName": a.action,
            "result": { "summary": comment, "status": status },
            "token": token,
        }),
    );
    Ok(Plan {
        kind,
        environment: env.clone(),
        protected: ctx.spec.protected,
        summary,
        warnings: behind(&data, &a, kind).into_iter().collect(),
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, self_check, confirm_check],
        request: Request::Answer {
            pipeline: a.pipeline,
            stage: a.stage,
            action: a.action,
            execution_id: a.execution_id,
            token,
            outcome,
            comment,
        },
        note: None,
    })
}

/// The approval answered: its action, the execution waiting there and the token it was read with.
fn target(a: &Approval, token: &str) -> Target {
    let ships = a
        .release
        .as_ref()
        .map_or("an unknown release".to_string(), |r| r.version.to_string());
    Target::new(
        format!(
            "{}/{}/{} execution {} token {token}",
            a.pipeline, a.stage, a.action, a.execution_id
        ),
        format!(
            "the approval of execution {} (ships {ships})",
            short_id(&a.execution_id)
        ),
    )
}

/// An execution id as the tables show it: its first 8 characters.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The execution waiting to enter the approval's stage behind the one answered, if any: what
/// the answer lets in next (in SUPERSEDED mode, a newer release queued behind the approval).
fn behind(data: &PipelineData<'_>, a: &Approval, kind: OpKind) -> Option<String> {
    let stage = (data.state?.stages.iter()).find(|s| s.name == a.stage)?;
    let next = stage.inbound_execution.as_ref()?;
    let id = next.pipeline_execution_id.as_str();
    if id == a.execution_id {
        return None;
    }
    let release = (data.executions.iter())
        .find(|e| e.id == id)
        .and_then(|e| e.release())
        .map_or_else(String::new, |r| format!(" (ships {})", r.version));
    let short = id.get(..8).unwrap_or(id);
    let then = match kind {
        OpKind::Reject => "rejecting this one lets it in next",
        _ => "approving ships this one first; that one then waits for its own answer",
    };
    Some(format!(
        "execution {short}{release} waits to enter {} behind this one: {then}",
        a.stage
    ))
}

fn lines(
    ctx: &Context<'_>,
    data: &PipelineData<'_>,
    a: &Approval,
    kind: OpKind,
    comment: &str,
) -> Vec<String> {
    let dash = || "-".to_string();
    let release = a.release.as_ref().map_or_else(dash, Release::describe);
    let deployed = data.deployed_text();
    let verb = if kind == OpKind::Approve {
        "Approve"
    } else {
        "Reject"
    };
    let mut out = vec![
        format!(
            "{verb} the release waiting in {}{}",
            ctx.spec.name,
            if ctx.spec.protected {
                " (PROTECTED)"
            } else {
                ""
            }
        ),
        format!("pipeline:      {} / {} / {}", a.pipeline, a.stage, a.action),
        format!("execution:     {}", a.execution_id),
        format!("would ship:    {release}"),
        format!("deployed now:  {deployed}"),
        format!(
            "triggered by:  {}",
            a.triggered_by.clone().unwrap_or_else(dash)
        ),
        format!("waiting:       {}", human(ctx.now.since(a.waiting_since))),
        format!(
            "time left:     {} (expires {})",
            human(a.time_left(ctx.now)),
            a.expires_at()
        ),
    ];
    if let Some(note) = &a.custom_data {
        out.push(format!("instructions:  {note}"));
    }
    if !comment.is_empty() {
        out.push(format!("comment:       {comment}"));
    }
    out.extend(super::freeze::frozen_lines(data.state));
    out
}
