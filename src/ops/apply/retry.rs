//! Sending a retry: one `RetryStageExecution`; after a lost reply the execution is re-read
//! instead of sending it again.

use super::lost::{change_seen, may_have_reached};
use crate::cloud::{Cloud, CloudError, RetryMode};
use crate::ops::plan::{Outcome, Refusal, Request};

/// Sends one `RetryStageExecution`; after a lost reply, re-reads the execution instead of
/// sending it again.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Retry {
        pipeline,
        stage,
        execution_id,
        mode,
    } = request
    else {
        return Outcome::failed("internal: not a retry request");
    };
    let p = &cloud.pipelines;
    match p.retry_stage(pipeline, stage, execution_id, *mode).await {
        Ok(id) => Outcome::done(
            format!("retrying stage {stage} of execution {id}"),
            Some(id),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "NotLatestPipelineExecutionException" =>
        {
            Outcome::refused(Refusal::nothing(format!(
                "stage {stage} has run in a later execution than {execution_id}, so only that one \
                 can be retried there ({message}); nothing was changed, refresh"
            )))
        }
        Err(CloudError::Rejected { code, message }) if code == "StageNotRetryableException" => {
            let hint = match mode {
                RetryMode::FailedActions => "; if its actions finished, retry with --all",
                RetryMode::AllActions => "",
            };
            Outcome::refused(Refusal::nothing(format!(
                "stage {stage} of execution {execution_id} cannot be retried: no failed actions, \
                 or actions still running ({message}); nothing was changed, refresh{hint}"
            )))
        }
        Err(e) if may_have_reached(&e) => {
            change_seen(cloud, request, "RetryStageExecution", &e).await
        }
        Err(e) => Outcome::failed(format!("RetryStageExecution failed: {e}")),
    }
}
