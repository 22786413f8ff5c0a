//! Sending a stop: one `StopPipelineExecution`; after a lost reply the execution is re-read
//! instead of sending it again.

use super::lost::{change_seen, may_have_reached};
use crate::cloud::{Cloud, CloudError};
use crate::ops::plan::{Outcome, Refusal, Request};

/// Sends one `StopPipelineExecution`; after a lost reply, re-reads the execution instead of
/// sending it again.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Stop {
        pipeline,
        execution_id,
        abandon,
        reason,
    } = request
    else {
        return Outcome::failed("internal: not a stop request");
    };
    let p = &cloud.pipelines;
    match p
        .stop_execution(pipeline, execution_id, *abandon, reason)
        .await
    {
        Ok(()) => Outcome::done(
            format!(
                "{} execution {execution_id}",
                if *abandon { "abandoned" } else { "stopping" }
            ),
            Some(execution_id.clone()),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "PipelineExecutionNotStoppableException"
                || code == "DuplicatedStopRequestException" =>
        {
            Outcome::refused(Refusal::nothing(format!(
                "{message} ({code}: {}); nothing was changed, refresh",
                if code == "DuplicatedStopRequestException" {
                    "a stop of this kind was already requested"
                } else {
                    "it is no longer running"
                }
            )))
        }
        Err(e) if may_have_reached(&e) => {
            change_seen(cloud, request, "StopPipelineExecution", &e).await
        }
        Err(e) => Outcome::failed(format!("StopPipelineExecution failed: {e}")),
    }
}
