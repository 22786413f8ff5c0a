//! CodePipeline operations as the API serves them, with AWS's checks and error codes.

use super::super::Simulator;
use super::flow::Ending;
use super::pipeline::{Outcome, Pos};
use crate::cloud::{
    ApprovalAnswer, ApprovalOutcome, CloudError, CloudResult, RetryMode, StartRequest,
};
use crate::domain::{
    ActionCategory, ActionStatus, ExecutionStatus, StageStatus, Timestamp, Trigger,
};

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

fn not_found(kind: &str, name: &str) -> CloudError {
    CloudError::NotFound {
        kind: kind.into(),
        name: name.into(),
    }
}

impl Simulator {
    /// Index of the environment whose pipeline is `name`.
    pub(crate) fn env_of(&self, name: &str) -> CloudResult<usize> {
        self.envs
            .iter()
            .position(|e| e.spec.pipeline == name)
            .ok_or_else(|| not_found("pipeline", name))
    }

    /// `PutApprovalResult` answered by `by`.
    pub(crate) fn op_put_approval(
        &mut self,
        answer: &ApprovalAnswer,
        by: &str,
    ) -> CloudResult<Timestamp> {
        let env = self.env_of(&answer.pipeline)?;
        let e = &self.envs[env];
        let i = e
            .stage_index(&answer.stage)
            .ok_or_else(|| not_found("stage", &answer.stage))?;
        let adef = e.action_def(i).filter(|a| a.name == answer.action);
        let adef = adef.ok_or_else(|| not_found("action", &answer.action))?;
        if adef.category != ActionCategory::Approval {
            return Err(rejected(
                "InvalidApprovalTokenException",
                "The action is not a manual approval",
            ));
        }
        if answer.summary.chars().count() > 512 {
            return Err(rejected(
                "ValidationException",
                "summary must be at most 512 characters",
            ));
        }
        let s = &e.stages[i];
        let waiting = s.run.as_ref().is_some_and(|r| r.outcome == Outcome::Wait);
        let token = s.action.as_ref().and_then(|a| a.token.as_deref());
        if !waiting || token != Some(answer.token.as_str()) {
            if e.answered.contains(&answer.token) {
                return Err(rejected(
                    "ApprovalAlreadyCompletedException",
                    format!(
                        "The approval action {} has already been completed",
                        answer.action
                    ),
                ));
            }
            return Err(rejected(
                "InvalidApprovalTokenException",
                "The approval token is not valid or has expired",
            ));
        }
        self.envs[env].answered.insert(answer.token.clone());
        let status = match answer.outcome {
            ApprovalOutcome::Approved => ActionStatus::Succeeded,
            ApprovalOutcome::Rejected => ActionStatus::Failed,
        };
        let e = &self.envs[env];
        let exec = e.stages[i]
            .run
            .as_ref()
            .map(|r| e.execs[r.exec].summary.id.clone());
        self.record(
            "PutApprovalResult",
            exec.unwrap_or_default(),
            status.as_str(),
            Some(by),
        );
        let summary = Some(answer.summary.clone()).filter(|s| !s.is_empty());
        self.finish_action(
            env,
            i,
            Ending {
                status,
                summary,
                error: None,
                by: Some(by.to_string()),
            },
        );
        Ok(self.now)
    }

    /// The checks AWS makes of a start's `variables` (1–50, each declared by the pipeline) and
    /// `sourceRevisions` (each naming a source action of the pipeline).
    fn check_start(&self, env: usize, req: &StartRequest) -> CloudResult<()> {
        let e = &self.envs[env];
        if req.variables.len() > 50 {
            return Err(rejected(
                "ValidationException",
                format!(
                    "{} variables given; at most 50 may be passed",
                    req.variables.len()
                ),
            ));
        }
        if let Some(name) = req
            .variables
            .keys()
            .find(|k| !e.def.variables.iter().any(|v| &v.name == *k))
        {
            return Err(rejected(
                "ValidationException",
                format!("Variable {name} is not declared by pipeline {}", e.def.name),
            ));
        }
        let sources: Vec<&str> = e
            .def
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|a| a.category == ActionCategory::Source)
            .map(|a| a.name.as_str())
            .collect();
        if let Some(action) = req
            .source_revisions
            .keys()
            .find(|a| !sources.contains(&a.as_str()))
        {
            return Err(rejected(
                "ValidationException",
                format!(
                    "Source revision override names action {action}, which is not a source action \
                    of pipeline {}",
                    e.def.name
                ),
            ));
        }
        Ok(())
    }

    /// `StartPipelineExecution` by `by`, honouring `clientRequestToken`.
    pub(crate) fn op_start(
        &mut self,
        name: &str,
        req: &StartRequest,
        by: &str,
    ) -> CloudResult<String> {
        let env = self.env_of(name)?;
        if let Some(t) = &req.client_request_token {
            let allowed = t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if t.is_empty() || t.len() > 128 || !allowed {
                return Err(rejected(
                    "ValidationException",
                    format!(
                        "clientRequestToken '{t}' must be 1-128 characters matching \
                         ^[a-zA-Z0-9-]+$"
                    ),
                ));
            }
            if let Some(id) = self.envs[env].client_tokens.get(t) {
                return Ok(id.clone());
            }
        }
        self.check_start(env, req)?;
        let version = req.source_revisions.get("Source").map(String::as_str);
        if let Some(v) = version {
            let spec = &self.envs[env].spec;
            if self
                .buckets
                .version(&spec.source_bucket, &spec.source_key, v)
                .is_none()
            {
                return Err(rejected(
                    "ValidationException",
                    format!("Source revision {v} not found"),
                ));
            }
        }
        let trigger = Trigger {
            kind: "StartPipelineExecution".into(),
            detail: by.into(),
        };
        let idx = self.begin_execution(env, trigger, version, &req.variables);
        let id = self.envs[env].execs[idx].summary.id.clone();
        if let Some(t) = &req.client_request_token {
            self.envs[env].client_tokens.insert(t.clone(), id.clone());
        }
        let target = req
            .client_request_token
            .clone()
            .unwrap_or_else(|| id.clone());
        self.record("StartPipelineExecution", target, id.clone(), Some(by));
        Ok(id)
    }

    /// `StopPipelineExecution`: stop and wait (Stopped once the running action ends, however
    /// it ends) or abandon (Stopping a moment, then Stopped). A second stop-and-wait, or any
    /// stop after an abandon, is a duplicate; abandoning a stop-and-wait is allowed.
    pub(crate) fn op_stop(
        &mut self,
        name: &str,
        id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()> {
        let env = self.env_of(name)?;
        let x = self.exec_of(env, id)?;
        if reason.chars().count() > 200 {
            return Err(rejected(
                "ValidationException",
                "reason must be at most 200 characters",
            ));
        }
        let exec = &self.envs[env].execs[x];
        match exec.summary.status {
            ExecutionStatus::Stopping if exec.abandoning || !abandon => {
                let how = if exec.abandoning {
                    "being abandoned"
                } else {
                    "already stopping"
                };
                return Err(rejected(
                    "DuplicatedStopRequestException",
                    format!("Execution {id} is {how}"),
                ));
            }
            ExecutionStatus::InProgress | ExecutionStatus::Stopping => {}
            other => {
                return Err(rejected(
                    "PipelineExecutionNotStoppableException",
                    format!("Execution {id} is {} and cannot be stopped", other.as_str()),
                ));
            }
        }
        let pos = exec.pos;
        let how = if abandon { "abandon" } else { "stop" };
        self.record("StopPipelineExecution", id, how, None);
        let e = &mut self.envs[env];
        if !reason.is_empty() {
            e.execs[x].summary.stop_reason = Some(reason.to_string());
        }
        let gated = |i: usize| e.stages[i].gate.as_ref().is_some_and(|g| g.exec == x);
        match pos {
            Pos::Waiting(i) | Pos::Running(i) if gated(i) => {
                // Held by a condition (at the entry, or after success): the condition is
                // abandoned with the execution.
                if let Some(l) = e.stages[i].latest.as_mut().filter(|l| {
                    matches!(pos, Pos::Running(_)) && l.status == StageStatus::InProgress
                }) {
                    l.status = StageStatus::Stopped;
                }
                self.abandon_gate(env, i);
                if abandon {
                    self.envs[env].execs[x].abandoning = true;
                    self.settle_later(env, x);
                } else {
                    self.end_exec(env, x, ExecutionStatus::Stopped, None);
                }
                self.envs[env].execs[x].halted_stage = Some(i);
                self.pump(env);
            }
            Pos::Waiting(i) => {
                e.stages[i].waiting.retain(|w| *w != x);
                if abandon {
                    e.execs[x].abandoning = true;
                    self.settle_later(env, x);
                } else {
                    self.end_exec(env, x, ExecutionStatus::Stopped, None);
                }
            }
            Pos::Running(i) => {
                // A manual approval never finishes by itself within a stop: it is abandoned.
                let approval = e
                    .action_def(i)
                    .is_some_and(|a| a.category == ActionCategory::Approval);
                if abandon || approval {
                    e.execs[x].abandoning = true;
                    let summary = Some("Abandoned by a stop request".to_string());
                    self.finish_action(
                        env,
                        i,
                        Ending {
                            status: ActionStatus::Abandoned,
                            summary,
                            error: None,
                            by: None,
                        },
                    );
                } else {
                    e.execs[x].stopping = true;
                    e.execs[x].summary.status = ExecutionStatus::Stopping;
                    e.execs[x].summary.last_update = self.now;
                    if let Some(l) = &mut e.stages[i].latest {
                        l.status = StageStatus::Stopping;
                    }
                    e.updated = self.now;
                }
            }
            Pos::Done => {}
        }
        Ok(())
    }

    /// `RetryStageExecution`, per stage: only the execution the stage last ran may be retried
    /// (`NotLatestPipelineExecutionException` when a later run has been in the stage, whatever
    /// newer executions wait elsewhere); FAILED_ACTIONS needs a failed (or abandoned) action,
    /// ALL_ACTIONS reruns the stage from its first action.
    pub(crate) fn op_retry(
        &mut self,
        name: &str,
        stage: &str,
        id: &str,
        mode: RetryMode,
    ) -> CloudResult<String> {
        let env = self.env_of(name)?;
        let x = self.exec_of(env, id)?;
        let i = self.envs[env]
            .stage_index(stage)
            .ok_or_else(|| not_found("stage", stage))?;
        let e = &self.envs[env];
        let exec = &e.execs[x];
        let halted_here = matches!(
            exec.summary.status,
            ExecutionStatus::Failed | ExecutionStatus::Stopped
        ) && exec.halted_stage == Some(i);
        if !halted_here {
            return Err(rejected(
                "StageNotRetryableException",
                format!(
                    "Stage {stage} of execution {id} cannot be retried: it did not fail or stop there"
                ),
            ));
        }
        let s = &e.stages[i];
        let stage_latest = s.latest.as_ref().map(|l| l.pipeline_execution_id.as_str());
        if stage_latest != Some(id) {
            return Err(rejected(
                "NotLatestPipelineExecutionException",
                format!(
                    "Stage {stage} has run in a later execution ({}); execution {id} is out of date",
                    stage_latest.unwrap_or("-")
                ),
            ));
        }
        if s.run.is_some() {
            return Err(rejected(
                "StageNotRetryableException",
                format!("Stage {stage} has actions in progress"),
            ));
        }
        let failed = s
            .action
            .as_ref()
            .is_some_and(|a| matches!(a.status, ActionStatus::Failed | ActionStatus::Abandoned));
        if mode == RetryMode::FailedActions && !failed {
            return Err(rejected(
                "StageNotRetryableException",
                format!("Stage {stage} of execution {id} has no failed actions"),
            ));
        }
        let e = &mut self.envs[env];
        e.execs[x].summary.status = ExecutionStatus::InProgress;
        e.execs[x].summary.status_summary = None;
        e.execs[x].summary.stop_reason = None;
        e.execs[x].summary.last_update = self.now;
        e.execs[x].halted_stage = None;
        let s = &mut e.stages[i];
        let auto = s.retries.as_ref().map_or(0, |r| r.auto_attempts);
        let manual = s.retries.as_ref().map_or(0, |r| r.manual_attempts);
        s.retries = Some(crate::domain::RetryMetadata {
            auto_attempts: auto,
            manual_attempts: manual + 1,
            latest_trigger: Some("ManualStageRetry".into()),
        });
        // The retry runs inside the stage: no transition to pass, no waiting execution to
        // supersede.
        self.start_action(env, x, i);
        self.record("RetryStageExecution", id, stage.to_string(), None);
        Ok(id.to_string())
    }
}
