//! What the test suites share (each suite's `main.rs` declares it once): hand-made domain values
//! for table tests of the pure core (here), the views' hand-made state (`fixture`), the demo rig
//! (`sim`) and the simulator's truth (`truth`), the screen as text (`screen`), console-action and
//! log helpers, the action tests' counted world (`ops_lost`), the mutating commands as a process
//! (`cli_ops`), and the AWS helpers: mocked SDK answers (`mocks`), a stub endpoint (`stub`) and the
//! local emulator (`emulator`, which `make test` starts with `moto.sh`).
#![allow(dead_code)]

use shipdeck::app::{EnvSnapshot, Mode, PollPolicy, Session, State};
use shipdeck::domain::*;
use std::collections::BTreeMap;

pub const T0: Timestamp = Timestamp(1_764_061_200_000); // 2025-11-25T09:00:00Z

/// A V2 release's read of the source key's versions that found none holding the package: the
/// release copies (the tests of the copy itself).
pub const COPY: Option<&shipdeck::ops::plan::release::SourceVersions> = Some(&Ok(Vec::new()));

pub fn spec(name: &str, from: Option<&str>) -> EnvSpec {
    EnvSpec {
        name: name.into(),
        protected: name == "prd",
        read_only: false,
        pipeline: format!("storefront-deployer-{name}"),
        source_bucket: "storefront-deployer-source".into(),
        source_key: format!("{name}/release.zip"),
        release_prefix: "releases/".into(),
        distribution_id: format!("E2{}STOREFRNT", name.to_uppercase()),
        logs_bucket: Some("storefront-cloudfront-logs".into()),
        logs_prefix: format!("cloudfront/{name}/"),
        log_groups: vec![format!("/aws/lambda/storefront-api-{name}")],
        build_log_group: None,
        site_url: None,
        api_url: None,
        promotes_from: from.map(str::to_string),
    }
}

pub fn specs() -> Vec<EnvSpec> {
    vec![
        spec("dev", None),
        spec("stg", Some("dev")),
        spec("prd", Some("stg")),
    ]
}

pub fn state() -> State {
    let session = Session {
        mode: Mode::Demo,
        profile: None,
        region: Some("eu-west-1".into()),
        identity: None,
        read_only: false,
    };
    State::new(session, specs(), PollPolicy::default(), T0)
}

fn action(name: &str, category: ActionCategory, provider: &str) -> ActionDef {
    let mut configuration = BTreeMap::new();
    if category == ActionCategory::Approval {
        configuration.insert("CustomData".into(), "Check the dashboards".into());
    }
    ActionDef {
        name: name.into(),
        category,
        provider: provider.into(),
        run_order: 1,
        configuration,
        timeout_minutes: None,
    }
}

pub fn def(env: &str) -> PipelineDef {
    let mut stages = vec![StageDef {
        name: "Source".into(),
        actions: vec![action("Source", ActionCategory::Source, "S3")],
        conditions: Vec::new(),
    }];
    if env == "prd" {
        stages.push(StageDef {
            name: "Approval".into(),
            actions: vec![action("ApproveRelease", ActionCategory::Approval, "Manual")],
            conditions: Vec::new(),
        });
    }
    stages.push(StageDef {
        name: "Deploy".into(),
        actions: vec![action("Deploy", ActionCategory::Build, "CodeBuild")],
        conditions: Vec::new(),
    });
    PipelineDef {
        name: format!("storefront-deployer-{env}"),
        version: 1,
        stages,
        pipeline_type: None,
        execution_mode: Default::default(),
        variables: Vec::new(),
    }
}

pub fn execution(
    id: &str,
    status: ExecutionStatus,
    version: &str,
    at: Timestamp,
) -> ExecutionSummary {
    let release = Release {
        version: Version::parse(version).unwrap(),
        commit: "3f2a9c1d88aa".into(),
        actor: "alice".into(),
    };
    ExecutionSummary {
        id: id.into(),
        status,
        status_summary: None,
        stop_reason: None,
        start: at,
        last_update: at + 5 * Timestamp::MINUTE,
        source_revisions: vec![SourceRevision {
            action_name: "Source".into(),
            revision_id: "v1".into(),
            revision_summary: Some(release.summary()),
        }],
        trigger: Trigger {
            kind: "StartPipelineExecution".into(),
            detail: "arn:aws:sts::123456789012:assumed-role/ReleaseManager/carol".into(),
        },
        execution_type: ExecutionType::Standard,
        execution_mode: None,
        rollback_target: None,
        variables: Vec::new(),
    }
}

/// A snapshot where every stage succeeded for `exec`, or with `waiting` approval on prd.
pub fn snapshot(
    env: &str,
    executions: Vec<ExecutionSummary>,
    waiting: Option<(&str, Timestamp)>,
) -> EnvSnapshot {
    let d = def(env);
    let latest = executions.first().map(|e| e.id.clone()).unwrap_or_default();
    // Stages after an approval that waits were last passed by the newest succeeded execution.
    let succeeded = executions
        .iter()
        .find(|e| e.status == ExecutionStatus::Succeeded)
        .map(|e| e.id.clone())
        .unwrap_or_default();
    let approval_at = d.stages.iter().position(|s| s.name == "Approval");
    let stages = d
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let approval = s.name == "Approval";
            let past = waiting.is_some() && approval_at.is_some_and(|a| i > a);
            let (status, astatus, token, exec) = match (approval, waiting) {
                (true, Some((id, _))) => (
                    StageStatus::InProgress,
                    ActionStatus::InProgress,
                    Some("tok-123456789".to_string()),
                    id.to_string(),
                ),
                _ => (
                    StageStatus::Succeeded,
                    ActionStatus::Succeeded,
                    None,
                    if past {
                        succeeded.clone()
                    } else {
                        latest.clone()
                    },
                ),
            };
            StageState {
                name: s.name.clone(),
                latest: Some(StageExecution {
                    pipeline_execution_id: exec,
                    status,
                }),
                actions: s
                    .actions
                    .iter()
                    .map(|a| ActionState {
                        name: a.name.clone(),
                        latest: Some(ActionExecution {
                            action_execution_id: format!("ae-{}", a.name),
                            status: astatus,
                            summary: None,
                            last_status_change: waiting.map_or(T0, |w| w.1),
                            token: token.clone(),
                            last_updated_by: None,
                            external_execution_url: None,
                            percent_complete: None,
                            error: None,
                        }),
                    })
                    .collect(),
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
        })
        .collect();
    // What runs: the newest execution that succeeded (in these fixtures, each one that
    // succeeded in the deploy stage succeeded in every stage).
    let deployed = executions
        .iter()
        .find(|e| e.status == ExecutionStatus::Succeeded)
        .cloned();
    EnvSnapshot {
        state: Ok(PipelineState {
            name: d.name.clone(),
            version: 1,
            stages,
            updated: T0,
        }),
        def: d,
        executions,
        distribution: None,
        deployed: Ok(deployed),
        deployed_key: None,
        source: None,
    }
}
pub mod cli_ops;
pub mod emulator;
pub mod fixture;
pub mod logs;
#[macro_use]
pub mod mocks;
pub mod ops;
pub mod ops_lost;
pub mod screen;
pub mod sim;
pub mod stub;
pub mod truth;
