//! Effects: requests for the outside world that `update` returns as data; the runtime runs them.

use super::RequestId;
use super::traffic::export::ExportJob;
use crate::domain::{ExecutionSummary, PipelineDef};
use std::sync::Arc;

/// Something `update` wants done outside the pure core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read one environment's pipeline definition, state, executions and distribution.
    FetchEnv {
        /// Environment index.
        env: usize,
        /// Request id to tag the result with.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// CloudFront distribution id.
        distribution_id: String,
        /// Whether to read the distribution this time (it changes rarely).
        with_distribution: bool,
        /// The definition already known: reused while the state's version matches it.
        cached_def: Option<PipelineDef>,
        /// The source object to read this time (bucket, key), if due.
        source: Option<(String, String)>,
        /// What runs, as last read from the listing, with the deploy stage's run it was read
        /// for: reused while that run is the same.
        deployed_cache: Option<Box<(String, Option<ExecutionSummary>)>>,
    },
    /// Read the release catalogue under a prefix of the source bucket.
    FetchReleases {
        /// Request id.
        request: RequestId,
        /// Source bucket.
        bucket: String,
        /// Release prefix.
        prefix: String,
    },
    /// Read who the calls of environment `env`'s identity are made as (one per identity).
    FetchIdentity {
        /// The first environment of the identity.
        env: usize,
    },
    /// Read recent events of an environment's log groups, each group on its own, following
    /// `nextToken` page after page (up to what one read takes).
    FetchLogs {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// One read per log group: from when, or on with a token.
        reads: Vec<super::LogRead>,
        /// Only these streams (empty: every stream of the groups).
        streams: Vec<String>,
    },
    /// Discover how an environment's distribution logs: its legacy logging and v2 deliveries.
    DiscoverLogSources {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// The distribution id.
        distribution_id: String,
    },
    /// One poll round of an environment's CloudFront log objects, streamed as `shipdeck logs
    /// cloudfront` reads them: the round's listings read page by page, each page's new objects
    /// (the round's planner picks them) fetched and read while the next page is listed; the
    /// objects read come back in parts ([`crate::app::Reply::TrafficPart`]) and the rest at
    /// the end.
    StreamTraffic {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Logs bucket.
        bucket: String,
        /// The round: its listings and the planner that picks the keys to read.
        round: Box<crate::accesslog::TailRound>,
        /// The layout of plain (headerless) lines, for a delivery of plain output.
        plain: Option<crate::accesslog::input::PlainLayout>,
    },
    /// Read a log group's events (`FilterLogEvents`, every page) from `start` on: the events of
    /// a standard logging v2 delivery to CloudWatch Logs.
    FetchTrafficEvents {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// The log group's ARN.
        group: String,
        /// Earliest event time.
        start: crate::domain::Timestamp,
        /// Latest event time (inclusive), when the window ends.
        end: Option<crate::domain::Timestamp>,
    },
    /// Parse the new events of a log group into records (off the UI thread).
    ReadTrafficEvents {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// The log group's ARN.
        group: String,
        /// The events not read before, in time order.
        events: Vec<crate::domain::LogEvent>,
        /// The layout of plain lines, for a delivery of plain output (else JSON).
        plain: Option<crate::accesslog::input::PlainLayout>,
    },
    /// Stop a read whose answer is no longer wanted (a log tail replaced while it was in flight;
    /// the answer would be dropped anyway), or cancel the upload of a package in flight (it
    /// answers how it stopped).
    Cancel {
        /// The request to stop.
        request: RequestId,
    },
    /// Write exported records to a file, through a temporary file renamed into place.
    WriteFile {
        /// Path as the operator typed it.
        path: String,
        /// The records to write and how.
        job: Arc<ExportJob>,
        /// Replace the file if it exists; else an existing file is left alone and reported.
        replace: bool,
    },
    /// Read the action runs of an execution: to find a failed build's log stream, or for the
    /// execution detail.
    FetchActionExecutions {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// Pipeline execution id.
        execution_id: String,
        /// The failed action whose build log is wanted; `None` for the execution detail.
        action: Option<String>,
    },
    /// Read the action runs of the newest executions: the Traffic view's deploy markers.
    FetchDeployRuns {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// The executions, newest first.
        execution_ids: Vec<String>,
    },
    /// List a distribution's invalidations back to `since` (`ListInvalidations`): the Traffic
    /// view's invalidation markers.
    ListInvalidations {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Distribution.
        distribution_id: String,
        /// The oldest creation time wanted: pages stop once they reach it.
        since: crate::domain::Timestamp,
    },
    /// Read one execution (`GetPipelineExecution`): its resolved variables, for the execution
    /// detail.
    FetchExecution {
        /// Request id.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// Pipeline execution id.
        execution_id: String,
    },
    /// Leave the program.
    Quit,
    /// The demo only: the simulated account of environment `env` refuses its credentials from
    /// now on (`None`: every account accepts them again).
    DemoFault {
        /// The environment's name.
        env: Option<String>,
    },
    /// Show system `name` instead: the runtime drops this state and starts one over that
    /// system's ports (see [`super::systems`]).
    SwitchSystem {
        /// The system's name.
        name: String,
    },
    /// Tell the operator outside the terminal (bell, desktop notification): see
    /// [`super::attention::notify`].
    Notify {
        /// The notification's title.
        title: String,
        /// Its text.
        body: String,
    },
    /// Send a confirmed plan's one mutating call (`ops::apply`) and append its audit line.
    ApplyOp {
        /// Request id of this confirmation (never reused).
        request: RequestId,
        /// The plan confirmed.
        plan: Box<crate::ops::Plan>,
        /// The operator, for the audit line.
        identity: Option<String>,
        /// When it was confirmed, on the session's clock (simulated in the demo); the audit line
        /// is stamped with the wall clock when written.
        at: crate::domain::Timestamp,
        /// The session's audit file.
        log: crate::ops::plan::audit::Log,
    },
    /// Append one line to the audit log (stamped with the wall clock when written).
    Audit {
        /// The line.
        entry: Box<super::AuditLine>,
        /// The session's audit file.
        log: crate::ops::plan::audit::Log,
    },
    /// Read an environment's release catalogue (`ops::apply::catalogue::read`, as the CLI does).
    FetchPackages {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// The environment (bucket, release prefix).
        spec: Box<crate::domain::EnvSpec>,
        /// The version asked for (`:release ENV VERSION`), found however old it is.
        want: Option<crate::domain::Version>,
    },
    /// List what completes a local path typed in the upload prompt (`~` is the home directory;
    /// a directory ends with `/`).
    CompletePath {
        /// Request id.
        request: RequestId,
        /// The text typed.
        text: String,
    },
    /// Read a local release package for the upload's plan: its size and SHA-256, and the
    /// working tree's commit.
    ReadPackage {
        /// Request id.
        request: RequestId,
        /// The path typed.
        path: String,
    },
    /// Read the newest versions of an environment's source key with their releases
    /// (`ops::apply::catalogue::source_versions`, as the CLI does): a V2 release's dialog.
    FetchSourceVersions {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// The environment (source bucket and key).
        spec: Box<crate::domain::EnvSpec>,
    },
    /// List the executions that succeeded in a stage (`list_succeeded_in_stage`).
    FetchCandidates {
        /// Environment index.
        env: usize,
        /// Request id.
        request: RequestId,
        /// Pipeline name.
        pipeline: String,
        /// Stage name.
        stage: String,
    },
    /// Read the invalidation a watch follows (`GetInvalidation`).
    FetchInvalidation {
        /// Request id.
        request: RequestId,
        /// Distribution.
        distribution_id: String,
        /// Invalidation id.
        id: String,
    },
    /// Read what a dispatch of the release workflow is planned with: the ref's commit, the
    /// workflow file there, whether a token can start runs.
    ReadWorkflow {
        /// Request id.
        request: RequestId,
        /// The workflow's file name.
        workflow: String,
        /// The branch or tag.
        git_ref: String,
    },
    /// One look at a change made on GitHub (`ops::apply::github`): the run, then the package
    /// and the pipeline for a dispatch.
    LookGitHub {
        /// Request id.
        request: RequestId,
        /// The request applied.
        applied: Box<crate::ops::Request>,
        /// What earlier looks found.
        trail: Box<crate::ops::plan::follow_workflow::Trail>,
    },
    /// Read the recent runs of the workflows (and, for a failed run, its jobs), and whether
    /// runs can be changed.
    FetchRuns {
        /// Request id.
        request: RequestId,
        /// The workflow files.
        workflows: Vec<String>,
        /// Runs per workflow.
        limit: usize,
        /// The jobs already read of finished failed runs, by run id and attempt: they do not
        /// change, so they are not asked again.
        known_jobs: Vec<((u64, u32), Vec<crate::domain::github::Job>)>,
    },
    /// Compare each commit with `main` on GitHub (how many commits it lags).
    CompareMain {
        /// Request id.
        request: RequestId,
        /// The environments' commits.
        commits: Vec<String>,
    },
    /// Read the Deploy projects' images (CodeBuild) and the images of their ECR repositories,
    /// each identity's through that identity.
    ReadDeployers {
        /// Request id.
        request: RequestId,
        /// Per identity: the environment whose identity reads (its first), and the Deploy
        /// projects of that identity's environments.
        reads: Vec<(usize, Vec<String>)>,
        /// The ECR repository, when the configuration pins it; else the ones the images name.
        repository: Option<String>,
    },
    /// Read a commit and the runs of the workflows, and the action runs of the executions that
    /// carried it, for `:trace`.
    FetchTrace {
        /// Request id.
        request: RequestId,
        /// The commit: a SHA or a prefix of one.
        sha: String,
        /// The workflow files whose runs are searched.
        workflows: Vec<String>,
        /// The carrying executions whose action runs are read: (pipeline, execution id).
        executions: Vec<(String, String)>,
    },
    /// Read the jobs and steps of a run.
    FetchRunJobs {
        /// Request id.
        request: RequestId,
        /// The run.
        run_id: u64,
    },
    /// Read a job's whole log and its state (the Logs view's job log).
    FetchJobLog {
        /// Request id.
        request: RequestId,
        /// The run the job belongs to.
        run_id: u64,
        /// The job.
        job_id: u64,
    },
    /// Read the health map: every environment's golden signals (one `GetMetricData` call per
    /// region) and a probe of each configured `site_url` and `api_url`.
    ReadHealth {
        /// Request id.
        request: RequestId,
        /// Each environment with its health settings, by index.
        envs: Vec<(crate::domain::EnvSpec, crate::domain::HealthSpec)>,
        /// The time judged (the metric windows end before it).
        at: crate::domain::Timestamp,
        /// The environments not to read, by index, with why: their identity's credentials
        /// pause stands (its own retry resumes them). Their metrics are unknown with that reason.
        paused: Vec<(usize, String)>,
    },
    /// Read the audit log for the audit view.
    ReadAudit {
        /// The session's audit file.
        log: crate::ops::plan::audit::Log,
    },
    /// Run a CloudWatch Logs Insights query to its end on the environment's ports (the shared
    /// loop, `cloud::insights::run_query`): answers each `GetQueryResults` as it comes, then how
    /// it ended; [`Effect::Cancel`] stops it with `StopQuery`.
    RunInsights {
        /// Environment index (whose identity runs it).
        env: usize,
        /// Request id.
        request: RequestId,
        /// The query.
        query: crate::cloud::InsightsQuery,
    },
    /// Find the logging setup an Athena query over logs in S3 reads (as `shipdeck query` does),
    /// write one SELECT per grouping and estimate the bytes they scan from a listing of the
    /// objects in range; answers [`Reply::AthenaPlanned`](super::Reply::AthenaPlanned).
    PlanAthena {
        /// Environment index (whose identity reads).
        env: usize,
        /// Request id.
        request: RequestId,
        /// The environment.
        spec: Box<crate::domain::EnvSpec>,
        /// Its Athena settings.
        athena: crate::config::AthenaSpec,
        /// Its region (the price per TB).
        region: String,
        /// The log source the operator picked (`:logsource`), if any.
        pick: Option<String>,
        /// The filter.
        filter: crate::accesslog::Filter,
        /// The range's first instant.
        since: crate::domain::Timestamp,
        /// The instant after its last.
        until: crate::domain::Timestamp,
        /// One SELECT per grouping: its key and how many groups.
        groups: Vec<(crate::query::GroupBy, usize)>,
    },
    /// Run one SELECT on Athena to its end (the shared loop, `cloud::athena::run_query`): each
    /// state read as it comes, then how it ended; [`Effect::Cancel`] stops it
    /// (`StopQueryExecution`).
    RunAthena {
        /// Environment index (whose identity runs it).
        env: usize,
        /// Request id.
        request: RequestId,
        /// The SQL.
        sql: String,
        /// The database, workgroup and output location.
        athena: crate::config::AthenaSpec,
        /// The region (the price per TB).
        region: String,
    },
    /// Answer the Traffic view's `:query` here (the local engine): list `listing`'s prefixes for
    /// the objects holding the range (those Athena would read), read them through the one fetch
    /// loop as `setup` writes them, and count each record in range and through `filter` by each
    /// grouping (as the SELECT would); progress as it goes, then
    /// [`Reply::LocalQueryEnded`](super::Reply::LocalQueryEnded); [`Effect::Cancel`] stops it
    /// between objects.
    RunLocalQuery {
        /// Environment index (whose identity reads).
        env: usize,
        /// Request id.
        request: RequestId,
        /// What to read and count.
        query: Box<crate::app::queries::local::LocalQuery>,
    },
    /// Create an Athena table: its DDL statements in order (an operator action, confirmed).
    CreateAthenaTable {
        /// Environment index (whose identity runs it).
        env: usize,
        /// Request id ([`Effect::Cancel`] stops it).
        request: RequestId,
        /// The database, workgroup and output location.
        athena: crate::config::AthenaSpec,
        /// `CREATE DATABASE …`, `CREATE EXTERNAL TABLE …`.
        statements: Vec<String>,
    },
    /// Sign in to IAM Identity Center for these profiles (the OIDC device authorization), as
    /// `shipdeck login` does: answers the code to show, then how it ended.
    SignIn {
        /// Request id (Esc cancels it).
        request: RequestId,
        /// The profiles.
        profiles: Vec<String>,
    },
}

impl Effect {
    /// Whether this is a read that changes nothing and that no other effect waits for: a
    /// runtime may run it beside others and fold the answers in the order they were asked (the
    /// headless runtime does, so that a command's reads of several environments take the time of
    /// the slowest, not their sum). Writes, streams and anything ordered stay one at a time.
    pub fn runs_beside_others(&self) -> bool {
        matches!(
            self,
            Effect::FetchEnv { .. }
                | Effect::FetchReleases { .. }
                | Effect::FetchIdentity { .. }
                | Effect::CompareMain { .. }
                | Effect::ReadDeployers { .. }
                | Effect::LookGitHub { .. }
                | Effect::FetchRuns { .. }
                | Effect::ReadHealth { .. }
                | Effect::DiscoverLogSources { .. }
                | Effect::FetchDeployRuns { .. }
                | Effect::ListInvalidations { .. }
        )
    }
}
