//! The execution detail: Enter on a history row reads that execution's runs; moving, the build
//! log of a run, a failed read, answers that are not its own, Esc and an environment switch.

use super::*;
use shipdeck::domain::{ActionExecutionDetail, ActionStatus, ErrorDetails};

fn run(stage: &str, action: &str, status: ActionStatus, minutes: i64) -> ActionExecutionDetail {
    ActionExecutionDetail {
        pipeline_execution_id: "e-1".into(),
        action_execution_id: format!("ae-{action}-{minutes}"),
        stage: stage.into(),
        action: action.into(),
        status,
        start: T0 - Timestamp::HOUR + minutes * Timestamp::MINUTE,
        last_update: T0 - Timestamp::HOUR + (minutes + 2) * Timestamp::MINUTE,
        updated_by: None,
        summary: None,
        external_execution_url: None,
        external_execution_id: None,
        log_stream_arn: None,
        error: None,
    }
}

/// prd's pipeline with its second history row (e-1, succeeded) opened: the read it asks for.
fn opened() -> (shipdeck::app::State, u64) {
    let mut s = loaded();
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Open);
    update(&mut s, Action::Down);
    assert_eq!(s.view, View::Pipeline);
    let fx = update(&mut s, Action::Open);
    let Some(Effect::FetchActionExecutions {
        env,
        request,
        pipeline,
        execution_id,
        action,
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (env, pipeline.as_str(), execution_id.as_str(), action),
        (2, "storefront-deployer-prd", "e-1", None),
        "the selected row's execution, every run of it"
    );
    (s, request)
}

fn answer(
    s: &mut shipdeck::app::State,
    request: u64,
    result: Result<Vec<ActionExecutionDetail>, CloudError>,
) {
    update(
        s,
        Action::Reply(Reply::ActionExecutionsLoaded {
            env: 2,
            request,
            action: None,
            result,
        }),
    );
}

#[test]
fn enter_on_a_history_row_opens_that_execution_and_lists_its_runs_by_stage() {
    let (mut s, request) = opened();
    let d = s.execution.as_ref().expect("the detail is open");
    assert_eq!(d.execution.id, "e-1");
    assert_eq!(d.runs, None, "reading");
    let mut approve = run("Approval", "ApproveRelease", ActionStatus::Succeeded, 1);
    approve.updated_by = Some("arn:aws:sts::123456789012:assumed-role/Ops/dmitri".into());
    approve.summary = Some("dashboards green".into());
    let mut deploy = run("Deploy", "Deploy", ActionStatus::Failed, 20);
    deploy.error = Some(ErrorDetails {
        code: "JobFailed".into(),
        message: "exit status 2".into(),
    });
    // Out of order, and the deploy ran twice (retried).
    let runs = vec![
        deploy.clone(),
        approve,
        run("Deploy", "Deploy", ActionStatus::Failed, 10),
    ];
    answer(&mut s, request, Ok(runs));
    let rows: Vec<(String, Option<i64>)> = s
        .execution_rows()
        .iter()
        .map(|r| {
            let minute = r
                .run
                .map(|x| (x.start.since(T0 - Timestamp::HOUR)) / 60_000);
            (format!("{}/{}", r.stage, r.action), minute)
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Source/Source".to_string(), None),
            ("Approval/ApproveRelease".to_string(), Some(1)),
            ("Deploy/Deploy".to_string(), Some(10)),
            ("Deploy/Deploy".to_string(), Some(20)),
        ],
        "stage order, runs oldest first, an action that did not run has a row of its own"
    );
    update(&mut s, Action::Bottom);
    assert_eq!(s.execution_run(), Some(&deploy));
    update(&mut s, Action::Down);
    assert_eq!(s.execution.as_ref().map(|d| d.row), Some(3), "clamped");
    update(&mut s, Action::SelectRow(1));
    assert_eq!(s.execution.as_ref().map(|d| d.row), Some(1));
    update(&mut s, Action::Back);
    assert!(s.execution.is_none(), "esc goes back");
    assert_eq!(s.view, View::Pipeline, "to the history");
}

#[test]
fn a_failed_read_is_unknown_with_its_reason_not_an_empty_list() {
    let (mut s, request) = opened();
    answer(
        &mut s,
        request,
        Err(CloudError::Network("connection reset".into())),
    );
    let d = s.execution.as_ref().unwrap();
    assert!(
        matches!(&d.runs, Some(Err(e)) if e.contains("connection reset")),
        "{:?}",
        d.runs
    );
    assert!(s.execution_rows().is_empty());
    // `r` reads them again.
    let fx = update(&mut s, Action::Refresh);
    let again = fx.iter().find_map(|e| match e {
        Effect::FetchActionExecutions { request, .. } => Some(*request),
        _ => None,
    });
    assert!(again.is_some_and(|r| r != request), "{fx:?}");
    assert_eq!(s.execution.as_ref().unwrap().inflight, again);
}

#[test]
fn answers_that_are_not_the_open_executions_are_not_taken_for_it() {
    let (mut s, request) = opened();
    answer(
        &mut s,
        request + 100,
        Ok(vec![run("Source", "Source", ActionStatus::Succeeded, 0)]),
    );
    assert_eq!(s.execution.as_ref().unwrap().runs, None, "still reading");
    answer(&mut s, request, Ok(Vec::new()));
    // The answer to an earlier read (before `r`) is dropped too.
    let fx = update(&mut s, Action::Refresh);
    assert!(!fx.is_empty());
    answer(&mut s, request, Err(CloudError::Network("late".into())));
    assert_eq!(s.execution.as_ref().unwrap().runs, Some(Ok(Vec::new())));
}

#[test]
fn b_opens_the_build_log_of_the_selected_run() {
    let (mut s, request) = opened();
    let mut with_arn = run("Deploy", "Deploy", ActionStatus::Succeeded, 5);
    with_arn.log_stream_arn = Some(
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/deploy-prd:log-stream:b-7"
            .into(),
    );
    answer(
        &mut s,
        request,
        Ok(vec![
            run("Source", "Source", ActionStatus::Succeeded, 0),
            with_arn,
        ]),
    );
    // The source run has no build log: the status bar says so and nothing is read.
    let fx = update(&mut s, Action::BuildLog);
    assert!(fx.is_empty());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("Source has no CloudWatch log stream"),
        "{:?}",
        s.status
    );
    // Approval did not run in e-1 here.
    update(&mut s, Action::Down);
    update(&mut s, Action::BuildLog);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("did not run in this execution"),
        "{:?}",
        s.status
    );
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::BuildLog);
    assert_eq!(s.view, View::Logs);
    assert_eq!(
        s.logs.stream,
        Some(("/aws/codebuild/deploy-prd".into(), "b-7".into()))
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchLogs { .. })));
}

#[test]
fn a_codebuild_run_without_a_stream_arn_reads_its_projects_group() {
    let (mut s, request) = opened();
    let mut build = run("Deploy", "Deploy", ActionStatus::Failed, 5);
    build.external_execution_id = Some("storefront-deploy-prd:0b5e-42".into());
    answer(&mut s, request, Ok(vec![build]));
    update(&mut s, Action::Bottom);
    update(&mut s, Action::BuildLog);
    assert_eq!(
        s.logs.stream,
        Some((
            "/aws/codebuild/storefront-deploy-prd".into(),
            "0b5e-42".into()
        ))
    );
}

#[test]
fn switching_environment_closes_the_detail() {
    let (mut s, _) = opened();
    update(&mut s, Action::NextEnv);
    assert!(s.execution.is_none());
    // Opening a pipeline from home starts at its history.
    let (mut s, _) = opened();
    update(&mut s, Action::Show(View::Environments));
    update(&mut s, Action::Open);
    assert!(s.execution.is_none());
}

#[test]
fn the_run_pane_scrolls_and_another_run_starts_at_its_top() {
    let (mut s, request) = opened();
    answer(
        &mut s,
        request,
        Ok(vec![
            run("Source", "Source", ActionStatus::Succeeded, 0),
            run("Deploy", "Deploy", ActionStatus::Succeeded, 5),
        ]),
    );
    update(&mut s, Action::ScrollPane(4));
    assert_eq!(s.pane_offset(), 4);
    update(&mut s, Action::ScrollPane(-1));
    assert_eq!(s.pane_offset(), 3);
    update(&mut s, Action::Down);
    assert_eq!(s.pane_offset(), 0, "another run's detail starts at its top");
    update(&mut s, Action::Up);
    assert_eq!(
        s.pane_offset(),
        3,
        "and the first run's is where it was left"
    );
}

#[test]
fn closing_the_detail_while_it_reads_stops_the_read_and_one_read_at_a_time() {
    let (mut s, request) = opened();
    let fx = update(&mut s, Action::Refresh);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::FetchActionExecutions { .. })),
        "already reading: no second read"
    );
    // Both reads stop: the runs, and the execution's variables.
    let variables = s.execution.as_ref().unwrap().variables_inflight.unwrap();
    let fx = update(&mut s, Action::Back);
    assert_eq!(
        fx,
        vec![
            Effect::Cancel { request },
            Effect::Cancel { request: variables }
        ]
    );
    let (mut s, request) = opened();
    let fx = update(&mut s, Action::NextEnv);
    assert!(fx.contains(&Effect::Cancel { request }), "{fx:?}");
}

#[test]
fn the_detail_reads_the_executions_variables_and_says_when_they_are_unknown() {
    use shipdeck::domain::ResolvedVariable;
    let mut s = loaded();
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Open);
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Open);
    let Some(Effect::FetchExecution {
        request,
        pipeline,
        execution_id,
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::FetchExecution { .. }))
        .cloned()
    else {
        panic!("GetPipelineExecution for its variables: {fx:?}")
    };
    assert_eq!(
        (pipeline.as_str(), execution_id.as_str()),
        ("storefront-deployer-prd", "e-1")
    );
    assert_eq!(s.execution.as_ref().unwrap().variables, None, "reading");
    let mut e = s.execution.as_ref().unwrap().execution.clone();
    e.variables = vec![ResolvedVariable::new("release_version", "1.2.0")];
    // Someone else's answer is not taken for it.
    update(
        &mut s,
        Action::Reply(Reply::ExecutionLoaded {
            request: request + 100,
            result: Ok(Box::new(e.clone())),
        }),
    );
    assert_eq!(s.execution.as_ref().unwrap().variables, None);
    update(
        &mut s,
        Action::Reply(Reply::ExecutionLoaded {
            request,
            result: Ok(Box::new(e)),
        }),
    );
    assert_eq!(
        s.execution.as_ref().unwrap().variables,
        Some(Ok(vec![ResolvedVariable::new("release_version", "1.2.0")]))
    );
    // A failed read: unknown with its reason, not "no variables".
    let mut s = loaded();
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Open);
    let fx = update(&mut s, Action::Open);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchExecution { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply(Reply::ExecutionLoaded {
            request,
            result: Err(CloudError::Network("connection reset".into())),
        }),
    );
    assert!(matches!(
        &s.execution.as_ref().unwrap().variables,
        Some(Err(why)) if why.contains("connection reset")
    ));
}

#[test]
fn a_failed_execution_without_a_summary_says_the_stage_it_failed_in_while_that_is_known() {
    use shipdeck::domain::{StageExecution, StageStatus};
    let mut snap = snapshot(
        "prd",
        vec![
            execution(
                "e-2",
                ExecutionStatus::Failed,
                "1.3.0",
                T0 - Timestamp::HOUR,
            ),
            execution(
                "e-1",
                ExecutionStatus::Succeeded,
                "1.2.0",
                T0 - 9 * Timestamp::HOUR,
            ),
        ],
        None,
    );
    let mark = |snap: &mut shipdeck::app::EnvSnapshot, id: &str, status| {
        let st = snap.state.as_mut().unwrap();
        let approval = st.stages.iter_mut().find(|s| s.name == "Approval").unwrap();
        approval.latest = Some(StageExecution {
            pipeline_execution_id: id.into(),
            status,
        });
    };
    // An approval that expired: the execution failed with no summary, at the approval.
    mark(&mut snap, "e-2", StageStatus::Failed);
    let failed = snap.executions[0].clone();
    assert_eq!(failed.summary_text(), None, "the listing gives no summary");
    assert_eq!(
        failed.summary_in(snap.state.as_ref().ok()).as_deref(),
        Some("failed at Approval")
    );
    // A newer execution has passed the approval since: where e-2 failed is no longer shown.
    mark(&mut snap, "e-3", StageStatus::Succeeded);
    assert_eq!(failed.summary_in(snap.state.as_ref().ok()), None);
    assert_eq!(failed.summary_in(None), None, "the stages unread");
    // A summary the listing gives is what is said.
    let mut told = failed.clone();
    told.status_summary = Some("Deploy failed".into());
    assert_eq!(told.summary_in(None).as_deref(), Some("Deploy failed"));
}
