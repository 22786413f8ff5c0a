//! `shipdeck logs cloudfront ENV`: an environment's CloudFront log files read from its logs
//! bucket through the storage port (the simulator with `--demo`), once or following new files
//! with the tail planner, over the same fetch loop as the Traffic view (`runtime::cloudfront_logs`);
//! a delivery to a CloudWatch Logs log group is read by polling `FilterLogEvents` instead.

use super::exit_code;
use super::sink::{Select, Sink, observe, print, report_problems, report_unknown};
use super::stats::stats_text;
use crate::accesslog::{EventTail, Seen, Stats, TailPlanner};
use crate::accesslog_io::{ReadOptions, ReadReport, read_bytes_with, read_events};
use crate::app::{LogsPlace as Place, LogsTarget, Resolved, resolve_logs as resolve};
use crate::cli::args::Since;
use crate::cli::args::{CloudfrontArgs, Global, LogOutput};
use crate::cli::io::stderr::errln;
use crate::cli::{Failure, connect};
use crate::cloud::CloudResult;
use crate::domain::{EnvSpec, LogEvent, Timestamp};
use crate::runtime::cloudfront_logs::{
    LogBucket, ObjectReader, discover, fetch_events, read_round,
};
use crate::runtime::{Clock, SimClock, WallClock};
use std::process::ExitCode;
use std::time::Duration;

/// The environment named `env`, or an error listing the configured ones.
pub(super) fn find_env<'a>(envs: &'a [EnvSpec], env: &str) -> Result<&'a EnvSpec, Failure> {
    let i = super::super::env_position(envs.iter().map(|e| e.name.as_str()), env)?;
    Ok(&envs[i])
}

/// What one reading session keeps between poll rounds: it reads each object fetched (on the
/// blocking pool, through [`ObjectReader`]) and is given back after each read.
struct Reading {
    bucket: String,
    /// How objects are read (the layout of a plain delivery's lines).
    opts: ReadOptions,
    select: Select,
    /// Which fields the filter tests that a record may lack were seen.
    seen: Seen,
    stats: Option<Stats>,
    sink: Sink,
    report: ReadReport,
    /// The newest record time read, in the window or not (whether the window is covered yet).
    newest: Option<i64>,
    /// Keys the read just done reached: taken by the planner.
    reached: Vec<String>,
    /// Keys whose fetch failed in the read just done: given back to the planner.
    failed: Vec<String>,
}

impl ObjectReader for Reading {
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool {
        let name = format!("s3://{}/{key}", self.bucket);
        self.reached.push(key.clone());
        match body {
            Ok(bytes) => {
                let (select, sink, seen) = (&self.select, &mut self.sink, &mut self.seen);
                let (opts, newest) = (&self.opts, &mut self.newest);
                let report = match &mut self.stats {
                    Some(stats) => read_bytes_with(&bytes, &name, opts, &mut |v| {
                        note_newest(newest, v);
                        observe(stats, seen, select, v)
                    }),
                    None => read_bytes_with(&bytes, &name, opts, &mut |v| {
                        note_newest(newest, v);
                        print(sink, seen, select, v)
                    }),
                };
                self.report.merge(report);
            }
            Err(e) => {
                self.failed.push(key);
                self.report.merge(ReadReport::failure(&name, e));
            }
        }
        !self.sink.closed
    }
}

impl Reading {
    /// Reads the new events of log group `group` (a delivery's JSON or plain lines).
    fn take_events(&mut self, group: &str, events: &[LogEvent]) {
        let (select, sink, seen) = (&self.select, &mut self.sink, &mut self.seen);
        let (plain, newest) = (self.opts.plain.as_ref(), &mut self.newest);
        let report = match &mut self.stats {
            Some(stats) => read_events(events, group, plain, &mut |v| {
                note_newest(newest, v);
                observe(stats, seen, select, v)
            }),
            None => read_events(events, group, plain, &mut |v| {
                note_newest(newest, v);
                print(sink, seen, select, v)
            }),
        };
        self.report.merge(report);
    }
}

/// Notes `v`'s time in `newest` when it is later.
#[inline]
fn note_newest(newest: &mut Option<i64>, v: &crate::accesslog::LineView<'_>) {
    if let Some(t) = v.timestamp().map(Timestamp::millis) {
        *newest = Some(newest.map_or(t, |n| n.max(t)));
    }
}

/// What a reading follows: a bucket's keys by the tail planner, or a log group's events.
enum Tail {
    /// Objects in a bucket.
    Keys(LogBucket, Box<TailPlanner>),
    /// A log group (its ARN) and whether the last read reached the end.
    Events(String, EventTail, bool),
}

impl Tail {
    /// When the next poll is due.
    fn next_poll(&mut self, now: Timestamp) -> Timestamp {
        match self {
            Tail::Keys(_, planner) => planner.next_poll(now),
            Tail::Events(_, tail, complete) => tail.next_poll(now, *complete),
        }
    }
}

/// Why a poll round ended early.
enum Stop {
    /// A listing failed (the message says which); the reading goes on with what it read.
    Listing(Box<Reading>, String),
    /// Reading an object stopped (the message says why): nothing more can be read.
    Reading(String),
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
    let until = super::until_after(Some(since), args.until, backend.now)?;
    let clock: Box<dyn Clock> = match &backend.sim {
        Some(sim) => Box::new(SimClock::running(sim.clone(), global.speed)),
        None => Box::new(WallClock),
    };
    let speed = if backend.sim.is_some() {
        global.speed.max(0.001)
    } else {
        1.0
    };
    // The environment's own identity reads its distribution and logs.
    let cloud = backend.clouds.named(&spec.name).clone();
    let target = target(&cloud, &spec, args.source.as_deref()).await?;
    // A source known not to log a field the filter tests cannot answer it: refused as `query`
    // refuses it, before anything is read.
    if let Some(filter) = &args.filter
        && let Some(e) = target.missing_field(filter, &spec.distribution_id)
    {
        return Err(Failure::usage(format!("--filter: {e}")));
    }
    let (mut follow, bucket) = match &target.place {
        Place::Bucket { bucket, layout } => {
            let planner =
                TailPlanner::for_layout(layout, &spec.distribution_id, since).ending(until);
            let logs = LogBucket::new(cloud.storage.clone(), bucket);
            (Tail::Keys(logs, Box::new(planner)), bucket.clone())
        }
        Place::Group { arn } => (
            Tail::Events(arn.clone(), EventTail::new(since).ending(until), true),
            String::new(),
        ),
    };
    let select = Select {
        since: Some(since),
        until,
        filter: args.filter.clone(),
    };
    let mut tail = Reading {
        bucket,
        opts: ReadOptions {
            plain: target.plain.clone(),
            columns: None,
        },
        seen: select.seen(),
        select,
        stats: args.stats.then(Stats::default),
        sink: Sink::ordered(args.output),
        report: ReadReport::default(),
        newest: None,
        reached: Vec::new(),
        failed: Vec::new(),
    };
    let mut shown = String::new();
    loop {
        let now = clock.now();
        let round = match &mut follow {
            Tail::Keys(logs, planner) => round(logs, planner, tail, now).await,
            Tail::Events(group, events, complete) => {
                let logs = cloud.logs.as_ref();
                events_round(logs, group, events, complete, tail).await
            }
        };
        tail = match round {
            Ok(tail) => tail,
            Err(Stop::Reading(e)) => return Err(Failure::new(e)),
            Err(Stop::Listing(mut tail, e)) => {
                if !args.follow {
                    // What was read before the failure still goes out.
                    tail.sink.flush();
                    return Err(Failure::new(e));
                }
                errln!("shipdeck: {e}; retrying");
                *tail
            }
        };
        tail.sink.flush();
        // Records without a field the filter tests: no later round makes the answer known.
        let unknown = tail.select.unknown(&tail.seen, tail.report.records);
        if !args.follow || tail.sink.closed || unknown.is_some() {
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
                    "{end}  5m to the newest record: {} requests, {} 5xx, hit ratio {}, p95 {}",
                    window.requests,
                    window
                        .error_rate_5xx
                        .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0)),
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
        let wait = follow.next_poll(now).since(now).max(1000) as f64 / speed;
        tokio::time::sleep(Duration::from_millis(wait.clamp(50.0, 60_000.0) as u64)).await;
    }
    let mut unknown = tail.select.unknown(&tail.seen, tail.report.records);
    // Files were read, but none of their records is from the window yet: CloudFront delivers
    // minutes late, so its numbers are unknown (no statistics, exit 1), not zero.
    if let Some(newest) = tail.newest.filter(|n| *n < since.millis())
        && unknown.is_none()
        && !args.follow
    {
        unknown = Some(format!(
            "no record from {since} on has arrived yet: the newest record read is from {} \
             (CloudFront delivers its logs minutes late; a longer --since covers what arrived)",
            Timestamp(newest)
        ));
    }
    if let Some(stats) = &tail.stats
        && !args.follow
    {
        let json = args.output == LogOutput::Jsonl;
        let text = stats_text(stats, &tail.report, json, unknown.as_deref());
        if !text.is_empty() {
            tail.sink.text(text.trim_end());
        }
    }
    if tail.report.files == 0 {
        let span = until.map_or_else(
            || format!("since {since}"),
            |u| format!("from {since} to {u}"),
        );
        errln!(
            "shipdeck: no log files in {} ({}) {span}",
            target.keys(&spec.distribution_id),
            target.label
        );
    }
    report_problems(&tail.report);
    if let Some(why) = unknown {
        report_unknown(&why);
        return Ok(ExitCode::FAILURE);
    }
    Ok(exit_code(&tail.report))
}

/// What the command reads: the configured logs bucket, or the source discovered for the
/// distribution (`--source`, else the default one; `--source` discovers even when the
/// configuration names a bucket).
async fn target(
    cloud: &crate::cloud::Cloud,
    spec: &EnvSpec,
    pick: Option<&str>,
) -> Result<LogsTarget, Failure> {
    let mut spec = spec.clone();
    if pick.is_some() {
        spec.logs_bucket = None;
    }
    let found = match spec.logs_bucket {
        Some(_) => None,
        None => Some(discover(cloud, &spec.distribution_id).await),
    };
    let problems = found.as_ref().map(|f| f.problems()).unwrap_or_default();
    match resolve(&spec, found.as_ref(), pick) {
        Resolved::Target(t) => {
            for p in problems {
                errln!("shipdeck: {p}");
            }
            Ok(*t)
        }
        Resolved::Unreadable(why) => Err(Failure::new(format!(
            "cannot read the access logs of {} ({}): {why}",
            spec.name, spec.distribution_id
        ))),
        Resolved::NoSuchSource(why) => Err(Failure::usage(format!("--source: {why}"))),
        Resolved::Discover => Err(Failure::new("the log sources were not discovered")),
    }
}

/// One poll round of a log group: its events from the tail's start, those not read before read.
async fn events_round(
    logs: &dyn crate::cloud::Logs,
    group: &str,
    tail: &mut EventTail,
    complete: &mut bool,
    mut reading: Reading,
) -> Result<Reading, Stop> {
    let (events, done) = match fetch_events(logs, group, tail.start(), tail.end()).await {
        Ok(answer) => answer,
        Err(e) => {
            let text = format!("cannot read the log group {group}: {e}");
            return Err(Stop::Listing(Box::new(reading), text));
        }
    };
    *complete = done;
    let fresh = tail.take(events);
    let name = crate::cloud::group_name(group).to_string();
    let job = move || {
        reading.take_events(&name, &fresh);
        reading
    };
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| Stop::Reading(format!("reading log events stopped: {e}")))
}

/// One poll round: the planner's round ([`TailPlanner::round`]) listed, fetched and read
/// through the one CloudFront log path ([`read_round`], the Traffic view's too); the keys the
/// read reached are taken by the planner, those whose fetch failed given back, and a listing
/// that stopped early makes the next round list the whole look-back again.
async fn round(
    logs: &LogBucket,
    planner: &mut TailPlanner,
    reading: Reading,
    now: Timestamp,
) -> Result<Reading, Stop> {
    let mut plan = planner.round(now);
    let (mut reading, listing) = read_round(logs, &mut plan, reading)
        .await
        .map_err(Stop::Reading)?;
    for key in reading.reached.drain(..) {
        planner.took(&key);
    }
    for key in reading.failed.drain(..) {
        planner.mark_failed(&key);
    }
    match listing {
        Some(failed) => {
            planner.listing_failed();
            let (prefix, e) = (&failed.prefix, &failed.error);
            let text = format!("cannot list s3://{}/{prefix}: {e}", logs.name());
            Err(Stop::Listing(Box::new(reading), text))
        }
        None => Ok(reading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{ObjectMeta, ObjectPage, PutOutcome, PutRequest, Storage, UploadedPart};
    use crate::domain::ObjectInfo;
    use std::sync::Arc;

    /// A logs bucket that lists `listed` (or never answers a listing, if `None`) and never
    /// answers a fetch.
    struct Silent {
        listed: Option<Vec<String>>,
    }

    fn object(key: &str) -> ObjectInfo {
        ObjectInfo {
            key: key.to_string(),
            size: 1,
            last_modified: NOW,
            etag: String::new(),
        }
    }

    async fn never<T>() -> CloudResult<T> {
        std::future::pending().await
    }

    #[async_trait::async_trait]
    impl Storage for Silent {
        async fn list_objects(
            &self,
            _: &str,
            _: &str,
            _: Option<&str>,
            _: Option<&str>,
            _: usize,
        ) -> CloudResult<ObjectPage> {
            let Some(keys) = &self.listed else {
                return never().await;
            };
            let objects = keys.iter().map(|k| object(k)).collect();
            Ok(ObjectPage {
                objects,
                next_token: None,
            })
        }
        async fn get_object(&self, _: &str, _: &str) -> CloudResult<Vec<u8>> {
            never().await
        }
        async fn head_object(&self, _: &str, _: &str) -> CloudResult<ObjectMeta> {
            never().await
        }
        async fn list_object_versions(
            &self,
            _: &str,
            _: &str,
            _: usize,
        ) -> CloudResult<Vec<crate::cloud::ObjectVersion>> {
            never().await
        }
        async fn head_object_version(&self, _: &str, _: &str, _: &str) -> CloudResult<ObjectMeta> {
            never().await
        }
        async fn put_object(&self, _: &PutRequest) -> CloudResult<PutOutcome> {
            never().await
        }
        async fn create_multipart(&self, _: &PutRequest) -> CloudResult<String> {
            never().await
        }
        async fn upload_part(
            &self,
            _: &str,
            _: &str,
            _: &str,
            _: i32,
            _: Vec<u8>,
        ) -> CloudResult<UploadedPart> {
            never().await
        }
        async fn complete_multipart(
            &self,
            _: &str,
            _: &str,
            _: &str,
            _: &[UploadedPart],
            _: bool,
        ) -> CloudResult<PutOutcome> {
            never().await
        }
        async fn abort_multipart(&self, _: &str, _: &str, _: &str) -> CloudResult<()> {
            never().await
        }
        async fn copy_object(&self, _: &str, _: &str, _: &str, _: &str) -> CloudResult<PutOutcome> {
            never().await
        }
    }

    const NOW: Timestamp = Timestamp(1_795_597_200_000);

    fn reading() -> Reading {
        Reading {
            bucket: "logs".into(),
            opts: ReadOptions::default(),
            select: Select::default(),
            seen: Seen::default(),
            stats: None,
            sink: Sink::ordered(LogOutput::Jsonl),
            report: ReadReport::default(),
            newest: None,
            reached: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// One round over `storage` with a short request timeout; `None` if it did not end (a
    /// call without the timeout waits for ever).
    async fn one_round(
        storage: Silent,
        planner: &mut TailPlanner,
    ) -> Option<Result<Reading, Stop>> {
        let logs = LogBucket::new(Arc::new(storage), "logs").with_timeout(Duration::from_millis(5));
        let round = round(&logs, planner, reading(), NOW);
        tokio::time::timeout(Duration::from_secs(20), round)
            .await
            .ok()
    }

    #[tokio::test]
    async fn a_listing_that_never_answers_ends_the_round_with_a_timeout() {
        let mut planner = TailPlanner::new("cf/", "E1", NOW - Timestamp::HOUR);
        let ended = one_round(Silent { listed: None }, &mut planner).await;
        match ended {
            Some(Err(Stop::Listing(_, text))) => {
                assert!(text.contains("ListObjectsV2 timed out"), "{text}")
            }
            Some(_) => panic!("the listing failed"),
            None => panic!("the round waits for ever"),
        }
    }

    #[tokio::test]
    async fn a_fetch_that_never_answers_is_given_back_with_a_timeout() {
        let key = format!("cf/E1.{}.abcd.gz", crate::accesslog::hour_string(NOW));
        let mut planner = TailPlanner::new("cf/", "E1", NOW - Timestamp::HOUR);
        let storage = Silent {
            listed: Some(vec![key.clone()]),
        };
        let Some(Ok(reading)) = one_round(storage, &mut planner).await else {
            panic!("the round ends with what it read");
        };
        assert_eq!(reading.report.errors.len(), 1, "{:?}", reading.report);
        assert!(
            reading.report.errors[0].contains("GetObject timed out"),
            "{:?}",
            reading.report.errors
        );
        // The key is listed and fetched again next round.
        let again = planner.on_listing(&[object(&key)]);
        assert_eq!(again, vec![key]);
    }
}
