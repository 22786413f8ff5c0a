//! The effect runner: turns an `Effect` into port calls and the `Action` that carries the result.

use crate::app::{Action, Effect, EnvSnapshot, Reply};
use crate::cloud::{
    Cloud, CloudError, CloudResult, InvalidationPage, LogPage, LogQuery, filter_pages,
};
use crate::domain::{
    ExecutionSummary, PipelineDef, PipelineState, Release, SourceObject, StageStatus, Timestamp,
};
use std::future::Future;
use std::time::Duration;

/// Longest wait for one port call before it counts as a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Executions read per refresh (the history list).
const HISTORY: usize = 25;
/// Log events asked for per `FilterLogEvents` page.
const LOG_PAGE: usize = 500;
/// Pages one group's read follows at most in a poll (up to 5,000 events; empty pages count);
/// past them the read stops and the next poll goes on with the token. A read re-reads at most
/// the ids a group's poll remembers (`LOG_SEEN_CAP`), so this leaves room for new events.
const LOG_READ_PAGES: usize = 10;

/// Runs one port call with the request timeout, tracing its outcome.
pub(super) async fn timed<T>(
    operation: &str,
    call: impl Future<Output = CloudResult<T>>,
) -> CloudResult<T> {
    timed_for(operation, REQUEST_TIMEOUT, call).await
}

/// [`timed`] with the limit `limit`.
pub(super) async fn timed_for<T>(
    operation: &str,
    limit: Duration,
    call: impl Future<Output = CloudResult<T>>,
) -> CloudResult<T> {
    let result = match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_) => Err(CloudError::Timeout {
            operation: operation.to_string(),
        }),
    };
    match &result {
        Ok(_) => tracing::debug!(operation, "call succeeded"),
        Err(e) => tracing::warn!(operation, error = %e, "call failed"),
    }
    result
}

/// Runs one effect; `None` for effects that answer nothing (quit).
pub async fn run_effect(cloud: &Cloud, effect: Effect) -> Option<Action> {
    run_effect_with(cloud, effect, None).await
}

/// [`run_effect`], sending the parts of a long answer to `progress` before the answer (a
/// CloudFront read's objects read so far, for the Traffic view to draw while the read goes on);
/// without it, the answer carries everything.
pub async fn run_effect_with(
    cloud: &Cloud,
    effect: Effect,
    progress: Option<&super::cloudfront_logs::Progress>,
) -> Option<Action> {
    match effect {
        Effect::FetchEnv {
            env,
            request,
            pipeline,
            distribution_id,
            with_distribution,
            cached_def,
            source,
            deployed_cache,
        } => {
            let asked = Asked {
                distribution: with_distribution.then_some(distribution_id.as_str()),
                source: source.as_ref().map(|(b, k)| (b.as_str(), k.as_str())),
                deployed_cache,
            };
            let result = fetch_env(cloud, &pipeline, asked, cached_def)
                .await
                .map(Box::new);
            Some(Action::Reply(Reply::EnvLoaded {
                env,
                request,
                result,
            }))
        }
        Effect::FetchReleases {
            request,
            bucket,
            prefix,
        } => {
            let result = fetch_releases(cloud, &bucket, &prefix).await;
            Some(Action::Reply(Reply::ReleasesLoaded { request, result }))
        }
        Effect::FetchIdentity { env } => {
            let result = timed("GetCallerIdentity", cloud.identity.caller_identity()).await;
            Some(Action::Reply(Reply::IdentityLoaded { env, result }))
        }
        Effect::FetchLogs {
            env,
            request,
            reads,
            streams,
        } => {
            let mut results = Vec::with_capacity(reads.len());
            for read in reads {
                let query = LogQuery {
                    group: read.group.clone(),
                    streams: streams.clone(),
                    start: Some(read.since),
                    next_token: read.token,
                    limit: Some(LOG_PAGE),
                    ..LogQuery::default()
                };
                let mut events = Vec::new();
                let pages = filter_pages(cloud.logs.as_ref(), &query, LOG_READ_PAGES, |page| {
                    events.extend(page);
                    true
                });
                let token = timed("FilterLogEvents", pages).await;
                let page = token.map(|next_token| LogPage { events, next_token });
                results.push((read.group, page));
            }
            Some(Action::Reply(Reply::LogsLoaded {
                env,
                request,
                results,
            }))
        }
        Effect::DiscoverLogSources {
            env,
            request,
            distribution_id,
        } => {
            let found = super::cloudfront_logs::discover(cloud, &distribution_id).await;
            Some(Action::Reply(Reply::LogSourcesFound {
                env,
                request,
                found: Box::new(found),
            }))
        }
        Effect::StreamTraffic {
            env,
            request,
            bucket,
            round,
            plain,
        } => {
            let opts = crate::accesslog_io::ReadOptions {
                plain,
                columns: None,
            };
            let logs = super::cloudfront_logs::LogBucket::new(cloud.storage.clone(), &bucket);
            let parts = progress.map(|tx| (env, request, tx.clone()));
            let batch = super::cloudfront_logs::stream_round(&logs, *round, opts, parts).await;
            Some(Action::Reply(Reply::TrafficRead {
                env,
                request,
                batch: Box::new(batch),
            }))
        }
        Effect::FetchTrafficEvents {
            env,
            request,
            group,
            start,
            end,
        } => {
            let logs = cloud.logs.as_ref();
            let result = super::cloudfront_logs::fetch_events(logs, &group, start, end).await;
            Some(Action::Reply(Reply::TrafficEvents {
                env,
                request,
                result,
            }))
        }
        Effect::ReadTrafficEvents {
            env,
            request,
            group,
            events,
            plain,
        } => {
            let batch = super::cloudfront_logs::read_events(group, events, plain).await;
            Some(Action::Reply(Reply::TrafficRead {
                env,
                request,
                batch: Box::new(batch),
            }))
        }
        Effect::SignIn { request, profiles } => {
            Some(super::sign_in::run(request, profiles, progress).await)
        }
        // Run alone (the CLI, a headless app): on the wall clock, not stoppable but by its end.
        Effect::RunInsights { request, query, .. } => {
            let never = crate::ops::apply::upload::Cancel::never();
            let clock = super::WallClock;
            Some(super::insights::run(cloud, &clock, request, &query, progress, &never).await)
        }
        Effect::PlanAthena {
            request,
            spec,
            athena,
            region,
            pick,
            filter,
            since,
            until,
            groups,
            ..
        } => {
            let result = super::athena::prepare(
                cloud,
                &spec,
                &athena,
                &region,
                pick.as_deref(),
                &filter,
                (since, until),
                &groups,
            )
            .await;
            Some(Action::Reply(Reply::AthenaPlanned {
                request,
                result: Box::new(result),
            }))
        }
        // Run alone (a headless app): on the wall clock, not stoppable but by its end.
        Effect::RunAthena {
            request,
            sql,
            athena,
            region,
            ..
        } => {
            let never = crate::ops::apply::upload::Cancel::never();
            let clock = super::WallClock;
            let at = crate::cloud::Clock::now(&clock).millis();
            let query = super::athena::statement(&athena, &sql, at, 0);
            let price = crate::query::price_per_tb(&region).0;
            Some(super::athena::run(cloud, &clock, request, &query, price, progress, &never).await)
        }
        // Run alone (a headless app): not stoppable but by its end.
        Effect::RunLocalQuery { request, query, .. } => {
            let never = crate::ops::apply::upload::Cancel::never();
            let tx = progress.cloned();
            Some(super::local_query::run(cloud, request, &query, tx, &never).await)
        }
        Effect::CreateAthenaTable {
            request,
            athena,
            statements,
            ..
        } => {
            let never = crate::ops::apply::upload::Cancel::never();
            let clock = super::WallClock;
            Some(
                super::athena::create_for_console(
                    cloud,
                    &clock,
                    request,
                    &athena,
                    &statements,
                    &never,
                )
                .await,
            )
        }
        // Effects run one after another here; the loop's task registry stops running reads.
        Effect::Cancel { .. } => None,
        Effect::WriteFile { path, job, replace } => {
            let target = expand_home(&path);
            let written = tokio::task::spawn_blocking(move || {
                super::export_file::write_export(&target, &job, replace)
            })
            .await;
            let (records, result) = match written {
                Ok(Ok(n)) => (n, Ok(())),
                Ok(Err(e)) => (0, Err(e)),
                Err(e) => (
                    0,
                    Err(crate::app::ExportError::Failed(format!(
                        "the export stopped: {e}"
                    ))),
                ),
            };
            Some(Action::Reply(Reply::FileWritten {
                path,
                records,
                result,
            }))
        }
        Effect::FetchActionExecutions {
            env,
            request,
            pipeline,
            execution_id,
            action,
        } => {
            let result = timed(
                "ListActionExecutions",
                cloud
                    .pipelines
                    .list_action_executions(&pipeline, &execution_id),
            )
            .await;
            Some(Action::Reply(Reply::ActionExecutionsLoaded {
                env,
                request,
                action,
                result,
            }))
        }
        Effect::FetchDeployRuns {
            env,
            request,
            pipeline,
            execution_ids,
        } => {
            let mut runs = Vec::new();
            let mut result = Ok(());
            for id in &execution_ids {
                let read = timed(
                    "ListActionExecutions",
                    cloud.pipelines.list_action_executions(&pipeline, id),
                )
                .await;
                match read {
                    Ok(more) => runs.extend(more),
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            Some(Action::Reply(Reply::DeployRunsLoaded {
                env,
                request,
                result: result.map(|()| runs),
            }))
        }
        Effect::ListInvalidations {
            env,
            request,
            distribution_id,
            since,
        } => {
            let result = invalidations_since(cloud, &distribution_id, since).await;
            Some(Action::Reply(Reply::InvalidationsLoaded {
                env,
                request,
                result,
            }))
        }
        Effect::FetchExecution {
            request,
            pipeline,
            execution_id,
        } => {
            let result = timed(
                "GetPipelineExecution",
                cloud.pipelines.get_execution(&pipeline, &execution_id),
            )
            .await
            .map(Box::new);
            Some(Action::Reply(Reply::ExecutionLoaded { request, result }))
        }
        // Reads of several environments: one identity here, so every part on these ports.
        effect @ (Effect::ReadDeployers { .. }
        | Effect::ReadHealth { .. }
        | Effect::FetchTrace { .. }) => {
            super::routing::spanning(&crate::cloud::Clouds::single(cloud.clone()), effect).await
        }
        Effect::Quit
        | Effect::SwitchSystem { .. }
        | Effect::DemoFault { .. }
        | Effect::Notify { .. } => None,
        effect @ (Effect::ApplyOp { .. }
        | Effect::Audit { .. }
        | Effect::ReadAudit { .. }
        | Effect::FetchPackages { .. }
        | Effect::FetchCandidates { .. }
        | Effect::FetchSourceVersions { .. }
        | Effect::FetchInvalidation { .. }
        | Effect::ReadWorkflow { .. }
        | Effect::FetchRuns { .. }
        | Effect::CompareMain { .. }
        | Effect::FetchRunJobs { .. }
        | Effect::FetchJobLog { .. }
        | Effect::LookGitHub { .. }
        | Effect::CompletePath { .. }
        | Effect::ReadPackage { .. }) => {
            let never = crate::ops::apply::upload::Cancel::never();
            super::ops_effects::run(cloud, effect, progress, &never).await
        }
    }
}

/// `~/x` under the home directory; any other path as it is.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// What one environment refresh reads besides the pipeline's state and history.
struct Asked<'a> {
    /// The distribution, when due.
    distribution: Option<&'a str>,
    /// The source object (bucket, key), when due.
    source: Option<(&'a str, &'a str)>,
    /// What runs, as last listed, and the deploy stage's run it was listed for.
    deployed_cache: Option<Box<(String, Option<ExecutionSummary>)>>,
}

/// Reads a pipeline's state and history, its definition when the state's version differs from
/// the cached one (or nothing is cached), its distribution and source object when asked,
/// concurrently, then what runs in the environment. A failed state, distribution or source
/// read does not hide the rest.
async fn fetch_env(
    cloud: &Cloud,
    pipeline: &str,
    asked: Asked<'_>,
    cached_def: Option<PipelineDef>,
) -> CloudResult<EnvSnapshot> {
    let Asked {
        distribution,
        source,
        deployed_cache,
    } = asked;
    let p = &cloud.pipelines;
    let def = async {
        match &cached_def {
            None => Some(timed("GetPipeline", p.get_pipeline(pipeline)).await),
            Some(_) => None,
        }
    };
    let dist = async {
        match distribution {
            Some(id) => Some(timed("GetDistribution", cloud.cdn.get_distribution(id)).await),
            None => None,
        }
    };
    let object = async {
        match source {
            Some((bucket, key)) => Some(
                match timed("HeadObject", cloud.storage.head_object(bucket, key)).await {
                    Ok(meta) => Ok(Some(SourceObject {
                        bucket: bucket.to_string(),
                        key: key.to_string(),
                        version_id: meta.version_id,
                        last_modified: meta.info.last_modified,
                        release: Release::from_metadata(&meta.metadata, None),
                    })),
                    // No source object: a definite answer (nothing to deploy yet).
                    Err(CloudError::NotFound { kind, .. }) if kind == "key" => Ok(None),
                    Err(e) => Err(e),
                },
            ),
            None => None,
        }
    };
    let (def, state, executions, distribution, source) = futures::join!(
        def,
        timed("GetPipelineState", p.get_pipeline_state(pipeline)),
        timed(
            "ListPipelineExecutions",
            p.list_executions(pipeline, HISTORY)
        ),
        dist,
        object,
    );
    if executions.is_err() || matches!(def, Some(Err(_))) {
        let errors = [
            def.as_ref().and_then(|d| d.as_ref().err()),
            executions.as_ref().err(),
            state.as_ref().err(),
        ];
        return Err(most_telling(&errors));
    }
    let executions = executions?;
    let def = match (def, cached_def) {
        (Some(read), _) => read?,
        (None, Some(cached)) if state.as_ref().is_ok_and(|s| s.version != cached.version) => {
            timed("GetPipeline", p.get_pipeline(pipeline)).await?
        }
        (None, Some(cached)) => cached,
        (None, None) => timed("GetPipeline", p.get_pipeline(pipeline)).await?,
    };
    let (deployed, deployed_key) = deployed(
        cloud,
        &def,
        state.as_ref().ok(),
        &executions,
        deployed_cache,
    )
    .await;
    Ok(EnvSnapshot {
        def,
        state,
        executions,
        distribution,
        deployed,
        deployed_key,
        source,
    })
}

/// What runs in the environment: the execution whose run through the deploy stage is the
/// latest when that run succeeded (known from the state and the history, no extra call), else
/// the newest execution that succeeded in the deploy stage (`ListPipelineExecutions` with
/// `succeededInStage`, once per change of the deploy stage's latest run). A pipeline without a
/// deploy stage has nothing deployed; a failed listing is unknown, never "nothing".
async fn deployed(
    cloud: &Cloud,
    def: &PipelineDef,
    state: Option<&PipelineState>,
    executions: &[ExecutionSummary],
    cache: Option<Box<(String, Option<ExecutionSummary>)>>,
) -> (CloudResult<Option<ExecutionSummary>>, Option<String>) {
    let Some(stage) = def.deploy_stage() else {
        return (Ok(None), None);
    };
    let latest = state.and_then(|s| s.stage_latest(stage));
    if let Some(run) = latest.filter(|l| l.status == StageStatus::Succeeded)
        && let Some(e) = executions
            .iter()
            .find(|e| e.id == run.pipeline_execution_id)
    {
        return (Ok(Some(e.clone())), None);
    }
    // Without the state nothing tells whether the listing changed: it is read every time.
    let key = latest.map(|l| format!("{}:{}", l.pipeline_execution_id, l.status.as_str()));
    if let (Some(key), Some(cached)) = (&key, cache)
        && *key == cached.0
    {
        let (cached, deployed) = *cached;
        return (Ok(deployed), Some(cached));
    }
    let listed = timed(
        "ListPipelineExecutions",
        cloud.pipelines.list_succeeded_in_stage(&def.name, stage, 1),
    )
    .await
    .map(|mut list| (!list.is_empty()).then(|| list.remove(0)));
    (listed, key)
}

/// Of several failed reads of one refresh, the error that tells the operator most: one that
/// retrying will not fix (a missing pipeline, a refused permission, expired credentials) before a
/// transient one; the state's transient error before the others'.
fn most_telling(errors: &[Option<&CloudError>; 3]) -> CloudError {
    let lasting = errors.iter().flatten().find(|e| !e.is_transient());
    let transient = errors.iter().rev().flatten().next();
    lasting
        .or(transient)
        .map_or_else(|| CloudError::Network("no answer".into()), |e| (*e).clone())
}

/// The releases under `prefix`, read as the release commands read them (every page, a version
/// anywhere in the key name) but without any `HeadObject`: this runs every minute.
async fn fetch_releases(cloud: &Cloud, bucket: &str, prefix: &str) -> CloudResult<Vec<Release>> {
    let limits = crate::ops::plan::package::Limits::NAMES;
    let read = crate::ops::apply::catalogue::read(cloud, bucket, prefix, None, limits);
    let catalogue = timed("ListObjectsV2", read).await?;
    Ok(catalogue.packages.into_iter().map(|p| p.release).collect())
}

/// Pages of `ListInvalidations` read at most for the markers (100 invalidations a page).
const INVALIDATION_PAGES: usize = 5;

/// A distribution's invalidations, newest first, back to `since`: pages are read until one
/// reaches it; `next_marker` stays set when the page limit stopped the read first.
async fn invalidations_since(
    cloud: &Cloud,
    distribution_id: &str,
    since: Timestamp,
) -> Result<InvalidationPage, CloudError> {
    let mut out = InvalidationPage::default();
    for _ in 0..INVALIDATION_PAGES {
        let page = timed(
            "ListInvalidations",
            cloud
                .cdn
                .list_invalidations(distribution_id, out.next_marker.as_deref(), 100),
        )
        .await?;
        let reached = page.items.iter().any(|i| i.created < since);
        out.items
            .extend(page.items.into_iter().filter(|i| i.created >= since));
        out.next_marker = page.next_marker.filter(|_| !reached);
        if out.next_marker.is_none() {
            break;
        }
    }
    Ok(out)
}
