//! `shipdeck logs cloudfront ENV`: an environment's CloudFront log files read from its logs
//! bucket through the storage port (the simulator with `--demo`), once or following new files
//! with the tail planner.

use super::args::{CloudfrontArgs, Global, LogOutput};
use super::logs::{Since, exit_code};
use super::logs_sink::{Select, Sink, observe, report_problems};
use super::logs_stats::stats_text;
use super::{Failure, connect};
use crate::accesslog::{Stats, TailPlanner};
use crate::cloud::Storage;
use crate::domain::{EnvSpec, Timestamp};
use crate::logread::{ReadReport, read_bytes};
use crate::runtime::{Clock, SimClock, WallClock};
use futures::StreamExt;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Objects fetched at the same time.
const FETCHES: usize = 4;
/// Keys per listing page.
const PAGE: usize = 1000;

/// The environment named `env`, or an error listing the configured ones.
pub(super) fn find_env<'a>(envs: &'a [EnvSpec], env: &str) -> Result<&'a EnvSpec, Failure> {
    envs.iter().find(|e| e.name == env).ok_or_else(|| {
        let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
        Failure::new(format!(
            "unknown environment `{env}`; expected one of {}",
            names.join(", ")
        ))
    })
}

/// What one reading session keeps between poll rounds.
struct Tail {
    storage: Arc<dyn Storage>,
    bucket: String,
    select: Select,
    stats: Option<Stats>,
    sink: Sink,
    report: ReadReport,
}

/// Reads the environment's log files since `--since` (default 1h), printing records or the
/// statistics; with `--follow`, keeps polling for new files.
pub(super) async fn run(
    global: &Global,
    env: &str,
    args: &CloudfrontArgs,
) -> Result<ExitCode, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let spec = find_env(&backend.config.environments, env)?.clone();
    let since = args
        .since
        .unwrap_or(Since::Ago(Timestamp::HOUR))
        .at(backend.now);
    let clock: Box<dyn Clock> = match &backend.sim {
        Some(sim) => Box::new(SimClock::running(sim.clone(), global.speed)),
        None => Box::new(WallClock),
    };
    let speed = if backend.sim.is_some() {
        global.speed.max(0.001)
    } else {
        1.0
    };
    let mut planner = TailPlanner::new(&spec.logs_prefix, &spec.distribution_id, since);
    let mut tail = Tail {
        storage: backend.cloud.storage.clone(),
        bucket: spec.logs_bucket.clone(),
        select: Select {
            since: Some(since),
            filter: args.filter.clone(),
        },
        stats: args.stats.then(Stats::default),
        sink: Sink::ordered(args.output),
        report: ReadReport::default(),
    };
    let mut shown = String::new();
    loop {
        let now = clock.now();
        let listed = round(&mut tail, &mut planner, now).await;
        if let Err(e) = listed {
            if !args.follow {
                // What was read before the failure still goes out.
                tail.sink.flush();
                return Err(Failure::new(e));
            }
            eprintln!("shipdeck: {e}; retrying");
        }
        tail.sink.flush();
        if !args.follow || tail.sink.closed {
            break;
        }
        if let Some(stats) = &tail.stats {
            // CloudFront delivers minutes late: the window ends at the newest record seen.
            let end = stats.newest().unwrap_or(since);
            let window = stats.window(crate::accesslog::Window::M5, end).decoded();
            let line = if args.output == LogOutput::Jsonl {
                serde_json::to_string(&window).unwrap_or_default()
            } else if stats.newest().is_none() {
                format!("{since}  no records yet; waiting for log files")
            } else {
                format!(
                    "{end}  5m to the newest record: {} requests, {:.1}% 5xx, hit ratio {}, p95 {}",
                    window.requests,
                    window.error_rate_5xx * 100.0,
                    window
                        .hit_ratio
                        .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0)),
                    window
                        .time_taken_ms
                        .p95
                        .map_or_else(|| "-".into(), |v| format!("{v}ms"))
                )
            };
            // A line when the numbers change, not one per poll.
            if shown != line {
                tail.sink.text(&line);
                shown = line;
            }
        }
        let now = clock.now();
        let wait = planner.next_poll(now).since(now).max(1000) as f64 / speed;
        tokio::time::sleep(Duration::from_millis(wait.clamp(50.0, 60_000.0) as u64)).await;
    }
    if let Some(stats) = &tail.stats
        && !args.follow
    {
        let text = stats_text(stats, &tail.report, args.output == LogOutput::Jsonl);
        tail.sink.text(text.trim_end());
    }
    if tail.report.files == 0 {
        eprintln!(
            "shipdeck: no log files in s3://{}/{}{}.* since {since}",
            spec.logs_bucket, spec.logs_prefix, spec.distribution_id
        );
    }
    report_problems(&tail.report);
    Ok(exit_code(&tail.report))
}

/// One poll round: the planner's listings, paged, and every new object fetched and read.
async fn round(tail: &mut Tail, planner: &mut TailPlanner, now: Timestamp) -> Result<(), String> {
    for request in planner.listings(now) {
        let mut token: Option<String> = None;
        loop {
            let page = tail
                .storage
                .list_objects(
                    &tail.bucket,
                    &request.prefix,
                    Some(&request.start_after),
                    token.as_deref(),
                    PAGE,
                )
                .await
                .map_err(|e| format!("cannot list s3://{}/{}: {e}", tail.bucket, request.prefix))?;
            let keys = planner.on_listing(&page.objects);
            read_objects(tail, planner, keys).await;
            token = page.next_token;
            if token.is_none() || tail.sink.closed {
                break;
            }
        }
    }
    Ok(())
}

/// Fetches `keys` a few at a time and reads them in key order.
async fn read_objects(tail: &mut Tail, planner: &mut TailPlanner, keys: Vec<String>) {
    let storage = tail.storage.clone();
    let bucket = tail.bucket.clone();
    let mut bodies = futures::stream::iter(keys)
        .map(|key| {
            let (storage, bucket) = (storage.clone(), bucket.clone());
            async move {
                let body = storage.get_object(&bucket, &key).await;
                (key, body)
            }
        })
        .buffered(FETCHES);
    while let Some((key, body)) = bodies.next().await {
        let name = format!("s3://{}/{key}", tail.bucket);
        match body {
            Ok(bytes) => {
                let (select, sink) = (&tail.select, &mut tail.sink);
                let report = match &mut tail.stats {
                    Some(stats) => read_bytes(&bytes, &name, &mut |v| observe(stats, select, v)),
                    None => read_bytes(&bytes, &name, &mut |v| {
                        if select.accepts(v) {
                            sink.record(v);
                        }
                    }),
                };
                tail.report.merge(report);
            }
            Err(e) => {
                planner.mark_failed(&key);
                tail.report.merge(ReadReport::failure(&name, e));
            }
        }
        if tail.sink.closed {
            break;
        }
    }
}
