//! The `Pipelines` port over CodePipeline.

use super::super::convert;
use super::super::errors::{Call, map};
use super::super::{AwsCloud, Ready};
use super::actions;
use super::conditions;
use super::rollback;
use crate::cloud::{
    ApprovalAnswer, CloudError, CloudResult, Pipelines, RetryMode, StartRequest, TransitionChange,
};
use crate::domain::{
    ActionExecutionDetail, ConditionKind, ExecutionSummary, PipelineDef, PipelineState,
    RuleExecutionDetail, Timestamp,
};
use async_trait::async_trait;
use aws_sdk_codepipeline::types as sdk;

/// Largest page `ListPipelineExecutions` and `ListActionExecutions` serve.
pub(super) const PAGE: usize = 100;
/// Pages of action executions read for one pipeline execution (bounded; one page is typical).
const ACTION_PAGES: usize = 10;

pub(super) fn call<'a>(
    operation: &'static str,
    iam: &'static str,
    resources: &'a [(&'static str, &'a str)],
) -> Call<'a> {
    Call {
        service: "codepipeline",
        operation,
        iam,
        resources,
    }
}

/// A request the SDK refused to build (a required field missing): a bug or bad input, not AWS.
pub(super) fn invalid(operation: &str, err: impl std::fmt::Display) -> CloudError {
    CloudError::Rejected {
        code: "InvalidRequest".into(),
        message: format!("{operation}: {err}"),
    }
}

#[async_trait]
impl Pipelines for AwsCloud {
    async fn get_pipeline(&self, name: &str) -> CloudResult<PipelineDef> {
        let r = self.ready().await;
        let resources = [("pipeline", name)];
        let c = call("GetPipeline", "codepipeline:GetPipeline", &resources);
        let out = r
            .clients
            .codepipeline
            .get_pipeline()
            .name(name)
            .send()
            .await;
        let out = out.map_err(|e| map(e, &c, &r.site))?;
        let pipeline = out.pipeline.ok_or_else(|| CloudError::NotFound {
            kind: "pipeline".into(),
            name: name.into(),
        })?;
        Ok(convert::pipeline_def(&pipeline))
    }

    async fn get_pipeline_state(&self, name: &str) -> CloudResult<PipelineState> {
        let r = self.ready().await;
        let resources = [("pipeline", name)];
        let c = call(
            "GetPipelineState",
            "codepipeline:GetPipelineState",
            &resources,
        );
        let out = r
            .clients
            .codepipeline
            .get_pipeline_state()
            .name(name)
            .send()
            .await;
        let out = out.map_err(|e| map(e, &c, &r.site))?;
        Ok(convert::pipeline_state(name, &out))
    }

    async fn list_executions(&self, name: &str, max: usize) -> CloudResult<Vec<ExecutionSummary>> {
        let r = self.ready().await;
        let resources = [("pipeline", name)];
        let c = call(
            "ListPipelineExecutions",
            "codepipeline:ListPipelineExecutions",
            &resources,
        );
        list_pages(r, &c, name, None, max).await
    }

    async fn get_execution(&self, name: &str, execution_id: &str) -> CloudResult<ExecutionSummary> {
        let r = self.ready().await;
        let resources = [("pipeline", name), ("pipeline execution", execution_id)];
        let c = call(
            "GetPipelineExecution",
            "codepipeline:GetPipelineExecution",
            &resources,
        );
        let out = r
            .clients
            .codepipeline
            .get_pipeline_execution()
            .pipeline_name(name)
            .pipeline_execution_id(execution_id)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let execution = out.pipeline_execution.ok_or_else(|| CloudError::NotFound {
            kind: "pipeline execution".into(),
            name: execution_id.into(),
        })?;
        let mut summary = convert::execution(&execution);
        // GetPipelineExecution has no times and names artifacts, not source actions: take those
        // from the newest page of the listing when the execution is on it.
        let listed = self.list_executions(name, PAGE).await.unwrap_or_default();
        if let Some(row) = listed.into_iter().find(|e| e.id == execution_id) {
            summary.start = row.start;
            summary.last_update = row.last_update;
            summary.source_revisions = row.source_revisions;
            summary.stop_reason = row.stop_reason;
        }
        Ok(summary)
    }

    async fn list_action_executions(
        &self,
        name: &str,
        execution_id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>> {
        let r = self.ready().await;
        let resources = [("pipeline", name), ("pipeline execution", execution_id)];
        let c = call(
            "ListActionExecutions",
            "codepipeline:ListActionExecutions",
            &resources,
        );
        let filter = sdk::ActionExecutionFilter::builder()
            .pipeline_execution_id(execution_id)
            .build();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..ACTION_PAGES {
            let page = r
                .clients
                .codepipeline
                .list_action_executions()
                .pipeline_name(name)
                .filter(filter.clone())
                .max_results(PAGE as i32)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
            let rows = page.action_execution_details();
            out.extend(rows.iter().filter_map(convert::action_detail));
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    async fn put_approval_result(&self, answer: &ApprovalAnswer) -> CloudResult<Timestamp> {
        actions::put_approval_result(self, answer).await
    }

    async fn start_execution(&self, name: &str, request: &StartRequest) -> CloudResult<String> {
        actions::start_execution(self, name, request).await
    }

    async fn stop_execution(
        &self,
        name: &str,
        execution_id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()> {
        actions::stop_execution(self, name, execution_id, abandon, reason).await
    }

    async fn retry_stage(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        mode: RetryMode,
    ) -> CloudResult<String> {
        actions::retry_stage(self, name, stage, execution_id, mode).await
    }

    async fn rollback_stage(&self, name: &str, stage: &str, target: &str) -> CloudResult<String> {
        rollback::rollback_stage(self, name, stage, target).await
    }

    async fn list_succeeded_in_stage(
        &self,
        name: &str,
        stage: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        rollback::list_succeeded_in_stage(self, name, stage, max).await
    }

    async fn set_inbound_transition(
        &self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
    ) -> CloudResult<()> {
        rollback::set_inbound_transition(self, name, stage, change).await
    }

    async fn list_rule_executions(
        &self,
        name: &str,
        execution_id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<RuleExecutionDetail>> {
        conditions::list_rule_executions(self, name, execution_id, max).await
    }

    async fn override_stage_condition(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
    ) -> CloudResult<()> {
        conditions::override_stage_condition(self, name, stage, execution_id, kind).await
    }
}

/// `ListPipelineExecutions`, newest first, paged until `max` executions (optionally filtered).
pub(super) async fn list_pages(
    r: &Ready,
    c: &Call<'_>,
    name: &str,
    filter: Option<sdk::PipelineExecutionFilter>,
    max: usize,
) -> CloudResult<Vec<ExecutionSummary>> {
    let mut out: Vec<ExecutionSummary> = Vec::new();
    let mut token: Option<String> = None;
    while out.len() < max {
        let page = r
            .clients
            .codepipeline
            .list_pipeline_executions()
            .pipeline_name(name)
            .set_filter(filter.clone())
            .max_results((max - out.len()).min(PAGE) as i32)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map(e, c, &r.site))?;
        let rows = page.pipeline_execution_summaries();
        let empty = rows.is_empty();
        out.extend(rows.iter().map(convert::execution_summary));
        token = page.next_token;
        if token.is_none() || empty {
            break;
        }
    }
    out.truncate(max);
    Ok(out)
}
