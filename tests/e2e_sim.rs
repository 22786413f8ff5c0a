//! End to end: the whole app, headless, against the simulator for hours of simulated time;
//! what it shows must match the simulator's truth.

mod common;

use common::sim::Rig;
use shipdeck::app::Action;
use shipdeck::cloud::sim::FaultRates;
use shipdeck::domain::{ExecutionStatus, Timestamp};

/// Compares every environment as shown with the simulator's truth.
fn assert_matches_truth(rig: &Rig, when: &str) {
    let state = &rig.app.state;
    for (i, env) in state.envs.iter().enumerate() {
        let name = &env.spec.name;
        let (truth_deployed, truth_execs, truth_state) = rig.sim.with(|s| {
            (
                s.deployed_release(name),
                s.executions(&env.spec.pipeline),
                s.pipeline_state(&env.spec.pipeline),
            )
        });
        let shown = state.summary(i).unwrap();
        assert_eq!(
            shown.deployed, truth_deployed,
            "{when}: {name} deployed release"
        );
        let shown_ids: Vec<(&str, ExecutionStatus)> = env
            .executions
            .iter()
            .map(|e| (e.id.as_str(), e.status))
            .collect();
        let truth_ids: Vec<(&str, ExecutionStatus)> = truth_execs
            .iter()
            .take(shown_ids.len())
            .map(|e| (e.id.as_str(), e.status))
            .collect();
        assert!(!shown_ids.is_empty(), "{when}: {name} has history");
        assert_eq!(shown_ids, truth_ids, "{when}: {name} execution statuses");
        assert_eq!(
            env.state.as_ref(),
            truth_state.as_ref(),
            "{when}: {name} stage and action states"
        );
        assert!(env.stale.is_none(), "{when}: {name} is not stale");
    }
    let mut shown: Vec<_> = state
        .approvals()
        .into_iter()
        .map(|a| (a.environment, a.execution_id, a.waiting_since))
        .collect();
    let mut truth: Vec<_> = rig
        .sim
        .with(|s| s.pending_approvals())
        .into_iter()
        .map(|a| (a.environment, a.execution_id, a.waiting_since))
        .collect();
    shown.sort();
    truth.sort();
    assert_eq!(shown, truth, "{when}: pending approvals");
}

#[tokio::test]
async fn twelve_simulated_hours_match_the_simulators_truth() {
    let mut rig = Rig::new(7);
    rig.start().await;
    assert_matches_truth(&rig, "start");
    let mut seen = std::collections::HashSet::new();
    for hour in 1..=12 {
        rig.run(Timestamp::HOUR, 5 * Timestamp::SECOND).await;
        // Refresh at this instant (no simulated time passes), then compare.
        rig.app.dispatch(Action::Refresh);
        rig.app.settle().await;
        assert_matches_truth(&rig, &format!("hour {hour}"));
        for env in &rig.app.state.envs {
            seen.extend(env.executions.iter().map(|e| e.status));
        }
    }
    assert!(seen.contains(&ExecutionStatus::Succeeded));
    assert!(seen.contains(&ExecutionStatus::InProgress) || seen.contains(&ExecutionStatus::Failed));
}

#[tokio::test]
async fn after_faults_stop_the_shown_state_catches_up_within_two_polling_rounds() {
    let mut rig = Rig::new(11);
    rig.start().await;
    rig.sim.with(|s| {
        s.set_faults(FaultRates {
            throttle: 0.1,
            timeout: 0.05,
            server_error: 0.1,
            expired_credentials: 0.02,
        })
    });
    rig.run(3 * Timestamp::HOUR, 5 * Timestamp::SECOND).await;
    let faults = rig.sim.with(|s| s.stats().total_faults());
    assert!(faults > 0, "faults were injected");
    rig.sim.with(|s| s.set_faults(FaultRates::none()));
    // Backoff may push the next poll out to max_backoff; two rounds of that bound the catch-up.
    let policy = rig.app.state.poll;
    rig.run(2 * policy.max_backoff, 5 * Timestamp::SECOND).await;
    // Compare without an explicit refresh: polling alone must have caught up. The truth may have
    // moved since the last poll, so freeze time and let due polls land first.
    let now = rig.now();
    rig.app.tick(now).await;
    let polled_recently = rig
        .app
        .state
        .envs
        .iter()
        .all(|e| e.refreshed_at.is_some_and(|t| now.since(t) <= policy.idle));
    assert!(
        polled_recently,
        "every environment polled within the idle period"
    );
    rig.app.dispatch(Action::Refresh);
    rig.app.settle().await;
    assert_matches_truth(&rig, "after faults");
}
