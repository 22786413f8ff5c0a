//! The simulator's pipeline changes: inbound transitions held and released, rollbacks to
//! executions that succeeded in a stage.

use super::{DEV, MIN, cloud, code};
use futures::executor::block_on;
use shipdeck::cloud::sim::OPERATOR_ARN;
use shipdeck::cloud::{CloudError, StartRequest, TransitionChange};
use shipdeck::domain::{ActionStatus, ExecutionStatus, ExecutionType, StageStatus};

#[test]
fn a_disabled_transition_holds_executions_until_enabled() {
    let sim = cloud(25);
    let p = sim.cloud().pipelines;
    let bad = TransitionChange::Disable {
        reason: "hold: incident #42".into(),
    };
    let err = block_on(p.set_inbound_transition(DEV, "Deploy", &bad)).unwrap_err();
    assert_eq!(code(err), "ValidationException");
    let long = TransitionChange::Disable {
        reason: "x".repeat(301),
    };
    let err = block_on(p.set_inbound_transition(DEV, "Deploy", &long)).unwrap_err();
    assert_eq!(code(err), "ValidationException");
    let hold = TransitionChange::Disable {
        reason: "Incident 42 - freeze (ops)".into(),
    };
    let err = block_on(p.set_inbound_transition(DEV, "Source", &hold)).unwrap_err();
    assert_eq!(code(err), "ValidationException");
    let err = block_on(p.set_inbound_transition(DEV, "Nope", &hold)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { kind, .. } if kind == "stage"));
    // Let a running deploy finish first, then freeze.
    sim.with(|s| s.advance(15 * MIN));
    block_on(p.set_inbound_transition(DEV, "Deploy", &hold)).unwrap();
    let frozen_at = sim.with(|s| s.now());
    let state = block_on(p.get_pipeline_state(DEV)).unwrap();
    let inbound = &state.stages[1].inbound;
    assert!(!inbound.enabled);
    assert_eq!(
        inbound.disabled_reason.as_deref(),
        Some("Incident 42 - freeze (ops)")
    );
    assert_eq!(inbound.last_changed_by.as_deref(), Some(OPERATOR_ARN));
    assert_eq!(inbound.last_changed_at, Some(frozen_at));
    let id = block_on(p.start_execution(DEV, &StartRequest::default())).unwrap();
    sim.with(|s| s.advance(60 * MIN));
    let deploys_since = |t| {
        sim.with(|s| s.executions(DEV))
            .iter()
            .flat_map(|e| sim.with(|s| s.action_executions(DEV, &e.id)))
            .filter(|r| r.action == "Deploy" && r.start > t)
            .count()
    };
    assert_eq!(deploys_since(frozen_at), 0, "nothing entered Deploy");
    let waiting = sim.with(|s| s.executions(DEV))[0].clone();
    assert_eq!(waiting.status, ExecutionStatus::InProgress);
    assert!(waiting.id == id || waiting.start > frozen_at);
    block_on(p.set_inbound_transition(DEV, "Deploy", &TransitionChange::Enable)).unwrap();
    let state = block_on(p.get_pipeline_state(DEV)).unwrap();
    assert!(state.stages[1].inbound.enabled);
    assert_eq!(state.stages[1].inbound.disabled_reason, None);
    assert_eq!(
        state.stages[1].latest.as_ref().map(|l| l.status),
        Some(StageStatus::InProgress),
        "the held execution entered at once"
    );
    assert_eq!(deploys_since(frozen_at), 1);
}

#[test]
fn rollback_runs_a_target_that_succeeded_in_the_stage() {
    let sim = cloud(26);
    let p = sim.cloud().pipelines;
    let ok = block_on(p.list_succeeded_in_stage(DEV, "Deploy", 10)).unwrap();
    assert!(ok.len() >= 2, "history has deploys: {}", ok.len());
    let all = sim.with(|s| s.executions(DEV));
    let failed_in_deploy = all.iter().find(|e| {
        e.status == ExecutionStatus::Failed
            && sim
                .with(|s| s.action_executions(DEV, &e.id))
                .iter()
                .any(|r| r.action == "Deploy" && r.status != ActionStatus::Succeeded)
    });
    for e in &ok {
        assert_ne!(Some(e), failed_in_deploy);
        let runs = sim.with(|s| s.action_executions(DEV, &e.id));
        assert!(
            runs.iter()
                .any(|r| r.action == "Deploy" && r.status == ActionStatus::Succeeded)
        );
    }
    let starts: Vec<_> = ok.iter().map(|e| e.start).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Wait until Deploy is idle, then roll back to the second newest good one.
    for _ in 0..120 {
        let state = block_on(p.get_pipeline_state(DEV)).unwrap();
        if state.stages[1].latest.as_ref().map(|l| l.status) != Some(StageStatus::InProgress) {
            break;
        }
        sim.with(|s| s.advance(MIN));
    }
    let target = &ok[1];
    let id = block_on(p.rollback_stage(DEV, "Deploy", &target.id)).unwrap();
    let execs = sim.with(|s| s.executions(DEV));
    let rb = execs.iter().find(|e| e.id == id).unwrap();
    assert_eq!(rb.execution_type, ExecutionType::Rollback);
    assert_eq!(rb.trigger.kind, "ManualRollback");
    assert_eq!(rb.source_revisions, target.source_revisions);
    let runs = sim.with(|s| s.action_executions(DEV, &id));
    assert!(
        runs.iter().all(|r| r.action != "Source"),
        "starts at the stage"
    );
    assert!(runs.iter().any(|r| r.action == "Deploy"));
    let busy = block_on(p.rollback_stage(DEV, "Deploy", &target.id)).unwrap_err();
    assert_eq!(code(busy), "UnableToRollbackStageException");
    if let Some(bad) = failed_in_deploy {
        let err = block_on(p.rollback_stage(DEV, "Verify", &bad.id)).unwrap_err();
        assert_eq!(code(err), "UnableToRollbackStageException");
    }
    let err = block_on(p.rollback_stage(DEV, "Source", &target.id)).unwrap_err();
    assert_eq!(code(err), "ValidationException");
    let err = block_on(p.rollback_stage(DEV, "Deploy", "no-such-id")).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { .. }));
}

#[test]
fn rollback_refuses_a_rollback_target_and_one_of_an_older_pipeline_version() {
    let sim = cloud(25);
    let p = sim.cloud().pipelines;
    let idle = |sim: &shipdeck::cloud::sim::SimCloud| {
        for _ in 0..120 {
            let state = block_on(sim.cloud().pipelines.get_pipeline_state(DEV)).unwrap();
            if state.stages[1].latest.as_ref().map(|l| l.status) != Some(StageStatus::InProgress) {
                return;
            }
            sim.with(|s| s.advance(MIN));
        }
    };
    idle(&sim);
    let ok = block_on(p.list_succeeded_in_stage(DEV, "Deploy", 10)).unwrap();
    let rb = block_on(p.rollback_stage(DEV, "Deploy", &ok[1].id)).unwrap();
    sim.with(|s| s.advance(20 * MIN));
    idle(&sim);
    let listed = block_on(p.list_succeeded_in_stage(DEV, "Deploy", 10)).unwrap();
    // (dev runs QUEUED: executions queued before the rollback may pass Deploy after it.)
    let listed_rb = listed.iter().find(|e| e.id == rb);
    assert_eq!(
        listed_rb.map(|e| e.execution_type),
        Some(ExecutionType::Rollback),
        "AWS lists rollback executions that succeeded in the stage too"
    );
    let err = block_on(p.rollback_stage(DEV, "Deploy", &rb)).unwrap_err();
    assert_eq!(code(err), "UnableToRollbackStageException");
    // UpdatePipeline: every execution so far ran an older version.
    sim.with(|s| s.update_pipeline(DEV)).unwrap();
    let err = block_on(p.rollback_stage(DEV, "Deploy", &ok[2].id)).unwrap_err();
    assert_eq!(code(err), "PipelineExecutionOutdatedException");
}
