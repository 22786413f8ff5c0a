//! The shown state compared with the simulator's truth.
#![allow(dead_code)]

use super::sim::Rig;
use shipdeck::app::State;
use shipdeck::cloud::sim::SimCloud;
use shipdeck::domain::ExecutionStatus;

/// Compares every environment as the rig's console shows it with the simulator's truth.
pub fn assert_matches_truth(rig: &Rig, when: &str) {
    state_matches_truth(&rig.sim, &rig.app.state, when);
}

/// Compares every environment as `state` shows it with the truth of `sim`.
pub fn state_matches_truth(sim: &SimCloud, state: &State, when: &str) {
    for (i, env) in state.envs.iter().enumerate() {
        let name = &env.spec.name;
        let (truth_deployed, truth_execs, truth_state) = sim.with(|s| {
            (
                s.deployed_release(name),
                s.executions(&env.spec.pipeline),
                s.pipeline_state(&env.spec.pipeline),
            )
        });
        let shown = state.summary(i).unwrap();
        assert_eq!(
            shown.deployed.deployed_release().cloned(),
            truth_deployed,
            "{when}: {name} deployed release ({:?})",
            shown.deployed
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
        assert!(env.refresh.error.is_none(), "{when}: {name} is not stale");
    }
    let mut shown: Vec<_> = state
        .approvals()
        .into_iter()
        .map(|a| (a.environment, a.execution_id, a.waiting_since))
        .collect();
    let mut truth: Vec<_> = sim
        .with(|s| s.pending_approvals())
        .into_iter()
        .map(|a| (a.environment, a.execution_id, a.waiting_since))
        .collect();
    shown.sort();
    truth.sort();
    assert_eq!(shown, truth, "{when}: pending approvals");
}
