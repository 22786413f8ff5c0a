//! Stage conditions as the API serves them: `ListRuleExecutions` and `OverrideStageCondition`,
//! with AWS's checks and error codes.

use super::super::Simulator;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{ConditionKind, RuleExecutionDetail};

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

impl Simulator {
    /// `ListRuleExecutions`, newest first, optionally of one execution.
    pub(crate) fn op_rule_executions(
        &self,
        name: &str,
        execution_id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<RuleExecutionDetail>> {
        let env = self.env_of(name)?;
        if let Some(id) = execution_id {
            self.exec_of(env, id)?;
        }
        let rows = self.envs[env]
            .rule_runs
            .iter()
            .rev()
            .filter(|r| execution_id.is_none_or(|id| r.pipeline_execution_id == id))
            .take(max);
        Ok(rows.cloned().collect())
    }

    /// `OverrideStageCondition` by `by`.
    pub(crate) fn op_override(
        &mut self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
        _by: &str,
    ) -> CloudResult<()> {
        let env = self.env_of(name)?;
        let e = &self.envs[env];
        e.stage_index(stage).ok_or_else(|| CloudError::NotFound {
            kind: "stage".into(),
            name: stage.into(),
        })?;
        self.exec_of(env, execution_id)?;
        Err(rejected(
            "ConditionNotOverridableException",
            format!(
                "Unable to override because the condition does not allow overrides: no {} \
                 condition of stage {stage} is in progress",
                kind.as_str()
            ),
        ))
    }
}
