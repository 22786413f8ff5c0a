//! The half of the actions that talks to the world: `apply` and `verify` for any plan — the one
//! place that sends a plan's mutating call — and what they need: lost replies, uploads, the
//! release catalogue, the audit log files.

pub mod answer;
mod answer_lost;
pub mod audit_log;
mod calls;
pub mod catalogue;
pub mod deploy;
pub mod github;
mod lost;
mod lost_copy;
pub mod retry;
pub mod stop;
pub mod upload;
pub mod verify;

use crate::cloud::Clock;
use crate::cloud::Cloud;
use crate::ops::plan::follow::default_limit;
use crate::ops::plan::{Outcome, Plan, Request};
use verify::{Verified, watch};

/// Sends the plan's one mutating call, after the re-checks its action needs.
pub async fn apply(cloud: &Cloud, plan: &Plan) -> Outcome {
    match &plan.request {
        Request::Answer { .. } => answer::apply(cloud, &plan.request).await,
        Request::Start { .. } => deploy::apply(cloud, &plan.request).await,
        Request::Stop { .. } => stop::apply(cloud, &plan.request).await,
        Request::Retry { .. } => retry::apply(cloud, &plan.request).await,
        Request::Rollback { .. } => calls::rollback(cloud, &plan.request).await,
        Request::Transition { .. } => calls::transition(cloud, &plan.request).await,
        Request::Override { .. } => calls::override_condition(cloud, &plan.request).await,
        Request::Invalidate { .. } => calls::invalidate(cloud, &plan.request).await,
        Request::Promote { .. } => calls::promote(cloud, &plan.request).await,
        Request::Upload { .. } => {
            let never = upload::Cancel::never();
            upload::apply(cloud, &plan.request, &mut |_, _| {}, &never).await
        }
        Request::Dispatch { .. } => github::dispatch(cloud, &plan.request).await,
        Request::Run { .. } => github::change_run(cloud, &plan.request).await,
    }
}

/// Watches the result of an applied plan (bounded by [`default_limit`]).
pub async fn verify(cloud: &Cloud, pace: &dyn Clock, plan: &Plan, outcome: &Outcome) -> Verified {
    verify_steps(cloud, pace, plan, outcome, &mut |_| {}).await
}

/// [`verify`], telling `step` each new thing seen while a GitHub change is followed (the run,
/// the package it uploaded, the pipeline execution).
pub async fn verify_steps(
    cloud: &Cloud,
    pace: &dyn Clock,
    plan: &Plan,
    outcome: &Outcome,
    step: &mut (dyn FnMut(&str) + Send),
) -> Verified {
    let limit = default_limit(&plan.request);
    match &plan.request {
        Request::Dispatch { .. } | Request::Run { .. } => {
            github::watch(cloud, pace, &plan.request, outcome, limit, step).await
        }
        _ => watch(cloud, pace, &plan.request, outcome, limit).await,
    }
}
