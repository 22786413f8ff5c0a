//! The simulated world: construction from the environment specs, the event loop and truth accessors.

use super::changelog::Change;
use super::cloudfront::invalidations::Invalidations;
use super::cloudfront::traffic::DistSim;
use super::cloudwatch::livetail::TailSession;
use super::cloudwatch::metrics::MetricStore;
use super::cloudwatch::store::CloudWatch;
use super::codepipeline::pipeline::EnvSim;
use super::config::{FaultRates, SimConfig, SimStats};
use super::deployer::Deployer;
use super::events::{Agenda, Ev};
use super::faults::{Access, Fault};
use super::github::GitHubSim;
use super::rng::Rng;
use super::s3::buckets::Buckets;
use super::s3::uploads::Upload;
use crate::domain::{
    ActionExecutionDetail, Approval, Distribution, EnvSpec, ExecutionSummary, Millis, PipelineDef,
    PipelineState, Release, Timestamp,
};
use std::collections::{BTreeMap, VecDeque};

/// The whole operated system, simulated: pipelines, buckets, distributions, logs and the people
/// who drive them. Pure and deterministic: no locks, no I/O, no wall clock.
pub struct Simulator {
    pub(crate) cfg: SimConfig,
    pub(crate) now: Timestamp,
    pub(crate) rng: Rng,
    pub(crate) fault_rng: Rng,
    /// The stage conditions' own random choices (alarm timing, automatic retries, rule ids), so
    /// that the rest of the world does not depend on them.
    pub(crate) cond_rng: Rng,
    pub(crate) agenda: Agenda,
    pub(crate) envs: Vec<EnvSim>,
    pub(crate) buckets: Buckets,
    pub(crate) logs: CloudWatch,
    pub(crate) metrics: MetricStore,
    pub(crate) dists: Vec<DistSim>,
    pub(crate) deployer: Deployer,
    pub(crate) github: GitHubSim,
    pub(crate) stats: SimStats,
    pub(crate) uploads: BTreeMap<String, Upload>,
    pub(crate) invalidations: Invalidations,
    pub(crate) tails: Vec<TailSession>,
    pub(crate) forced: BTreeMap<String, VecDeque<Fault>>,
    pub(crate) access: Access,
    pub(crate) changes: Vec<Change>,
    pub(crate) athena: super::athena::AthenaSim,
}

impl Simulator {
    /// Builds the world for `envs` and plays `config.history_days` of history up to `config.start`.
    pub fn new(config: SimConfig, envs: &[EnvSpec]) -> Simulator {
        let t0 = config.start - Millis::from(config.history_days) * Timestamp::DAY;
        let mut rng = Rng::new(config.seed);
        let fault_rng = rng.fork();
        let mut buckets = Buckets::default();
        for e in envs {
            buckets.create(&e.source_bucket, true);
            for source in super::cloudfront::logging::setup(e, config.account(&e.name)) {
                if let Some((bucket, _)) = source.source.s3() {
                    buckets.create(bucket, false);
                }
            }
        }
        let groups = envs.iter().flat_map(|e| {
            let account = config.account(&e.name);
            e.log_groups.iter().map(move |g| (account, g.as_str()))
        });
        let mut sim = Simulator {
            now: t0,
            rng,
            fault_rng,
            cond_rng: Rng::new(config.seed ^ 0x5eed_c0de_0000_0019),
            agenda: Agenda::default(),
            envs: envs.iter().map(|e| EnvSim::new(e, t0)).collect(),
            buckets,
            logs: CloudWatch::new(groups),
            metrics: MetricStore::default(),
            dists: Vec::new(),
            deployer: Deployer::default(),
            github: GitHubSim::new(config.seed),
            stats: SimStats::default(),
            uploads: BTreeMap::new(),
            invalidations: Invalidations::new(),
            tails: Vec::new(),
            forced: BTreeMap::new(),
            access: Access::default(),
            changes: Vec::new(),
            athena: Default::default(),
            cfg: config,
        };
        sim.init_traffic(t0);
        sim.init_deployer(t0);
        let tables = sim.cfg.athena_tables.clone();
        sim.athena_tables_at_start(&tables);
        let start = sim.cfg.start;
        sim.advance_to(start);
        sim.github_at_start();
        sim
    }

    /// The simulated time.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The configuration the world was built with (faults as last set).
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// The environment specs the world was built from.
    pub fn specs(&self) -> Vec<EnvSpec> {
        self.envs.iter().map(|e| e.spec.clone()).collect()
    }

    /// Plays every event up to `t`, jumping from event to event; time never goes back.
    pub fn advance_to(&mut self, t: Timestamp) {
        while let Some((at, ev)) = self.agenda.pop_due(t) {
            self.now = self.now.max(at);
            self.handle(ev);
        }
        self.now = self.now.max(t);
        self.feed_tails();
    }

    /// Plays `ms` milliseconds of simulated time.
    pub fn advance(&mut self, ms: Millis) {
        self.advance_to(self.now + ms.max(0));
    }

    /// Changes the fault probabilities applied by the ports.
    pub fn set_faults(&mut self, faults: FaultRates) {
        self.cfg.faults = faults;
    }

    /// Port calls and injected faults so far.
    pub fn stats(&self) -> SimStats {
        self.stats.clone()
    }

    /// Number of events waiting on the agenda (a cheap health figure for benchmarks).
    pub fn scheduled_events(&self) -> usize {
        self.agenda.len()
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Stage {
                env,
                stage,
                generation,
            } => self.stage_timer(env, stage, generation),
            Ev::Condition {
                env,
                stage,
                generation,
            } => self.condition_due(env, stage, generation),
            Ev::Settle { env, exec } => self.settle(env, exec),
            Ev::Publish { forced } => self.publish(forced),
            Ev::Promote { env, forced } => self.promote(env, forced),
            Ev::DevBuild => self.dev_build(),
            Ev::RunDone { run, attempt } => self.github_run_done(run, attempt),
            Ev::Answer {
                env,
                stage,
                token,
                approve,
                actor,
            } => self.answer(env, stage, &token, approve, &actor),
            Ev::Traffic { dist } => self.traffic_window(dist),
            Ev::Deliver {
                bucket,
                key,
                object,
            } => {
                self.buckets.put(&bucket, &key, *object);
            }
        }
    }

    fn env_named(&self, pipeline: &str) -> Option<&EnvSim> {
        self.envs.iter().find(|e| e.spec.pipeline == pipeline)
    }

    /// Truth: the definition of pipeline `name`.
    pub fn pipeline_def(&self, name: &str) -> Option<PipelineDef> {
        self.env_named(name).map(|e| e.def.clone())
    }

    /// Truth: the live state of pipeline `name`.
    pub fn pipeline_state(&self, name: &str) -> Option<PipelineState> {
        self.env_named(name).map(EnvSim::state)
    }

    /// Truth: every execution of pipeline `name`, newest first.
    pub fn executions(&self, name: &str) -> Vec<ExecutionSummary> {
        self.env_named(name)
            .map(EnvSim::summaries)
            .unwrap_or_default()
    }

    /// Truth: the action runs of one execution, newest first.
    pub fn action_executions(&self, name: &str, execution_id: &str) -> Vec<ActionExecutionDetail> {
        self.op_action_executions(name, execution_id)
            .unwrap_or_default()
    }

    /// Truth: the distribution `id`.
    pub fn distribution(&self, id: &str) -> Option<Distribution> {
        self.dists
            .iter()
            .find(|d| d.dist.id == id)
            .map(|d| d.view(self.now))
    }

    /// Truth: every published release, newest first (developers' dev builds are not releases).
    pub fn releases(&self) -> Vec<Release> {
        self.deployer.releases.iter().rev().cloned().collect()
    }

    /// Truth: what runs in environment `env_name`: the release of the newest execution that
    /// succeeded in its deploy stage.
    pub fn deployed_release(&self, env_name: &str) -> Option<Release> {
        self.envs
            .iter()
            .find(|e| e.spec.name == env_name)
            .and_then(EnvSim::deployed)
    }

    /// Truth: approvals waiting for an answer, in environment order.
    pub fn pending_approvals(&self) -> Vec<Approval> {
        self.envs.iter().flat_map(EnvSim::pending).collect()
    }
}
