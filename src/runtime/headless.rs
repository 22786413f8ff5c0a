//! The app without a terminal: the same `update` and effect runner, driven step by step.
//! The CLI and the end-to-end tests use it.

use super::routing::run_routed;
use crate::app::{Action, Effect, State, update};
use crate::cloud::{Cloud, Clouds};
use crate::domain::Timestamp;
use std::collections::VecDeque;

/// A headless app: state, ports and the queue of effects not yet run.
pub struct Headless {
    /// The app state.
    pub state: State,
    clouds: Clouds,
    queue: VecDeque<Effect>,
    effects_run: u64,
    recorded: Option<Vec<Action>>,
}

impl Headless {
    /// A headless app over these ports, for every environment.
    pub fn new(state: State, cloud: Cloud) -> Self {
        Headless::with_clouds(state, Clouds::single(cloud))
    }

    /// A headless app over each identity's ports (each effect runs on its environment's).
    pub fn with_clouds(state: State, clouds: Clouds) -> Self {
        Headless {
            state,
            clouds,
            queue: VecDeque::new(),
            effects_run: 0,
            recorded: None,
        }
    }

    /// Applies an action; its effects wait in the queue until [`Headless::settle`].
    pub fn dispatch(&mut self, action: Action) {
        if let Some(log) = self.recorded.as_mut() {
            log.push(action.clone());
        }
        let effects = update(&mut self.state, action);
        self.queue.extend(effects);
    }

    /// Runs queued effects and idle work (the filtered charts) until none remain. Reads that
    /// run beside others ([`Effect::runs_beside_others`]) queued one after another run at once,
    /// their answers folded in the order they were asked, as if run one by one; any other effect
    /// runs alone, after those before it.
    pub async fn settle(&mut self) {
        loop {
            let batch = self.next_batch();
            if batch.is_empty() {
                if self.state.traffic.charts_pending() {
                    self.dispatch(Action::ChartsStep);
                    continue;
                }
                break;
            }
            self.effects_run += batch.len() as u64;
            let clouds = &self.clouds;
            let runs = batch.into_iter().map(|effect| async move {
                // A read's parts come first, as in the terminal loop.
                let (tx, mut parts) = tokio::sync::mpsc::unbounded_channel();
                let answer = run_routed(clouds, effect, Some(&tx)).await;
                let mut got = Vec::new();
                while let Ok(part) = parts.try_recv() {
                    got.push(part);
                }
                (got, answer)
            });
            for (parts, answer) in futures::future::join_all(runs).await {
                for part in parts {
                    self.dispatch(part);
                }
                if let Some(action) = answer {
                    self.dispatch(action);
                }
            }
        }
    }

    /// The effects to run next: the reads at the queue's front that run beside others, or the
    /// one effect there that does not.
    fn next_batch(&mut self) -> Vec<Effect> {
        let mut batch = Vec::new();
        while let Some(front) = self.queue.front() {
            let beside = front.runs_beside_others();
            if !beside && !batch.is_empty() {
                break;
            }
            batch.extend(self.queue.pop_front());
            if !beside {
                break;
            }
        }
        batch
    }

    /// A tick at `now`, then everything it started.
    pub async fn tick(&mut self, now: Timestamp) {
        self.dispatch(Action::Tick(now));
        self.settle().await;
    }

    /// Starts keeping every dispatched action (for replay in benchmarks).
    pub fn record(&mut self) {
        self.recorded = Some(Vec::new());
    }

    /// The actions dispatched since [`Headless::record`].
    pub fn take_recorded(&mut self) -> Vec<Action> {
        self.recorded.take().unwrap_or_default()
    }

    /// Effects run so far.
    pub fn effects_run(&self) -> u64 {
        self.effects_run
    }
}

impl Headless {
    /// Starts the app at `now` (identity and first refreshes) and runs it until quiet.
    pub async fn start(&mut self, now: Timestamp) {
        self.state.now = now;
        let effects = crate::app::start(&mut self.state);
        self.queue.extend(effects);
        self.settle().await;
    }
}
