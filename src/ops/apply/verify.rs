//! Watching the result of an action with a bounded wait, on the clock the caller passes.

use crate::cloud::{Clock, Cloud, CloudError};
use crate::domain::{Millis, Timestamp};
use crate::ops::plan::follow::{self, Followed, Sight, Verdict};
use crate::ops::plan::{Outcome, Request};
use serde::Serialize;

/// What `verify` saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Whether the expected change was observed within the wait.
    pub ok: bool,
    /// Seen, failed, or not seen within the wait (unknown).
    pub state: Watched,
    /// What was observed, for the operator.
    pub message: String,
}

/// How a watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Watched {
    /// The expected change showed.
    Seen,
    /// What the action started ended badly (a failed execution, a rejected run…).
    Failed,
    /// Neither within the wait, or it could not be read: unknown, not failed.
    Unobserved,
}

impl Verified {
    /// The expected change showed.
    pub fn seen(message: String) -> Verified {
        Verified {
            ok: true,
            state: Watched::Seen,
            message,
        }
    }

    /// What the action started ended badly.
    pub fn failed(message: String) -> Verified {
        Verified {
            ok: false,
            state: Watched::Failed,
            message,
        }
    }

    /// Not seen within the wait: unknown.
    pub fn unobserved(message: String) -> Verified {
        Verified {
            ok: false,
            state: Watched::Unobserved,
            message,
        }
    }
}

/// Time between two looks.
pub const INTERVAL: Millis = 5 * Timestamp::SECOND;

/// The deadline of a watch and its pace.
struct Watch<'a> {
    pace: &'a dyn Clock,
    deadline: Timestamp,
    first: bool,
}

impl Watch<'_> {
    /// Waits for the next look; `false` once the deadline has passed.
    async fn next(&mut self) -> bool {
        if self.first {
            self.first = false;
            return true;
        }
        if self.pace.now() >= self.deadline {
            return false;
        }
        self.pace.pause(INTERVAL).await;
        true
    }
}

/// Executions listed to find a release's new execution among the newest.
const RECENT: usize = 5;

/// Watches until the change `request` made shows, it fails, or `limit` passes; `outcome` is what
/// the call reported (a new execution's id, an object version, an invalidation id). What counts
/// as seen or failed is [`follow::judge`]'s, as in the console.
pub async fn watch(
    cloud: &Cloud,
    pace: &dyn Clock,
    request: &Request,
    outcome: &Outcome,
    limit: Millis,
) -> Verified {
    let followed = Followed {
        execution_id: outcome.execution_id.as_deref(),
        reference: outcome.reference.as_deref(),
    };
    let mut w = Watch {
        pace,
        deadline: pace.now() + limit,
        first: true,
    };
    let mut last = "no answer yet".to_string();
    while w.next().await {
        match look(cloud, request, followed).await {
            Ok(Verdict::Seen(message)) => return Verified::seen(message),
            Ok(Verdict::Failed(message)) => return Verified::failed(message),
            Ok(Verdict::Waiting(message)) | Err(message) => last = message,
        }
    }
    Verified::unobserved(follow::not_observed(limit, &last))
}

/// One look: reads what [`follow::reads`] names for `request`, and judges it.
async fn look(cloud: &Cloud, request: &Request, followed: Followed<'_>) -> Result<Verdict, String> {
    let reads = follow::reads(request);
    let p = &cloud.pipelines;
    let pipeline = follow::pipeline(request).unwrap_or_default();
    let unread = |e: CloudError| format!("cannot read the pipeline: {e}");
    let state = match reads.state {
        true => Some(p.get_pipeline_state(pipeline).await.map_err(unread)?),
        false => None,
    };
    let executions = match (reads.executions, follow::execution_of(request, followed)) {
        (false, _) => Vec::new(),
        (true, Some(id)) => vec![p.get_execution(pipeline, id).await.map_err(unread)?],
        (true, None) => p.list_executions(pipeline, RECENT).await.map_err(unread)?,
    };
    let invalidation = match (request, followed.reference) {
        (
            Request::Invalidate {
                distribution_id, ..
            },
            Some(id),
        ) if reads.invalidation => Some(
            cloud
                .cdn
                .get_invalidation(distribution_id, id)
                .await
                .map_err(|e| format!("cannot read invalidation {id}: {e}"))?,
        ),
        _ => None,
    };
    let sight = Sight {
        state: state.as_ref(),
        executions: &executions,
        invalidation: invalidation.as_ref(),
    };
    Ok(follow::judge(request, followed, &sight))
}
