//! The interactive loop's running effects: each runs as a tokio task; reads of log tails are
//! remembered by request id so that [`Effect::Cancel`] can stop them when their tail is replaced
//! (an environment switch, a new time range), instead of letting them fetch and parse for nobody.
//! An upload is not stopped that way: its cancel is handed to it, and it answers how it stopped
//! (a multipart upload aborted, nothing released).

use super::routing::run_routed;
use crate::app::{Action, Effect, RequestId};
use crate::cloud::Clouds;
use crate::ops::apply::upload::{Cancel, CancelHandle};
use std::collections::HashMap;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

/// The request id of an effect that may be cancelled (log-tail reads, the action
/// runs of an execution detail that was closed, the markers' reads of a tail replaced).
fn cancellable(effect: &Effect) -> Option<RequestId> {
    match effect {
        Effect::StreamTraffic { request, .. }
        | Effect::DiscoverLogSources { request, .. }
        | Effect::FetchTrafficEvents { request, .. }
        | Effect::ReadTrafficEvents { request, .. }
        | Effect::FetchLogs { request, .. }
        | Effect::FetchActionExecutions { request, .. }
        | Effect::FetchDeployRuns { request, .. }
        | Effect::ListInvalidations { request, .. }
        | Effect::FetchExecution { request, .. }
        | Effect::SignIn { request, .. } => Some(*request),
        _ => None,
    }
}

/// Effects running on the runtime.
#[derive(Default)]
pub struct Tasks {
    running: HashMap<RequestId, AbortHandle>,
    uploads: HashMap<RequestId, CancelHandle>,
    cancelled: u64,
}

impl Tasks {
    /// No tasks yet.
    pub fn new() -> Tasks {
        Tasks::default()
    }

    /// Spawns each effect (answers go to `tx`) and carries out cancels; returns `true` when one
    /// asks to quit.
    pub fn spawn(
        &mut self,
        effects: Vec<Effect>,
        clouds: &Clouds,
        tx: &UnboundedSender<Action>,
    ) -> bool {
        let mut quit = false;
        self.running.retain(|_, h| !h.is_finished());
        self.uploads.retain(|_, h| !h.is_closed());
        for effect in effects {
            match effect {
                Effect::Quit => quit = true,
                Effect::Cancel { request } if self.uploads.contains_key(&request) => {
                    if let Some(handle) = self.uploads.remove(&request) {
                        handle.cancel();
                    }
                }
                Effect::ApplyOp {
                    request, ref plan, ..
                } if matches!(plan.request, crate::ops::Request::Upload { .. }) => {
                    let (handle, cancel) = Cancel::new();
                    self.uploads.insert(request, handle);
                    let cloud = super::routing::pick(clouds, &effect).clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        let run = super::ops_effects::run(&cloud, effect, Some(&tx), &cancel);
                        if let Some(action) = run.await {
                            let _ = tx.send(action);
                        }
                    });
                }
                Effect::Cancel { request } => {
                    if let Some(handle) = self.running.remove(&request) {
                        handle.abort();
                        self.cancelled += 1;
                    }
                }
                effect => {
                    let id = cancellable(&effect);
                    let clouds = clouds.clone();
                    let tx = tx.clone();
                    let handle = tokio::spawn(async move {
                        if let Some(action) = run_routed(&clouds, effect, Some(&tx)).await {
                            let _ = tx.send(action);
                        }
                    });
                    if let Some(id) = id {
                        self.running.insert(id, handle.abort_handle());
                    }
                }
            }
        }
        quit
    }

    /// Cancellable reads still running.
    pub fn reads_running(&self) -> usize {
        self.running.values().filter(|h| !h.is_finished()).count()
    }

    /// Reads stopped so far.
    pub fn cancelled(&self) -> u64 {
        self.cancelled
    }
}
