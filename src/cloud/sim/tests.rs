//! Unit tests of the pipeline mechanics, buckets and log store.

use super::s3::buckets::{Buckets, Object};
use super::*;
use crate::cloud::{LogQuery, StartRequest};
use crate::domain::{ExecutionStatus, StageStatus, Timestamp};
use std::collections::BTreeMap;

const DEV: &str = "storefront-deployer-dev";
/// stg runs SUPERSEDED (dev QUEUED).
const STG: &str = "storefront-deployer-stg";

/// A world with no history: nothing runs until the tests start it.
fn quiet() -> Simulator {
    let config = SimConfig {
        history_days: 0,
        traffic_scale: 0.01,
        ..SimConfig::default()
    };
    Simulator::new(config, &demo_specs())
}

fn status(sim: &Simulator, id: &str) -> ExecutionStatus {
    status_in(sim, DEV, id)
}

fn status_in(sim: &Simulator, pipeline: &str, id: &str) -> ExecutionStatus {
    let execs = sim.executions(pipeline);
    execs
        .iter()
        .find(|e| e.id == id)
        .map_or(ExecutionStatus::Cancelled, |e| e.status)
}

#[test]
fn a_newer_arrival_supersedes_the_waiting_execution() {
    let mut sim = quiet();
    let req = StartRequest::default();
    let a = sim.op_start(STG, &req, OPERATOR_ARN).unwrap_or_default();
    let b = sim.op_start(STG, &req, OPERATOR_ARN).unwrap_or_default();
    let c = sim.op_start(STG, &req, OPERATOR_ARN).unwrap_or_default();
    assert_eq!(status_in(&sim, STG, &b), ExecutionStatus::Superseded);
    assert_eq!(status_in(&sim, STG, &c), ExecutionStatus::InProgress);
    sim.advance(45_000); // a is deploying, c finished Source and waits for Deploy
    let state = sim.pipeline_state(STG).unwrap_or_else(|| unreachable!());
    let deploy = state
        .stages
        .iter()
        .find(|s| s.name == "Deploy")
        .and_then(|s| s.latest.clone());
    assert_eq!(deploy.map(|l| l.pipeline_execution_id), Some(a.clone()));
    let d = sim.op_start(STG, &req, OPERATOR_ARN).unwrap_or_default();
    sim.advance(25_000); // d finished Source too: c, waiting at Deploy, is superseded
    assert_eq!(status_in(&sim, STG, &c), ExecutionStatus::Superseded);
    assert_eq!(status_in(&sim, STG, &d), ExecutionStatus::InProgress);
    sim.advance(30 * Timestamp::MINUTE);
    assert!(!status_in(&sim, STG, &a).is_active() && !status_in(&sim, STG, &d).is_active());
}

#[test]
fn stop_and_wait_lets_the_running_action_finish() {
    let mut sim = quiet();
    let id = sim
        .op_start(DEV, &StartRequest::default(), OPERATOR_ARN)
        .unwrap_or_default();
    sim.advance(60_000);
    assert!(sim.op_stop(DEV, &id, false, "hold").is_ok());
    assert_eq!(status(&sim, &id), ExecutionStatus::Stopping);
    let state = sim.pipeline_state(DEV).unwrap_or_else(|| unreachable!());
    let deploy = state
        .stages
        .iter()
        .find(|s| s.name == "Deploy")
        .and_then(|s| s.latest.clone());
    assert_eq!(deploy.map(|l| l.status), Some(StageStatus::Stopping));
    sim.advance(10 * Timestamp::MINUTE);
    assert_eq!(status(&sim, &id), ExecutionStatus::Stopped);
    let verify = sim
        .action_executions(DEV, &id)
        .into_iter()
        .filter(|r| r.action == "SmokeTest")
        .count();
    assert_eq!(
        verify, 0,
        "a stopped execution does not enter the next stage"
    );
}

#[test]
fn a_stop_and_wait_whose_running_action_fails_ends_stopped() {
    let mut sim = quiet();
    let id = sim
        .op_start(DEV, &StartRequest::default(), OPERATOR_ARN)
        .unwrap_or_default();
    sim.advance(60_000);
    let deploy = sim.envs[0].stage_index("Deploy").unwrap_or_default();
    let failure = crate::domain::ErrorDetails {
        code: "JobFailed".into(),
        message: "Build failed: exit status 2".into(),
    };
    if let Some(run) = sim.envs[0].stages[deploy].run.as_mut() {
        run.outcome = codepipeline::pipeline::Outcome::Fail(failure);
    }
    assert!(sim.op_stop(DEV, &id, false, "hold").is_ok());
    sim.advance(10 * Timestamp::MINUTE);
    assert_eq!(
        status(&sim, &id),
        ExecutionStatus::Stopped,
        "stop and wait ends Stopped, also when the action it waited for fails"
    );
    let execs = sim.executions(DEV);
    let exec = execs.iter().find(|e| e.id == id);
    assert_eq!(
        exec.and_then(|e| e.stop_reason.as_deref()),
        Some("hold"),
        "the stop trigger's reason"
    );
    let state = sim.pipeline_state(DEV).unwrap_or_else(|| unreachable!());
    let stage = state.stages.iter().find(|s| s.name == "Deploy");
    assert_eq!(
        stage.and_then(|s| s.latest.as_ref()).map(|l| l.status),
        Some(StageStatus::Failed)
    );
}

#[test]
fn an_execution_waiting_to_enter_a_stage_is_its_inbound_execution() {
    let mut sim = quiet();
    let req = StartRequest::default();
    let a = sim.op_start(DEV, &req, OPERATOR_ARN).unwrap_or_default();
    sim.advance(45_000); // a deploys
    let b = sim.op_start(DEV, &req, OPERATOR_ARN).unwrap_or_default();
    sim.advance(25_000); // b finished Source and waits for Deploy
    let state = sim.pipeline_state(DEV).unwrap_or_else(|| unreachable!());
    let deploy = state.stages.iter().find(|s| s.name == "Deploy");
    let latest = deploy.and_then(|s| s.latest.as_ref());
    assert_eq!(latest.map(|l| l.pipeline_execution_id.clone()), Some(a));
    let inbound = deploy.and_then(|s| s.inbound_execution.as_ref());
    assert_eq!(inbound.map(|l| l.pipeline_execution_id.clone()), Some(b));
    assert!(state.stages[0].inbound_execution.is_none());
}

#[test]
fn versioned_buckets_keep_every_put() {
    let mut b = Buckets::default();
    b.create("src", true);
    let t = Timestamp(0);
    let v1 = b.put(
        "src",
        "dev/release.zip",
        Object::new(b"one".to_vec(), t, BTreeMap::new()),
    );
    let v2 = b.put(
        "src",
        "dev/release.zip",
        Object::new(b"two".to_vec(), t, BTreeMap::new()),
    );
    assert!(v1.is_some() && v2.is_some() && v1 != v2);
    let first = v1
        .as_deref()
        .and_then(|v| b.version("src", "dev/release.zip", v))
        .map(|o| o.size);
    assert_eq!(first, Some(3));
    assert_eq!(b.get("src", "dev/release.zip").ok(), Some(b"two".to_vec()));
    b.create("plain", false);
    assert_eq!(
        b.put("plain", "k", Object::new(vec![1], t, BTreeMap::new())),
        None
    );
    for key in ["a/1", "a/2", "b/1", "b/2", "c/1"] {
        b.put("plain", key, Object::new(vec![0], t, BTreeMap::new()));
    }
    let page = b
        .list("plain", "b/", Some("a/9"), None, 10)
        .unwrap_or_default();
    let keys: Vec<_> = page.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["b/1", "b/2"]);
    let page = b.list("plain", "", None, None, 2).unwrap_or_default();
    let next = b
        .list("plain", "", None, page.next_token.as_deref(), 2)
        .unwrap_or_default();
    assert_eq!(next.objects.first().map(|o| o.key.as_str()), Some("b/1"));
    assert!(b.list("plain", "", None, Some("garbage"), 2).is_err());
}

#[test]
fn build_logs_are_visible_only_once_written() {
    let mut sim = quiet();
    sim.op_start(DEV, &StartRequest::default(), OPERATOR_ARN)
        .unwrap_or_default();
    let query = LogQuery {
        group: "/aws/codebuild/storefront-deploy-dev".into(),
        ..LogQuery::default()
    };
    let count = |sim: &Simulator| {
        sim.logs
            .filter(crate::cloud::sim::ACCOUNT, &query, sim.now())
            .map_or(0, |p| p.events.len())
    };
    sim.advance(30_000);
    let early = count(&sim);
    sim.advance(20 * Timestamp::MINUTE);
    let late = count(&sim);
    assert!(late > early && late >= 20, "{early} → {late}");
}
