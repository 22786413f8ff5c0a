//! End-to-end tests of the embedded simulator through its truth accessors and its ports.

use flate2::read::GzDecoder;
use futures::executor::block_on;
use shipdeck::accesslog::FIELDS;
use shipdeck::cloud::sim::{FaultRates, SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{
    ApprovalAnswer, ApprovalOutcome, CloudError, LogQuery, RetryMode, StartRequest,
};
use shipdeck::domain::{
    ActionStatus, DEFAULT_APPROVAL_TIMEOUT, EnvSpec, ExecutionStatus, StageStatus, Timestamp,
};
use std::io::Read;

const MIN: i64 = Timestamp::MINUTE;

mod access;
mod api_rules;
mod changes;
mod cloudfront;
mod data;
mod livetail;
mod lost_reply;
mod rollback;
mod v2;

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
        logs_bucket: Some("storefront-cloudfront-logs".into()),
        logs_prefix: format!("cloudfront/{name}/"),
        log_groups: vec![
            format!("/aws/lambda/storefront-api-{name}"),
            format!("/aws/codebuild/storefront-deploy-{name}"),
        ],
        build_log_group: None,
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
    // As CodePipeline answers for a CodeBuild action: its build id, no log stream ARN (that is
    // documented for Commands actions); the build logs to its project's group, stream = build.
    assert_eq!(deploy.log_stream_arn, None);
    let build = deploy.external_execution_id.as_deref().unwrap();
    let (project, stream) = build.split_once(':').unwrap();
    assert_eq!(project, "storefront-deployer-dev-deploy");
    assert!(deploy.last_update > deploy.start);
    let stream = stream.to_string();
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

/// A CodeBuild action's console link names the account its environment lives in (prd's own,
/// not the demo's).
#[test]
fn a_build_link_names_the_account_of_its_environment() {
    let mut cfg = config(3);
    cfg.accounts.insert("prd".into(), "222222222222".into());
    let sim = Simulator::new(cfg, &specs());
    let handle = SimCloud::new(sim);
    let p = handle.cloud().pipelines;
    let links = |pipeline: &str| -> Vec<String> {
        let ids: Vec<String> = handle.with(|s| {
            s.executions(pipeline)
                .iter()
                .map(|e| e.id.clone())
                .collect()
        });
        ids.iter()
            .flat_map(|id| block_on(p.list_action_executions(pipeline, id)).unwrap())
            .filter(|r| r.action == "Deploy")
            .filter_map(|r| r.external_execution_url)
            .collect()
    };
    let prd = links(PRD);
    assert!(!prd.is_empty(), "prd's history has deploys");
    for url in &prd {
        assert!(url.contains("/codebuild/222222222222/projects/"), "{url}");
    }
    let dev = links(DEV);
    assert!(!dev.is_empty(), "dev's history has deploys");
    for url in &dev {
        assert!(url.contains("/codebuild/123456789012/projects/"), "{url}");
    }
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
