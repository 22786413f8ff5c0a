//! The ops layer over the AWS adapters, with the SDK's mocks (the emulator lacks these
//! CodePipeline operations): the token re-read before `PutApprovalResult`, nothing sent when the
//! approval changed, and a start retried after a server error with the same idempotency token.

use crate::support::mocks;

use aws_sdk_codepipeline::Client;
use aws_smithy_mocks::mock;
use mocks::{cloud, error, json};
use shipdeck::cloud::ApprovalOutcome;
use shipdeck::ops::{ExitClass, Guard, Request};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

const PIPELINE: &str = "storefront-deployer-prd";
const EXEC: &str = "fc8a36d7-1f0e-4b52-9d7f-000000000042";
const TOKEN: &str = "1a2b3c4d-5e6f-7a8b-9c0d-EXAMPLEtoken";

/// `GetPipelineState` with execution `exec` waiting at the approval with `token`.
fn state(exec: &str, token: &str) -> String {
    format!(
        r#"{{
  "pipelineName": "{PIPELINE}",
  "pipelineVersion": 3,
  "updated": 1795500000.5,
  "stageStates": [
    {{
      "stageName": "Approval",
      "inboundTransitionState": {{"enabled": true}},
      "actionStates": [{{
        "actionName": "ApproveRelease",
        "latestExecution": {{
          "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000002",
          "status": "InProgress",
          "lastStatusChange": 1795590160.5,
          "token": "{token}"
        }}
      }}],
      "latestExecution": {{"pipelineExecutionId": "{exec}", "status": "InProgress"}}
    }}
  ]
}}"#
    )
}

fn answer(token: &str) -> Request {
    Request::Answer {
        pipeline: PIPELINE.into(),
        stage: "Approval".into(),
        action: "ApproveRelease".into(),
        execution_id: EXEC.into(),
        token: token.into(),
        outcome: ApprovalOutcome::Approved,
        comment: "Dashboards green".into(),
    }
}

#[tokio::test]
async fn approve_rereads_the_token_then_answers_once() {
    let read = mock!(Client::get_pipeline_state)
        .match_requests(|r| r.name() == Some(PIPELINE))
        .then_http_response(|| json(200, &state(EXEC, TOKEN)));
    let put = mock!(Client::put_approval_result)
        .match_requests(|r| r.token() == Some(TOKEN) && r.pipeline_name() == Some(PIPELINE))
        .then_http_response(|| json(200, r#"{"approvedAt": 1795600000.123}"#));
    let cloud = cloud(codepipeline!(&read, &put));
    let outcome = shipdeck::ops::apply::answer::apply(&cloud, &answer(TOKEN)).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!((read.num_calls(), put.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_changed_execution_sends_nothing() {
    let other = "0b9f6c11-0000-4000-8000-000000000043";
    let read = mock!(Client::get_pipeline_state)
        .then_http_response(move || json(200, &state(other, "another-token")));
    let runs = mock!(Client::list_action_executions)
        .then_http_response(|| json(200, r#"{"actionExecutionDetails": []}"#));
    let put = mock!(Client::put_approval_result)
        .then_http_response(|| json(200, r#"{"approvedAt": 1795600000.123}"#));
    let cloud = cloud(codepipeline!(&read, &runs, &put));
    let outcome = shipdeck::ops::apply::answer::apply(&cloud, &answer(TOKEN)).await;
    assert_eq!(
        outcome.guard,
        Some(Guard::ChangedToken),
        "{}",
        outcome.message
    );
    assert!(outcome.message.contains(other), "{}", outcome.message);
    assert_eq!(put.num_calls(), 0, "nothing sent");
}

#[tokio::test]
async fn an_answer_completed_meanwhile_is_already_answered() {
    let read =
        mock!(Client::get_pipeline_state).then_http_response(|| json(200, &state(EXEC, TOKEN)));
    let put = mock!(Client::put_approval_result).then_http_response(|| {
        error(
            400,
            "ApprovalAlreadyCompletedException",
            "The approval request already received a response or has expired.",
        )
    });
    let cloud = cloud(codepipeline!(&read, &put));
    let outcome = shipdeck::ops::apply::answer::apply(&cloud, &answer(TOKEN)).await;
    assert_eq!(
        outcome.guard,
        Some(Guard::AlreadyAnswered),
        "{}",
        outcome.message
    );
    assert_eq!(outcome.class, ExitClass::Refused);
    assert_eq!(put.num_calls(), 1);
}

static STARTS: AtomicUsize = AtomicUsize::new(0);

#[tokio::test]
async fn a_start_after_a_server_error_reuses_its_token() {
    let start = mock!(Client::start_pipeline_execution)
        .match_requests(|r| r.client_request_token() == Some("shipdeck-prd-42"))
        .then_http_response(|| {
            if STARTS.fetch_add(1, Ordering::SeqCst) == 0 {
                error(500, "InternalFailure", "try again")
            } else {
                json(
                    200,
                    r#"{"pipelineExecutionId": "5e1c3f00-0000-4000-8000-000000000044"}"#,
                )
            }
        });
    let cloud = cloud(codepipeline!(&start));
    let request = Request::Start {
        pipeline: PIPELINE.into(),
        client_request_token: "shipdeck-prd-42".into(),
        variables: BTreeMap::new(),
        source_revisions: BTreeMap::new(),
    };
    let outcome = shipdeck::ops::apply::deploy::apply(&cloud, &request).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(
        outcome.execution_id.as_deref(),
        Some("5e1c3f00-0000-4000-8000-000000000044")
    );
    assert_eq!(
        start.num_calls(),
        2,
        "the same token, sent again after the error"
    );
}

/// The approval's state once it failed: no token, no summary (AWS writes none for a timeout).
const FAILED_STATE: &str = r#"{
  "pipelineName": "storefront-deployer-prd",
  "pipelineVersion": 3,
  "updated": 1795900000.0,
  "stageStates": [{
    "stageName": "Approval",
    "inboundTransitionState": {"enabled": true},
    "actionStates": [{
      "actionName": "ApproveRelease",
      "latestExecution": {
        "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000002",
        "status": "Failed",
        "lastStatusChange": 1795849360.5
      }
    }],
    "latestExecution": {"pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042", "status": "Failed"}
  }]
}"#;

/// The approval's run: started at 1795590160.5, failed `after` seconds later, answered by no one.
fn failed_run(after: i64) -> String {
    format!(
        r#"{{"actionExecutionDetails": [{{
  "pipelineExecutionId": "{EXEC}",
  "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000002",
  "stageName": "Approval",
  "actionName": "ApproveRelease",
  "startTime": 1795590160.5,
  "lastUpdateTime": {},
  "status": "Failed",
  "input": {{"actionTypeId": {{"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}}}},
  "output": {{}}
}}]}}"#,
        1_795_590_160 + after
    )
}

/// `GetPipeline` with the approval's `timeoutInMinutes` (1 day).
const DECLARATION: &str = r#"{"pipeline": {
  "name": "storefront-deployer-prd",
  "roleArn": "arn:aws:iam::123456789012:role/service-role/storefront-deployer",
  "version": 3,
  "stages": [{"name": "Approval", "actions": [{
    "name": "ApproveRelease",
    "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"},
    "timeoutInMinutes": 1440
  }]}]
}}"#;

#[tokio::test]
async fn an_expired_approval_is_told_by_its_deadline_not_by_a_summary_text() {
    for (after, expired) in [(86_401, true), (3_600, false)] {
        let read = mock!(Client::get_pipeline_state).then_http_response(|| json(200, FAILED_STATE));
        let runs = mock!(Client::list_action_executions)
            .then_http_response(move || json(200, &failed_run(after)));
        let def = mock!(Client::get_pipeline).then_http_response(|| json(200, DECLARATION));
        let put = mock!(Client::put_approval_result)
            .then_http_response(|| json(200, r#"{"approvedAt": 1795600000.123}"#));
        let cloud = cloud(codepipeline!(&read, &runs, &def, &put));
        let outcome = shipdeck::ops::apply::answer::apply(&cloud, &answer(TOKEN)).await;
        assert_eq!(put.num_calls(), 0, "nothing sent");
        assert_eq!(outcome.class, ExitClass::Refused, "{}", outcome.message);
        if expired {
            assert_eq!(outcome.guard, Some(Guard::Expired), "{}", outcome.message);
            assert!(outcome.message.contains("expired"), "{}", outcome.message);
        } else {
            // Failed an hour in, answered by no one, long before its 1-day deadline: not an
            // expiry, and not anyone's answer either.
            assert_eq!(
                outcome.guard,
                Some(Guard::ChangedToken),
                "{}",
                outcome.message
            );
            assert!(
                outcome.message.contains("failed without an answer"),
                "{}",
                outcome.message
            );
        }
    }
}

#[tokio::test]
async fn a_retry_of_a_stage_run_again_later_says_so() {
    use shipdeck::cloud::RetryMode;

    let later = mock!(Client::retry_stage_execution).then_http_response(|| {
        error(
            400,
            "NotLatestPipelineExecutionException",
            "The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the request is out of date.",
        )
    });
    let cloud = cloud(codepipeline!(&later));
    let request = Request::Retry {
        pipeline: PIPELINE.into(),
        stage: "Deploy".into(),
        execution_id: EXEC.into(),
        mode: RetryMode::FailedActions,
    };
    let outcome = shipdeck::ops::apply::retry::apply(&cloud, &request).await;
    assert_eq!(outcome.class, ExitClass::NothingToDo, "{}", outcome.message);
    assert!(
        outcome
            .message
            .contains("stage Deploy has run in a later execution"),
        "{}",
        outcome.message
    );
}
