//! `apply` and `verify` for any plan: the one place that sends a plan's mutating call.

use super::plan::{Outcome, Plan, Request};
use super::verify::{Pace, Verified, watch};
use super::{approve, changes, deploy, retry, stop, upload};
use crate::cloud::Cloud;
use crate::domain::{Millis, Timestamp};

/// Sends the plan's one mutating call, after the re-checks its action needs.
pub async fn apply(cloud: &Cloud, plan: &Plan) -> Outcome {
    match &plan.request {
        Request::Answer { .. } => approve::apply(cloud, &plan.request).await,
        Request::Start { .. } => deploy::apply(cloud, &plan.request).await,
        Request::Stop { .. } => stop::apply(cloud, &plan.request).await,
        Request::Retry { .. } => retry::apply(cloud, &plan.request).await,
        Request::Rollback { .. } => changes::rollback(cloud, &plan.request).await,
        Request::Transition { .. } => changes::transition(cloud, &plan.request).await,
        Request::Invalidate { .. } => changes::invalidate(cloud, &plan.request).await,
        Request::Promote { .. } => changes::promote(cloud, &plan.request).await,
        Request::Upload { .. } => upload::apply(cloud, &plan.request, &mut |_, _| {}).await,
    }
}

/// How long `verify` watches each kind of change by default.
pub fn default_limit(request: &Request) -> Millis {
    match request {
        Request::Stop { abandon: false, .. } => 30 * Timestamp::MINUTE,
        Request::Invalidate { .. } => 20 * Timestamp::MINUTE,
        Request::Promote { .. } | Request::Upload { .. } | Request::Rollback { .. } => {
            15 * Timestamp::MINUTE
        }
        _ => 10 * Timestamp::MINUTE,
    }
}

/// Watches the result of an applied plan (bounded by [`default_limit`]).
pub async fn verify(cloud: &Cloud, pace: &dyn Pace, plan: &Plan, outcome: &Outcome) -> Verified {
    let limit = default_limit(&plan.request);
    watch(cloud, pace, &plan.request, outcome, limit).await
}
