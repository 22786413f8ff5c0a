//! CodePipeline V2 in the simulator, against the API reference's rules: execution modes per
//! environment (a queue in dev, supersession in stg), the prd deployment window holding Deploy
//! until it opens, overrides and their refusals, the alarm that rolls a degrading release back
//! automatically, the automatic retry of a flaky deploy, variables and exact-version starts.

use super::{DEV, MIN, PRD, cloud, code, world};
use futures::executor::block_on;
use shipdeck::accesslog::impact::{Impact, Verdict, WINDOW as IMPACT_WINDOW};
use shipdeck::cloud::sim::{OPERATOR_ARN, SimCloud, SimConfig, Simulator, WINDOW_RULE, degrades};
use shipdeck::cloud::{ApprovalAnswer, ApprovalOutcome, CloudError, StartRequest};
use shipdeck::domain::{
    ActionStatus, ConditionDef, ConditionKind, ConditionResult, ConditionStatus, ExecutionMode,
    ExecutionStatus, ExecutionType, PipelineType, ResolvedVariable, RuleDef, RuleStatus,
    StageStatus, Timestamp,
};
use std::collections::BTreeMap;

const STG: &str = "storefront-deployer-stg";

fn approve(sim: &SimCloud) -> String {
    let a = sim.with(|s| s.pending_approvals()).remove(0);
    let answer = ApprovalAnswer {
        pipeline: PRD.into(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: a.token.clone().unwrap(),
        outcome: ApprovalOutcome::Approved,
        summary: "ok".into(),
    };
    block_on(sim.cloud().pipelines.put_approval_result(&answer)).unwrap();
    a.execution_id
}

fn status(sim: &SimCloud, pipeline: &str, id: &str) -> ExecutionStatus {
    sim.with(|s| s.executions(pipeline))
        .into_iter()
        .find(|e| e.id == id)
        .map(|e| e.status)
        .unwrap()
}

#[test]
fn each_environment_declares_its_mode_variables_and_conditions() {
    let sim = world(3);
    let dev = sim.pipeline_def(DEV).unwrap();
    let stg = sim.pipeline_def(STG).unwrap();
    let prd = sim.pipeline_def(PRD).unwrap();
    assert_eq!(dev.pipeline_type, Some(PipelineType::V2));
    assert_eq!(dev.execution_mode, ExecutionMode::Queued);
    assert_eq!(stg.execution_mode, ExecutionMode::Superseded);
    assert_eq!(prd.execution_mode, ExecutionMode::Superseded);
    let names: Vec<&str> = prd.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["release_version", "commit"]);
    let deploy = prd.stages.iter().find(|s| s.name == "Deploy").unwrap();
    let window = deploy.conditions[0].rules[0].window().unwrap();
    assert_eq!(deploy.conditions[0].kind, ConditionKind::BeforeEntry);
    assert_eq!(window.time_zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(deploy.conditions[1].kind, ConditionKind::OnSuccess);
    assert_eq!(deploy.conditions[1].result, Some(ConditionResult::Rollback));
    assert_eq!(deploy.conditions[1].rules[0].provider, "CloudWatchAlarm");
    let verify = prd.stages.iter().find(|s| s.name == "Verify").unwrap();
    assert_eq!(verify.conditions[0].result, Some(ConditionResult::Retry));
    let deploy = dev.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert_eq!(deploy.conditions[0].kind, ConditionKind::OnFailure);
    assert_eq!(deploy.conditions[0].result, Some(ConditionResult::Retry));
    assert!(stg.stages.iter().all(|s| s.conditions.is_empty()));
}

#[test]
fn queued_mode_runs_every_execution_in_turn_where_superseded_mode_drops_the_waiting_one() {
    let sim = cloud(4);
    let p = sim.cloud().pipelines;
    sim.with(|s| s.advance(30 * MIN));
    let ids: Vec<String> = (0..3)
        .map(|_| block_on(p.start_execution(DEV, &StartRequest::default())).unwrap())
        .collect();
    let state = block_on(p.get_pipeline_state(DEV)).unwrap();
    let queued: Vec<&str> = state.stages[0]
        .queued
        .iter()
        .map(|q| q.pipeline_execution_id.as_str())
        .collect();
    assert!(
        queued.ends_with(&[ids[1].as_str(), ids[2].as_str()]),
        "the later two wait in Source's queue, in order: {queued:?}"
    );
    let execs = block_on(p.list_executions(DEV, 5)).unwrap();
    assert!(
        execs
            .iter()
            .all(|e| e.execution_mode == Some(ExecutionMode::Queued))
    );
    sim.with(|s| s.advance(120 * MIN));
    for id in &ids {
        let s = status(&sim, DEV, id);
        assert!(
            matches!(s, ExecutionStatus::Succeeded | ExecutionStatus::Failed),
            "{id} ran to its end in turn: {s:?}"
        );
    }
    // stg supersedes: of three started together, the middle one never runs.
    let ids: Vec<String> = (0..3)
        .map(|_| block_on(p.start_execution(STG, &StartRequest::default())).unwrap())
        .collect();
    sim.with(|s| s.advance(5 * Timestamp::SECOND));
    assert_eq!(status(&sim, STG, &ids[1]), ExecutionStatus::Superseded);
    let state = block_on(p.get_pipeline_state(STG)).unwrap();
    assert!(
        state.stages.iter().all(|s| s.queued.is_empty()),
        "no queue list"
    );
}

/// The approval pending at start, approved at 17:30 in Berlin: Deploy's window is closed.
fn held_after_hours() -> (SimCloud, String) {
    let sim = cloud(5);
    sim.with(|s| {
        let evening = Timestamp::parse_rfc3339("2026-11-25T16:30:00Z").unwrap();
        s.advance_to(evening)
    });
    let id = approve(&sim);
    sim.with(|s| s.advance(MIN));
    (sim, id)
}

#[test]
fn the_deployment_window_holds_a_prd_deploy_until_it_opens() {
    let (sim, id) = held_after_hours();
    let p = sim.cloud().pipelines;
    let state = block_on(p.get_pipeline_state(PRD)).unwrap();
    let deploy = state.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert_ne!(
        deploy
            .latest
            .as_ref()
            .map(|l| l.pipeline_execution_id.as_str()),
        Some(id.as_str()),
        "it has not entered Deploy"
    );
    let before = &deploy.conditions[0];
    assert_eq!(before.kind, ConditionKind::BeforeEntry);
    assert_eq!(
        before.latest.as_ref().unwrap().status,
        ConditionStatus::InProgress
    );
    let rule = before.conditions[0].rules[0].latest.as_ref().unwrap();
    assert_eq!(before.conditions[0].rules[0].name, WINDOW_RULE);
    assert_eq!(rule.status, RuleStatus::InProgress);
    assert_eq!(
        rule.summary.as_deref(),
        Some("Outside the deployment window; it opens at Thu 09:00 Europe/Berlin")
    );
    let runs = block_on(p.list_rule_executions(PRD, Some(&id), 10)).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].provider.as_deref(), Some("DeploymentWindow"));
    assert_eq!(runs[0].status, RuleStatus::InProgress);
    assert_eq!(status(&sim, PRD, &id), ExecutionStatus::InProgress);
    // Thursday 08:59 in Berlin: still held; 09:00: it enters Deploy.
    let opens = Timestamp::parse_rfc3339("2026-11-26T08:00:00Z").unwrap();
    sim.with(|s| s.advance_to(opens - MIN));
    let latest = |sim: &SimCloud| sim.with(|s| s.pipeline_state(PRD)).unwrap();
    let held = latest(&sim);
    assert_ne!(
        held.stage_latest("Deploy")
            .map(|l| l.pipeline_execution_id.clone()),
        Some(id.clone())
    );
    sim.with(|s| s.advance_to(opens));
    let open = latest(&sim);
    let deploy = open.stage_latest("Deploy").unwrap();
    assert_eq!(deploy.pipeline_execution_id, id);
    assert_eq!(deploy.status, StageStatus::InProgress);
    let runs = block_on(p.list_rule_executions(PRD, Some(&id), 10)).unwrap();
    assert_eq!(runs[0].status, RuleStatus::Succeeded);
}

#[test]
fn an_override_lets_the_held_execution_in_and_refuses_what_aws_refuses() {
    let (sim, id) = held_after_hours();
    let p = sim.cloud().pipelines;
    let other = "0b1c9a6e-5d43-4a1f-8f0e-000000000041";
    let err =
        block_on(p.override_stage_condition(PRD, "Deploy", other, ConditionKind::BeforeEntry))
            .unwrap_err();
    assert_eq!(code(err), "NotLatestPipelineExecutionException");
    let err = block_on(p.override_stage_condition(PRD, "Deploy", &id, ConditionKind::OnSuccess))
        .unwrap_err();
    assert_eq!(
        code(err),
        "ConditionNotOverridableException",
        "nothing in progress"
    );
    let err = block_on(p.override_stage_condition(PRD, "Source", &id, ConditionKind::BeforeEntry))
        .unwrap_err();
    assert_eq!(
        code(err),
        "ConditionNotOverridableException",
        "no condition there"
    );
    let err =
        block_on(p.override_stage_condition(PRD, "Deploy", "nope", ConditionKind::BeforeEntry))
            .unwrap_err();
    assert_eq!(code(err), "ValidationException");
    let err = block_on(p.override_stage_condition(PRD, "Nope", &id, ConditionKind::BeforeEntry))
        .unwrap_err();
    assert!(matches!(err, CloudError::NotFound { kind, .. } if kind == "stage"));

    block_on(p.override_stage_condition(PRD, "Deploy", &id, ConditionKind::BeforeEntry)).unwrap();
    let state = block_on(p.get_pipeline_state(PRD)).unwrap();
    let deploy = state.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert_eq!(deploy.latest.as_ref().unwrap().pipeline_execution_id, id);
    assert_eq!(
        deploy.latest.as_ref().unwrap().status,
        StageStatus::InProgress
    );
    let before = &deploy.conditions[0];
    assert_eq!(
        before.latest.as_ref().unwrap().status,
        ConditionStatus::Overridden
    );
    let runs = block_on(p.list_rule_executions(PRD, Some(&id), 10)).unwrap();
    assert_eq!(runs[0].updated_by.as_deref(), Some(OPERATOR_ARN));
    assert_ne!(runs[0].status, RuleStatus::InProgress);
    let err = block_on(p.override_stage_condition(PRD, "Deploy", &id, ConditionKind::BeforeEntry))
        .unwrap_err();
    assert_eq!(
        code(err),
        "ConditionNotOverridableException",
        "already overridden"
    );
    assert!(
        sim.with(|s| s.changes().to_vec())
            .iter()
            .any(|c| c.operation == "OverrideStageCondition")
    );
}

#[test]
fn a_skip_condition_cannot_be_overridden() {
    let (sim, id) = held_after_hours();
    let p = sim.cloud().pipelines;
    let mut config = BTreeMap::new();
    config.insert("Cron".to_string(), "* * 9-16 ? * MON-FRI *".to_string());
    sim.with(|s| {
        s.declare_conditions(
            PRD,
            "Deploy",
            vec![ConditionDef {
                kind: ConditionKind::BeforeEntry,
                result: Some(ConditionResult::Skip),
                retry_mode: None,
                rules: vec![RuleDef {
                    name: "hours".into(),
                    provider: "DeploymentWindow".into(),
                    configuration: config,
                    region: None,
                }],
            }],
        )
    })
    .unwrap();
    let err = block_on(p.override_stage_condition(PRD, "Deploy", &id, ConditionKind::BeforeEntry))
        .unwrap_err();
    let CloudError::Rejected { code, message } = err else {
        panic!()
    };
    assert_eq!(code, "ConditionNotOverridableException");
    assert!(message.contains("result SKIP"), "{message}");
}

#[test]
fn a_degrading_release_is_rolled_back_by_the_alarm_after_deploy() {
    let sim = cloud(6);
    let p = sim.cloud().pipelines;
    // The approval pending at start goes through first.
    approve(&sim);
    sim.with(|s| s.advance(40 * MIN));
    let bad = sim
        .with(|s| s.releases())
        .into_iter()
        .find(|r| degrades(Some(r)) && r.version.pre.is_none())
        .expect("some release degrades");
    let good_before = sim.with(|s| s.deployed_release("prd"));
    let from = format!("releases/{}/release.zip", bad.version);
    block_on(sim.cloud().storage.copy_object(
        "storefront-deployer-source",
        &from,
        "storefront-deployer-source",
        "prd/release.zip",
    ))
    .unwrap();
    sim.with(|s| s.advance(MIN));
    let failed = approve(&sim);
    // Deploy (3–9 min), then the alarm goes off within the watch.
    sim.with(|s| s.advance(25 * MIN));
    let e = block_on(p.get_execution(PRD, &failed)).unwrap();
    assert_eq!(e.status, ExecutionStatus::Failed);
    assert!(
        e.status_summary.as_deref().unwrap().contains("rolled back"),
        "{:?}",
        e.status_summary
    );
    let runs = block_on(p.list_rule_executions(PRD, Some(&failed), 10)).unwrap();
    let alarm = runs.iter().find(|r| r.rule == "api-5xx").unwrap();
    assert_eq!(alarm.status, RuleStatus::Failed);
    assert_eq!(
        alarm.summary.as_deref(),
        Some("Alarm storefront-api-5xx-prd is in ALARM")
    );
    let rollback = block_on(p.list_executions(PRD, 5))
        .unwrap()
        .into_iter()
        .find(|x| x.execution_type == ExecutionType::Rollback)
        .expect("an automatic rollback");
    assert_eq!(rollback.trigger.kind, "AutomatedRollback");
    assert_eq!(rollback.trigger.detail, failed);
    let target = rollback.rollback_target.clone().unwrap();
    assert_ne!(target, failed);
    sim.with(|s| s.advance(30 * MIN));
    assert_eq!(status(&sim, PRD, &rollback.id), ExecutionStatus::Succeeded);
    assert_eq!(sim.with(|s| s.deployed_release("prd")), good_before);
}

#[test]
fn a_flaky_deploy_is_retried_once_automatically() {
    let sim = cloud(11);
    sim.with(|s| s.advance(10 * Timestamp::DAY));
    // An execution whose Deploy failed, then ran again within the same execution.
    let retried = sim.with(|s| {
        s.executions(DEV).into_iter().find_map(|e| {
            let runs: Vec<_> = s
                .action_executions(DEV, &e.id)
                .into_iter()
                .filter(|r| r.action == "Deploy")
                .collect();
            (runs.len() == 2).then_some((e, runs))
        })
    });
    let (e, runs) = retried.expect("ten days of dev have a flaky deploy");
    assert_eq!(runs[1].status, ActionStatus::Failed, "the older run failed");
    assert_ne!(e.status, ExecutionStatus::Superseded);
    assert!(
        sim.with(|s| s.changes().to_vec())
            .iter()
            .all(|c| c.operation != "RetryStageExecution"),
        "no call retried it"
    );
}

#[test]
fn variables_resolve_per_execution_and_starts_can_name_an_exact_version() {
    let sim = cloud(7);
    let p = sim.cloud().pipelines;
    // A release manager's start names the release; a source event cannot.
    let prd = block_on(p.list_executions(PRD, 1)).unwrap().remove(0);
    let prd = block_on(p.get_execution(PRD, &prd.id)).unwrap();
    let release = prd.release().unwrap();
    assert_eq!(
        prd.variables,
        [
            ResolvedVariable::new("release_version", release.version.to_string()),
            ResolvedVariable::new("commit", release.commit.clone()),
        ]
    );
    let listed = block_on(p.list_executions(DEV, 1)).unwrap().remove(0);
    assert!(listed.variables.is_empty(), "listings carry none");
    let mut vars = BTreeMap::new();
    vars.insert("release_version".to_string(), "9.9.9".to_string());
    let req = StartRequest {
        variables: vars.clone(),
        ..StartRequest::default()
    };
    let id = block_on(p.start_execution(DEV, &req)).unwrap();
    let e = block_on(p.get_execution(DEV, &id)).unwrap();
    assert_eq!(
        e.variables,
        [
            ResolvedVariable::new("release_version", "9.9.9".to_string()),
            ResolvedVariable::new("commit", "none".to_string()),
        ],
        "the default for what was not passed"
    );
    vars.insert("colour".into(), "blue".into());
    let err = block_on(p.start_execution(
        DEV,
        &StartRequest {
            variables: vars,
            ..StartRequest::default()
        },
    ))
    .unwrap_err();
    assert_eq!(code(err), "ValidationException");

    // An exact S3 object version: the execution fetches that version, not the newest.
    let first = sim.with(|s| s.executions(DEV)).last().cloned().unwrap();
    let old = first.source_revisions[0].revision_id.clone();
    let mut pinned = BTreeMap::new();
    pinned.insert("Source".to_string(), old.clone());
    let id = block_on(p.start_execution(
        DEV,
        &StartRequest {
            source_revisions: pinned.clone(),
            ..StartRequest::default()
        },
    ))
    .unwrap();
    let e = block_on(p.get_execution(DEV, &id)).unwrap();
    assert_eq!(e.source_revisions[0].revision_id, old);
    assert_eq!(e.release(), first.release());
    let mut wrong = BTreeMap::new();
    wrong.insert("Fetch".to_string(), old);
    let err = block_on(p.start_execution(
        DEV,
        &StartRequest {
            source_revisions: wrong,
            ..StartRequest::default()
        },
    ))
    .unwrap_err();
    assert_eq!(code(err), "ValidationException");
}

/// When the Deploy action of execution `id` succeeded in `pipeline` (the deploy reached it).
fn deployed_at(sim: &SimCloud, pipeline: &str, id: &str) -> Timestamp {
    sim.with(|s| s.action_executions(pipeline, id))
        .into_iter()
        .find(|r| r.action == "Deploy" && r.status == ActionStatus::Succeeded)
        .map(|r| r.last_update)
        .expect("its Deploy action succeeded")
}

/// prd's access-log records between `from` and `to`, read from the logs bucket: (requests, 5xx,
/// origin requests, their summed time taken in ms, cache lookups, hits).
fn prd_logs(sim: &SimCloud, from: Timestamp, to: Timestamp) -> [u64; 6] {
    use shipdeck::accesslog::LogFields;
    let batch = prd_records(sim, from, to);
    let mut n = [0u64; 6];
    for r in batch.records.iter() {
        let t = r.timestamp_ms();
        if t < from.millis() || t >= to.millis() {
            continue;
        }
        let result = r.result_type();
        let hit = result == "Hit" || result == "RefreshHit";
        n[0] += 1;
        n[1] += u64::from(r.status() >= 500 && r.status() < 600);
        if result == "Miss" {
            n[2] += 1;
            n[3] += u64::from(r.time_taken_opt().unwrap_or(0));
        }
        n[4] += u64::from(hit || result == "Miss");
        n[5] += u64::from(hit);
    }
    n
}

/// prd's access-log objects of the hours from `from` to `to`, parsed as the Traffic view does.
fn prd_records(sim: &SimCloud, from: Timestamp, to: Timestamp) -> shipdeck::app::TrafficBatch {
    let s3 = sim.cloud().storage;
    let bucket = "storefront-cloudfront-logs";
    let mut bodies = Vec::new();
    let mut token = None;
    loop {
        let page =
            block_on(s3.list_objects(bucket, "cloudfront/prd/", None, token.as_deref(), 1000))
                .unwrap();
        for o in page.objects {
            let hour = |t: Timestamp| t.rfc3339()[..13].replace('T', "-");
            let mut h = Timestamp(from.millis() - from.millis() % Timestamp::HOUR);
            while h < to {
                if o.key.contains(&format!(".{}.", hour(h))) {
                    bodies.push((o.key.clone(), block_on(s3.get_object(bucket, &o.key))));
                }
                h = h + Timestamp::HOUR;
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    shipdeck::runtime::parse_objects(bucket, bodies)
}

#[test]
fn a_degrading_release_raises_prd_5xx_in_its_access_logs_until_rolled_back() {
    // Full-scale traffic (about 3 requests a second in prd then), so that the windows hold
    // enough.
    let config = SimConfig {
        traffic_scale: 1.0,
        ..super::config(9)
    };
    let sim = SimCloud::new(Simulator::new(config, &super::specs()));
    let healthy = approve(&sim);
    sim.with(|s| s.advance(40 * MIN));
    let bad = sim
        .with(|s| s.releases())
        .into_iter()
        .find(|r| degrades(Some(r)) && r.version.pre.is_none())
        .expect("some release degrades");
    let from = format!("releases/{}/release.zip", bad.version);
    block_on(sim.cloud().storage.copy_object(
        "storefront-deployer-source",
        &from,
        "storefront-deployer-source",
        "prd/release.zip",
    ))
    .unwrap();
    sim.with(|s| s.advance(MIN));
    let failed = approve(&sim);
    sim.with(|s| s.advance(55 * MIN));
    let rollback = block_on(sim.cloud().pipelines.list_executions(PRD, 5))
        .unwrap()
        .into_iter()
        .find(|x| x.execution_type == ExecutionType::Rollback)
        .expect("an automatic rollback");
    let hurt = deployed_at(&sim, PRD, &failed);
    let healed = deployed_at(&sim, PRD, &rollback.id);
    // Every file of the hours around is delivered (a few minutes late; late ones within 8 h).
    sim.with(|s| s.advance(9 * Timestamp::HOUR));
    let span = healed.since(hurt);
    let before = prd_logs(&sim, hurt - span, hurt);
    let during = prd_logs(&sim, hurt, healed);
    let after = prd_logs(&sim, healed + 15 * MIN, healed + 15 * MIN + span);
    // This release fails 5 % more origin requests and is 2.5× as slow at the origin.
    let harm = shipdeck::cloud::sim::cloudfront::harm(Some(&bad));
    assert_eq!((harm.error_boost, harm.latency_boost), (0.05, 1.5));
    assert_eq!(span / MIN, 15);
    // [requests, 5xx, origin requests, their time taken (ms), cache lookups, hits]
    assert_eq!(before, [2745, 2, 929, 117217, 2515, 1586]);
    assert_eq!(during, [2675, 87, 1359, 314297, 2363, 1004]);
    assert_eq!(after, [2252, 0, 708, 81409, 2042, 1334]);
    // The 5xx rate rose 40-fold while it ran and fell back once rolled back; the origin was
    // slower by half at least.
    assert!(during[1] * before[0] > 30 * before[1] * during[0]);
    assert!(2 * (during[3] / during[2]) > 3 * (before[3] / before[2]));
    // The release health numbers count exactly what the bucket holds, and judge it worse; the
    // rollback that replaced it, better.
    let records = prd_records(
        &sim,
        hurt - 2 * Timestamp::HOUR,
        healed + 2 * Timestamp::HOUR,
    );
    let i = Impact::measure(records.records.iter(), hurt, healed, None);
    let counted = prd_logs(&sim, hurt - IMPACT_WINDOW, hurt);
    assert_eq!((i.before.requests, i.before.s5xx), (counted[0], counted[1]));
    assert_eq!((i.after.requests, i.after.s5xx), (during[0], during[1]));
    assert_eq!(
        (i.before.cache_lookups, i.before.cache_hits),
        (counted[4], counted[5])
    );
    assert_eq!(i.verdict, Verdict::Worse, "{:?}", i.reasons);
    assert!(i.reasons[0].starts_with("5xx 0."), "{:?}", i.reasons);
    let end = healed + IMPACT_WINDOW;
    // The rollback's before-window is the bad release's time, from its deploy on.
    let back = Impact::measure(records.records.iter(), healed, end, Some(hurt));
    assert_eq!(back.before.from, hurt);
    let counted = prd_logs(&sim, healed, end);
    assert_eq!(
        (back.after.requests, back.after.s5xx),
        (counted[0], counted[1])
    );
    assert_eq!(back.verdict, Verdict::Better, "{:?}", back.reasons);
    // The healthy release deployed before it changed nothing beyond the noise rule.
    let good = deployed_at(&sim, PRD, &healthy);
    let records = prd_records(&sim, good - Timestamp::HOUR, good + Timestamp::HOUR);
    let fine = Impact::measure(records.records.iter(), good, good + IMPACT_WINDOW, None);
    assert_eq!(fine.verdict, Verdict::NoChange, "{:?}", fine.reasons);
}
