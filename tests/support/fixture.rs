//! A hand-made state for the view tests: dev succeeded and frozen, stg failed and stale, prd
//! waiting at an approval and selected.

use shipdeck::app::{Level, Mode, PollPolicy, Session, Stale, State, StatusMsg};
use shipdeck::domain::{
    ActionCategory, ActionDef, ActionExecution, ActionState, ActionStatus, Distribution, EnvSpec,
    ErrorDetails, ExecutionStatus, ExecutionSummary, ExecutionType, LogEvent, PipelineDef,
    PipelineState, Release, SourceRevision, StageDef, StageExecution, StageState, StageStatus,
    Timestamp, Transition, Trigger, Version,
};
use std::collections::BTreeMap;

/// The fixture's clock: 2026-11-25T20:13:58Z.
pub const NOW: Timestamp = Timestamp(1_795_637_638_000);
const MIN: i64 = Timestamp::MINUTE;
const SUCCEEDED: Option<StageStatus> = Some(StageStatus::Succeeded);
const FAILED: Option<StageStatus> = Some(StageStatus::Failed);
const INPROGRESS: Option<StageStatus> = Some(StageStatus::InProgress);
/// The prd execution waiting at the approval.
const P2: &str = "p-2aaaaaaaaaa";

fn spec(name: &str, protected: bool, from: Option<&str>) -> EnvSpec {
    EnvSpec {
        name: name.into(),
        protected,
        read_only: false,
        pipeline: format!("storefront-deployer-{name}"),
        source_bucket: "src".into(),
        source_key: format!("{name}/release.zip"),
        release_prefix: "releases/".into(),
        distribution_id: format!("E2{name}"),
        logs_bucket: Some("logs".into()),
        logs_prefix: format!("cf/{name}/"),
        log_groups: vec![
            format!("/aws/lambda/storefront-api-{name}"),
            format!("/aws/codebuild/storefront-deploy-{name}"),
        ],
        build_log_group: None,
        site_url: None,
        api_url: None,
        promotes_from: from.map(str::to_string),
    }
}

fn def(name: &str, approval: bool) -> PipelineDef {
    let action = |name: &str, category| ActionDef {
        name: name.into(),
        category,
        provider: "x".into(),
        run_order: 1,
        configuration: if category == ActionCategory::Approval {
            BTreeMap::from([(
                "CustomData".to_string(),
                "Check the stg smoke tests first".to_string(),
            )])
        } else {
            BTreeMap::new()
        },
        timeout_minutes: None,
    };
    let mut stages = vec![StageDef {
        name: "Source".into(),
        actions: vec![action("Fetch", ActionCategory::Source)],
        conditions: Vec::new(),
    }];
    if approval {
        stages.push(StageDef {
            name: "Approval".into(),
            actions: vec![action("ManualApproval", ActionCategory::Approval)],
            conditions: Vec::new(),
        });
    }
    stages.push(StageDef {
        name: "Deploy".into(),
        actions: vec![action("DeploySite", ActionCategory::Deploy)],
        conditions: Vec::new(),
    });
    PipelineDef {
        name: name.into(),
        version: 1,
        stages,
        pipeline_type: None,
        execution_mode: Default::default(),
        variables: Vec::new(),
    }
}

fn run(status: ActionStatus, at: Timestamp) -> ActionExecution {
    ActionExecution {
        action_execution_id: "ae-1".into(),
        status,
        summary: None,
        last_status_change: at,
        token: None,
        last_updated_by: None,
        external_execution_url: None,
        percent_complete: None,
        error: None,
    }
}

fn stage(
    name: &str,
    exec: &str,
    status: Option<StageStatus>,
    actions: Vec<ActionState>,
) -> StageState {
    StageState {
        name: name.into(),
        latest: status.map(|status| StageExecution {
            pipeline_execution_id: exec.into(),
            status,
        }),
        actions,
        inbound: Transition {
            enabled: true,
            disabled_reason: None,
            last_changed_by: None,
            last_changed_at: None,
        },
        inbound_execution: None,
        queued: Vec::new(),
        conditions: Vec::new(),
        retries: None,
    }
}

fn act(name: &str, latest: Option<ActionExecution>) -> ActionState {
    ActionState {
        name: name.into(),
        latest,
    }
}

/// An execution shipping `version` (by alice), started `ago` minutes before `NOW`.
pub fn execution(id: &str, status: ExecutionStatus, version: &str, ago: i64) -> ExecutionSummary {
    ExecutionSummary {
        id: id.into(),
        status,
        status_summary: (status == ExecutionStatus::Failed).then(|| "Deploy failed".into()),
        stop_reason: None,
        start: NOW - ago * MIN,
        last_update: NOW - (ago - 4) * MIN,
        source_revisions: vec![SourceRevision {
            action_name: "Fetch".into(),
            revision_id: "v1".into(),
            revision_summary: Some(format!("Release {version} (commit 3f2a9c1d88) by alice")),
        }],
        trigger: Trigger {
            kind: "StartPipelineExecution".into(),
            detail: "arn:aws:sts::123456789012:assumed-role/Release/carol".into(),
        },
        execution_type: ExecutionType::Standard,
        execution_mode: None,
        rollback_target: None,
        variables: Vec::new(),
    }
}

fn distribution(status: &str) -> Distribution {
    Distribution {
        id: "E2".into(),
        domain_name: "d1.cloudfront.net".into(),
        status: status.into(),
        enabled: true,
        aliases: Vec::new(),
        logging_bucket: None,
        logging_prefix: None,
        last_modified: NOW,
        in_progress_invalidations: 0,
        viewer_function: None,
    }
}

/// The fixture state: three environments, prd selected.
pub fn state() -> State {
    let session = Session {
        mode: Mode::Demo,
        profile: Some("demo".into()),
        region: Some("eu-west-1".into()),
        identity: Some("arn:aws:sts::123456789012:assumed-role/Operator/carol".into()),
        read_only: true,
    };
    let specs = vec![
        spec("dev", false, None),
        spec("stg", false, Some("dev")),
        spec("prd", true, Some("stg")),
    ];
    let mut s = State::new(session, specs, PollPolicy::default(), NOW);
    s.releases = ["1.41.0", "1.42.0", "1.43.0"]
        .iter()
        .filter_map(|v| Version::parse(v))
        .map(|version| Release {
            version,
            commit: "3f2a9c1d88".into(),
            actor: "alice".into(),
        })
        .collect();
    let ok = |at| Some(run(ActionStatus::Succeeded, at));
    // dev: 1.43.0 deployed; Deploy frozen.
    let dev = &mut s.envs[0];
    dev.def = Some(def("storefront-deployer-dev", false));
    let mut deploy = stage(
        "Deploy",
        "d-1",
        SUCCEEDED,
        vec![act("DeploySite", ok(NOW - 20 * MIN))],
    );
    deploy.inbound.enabled = false;
    deploy.inbound.disabled_reason = Some("release freeze until Monday".into());
    dev.state = Some(PipelineState {
        name: "storefront-deployer-dev".into(),
        version: 1,
        stages: vec![
            stage(
                "Source",
                "d-1",
                SUCCEEDED,
                vec![act("Fetch", ok(NOW - 25 * MIN))],
            ),
            deploy,
        ],
        updated: NOW,
    });
    dev.executions = vec![execution("d-1", ExecutionStatus::Succeeded, "1.43.0", 30)];
    dev.deployed = Some(Ok(dev.executions.first().cloned()));
    dev.distribution = Some(distribution("Deployed"));
    dev.refreshed_at = Some(NOW);
    // stg: 1.43.0 failed in Deploy (1.42.0 deployed); refresh failing since 2m 10s.
    let stg = &mut s.envs[1];
    stg.def = Some(def("storefront-deployer-stg", false));
    let mut failed = run(ActionStatus::Failed, NOW - 5 * MIN);
    failed.error = Some(ErrorDetails {
        code: "JobFailed".into(),
        message:
            "Build step DEPLOY failed: aws s3 sync exited with 1 (AccessDenied on s3://web-stg)"
                .into(),
    });
    stg.state = Some(PipelineState {
        name: "storefront-deployer-stg".into(),
        version: 1,
        stages: vec![
            stage(
                "Source",
                "s-2",
                SUCCEEDED,
                vec![act("Fetch", ok(NOW - 9 * MIN))],
            ),
            stage(
                "Deploy",
                "s-2",
                FAILED,
                vec![act("DeploySite", Some(failed))],
            ),
        ],
        updated: NOW,
    });
    stg.executions = vec![
        execution("s-2", ExecutionStatus::Failed, "1.43.0", 10),
        execution("s-1", ExecutionStatus::Succeeded, "1.42.0", 200),
    ];
    stg.deployed = Some(Ok(stg.executions.get(1).cloned()));
    stg.distribution = Some(distribution("InProgress"));
    stg.refreshed_at = Some(NOW - 3 * MIN);
    stg.refresh.error = Some(Stale {
        since: NOW - (2 * MIN + 10_000),
        error: "throttled".into(),
        failures: 3,
        throttled: false,
    });
    // prd: 1.41.0 deployed; 1.42.0 waiting at the approval for 2h 05m.
    let prd = &mut s.envs[2];
    prd.def = Some(def("storefront-deployer-prd", true));
    let mut waiting = run(ActionStatus::InProgress, NOW - 125 * MIN);
    waiting.token = Some("0f3a9bde-1111-2222-3333-444455556666".into());
    prd.state = Some(PipelineState {
        name: "storefront-deployer-prd".into(),
        version: 1,
        stages: vec![
            stage(
                "Source",
                P2,
                SUCCEEDED,
                vec![act("Fetch", ok(NOW - 130 * MIN))],
            ),
            stage(
                "Approval",
                P2,
                INPROGRESS,
                vec![act("ManualApproval", Some(waiting))],
            ),
            stage("Deploy", "p-1", SUCCEEDED, vec![act("DeploySite", None)]),
        ],
        updated: NOW,
    });
    prd.executions = vec![
        execution(P2, ExecutionStatus::InProgress, "1.42.0", 131),
        execution("p-1", ExecutionStatus::Succeeded, "1.41.0", 3000),
    ];
    prd.deployed = Some(Ok(prd.executions.get(1).cloned()));
    prd.distribution = Some(distribution("Deployed"));
    prd.refreshed_at = Some(NOW);
    s.selected = 2;
    s.logs.env = 2;
    s.logs.events = [
        "INFO started",
        "WARN slow origin 2.3s",
        "ERROR upstream timeout",
        "INFO done",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| LogEvent {
        group: if i == 1 {
            "/aws/codebuild/storefront-deploy-prd".into()
        } else {
            "/aws/lambda/storefront-api-prd".into()
        },
        event_id: i.to_string(),
        stream: "2026/11/25/[$LATEST]0123456789abcdef".into(),
        timestamp: NOW - (10 - i as i64) * 1000,
        ingestion_time: NOW,
        message: (*m).into(),
    })
    .collect();
    s.status = Some(StatusMsg {
        text: "approval waiting on prd".into(),
        level: Level::Warn,
        at: NOW,
        scope: None,
        answer: None,
    });
    s
}
