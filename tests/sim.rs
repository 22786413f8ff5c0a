//! End-to-end tests of the embedded simulator through its truth accessors and its ports.

use flate2::read::GzDecoder;
use futures::executor::block_on;
use shipdeck::accesslog::FIELDS;
use shipdeck::cloud::sim::{FaultRates, SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{
    ApprovalAnswer, ApprovalOutcome, CloudError, LogQuery, RetryMode, StartRequest,
};
use shipdeck::domain::{
    APPROVAL_TIMEOUT, ActionStatus, EnvSpec, ExecutionStatus, StageStatus, Timestamp,
};
use std::io::Read;

const MIN: i64 = Timestamp::MINUTE;

#[path = "sim/changes.rs"]
mod changes;
#[path = "sim/livetail.rs"]
mod livetail;
#[path = "sim/lost_reply.rs"]
mod lost_reply;
#[path = "sim/rollback.rs"]
mod rollback;

/// The example storefront environments, spelled out as a config would give them.
fn specs() -> Vec<EnvSpec> {
    let env = |name: &str, protected: bool, from: Option<&str>, site: &str| EnvSpec {
        name: name.into(),
        protected,
        read_only: false,
        pipeline: format!("storefront-deployer-{name}"),
        source_bucket: "storefront-deployer-source".into(),
        source_key: format!("{name}/release.zip"),
        release_prefix: "releases/".into(),
        distribution_id: format!("E2{}STOREFRNT", name.to_uppercase()),
        logs_bucket: "storefront-cloudfront-logs".into(),
        logs_prefix: format!("cloudfront/{name}/"),
        log_groups: vec![
            format!("/aws/lambda/storefront-api-{name}"),
            format!("/aws/codebuild/storefront-deploy-{name}"),
        ],
        site_url: Some(format!("https://{site}.storefront.example.com")),
        api_url: Some(format!("https://api.{name}.storefront.example.com")),
        promotes_from: from.map(str::to_string),
    };
    vec![
        env("dev", false, None, "dev"),
        env("stg", false, Some("dev"), "stg"),
        env("prd", true, Some("stg"), "www"),
    ]
}

fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        traffic_scale: 0.05,
        ..SimConfig::default()
    }
}

fn world(seed: u64) -> Simulator {
    Simulator::new(config(seed), &specs())
}

#[test]
fn demo_specs_match_the_example_config() {
    let demo = demo_specs();
    let mine = specs();
    for (a, b) in demo.iter().zip(&mine) {
        assert_eq!(a.pipeline, b.pipeline);
        assert_eq!(a.distribution_id, b.distribution_id);
        assert_eq!(a.log_groups, b.log_groups);
        assert_eq!(a.promotes_from, b.promotes_from);
    }
    assert_eq!(
        demo[2].site_url.as_deref(),
        Some("https://www.storefront.example.com")
    );
    assert_eq!(
        demo[2].api_url.as_deref(),
        Some("https://api.storefront.example.com")
    );
}

#[test]
fn same_seed_gives_the_same_world() {
    let (mut a, mut b) = (world(7), world(7));
    a.advance(600 * MIN);
    b.advance(600 * MIN);
    for name in ["storefront-deployer-dev", "storefront-deployer-prd"] {
        assert_eq!(a.executions(name), b.executions(name));
        assert_eq!(a.pipeline_state(name), b.pipeline_state(name));
    }
    assert_eq!(a.releases(), b.releases());
    assert_eq!(a.pending_approvals(), b.pending_approvals());
    let c = world(8);
    assert_ne!(c.releases(), world(7).releases());
}

#[test]
fn the_demo_is_in_motion_at_start() {
    let sim = Simulator::new(
        SimConfig {
            traffic_scale: 0.05,
            ..SimConfig::default()
        },
        &specs(),
    );
    assert_eq!(sim.now().rfc3339(), "2026-11-25T09:00:00Z");
    let dev = sim.executions("storefront-deployer-dev");
    assert!(dev.len() > 20, "two weeks of history: {}", dev.len());
    assert_eq!(dev[0].status, ExecutionStatus::InProgress);
    let approvals = sim.pending_approvals();
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert_eq!(approvals[0].environment, "prd");
    assert!(approvals[0].token.is_some());
    assert!(approvals[0].release.is_some());
    let prd = sim.deployed_release("prd").map(|r| r.version);
    let stg = sim.deployed_release("stg").map(|r| r.version);
    assert!(prd.is_some() && prd < stg, "prd {prd:?} stg {stg:?}");
    assert!(sim.releases().len() > 10);
}

fn cloud(seed: u64) -> SimCloud {
    SimCloud::new(world(seed))
}

fn code(err: CloudError) -> String {
    match err {
        CloudError::Rejected { code, .. } => code,
        other => format!("{other:?}"),
    }
}

const DEV: &str = "storefront-deployer-dev";
const PRD: &str = "storefront-deployer-prd";

#[test]
fn every_seed_starts_in_motion() {
    for seed in 20..26 {
        let sim = world(seed);
        let dev = sim.executions(DEV);
        assert_eq!(dev[0].status, ExecutionStatus::InProgress, "seed {seed}");
        assert_eq!(dev[0].trigger.kind, "CloudWatchEvent");
        let approvals = sim.pending_approvals();
        assert_eq!(approvals.len(), 1, "seed {seed}");
        assert!(approvals[0].triggered_by.as_deref().is_some());
        let prd = sim.deployed_release("prd").map(|r| r.version);
        assert!(
            prd < sim.deployed_release("stg").map(|r| r.version),
            "seed {seed}"
        );
    }
}

#[test]
fn executions_progress_through_stages_over_time() {
    let mut sim = world(3);
    sim.advance(30 * MIN);
    let handle = SimCloud::new(sim);
    let p = handle.cloud().pipelines;
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..240 {
        let (state, active) = handle.with(|s| {
            let active = s
                .executions(DEV)
                .iter()
                .any(|e| e.id == id && e.status.is_active());
            (s.pipeline_state(DEV).unwrap(), active)
        });
        let current = state.stages.iter().find(|s| {
            s.latest.as_ref().is_some_and(|l| {
                l.pipeline_execution_id == id && l.status == StageStatus::InProgress
            })
        });
        if let Some(stage) = current
            && seen.last() != Some(&stage.name)
        {
            seen.push(stage.name.clone());
        }
        if !active {
            break;
        }
        handle.with(|s| s.advance(5_000));
    }
    let exec = block_on(p.get_execution(DEV, &id)).unwrap();
    assert!(
        !exec.status.is_active(),
        "finished within 20 minutes: {exec:?}"
    );
    assert_eq!(exec.status, ExecutionStatus::Succeeded, "seed 3 runs clean");
    assert_eq!(seen, ["Source", "Deploy", "Verify"]);
    assert!(exec.last_update.since(exec.start) > 4 * MIN);
    let runs = block_on(p.list_action_executions(DEV, &id)).unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0].action, "SmokeTest", "newest first");
    let deploy = runs.iter().find(|r| r.action == "Deploy").unwrap();
    assert!(
        deploy
            .external_execution_url
            .as_deref()
            .unwrap()
            .contains("codebuild")
    );
    let arn = deploy.log_stream_arn.as_deref().unwrap();
    assert!(arn.contains("/aws/codebuild/storefront-deploy-dev"));
    assert!(deploy.last_update > deploy.start);
    let stream = arn.rsplit(':').next().unwrap().to_string();
    let query = LogQuery {
        group: "/aws/codebuild/storefront-deploy-dev".into(),
        ..LogQuery::default()
    };
    let lines = block_on(handle.cloud().logs.filter_log_events(&query)).unwrap();
    let build: Vec<_> = lines.events.iter().filter(|e| e.stream == stream).collect();
    assert!(
        build
            .iter()
            .any(|e| e.message.contains("Phase complete: BUILD State: SUCCEEDED"))
    );
}

#[test]
fn a_long_run_has_failures_and_supersessions() {
    let mut sim = world(11);
    sim.advance(10 * Timestamp::DAY);
    let all: Vec<_> = ["storefront-deployer-dev", "storefront-deployer-stg", PRD]
        .iter()
        .flat_map(|p| sim.executions(p))
        .collect();
    let count = |s| all.iter().filter(|e| e.status == s).count();
    assert!(count(ExecutionStatus::Succeeded) > 50);
    assert!(
        count(ExecutionStatus::Failed) >= 3,
        "failed {}",
        count(ExecutionStatus::Failed)
    );
    assert!(count(ExecutionStatus::Superseded) >= 1);
    let build_failure = all.iter().find(|e| {
        e.status_summary
            .as_deref()
            .is_some_and(|s| s.starts_with("Build failed: COMMAND_EXECUTION_ERROR"))
    });
    assert!(build_failure.is_some());
    let mut versions: Vec<_> = sim.releases().into_iter().map(|r| r.version).collect();
    assert!(
        versions.windows(2).all(|w| w[0] > w[1]),
        "newest first, strictly increasing"
    );
    versions.dedup();
}

#[test]
fn approvals_wait_then_expire_after_seven_days() {
    let mut sim = world(5);
    let a = sim.pending_approvals().remove(0);
    sim.advance_to(a.expires_at() - MIN);
    let still = sim.pending_approvals();
    assert!(
        still
            .iter()
            .any(|p| p.execution_id == a.execution_id && p.token == a.token)
    );
    sim.advance_to(a.expires_at() + MIN);
    let exec = sim
        .executions(PRD)
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert_eq!(exec.status, ExecutionStatus::Failed);
    assert_eq!(exec.status_summary.as_deref(), Some("Approval expired"));
    let run = sim
        .action_executions(PRD, &a.execution_id)
        .into_iter()
        .find(|r| r.action == "ApproveRelease")
        .unwrap();
    assert_eq!(run.status, ActionStatus::Failed);
    assert_eq!(run.summary.as_deref(), Some("Approval expired"));
    assert_eq!(a.expires_at(), a.waiting_since + APPROVAL_TIMEOUT);
}

#[test]
fn put_approval_result_checks_tokens_and_continues() {
    let sim = cloud(5);
    let ports = sim.cloud();
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let mut answer = ApprovalAnswer {
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: "not-the-token".into(),
        outcome: ApprovalOutcome::Approved,
        summary: "Dashboards are green".into(),
    };
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert_eq!(code(err), "InvalidApprovalTokenException");
    answer.token = a.token.clone().unwrap();
    let at = block_on(ports.pipelines.put_approval_result(&answer)).unwrap();
    assert_eq!(at, sim.with(|s| s.now()));
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert_eq!(code(err), "ApprovalAlreadyCompletedException");
    let state = sim.with(|s| s.pipeline_state(PRD)).unwrap();
    let approval = state.stages.iter().find(|s| s.name == "Approval").unwrap();
    let latest = approval.actions[0].latest.clone().unwrap();
    assert_eq!(latest.status, ActionStatus::Succeeded);
    assert_eq!(latest.summary.as_deref(), Some("Dashboards are green"));
    assert!(latest.last_updated_by.unwrap().ends_with("/demo-operator"));
    let current = state.current_stage().unwrap();
    assert_eq!(current.name, "Deploy");
    assert_eq!(
        current.latest.as_ref().unwrap().pipeline_execution_id,
        a.execution_id
    );
    sim.with(|s| s.advance(20 * MIN));
    let exec = sim
        .with(|s| s.executions(PRD))
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert!(!exec.status.is_active());
    answer.pipeline = "nope".into();
    let err = block_on(ports.pipelines.put_approval_result(&answer)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { .. }));
}

#[test]
fn rejecting_an_approval_fails_the_execution() {
    let sim = cloud(5);
    let a = sim.with(|s| s.pending_approvals().remove(0));
    let answer = ApprovalAnswer {
        pipeline: a.pipeline,
        stage: a.stage,
        action: a.action,
        token: a.token.unwrap(),
        outcome: ApprovalOutcome::Rejected,
        summary: "Not during the sale".into(),
    };
    block_on(sim.cloud().pipelines.put_approval_result(&answer)).unwrap();
    let exec = sim
        .with(|s| s.executions(PRD))
        .into_iter()
        .find(|e| e.id == a.execution_id)
        .unwrap();
    assert_eq!(exec.status, ExecutionStatus::Failed);
    assert_eq!(exec.status_summary.as_deref(), Some("Not during the sale"));
    assert!(sim.with(|s| s.pending_approvals()).is_empty());
}

#[test]
fn start_execution_is_idempotent_per_client_token() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    let before = sim.with(|s| s.executions(DEV).len());
    let req = StartRequest {
        client_request_token: Some("deploy-42".into()),
        ..StartRequest::default()
    };
    let a = block_on(p.start_execution(DEV, &req)).unwrap();
    let b = block_on(p.start_execution(DEV, &req)).unwrap();
    assert_eq!(a, b);
    let execs = sim.with(|s| s.executions(DEV));
    assert_eq!(execs.len(), before + 1);
    assert_eq!(execs[0].id, a);
    assert_eq!(execs[0].trigger.kind, "StartPipelineExecution");
    assert_eq!(execs[0].trigger.actor(), "demo-operator");
    assert!(
        execs[0].release().is_some(),
        "the source object's summary names the release"
    );
    let long = StartRequest {
        client_request_token: Some("x".repeat(129)),
        ..StartRequest::default()
    };
    assert_eq!(
        code(block_on(p.start_execution(DEV, &long)).unwrap_err()),
        "ValidationException"
    );
    let err = block_on(p.start_execution("missing", &req)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { kind, .. } if kind == "pipeline"));
}

#[test]
fn stop_and_retry_follow_the_api_rules() {
    let sim = cloud(9);
    let p = sim.cloud().pipelines;
    let old = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(30 * MIN));
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    block_on(p.stop_execution(DEV, &id, false, "wrong build")).unwrap();
    let status = |id: &str| {
        sim.with(|s| s.executions(DEV))
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    };
    assert_eq!(status(&id).status, ExecutionStatus::Stopping);
    let dup = block_on(p.stop_execution(DEV, &id, false, "again")).unwrap_err();
    assert_eq!(code(dup), "DuplicatedStopRequestException");
    sim.with(|s| s.advance(MIN));
    let stopped = status(&id);
    assert_eq!(stopped.status, ExecutionStatus::Stopped);
    assert_eq!(stopped.status_summary.as_deref(), Some("wrong build"));
    let again = block_on(p.stop_execution(DEV, &id, true, "")).unwrap_err();
    assert_eq!(code(again), "PipelineExecutionNotStoppableException");
    let not_retryable =
        block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_retryable), "StageNotRetryableException");
    let not_latest =
        block_on(p.retry_stage(DEV, "Source", &old, RetryMode::FailedActions)).unwrap_err();
    assert_eq!(code(not_latest), "NotLatestPipelineExecutionException");
    // Abandon one in Deploy, then retry that stage: it runs again and finishes.
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(MIN));
    block_on(p.stop_execution(DEV, &id, true, "hold on")).unwrap();
    assert_eq!(status(&id).status, ExecutionStatus::Stopped);
    let retried = block_on(p.retry_stage(DEV, "Deploy", &id, RetryMode::AllActions)).unwrap();
    assert_eq!(retried, id);
    assert_eq!(status(&id).status, ExecutionStatus::InProgress);
    sim.with(|s| s.advance(15 * MIN));
    assert!(!status(&id).status.is_active());
    let deploys = sim
        .with(|s| s.action_executions(DEV, &id))
        .into_iter()
        .filter(|r| r.action == "Deploy")
        .count();
    assert_eq!(deploys, 2);
    let missing = block_on(p.stop_execution(DEV, "no-such-id", true, "")).unwrap_err();
    assert!(matches!(missing, CloudError::NotFound { .. }));
}

#[test]
fn list_objects_pages_in_key_order() {
    let sim = cloud(2);
    let s3 = sim.cloud().storage;
    let bucket = "storefront-cloudfront-logs";
    let prefix = "cloudfront/stg/E2STGSTOREFRNT.2026-11-24-";
    let all = block_on(s3.list_objects(bucket, prefix, None, None, 1000)).unwrap();
    assert!(all.next_token.is_none());
    assert!(all.objects.len() > 20);
    let keys: Vec<String> = all.objects.iter().map(|o| o.key.clone()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert!(
        keys.iter()
            .all(|k| k.starts_with(prefix) && k.ends_with(".gz"))
    );
    let whole = block_on(s3.list_objects(bucket, "cloudfront/stg/", None, None, 5000)).unwrap();
    assert_eq!(whole.objects.len(), 1000, "at most 1000 keys a page");
    assert!(whole.next_token.is_some());
    let mut paged = Vec::new();
    let mut token = None;
    loop {
        let page = block_on(s3.list_objects(bucket, prefix, None, token.as_deref(), 7)).unwrap();
        assert!(page.objects.len() <= 7);
        paged.extend(page.objects.into_iter().map(|o| o.key));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, keys);
    let after = block_on(s3.list_objects(bucket, prefix, Some(&keys[3]), None, 2)).unwrap();
    assert_eq!(after.objects[0].key, keys[4]);
    assert!(after.next_token.is_some());
    let missing = block_on(s3.list_objects("nope", "", None, None, 10)).unwrap_err();
    assert!(matches!(missing, CloudError::NotFound { .. }));
    let releases =
        block_on(s3.list_objects("storefront-deployer-source", "releases/", None, None, 1000))
            .unwrap();
    assert_eq!(releases.objects.len(), sim.with(|s| s.releases().len()));
    let head = block_on(s3.head_object("storefront-deployer-source", "prd/release.zip")).unwrap();
    assert!(head.version_id.is_some());
    let summary = &head.metadata["codepipeline-artifact-revision-summary"];
    assert!(summary.starts_with("Release 1."), "{summary}");
}

#[test]
fn log_files_appear_after_delivery_as_gzipped_w3c() {
    let sim = cloud(4);
    let s3 = sim.cloud().storage;
    let bucket = "storefront-cloudfront-logs";
    let list = |s3: &std::sync::Arc<dyn shipdeck::cloud::Storage>| {
        let prefix = "cloudfront/prd/E2PRDSTOREFRNT.2026-11-25-";
        block_on(s3.list_objects(bucket, prefix, None, None, 1000))
            .unwrap()
            .objects
    };
    let t0 = sim.with(|s| s.now());
    let before = list(&s3);
    assert!(before.iter().all(|o| o.last_modified <= t0));
    sim.with(|s| s.advance(30 * MIN));
    let t1 = sim.with(|s| s.now());
    let after = list(&s3);
    let fresh: Vec<_> = after
        .iter()
        .filter(|o| !before.iter().any(|b| b.key == o.key))
        .collect();
    assert!(!fresh.is_empty());
    assert!(
        fresh
            .iter()
            .all(|o| o.last_modified > t0 && o.last_modified <= t1)
    );
    let newest = fresh.iter().max_by_key(|o| o.last_modified).unwrap();
    let gz = block_on(s3.get_object(bucket, &newest.key)).unwrap();
    let mut text = String::new();
    GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("#Version: 1.0"));
    let fields: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches("#Fields: ")
        .split(' ')
        .collect();
    assert_eq!(fields, FIELDS.to_vec());
    let hour = &newest.key["cloudfront/prd/E2PRDSTOREFRNT.".len()..][..13]; // YYYY-MM-DD-HH
    let mut n = 0;
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 33, "{line}");
        assert_eq!(format!("{}-{}", cols[0], &cols[1][..2]), hour);
        assert!(cols[6].ends_with(".cloudfront.net"));
        assert!(cols[8].parse::<u16>().is_ok());
        assert!(!cols[10].contains(' '));
        n += 1;
    }
    assert!(n > 0);
    let listed = list(&s3).into_iter().find(|o| o.key == newest.key).unwrap();
    assert_eq!(listed.size, gz.len() as u64, "size is exact once read");
}

#[test]
fn faults_are_injected_at_the_configured_rates() {
    let sim = cloud(6);
    let rates = FaultRates {
        throttle: 0.1,
        timeout: 0.05,
        server_error: 0.05,
        expired_credentials: 0.02,
        ..FaultRates::none()
    };
    sim.with(|s| s.set_faults(rates));
    let id = sim.cloud().identity;
    let n: u32 = 5000;
    let mut seen = [0u32; 4];
    for _ in 0..n {
        match block_on(id.caller_identity()) {
            Ok(who) => assert_eq!(who.name(), "demo-operator"),
            Err(CloudError::Throttled { .. }) => seen[0] += 1,
            Err(CloudError::Timeout { .. }) => seen[1] += 1,
            Err(CloudError::Server { .. }) => seen[2] += 1,
            Err(CloudError::ExpiredCredentials { hint }) => {
                assert_eq!(hint, "aws sso login --profile demo");
                seen[3] += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    for (count, p) in seen.iter().zip([0.1, 0.05, 0.05, 0.02]) {
        let rate = f64::from(*count) / f64::from(n);
        assert!((rate - p).abs() < p * 0.3, "rate {rate} for p {p}");
    }
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.calls["GetCallerIdentity"], u64::from(n));
    assert_eq!(stats.faults["throttle"], u64::from(seen[0]));
    assert_eq!(
        stats.total_faults(),
        seen.iter().map(|c| u64::from(*c)).sum::<u64>()
    );
    sim.with(|s| s.set_faults(FaultRates::none()));
    assert!(block_on(id.caller_identity()).is_ok());
}

#[test]
fn cloudwatch_has_build_and_api_logs() {
    let sim = cloud(8);
    let logs = sim.cloud().logs;
    let groups = block_on(logs.describe_log_groups("/aws/lambda/")).unwrap();
    assert_eq!(groups.len(), 3);
    let now = sim.with(|s| s.now());
    let query = LogQuery {
        group: "/aws/codebuild/storefront-deploy-stg".into(),
        pattern: Some("\"Phase complete: BUILD\"".into()),
        ..LogQuery::default()
    };
    let page = block_on(logs.filter_log_events(&query)).unwrap();
    assert!(page.events.len() > 5);
    assert!(
        page.events
            .iter()
            .all(|e| e.message.contains("Phase complete: BUILD") && e.timestamp <= now)
    );
    assert!(
        page.events
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
    );
    let failed = LogQuery {
        pattern: Some("COMMAND_EXECUTION_ERROR".into()),
        ..query.clone()
    };
    let _ = block_on(logs.filter_log_events(&failed)).unwrap();
    let api = LogQuery {
        group: "/aws/lambda/storefront-api-prd".into(),
        start: Some(now - 30 * MIN),
        limit: Some(25),
        ..LogQuery::default()
    };
    let first = block_on(logs.filter_log_events(&api)).unwrap();
    assert_eq!(first.events.len(), 25);
    assert!(
        first
            .events
            .iter()
            .any(|e| e.message.starts_with("START RequestId:") || e.message.starts_with("REPORT"))
    );
    let next = LogQuery {
        next_token: first.next_token.clone(),
        ..api.clone()
    };
    let second = block_on(logs.filter_log_events(&next)).unwrap();
    assert!(
        second
            .events
            .iter()
            .all(|e| !first.events.iter().any(|f| f.event_id == e.event_id))
    );
    assert!(second.events[0].timestamp >= first.events[24].timestamp);
    let missing = LogQuery {
        group: "/aws/none".into(),
        ..LogQuery::default()
    };
    assert!(matches!(
        block_on(logs.filter_log_events(&missing)),
        Err(CloudError::NotFound { .. })
    ));
}

#[test]
fn distributions_mirror_the_environments() {
    let sim = cloud(1);
    let cdn = sim.cloud().cdn;
    let d = block_on(cdn.get_distribution("E2PRDSTOREFRNT")).unwrap();
    assert_eq!(d.aliases, vec!["www.storefront.example.com".to_string()]);
    assert_eq!(d.status, "Deployed");
    assert!(d.enabled && d.domain_name.ends_with(".cloudfront.net"));
    assert_eq!(
        d.logging_bucket.as_deref(),
        Some("storefront-cloudfront-logs.s3.amazonaws.com")
    );
    assert_eq!(d.logging_prefix.as_deref(), Some("cloudfront/prd/"));
    assert_eq!(block_on(cdn.list_distributions()).unwrap().len(), 3);
    assert!(block_on(cdn.get_distribution("E404")).is_err());
}

#[test]
fn a_poisoned_lock_does_not_panic_the_ports() {
    let sim = cloud(1);
    let clone = sim.clone();
    let crashed = std::thread::spawn(move || clone.with(|_| panic!("boom"))).join();
    assert!(crashed.is_err());
    assert!(block_on(sim.cloud().identity.caller_identity()).is_ok());
}

#[test]
fn ten_thousand_minutes_at_small_scale() {
    let mut sim = Simulator::new(
        SimConfig {
            traffic_scale: 0.01,
            ..config(12)
        },
        &specs(),
    );
    let releases = sim.releases().len();
    let started = std::time::Instant::now();
    sim.advance(10_000 * MIN);
    eprintln!("10,000 simulated minutes in {:?}", started.elapsed());
    assert!(sim.releases().len() > releases);
    assert_eq!(sim.now(), SimConfig::default().start + 10_000 * MIN);
    assert!(sim.scheduled_events() < 100, "the agenda stays small");
}
