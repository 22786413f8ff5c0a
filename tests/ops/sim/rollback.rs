//! Rollback targets: standard executions of the current pipeline version, never the source stage.

use super::*;
use shipdeck::domain::{ExecutionType, StageStatus};
use shipdeck::ops::plan::rollback;

const DEV: &str = "storefront-deployer-dev";

/// Plays the world until nothing runs in dev's Deploy stage.
fn deploy_idle(w: &World) {
    for _ in 0..120 {
        let idle = w.held("dev").state.unwrap().stages[1]
            .latest
            .as_ref()
            .is_none_or(|l| l.status != StageStatus::InProgress);
        if idle {
            return;
        }
        w.sim.with(|s| s.advance(Timestamp::MINUTE));
    }
}

async fn candidates(w: &World) -> Vec<ExecutionSummary> {
    w.sim
        .cloud()
        .pipelines
        .list_succeeded_in_stage(DEV, "Deploy", 20)
        .await
        .unwrap()
}

#[tokio::test]
async fn rollback_executions_are_no_targets_and_an_outdated_target_is_named() {
    let w = world();
    // Roll back until one rollback succeeds in Deploy (a deploy may fail, as any does).
    let mut rb = None;
    for _ in 0..5 {
        deploy_idle(&w);
        let listed = candidates(&w).await;
        let to = rollback::older_targets(&listed)[1].id.clone();
        let plan = w
            .held("dev")
            .plan(OPERATOR, |c, d| {
                rollback::plan(c, d, "Deploy", Some(&listed), Some(&to))
            })
            .unwrap();
        let outcome = w.apply(&plan).await;
        assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
        let id = outcome.execution_id.clone().unwrap();
        w.sim.with(|s| s.advance(20 * Timestamp::MINUTE));
        if candidates(&w).await.iter().any(|e| e.id == id) {
            rb = Some(id);
            break;
        }
    }
    let rb = rb.expect("a rollback succeeded in Deploy");
    // A newer standard run deploys after the rollback.
    let p = w.sim.cloud().pipelines;
    p.start_execution(DEV, &Default::default()).await.unwrap();
    w.sim.with(|s| s.advance(20 * Timestamp::MINUTE));
    deploy_idle(&w);
    let listed = candidates(&w).await;
    let at = listed.iter().position(|e| e.id == rb).unwrap();
    assert!(at > 0, "the rollback no longer runs: {at}");
    assert_eq!(listed[at].execution_type, ExecutionType::Rollback);
    let older = rollback::older_targets(&listed);
    assert!(older.iter().all(|e| e.id != rb), "not offered as a target");
    assert_eq!(older.len(), listed.len() - 2);
    let r = w
        .held("dev")
        .plan(OPERATOR, |c, d| {
            rollback::plan(c, d, "Deploy", Some(&listed), Some(&rb))
        })
        .unwrap_err();
    assert_eq!(r.guard, Guard::Input);
    assert!(r.reason.contains("is itself a rollback"), "{}", r.reason);
    // The source stage is refused before any call.
    let r = w
        .held("dev")
        .plan(OPERATOR, |c, d| {
            rollback::plan(c, d, "Source", Some(&listed), Some(&older[0].id))
        })
        .unwrap_err();
    assert!(r.reason.contains("source stage"), "{}", r.reason);
    // The pipeline is updated: every target ran an older version, which only AWS can tell.
    w.sim.with(|s| s.update_pipeline(DEV)).unwrap();
    let to = older[0].id.clone();
    let plan = w
        .held("dev")
        .plan(OPERATOR, |c, d| {
            rollback::plan(c, d, "Deploy", Some(&listed), Some(&to))
        })
        .unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Refused, "{}", outcome.message);
    assert!(
        outcome
            .message
            .contains("ran an older version of the pipeline"),
        "{}",
        outcome.message
    );
}
