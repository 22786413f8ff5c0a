//! Read-only CodePipeline operations: definition, state, executions and action runs.

use super::Simulator;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{ActionExecutionDetail, ExecutionSummary, PipelineDef, PipelineState};

impl Simulator {
    /// Index of execution `id` in environment `env`.
    pub(crate) fn exec_of(&self, env: usize, id: &str) -> CloudResult<usize> {
        self.envs[env]
            .exec_index(id)
            .ok_or_else(|| CloudError::NotFound {
                kind: "pipeline execution".into(),
                name: id.into(),
            })
    }

    /// `GetPipeline`.
    pub(crate) fn op_get_pipeline(&self, name: &str) -> CloudResult<PipelineDef> {
        Ok(self.envs[self.env_of(name)?].def.clone())
    }

    /// `GetPipelineState`.
    pub(crate) fn op_state(&self, name: &str) -> CloudResult<PipelineState> {
        Ok(self.envs[self.env_of(name)?].state())
    }

    /// `ListPipelineExecutions`: newest first, at most `max` (≤ 100).
    pub(crate) fn op_list_executions(
        &self,
        name: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        let env = self.env_of(name)?;
        Ok(self.envs[env]
            .execs
            .iter()
            .rev()
            .take(max.min(100))
            .map(|e| e.summary.clone())
            .collect())
    }

    /// `GetPipelineExecution`.
    pub(crate) fn op_get_execution(&self, name: &str, id: &str) -> CloudResult<ExecutionSummary> {
        let env = self.env_of(name)?;
        Ok(self.envs[env].execs[self.exec_of(env, id)?].summary.clone())
    }

    /// `ListActionExecutions` filtered by execution: newest first.
    pub(crate) fn op_action_executions(
        &self,
        name: &str,
        id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>> {
        let env = self.env_of(name)?;
        self.exec_of(env, id)?;
        let rows = self.envs[env]
            .details
            .iter()
            .rev()
            .filter(|d| d.pipeline_execution_id == id);
        Ok(rows.cloned().collect())
    }
}
