//! CodePipeline reads the emulator lacks (`GetPipelineState`, `ListActionExecutions`), and
//! CloudWatch Logs answers it does not give (partial pages, a missing stream), through the real
//! SDK parsing answers shaped like the API reference's, into the domain's types.

use crate::support::mocks;

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
      "inboundExecution": {"pipelineExecutionId": "4d6a9efc-0000-4000-8000-000000000040", "status": "InProgress", "type": "STANDARD"},
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
        timeout_minutes: None,
    };
    let stage = |name: &str, a| StageDef {
        name: name.into(),
        actions: vec![a],
        conditions: Vec::new(),
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
        pipeline_type: None,
        execution_mode: Default::default(),
        variables: Vec::new(),
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
        StageStatus::Skipped,
        "a stage condition skipped it: not Cancelled"
    );
    assert_eq!(
        verify
            .inbound_execution
            .as_ref()
            .map(|w| w.pipeline_execution_id.as_str()),
        Some("4d6a9efc-0000-4000-8000-000000000040"),
        "held by the disabled transition"
    );
    assert!(state.stages[2].inbound_execution.is_none());
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
        a.expires_at(),
        Timestamp(1_795_590_160_500) + 7 * Timestamp::DAY,
        "no timeoutInMinutes declared: the 7-day default"
    );
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

/// `GetPipeline` of a prd pipeline whose approval declares a 3-day `timeoutInMinutes`, shaped
/// like the API reference's example.
const PIPELINE_DECLARATION: &str = r#"{
  "pipeline": {
    "name": "storefront-deployer-prd",
    "roleArn": "arn:aws:iam::123456789012:role/service-role/storefront-deployer",
    "artifactStore": {"type": "S3", "location": "codepipeline-eu-west-1-123456789012"},
    "pipelineType": "V2",
    "executionMode": "SUPERSEDED",
    "version": 3,
    "stages": [
      {"name": "Source", "actions": [{
        "name": "Source",
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "runOrder": 1,
        "configuration": {"S3Bucket": "storefront-deployer-source", "S3ObjectKey": "prd/release.zip", "PollForSourceChanges": "false"},
        "outputArtifacts": [{"name": "SourceArtifact"}]
      }]},
      {"name": "Approval", "actions": [{
        "name": "ApproveRelease",
        "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"},
        "runOrder": 1,
        "timeoutInMinutes": 4320,
        "configuration": {"CustomData": "Check the stg dashboards first"}
      }]},
      {"name": "Deploy", "actions": [{
        "name": "Deploy",
        "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
        "runOrder": 1,
        "configuration": {"ProjectName": "storefront-deploy-prd"},
        "inputArtifacts": [{"name": "SourceArtifact"}]
      }]}
    ]
  },
  "metadata": {
    "pipelineArn": "arn:aws:codepipeline:eu-west-1:123456789012:storefront-deployer-prd",
    "created": 1764061200.0,
    "updated": 1795000000.0
  }
}"#;

#[tokio::test]
async fn an_approval_expires_after_its_declared_timeout_not_seven_days() {
    let def = mock!(Client::get_pipeline)
        .match_requests(|r| r.name() == Some(PIPELINE))
        .then_http_response(|| json(200, PIPELINE_DECLARATION));
    let state = mock!(Client::get_pipeline_state).then_http_response(|| json(200, STATE));
    let cloud = cloud(codepipeline!(&def, &state));
    let def = cloud.pipelines.get_pipeline(PIPELINE).await.unwrap();
    let approve = &def.stages[1].actions[0];
    assert_eq!(approve.timeout_minutes, Some(4320));
    assert_eq!(def.stages[2].actions[0].timeout_minutes, None);
    let state = cloud.pipelines.get_pipeline_state(PIPELINE).await.unwrap();
    let pending = Approval::pending("prd", &def, &state, &[]);
    let waiting = Timestamp(1_795_590_160_500);
    assert_eq!(pending[0].expires_at(), waiting + 3 * Timestamp::DAY);
    assert!(
        pending[0].time_left(waiting + 4 * Timestamp::DAY) < 0,
        "expired on day 4, though the 7-day default is not over"
    );
}

mod executions;

mod logs;
