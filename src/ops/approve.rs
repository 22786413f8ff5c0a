//! Approve or reject a pending manual approval: the plan shows what would ship and who asked;
//! `apply` re-reads the token and the execution id right before `PutApprovalResult`.

use super::guards::{self, Guard};
use super::plan::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::cloud::ApprovalOutcome;
use crate::domain::{
    Approval, ExecutionSummary, PipelineDef, PipelineState, Release, SourceObject, StageStatus,
    human,
};
use serde_json::json;

/// CodePipeline's limit on an approval comment.
pub const MAX_COMMENT: usize = 512;

/// What a planner knows of one environment's pipeline.
#[derive(Debug, Clone, Copy)]
pub struct PipelineData<'a> {
    /// The definition.
    pub def: Option<&'a PipelineDef>,
    /// The live state (the last one read).
    pub state: Option<&'a PipelineState>,
    /// Executions, newest first.
    pub executions: &'a [ExecutionSummary],
    /// What runs: the execution that last succeeded in the deploy stage (`Ok(None)`: none
    /// did), or why that is not known.
    pub deployed: Result<Option<&'a ExecutionSummary>, &'a str>,
    /// The pipeline's source object when read (`Some(None)`: there is none).
    pub source: Option<Option<&'a SourceObject>>,
    /// Why the latest read of the pipeline state failed, if it did (`state` is then an older
    /// one, or none).
    pub state_error: Option<&'a str>,
    /// The environment this one promotes from, if any.
    pub upstream: Option<Upstream<'a>>,
}

/// What a planner knows of the environment releases are promoted from.
#[derive(Debug, Clone, Copy)]
pub struct Upstream<'a> {
    /// Its name.
    pub name: &'a str,
    /// What runs there, or why that is not known.
    pub deployed: Result<Option<&'a ExecutionSummary>, &'a str>,
    /// Its executions, newest first.
    pub executions: &'a [ExecutionSummary],
}

impl<'a> PipelineData<'a> {
    /// The data of a pipeline read without the deploy-stage listing: what runs is known when
    /// the deploy stage's latest run succeeded and is in `executions`, else unknown.
    pub fn new(
        def: Option<&'a PipelineDef>,
        state: Option<&'a PipelineState>,
        executions: &'a [ExecutionSummary],
    ) -> Self {
        let latest = def
            .and_then(PipelineDef::deploy_stage)
            .and_then(|stage| state?.stage_latest(stage));
        let deployed = match latest {
            Some(l) if l.status == StageStatus::Succeeded => executions
                .iter()
                .find(|e| e.id == l.pipeline_execution_id)
                .map(Some)
                .ok_or(NOT_LISTED),
            _ if def.is_some_and(|d| d.deploy_stage().is_none()) => Ok(None),
            _ => Err(NOT_LISTED),
        };
        PipelineData {
            def,
            state,
            executions,
            deployed,
            source: None,
            state_error: None,
            upstream: None,
        }
    }

    /// Pending approvals of the environment, oldest first.
    pub fn approvals(&self, env: &str) -> Vec<Approval> {
        match (self.def, self.state) {
            (Some(d), Some(s)) => {
                let mut all = Approval::pending(env, d, s, self.executions);
                all.sort_by_key(|a| a.waiting_since);
                all
            }
            _ => Vec::new(),
        }
    }

    /// The release that runs, if known.
    pub fn deployed_release(&self) -> Option<Release> {
        self.deployed
            .ok()
            .flatten()
            .and_then(ExecutionSummary::release)
    }

    /// What runs, for a plan: the release with its commit and actor, the source object's
    /// release when nothing was deployed yet, or why it is not known.
    pub fn deployed_text(&self) -> String {
        match self.deployed {
            Ok(Some(e)) => match e.release() {
                Some(r) => r.describe(),
                None => format!(
                    "execution {} (its source names no release)",
                    short_id(&e.id)
                ),
            },
            Ok(None) => match self.source.flatten().and_then(|s| s.release.as_ref()) {
                Some(r) => format!(
                    "nothing deployed yet (the source object holds {})",
                    r.describe()
                ),
                None => "nothing deployed yet".to_string(),
            },
            Err(why) => format!("unknown ({why})"),
        }
    }

    /// Refuses an action that depends on the execution history when the pipeline was never
    /// read: unknown is not none.
    pub fn history_known(&self, env: &str, what: &str) -> Result<(), Refusal> {
        if self.def.is_some() {
            return Ok(());
        }
        Err(Refusal::unread(format!(
            "cannot tell {what} in {env}: its pipeline {}",
            match self.state_error {
                Some(e) => format!("could not be read ({e})"),
                None => "is not read yet".to_string(),
            }
        )))
    }

    /// Refuses an action that depends on the pipeline state when it was never read: unknown
    /// is not none.
    pub fn state_known(&self, env: &str, what: &str) -> Result<&'a PipelineState, Refusal> {
        match self.state {
            Some(s) => Ok(s),
            None => Err(Refusal::unread(format!(
                "cannot tell {what} in {env}: its pipeline state {}",
                match self.state_error {
                    Some(e) => format!("could not be read ({e})"),
                    None => "is not read yet".to_string(),
                }
            ))),
        }
    }
}

/// Why what runs is not known without the deploy-stage listing.
const NOT_LISTED: &str = "the deploy stage's last success was not listed";

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
    let execution = data.executions.iter().find(|e| e.id == a.execution_id);
    let starter = execution
        .filter(|e| e.trigger.kind == "StartPipelineExecution")
        .map(|e| e.trigger.detail.as_str());
    let actor = a.release.as_ref().map(|r| r.actor.as_str());
    let self_check = guards::self_approval(ctx, actor, starter)?;
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
        warnings: Vec::new(),
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

pub use super::answer::apply;
