//! Attention against the simulator over simulated days: every approval, failure and rollback
//! the simulator's truth records produces exactly one event, also while reads fail now and then.

use crate::support;

use shipdeck::app::attention::EventKind;
use shipdeck::cloud::sim::FaultRates;
use shipdeck::domain::{ExecutionStatus, ExecutionType, Timestamp};
use std::collections::{BTreeMap, BTreeSet};
use support::sim::Rig;

#[tokio::test]
async fn three_simulated_days_give_one_event_per_approval_failure_and_rollback() {
    let mut rig = Rig::new(5);
    let t0 = rig.now();
    rig.start().await;
    // One read in ten fails: a failed read must neither repeat nor lose an event.
    rig.sim.with(|s| {
        s.set_faults(FaultRates {
            server_error: 0.05,
            timeout: 0.05,
            ..FaultRates::none()
        })
    });
    let specs = rig.sim.with(|s| s.specs());
    // (environment, execution) of every approval seen waiting, with its expiry and whether it
    // was seen waiting in its last hour.
    let mut approvals: BTreeMap<(String, String), (Timestamp, bool)> = BTreeMap::new();
    let mut answered: BTreeSet<(String, String)> = BTreeSet::new();
    let step = 30 * Timestamp::SECOND;
    let end = t0 + 3 * Timestamp::DAY;
    while rig.now() < end {
        let now = rig.now();
        for a in rig.sim.with(|s| s.pending_approvals()) {
            let last_hour = a.time_left(now) <= Timestamp::HOUR;
            let seen = approvals
                .entry((a.environment.clone(), a.execution_id.clone()))
                .or_insert((a.expires_at(), false));
            seen.1 |= last_hour;
            // Carol answers the first approval that starts waiting after the first hour, as
            // someone other than the operator; the one waiting at the start expires.
            if answered.is_empty()
                && a.waiting_since.since(t0) > Timestamp::HOUR
                && rig.sim.with(|s| s.answer_as(&a.environment, true, "carol"))
            {
                answered.insert((a.environment.clone(), a.execution_id.clone()));
            }
        }
        rig.run(step, step).await;
    }
    // The last reads land without faults.
    rig.sim.with(|s| s.set_faults(FaultRates::none()));
    rig.run(10 * Timestamp::MINUTE, step).await;
    let attention = &rig.app.state.attention;
    let events = attention.since(0);
    assert_eq!(events.len(), attention.total, "none dropped");
    let keys: BTreeSet<&str> = events.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys.len(), events.len(), "no event twice: {events:#?}");
    let of = |kind: EventKind| -> BTreeSet<(String, String)> {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                let id = e.id("execution_id").unwrap_or_default().to_string();
                (e.environment.clone(), id)
            })
            .collect()
    };
    let count = |kind: EventKind| events.iter().filter(|e| e.kind == kind).count();
    // Every approval: one pending event each.
    let waited: BTreeSet<_> = approvals.keys().cloned().collect();
    assert!(waited.len() >= 2, "approvals over three days: {waited:?}");
    assert_eq!(of(EventKind::ApprovalPending), waited);
    assert_eq!(count(EventKind::ApprovalPending), waited.len());
    // Each one seen waiting in its last hour got its 1-hour warning, once.
    let last_hour: BTreeSet<_> = approvals
        .iter()
        .filter(|(_, (expires, seen))| *seen && *expires <= rig.now())
        .map(|(k, _)| k.clone())
        .collect();
    assert!(!last_hour.is_empty(), "an approval expired unanswered");
    let warned: BTreeSet<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::ApprovalExpiring && e.id("warning") == Some("1h"))
        .map(|e| {
            (
                e.environment.clone(),
                e.id("execution_id").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(last_hour.is_subset(&warned), "{last_hour:?} ⊄ {warned:?}");
    // The answer carol gave: one event.
    assert_eq!(answered.len(), 1, "carol answered an approval");
    assert_eq!(of(EventKind::ApprovalAnswered), answered);
    assert_eq!(count(EventKind::ApprovalAnswered), 1);
    // Every failure and rollback after the start: one event each.
    let mut failed = BTreeSet::new();
    let mut rollbacks = BTreeSet::new();
    for spec in &specs {
        for x in rig.sim.with(|s| s.executions(&spec.pipeline)) {
            if x.status == ExecutionStatus::Failed && x.last_update > t0 {
                failed.insert((spec.name.clone(), x.id.clone()));
            }
            if x.execution_type == ExecutionType::Rollback && x.start > t0 {
                rollbacks.insert((spec.name.clone(), x.id.clone()));
            }
        }
    }
    assert!(!failed.is_empty(), "a deploy failed in three days");
    assert_eq!(of(EventKind::DeployFailed), failed);
    assert_eq!(count(EventKind::DeployFailed), failed.len());
    assert_eq!(of(EventKind::RollbackStarted), rollbacks);
    assert_eq!(count(EventKind::RollbackStarted), rollbacks.len());
}
