//! Read-only CodePipeline operations: definition, state, executions and action runs.

use super::super::Simulator;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{ActionExecutionDetail, ExecutionSummary, PipelineDef, PipelineState};

/// Largest page `ListPipelineExecutions` serves (`maxResults` 1–100).
pub(crate) const MAX_RESULTS: usize = 100;

/// One page asked of `ListPipelineExecutions`: `maxResults` and the `nextToken` of the page
/// before.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    pub(crate) max_results: usize,
    pub(crate) next_token: Option<&'a str>,
}

impl Page<'_> {
    /// Serves this page of `rows`: a `maxResults` outside 1–100 or a token it never gave is a
    /// ValidationException, as AWS answers; the token is given only when more rows follow.
    pub(crate) fn serve<'r>(
        &self,
        rows: impl Iterator<Item = &'r ExecutionSummary>,
    ) -> CloudResult<(Vec<ExecutionSummary>, Option<String>)> {
        let invalid = |message: String| CloudError::Rejected {
            code: "ValidationException".into(),
            message,
        };
        if !(1..=MAX_RESULTS).contains(&self.max_results) {
            return Err(invalid(format!(
                "maxResults {} is not between 1 and {MAX_RESULTS}",
                self.max_results
            )));
        }
        let skip = match self.next_token {
            None => 0,
            Some(t) => t
                .strip_prefix("executions-after-")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| invalid(format!("invalid nextToken {t}")))?,
        };
        let mut rest = rows.skip(skip).peekable();
        let page: Vec<ExecutionSummary> = rest.by_ref().take(self.max_results).cloned().collect();
        let next = rest
            .peek()
            .is_some()
            .then(|| format!("executions-after-{}", skip + page.len()));
        Ok((page, next))
    }
}

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

    /// `ListPipelineExecutions`, one page: newest first.
    pub(crate) fn op_list_executions(
        &self,
        name: &str,
        page: Page<'_>,
    ) -> CloudResult<(Vec<ExecutionSummary>, Option<String>)> {
        let env = self.env_of(name)?;
        page.serve(self.envs[env].execs.iter().rev().map(|e| &e.summary))
    }

    /// `GetPipelineExecution`.
    pub(crate) fn op_get_execution(&self, name: &str, id: &str) -> CloudResult<ExecutionSummary> {
        let env = self.env_of(name)?;
        let x = &self.envs[env].execs[self.exec_of(env, id)?];
        // Only GetPipelineExecution gives the resolved variables.
        let mut summary = x.summary.clone();
        summary.variables = x.variables.clone();
        Ok(summary)
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
