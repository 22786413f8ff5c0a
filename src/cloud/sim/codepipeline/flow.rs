//! Stage mechanics: executions arrive, wait (one superseding another, or in a queue), enter,
//! finish and move on.

use super::super::Simulator;
use super::super::events::Ev;
use super::pipeline::{Exec, Outcome, Pos};
use crate::domain::{
    ActionCategory, ActionStatus, ErrorDetails, ExecutionMode, ExecutionStatus, ExecutionSummary,
    ExecutionType, PipelineType, Release, SourceRevision, StageStatus, Trigger,
};
use std::collections::BTreeMap;

/// Object metadata key holding the revision summary.
pub use crate::domain::SUMMARY_KEY;

/// How long an abandoned execution shows Stopping before it is Stopped. AWS documents only
/// that it passes through Stopping; a few seconds is what the console shows.
const ABANDON_SETTLES: crate::domain::Millis = 5 * crate::domain::Timestamp::SECOND;

/// How an action ended.
pub(crate) struct Ending {
    pub(crate) status: ActionStatus,
    pub(crate) summary: Option<String>,
    pub(crate) error: Option<ErrorDetails>,
    pub(crate) by: Option<String>,
}

impl Simulator {
    /// Starts an execution on the source object's latest (or given) version with the variables
    /// passed (the others at their defaults); returns its index.
    pub(crate) fn begin_execution(
        &mut self,
        env: usize,
        trigger: Trigger,
        version: Option<&str>,
        variables: &BTreeMap<String, String>,
    ) -> usize {
        let spec = &self.envs[env].spec;
        let object = match version {
            Some(v) => self
                .buckets
                .version(&spec.source_bucket, &spec.source_key, v),
            None => self.buckets.latest(&spec.source_bucket, &spec.source_key),
        };
        let revision = object.map(|o| SourceRevision {
            action_name: "Source".into(),
            revision_id: o
                .version_id
                .clone()
                .unwrap_or_else(|| o.etag.trim_matches('"').to_string()),
            revision_summary: o.metadata.get(SUMMARY_KEY).cloned(),
        });
        let release = revision
            .as_ref()
            .and_then(|r| r.revision_summary.as_deref())
            .and_then(Release::parse_summary);
        let now = self.now;
        let def = &self.envs[env].def;
        let mode = (def.pipeline_type == Some(PipelineType::V2)).then_some(def.execution_mode);
        let variables = self.envs[env].resolve(variables);
        let exec = Exec {
            summary: ExecutionSummary {
                id: self.rng.uuid(),
                status: ExecutionStatus::InProgress,
                status_summary: None,
                stop_reason: None,
                start: now,
                last_update: now,
                source_revisions: revision.into_iter().collect(),
                trigger,
                execution_type: ExecutionType::Standard,
                execution_mode: mode,
                rollback_target: None,
                variables: Vec::new(),
            },
            release,
            pos: Pos::Waiting(0),
            stopping: false,
            abandoning: false,
            version: self.envs[env].def.version,
            halted_stage: None,
            passed: Default::default(),
            variables,
        };
        let e = &mut self.envs[env];
        e.execs.push(exec);
        let idx = e.execs.len() - 1;
        self.arrive(env, idx, 0);
        idx
    }

    /// The execution reaches the entry of stage `i`: in SUPERSEDED mode it supersedes an older
    /// waiter, in QUEUED mode it joins the queue; then it waits.
    pub(crate) fn arrive(&mut self, env: usize, exec: usize, i: usize) {
        let e = &mut self.envs[env];
        let superseded: Vec<usize> = match e.def.execution_mode {
            ExecutionMode::Superseded => e.stages[i].waiting.drain(..).collect(),
            ExecutionMode::Queued | ExecutionMode::Parallel => Vec::new(),
        };
        e.stages[i].waiting.push_back(exec);
        for old in superseded {
            self.end_exec(env, old, ExecutionStatus::Superseded, None);
        }
        self.envs[env].execs[exec].pos = Pos::Waiting(i);
        self.pump(env);
    }

    /// Lets waiting executions into free stages (no run, no condition holding it), from the
    /// last stage back, through their entry conditions.
    pub(crate) fn pump(&mut self, env: usize) {
        for i in (0..self.envs[env].stages.len()).rev() {
            let s = &mut self.envs[env].stages[i];
            if s.run.is_none()
                && s.gate.is_none()
                && s.disabled_reason.is_none()
                && let Some(w) = s.waiting.pop_front()
            {
                self.admit(env, w, i);
            }
        }
    }

    /// Finishes an execution with a terminal status.
    pub(crate) fn end_exec(
        &mut self,
        env: usize,
        exec: usize,
        status: ExecutionStatus,
        why: Option<String>,
    ) {
        let now = self.now;
        let x = &mut self.envs[env].execs[exec];
        x.summary.status = status;
        x.summary.status_summary = why;
        x.summary.last_update = now;
        x.pos = Pos::Done;
        x.stopping = false;
        self.envs[env].updated = now;
    }

    /// A stage timer fired: the running action ends as planned (or the approval expires).
    pub(crate) fn stage_timer(&mut self, env: usize, i: usize, generation: u64) {
        let s = &self.envs[env].stages[i];
        if s.generation != generation {
            return;
        }
        let Some(run) = &s.run else { return };
        let ending = match &run.outcome {
            Outcome::Succeed => Ending {
                status: ActionStatus::Succeeded,
                summary: None,
                error: None,
                by: None,
            },
            Outcome::Fail(err) => Ending {
                status: ActionStatus::Failed,
                summary: Some(err.message.clone()),
                error: Some(err.clone()),
                by: None,
            },
            // A timed-out approval "is processed in the same way as a failed action": AWS
            // documents no summary or error text for it, so none is written (shipdeck tells
            // expiry from the deadline and the missing `updatedBy`).
            Outcome::Wait => Ending {
                status: ActionStatus::Failed,
                summary: None,
                error: None,
                by: None,
            },
        };
        self.finish_action(env, i, ending);
    }

    /// Ends the running action of stage `i` and moves its execution on.
    pub(crate) fn finish_action(&mut self, env: usize, i: usize, end: Ending) {
        let now = self.now;
        let e = &mut self.envs[env];
        let category = e.action_def(i).map(|a| a.category);
        let s = &mut e.stages[i];
        s.generation += 1;
        let Some(run) = s.run.take() else { return };
        if let Some(a) = &mut s.action {
            if end.summary.is_some() || end.status != ActionStatus::Succeeded {
                a.summary = end.summary.clone();
            }
            a.status = end.status;
            a.last_status_change = now;
            a.token = None;
            a.last_updated_by = end.by.clone();
            a.error = end.error.clone();
        }
        if let Some(d) = e.details.get_mut(run.detail) {
            d.status = end.status;
            d.last_update = now;
            d.updated_by = end.by.clone();
            d.error = end.error.clone();
            if end.summary.is_some() {
                d.summary = end.summary.clone();
            }
        }
        e.updated = now;
        let stopping = e.execs[run.exec].stopping;
        let abandoning = e.execs[run.exec].abandoning;
        let stage_status = match end.status {
            ActionStatus::Succeeded if stopping => StageStatus::Stopped,
            ActionStatus::Succeeded => StageStatus::Succeeded,
            ActionStatus::Failed => StageStatus::Failed,
            ActionStatus::Abandoned | ActionStatus::InProgress if abandoning => {
                StageStatus::Stopping
            }
            ActionStatus::Abandoned | ActionStatus::InProgress => StageStatus::Stopped,
        };
        if let Some(l) = &mut s.latest {
            l.status = stage_status;
        }
        match stage_status {
            StageStatus::Succeeded => {
                // The stage stays in progress while its onSuccess conditions watch.
                if self.hold_on_success(env, run.exec, i) {
                    if let Some(l) = &mut self.envs[env].stages[i].latest {
                        l.status = StageStatus::InProgress;
                    }
                } else {
                    self.stage_passed(env, run.exec, i);
                }
            }
            StageStatus::Failed if !stopping && self.retry_on_failure(env, run.exec, i) => {}
            // Stop and wait: the execution is Stopped once its running actions finish, also
            // when one of them fails.
            StageStatus::Failed if stopping => {
                self.end_exec(env, run.exec, ExecutionStatus::Stopped, end.summary);
                self.envs[env].execs[run.exec].halted_stage = Some(i);
            }
            StageStatus::Failed => {
                self.end_exec(env, run.exec, ExecutionStatus::Failed, end.summary);
                self.envs[env].execs[run.exec].halted_stage = Some(i);
            }
            StageStatus::Stopping => {
                self.settle_later(env, run.exec);
                self.envs[env].execs[run.exec].halted_stage = Some(i);
            }
            _ => {
                self.end_exec(env, run.exec, ExecutionStatus::Stopped, None);
                self.envs[env].execs[run.exec].halted_stage = Some(i);
            }
        }
        if category == Some(ActionCategory::Build) {
            let release = self.envs[env].execs[run.exec].release.clone();
            self.on_deploy_done(env, end.status == ActionStatus::Succeeded, release.as_ref());
        }
        if let Some(stream) = run.stream.filter(|_| end.status == ActionStatus::Abandoned) {
            self.logs.truncate_stream(&stream, now);
        }
        self.pump(env);
    }

    /// An abandoned execution stays Stopping a moment (nothing runs for it any more), then
    /// settles as Stopped.
    pub(crate) fn settle_later(&mut self, env: usize, exec: usize) {
        let x = &mut self.envs[env].execs[exec];
        x.pos = Pos::Done;
        x.summary.status = ExecutionStatus::Stopping;
        x.summary.last_update = self.now;
        self.envs[env].updated = self.now;
        self.agenda
            .push(self.now + ABANDON_SETTLES, Ev::Settle { env, exec });
    }

    /// An abandoned execution settles: Stopped, and so is the stage it was abandoned in.
    pub(crate) fn settle(&mut self, env: usize, exec: usize) {
        let x = &self.envs[env].execs[exec];
        if !(x.abandoning && x.summary.status == ExecutionStatus::Stopping) {
            return;
        }
        let id = x.summary.id.clone();
        for s in &mut self.envs[env].stages {
            if let Some(l) = s
                .latest
                .as_mut()
                .filter(|l| l.pipeline_execution_id == id && l.status == StageStatus::Stopping)
            {
                l.status = StageStatus::Stopped;
            }
        }
        self.end_exec(env, exec, ExecutionStatus::Stopped, None);
        self.envs[env].execs[exec].abandoning = false;
    }
}
