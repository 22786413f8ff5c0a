//! CodePipeline actions the emulator lacks (`PutApprovalResult`, `StopPipelineExecution`,
//! `RetryStageExecution`) and the request shape of `StartPipelineExecution`, through the real SDK,
//! with the error answers the API reference lists, each mapped to what an operator needs.

use crate::support::mocks;

use aws_sdk_codepipeline::Client;
use aws_sdk_codepipeline::types::{ApprovalStatus, SourceRevisionType, StageRetryMode};
use aws_smithy_mocks::mock;
use mocks::{cloud, error, json};
use shipdeck::cloud::{ApprovalAnswer, ApprovalOutcome, CloudError, RetryMode, StartRequest};
use shipdeck::domain::Timestamp;

const PIPELINE: &str = "storefront-deployer-prd";
const EXEC: &str = "fc8a36d7-1f0e-4b52-9d7f-000000000042";

fn answer(token: &str) -> ApprovalAnswer {
    ApprovalAnswer {
        pipeline: PIPELINE.into(),
        stage: "Approval".into(),
        action: "ApproveRelease".into(),
        token: token.into(),
        outcome: ApprovalOutcome::Approved,
        summary: "Dashboards green, shipping 1.43.0".into(),
    }
}

fn rejected(code: &str) -> impl Fn(&CloudError) -> bool + '_ {
    move |e| matches!(e, CloudError::Rejected { code: c, .. } if c == code)
}

#[tokio::test]
async fn approval_answers_and_their_errors() {
    let ok = mock!(Client::put_approval_result)
        .match_requests(|r| {
            r.token() == Some("good")
                && r.result().map(|x| (x.status(), x.summary()))
                    == Some((
                        &ApprovalStatus::Approved,
                        "Dashboards green, shipping 1.43.0",
                    ))
                && (r.stage_name(), r.action_name()) == (Some("Approval"), Some("ApproveRelease"))
        })
        .then_http_response(|| json(200, r#"{"approvedAt": 1795600000.123}"#));
    let token_gone = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("answered"))
        .then_http_response(|| {
            error(400, "InvalidApprovalTokenException", "The approval action has already been approved or rejected, or the token is invalid.")
        });
    let done = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("late"))
        .then_http_response(|| {
            error(
                400,
                "ApprovalAlreadyCompletedException",
                "The approval request already received a response or has expired.",
            )
        });
    let no_stage = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("stage"))
        .then_http_response(|| {
            error(
                400,
                "StageNotFoundException",
                "The stage was specified in an invalid format or cannot be found.",
            )
        });
    let no_action = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("action"))
        .then_http_response(|| {
            error(
                400,
                "ActionNotFoundException",
                "The specified action cannot be found.",
            )
        });
    let invalid = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("invalid"))
        .then_http_response(|| {
            error(
                400,
                "ValidationException",
                "The validation was specified in an invalid format.",
            )
        });
    let denied = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some("denied"))
        .then_http_response(|| {
            error(400, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to perform: codepipeline:PutApprovalResult")
        });
    let cloud = cloud(codepipeline!(
        &ok,
        &token_gone,
        &done,
        &no_stage,
        &no_action,
        &invalid,
        &denied
    ));
    let p = &cloud.pipelines;

    let at = p.put_approval_result(&answer("good")).await.unwrap();
    assert_eq!(at, Timestamp(1_795_600_000_123));
    assert_eq!(ok.num_calls(), 1);
    let err = p
        .put_approval_result(&answer("answered"))
        .await
        .unwrap_err();
    assert!(rejected("InvalidApprovalTokenException")(&err), "{err}");
    assert!(
        err.to_string()
            .contains("already been approved or rejected"),
        "{err}"
    );
    let err = p.put_approval_result(&answer("late")).await.unwrap_err();
    assert!(rejected("ApprovalAlreadyCompletedException")(&err), "{err}");
    let err = p.put_approval_result(&answer("stage")).await.unwrap_err();
    assert_eq!(err.to_string(), "stage not found: Approval");
    let err = p.put_approval_result(&answer("action")).await.unwrap_err();
    assert_eq!(err.to_string(), "action not found: ApproveRelease");
    let err = p.put_approval_result(&answer("invalid")).await.unwrap_err();
    assert!(rejected("ValidationException")(&err), "{err}");
    let err = p.put_approval_result(&answer("denied")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "access denied: not allowed to call codepipeline:PutApprovalResult"
    );
}

#[tokio::test]
async fn stop_and_retry_with_their_errors() {
    let stop = mock!(Client::stop_pipeline_execution)
        .match_requests(|r| {
            r.pipeline_execution_id() == Some(EXEC)
                && r.abandon() == Some(false)
                && r.reason() == Some("wrong build")
        })
        .then_http_response(|| json(200, &format!(r#"{{"pipelineExecutionId":"{EXEC}"}}"#)));
    let twice = mock!(Client::stop_pipeline_execution)
        .match_requests(|r| r.reason() == Some("again"))
        .then_http_response(|| {
            error(
                400,
                "DuplicatedStopRequestException",
                "The pipeline execution is already in a Stopping state.",
            )
        });
    let not_stoppable = mock!(Client::stop_pipeline_execution)
        .match_requests(|r| r.abandon() == Some(true))
        .then_http_response(|| error(400, "PipelineExecutionNotStoppableException", "Unable to stop the pipeline execution. The execution might already be in a Stopped state."));
    let unknown = mock!(Client::stop_pipeline_execution)
        .match_requests(|r| r.pipeline_execution_id() == Some("nope"))
        .then_http_response(|| {
            error(
                400,
                "PipelineExecutionNotFoundException",
                "The pipeline execution was specified in an invalid format or cannot be found.",
            )
        });
    let retry = mock!(Client::retry_stage_execution)
        .match_requests(|r| {
            r.retry_mode() == Some(&StageRetryMode::FailedActions)
                && r.stage_name() == Some("Deploy")
        })
        .then_http_response(|| json(200, &format!(r#"{{"pipelineExecutionId":"{EXEC}"}}"#)));
    let not_retryable = mock!(Client::retry_stage_execution)
        .match_requests(|r| r.stage_name() == Some("Source"))
        .then_http_response(|| error(400, "StageNotRetryableException", "Unable to retry. The pipeline structure or stage state might have changed while actions awaited retry, or the stage contains no failed actions."));
    let not_latest = mock!(Client::retry_stage_execution)
        .match_requests(|r| r.retry_mode() == Some(&StageRetryMode::AllActions))
        .then_http_response(|| error(400, "NotLatestPipelineExecutionException", "The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date."));
    let cloud = cloud(codepipeline!(
        &stop,
        &twice,
        &not_stoppable,
        &unknown,
        &retry,
        &not_retryable,
        &not_latest
    ));
    let p = &cloud.pipelines;

    p.stop_execution(PIPELINE, EXEC, false, "wrong build")
        .await
        .unwrap();
    assert_eq!(stop.num_calls(), 1);
    let err = p
        .stop_execution(PIPELINE, EXEC, false, "again")
        .await
        .unwrap_err();
    assert!(rejected("DuplicatedStopRequestException")(&err), "{err}");
    let err = p
        .stop_execution(PIPELINE, EXEC, true, "")
        .await
        .unwrap_err();
    assert!(
        rejected("PipelineExecutionNotStoppableException")(&err),
        "{err}"
    );
    let err = p
        .stop_execution(PIPELINE, "nope", false, "x")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "pipeline execution not found: nope");

    let id = p
        .retry_stage(PIPELINE, "Deploy", EXEC, RetryMode::FailedActions)
        .await
        .unwrap();
    assert_eq!(id, EXEC);
    let err = p
        .retry_stage(PIPELINE, "Source", EXEC, RetryMode::FailedActions)
        .await
        .unwrap_err();
    assert!(rejected("StageNotRetryableException")(&err), "{err}");
    let err = p
        .retry_stage(PIPELINE, "Deploy", EXEC, RetryMode::AllActions)
        .await
        .unwrap_err();
    assert!(
        rejected("NotLatestPipelineExecutionException")(&err),
        "{err}"
    );
}

#[tokio::test]
async fn start_sends_token_variables_and_source_revisions() {
    let start = mock!(Client::start_pipeline_execution)
        .match_requests(|r| {
            let rev = r.source_revisions().first();
            r.client_request_token() == Some("release-1.43.0")
                && r.variables().first().map(|v| (v.name(), v.value()))
                    == Some(("VERSION", "1.43.0"))
                && rev.map(|s| (s.action_name(), s.revision_type(), s.revision_value()))
                    == Some((
                        "Source",
                        &SourceRevisionType::S3ObjectVersionId,
                        "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
                    ))
        })
        .then_http_response(|| json(200, &format!(r#"{{"pipelineExecutionId":"{EXEC}"}}"#)));
    let busy = mock!(Client::start_pipeline_execution)
        .match_requests(|r| r.variables().is_empty())
        .then_http_response(|| {
            error(
                400,
                "ConcurrentPipelineExecutionsLimitExceededException",
                "The pipeline has reached the limit for concurrent pipeline executions.",
            )
        });
    let cloud = cloud(codepipeline!(&start, &busy));
    let mut request = StartRequest {
        client_request_token: Some("release-1.43.0".into()),
        ..StartRequest::default()
    };
    request.variables.insert("VERSION".into(), "1.43.0".into());
    request
        .source_revisions
        .insert("Source".into(), "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY".into());
    let id = cloud
        .pipelines
        .start_execution(PIPELINE, &request)
        .await
        .unwrap();
    assert_eq!(id, EXEC);
    let err = cloud
        .pipelines
        .start_execution(PIPELINE, &StartRequest::default())
        .await
        .unwrap_err();
    assert!(
        rejected("ConcurrentPipelineExecutionsLimitExceededException")(&err),
        "{err}"
    );
}
