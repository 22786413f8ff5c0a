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
