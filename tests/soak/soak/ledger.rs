//! Exactly-once accounting: every action the operator confirmed, keyed by what its call
//! changes, against the simulator's record of the changes made through the ports.

use shipdeck::cloud::sim::{Change, OPERATOR_ARN};
use shipdeck::ops::{Delivery, ExitClass, Outcome, Plan, Request};
use std::collections::BTreeMap;

/// What a confirmed action's call changes: (operation, target), as the change record names it.
pub fn key(request: &Request) -> (String, String) {
    let (op, target) = match request {
        Request::Answer { execution_id, .. } => ("PutApprovalResult", execution_id.clone()),
        Request::Start {
            client_request_token,
            ..
        } => ("StartPipelineExecution", client_request_token.clone()),
        Request::Stop { execution_id, .. } => ("StopPipelineExecution", execution_id.clone()),
        Request::Retry { execution_id, .. } => ("RetryStageExecution", execution_id.clone()),
        Request::Rollback {
            target_execution_id,
            ..
        } => ("RollbackStage", target_execution_id.clone()),
        Request::Transition {
            pipeline,
            stage,
            disable_reason,
        } => (
            if disable_reason.is_some() {
                "DisableStageTransition"
            } else {
                "EnableStageTransition"
            },
            format!("{pipeline}/{stage}"),
        ),
        Request::Override {
            pipeline, stage, ..
        } => ("OverrideStageCondition", format!("{pipeline}/{stage}")),
        Request::Invalidate {
            caller_reference, ..
        } => ("CreateInvalidation", caller_reference.clone()),
        Request::Promote { bucket, to_key, .. } | Request::Upload { bucket, to_key, .. } => {
            ("CopyObject", format!("s3://{bucket}/{to_key}"))
        }
        Request::Dispatch {
            workflow, git_ref, ..
        } => ("DispatchWorkflow", format!("{workflow}@{git_ref}")),
        Request::Run { run_id, .. } => ("WorkflowRun", run_id.to_string()),
    };
    (op.to_string(), target)
}

/// The confirmed actions and what became of them.
#[derive(Default)]
pub struct Ledger {
    /// (kind, outcome name) → count.
    pub outcomes: BTreeMap<(&'static str, &'static str), u64>,
    /// key → (done, failed or unknown, refused or nothing to do).
    keys: BTreeMap<(String, String), (u64, u64, u64)>,
    /// Outcomes confirmed after a lost reply.
    pub confirmed: u64,
    /// Outcomes not known to have reached AWS.
    pub unknown: u64,
}

impl Ledger {
    /// Records a confirmed action: its plan and what `apply` reported.
    pub fn record(&mut self, plan: &Plan, outcome: &Outcome) {
        let name = match (outcome.class, outcome.delivery) {
            (_, Delivery::Unknown) => "unknown",
            (ExitClass::Done, Delivery::ConfirmedAfterLostReply) => "done after a lost reply",
            (ExitClass::Done, _) => "done",
            (ExitClass::Failed, _) => "failed",
            (ExitClass::Refused, _) => "refused",
            (ExitClass::NothingToDo, _) => "nothing-to-do",
        };
        *self.outcomes.entry((plan.kind.name(), name)).or_default() += 1;
        self.confirmed += u64::from(outcome.delivery == Delivery::ConfirmedAfterLostReply);
        self.unknown += u64::from(outcome.delivery == Delivery::Unknown);
        let k = self.keys.entry(key(&plan.request)).or_default();
        match outcome.class {
            ExitClass::Done => k.0 += 1,
            ExitClass::Failed => k.1 += 1,
            _ => k.2 += 1,
        }
    }

    /// Actions done (confirmed after a lost reply or not).
    pub fn done(&self) -> u64 {
        self.keys.values().map(|k| k.0).sum()
    }

    /// Checks the operator's changes against the actions: per key, each done action made
    /// exactly one change, each failed or unknown one at most one, a refused one none, and no
    /// change is left that no action explains. Returns the number of changes accounted for.
    pub fn check(&self, changes: &[Change]) -> usize {
        let mut made: BTreeMap<(String, String), u64> = BTreeMap::new();
        for c in changes.iter().filter(|c| ours(c)) {
            *made
                .entry((c.operation.to_string(), c.target.clone()))
                .or_default() += 1;
        }
        for (k, n) in &made {
            let (done, failed, _) = self.keys.get(k).copied().unwrap_or_default();
            assert!(
                *n >= done && *n <= done + failed,
                "{k:?}: {n} changes for {done} done and {failed} failed or unknown actions"
            );
        }
        for (k, (done, _, _)) in &self.keys {
            let n = made.get(k).copied().unwrap_or(0);
            assert!(n >= *done, "{k:?}: {done} done actions, {n} changes");
        }
        made.values().sum::<u64>() as usize
    }
}

/// A change made by the operator through the ports (the simulated approvers answer as
/// themselves; the release key's uploads are not a confirmed action of their own).
fn ours(c: &Change) -> bool {
    c.by.as_deref().is_none_or(|b| b == OPERATOR_ARN)
        && !matches!(c.operation, "PutObject" | "CompleteMultipartUpload")
}
