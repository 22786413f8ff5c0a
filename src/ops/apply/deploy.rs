//! Sending a deployment: one `StartPipelineExecution`, retried with the same idempotency token
//! on a transient failure so that the pipeline starts once.

use super::lost::may_have_reached;
use crate::cloud::{Cloud, StartRequest};
use crate::ops::plan::{Outcome, Request};

/// How many transient failures `apply` retries with the same token.
pub const RETRIES: usize = 2;

/// Sends `StartPipelineExecution`; a transient failure (a lost reply among them) is retried
/// with the same token, so the pipeline starts once however often the call is repeated.
pub async fn apply(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Start {
        pipeline,
        client_request_token,
        variables,
        source_revisions,
    } = request
    else {
        return Outcome::failed("internal: not a start request");
    };
    let start = StartRequest {
        client_request_token: Some(client_request_token.clone()),
        variables: variables.clone(),
        source_revisions: source_revisions.clone(),
    };
    let (mut attempt, mut reached) = (0, false);
    loop {
        match cloud.pipelines.start_execution(pipeline, &start).await {
            Ok(id) => {
                return Outcome::done(format!("started execution {id}"), Some(id));
            }
            Err(e) if e.is_transient() && attempt < RETRIES => {
                reached |= may_have_reached(&e);
                attempt += 1;
            }
            Err(e) if reached || may_have_reached(&e) => {
                return Outcome::unknown(format!(
                    "StartPipelineExecution failed ({e}) after {} tries with clientRequestToken \
                     {client_request_token}; the same token cannot start a second execution",
                    attempt + 1
                ));
            }
            Err(e) => return Outcome::failed(format!("StartPipelineExecution failed: {e}")),
        }
    }
}
