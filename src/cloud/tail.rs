//! Live tails of CloudWatch Logs (`StartLiveTail`): the request and the batches it yields.

use super::CloudResult;
use crate::domain::LogEvent;
use futures::stream::BoxStream;

/// Most log groups one live-tail session follows.
pub const MAX_TAIL_GROUPS: usize = 10;
/// Most events one update of a session carries; beyond it the update is `sampled`.
pub const MAX_TAIL_EVENTS: usize = 500;

/// What to follow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveTailRequest {
    /// Log group names (1–10).
    pub groups: Vec<String>,
    /// Only these log streams (empty: every stream).
    pub streams: Vec<String>,
    /// CloudWatch filter pattern (`ERROR`, `{ $.level = "ERROR" }`, …).
    pub pattern: Option<String>,
}

impl LiveTailRequest {
    /// Checks the request as the service does; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.groups.is_empty() || self.groups.len() > MAX_TAIL_GROUPS {
            return Err(format!(
                "a live tail follows 1-{MAX_TAIL_GROUPS} log groups, got {}",
                self.groups.len()
            ));
        }
        Ok(())
    }
}

/// One event of a live tail, with the group it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailedEvent {
    /// Log group name.
    pub group: String,
    /// The event (its id is made up: live tails carry none).
    pub event: LogEvent,
}

/// One update of a live-tail session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveTailBatch {
    /// Events in ingestion order.
    pub events: Vec<TailedEvent>,
    /// More events matched than an update carries: these are a sample.
    pub sampled: bool,
}

/// The updates of a live-tail session; it ends when the session does (an error says why).
pub type LiveTail = BoxStream<'static, CloudResult<LiveTailBatch>>;

/// Whether a failed `StartLiveTail` means live tails are not to be had here (an emulator or
/// region without them, a policy without `logs:StartLiveTail`, a stream that broke), so that
/// polling `FilterLogEvents` is the way to follow; missing groups and expired credentials are not.
pub fn live_tail_unavailable(err: &super::CloudError) -> bool {
    use super::CloudError as E;
    match err {
        E::Server { .. } | E::AccessDenied { .. } | E::Network(_) | E::Timeout { .. } => true,
        E::Rejected { code, .. } => [
            "NotImplemented",
            "UnknownOperationException",
            "InvalidAction",
            "UnsupportedOperation",
            "InvalidOperationException",
            "SessionStreamingException",
            "InvalidResponse",
        ]
        .contains(&code.as_str()),
        _ => false,
    }
}
