//! CodePipeline rollbacks and transitions the emulator lacks (`RollbackStage`,
//! `Disable/EnableStageTransition`, the `succeededInStage` filter), through the real SDK, with the
//! error answers the API reference lists, each mapped to what an operator needs.

use crate::support::mocks;

use aws_sdk_codepipeline::Client;
use aws_sdk_codepipeline::types::StageTransitionType;
use aws_smithy_mocks::mock;
use mocks::{cloud, error, json};
use shipdeck::cloud::{CloudError, TransitionChange};
use shipdeck::domain::{ExecutionStatus, ExecutionType, Timestamp};

const PIPELINE: &str = "storefront-deployer-prd";
const GOOD: &str = "0b1c9a6e-5d43-4a1f-8f0e-000000000041";
const FAILED: &str = "0b1c9a6e-5d43-4a1f-8f0e-000000000040";
const ROLLBACK: &str = "0b1c9a6e-5d43-4a1f-8f0e-000000000043";

fn rejected(code: &str) -> impl Fn(&CloudError) -> bool + '_ {
    move |e| matches!(e, CloudError::Rejected { code: c, .. } if c == code)
}

#[tokio::test]
async fn rollback_stage_returns_the_new_execution_and_maps_its_errors() {
    let ok = mock!(Client::rollback_stage)
        .match_requests(|r| {
            (
                r.pipeline_name(),
                r.stage_name(),
                r.target_pipeline_execution_id(),
            ) == (Some(PIPELINE), Some("Deploy"), Some(GOOD))
        })
        .then_http_response(|| json(200, &format!(r#"{{"pipelineExecutionId":"{ROLLBACK}"}}"#)));
    let unable = mock!(Client::rollback_stage)
        .match_requests(|r| r.target_pipeline_execution_id() == Some(FAILED))
        .then_http_response(|| {
            error(
                400,
                "UnableToRollbackStageException",
                "Unable to roll back the stage. The target pipeline execution did not succeed in the stage.",
            )
        });
    let missing = mock!(Client::rollback_stage)
        .match_requests(|r| r.target_pipeline_execution_id() == Some("gone"))
        .then_http_response(|| {
            error(
                400,
                "PipelineExecutionNotFoundException",
                "The pipeline execution was specified in an invalid format or cannot be found.",
            )
        });
    let outdated = mock!(Client::rollback_stage)
        .match_requests(|r| r.target_pipeline_execution_id() == Some("old"))
        .then_http_response(|| {
            error(
                400,
                "PipelineExecutionOutdatedException",
                "The specified pipeline execution is outdated and cannot be used as a target pipeline execution for rollback.",
            )
        });
    let conflict = mock!(Client::rollback_stage)
        .match_requests(|r| r.target_pipeline_execution_id() == Some("busy"))
        .then_http_response(|| {
            error(
                400,
                "ConflictException",
                "Your request cannot be handled because the pipeline is busy and is already processing a request.",
            )
        });
    let denied = mock!(Client::rollback_stage)
        .match_requests(|r| r.target_pipeline_execution_id() == Some("denied"))
        .then_http_response(|| {
            error(400, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to perform: codepipeline:RollbackStage")
        });
    let cloud = cloud(codepipeline!(
        &ok, &unable, &missing, &outdated, &conflict, &denied
    ));
    let p = &cloud.pipelines;
    let id = p.rollback_stage(PIPELINE, "Deploy", GOOD).await.unwrap();
    assert_eq!(id, ROLLBACK);
    assert_eq!(ok.num_calls(), 1);
    let err = p
        .rollback_stage(PIPELINE, "Deploy", FAILED)
        .await
        .unwrap_err();
    assert!(rejected("UnableToRollbackStageException")(&err), "{err}");
    assert!(err.to_string().contains("did not succeed"), "{err}");
    let err = p
        .rollback_stage(PIPELINE, "Deploy", "gone")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "pipeline execution not found: gone");
    let err = p
        .rollback_stage(PIPELINE, "Deploy", "old")
        .await
        .unwrap_err();
    assert!(
        rejected("PipelineExecutionOutdatedException")(&err),
        "{err}"
    );
    let err = p
        .rollback_stage(PIPELINE, "Deploy", "busy")
        .await
        .unwrap_err();
    assert!(rejected("ConflictException")(&err), "{err}");
    let err = p
        .rollback_stage(PIPELINE, "Deploy", "denied")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "access denied: not allowed to call codepipeline:RollbackStage"
    );
}

const SUCCEEDED_IN_DEPLOY: &str = r#"{
  "pipelineExecutionSummaries": [
    {
      "pipelineExecutionId": "0b1c9a6e-5d43-4a1f-8f0e-000000000043",
      "status": "Succeeded",
      "startTime": 1795590000.5,
      "lastUpdateTime": 1795590600.25,
      "sourceRevisions": [{"actionName": "Source", "revisionId": "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "revisionSummary": "Release 1.42.0 (commit 9f1c2ab) by alice"}],
      "trigger": {"triggerType": "ManualRollback", "triggerDetail": "arn:aws:sts::123456789012:assumed-role/Operator/carol"},
      "executionMode": "SUPERSEDED",
      "executionType": "ROLLBACK",
      "rollbackMetadata": {"rollbackTargetPipelineExecutionId": "0b1c9a6e-5d43-4a1f-8f0e-000000000041"}
    },
    {
      "pipelineExecutionId": "0b1c9a6e-5d43-4a1f-8f0e-000000000041",
      "status": "Succeeded",
      "startTime": 1795500000,
      "lastUpdateTime": 1795500900,
      "sourceRevisions": [{"actionName": "Source", "revisionId": "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "revisionSummary": "Release 1.42.0 (commit 9f1c2ab) by alice"}],
      "trigger": {"triggerType": "CloudWatchEvent", "triggerDetail": "arn:aws:events:eu-west-1:123456789012:rule/storefront-deployer-prd-source-changed"},
      "executionMode": "SUPERSEDED",
      "executionType": "STANDARD"
    }
  ],
  "nextToken": "page-2"
}"#;

const PAGE_TWO: &str = r#"{
  "pipelineExecutionSummaries": [
    {
      "pipelineExecutionId": "0b1c9a6e-5d43-4a1f-8f0e-000000000039",
      "status": "Failed",
      "startTime": 1795400000,
      "lastUpdateTime": 1795400900,
      "sourceRevisions": [],
      "trigger": {"triggerType": "StartPipelineExecution", "triggerDetail": "arn:aws:sts::123456789012:assumed-role/Operator/bob"},
      "executionType": "STANDARD"
    }
  ]
}"#;

#[tokio::test]
async fn succeeded_in_stage_sends_the_filter_and_follows_pages() {
    let first = mock!(Client::list_pipeline_executions)
        .match_requests(|r| {
            let stage = r
                .filter()
                .and_then(|f| f.succeeded_in_stage())
                .and_then(|s| s.stage_name());
            stage == Some("Deploy") && r.next_token().is_none()
        })
        .then_http_response(|| json(200, SUCCEEDED_IN_DEPLOY));
    let second = mock!(Client::list_pipeline_executions)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_http_response(|| json(200, PAGE_TWO));
    let no_stage = mock!(Client::list_pipeline_executions)
        .match_requests(|r| {
            r.filter()
                .and_then(|f| f.succeeded_in_stage())
                .and_then(|s| s.stage_name())
                == Some("Nope")
        })
        .then_http_response(|| {
            error(
                400,
                "StageNotFoundException",
                "The stage was specified in an invalid format or cannot be found.",
            )
        });
    let cloud = cloud(codepipeline!(&first, &second, &no_stage));
    let p = &cloud.pipelines;
    let rows = p
        .list_succeeded_in_stage(PIPELINE, "Deploy", 2)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(second.num_calls(), 0, "two rows asked, two rows read");
    assert_eq!(rows[0].execution_type, ExecutionType::Rollback);
    assert_eq!(rows[0].trigger.kind, "ManualRollback");
    assert_eq!(rows[0].start, Timestamp(1_795_590_000_500));
    assert_eq!(rows[1].id, GOOD);
    assert_eq!(rows[1].status, ExecutionStatus::Succeeded);
    assert_eq!(
        rows[1].release().map(|r| r.version.to_string()),
        Some("1.42.0".into())
    );
    let all = p
        .list_succeeded_in_stage(PIPELINE, "Deploy", 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(second.num_calls(), 1);
    let err = p
        .list_succeeded_in_stage(PIPELINE, "Nope", 10)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "stage not found: Nope");
}

#[tokio::test]
async fn transitions_are_disabled_with_a_reason_and_enabled_again() {
    let disable = mock!(Client::disable_stage_transition)
        .match_requests(|r| {
            (r.stage_name(), r.transition_type(), r.reason())
                == (
                    Some("Deploy"),
                    Some(&StageTransitionType::Inbound),
                    Some("Incident 42 - freeze"),
                )
        })
        .then_http_response(|| json(200, "{}"));
    let enable = mock!(Client::enable_stage_transition)
        .match_requests(|r| {
            (r.pipeline_name(), r.stage_name(), r.transition_type())
                == (
                    Some(PIPELINE),
                    Some("Deploy"),
                    Some(&StageTransitionType::Inbound),
                )
        })
        .then_http_response(|| json(200, "{}"));
    let no_pipeline = mock!(Client::enable_stage_transition)
        .match_requests(|r| r.pipeline_name() == Some("storefront-deployer-qa"))
        .then_http_response(|| {
            error(
                400,
                "PipelineNotFoundException",
                "The pipeline was specified in an invalid format or cannot be found.",
            )
        });
    let denied = mock!(Client::disable_stage_transition)
        .match_requests(|r| r.stage_name() == Some("Verify"))
        .then_http_response(|| {
            error(400, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to perform: codepipeline:DisableStageTransition")
        });
    let cloud = cloud(codepipeline!(&disable, &enable, &no_pipeline, &denied));
    let p = &cloud.pipelines;
    let freeze = TransitionChange::Disable {
        reason: "Incident 42 - freeze".into(),
    };
    p.set_inbound_transition(PIPELINE, "Deploy", &freeze)
        .await
        .unwrap();
    p.set_inbound_transition(PIPELINE, "Deploy", &TransitionChange::Enable)
        .await
        .unwrap();
    assert_eq!((disable.num_calls(), enable.num_calls()), (1, 1));
    let err = p
        .set_inbound_transition(
            "storefront-deployer-qa",
            "Deploy",
            &TransitionChange::Enable,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pipeline not found: storefront-deployer-qa"
    );
    let err = p
        .set_inbound_transition(PIPELINE, "Verify", &freeze)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "access denied: not allowed to call codepipeline:DisableStageTransition"
    );
    // A reason CodePipeline would refuse never leaves the machine.
    let bad = TransitionChange::Disable {
        reason: "freeze: incident #42".into(),
    };
    let err = p
        .set_inbound_transition(PIPELINE, "Deploy", &bad)
        .await
        .unwrap_err();
    assert!(rejected("ValidationException")(&err), "{err}");
    assert!(err.to_string().contains("found ':'"), "{err}");
    assert_eq!(disable.num_calls(), 1);
}
