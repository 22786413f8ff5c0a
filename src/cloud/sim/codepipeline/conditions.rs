//! Stage conditions as the API serves them: `ListRuleExecutions` and `OverrideStageCondition`,
//! with AWS's checks and error codes.

use super::super::Simulator;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{ConditionKind, ConditionResult, RuleExecutionDetail};

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

/// AWS's own words for a condition that cannot be overridden.
const NOT_OVERRIDABLE: &str = "Unable to override because the condition does not allow overrides";

/// `pipelineExecutionId`'s documented pattern: a lower-case UUID.
fn is_execution_id(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        })
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

    /// `OverrideStageCondition` by `by`: only a beforeEntry or onSuccess condition in progress
    /// for that very execution, and never one whose result is SKIP.
    pub(crate) fn op_override(
        &mut self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
        by: &str,
    ) -> CloudResult<()> {
        let env = self.env_of(name)?;
        let e = &self.envs[env];
        let i = e.stage_index(stage).ok_or_else(|| CloudError::NotFound {
            kind: "stage".into(),
            name: stage.into(),
        })?;
        if kind == ConditionKind::OnFailure {
            return Err(rejected(
                "ValidationException",
                "conditionType must be one of BEFORE_ENTRY, ON_SUCCESS",
            ));
        }
        if !is_execution_id(execution_id) {
            return Err(rejected(
                "ValidationException",
                format!(
                    "pipelineExecutionId {execution_id} must match \
                     [0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"
                ),
            ));
        }
        let declared = e.conditions_of(i, kind);
        let k = kind.as_str();
        if declared.is_empty() {
            return Err(rejected(
                "ConditionNotOverridableException",
                format!("{NOT_OVERRIDABLE}: stage {stage} has no {k} condition"),
            ));
        }
        if declared
            .iter()
            .any(|c| c.result == Some(ConditionResult::Skip))
        {
            return Err(rejected(
                "ConditionNotOverridableException",
                format!("{NOT_OVERRIDABLE}: the {k} condition of stage {stage} has result SKIP"),
            ));
        }
        let gate = e.stages[i].gate.as_ref().filter(|g| g.kind == kind);
        let Some(gate) = gate else {
            return Err(rejected(
                "ConditionNotOverridableException",
                format!("{NOT_OVERRIDABLE}: no {k} condition of stage {stage} is in progress"),
            ));
        };
        let holding = e.execs[gate.exec].summary.id.clone();
        if holding != execution_id {
            return Err(rejected(
                "NotLatestPipelineExecutionException",
                format!(
                    "The {k} condition of stage {stage} is in progress for execution {holding}, \
                     not {execution_id}"
                ),
            ));
        }
        self.record(
            "OverrideStageCondition",
            format!("{name}/{stage}"),
            format!("{k} {execution_id}"),
            Some(by),
        );
        self.override_gate(env, i, by);
        Ok(())
    }
}
