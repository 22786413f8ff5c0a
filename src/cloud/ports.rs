//! The port traits: pipelines, storage, CDN, logs and identity.

use super::CloudResult;
use super::log_reads::{LiveTail, LiveTailRequest};
use super::writes::{
    Invalidation, InvalidationPage, PutOutcome, PutRequest, TransitionChange, UploadedPart,
};
use crate::domain::{
    ActionExecutionDetail, ApprovalOutcome, ConditionKind, Distribution, ExecutionSummary,
    LogEvent, LogSource, MetricRequest, MetricSeries, ObjectInfo, PipelineDef, PipelineState,
    Probe, RetryMode, RuleExecutionDetail, Timestamp,
};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;

/// An answer to a manual approval (`PutApprovalResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalAnswer {
    /// Pipeline name.
    pub pipeline: String,
    /// Stage name.
    pub stage: String,
    /// Action name.
    pub action: String,
    /// Token read from the pipeline state just before answering.
    pub token: String,
    /// Approve or reject.
    pub outcome: ApprovalOutcome,
    /// Comment (≤ 512 characters).
    pub summary: String,
}

/// Parameters of `StartPipelineExecution`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StartRequest {
    /// Idempotency token (≤ 128 characters).
    pub client_request_token: Option<String>,
    /// Pipeline variables.
    pub variables: BTreeMap<String, String>,
    /// Source revision overrides: action name → S3 object version id.
    pub source_revisions: BTreeMap<String, String>,
}

/// One page of a bucket listing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectPage {
    /// Objects in key order.
    pub objects: Vec<ObjectInfo>,
    /// `NextContinuationToken`: present exactly when the page is truncated (`IsTruncated`), i.e.
    /// more keys follow; pass it back to read the next page.
    pub next_token: Option<String>,
}

/// An object's metadata (`HeadObject`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Listing facts.
    pub info: ObjectInfo,
    /// Version id, for versioned buckets.
    pub version_id: Option<String>,
    /// User metadata (`x-amz-meta-*` without the prefix).
    pub metadata: BTreeMap<String, String>,
}

/// One version of an object (`ListObjectVersions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectVersion {
    /// Listing facts of that version.
    pub info: ObjectInfo,
    /// Its version id (`null` for an object written before versioning was turned on).
    pub version_id: String,
    /// Whether it is the newest version.
    pub is_latest: bool,
}

/// A `FilterLogEvents` query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogQuery {
    /// Log group name.
    pub group: String,
    /// Only these log streams (empty: every stream of the group).
    pub streams: Vec<String>,
    /// Earliest event time (inclusive).
    pub start: Option<Timestamp>,
    /// Latest event time (inclusive).
    pub end: Option<Timestamp>,
    /// CloudWatch filter pattern (`ERROR`, `{ $.level = "ERROR" }`, …).
    pub pattern: Option<String>,
    /// Paging token.
    pub next_token: Option<String>,
    /// Maximum events in the page.
    pub limit: Option<usize>,
}

/// One page of log events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogPage {
    /// Events in time order.
    pub events: Vec<LogEvent>,
    /// Token for the next page.
    pub next_token: Option<String>,
}

/// The caller's identity (`GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoAmI {
    /// Account id.
    pub account: String,
    /// Caller ARN.
    pub arn: String,
}

impl WhoAmI {
    /// The short name of the caller: the last segment of the ARN.
    pub fn name(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

/// CodePipeline.
#[async_trait]
pub trait Pipelines: Send + Sync {
    /// The pipeline definition.
    async fn get_pipeline(&self, name: &str) -> CloudResult<PipelineDef>;
    /// The live state of every stage and action.
    async fn get_pipeline_state(&self, name: &str) -> CloudResult<PipelineState>;
    /// The newest executions first, at most `max`.
    async fn list_executions(&self, name: &str, max: usize) -> CloudResult<Vec<ExecutionSummary>>;
    /// One execution.
    async fn get_execution(&self, name: &str, execution_id: &str) -> CloudResult<ExecutionSummary>;
    /// The action runs of one execution.
    async fn list_action_executions(
        &self,
        name: &str,
        execution_id: &str,
    ) -> CloudResult<Vec<ActionExecutionDetail>>;
    /// Answers a manual approval; returns when it was recorded.
    async fn put_approval_result(&self, answer: &ApprovalAnswer) -> CloudResult<Timestamp>;
    /// Starts an execution; returns its id.
    async fn start_execution(&self, name: &str, request: &StartRequest) -> CloudResult<String>;
    /// Stops an execution (`abandon` stops without waiting for running actions).
    async fn stop_execution(
        &self,
        name: &str,
        execution_id: &str,
        abandon: bool,
        reason: &str,
    ) -> CloudResult<()>;
    /// Retries a failed stage of the latest execution; returns the execution id.
    async fn retry_stage(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        mode: RetryMode,
    ) -> CloudResult<String>;
    /// `RollbackStage` to an execution that succeeded in `stage`; returns the rollback execution id.
    async fn rollback_stage(
        &self,
        name: &str,
        stage: &str,
        target_execution_id: &str,
    ) -> CloudResult<String>;
    /// Executions that succeeded in `stage` (`ListPipelineExecutions` with `succeededInStage`),
    /// newest first, at most `max`.
    async fn list_succeeded_in_stage(
        &self,
        name: &str,
        stage: &str,
        max: usize,
    ) -> CloudResult<Vec<ExecutionSummary>>;
    /// Disables (with a reason) or enables the inbound transition of `stage`.
    async fn set_inbound_transition(
        &self,
        name: &str,
        stage: &str,
        change: &TransitionChange,
    ) -> CloudResult<()>;
    /// `ListRuleExecutions`: the rule runs of one execution (`None`: of every execution), newest
    /// first, at most `max`.
    async fn list_rule_executions(
        &self,
        name: &str,
        execution_id: Option<&str>,
        max: usize,
    ) -> CloudResult<Vec<RuleExecutionDetail>>;
    /// `OverrideStageCondition`: lets `execution_id` past the beforeEntry or onSuccess condition
    /// of `stage` that is in progress for it.
    async fn override_stage_condition(
        &self,
        name: &str,
        stage: &str,
        execution_id: &str,
        kind: ConditionKind,
    ) -> CloudResult<()>;
}

/// S3.
#[async_trait]
pub trait Storage: Send + Sync {
    /// One page of `ListObjectsV2`: the keys under `prefix` in key order, after `start_after` or
    /// after the page that gave the `continuation` token (which wins over `start_after`), at most
    /// `max_keys` of them (S3 serves at most 1,000 a page, its default).
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage>;
    /// The whole body of an object.
    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>>;
    /// An object's metadata.
    async fn head_object(&self, bucket: &str, key: &str) -> CloudResult<ObjectMeta>;
    /// `PutObject` in one request, with metadata, SHA-256 checksum and optional `If-None-Match`.
    async fn put_object(&self, req: &PutRequest) -> CloudResult<PutOutcome>;
    /// `CreateMultipartUpload` (the request's body is ignored); returns the upload id.
    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String>;
    /// `UploadPart` number `part` (1–10 000).
    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart>;
    /// `CompleteMultipartUpload` with the parts in order, optionally refusing to overwrite.
    async fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome>;
    /// `AbortMultipartUpload`.
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> CloudResult<()>;
    /// The versions of exactly `key` (not of the other keys it prefixes), newest first, at most
    /// `max` (`ListObjectVersions`; delete markers left out).
    async fn list_object_versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<ObjectVersion>>;
    /// One version's metadata (`HeadObject` with `versionId`).
    async fn head_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta>;
    /// `CopyObject` of the newest version, keeping its metadata.
    async fn copy_object(
        &self,
        from_bucket: &str,
        from_key: &str,
        to_bucket: &str,
        to_key: &str,
    ) -> CloudResult<PutOutcome>;
}

/// CloudFront.
#[async_trait]
pub trait Cdn: Send + Sync {
    /// One distribution.
    async fn get_distribution(&self, id: &str) -> CloudResult<Distribution>;
    /// Every distribution of the account.
    async fn list_distributions(&self) -> CloudResult<Vec<Distribution>>;
    /// `CreateInvalidation`; the same `caller_reference` and paths return the same invalidation.
    async fn create_invalidation(
        &self,
        distribution_id: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation>;
    /// `GetInvalidation`.
    async fn get_invalidation(&self, distribution_id: &str, id: &str) -> CloudResult<Invalidation>;
    /// One page of `ListInvalidations`, newest first: at most `max_items` (CloudFront serves
    /// 100 at most), after the page that gave `marker`.
    async fn list_invalidations(
        &self,
        distribution_id: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> CloudResult<InvalidationPage>;
}

/// CloudWatch Logs.
#[async_trait]
pub trait Logs: Send + Sync {
    /// One page of `FilterLogEvents`.
    async fn filter_log_events(&self, query: &LogQuery) -> CloudResult<LogPage>;
    /// Log group names under a prefix.
    async fn describe_log_groups(&self, prefix: &str) -> CloudResult<Vec<String>>;
    /// `StartLiveTail`: a session over ≤ 10 groups yielding batches of events as they arrive.
    async fn start_live_tail(&self, req: &LiveTailRequest) -> CloudResult<LiveTail>;
    /// The standard logging v2 deliveries of CloudFront distribution `distribution_id`
    /// (delivery sources of log type `ACCESS_LOGS` naming it, their deliveries and
    /// destinations; asked in us-east-1), each as a log source; none when it has none.
    async fn log_deliveries(&self, distribution_id: &str) -> CloudResult<Vec<LogSource>>;
    /// `StartQuery` (Logs Insights): the query's id.
    async fn start_query(&self, query: &super::InsightsQuery) -> CloudResult<String>;
    /// `GetQueryResults`: the query's status, its rows so far and what it scanned.
    async fn get_query_results(&self, query_id: &str) -> CloudResult<super::QueryResults>;
    /// `StopQuery`: ends a query that is still running.
    async fn stop_query(&self, query_id: &str) -> CloudResult<()>;
}

/// CloudWatch metrics.
#[async_trait]
pub trait Metrics: Send + Sync {
    /// One `GetMetricData` call (its pages followed): a series per query, in the queries' order,
    /// empty when the metric has no data in the range.
    async fn get_metric_data(&self, request: &MetricRequest) -> CloudResult<Vec<MetricSeries>>;
}

/// HTTP probes of the configured `site_url` and `api_url`.
#[async_trait]
pub trait Probes: Send + Sync {
    /// One `GET` of `url`: the status, the time to the first byte, the TLS certificate's days
    /// left; or why there was no answer.
    async fn probe(&self, url: &str) -> Result<Probe, String>;
}

/// STS.
#[async_trait]
pub trait Identity: Send + Sync {
    /// Who the calls are made as.
    async fn caller_identity(&self) -> CloudResult<WhoAmI>;
}

/// Every port the app uses, cheap to clone into effect tasks.
#[derive(Clone)]
pub struct Cloud {
    /// CodePipeline.
    pub pipelines: Arc<dyn Pipelines>,
    /// S3.
    pub storage: Arc<dyn Storage>,
    /// CloudFront.
    pub cdn: Arc<dyn Cdn>,
    /// CloudWatch Logs.
    pub logs: Arc<dyn Logs>,
    /// CloudWatch metrics.
    pub metrics: Arc<dyn Metrics>,
    /// HTTP probes.
    pub probes: Arc<dyn Probes>,
    /// STS.
    pub identity: Arc<dyn Identity>,
    /// ECR (the deployer image's repository).
    pub registry: Arc<dyn super::Registry>,
    /// CodeBuild (the Deploy projects).
    pub builds: Arc<dyn super::Builds>,
    /// GitHub Actions of the configured repository (`None`: no `[github]` table).
    pub github: Option<Arc<dyn super::github::GitHub>>,
    /// Athena (access-log queries).
    pub athena: Arc<dyn super::Athena>,
}
