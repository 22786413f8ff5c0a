//! An approval answer whose reply was lost: re-read the approval's run and decide — answered
//! by us (done), still waiting (send once more), answered otherwise (report), or unknown.

use super::answer::refusal_of;
use super::lost::{may_have_reached, reread};
use crate::cloud::{ApprovalAnswer, ApprovalOutcome, Cloud, CloudError};
use crate::domain::ActionStatus;
use crate::ops::plan::guards::{self, Guard};
use crate::ops::plan::{Outcome, Refusal};

/// What re-reading the approval's run in the execution shows.
enum Fate {
    /// Answered as we answered (status and comment): our call was served.
    Ours,
    /// Still waiting: our call was not served.
    Waiting,
    /// Ended otherwise: how.
    Other(String),
}

/// Decides after `PutApprovalResult` failed with `error`, which may have reached AWS; sends
/// the answer again at most once, and only when the approval is seen still waiting.
pub async fn after_lost_reply(
    cloud: &Cloud,
    answer: &ApprovalAnswer,
    execution_id: &str,
    error: CloudError,
    verb: &str,
) -> Outcome {
    let mut last = error;
    let mut sent_again = false;
    loop {
        let fate = match fate(cloud, answer, execution_id).await {
            Ok(f) => f,
            Err(read) => {
                return Outcome::unknown(format!(
                    "PutApprovalResult failed ({last}) and re-reading the approval failed too \
                     ({read}); not known whether execution {execution_id} was {verb}"
                ));
            }
        };
        match fate {
            Fate::Ours => {
                return Outcome::confirmed(
                    format!("{verb} execution {execution_id}"),
                    Some(execution_id.to_string()),
                );
            }
            Fate::Other(how) => {
                return Outcome::refused(Refusal::by(
                    Guard::AlreadyAnswered,
                    format!(
                        "PutApprovalResult failed ({last}); re-reading shows the approval of \
                         execution {execution_id} {how}; ours was not recorded, refresh"
                    ),
                ));
            }
            Fate::Waiting if sent_again => {
                return Outcome::failed(format!(
                    "PutApprovalResult failed twice ({last}); re-reading shows the approval of \
                     execution {execution_id} still waiting, so nothing was answered; try again"
                ));
            }
            Fate::Waiting => {}
        }
        // Still waiting with the token just used: the call was not served, so sending it once
        // more cannot answer twice.
        sent_again = true;
        match cloud.pipelines.put_approval_result(answer).await {
            Ok(at) => {
                return Outcome::done(
                    format!(
                        "{verb} execution {execution_id} at {at} (sent again: the first call \
                         failed with {last} and re-reading showed the approval still waiting)"
                    ),
                    Some(execution_id.to_string()),
                );
            }
            Err(e) if may_have_reached(&e) || already_completed(&e) => last = e,
            Err(e) => return refusal_of(e),
        }
    }
}

fn already_completed(e: &CloudError) -> bool {
    matches!(e, CloudError::Rejected { code, .. } if code == "ApprovalAlreadyCompletedException")
}

/// Reads the approval action's run in `execution_id` (`ListActionExecutions`).
async fn fate(cloud: &Cloud, answer: &ApprovalAnswer, execution_id: &str) -> Result<Fate, String> {
    let p = &cloud.pipelines;
    let runs = reread(|| p.list_action_executions(&answer.pipeline, execution_id))
        .await
        .map_err(|e| e.to_string())?;
    let Some(run) = runs
        .iter()
        .filter(|r| r.stage == answer.stage && r.action == answer.action)
        .max_by_key(|r| r.last_update)
    else {
        return Ok(Fate::Other("gone".into()));
    };
    let wanted = match answer.outcome {
        ApprovalOutcome::Approved => ActionStatus::Succeeded,
        ApprovalOutcome::Rejected => ActionStatus::Failed,
    };
    let summary = run.summary.as_deref().unwrap_or_default();
    Ok(match run.status {
        ActionStatus::InProgress => Fate::Waiting,
        s if s == wanted && run.updated_by.is_some() && summary == answer.summary => Fate::Ours,
        s => Fate::Other(format!(
            "{}{}{}",
            s.as_str(),
            run.updated_by
                .as_deref()
                .map(|b| format!(" by {}", guards::person(b)))
                .unwrap_or_default(),
            if summary.is_empty() {
                String::new()
            } else {
                format!(": {summary}")
            }
        )),
    })
}
