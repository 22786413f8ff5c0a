//! CodePipeline rollbacks and stage transitions as the API serves them: `RollbackStage`,
//! `ListPipelineExecutions` filtered by `succeededInStage`, `Disable/EnableStageTransition`.

use super::super::Simulator;
use super::pipeline::{Exec, Pos};
use super::queries::Page;
use crate::cloud::{CloudError, CloudResult, TransitionChange, check_transition_reason};
use crate::domain::{ExecutionMode, ExecutionStatus, ExecutionSummary, ExecutionType, Trigger};

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

impl Simulator {
    /// Index of stage `stage` in environment `env`.
    fn stage_of(&self, env: usize, stage: &str) -> CloudResult<usize> {
        self.envs[env]
            .stage_index(stage)
            .ok_or_else(|| CloudError::NotFound {
                kind: "stage".into(),
                name: stage.into(),
            })
    }

    /// `ListPipelineExecutions` with `succeededInStage`, one page: newest first, ROLLBACK
    /// executions included (AWS lists them too; they are no rollback targets).
    pub(crate) fn op_succeeded_in(
        &self,
        name: &str,
        stage: &str,
        page: Page<'_>,
    ) -> CloudResult<(Vec<ExecutionSummary>, Option<String>)> {
        let env = self.env_of(name)?;
        let i = self.stage_of(env, stage)?;
        let e = &self.envs[env];
        let rows = e
            .execs
            .iter()
            .rev()
            .filter(|x| x.passed.contains(&i))
            .map(|x| &x.summary);
        page.serve(rows)
    }

    /// Bumps the definition's version, as `UpdatePipeline` does: executions started before
    /// are no rollback targets any more (a test and demo driver).
    pub fn update_pipeline(&mut self, name: &str) -> CloudResult<u32> {
        let env = self.env_of(name)?;
        let e = &mut self.envs[env];
        e.def.version += 1;
        e.updated = self.now;
        Ok(e.def.version)
    }

    /// Declares `conditions` on stage `stage` in place of its own, as `UpdatePipeline` would
    /// (the version moves on); returns the new version (a test and demo driver).
    pub fn declare_conditions(
        &mut self,
        name: &str,
        stage: &str,
        conditions: Vec<crate::domain::ConditionDef>,
    ) -> CloudResult<u32> {
        let env = self.env_of(name)?;
        let i = self.stage_of(env, stage)?;
        let e = &mut self.envs[env];
        e.def.stages[i].conditions = conditions;
        e.def.version += 1;
        e.updated = self.now;
        Ok(e.def.version)
    }

    /// `RollbackStage` by `by`: a ROLLBACK execution of the target's source revision enters `stage`.
    pub(crate) fn op_rollback(
        &mut self,
        name: &str,
        stage: &str,
        target: &str,
        by: &str,
    ) -> CloudResult<String> {
        let env = self.env_of(name)?;
        let i = self.stage_of(env, stage)?;
        if i == 0 {
            return Err(rejected(
                "ValidationException",
                format!("Stage {stage} is the source stage of {name} and cannot be rolled back"),
            ));
        }
        let x = self.envs[env]
            .exec_index(target)
            .ok_or_else(|| CloudError::NotFound {
                kind: "pipeline execution".into(),
                name: target.into(),
            })?;
        let e = &self.envs[env];
        if e.execs[x].summary.execution_type == ExecutionType::Rollback {
            return Err(rejected(
                "UnableToRollbackStageException",
                format!(
                    "Execution {target} is a rollback execution; the target of a rollback must be a standard execution"
                ),
            ));
        }
        if e.execs[x].version != e.def.version {
            return Err(rejected(
                "PipelineExecutionOutdatedException",
                format!(
                    "Execution {target} ran pipeline version {}, not the current version {}",
                    e.execs[x].version, e.def.version
                ),
            ));
        }
        if !e.execs[x].passed.contains(&i) {
            return Err(rejected(
                "UnableToRollbackStageException",
                format!(
                    "Execution {target} did not succeed in stage {stage}; it cannot be a rollback target"
                ),
            ));
        }
        if e.def.execution_mode == ExecutionMode::Parallel {
            return Err(rejected(
                "UnableToRollbackStageException",
                format!("Pipeline {name} runs in PARALLEL mode, which has no stage rollback"),
            ));
        }
        if e.stages[i].run.is_some() || e.stages[i].gate.is_some() {
            return Err(rejected(
                "UnableToRollbackStageException",
                format!(
                    "Stage {stage} of {name} is running; wait for it to finish before rolling back"
                ),
            ));
        }
        let trigger = Trigger {
            kind: "ManualRollback".into(),
            detail: by.into(),
        };
        let id = self.start_rollback(env, i, x, trigger);
        self.record("RollbackStage", target, id.clone(), Some(by));
        Ok(id)
    }

    /// A ROLLBACK execution of execution `x`'s source revisions arrives at stage `i`; returns its
    /// id. An automatic rollback draws its id from the conditions' generator.
    pub(crate) fn start_rollback(
        &mut self,
        env: usize,
        i: usize,
        x: usize,
        trigger: Trigger,
    ) -> String {
        let id = if trigger.kind == "AutomatedRollback" {
            self.cond_rng.uuid()
        } else {
            self.rng.uuid()
        };
        let e = &self.envs[env];
        let source = &e.execs[x];
        let now = self.now;
        let mode = source.summary.execution_mode.map(|_| e.def.execution_mode);
        let exec = Exec {
            summary: ExecutionSummary {
                id,
                status: ExecutionStatus::InProgress,
                status_summary: None,
                stop_reason: None,
                start: now,
                last_update: now,
                source_revisions: source.summary.source_revisions.clone(),
                trigger,
                execution_type: ExecutionType::Rollback,
                execution_mode: mode,
                rollback_target: Some(source.summary.id.clone()),
                variables: Vec::new(),
            },
            release: source.release.clone(),
            pos: Pos::Waiting(i),
            stopping: false,
            abandoning: false,
            version: e.def.version,
            halted_stage: None,
            passed: Default::default(),
            variables: source.variables.clone(),
        };
        let id = exec.summary.id.clone();
        let e = &mut self.envs[env];
        e.execs.push(exec);
        let idx = e.execs.len() - 1;
        e.updated = now;
        self.arrive(env, idx, i);
        id
    }

    /// `DisableStageTransition` / `EnableStageTransition` (inbound) by `by`.
    pub(crate) fn op_transition(
        &mut self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
        by: &str,
    ) -> CloudResult<()> {
        let env = self.env_of(name)?;
        let i = self.stage_of(env, stage)?;
        if i == 0 {
            return Err(rejected(
                "ValidationException",
                format!("Stage {stage} is the first stage of {name} and has no inbound transition"),
            ));
        }
        let (op, how) = match change {
            TransitionChange::Disable { .. } => ("DisableStageTransition", "disable"),
            TransitionChange::Enable => ("EnableStageTransition", "enable"),
        };
        let reason = match change {
            TransitionChange::Disable { reason } => {
                check_transition_reason(reason).map_err(|m| rejected("ValidationException", m))?;
                Some(reason.clone())
            }
            TransitionChange::Enable => None,
        };
        let now = self.now;
        let e = &mut self.envs[env];
        e.stages[i].disabled_reason = reason;
        e.stages[i].inbound_changed = Some((by.to_string(), now));
        e.updated = now;
        self.record(op, format!("{name}/{stage}"), how, Some(by));
        self.pump(env);
        Ok(())
    }
}
