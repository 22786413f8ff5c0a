//! CodePipeline reads the emulator lacks (`GetPipelineState`, `ListActionExecutions`), and
//! CloudWatch Logs answers it does not give (partial pages, a missing stream), through the real
//! SDK parsing answers shaped like the API reference's, into the domain's types.

#[macro_use]
#[path = "support/mocks.rs"]
mod mocks;

use aws_sdk_codepipeline::Client;
use aws_smithy_mocks::mock;
use mocks::{cloud, json};
use shipdeck::domain::{
    ActionCategory, ActionDef, ActionStatus, Approval, PipelineDef, StageDef, StageStatus,
    Timestamp,
};
use std::collections::BTreeMap;

const PIPELINE: &str = "storefront-deployer-prd";

/// A prd pipeline waiting at its approval, with a frozen Verify transition and an old failure.
const STATE: &str = r#"{
  "pipelineName": "storefront-deployer-prd",
  "pipelineVersion": 3,
  "created": 1764061200.0,
  "updated": 1795500000.5,
  "stageStates": [
    {
      "stageName": "Source",
      "inboundTransitionState": {"enabled": true},
      "actionStates": [{
        "actionName": "Source",
        "currentRevision": {"revisionId": "HYGp7zmwbCPPwo23b_EXAMPLE", "created": 1795590000.0},
        "entityUrl": "https://console.aws.amazon.com/s3/home?#",
        "latestExecution": {
          "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000001",
          "status": "Succeeded",
          "summary": "Release 1.43.0 (commit 30cc604) by carol",
          "lastStatusChange": 1795590100.25,
          "externalExecutionId": "HYGp7zmwbCPPwo23b_EXAMPLE"
        }
      }],
      "latestExecution": {"pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042", "status": "Succeeded"}
    },
    {
      "stageName": "Approval",
      "inboundTransitionState": {"enabled": true},
      "actionStates": [{
        "actionName": "ApproveRelease",
        "latestExecution": {
          "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000002",
          "status": "InProgress",
          "lastStatusChange": 1795590160.5,
          "token": "1a2b3c4d-5e6f-7a8b-9c0d-EXAMPLEtoken"
        }
      }],
      "latestExecution": {"pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042", "status": "InProgress"}
    },
    {
      "stageName": "Deploy",
      "inboundTransitionState": {"enabled": true},
      "actionStates": [{
        "actionName": "Deploy",
        "entityUrl": "https://console.aws.amazon.com/codebuild/home?#/projects/storefront-deploy-prd/view",
        "latestExecution": {
          "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000003",
          "status": "Failed",
          "summary": "Build terminated with state: FAILED",
          "lastStatusChange": 1795400000.0,
          "externalExecutionId": "storefront-deploy-prd:0b7e4412",
          "externalExecutionUrl": "https://console.aws.amazon.com/codebuild/home?region=eu-west-1#/builds/storefront-deploy-prd:0b7e4412/view/new",
          "percentComplete": 100,
          "errorDetails": {"code": "JobFailed", "message": "Error in DOWNLOAD_SOURCE phase"}
        }
      }],
      "latestExecution": {"pipelineExecutionId": "4d6a9efc-0000-4000-8000-000000000041", "status": "Failed"}
    },
    {
      "stageName": "Verify",
      "inboundTransitionState": {
        "enabled": false,
        "disabledReason": "Freeze for the holiday sale",
        "lastChangedBy": "arn:aws:sts::123456789012:assumed-role/Release/dmitri",
        "lastChangedAt": 1795480000.0
      },
      "actionStates": [{"actionName": "SmokeTest"}],
      "latestExecution": {"pipelineExecutionId": "4d6a9efc-0000-4000-8000-000000000041", "status": "Skipped"}
    }
  ]
}"#;

fn def() -> PipelineDef {
    let action = |name: &str, category, provider: &str, config: &[(&str, &str)]| ActionDef {
        name: name.into(),
        category,
        provider: provider.into(),
        run_order: 1,
        configuration: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    };
    let stage = |name: &str, a| StageDef {
        name: name.into(),
        actions: vec![a],
    };
    PipelineDef {
        name: PIPELINE.into(),
        version: 3,
        stages: vec![
            stage(
                "Source",
                action("Source", ActionCategory::Source, "S3", &[]),
            ),
            stage(
                "Approval",
                action(
                    "ApproveRelease",
                    ActionCategory::Approval,
                    "Manual",
                    &[("CustomData", "Check the stg dashboards first")],
                ),
            ),
            stage(
                "Deploy",
                action("Deploy", ActionCategory::Build, "CodeBuild", &[]),
            ),
            stage(
                "Verify",
                action("SmokeTest", ActionCategory::Test, "CodeBuild", &[]),
            ),
        ],
    }
}

#[tokio::test]
async fn pipeline_state_becomes_stages_actions_approvals_and_transitions() {
    let rule = mock!(Client::get_pipeline_state)
        .match_requests(|r| r.name() == Some(PIPELINE))
        .then_http_response(|| json(200, STATE));
    let cloud = cloud(codepipeline!(&rule));
    let state = cloud.pipelines.get_pipeline_state(PIPELINE).await.unwrap();
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(state.name, PIPELINE);
    assert_eq!(state.version, 3);
    assert_eq!(state.updated, Timestamp(1_795_500_000_500));
    let names: Vec<&str> = state.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Source", "Approval", "Deploy", "Verify"]);

    let source = state.stages[0].actions[0].latest.as_ref().unwrap();
    assert_eq!(source.status, ActionStatus::Succeeded);
    assert_eq!(source.last_status_change, Timestamp(1_795_590_100_250));
    assert_eq!(
        source.summary.as_deref(),
        Some("Release 1.43.0 (commit 30cc604) by carol")
    );

    let approval = &state.stages[1];
    assert_eq!(
        approval.latest.as_ref().unwrap().status,
        StageStatus::InProgress
    );
    let waiting = approval.actions[0].latest.as_ref().unwrap();
    assert_eq!(
        waiting.token.as_deref(),
        Some("1a2b3c4d-5e6f-7a8b-9c0d-EXAMPLEtoken")
    );
    assert_eq!(
        state.current_stage().map(|s| s.name.as_str()),
        Some("Approval")
    );

    let deploy = state.stages[2].actions[0].latest.as_ref().unwrap();
    assert_eq!(deploy.status, ActionStatus::Failed);
    let err = deploy.error.as_ref().unwrap();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("JobFailed", "Error in DOWNLOAD_SOURCE phase")
    );
    assert_eq!(deploy.percent_complete, Some(100));
    assert!(
        deploy
            .external_execution_url
            .as_deref()
            .unwrap()
            .contains("storefront-deploy-prd:0b7e4412")
    );

    let verify = &state.stages[3];
    assert!(!verify.inbound.enabled);
    assert_eq!(
        verify.inbound.disabled_reason.as_deref(),
        Some("Freeze for the holiday sale")
    );
    assert_eq!(
        verify.inbound.last_changed_at,
        Some(Timestamp(1_795_480_000_000))
    );
    assert!(
        verify
            .inbound
            .last_changed_by
            .as_deref()
            .unwrap()
            .ends_with("/dmitri")
    );
    assert_eq!(
        verify.latest.as_ref().unwrap().status,
        StageStatus::Cancelled,
        "Skipped reads as not run"
    );
    assert!(verify.actions[0].latest.is_none(), "never ran");

    // The same facts make the pending approval the approvals view shows.
    let pending = Approval::pending("prd", &def(), &state, &[]);
    assert_eq!(pending.len(), 1);
    let a = &pending[0];
    assert_eq!(
        (a.stage.as_str(), a.action.as_str()),
        ("Approval", "ApproveRelease")
    );
    assert_eq!(a.execution_id, "fc8a36d7-1f0e-4b52-9d7f-000000000042");
    assert_eq!(a.waiting_since, Timestamp(1_795_590_160_500));
    assert_eq!(
        a.custom_data.as_deref(),
        Some("Check the stg dashboards first")
    );
}

/// A CodeBuild action's run as CodePipeline lists it: its build id, a link, no log stream ARN
/// (documented for the compute of Commands actions only).
const ACTIONS_PAGE_1: &str = r#"{
  "actionExecutionDetails": [{
    "pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042",
    "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000003",
    "pipelineVersion": 3,
    "stageName": "Deploy",
    "actionName": "Deploy",
    "startTime": 1795590200.0,
    "lastUpdateTime": 1795590500.75,
    "status": "Failed",
    "input": {
      "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
      "configuration": {"ProjectName": "storefront-deploy-prd"},
      "region": "eu-west-1"
    },
    "output": {
      "executionResult": {
        "externalExecutionId": "storefront-deploy-prd:0b7e4412",
        "externalExecutionSummary": "Build terminated with state: FAILED",
        "externalExecutionUrl": "https://console.aws.amazon.com/codebuild/home?region=eu-west-1#/builds/storefront-deploy-prd:0b7e4412/view/new",
        "errorDetails": {"code": "JobFailed", "message": "Build terminated with state: FAILED"}
      }
    }
  }],
  "nextToken": "page-2"
}"#;

const ACTIONS_PAGE_2: &str = r#"{
  "actionExecutionDetails": [{
    "pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042",
    "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000002",
    "stageName": "Approval",
    "actionName": "ApproveRelease",
    "startTime": 1795590160.5,
    "lastUpdateTime": 1795590170.0,
    "status": "Succeeded",
    "updatedBy": "arn:aws:sts::123456789012:assumed-role/Release/carol",
    "output": {"executionResult": {"externalExecutionSummary": "Dashboards green"}}
  }, {
    "pipelineExecutionId": "fc8a36d7-1f0e-4b52-9d7f-000000000042",
    "actionExecutionId": "d0629813-6c2a-4e2b-8a2c-000000000004",
    "stageName": "Verify",
    "actionName": "Checks",
    "startTime": 1795590600.0,
    "lastUpdateTime": 1795590660.0,
    "status": "Succeeded",
    "input": {
      "actionTypeId": {"category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1"}
    },
    "output": {
      "executionResult": {
        "externalExecutionId": "a1b2c3d4-commands-0042",
        "logStreamARN": "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codepipeline/storefront-deployer-prd:log-stream:a1b2c3d4"
      }
    }
  }]
}"#;

#[path = "aws_state/executions.rs"]
mod executions;

#[path = "aws_state/logs.rs"]
mod logs;
