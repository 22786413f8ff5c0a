//! The interactive loop's running effects: each runs as a tokio task; reads of log tails are
//! remembered by request id so that [`Effect::Cancel`] can stop them when their tail is replaced
//! (an environment switch, a new time range), instead of letting them fetch and parse for nobody.
//! An upload is not stopped that way: its cancel is handed to it, and it answers how it stopped
//! (a multipart upload aborted, nothing released); nor is a Logs Insights query: its cancel
//! sends `StopQuery` and reads the rows found so far; nor is a `:query` read here by the local
//! engine: its cancel stops it between objects, with what it counted.

use super::routing::run_routed;
use crate::app::{Action, Effect, RequestId};
use crate::cloud::Clouds;
use crate::ops::apply::upload::{Cancel, CancelHandle};
use std::collections::HashMap;
use std::sync::Arc;
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
pub struct Tasks {
    running: HashMap<RequestId, AbortHandle>,
    uploads: HashMap<RequestId, CancelHandle>,
    queries: HashMap<RequestId, CancelHandle>,
    cancelled: u64,
    clock: Arc<dyn super::Clock>,
    switch: Option<String>,
}

impl Default for Tasks {
    fn default() -> Tasks {
        Tasks::with_clock(Arc::new(super::WallClock))
    }
}

impl Tasks {
    /// No tasks yet; queries wait on the wall clock.
    pub fn new() -> Tasks {
        Tasks::default()
    }

    /// No tasks yet; queries wait between reads on `clock` (the demo's simulated one).
    pub fn with_clock(clock: Arc<dyn super::Clock>) -> Tasks {
        Tasks {
            running: HashMap::new(),
            uploads: HashMap::new(),
            queries: HashMap::new(),
            cancelled: 0,
            clock,
            switch: None,
        }
    }

    /// Runs a query (Insights, Athena, a table's creation) with a cancel of its own, kept under
    /// `request` so that [`Effect::Cancel`] stops it; its answer goes to `tx`.
    fn spawn_query<F, Fut>(&mut self, request: RequestId, tx: &UnboundedSender<Action>, run: F)
    where
        F: FnOnce(Cancel) -> Fut,
        Fut: std::future::Future<Output = Action> + Send + 'static,
    {
        let (handle, cancel) = Cancel::new();
        self.queries.insert(request, handle);
        let tx = tx.clone();
        let answer = run(cancel);
        tokio::spawn(async move {
            let _ = tx.send(answer.await);
        });
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
        self.queries.retain(|_, h| !h.is_closed());
        for effect in effects {
            match effect {
                Effect::Quit => quit = true,
                Effect::SwitchSystem { name } => self.switch = Some(name),
                Effect::Cancel { request } if self.queries.contains_key(&request) => {
                    if let Some(handle) = self.queries.remove(&request) {
                        handle.cancel();
                    }
                }
                Effect::RunInsights {
                    env,
                    request,
                    query,
                } => {
                    let cloud = clouds.of(env).clone();
                    let clock = self.clock.clone();
                    let progress = tx.clone();
                    self.spawn_query(request, tx, move |cancel| async move {
                        let progress = Some(&progress);
                        super::insights::run(
                            &cloud,
                            clock.as_ref(),
                            request,
                            &query,
                            progress,
                            &cancel,
                        )
                        .await
                    });
                }
                Effect::RunAthena {
                    env,
                    request,
                    sql,
                    athena,
                    region,
                } => {
                    let cloud = clouds.of(env).clone();
                    let clock = self.clock.clone();
                    let progress = tx.clone();
                    self.spawn_query(request, tx, move |cancel| async move {
                        let query = super::athena::statement(
                            &athena,
                            &sql,
                            clock.now().millis(),
                            usize::try_from(request).unwrap_or(0),
                        );
                        let price = crate::query::price_per_tb(&region).0;
                        let progress = Some(&progress);
                        super::athena::run(
                            &cloud,
                            clock.as_ref(),
                            request,
                            &query,
                            price,
                            progress,
                            &cancel,
                        )
                        .await
                    });
                }
                Effect::RunLocalQuery {
                    env,
                    request,
                    query,
                } => {
                    let cloud = clouds.of(env).clone();
                    let progress = tx.clone();
                    self.spawn_query(request, tx, move |cancel| async move {
                        super::local_query::run(&cloud, request, &query, Some(progress), &cancel)
                            .await
                    });
                }
                Effect::CreateAthenaTable {
                    env,
                    request,
                    athena,
                    statements,
                } => {
                    let cloud = clouds.of(env).clone();
                    let clock = self.clock.clone();
                    self.spawn_query(request, tx, move |cancel| async move {
                        super::athena::create_for_console(
                            &cloud,
                            clock.as_ref(),
                            request,
                            &athena,
                            &statements,
                            &cancel,
                        )
                        .await
                    });
                }
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

    /// The system `:system NAME` asked for, once.
    pub fn take_switch(&mut self) -> Option<String> {
        self.switch.take()
    }

    /// Stops every cancellable read (the session they serve ends).
    pub fn abort_reads(&mut self) {
        for (_, handle) in self.running.drain() {
            handle.abort();
        }
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
