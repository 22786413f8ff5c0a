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

/// On the simulator's clock, as the console runs it fast: the app's clock runs ahead of the
/// simulator's last step, so a read can find the approval still waiting when the app's time is
/// already past its deadline, the last read having seen more than an hour left. The 1 h mark
/// passed while it waited: its warning is given once, not stepped over.
#[tokio::test]
async fn a_one_hour_mark_stepped_over_at_a_high_speed_is_still_told_once() {
    let mut rig = Rig::new(5);
    rig.start().await;
    let waiting = rig.sim.with(|s| s.pending_approvals());
    let a = waiting
        .iter()
        .find(|a| a.environment == "prd")
        .expect("prd waits for approval at the start")
        .clone();
    let deadline = a.expires_at();
    // Read while more than an hour is left.
    let before = (deadline - Timestamp::HOUR - 20 * Timestamp::MINUTE).since(rig.now());
    rig.run(before, 30 * Timestamp::MINUTE).await;
    let warned = |rig: &Rig| {
        rig.app
            .state
            .attention
            .since(0)
            .iter()
            .filter(|e| {
                e.kind == EventKind::ApprovalExpiring
                    && e.id("execution_id") == Some(a.execution_id.as_str())
                    && e.id("warning") == Some("1h")
            })
            .count()
    };
    assert_eq!(warned(&rig), 0, "more than an hour left");
    // One step: the simulator a minute before the deadline, the app's clock past it.
    rig.sim.with(|s| s.advance_to(deadline - Timestamp::MINUTE));
    rig.app.tick(deadline + 2 * Timestamp::MINUTE).await;
    assert!(
        rig.sim
            .with(|s| s.pending_approvals())
            .iter()
            .any(|p| p.execution_id == a.execution_id),
        "still waiting in the simulator"
    );
    assert_eq!(warned(&rig), 1, "{:#?}", rig.app.state.attention.since(0));
    rig.app.tick(deadline + 3 * Timestamp::MINUTE).await;
    assert_eq!(warned(&rig), 1, "once");
}
