//! Effects: requests for the outside world that `update` returns as data; the runtime runs them.

use super::RequestId;
use crate::domain::{PipelineDef, Timestamp};

/// Something `update` wants done outside the pure core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read one environment's pipeline definition, state, executions and distribution.
    FetchEnv {
        /// Environment index.
        env: usize,
        /// Request id to tag the result with.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// CloudFront distribution id.
        distribution_id: String,
        /// Whether to read the distribution this time (it changes rarely).
        with_distribution: bool,
        /// The definition already known: reused while the state's version matches it.
        cached_def: Option<PipelineDef>,
    },
    /// Read the release catalogue under a prefix of the source bucket.
    FetchReleases {
        /// Request id.
        request: RequestId,
        /// Source bucket.
        bucket: String,
        /// Release prefix.
        prefix: String,
    },
    /// Read who we are.
    FetchIdentity,
    /// Read recent events of an environment's log groups.
    FetchLogs {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Log group names.
        groups: Vec<String>,
        /// Earliest event time.
        since: Timestamp,
    },
    /// Leave the program.
    Quit,
}
