//! Sending an approval answer: the token and execution are re-read right before
//! `PutApprovalResult`, and a changed, answered or expired approval sends nothing.

use super::lost::may_have_reached;
use crate::cloud::{ApprovalAnswer, ApprovalOutcome, Cloud, CloudError};
use crate::domain::{ActionDef, ActionStatus, Approval, Timestamp};
use crate::ops::plan::guards::{self, Guard};
use crate::ops::plan::{Outcome, Refusal, Request};

/// Re-reads the approval, checks it is the one the operator saw, then sends one
/// `PutApprovalResult` with the token just read.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Answer {
        pipeline,
        stage,
        action,
        execution_id,
        token,
        outcome,
        comment,
    } = request
    else {
        return Outcome::failed("internal: not an approval request");
    };
    let state = match cloud.pipelines.get_pipeline_state(pipeline).await {
        Ok(s) => s,
        Err(e) => return Outcome::failed(format!("cannot re-read the approval: {e}")),
    };
    let current = state
        .stages
        .iter()
        .find(|s| &s.name == stage)
        .and_then(|s| {
            let exec = s.latest.as_ref()?.pipeline_execution_id.clone();
            let latest = s
                .actions
                .iter()
                .find(|a| &a.name == action)?
                .latest
                .clone()?;
            Some((exec, latest))
        });
    let Some((now_exec, latest)) = current else {
        return Outcome::refused(Refusal::by(
            Guard::ChangedToken,
            format!("the approval {stage}/{action} is no longer there; nothing was sent, refresh"),
        ));
    };
    let fresh = latest.token.clone().unwrap_or_default();
    let waiting = latest.status == ActionStatus::InProgress && !fresh.is_empty();
    if !waiting || &now_exec != execution_id || &fresh != token {
        let seen = seen_fate(cloud, pipeline, stage, action, execution_id).await;
        let refusal = match seen {
            Some(Fate::Answered(status, by)) => Refusal::by(
                Guard::AlreadyAnswered,
                format!(
                    "the approval of execution {execution_id} was already answered ({status}{by}); \
                     nothing was sent, refresh"
                ),
            ),
            Some(Fate::Expired) => Refusal::by(
                Guard::Expired,
                format!(
                    "the approval of execution {execution_id} expired (no answer within its \
                     action's timeout); nothing was sent, refresh"
                ),
            ),
            Some(Fate::FailedUnanswered(why)) => Refusal::by(
                Guard::ChangedToken,
                format!(
                    "the approval of execution {execution_id} failed without an answer ({why}); \
                     nothing was sent, refresh"
                ),
            ),
            None if waiting => Refusal::by(
                Guard::ChangedToken,
                format!(
                    "the approval changed since the plan: execution {now_exec} now waits (you saw \
                     {execution_id}); nothing was sent, review the new plan"
                ),
            ),
            None => Refusal::by(
                Guard::ChangedToken,
                format!(
                    "the approval of execution {execution_id} is no longer waiting; nothing was \
                     sent, refresh"
                ),
            ),
        };
        return Outcome::refused(refusal);
    }
    let answer = ApprovalAnswer {
        pipeline: pipeline.clone(),
        stage: stage.clone(),
        action: action.clone(),
        token: fresh,
        outcome: *outcome,
        summary: comment.clone(),
    };
    let verb = match outcome {
        ApprovalOutcome::Approved => "approved",
        ApprovalOutcome::Rejected => "rejected",
    };
    let done = |at: Timestamp| format!("{verb} execution {execution_id} at {at}");
    match cloud.pipelines.put_approval_result(&answer).await {
        Ok(at) => Outcome::done(done(at), Some(execution_id.clone())),
        Err(e) if may_have_reached(&e) => {
            super::answer_lost::after_lost_reply(cloud, &answer, execution_id, e, verb).await
        }
        Err(e) => refusal_of(e),
    }
}

/// The outcome of a `PutApprovalResult` that AWS refused, or that failed.
pub(super) fn refusal_of(e: CloudError) -> Outcome {
    match e {
        CloudError::Rejected { code, message } if code == "ApprovalAlreadyCompletedException" => {
            Outcome::refused(Refusal::by(
                Guard::AlreadyAnswered,
                format!("already answered: {message}; refresh"),
            ))
        }
        CloudError::Rejected { code, message } if code == "InvalidApprovalTokenException" => {
            Outcome::refused(Refusal::by(
                Guard::ChangedToken,
                format!("the approval token is no longer valid ({message}); refresh"),
            ))
        }
        e => Outcome::failed(format!("PutApprovalResult failed: {e}")),
    }
}

/// What became of the approval the operator saw.
enum Fate {
    /// Answered: its status and ` by who`.
    Answered(&'static str, String),
    /// Not answered before its deadline (its action's timeout), so CodePipeline failed it.
    Expired,
    /// Failed with no one's answer, and whether its deadline had passed is not known (or it
    /// had not): why.
    FailedUnanswered(String),
}

/// Reads the approval action's run in the execution the operator saw (one read call), and for
/// a failure no one answered, the pipeline definition for the action's timeout (one more): AWS
/// marks a timed-out approval only as Failed, with no summary of its own to match.
async fn seen_fate(
    cloud: &Cloud,
    pipeline: &str,
    stage: &str,
    action: &str,
    execution_id: &str,
) -> Option<Fate> {
    let runs = cloud
        .pipelines
        .list_action_executions(pipeline, execution_id)
        .await
        .ok()?;
    let run = runs
        .iter()
        .filter(|r| r.stage == stage && r.action == action)
        .max_by_key(|r| r.last_update)?;
    let by = run
        .updated_by
        .as_deref()
        .map(|b| format!(" by {}", guards::person(b)))
        .unwrap_or_default();
    match run.status {
        ActionStatus::InProgress | ActionStatus::Abandoned => None,
        ActionStatus::Failed if by.is_empty() => {
            let timeout = match cloud.pipelines.get_pipeline(pipeline).await {
                Ok(def) => def
                    .stages
                    .iter()
                    .find(|s| s.name == stage)
                    .and_then(|s| s.actions.iter().find(|a| a.name == action))
                    .map(ActionDef::approval_timeout)
                    .ok_or_else(|| format!("{stage}/{action} is no longer in the pipeline")),
                Err(e) => Err(format!("its timeout could not be read: {e}")),
            };
            Some(match timeout {
                Ok(t)
                    if Approval::timed_out(
                        run.status,
                        run.updated_by.as_deref(),
                        run.start,
                        run.last_update,
                        t,
                    ) =>
                {
                    Fate::Expired
                }
                Ok(t) => Fate::FailedUnanswered(format!("before its deadline {}", run.start + t)),
                Err(why) => Fate::FailedUnanswered(why),
            })
        }
        status => Some(Fate::Answered(status.as_str(), by)),
    }
}
