//! Action executions: every page followed, with their links; a CodeBuild run's log found from its
//! build id, a Commands run's from its log stream ARN.

use super::*;

#[tokio::test]
async fn action_executions_follow_every_page_with_their_links() {
    let exec = "fc8a36d7-1f0e-4b52-9d7f-000000000042";
    let first = mock!(Client::list_action_executions)
        .match_requests(move |r| {
            r.next_token().is_none()
                && r.filter().and_then(|f| f.pipeline_execution_id()) == Some(exec)
        })
        .then_http_response(|| json(200, ACTIONS_PAGE_1));
    let second = mock!(Client::list_action_executions)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_http_response(|| json(200, ACTIONS_PAGE_2));
    let cloud = cloud(codepipeline!(&first, &second));
    let rows = cloud
        .pipelines
        .list_action_executions(PIPELINE, exec)
        .await
        .unwrap();
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert_eq!(rows.len(), 3);
    let deploy = &rows[0];
    assert_eq!(deploy.stage, "Deploy");
    assert_eq!(deploy.status, ActionStatus::Failed);
    assert_eq!(deploy.start, Timestamp(1_795_590_200_000));
    assert_eq!(deploy.last_update, Timestamp(1_795_590_500_750));
    assert_eq!(deploy.log_stream_arn, None);
    assert_eq!(
        deploy.summary.as_deref(),
        Some("Build terminated with state: FAILED")
    );
    assert_eq!(
        deploy.external_execution_id.as_deref(),
        Some("storefront-deploy-prd:0b7e4412")
    );
    // Its log: the build id in the project's group (CodeBuild's default, unless configured).
    assert_eq!(
        shipdeck::app::build_log_stream(deploy, None),
        Some((
            "/aws/codebuild/storefront-deploy-prd".into(),
            "0b7e4412".into()
        ))
    );
    // A Commands action's compute has its log stream ARN, which is kept and used.
    let commands = &rows[2];
    assert_eq!(
        shipdeck::app::build_log_stream(commands, Some("/aws/codebuild/elsewhere")),
        Some((
            "/aws/codepipeline/storefront-deployer-prd".into(),
            "a1b2c3d4".into()
        ))
    );
    let error = deploy
        .error
        .as_ref()
        .expect("the failed run's error details");
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        ("JobFailed", "Build terminated with state: FAILED")
    );
    assert_eq!(rows[1].error, None);
    let approve = &rows[1];
    assert_eq!(
        approve.updated_by.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/Release/carol")
    );
    assert_eq!(approve.summary.as_deref(), Some("Dashboards green"));
    assert_eq!(approve.external_execution_url, None);
}

/// One `ListPipelineExecutions` row; every tenth was stopped with a reason.
fn row(n: usize) -> String {
    let stop = if n % 10 == 3 {
        r#", "status": "Stopped", "stopTrigger": {"reason": "Bad config in 1.43.0"}"#
    } else {
        r#", "status": "Succeeded""#
    };
    format!(
        r#"{{"pipelineExecutionId": "0b1c9a6e-5d43-4a1f-8f0e-{n:012}"{stop},
          "startTime": {start}, "lastUpdateTime": {end},
          "sourceRevisions": [], "executionType": "STANDARD",
          "trigger": {{"triggerType": "StartPipelineExecution", "triggerDetail": "arn:aws:sts::123456789012:assumed-role/Operator/bob"}}}}"#,
        start = 1_795_000_000 - n as i64 * 600,
        end = 1_795_000_300 - n as i64 * 600,
    )
}

fn page(rows: std::ops::Range<usize>, next: Option<&str>) -> String {
    let rows: Vec<String> = rows.map(row).collect();
    let next = next.map_or(String::new(), |t| format!(r#", "nextToken": "{t}""#));
    format!(
        r#"{{"pipelineExecutionSummaries": [{}]{next}}}"#,
        rows.join(",")
    )
}

#[tokio::test]
async fn executions_past_a_hundred_follow_next_token_and_carry_the_stop_reason() {
    let first = mock!(Client::list_pipeline_executions)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(100))
        .then_http_response(|| json(200, &page(0..100, Some("page-2"))));
    let second = mock!(Client::list_pipeline_executions)
        .match_requests(|r| r.next_token() == Some("page-2") && r.max_results() == Some(50))
        .then_http_response(|| json(200, &page(100..150, Some("page-3"))));
    let cloud = cloud(codepipeline!(&first, &second));
    let rows = cloud
        .pipelines
        .list_executions(PIPELINE, 150)
        .await
        .unwrap();
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert_eq!(rows.len(), 150);
    assert_eq!(rows[149].id, "0b1c9a6e-5d43-4a1f-8f0e-000000000149");
    let stopped = &rows[3];
    assert_eq!(stopped.status, shipdeck::domain::ExecutionStatus::Stopped);
    assert_eq!(stopped.stop_reason.as_deref(), Some("Bad config in 1.43.0"));
    assert_eq!(stopped.status_summary, None);
    assert_eq!(
        stopped.summary_text().as_deref(),
        Some("stopped: Bad config in 1.43.0")
    );
    assert_eq!(rows[4].stop_reason, None);
}
