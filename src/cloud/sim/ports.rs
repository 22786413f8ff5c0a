//! `SimCloud`: the simulator behind every port, shared through a mutex never held across an await.

use super::Simulator;
use super::codepipeline::pipeline::ACCOUNT;
use super::codepipeline::queries::{MAX_RESULTS, Page};
use super::s3::pace::{Paced, S3Pace};
use crate::cloud::{
    ApprovalAnswer, Cdn, Cloud, CloudError, CloudResult, Identity, Invalidation, InvalidationPage,
    LiveTail, LiveTailRequest, LogPage, LogQuery, Logs, Metrics, ObjectMeta, ObjectPage, Pipelines,
    Probes, PutOutcome, PutRequest, RetryMode, StartRequest, Storage, TransitionChange,
    UploadedPart, WhoAmI,
};
use crate::domain::{
    ActionExecutionDetail, ConditionKind, Distribution, ExecutionSummary, LogSource, MetricRequest,
    MetricSeries, PipelineDef, PipelineState, Probe, RuleExecutionDetail, Timestamp,
};
use async_trait::async_trait;
use std::sync::{Arc, Mutex, MutexGuard};

/// The demo operator every port call is made as.
pub const OPERATOR_ARN: &str = "arn:aws:sts::123456789012:assumed-role/Operator/demo-operator";

/// Who a handle's calls are made as: one simulated account and caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimIdentity {
    /// The account id, e.g. `222222222222`.
    pub account: String,
    /// The caller's ARN, e.g. `arn:aws:sts::222222222222:assumed-role/shipdeck/shipdeck`.
    pub arn: String,
}

impl SimIdentity {
    /// The demo operator in the demo's own account.
    pub fn operator() -> SimIdentity {
        SimIdentity {
            account: ACCOUNT.into(),
            arn: OPERATOR_ARN.into(),
        }
    }

    /// The session of `role_arn` (an IAM role ARN) named `session`; the operator when the ARN
    /// names no account.
    pub fn role(role_arn: &str, session: &str) -> SimIdentity {
        let account = role_arn.split(':').nth(4).unwrap_or_default();
        let name = role_arn.rsplit('/').next().unwrap_or_default();
        if account.is_empty() || name.is_empty() {
            return SimIdentity::operator();
        }
        SimIdentity {
            account: account.into(),
            arn: format!("arn:aws:sts::{account}:assumed-role/{name}/{session}"),
        }
    }
}

/// A cheap handle on a shared [`Simulator`] implementing every port.
#[derive(Clone)]
pub struct SimCloud {
    inner: Arc<Mutex<Simulator>>,
    pace: Option<Arc<Paced>>,
    /// Who the calls are made as (`None`: the demo operator, never refused by account).
    who: Option<Arc<SimIdentity>>,
}

impl SimCloud {
    /// Shares `sim` behind the ports.
    pub fn new(sim: Simulator) -> SimCloud {
        SimCloud {
            inner: Arc::new(Mutex::new(sim)),
            pace: None,
            who: None,
        }
    }

    /// The same simulator with S3 answering at `pace` (first-byte latency, bandwidth, SlowDown),
    /// in tokio's time: see [`S3Pace`].
    pub fn with_s3_pace(self, pace: S3Pace) -> SimCloud {
        SimCloud {
            pace: Some(Arc::new(Paced::new(pace))),
            ..self
        }
    }

    /// The port bundle of calls made as `who`: the same world, but `GetCallerIdentity` answers
    /// `who`, and every call fails while its account is refused
    /// ([`Simulator::refuse_account`]).
    pub fn cloud_as(&self, who: SimIdentity) -> Cloud {
        SimCloud {
            who: Some(Arc::new(who)),
            ..self.clone()
        }
        .cloud()
    }

    /// The port bundle the app uses.
    pub fn cloud(&self) -> Cloud {
        Cloud {
            pipelines: Arc::new(self.clone()),
            storage: Arc::new(self.clone()),
            cdn: Arc::new(self.clone()),
            logs: Arc::new(self.clone()),
            metrics: Arc::new(self.clone()),
            probes: Arc::new(self.clone()),
            identity: Arc::new(self.clone()),
            registry: Arc::new(self.clone()),
            builds: Arc::new(self.clone()),
            github: Some(Arc::new(super::github::SimGitHub::new(
                self.clone(),
                crate::config::GitHubConfig::new(crate::domain::github::Repository {
                    owner: "acme".into(),
                    name: "storefront".into(),
                }),
            ))),
            athena: Arc::new(self.clone()),
        }
    }

    /// The account the calls are made in (the demo operator's: the demo's own).
    fn account(&self) -> &str {
        self.who.as_ref().map_or(ACCOUNT, |w| w.account.as_str())
    }

    /// Runs `f` on the simulator (tests, the demo clock driver); a poisoned lock is recovered.
    pub fn with<R>(&self, f: impl FnOnce(&mut Simulator) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Simulator> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `ListPipelineExecutions` page by page, as the adapter reads it: `nextToken` followed
    /// until `max` executions (each page one call, at most 100 rows).
    fn pages(
        &self,
        max: usize,
        mut read: impl FnMut(
            &Simulator,
            Page<'_>,
        ) -> CloudResult<(Vec<ExecutionSummary>, Option<String>)>,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        while out.len() < max {
            let page = Page {
                max_results: (max - out.len()).min(MAX_RESULTS),
                next_token: token.as_deref(),
            };
            let (rows, next) =
                self.call("codepipeline", "ListPipelineExecutions", |s| read(s, page))?;
            let empty = rows.is_empty();
            out.extend(rows);
            token = next;
            if token.is_none() || empty {
                break;
            }
        }
        Ok(out)
    }

    /// Counts the call, maybe injects a fault, else runs `f` (and maybe loses its reply); the lock
    /// is released before returning.
    fn call<R>(
        &self,
        service: &str,
        op: &str,
        f: impl FnOnce(&mut Simulator) -> CloudResult<R>,
    ) -> CloudResult<R> {
        let mut sim = self.lock();
        if let Some(who) = &self.who {
            let key = (who.account.clone(), op.to_string());
            *sim.stats.by_account.entry(key).or_default() += 1;
        }
        if let Some(err) = (self.who.as_ref()).and_then(|w| sim.account_refusal(&w.account)) {
            return Err(err);
        }
        let reply = sim.call(service, op)?;
        let result = f(&mut sim);
        reply.deliver(op, result)
    }
}

#[async_trait]
impl Pipelines for SimCloud {
    async fn get_pipeline(&self, name: &str) -> CloudResult<PipelineDef> {
        self.call("codepipeline", "GetPipeline", |s| s.op_get_pipeline(name))
    }
    async fn get_pipeline_state(&self, name: &str) -> CloudResult<PipelineState> {
        self.call("codepipeline", "GetPipelineState", |s| s.op_state(name))
    }
    async fn list_executions(&self, name: &str, max: usize) -> CloudResult<Vec<ExecutionSummary>> {
        self.pages(max, |s, page| s.op_list_executions(name, page))
    }
    async fn get_execution(&self, name: &str, execution_id: &str) -> CloudResult<ExecutionSummary> {
        self.call("codepipeline", "GetPipelineExecution", |s| {
            s.op_get_execution(name, execution_id)
        })
    }
    async fn list_action_executions(
        &self,
        name: &str,
        execution_id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>> {
        self.call("codepipeline", "ListActionExecutions", |s| {
            s.op_action_executions(name, execution_id)
        })
    }
    async fn put_approval_result(&self, answer: &ApprovalAnswer) -> CloudResult<Timestamp> {
        self.call("codepipeline", "PutApprovalResult", |s| {
            s.op_put_approval(answer, OPERATOR_ARN)
        })
    }
    async fn start_execution(&self, name: &str, request: &StartRequest) -> CloudResult<String> {
        self.call("codepipeline", "StartPipelineExecution", |s| {
            s.op_start(name, request, OPERATOR_ARN)
        })
    }
    async fn stop_execution(
        &self,
        name: &str,
        execution_id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()> {
        self.call("codepipeline", "StopPipelineExecution", |s| {
            s.op_stop(name, execution_id, abandon, reason)
        })
    }
    async fn retry_stage(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        mode: RetryMode,
    ) -> CloudResult<String> {
        self.call("codepipeline", "RetryStageExecution", |s| {
            s.op_retry(name, stage, execution_id, mode)
        })
    }
    async fn rollback_stage(&self, name: &str, stage: &str, target: &str) -> CloudResult<String> {
        self.call("codepipeline", "RollbackStage", |s| {
            s.op_rollback(name, stage, target, OPERATOR_ARN)
        })
    }
    async fn list_succeeded_in_stage(
        &self,
        name: &str,
        stage: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>> {
        self.pages(max, |s, page| s.op_succeeded_in(name, stage, page))
    }
    async fn set_inbound_transition(
        &self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
    ) -> CloudResult<()> {
        let op = match change {
            TransitionChange::Disable { .. } => "DisableStageTransition",
            TransitionChange::Enable => "EnableStageTransition",
        };
        self.call("codepipeline", op, |s| {
            s.op_transition(name, stage, change, OPERATOR_ARN)
        })
    }
    async fn list_rule_executions(
        &self,
        name: &str,
        execution_id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<RuleExecutionDetail>> {
        self.call("codepipeline", "ListRuleExecutions", |s| {
            s.op_rule_executions(name, execution_id, max)
        })
    }
    async fn override_stage_condition(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
    ) -> CloudResult<()> {
        self.call("codepipeline", "OverrideStageCondition", |s| {
            s.op_override(name, stage, execution_id, kind, OPERATOR_ARN)
        })
    }
}

#[async_trait]
impl Storage for SimCloud {
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage> {
        if let Some(pace) = &self.pace {
            pace.first_byte("ListObjectsV2", prefix).await?;
        }
        self.call("s3", "ListObjectsV2", |s| {
            let mut page = s
                .buckets
                .list(bucket, prefix, start_after, continuation, max_keys)?;
            page.objects = s.list_in_transit(bucket, page.objects);
            Ok(page)
        })
    }
    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        if let Some(pace) = &self.pace {
            pace.first_byte("GetObject", key).await?;
        }
        let body = self.call("s3", "GetObject", |s| {
            let bytes = s.buckets.get(bucket, key)?;
            Ok(s.read_in_transit(bucket, bytes))
        })?;
        if let Some(pace) = &self.pace {
            pace.body(body.len()).await;
        }
        Ok(body)
    }
    async fn head_object(&self, bucket: &str, key: &str) -> CloudResult<ObjectMeta> {
        self.call("s3", "HeadObject", |s| s.buckets.head(bucket, key))
    }
    async fn put_object(&self, req: &PutRequest) -> CloudResult<PutOutcome> {
        self.call("s3", "PutObject", |s| s.op_put_object(req))
    }
    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String> {
        self.call("s3", "CreateMultipartUpload", |s| {
            s.op_create_multipart(req)
        })
    }
    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart> {
        self.call("s3", "UploadPart", |s| {
            s.op_upload_part((bucket, key, upload_id), part, body)
        })
    }
    async fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome> {
        self.call("s3", "CompleteMultipartUpload", |s| {
            s.op_complete_multipart((bucket, key, upload_id), parts, if_none_match)
        })
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> CloudResult<()> {
        self.call("s3", "AbortMultipartUpload", |s| {
            s.op_abort_multipart(bucket, key, upload_id)
        })
    }
    async fn list_object_versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<crate::cloud::ObjectVersion>> {
        self.call("s3", "ListObjectVersions", |s| {
            s.buckets.versions(bucket, key, max)
        })
    }
    async fn head_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta> {
        self.call("s3", "HeadObject", |s| {
            s.buckets.head_version(bucket, key, version_id)
        })
    }
    async fn copy_object(
        &self,
        from_bucket: &str,
        from_key: &str,
        to_bucket: &str,
        to_key: &str,
    ) -> CloudResult<PutOutcome> {
        self.call("s3", "CopyObject", |s| {
            s.op_copy((from_bucket, from_key), (to_bucket, to_key))
        })
    }
}

#[async_trait]
impl Cdn for SimCloud {
    async fn get_distribution(&self, id: &str) -> CloudResult<Distribution> {
        self.call("cloudfront", "GetDistribution", |s| {
            s.distribution(id).ok_or_else(|| CloudError::NotFound {
                kind: "distribution".into(),
                name: id.into(),
            })
        })
    }
    async fn list_distributions(&self) -> CloudResult<Vec<Distribution>> {
        self.call("cloudfront", "ListDistributions", |s| {
            Ok(s.dists.iter().map(|d| d.view(s.now)).collect())
        })
    }
    async fn create_invalidation(
        &self,
        distribution_id: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation> {
        self.call("cloudfront", "CreateInvalidation", |s| {
            s.op_create_invalidation(distribution_id, paths, caller_reference)
        })
    }
    async fn get_invalidation(&self, distribution_id: &str, id: &str) -> CloudResult<Invalidation> {
        self.call("cloudfront", "GetInvalidation", |s| {
            s.op_get_invalidation(distribution_id, id)
        })
    }
    async fn list_invalidations(
        &self,
        distribution_id: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> CloudResult<InvalidationPage> {
        self.call("cloudfront", "ListInvalidations", |s| {
            s.op_list_invalidations(distribution_id, marker, max_items)
        })
    }
}

#[async_trait]
impl Logs for SimCloud {
    async fn filter_log_events(&self, query: &LogQuery) -> CloudResult<LogPage> {
        let account = self.account();
        self.call("logs", "FilterLogEvents", |s| {
            s.logs.filter(account, query, s.now)
        })
    }
    async fn describe_log_groups(&self, prefix: &str) -> CloudResult<Vec<String>> {
        let account = self.account();
        self.call("logs", "DescribeLogGroups", |s| {
            Ok(s.logs.describe(account, prefix))
        })
    }
    async fn start_live_tail(&self, req: &LiveTailRequest) -> CloudResult<LiveTail> {
        let account = self.account();
        self.call("logs", "StartLiveTail", |s| s.op_live_tail(account, req))
    }
    async fn log_deliveries(&self, distribution_id: &str) -> CloudResult<Vec<LogSource>> {
        self.call("logs", "DescribeDeliverySources", |s| {
            Ok(s.log_deliveries(distribution_id))
        })
    }
    async fn start_query(&self, query: &crate::cloud::InsightsQuery) -> CloudResult<String> {
        let account = self.account();
        self.call("logs", "StartQuery", |s| s.op_start_query(account, query))
    }
    async fn get_query_results(&self, query_id: &str) -> CloudResult<crate::cloud::QueryResults> {
        let account = self.account();
        self.call("logs", "GetQueryResults", |s| {
            s.op_get_query_results(account, query_id)
        })
    }
    async fn stop_query(&self, query_id: &str) -> CloudResult<()> {
        let account = self.account();
        self.call("logs", "StopQuery", |s| s.op_stop_query(account, query_id))
    }
}

#[async_trait]
impl crate::cloud::Athena for SimCloud {
    async fn start_query_execution(
        &self,
        query: &crate::cloud::athena::AthenaQuery,
    ) -> CloudResult<String> {
        self.call("athena", "StartQueryExecution", |s| {
            s.op_start_query_execution(query)
        })
    }
    async fn get_query_execution(&self, id: &str) -> CloudResult<crate::cloud::athena::Execution> {
        self.call("athena", "GetQueryExecution", |s| {
            s.op_get_query_execution(id)
        })
    }
    async fn get_query_results(
        &self,
        id: &str,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<crate::cloud::athena::ResultPage> {
        self.call("athena", "GetQueryResults", |s| {
            s.op_get_athena_results(id, token, max)
        })
    }
    async fn stop_query_execution(&self, id: &str) -> CloudResult<()> {
        self.call("athena", "StopQueryExecution", |s| {
            s.op_stop_query_execution(id)
        })
    }
    async fn get_work_group(&self, name: &str) -> CloudResult<crate::cloud::athena::WorkGroup> {
        self.call("athena", "GetWorkGroup", |s| s.op_get_work_group(name))
    }
}

#[async_trait]
impl Metrics for SimCloud {
    async fn get_metric_data(&self, request: &MetricRequest) -> CloudResult<Vec<MetricSeries>> {
        self.call("cloudwatch", "GetMetricData", |s| s.op_metric_data(request))
    }
}

#[async_trait]
impl Probes for SimCloud {
    async fn probe(&self, url: &str) -> Result<Probe, String> {
        self.with(|s| s.op_probe(url))
    }
}

#[async_trait]
impl Identity for SimCloud {
    async fn caller_identity(&self) -> CloudResult<WhoAmI> {
        let who = (self.who.as_deref().cloned()).unwrap_or_else(SimIdentity::operator);
        self.call("sts", "GetCallerIdentity", |_| {
            Ok(WhoAmI {
                account: who.account,
                arn: who.arn,
            })
        })
    }
}

#[async_trait]
impl crate::cloud::Registry for SimCloud {
    async fn describe_images(&self, repository: &str) -> CloudResult<Vec<crate::domain::EcrImage>> {
        self.call("ecr", "DescribeImages", |s| {
            s.op_describe_images(repository)
        })
    }
}

#[async_trait]
impl crate::cloud::Builds for SimCloud {
    async fn batch_get_projects(
        &self,
        names: &[String],
    ) -> CloudResult<crate::cloud::BuildProjects> {
        self.call("codebuild", "BatchGetProjects", |s| {
            s.op_batch_get_projects(names)
        })
    }

    async fn batch_get_builds(&self, ids: &[String]) -> CloudResult<crate::cloud::BuildRuns> {
        self.call("codebuild", "BatchGetBuilds", |s| {
            Ok(s.op_batch_get_builds(ids))
        })
    }
}
