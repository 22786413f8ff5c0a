//! CodePipeline operations as the API serves them, with AWS's checks and error codes.

use super::Simulator;
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

    /// `StartPipelineExecution` by `by`, honouring `clientRequestToken`.
    pub(crate) fn op_start(
        &mut self,
        name: &str,
        req: &StartRequest,
        by: &str,
    ) -> CloudResult<String> {
        let env = self.env_of(name)?;
        if let Some(t) = &req.client_request_token {
            if t.is_empty() || t.len() > 128 {
                return Err(rejected(
                    "ValidationException",
                    "clientRequestToken must be 1-128 characters",
                ));
            }
            if let Some(id) = self.envs[env].client_tokens.get(t) {
                return Ok(id.clone());
            }
        }
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
        let idx = self.begin_execution(env, trigger, version);
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

    /// `StopPipelineExecution`.
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
            ExecutionStatus::Stopping if !abandon => {
                return Err(rejected(
                    "DuplicatedStopRequestException",
                    format!("Execution {id} is already stopping"),
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
        let why = (!reason.is_empty()).then(|| reason.to_string());
        let pos = exec.pos;
        let how = if abandon { "abandon" } else { "stop" };
        self.record("StopPipelineExecution", id, how, None);
        match pos {
            Pos::Waiting(i) => {
                self.envs[env].stages[i].waiting = None;
                self.end_exec(env, x, ExecutionStatus::Stopped, why);
            }
            Pos::Running(i) => {
                let approval = self.envs[env]
                    .action_def(i)
                    .is_some_and(|a| a.category == ActionCategory::Approval);
                let e = &mut self.envs[env];
                e.execs[x].summary.status_summary = why;
                if abandon || approval {
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

    /// `RetryStageExecution` (one action per stage, so both modes rerun it).
    pub(crate) fn op_retry(
        &mut self,
        name: &str,
        stage: &str,
        id: &str,
        _mode: RetryMode,
    ) -> CloudResult<String> {
        let env = self.env_of(name)?;
        let x = self.exec_of(env, id)?;
        let i = self.envs[env]
            .stage_index(stage)
            .ok_or_else(|| not_found("stage", stage))?;
        if !self.is_latest(env, x) {
            return Err(rejected(
                "NotLatestPipelineExecutionException",
                format!("Execution {id} is not the latest execution of {name}"),
            ));
        }
        let exec = &self.envs[env].execs[x];
        let retryable = matches!(
            exec.summary.status,
            ExecutionStatus::Failed | ExecutionStatus::Stopped
        ) && exec.halted_stage == Some(i);
        if !retryable {
            return Err(rejected(
                "StageNotRetryableException",
                format!("Stage {stage} of execution {id} cannot be retried"),
            ));
        }
        let e = &mut self.envs[env];
        e.execs[x].summary.status = ExecutionStatus::InProgress;
        e.execs[x].summary.status_summary = None;
        e.execs[x].summary.last_update = self.now;
        e.execs[x].halted_stage = None;
        self.arrive(env, x, i);
        self.record("RetryStageExecution", id, stage.to_string(), None);
        Ok(id.to_string())
    }
}
