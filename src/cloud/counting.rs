//! `CountingCloud`: a decorator over every port that counts calls per operation (the API budget),
//! GitHub's included.

use super::{
    ApprovalAnswer, Cdn, Cloud, CloudResult, Identity, Invalidation, InvalidationPage, LiveTail,
    LiveTailRequest, LogPage, LogQuery, Logs, Metrics, ObjectMeta, ObjectPage, Pipelines,
    PutOutcome, PutRequest, RetryMode, StartRequest, Storage, TransitionChange, UploadedPart,
    WhoAmI,
};
use crate::domain::{
    ActionExecutionDetail, ConditionKind, Distribution, ExecutionSummary, LogSource, PipelineDef,
    PipelineState, RuleExecutionDetail, Timestamp,
};
use crate::domain::{MetricRequest, MetricSeries};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Calls per operation name (`GetPipelineState`, `ListObjectsV2`, …).
pub type CallCounts = BTreeMap<&'static str, u64>;

/// Wraps a [`Cloud`] and counts every port call by its AWS operation name.
#[derive(Clone)]
pub struct CountingCloud {
    inner: Cloud,
    counts: Arc<Mutex<CallCounts>>,
}

impl CountingCloud {
    /// Counts the calls made through `inner`.
    pub fn new(inner: Cloud) -> CountingCloud {
        CountingCloud {
            inner,
            counts: Arc::new(Mutex::new(BTreeMap::new())),
        }
    }

    /// The port bundle whose calls are counted.
    pub fn cloud(&self) -> Cloud {
        Cloud {
            pipelines: Arc::new(self.clone()),
            storage: Arc::new(self.clone()),
            cdn: Arc::new(self.clone()),
            logs: Arc::new(self.clone()),
            metrics: Arc::new(self.clone()),
            // Probes are HTTP requests to the site, not AWS calls.
            probes: self.inner.probes.clone(),
            identity: Arc::new(self.clone()),
            registry: Arc::new(self.clone()),
            builds: Arc::new(self.clone()),
            github: self
                .inner
                .github
                .as_ref()
                .map(|_| Arc::new(self.clone()) as Arc<dyn super::github::GitHub>),
            athena: Arc::new(self.clone()),
        }
    }

    /// The calls counted so far.
    pub fn counts(&self) -> CallCounts {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Forgets every count.
    pub fn reset(&self) {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn count(&self, operation: &'static str) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.entry(operation).or_default() += 1;
    }
}

#[async_trait]
impl Pipelines for CountingCloud {
    async fn get_pipeline(&self, name: &str) -> CloudResult<PipelineDef> {
        self.count("GetPipeline");
        self.inner.pipelines.get_pipeline(name).await
    }
    async fn get_pipeline_state(&self, name: &str) -> CloudResult<PipelineState> {
        self.count("GetPipelineState");
        self.inner.pipelines.get_pipeline_state(name).await
    }
    async fn list_executions(&self, name: &str, max: usize) -> CloudResult<Vec<ExecutionSummary>> {
        self.count("ListPipelineExecutions");
        self.inner.pipelines.list_executions(name, max).await
    }
    async fn get_execution(&self, name: &str, execution_id: &str) -> CloudResult<ExecutionSummary> {
        self.count("GetPipelineExecution");
        self.inner.pipelines.get_execution(name, execution_id).await
    }
    async fn list_action_executions(
        &self,
        name: &str,
        execution_id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>> {
        self.count("ListActionExecutions");
        let p = &self.inner.pipelines;
        p.list_action_executions(name, execution_id).await
    }
    async fn put_approval_result(&self, answer: &ApprovalAnswer) -> CloudResult<Timestamp> {
        self.count("PutApprovalResult");
        self.inner.pipelines.put_approval_result(answer).await
    }
    async fn start_execution(&self, name: &str, request: &StartRequest) -> CloudResult<String> {
        self.count("StartPipelineExecution");
        self.inner.pipelines.start_execution(name, request).await
    }
    async fn stop_execution(
        &self,
        name: &str,
        execution_id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()> {
        self.count("StopPipelineExecution");
        let p = &self.inner.pipelines;
        p.stop_execution(name, execution_id, abandon, reason).await
    }
    async fn retry_stage(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        mode: RetryMode,
    ) -> CloudResult<String> {
        self.count("RetryStageExecution");
        let p = &self.inner.pipelines;
        p.retry_stage(name, stage, execution_id, mode).await
    }
    async fn rollback_stage(&self, name: &str, stage: &str, target: &str) -> CloudResult<String> {
        self.count("RollbackStage");
        self.inner
            .pipelines
            .rollback_stage(name, stage, target)
            .await
    }
    async fn list_succeeded_in_stage(
        &self,
        name: &str,
        stage: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        self.count("ListPipelineExecutions");
        let p = &self.inner.pipelines;
        p.list_succeeded_in_stage(name, stage, max).await
    }
    async fn set_inbound_transition(
        &self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
    ) -> CloudResult<()> {
        self.count(match change {
            TransitionChange::Disable { .. } => "DisableStageTransition",
            TransitionChange::Enable => "EnableStageTransition",
        });
        let p = &self.inner.pipelines;
        p.set_inbound_transition(name, stage, change).await
    }
    async fn list_rule_executions(
        &self,
        name: &str,
        execution_id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<RuleExecutionDetail>> {
        self.count("ListRuleExecutions");
        let p = &self.inner.pipelines;
        p.list_rule_executions(name, execution_id, max).await
    }
    async fn override_stage_condition(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
    ) -> CloudResult<()> {
        self.count("OverrideStageCondition");
        let p = &self.inner.pipelines;
        p.override_stage_condition(name, stage, execution_id, kind)
            .await
    }
}

#[async_trait]
impl Storage for CountingCloud {
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage> {
        self.count("ListObjectsV2");
        let s = &self.inner.storage;
        s.list_objects(bucket, prefix, start_after, continuation, max_keys)
            .await
    }
    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        self.count("GetObject");
        self.inner.storage.get_object(bucket, key).await
    }
    async fn head_object(&self, bucket: &str, key: &str) -> CloudResult<ObjectMeta> {
        self.count("HeadObject");
        self.inner.storage.head_object(bucket, key).await
    }
    async fn put_object(&self, req: &PutRequest) -> CloudResult<PutOutcome> {
        self.count("PutObject");
        self.inner.storage.put_object(req).await
    }
    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String> {
        self.count("CreateMultipartUpload");
        self.inner.storage.create_multipart(req).await
    }
    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart> {
        self.count("UploadPart");
        let s = &self.inner.storage;
        s.upload_part(bucket, key, upload_id, part, body).await
    }
    async fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome> {
        self.count("CompleteMultipartUpload");
        let s = &self.inner.storage;
        s.complete_multipart(bucket, key, upload_id, parts, if_none_match)
            .await
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> CloudResult<()> {
        self.count("AbortMultipartUpload");
        self.inner
            .storage
            .abort_multipart(bucket, key, upload_id)
            .await
    }
    async fn list_object_versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<super::ObjectVersion>> {
        self.count("ListObjectVersions");
        self.inner
            .storage
            .list_object_versions(bucket, key, max)
            .await
    }
    async fn head_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta> {
        self.count("HeadObject");
        let s = &self.inner.storage;
        s.head_object_version(bucket, key, version_id).await
    }
    async fn copy_object(
        &self,
        from_bucket: &str,
        from_key: &str,
        to_bucket: &str,
        to_key: &str,
    ) -> CloudResult<PutOutcome> {
        self.count("CopyObject");
        let s = &self.inner.storage;
        s.copy_object(from_bucket, from_key, to_bucket, to_key)
            .await
    }
}

#[async_trait]
impl Cdn for CountingCloud {
    async fn get_distribution(&self, id: &str) -> CloudResult<Distribution> {
        self.count("GetDistribution");
        self.inner.cdn.get_distribution(id).await
    }
    async fn list_distributions(&self) -> CloudResult<Vec<Distribution>> {
        self.count("ListDistributions");
        self.inner.cdn.list_distributions().await
    }
    async fn create_invalidation(
        &self,
        distribution_id: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation> {
        self.count("CreateInvalidation");
        let c = &self.inner.cdn;
        c.create_invalidation(distribution_id, paths, caller_reference)
            .await
    }
    async fn get_invalidation(&self, distribution_id: &str, id: &str) -> CloudResult<Invalidation> {
        self.count("GetInvalidation");
        self.inner.cdn.get_invalidation(distribution_id, id).await
    }
    async fn list_invalidations(
        &self,
        distribution_id: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> CloudResult<InvalidationPage> {
        self.count("ListInvalidations");
        let c = &self.inner.cdn;
        c.list_invalidations(distribution_id, marker, max_items)
            .await
    }
}

#[async_trait]
impl Logs for CountingCloud {
    async fn filter_log_events(&self, query: &LogQuery) -> CloudResult<LogPage> {
        self.count("FilterLogEvents");
        self.inner.logs.filter_log_events(query).await
    }
    async fn describe_log_groups(&self, prefix: &str) -> CloudResult<Vec<String>> {
        self.count("DescribeLogGroups");
        self.inner.logs.describe_log_groups(prefix).await
    }
    async fn start_live_tail(&self, req: &LiveTailRequest) -> CloudResult<LiveTail> {
        self.count("StartLiveTail");
        self.inner.logs.start_live_tail(req).await
    }
    async fn log_deliveries(&self, distribution_id: &str) -> CloudResult<Vec<LogSource>> {
        self.count("DescribeDeliverySources");
        self.inner.logs.log_deliveries(distribution_id).await
    }
    async fn start_query(&self, query: &crate::cloud::InsightsQuery) -> CloudResult<String> {
        self.count("StartQuery");
        self.inner.logs.start_query(query).await
    }
    async fn get_query_results(&self, query_id: &str) -> CloudResult<crate::cloud::QueryResults> {
        self.count("GetQueryResults");
        self.inner.logs.get_query_results(query_id).await
    }
    async fn stop_query(&self, query_id: &str) -> CloudResult<()> {
        self.count("StopQuery");
        self.inner.logs.stop_query(query_id).await
    }
}

#[async_trait]
impl Identity for CountingCloud {
    async fn caller_identity(&self) -> CloudResult<WhoAmI> {
        self.count("GetCallerIdentity");
        self.inner.identity.caller_identity().await
    }
}

#[async_trait]
impl Metrics for CountingCloud {
    async fn get_metric_data(&self, request: &MetricRequest) -> CloudResult<Vec<MetricSeries>> {
        self.count("GetMetricData");
        self.inner.metrics.get_metric_data(request).await
    }
}

#[async_trait]
impl super::Registry for CountingCloud {
    async fn describe_images(&self, repository: &str) -> CloudResult<Vec<crate::domain::EcrImage>> {
        self.count("DescribeImages");
        self.inner.registry.describe_images(repository).await
    }
}

#[async_trait]
impl super::Builds for CountingCloud {
    async fn batch_get_projects(&self, names: &[String]) -> CloudResult<super::BuildProjects> {
        self.count("BatchGetProjects");
        self.inner.builds.batch_get_projects(names).await
    }

    async fn batch_get_builds(&self, ids: &[String]) -> CloudResult<super::BuildRuns> {
        self.count("BatchGetBuilds");
        self.inner.builds.batch_get_builds(ids).await
    }
}

impl CountingCloud {
    /// The GitHub port counted over (only installed when there is one).
    fn github(&self) -> CloudResult<&dyn super::github::GitHub> {
        self.inner
            .github
            .as_deref()
            .ok_or_else(|| super::CloudError::NotFound {
                kind: "GitHub repository".into(),
                name: "no [github] configured".into(),
            })
    }
}

/// GitHub's calls, counted as `GitHub <operation>` (the REST API's operation names), so the
/// budget covers them too.
#[async_trait]
impl super::github::GitHub for CountingCloud {
    fn repository(&self) -> String {
        self.inner
            .github
            .as_ref()
            .map(|g| g.repository())
            .unwrap_or_default()
    }

    async fn list_runs(
        &self,
        query: &super::github::RunQuery,
    ) -> CloudResult<Vec<crate::domain::github::WorkflowRun>> {
        self.count("GitHub ListWorkflowRuns");
        self.github()?.list_runs(query).await
    }

    async fn get_run(&self, run_id: u64) -> CloudResult<crate::domain::github::WorkflowRun> {
        self.count("GitHub GetWorkflowRun");
        self.github()?.get_run(run_id).await
    }

    async fn list_jobs(&self, run_id: u64) -> CloudResult<Vec<crate::domain::github::Job>> {
        self.count("GitHub ListJobsForWorkflowRun");
        self.github()?.list_jobs(run_id).await
    }

    async fn job_log(&self, job_id: u64) -> CloudResult<String> {
        self.count("GitHub DownloadJobLogs");
        self.github()?.job_log(job_id).await
    }

    async fn list_commits(
        &self,
        branch: &str,
        limit: usize,
    ) -> CloudResult<Vec<crate::domain::github::GitHubCommit>> {
        self.count("GitHub ListCommits");
        self.github()?.list_commits(branch, limit).await
    }

    async fn compare(
        &self,
        base: &str,
        head: &str,
    ) -> CloudResult<crate::domain::github::Comparison> {
        self.count("GitHub CompareCommits");
        self.github()?.compare(base, head).await
    }

    async fn workflow_file(&self, workflow: &str, git_ref: &str) -> CloudResult<String> {
        self.count("GitHub GetContent");
        self.github()?.workflow_file(workflow, git_ref).await
    }

    async fn dispatch(
        &self,
        req: &crate::domain::github::DispatchRequest,
    ) -> CloudResult<crate::domain::github::Dispatched> {
        self.count("GitHub CreateWorkflowDispatch");
        self.github()?.dispatch(req).await
    }

    async fn rerun_failed_jobs(&self, run_id: u64) -> CloudResult<()> {
        self.count("GitHub RerunFailedJobs");
        self.github()?.rerun_failed_jobs(run_id).await
    }

    async fn rerun(&self, run_id: u64) -> CloudResult<()> {
        self.count("GitHub RerunWorkflow");
        self.github()?.rerun(run_id).await
    }

    async fn writable(&self) -> Result<(), String> {
        match self.github() {
            Ok(g) => g.writable().await,
            Err(e) => Err(e.to_string()),
        }
    }

    async fn cancel_run(&self, run_id: u64) -> CloudResult<()> {
        self.count("GitHub CancelWorkflowRun");
        self.github()?.cancel_run(run_id).await
    }
}

#[async_trait]
impl super::Athena for CountingCloud {
    async fn start_query_execution(
        &self,
        query: &super::athena::AthenaQuery,
    ) -> CloudResult<String> {
        self.count("StartQueryExecution");
        self.inner.athena.start_query_execution(query).await
    }
    async fn get_query_execution(&self, id: &str) -> CloudResult<super::athena::Execution> {
        self.count("GetQueryExecution");
        self.inner.athena.get_query_execution(id).await
    }
    async fn get_query_results(
        &self,
        id: &str,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<super::athena::ResultPage> {
        // Logs Insights has an operation of the same name.
        self.count("Athena GetQueryResults");
        self.inner.athena.get_query_results(id, token, max).await
    }
    async fn stop_query_execution(&self, id: &str) -> CloudResult<()> {
        self.count("StopQueryExecution");
        self.inner.athena.stop_query_execution(id).await
    }
    async fn get_work_group(&self, name: &str) -> CloudResult<super::athena::WorkGroup> {
        self.count("GetWorkGroup");
        self.inner.athena.get_work_group(name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::github::RunQuery;
    use crate::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};

    /// GitHub's calls count in the budget like AWS's, each by its operation.
    #[tokio::test]
    async fn github_calls_are_counted() {
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let counting = CountingCloud::new(sim.cloud());
        let github = counting.cloud().github.expect("the demo has GitHub");
        let query = RunQuery {
            workflow: "deploy.yml".into(),
            branch: None,
            limit: 5,
        };
        let runs = github.list_runs(&query).await.unwrap();
        github.list_jobs(runs[0].id).await.unwrap();
        github.compare("main~1", "main").await.ok();
        let counts = counting.counts();
        assert_eq!(
            counts.get("GitHub ListWorkflowRuns"),
            Some(&1),
            "{counts:?}"
        );
        assert_eq!(counts.get("GitHub ListJobsForWorkflowRun"), Some(&1));
        assert_eq!(counts.get("GitHub CompareCommits"), Some(&1));
    }
}
