//! CodePipeline V2 through the real SDK over answers shaped like the API reference's (the
//! emulator implements none of it): the pipeline type, execution mode, variables and stage
//! conditions of `GetPipeline`; the queue, condition and rule states and retries of
//! `GetPipelineState`; an execution's variables, mode and rollback; `ListRuleExecutions`;
//! `OverrideStageCondition` and its refusals.

use crate::support::mocks;

use aws_sdk_codepipeline::Client;
use aws_sdk_codepipeline::types::ConditionType;
use aws_smithy_mocks::mock;
use mocks::{cloud, error, json};
use shipdeck::cloud::CloudError;
use shipdeck::domain::{
    ConditionKind, ConditionResult, ConditionStatus, ExecutionMode, ExecutionType, PipelineType,
    ResolvedVariable, RetryMode, RuleStatus, StageStatus, Timestamp,
};

const PIPELINE: &str = "storefront-deployer-prd";
const RUNNING: &str = "7e1f3c2a-4b5d-4e6f-8a9b-000000000051";
const QUEUED_1: &str = "7e1f3c2a-4b5d-4e6f-8a9b-000000000052";
const QUEUED_2: &str = "7e1f3c2a-4b5d-4e6f-8a9b-000000000053";

/// A V2 prd pipeline: QUEUED, two variables, Deploy gated by a deployment window, rolled back
/// by an alarm, retried on failure.
const DECLARATION: &str = r#"{
  "pipeline": {
    "name": "storefront-deployer-prd",
    "roleArn": "arn:aws:iam::123456789012:role/service-role/storefront-deployer",
    "artifactStore": {"type": "S3", "location": "codepipeline-eu-west-1-123456789012"},
    "pipelineType": "V2",
    "executionMode": "QUEUED",
    "version": 4,
    "variables": [
      {"name": "release_version", "defaultValue": "0.0.0", "description": "The release shipped"},
      {"name": "commit"}
    ],
    "stages": [
      {"name": "Source", "actions": [{
        "name": "Source",
        "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "storefront-deployer-source", "S3ObjectKey": "prd/release.zip"},
        "outputArtifacts": [{"name": "SourceArtifact"}]
      }]},
      {"name": "Deploy",
       "actions": [{
        "name": "Deploy",
        "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
        "configuration": {"ProjectName": "storefront-deploy-prd"},
        "inputArtifacts": [{"name": "SourceArtifact"}]
       }],
       "beforeEntry": {"conditions": [{
         "result": "FAIL",
         "rules": [{
           "name": "prod-hours",
           "ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "DeploymentWindow", "version": "1"},
           "configuration": {"Cron": "* * 9-16 ? * MON-FRI *", "TimeZone": "Europe/Berlin"}
         }]
       }]},
       "onSuccess": {"conditions": [{
         "result": "ROLLBACK",
         "rules": [{
           "name": "api-5xx",
           "ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "CloudWatchAlarm", "version": "1"},
           "configuration": {"AlarmName": "storefront-api-5xx-prd", "WaitTime": "5"}
         }]
       }]},
       "onFailure": {"result": "RETRY", "retryConfiguration": {"retryMode": "FAILED_ACTIONS"}}
      }
    ]
  },
  "metadata": {"pipelineArn": "arn:aws:codepipeline:eu-west-1:123456789012:storefront-deployer-prd"}
}"#;

#[tokio::test]
async fn a_v2_declaration_gives_its_mode_variables_and_conditions() {
    let rule = mock!(Client::get_pipeline).then_http_response(|| json(200, DECLARATION));
    let cloud = cloud(codepipeline!(&rule));
    let def = cloud.pipelines.get_pipeline(PIPELINE).await.unwrap();
    assert_eq!(def.pipeline_type, Some(PipelineType::V2));
    assert_eq!(def.execution_mode, ExecutionMode::Queued);
    let vars: Vec<(&str, Option<&str>)> = def
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.default.as_deref()))
        .collect();
    assert_eq!(vars, [("release_version", Some("0.0.0")), ("commit", None)]);
    assert!(def.stages[0].conditions.is_empty());
    let deploy = &def.stages[1].conditions;
    let kinds: Vec<(ConditionKind, Option<ConditionResult>)> =
        deploy.iter().map(|c| (c.kind, c.result)).collect();
    assert_eq!(
        kinds,
        [
            (ConditionKind::BeforeEntry, Some(ConditionResult::Fail)),
            (ConditionKind::OnSuccess, Some(ConditionResult::Rollback)),
            (ConditionKind::OnFailure, Some(ConditionResult::Retry)),
        ]
    );
    let window = deploy[0].rules[0]
        .window()
        .expect("a DeploymentWindow rule");
    assert_eq!(window.cron, "* * 9-16 ? * MON-FRI *");
    assert_eq!(window.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(deploy[1].rules[0].provider, "CloudWatchAlarm");
    assert_eq!(deploy[1].rules[0].alarms(), ["storefront-api-5xx-prd"]);
    assert!(deploy[1].rules[0].window().is_none());
    assert_eq!(deploy[2].retry_mode, Some(RetryMode::FailedActions));
    assert!(
        deploy[2].rules.is_empty(),
        "a RETRY result for every failure"
    );
}

/// Deploy runs one execution, two wait in its queue; its window holds nothing now, its alarm
/// rule checks the last success; it was retried automatically once.
const STATE: &str = r#"{
  "pipelineName": "storefront-deployer-prd",
  "pipelineVersion": 4,
  "updated": 1795600000.0,
  "stageStates": [
    {"stageName": "Source", "inboundTransitionState": {"enabled": true},
     "actionStates": [{"actionName": "Source"}],
     "latestExecution": {"pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000053", "status": "Succeeded"}},
    {"stageName": "Deploy", "inboundTransitionState": {"enabled": true},
     "actionStates": [{"actionName": "Deploy", "latestExecution": {"status": "InProgress", "lastStatusChange": 1795599000.0}}],
     "latestExecution": {"pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000051", "status": "InProgress", "type": "STANDARD"},
     "inboundExecutions": [
       {"pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000052", "status": "InProgress", "type": "STANDARD"},
       {"pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000053", "status": "InProgress", "type": "STANDARD"}
     ],
     "beforeEntryConditionState": {
       "latestExecution": {"status": "InProgress", "summary": "Waiting for the deployment window"},
       "conditionStates": [{
         "latestExecution": {"status": "InProgress", "summary": "Outside the window", "lastStatusChange": 1795599500.0},
         "ruleStates": [{
           "ruleName": "prod-hours",
           "latestExecution": {"ruleExecutionId": "re-0001", "status": "InProgress", "summary": "Deployments are not allowed now", "lastStatusChange": 1795599500.5}
         }]
       }]
     },
     "onSuccessConditionState": {
       "latestExecution": {"status": "Succeeded"},
       "conditionStates": [{
         "latestExecution": {"status": "Succeeded", "lastStatusChange": 1795590000.0},
         "ruleStates": [{"ruleName": "api-5xx", "latestExecution": {"ruleExecutionId": "re-0000", "status": "Succeeded", "summary": "Alarm storefront-api-5xx-prd is OK"}}]
       }]
     },
     "retryStageMetadata": {"autoStageRetryAttempt": 1, "manualStageRetryAttempt": 0, "latestRetryTrigger": "AutomatedStageRetry"}
    }
  ]
}"#;

#[tokio::test]
async fn the_state_gives_the_queue_the_conditions_and_the_retries() {
    let rule = mock!(Client::get_pipeline_state).then_http_response(|| json(200, STATE));
    let cloud = cloud(codepipeline!(&rule));
    let state = cloud.pipelines.get_pipeline_state(PIPELINE).await.unwrap();
    let source = &state.stages[0];
    assert!(source.queued.is_empty() && source.conditions.is_empty() && source.retries.is_none());
    let deploy = &state.stages[1];
    let queue: Vec<&str> = deploy
        .queued
        .iter()
        .map(|q| q.pipeline_execution_id.as_str())
        .collect();
    assert_eq!(queue, [QUEUED_1, QUEUED_2], "first in line first");
    assert_eq!(
        deploy
            .inbound_execution
            .as_ref()
            .map(|w| w.pipeline_execution_id.as_str()),
        Some(QUEUED_1)
    );
    assert_eq!(
        deploy.latest.as_ref().unwrap().status,
        StageStatus::InProgress
    );
    assert_eq!(
        deploy.latest.as_ref().unwrap().pipeline_execution_id,
        RUNNING
    );
    let kinds: Vec<ConditionKind> = deploy.conditions.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [ConditionKind::BeforeEntry, ConditionKind::OnSuccess]
    );
    let before = &deploy.conditions[0];
    assert_eq!(
        before.latest.as_ref().unwrap().status,
        ConditionStatus::InProgress
    );
    let condition = before.conditions[0].latest.as_ref().unwrap();
    assert_eq!(
        condition.last_status_change,
        Some(Timestamp(1_795_599_500_000))
    );
    let rule_state = &before.conditions[0].rules[0];
    assert_eq!(rule_state.name, "prod-hours");
    let run = rule_state.latest.as_ref().unwrap();
    assert_eq!(run.status, RuleStatus::InProgress);
    assert_eq!(
        run.summary.as_deref(),
        Some("Deployments are not allowed now")
    );
    assert_eq!(run.last_status_change, Some(Timestamp(1_795_599_500_500)));
    let after = &deploy.conditions[1].conditions[0].rules[0];
    assert_eq!(after.latest.as_ref().unwrap().status, RuleStatus::Succeeded);
    let retries = deploy.retries.as_ref().unwrap();
    assert_eq!((retries.auto_attempts, retries.manual_attempts), (1, 0));
    assert_eq!(
        retries.latest_trigger.as_deref(),
        Some("AutomatedStageRetry")
    );
}

const ROLLBACK_ID: &str = "7e1f3c2a-4b5d-4e6f-8a9b-000000000054";
const GOOD: &str = "7e1f3c2a-4b5d-4e6f-8a9b-000000000049";

#[tokio::test]
async fn an_execution_gives_its_variables_mode_and_rollback_target() {
    let get = mock!(Client::get_pipeline_execution).then_http_response(|| {
        json(
            200,
            &format!(
                r#"{{"pipelineExecution": {{
                  "pipelineName": "storefront-deployer-prd", "pipelineVersion": 4,
                  "pipelineExecutionId": "{ROLLBACK_ID}", "status": "InProgress",
                  "variables": [{{"name": "release_version", "resolvedValue": "1.44.0"}}, {{"name": "commit", "resolvedValue": "30cc604"}}],
                  "trigger": {{"triggerType": "AutomatedRollback", "triggerDetail": "{RUNNING}"}},
                  "executionMode": "QUEUED", "executionType": "ROLLBACK",
                  "rollbackMetadata": {{"rollbackTargetPipelineExecutionId": "{GOOD}"}}
                }}}}"#
            ),
        )
    });
    let list = mock!(Client::list_pipeline_executions).then_http_response(|| {
        json(
            200,
            &format!(
                r#"{{"pipelineExecutionSummaries": [{{
                  "pipelineExecutionId": "{ROLLBACK_ID}", "status": "InProgress",
                  "startTime": 1795600100.0, "lastUpdateTime": 1795600200.0,
                  "trigger": {{"triggerType": "AutomatedRollback", "triggerDetail": "{RUNNING}"}},
                  "executionMode": "QUEUED", "executionType": "ROLLBACK",
                  "rollbackMetadata": {{"rollbackTargetPipelineExecutionId": "{GOOD}"}}
                }}]}}"#
            ),
        )
    });
    let cloud = cloud(codepipeline!(&get, &list));
    let listed = cloud.pipelines.list_executions(PIPELINE, 10).await.unwrap();
    assert_eq!(listed[0].rollback_target.as_deref(), Some(GOOD));
    assert_eq!(listed[0].execution_mode, Some(ExecutionMode::Queued));
    assert!(
        listed[0].variables.is_empty(),
        "listings carry no variables"
    );
    let e = cloud
        .pipelines
        .get_execution(PIPELINE, ROLLBACK_ID)
        .await
        .unwrap();
    assert_eq!(e.execution_type, ExecutionType::Rollback);
    assert_eq!(e.trigger.kind, "AutomatedRollback");
    assert_eq!(
        e.trigger.detail, RUNNING,
        "the execution whose alarm rolled it back"
    );
    assert_eq!(e.rollback_target.as_deref(), Some(GOOD));
    assert_eq!(e.execution_mode, Some(ExecutionMode::Queued));
    assert_eq!(
        e.variables,
        [
            ResolvedVariable::new("release_version", "1.44.0".to_string()),
            ResolvedVariable::new("commit", "30cc604".to_string())
        ]
    );
    assert_eq!(
        e.start,
        Timestamp(1_795_600_100_000),
        "times from the listing"
    );
}

const RULES_PAGE_1: &str = r#"{
  "ruleExecutionDetails": [{
    "pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000051",
    "ruleExecutionId": "re-0001",
    "pipelineVersion": 4,
    "stageName": "Deploy",
    "ruleName": "prod-hours",
    "startTime": 1795599500.0,
    "lastUpdateTime": 1795599500.5,
    "status": "InProgress",
    "input": {
      "ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "DeploymentWindow", "version": "1"},
      "configuration": {"Cron": "* * 9-16 ? * MON-FRI *", "TimeZone": "Europe/Berlin"},
      "resolvedConfiguration": {"Cron": "* * 9-16 ? * MON-FRI *", "TimeZone": "Europe/Berlin"},
      "region": "eu-west-1"
    },
    "output": {"executionResult": {"externalExecutionSummary": "Deployments are not allowed now"}}
  }],
  "nextToken": "rules-2"
}"#;

const RULES_PAGE_2: &str = r#"{
  "ruleExecutionDetails": [{
    "pipelineExecutionId": "7e1f3c2a-4b5d-4e6f-8a9b-000000000051",
    "ruleExecutionId": "re-0000",
    "stageName": "Deploy",
    "ruleName": "api-5xx",
    "startTime": 1795590000.0,
    "lastUpdateTime": 1795590300.0,
    "status": "Failed",
    "updatedBy": "arn:aws:sts::123456789012:assumed-role/Release/carol",
    "input": {"ruleTypeId": {"category": "Rule", "owner": "AWS", "provider": "CloudWatchAlarm", "version": "1"},
              "configuration": {"AlarmName": "storefront-api-5xx-prd"}},
    "output": {"executionResult": {
      "externalExecutionSummary": "Alarm storefront-api-5xx-prd is in ALARM",
      "externalExecutionUrl": "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/storefront-api-5xx-prd",
      "errorDetails": {"code": "RuleFailed", "message": "Alarm in ALARM"}
    }}
  }]
}"#;

#[tokio::test]
async fn rule_executions_follow_every_page_of_one_execution() {
    let first = mock!(Client::list_rule_executions)
        .match_requests(|r| {
            r.next_token().is_none()
                && r.pipeline_name() == Some(PIPELINE)
                && r.filter().and_then(|f| f.pipeline_execution_id()) == Some(RUNNING)
        })
        .then_http_response(|| json(200, RULES_PAGE_1));
    let second = mock!(Client::list_rule_executions)
        .match_requests(|r| r.next_token() == Some("rules-2"))
        .then_http_response(|| json(200, RULES_PAGE_2));
    let cloud = cloud(codepipeline!(&first, &second));
    let rows = cloud
        .pipelines
        .list_rule_executions(PIPELINE, Some(RUNNING), 50)
        .await
        .unwrap();
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert_eq!(rows.len(), 2);
    let window = &rows[0];
    assert_eq!(
        (window.stage.as_str(), window.rule.as_str()),
        ("Deploy", "prod-hours")
    );
    assert_eq!(window.provider.as_deref(), Some("DeploymentWindow"));
    assert_eq!(window.status, RuleStatus::InProgress);
    assert_eq!(window.start, Timestamp(1_795_599_500_000));
    assert_eq!(
        window.configuration.get("TimeZone").map(String::as_str),
        Some("Europe/Berlin")
    );
    let alarm = &rows[1];
    assert_eq!(alarm.status, RuleStatus::Failed);
    assert_eq!(
        alarm.summary.as_deref(),
        Some("Alarm storefront-api-5xx-prd is in ALARM")
    );
    assert!(alarm.updated_by.as_deref().unwrap().ends_with("/carol"));
    assert_eq!(alarm.error.as_ref().unwrap().code, "RuleFailed");
    assert!(alarm.external_execution_url.is_some());

    // A missing execution is named.
    let missing = mock!(Client::list_rule_executions).then_http_response(|| {
        error(
            400,
            "PipelineExecutionNotFoundException",
            "The pipeline execution was specified in an invalid format or cannot be found.",
        )
    });
    let cloud = mocks::cloud(codepipeline!(&missing));
    let err = cloud
        .pipelines
        .list_rule_executions(PIPELINE, Some("gone"), 50)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "pipeline execution not found: gone");
}

#[tokio::test]
async fn override_sends_the_condition_and_explains_its_refusals() {
    let ok = mock!(Client::override_stage_condition)
        .match_requests(|r| {
            (
                r.pipeline_name(),
                r.stage_name(),
                r.pipeline_execution_id(),
                r.condition_type(),
            ) == (
                Some(PIPELINE),
                Some("Deploy"),
                Some(RUNNING),
                Some(&ConditionType::BeforeEntry),
            )
        })
        .then_http_response(|| json(200, "{}"));
    let skip = mock!(Client::override_stage_condition)
        .match_requests(|r| r.pipeline_execution_id() == Some(QUEUED_1))
        .then_http_response(|| {
            error(
                400,
                "ConditionNotOverridableException",
                "Unable to override because the condition does not allow overrides.",
            )
        });
    let later = mock!(Client::override_stage_condition)
        .match_requests(|r| r.pipeline_execution_id() == Some(QUEUED_2))
        .then_http_response(|| {
            error(
                400,
                "NotLatestPipelineExecutionException",
                "The stage has an execution that is later than the specified pipeline execution.",
            )
        });
    let cloud = cloud(codepipeline!(&ok, &skip, &later));
    let p = &cloud.pipelines;
    p.override_stage_condition(PIPELINE, "Deploy", RUNNING, ConditionKind::BeforeEntry)
        .await
        .unwrap();
    assert_eq!(ok.num_calls(), 1);

    let err = p
        .override_stage_condition(PIPELINE, "Deploy", QUEUED_1, ConditionKind::OnSuccess)
        .await
        .unwrap_err();
    let CloudError::Rejected { code, message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(code, "ConditionNotOverridableException");
    assert!(
        message.starts_with(
            "the onSuccess condition of stage Deploy cannot be overridden: only a condition in \
             progress can, and never one whose result is SKIP"
        ),
        "{message}"
    );
    assert!(
        message
            .ends_with("(AWS: Unable to override because the condition does not allow overrides.)")
    );

    let err = p
        .override_stage_condition(PIPELINE, "Deploy", QUEUED_2, ConditionKind::BeforeEntry)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("held by a later execution"),
        "{err}"
    );

    // onFailure has no override: refused before any call.
    let err = p
        .override_stage_condition(PIPELINE, "Deploy", RUNNING, ConditionKind::OnFailure)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("only beforeEntry and onSuccess"),
        "{err}"
    );
    assert_eq!(ok.num_calls() + skip.num_calls() + later.num_calls(), 3);
}
