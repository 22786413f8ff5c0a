//! The one CloudFront log path, for the Traffic view and `shipdeck logs cloudfront` (once and
//! `--follow`) alike: a logs bucket listed page by page and its objects fetched through an
//! adaptive window (a few GETs in flight at first, up to 64 while throughput rises, fewer on
//! SlowDown, bounded by the bytes held), every call under the request timeout, each object handed as it arrives to a reader that runs
//! on tokio's blocking pool (gzip inflation and parsing stay off the async threads). Dropping the
//! read cancels it: no fetch starts after that, and the reader stops before the next object.
//! A standard logging v2 delivery to a CloudWatch Logs log group is read on the same path by
//! pages of `FilterLogEvents` ([`fetch_events`]), its events parsed on the blocking pool
//! ([`read_events`]).

use crate::accesslog::input::PlainLayout;
use crate::accesslog::{FetchWindow, WindowConfig};
use crate::accesslog_io::{ReadOptions, read_bytes_with};
use crate::app::{BatchAssembly, ObjectRecords, TrafficBatch};
use crate::cloud::{
    Cloud, CloudError, CloudResult, Discovery, LogQuery, Logs, ObjectPage, Storage,
};
use crate::domain::{LogEvent, ObjectInfo, Timestamp};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// Discovers distribution `id`'s log sources: its legacy logging (`GetDistribution`) and its
/// v2 deliveries, each call under the request timeout.
pub async fn discover(cloud: &Cloud, id: &str) -> Discovery {
    let distribution = super::effects::timed("GetDistribution", cloud.cdn.get_distribution(id));
    let deliveries = super::effects::timed("DescribeDeliveries", cloud.logs.log_deliveries(id));
    let (distribution, deliveries) = futures::join!(distribution, deliveries);
    Discovery::from_answers(distribution, deliveries)
}

/// Attempts of one GET refused with SlowDown or a 503 before its error is handed over.
pub const SLOWED_ATTEMPTS: u32 = 4;
/// Keys per listing page.
const PAGE: usize = 1000;
/// Most pages of one listing read by [`LogBucket::list_all`] (1000 keys each).
const MAX_PAGES: usize = 100;

/// Events asked for per `FilterLogEvents` page (the most the service returns).
const EVENT_PAGE: usize = 10_000;
/// Pages of one log group read: the rest is read by the next poll, at once.
const EVENT_PAGES: usize = 20;

/// Attempts of one `FilterLogEvents` page refused with `ThrottlingException` before the read
/// fails.
pub const THROTTLED_PAGE_ATTEMPTS: u32 = 5;
/// The first wait before a throttled page is asked again (doubling with each refusal).
const PAGE_BACKOFF: Duration = Duration::from_millis(200);

/// The events of log group `group` (an ARN or a name) from `start` on, in time order, with
/// whether the read reached the end ([`EVENT_PAGES`] pages at most); the whole read is given
/// four request timeouts. A page refused with `ThrottlingException` is asked again after a
/// doubling back-off (0.2 s, 0.4 s, …; [`THROTTLED_PAGE_ATTEMPTS`] in all) instead of failing
/// the read. A refusal names the group.
pub async fn fetch_events(
    logs: &dyn Logs,
    group: &str,
    start: Timestamp,
) -> CloudResult<(Vec<LogEvent>, bool)> {
    let mut query = LogQuery {
        group: group.to_string(),
        start: Some(start),
        limit: Some(EVENT_PAGE),
        ..LogQuery::default()
    };
    let mut events = Vec::new();
    let read = async {
        for _ in 0..EVENT_PAGES {
            let mut attempt = 0;
            let page = loop {
                match logs.filter_log_events(&query).await {
                    Err(CloudError::Throttled { .. }) if attempt + 1 < THROTTLED_PAGE_ATTEMPTS => {
                        tokio::time::sleep(PAGE_BACKOFF * (1 << attempt)).await;
                        attempt += 1;
                    }
                    other => break other?,
                }
            };
            events.extend(page.events);
            query.next_token = page.next_token;
            if query.next_token.is_none() {
                break;
            }
        }
        Ok(query.next_token.clone())
    };
    let limit = super::REQUEST_TIMEOUT * 4;
    let token = super::effects::timed_for("FilterLogEvents", limit, read)
        .await
        .map_err(|e| on_group(e, group))?;
    events.sort_by_key(|e| e.timestamp);
    Ok((events, token.is_none()))
}

/// A refusal that does not say which log group it was about names `group` (a policy may grant
/// `logs:FilterLogEvents` on some groups only).
fn on_group(err: CloudError, group: &str) -> CloudError {
    match err {
        CloudError::AccessDenied { action, why } if !why.contains(group) => {
            let on = format!("on log group {group}");
            let why = if why.is_empty() {
                on
            } else {
                format!("{on}; {why}")
            };
            CloudError::AccessDenied { action, why }
        }
        other => other,
    }
}

/// Parses a log group's `events` into one time-ordered batch, on the blocking pool (plain lines
/// laid out by `plain`, else JSON).
pub(super) async fn read_events(
    group: String,
    events: Vec<LogEvent>,
    plain: Option<PlainLayout>,
) -> TrafficBatch {
    let job = move || {
        let name = crate::cloud::group_name(&group).to_string();
        let mut records = ObjectRecords::new();
        let report = crate::accesslog_io::read_events(&events, &name, plain.as_ref(), &mut |v| {
            records.push(v)
        });
        // A malformed event is counted as a skipped line, like one in an object.
        let mut batch = BatchAssembly::new();
        batch.read(name, records, report.skipped, &[]);
        batch.finish()
    };
    match tokio::task::spawn_blocking(job).await {
        Ok(batch) => batch,
        Err(e) => TrafficBatch {
            errors: vec![format!("reading log events stopped: {e}")],
            ..TrafficBatch::default()
        },
    }
}

/// What is done with each object a read fetches, in key order (on the blocking pool).
pub trait ObjectReader: Send + 'static {
    /// Takes one object's body, or why it could not be fetched; `false` ends the read there.
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool;
}

/// A logs bucket read through the storage port.
#[derive(Clone)]
pub struct LogBucket {
    storage: Arc<dyn Storage>,
    bucket: String,
    timeout: Duration,
}

impl LogBucket {
    /// `bucket` through `storage`, each call given [`super::REQUEST_TIMEOUT`].
    pub fn new(storage: Arc<dyn Storage>, bucket: &str) -> LogBucket {
        LogBucket {
            storage,
            bucket: bucket.to_string(),
            timeout: super::REQUEST_TIMEOUT,
        }
    }

    /// The same bucket with another limit for one call.
    pub fn with_timeout(self, timeout: Duration) -> LogBucket {
        LogBucket { timeout, ..self }
    }

    /// The bucket's name.
    pub fn name(&self) -> &str {
        &self.bucket
    }

    /// One page of the keys after `start_after` under `prefix`.
    pub async fn list_page(
        &self,
        prefix: &str,
        start_after: &str,
        token: Option<&str>,
    ) -> CloudResult<ObjectPage> {
        let call = self
            .storage
            .list_objects(&self.bucket, prefix, Some(start_after), token, PAGE);
        super::effects::timed_for("ListObjectsV2", self.timeout, call).await
    }

    /// Every object after `start_after` under `prefix` (at most [`MAX_PAGES`] pages).
    pub async fn list_all(&self, prefix: &str, start_after: &str) -> CloudResult<Vec<ObjectInfo>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .list_page(prefix, start_after, token.as_deref())
                .await?;
            out.extend(page.objects);
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// Fetches `keys` and hands each to `reader` in key order, on the blocking pool, with
    /// the default fetch window (4 GETs in flight at first, up to 64 while throughput rises, at
    /// most 256 MB held); gives the reader back, or says why the reading stopped (it panicked).
    pub async fn read<R: ObjectReader>(&self, keys: Vec<String>, reader: R) -> Result<R, String> {
        self.read_with(keys, reader, WindowConfig::default()).await
    }

    /// [`LogBucket::read`] with the window's limits `cfg`. The GETs in flight follow a
    /// [`FetchWindow`]; the bodies fetched ahead wait in memory (counted against its budget)
    /// until the reader, which takes one object at a time while the fetches go on, reaches
    /// them. A GET refused with SlowDown or a 503 halves the window, waits out its back-off
    /// and is sent again, [`SLOWED_ATTEMPTS`] times in all, before its error is handed over.
    /// Each body is fetched once and handed over once.
    pub async fn read_with<R: ObjectReader>(
        &self,
        keys: Vec<String>,
        reader: R,
        cfg: WindowConfig,
    ) -> Result<R, String> {
        let start = tokio::time::Instant::now();
        let ms = || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut window = FetchWindow::new(cfg);
        // Objects to fetch, by index into `keys`, with the attempts made; retries go first.
        let mut queue: VecDeque<(usize, u32)> = (0..keys.len()).map(|i| (i, 0)).collect();
        let mut fetching = FuturesUnordered::new();
        let mut ready: BTreeMap<usize, CloudResult<Vec<u8>>> = BTreeMap::new();
        let mut held = 0u64;
        let mut next = 0usize;
        let mut idle = Some(reader);
        let mut job: Option<tokio::task::JoinHandle<(R, bool)>> = None;
        loop {
            while let Some(&(i, attempt)) = queue.front() {
                let now = ms();
                // The object the reader waits for is fetched whatever the budget says.
                let needed = i == next && window.held_until(now).is_none();
                if !needed && !window.may_start(now, fetching.len(), held) {
                    break;
                }
                queue.pop_front();
                let key = keys.get(i).cloned().unwrap_or_default();
                fetching.push(async move {
                    let call = self.storage.get_object(&self.bucket, &key);
                    let body = super::effects::timed_for("GetObject", self.timeout, call).await;
                    (i, attempt, body)
                });
            }
            if job.is_none()
                && let Some(body) = ready.remove(&next)
                && let Some(mut reader) = idle.take()
            {
                held = held.saturating_sub(body.as_ref().map_or(0, |b| b.len() as u64));
                let key = keys.get(next).cloned().unwrap_or_default();
                next += 1;
                job = Some(tokio::task::spawn_blocking(move || {
                    let more = reader.take(key, body);
                    (reader, more)
                }));
            }
            if job.is_none() && (next >= keys.len() || idle.is_none()) {
                break;
            }
            let wake = window
                .held_until(ms())
                .map(|t| start + Duration::from_millis(t));
            let reading = async {
                match job.as_mut() {
                    Some(j) => j.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some((i, attempt, body)) = fetching.next(), if !fetching.is_empty() => {
                    match body {
                        Err(e) if slowed(&e) => {
                            window.slowed(ms());
                            if attempt + 1 < SLOWED_ATTEMPTS {
                                queue.push_front((i, attempt + 1));
                            } else {
                                ready.insert(i, Err(e));
                            }
                        }
                        Ok(bytes) => {
                            window.fetched(ms(), bytes.len() as u64);
                            held = held.saturating_add(bytes.len() as u64);
                            ready.insert(i, Ok(bytes));
                        }
                        Err(e) => {
                            ready.insert(i, Err(e));
                        }
                    }
                }
                done = reading => {
                    job = None;
                    match done {
                        Ok((back, more)) => {
                            if more {
                                idle = Some(back);
                            } else {
                                return Ok(back);
                            }
                        }
                        Err(e) => return Err(format!("reading log objects stopped: {e}")),
                    }
                }
                _ = sleep_until_some(wake), if wake.is_some() => {}
            }
        }
        idle.ok_or_else(|| "reading log objects stopped: the reader was lost".to_string())
    }
}

/// Whether a fetch was refused for the load (S3's SlowDown, a 503): worth another try later.
fn slowed(e: &CloudError) -> bool {
    matches!(e, CloudError::Throttled { .. } | CloudError::Server { .. })
}

/// Sleeps until `at` (never wakes without one).
async fn sleep_until_some(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The Traffic view's reader: each object parsed into the batch being assembled.
struct TrafficReader {
    bucket: String,
    batch: BatchAssembly,
    opts: ReadOptions,
}

impl ObjectReader for TrafficReader {
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool {
        read_object(&self.bucket, &mut self.batch, key, body, &self.opts);
        true
    }
}

/// Reads the Traffic view's objects `keys` of `bucket` into one time-ordered batch (plain lines
/// laid out by `opts`).
pub(super) async fn read_objects(
    storage: Arc<dyn Storage>,
    bucket: String,
    keys: Vec<String>,
    opts: ReadOptions,
) -> TrafficBatch {
    let reader = TrafficReader {
        batch: BatchAssembly::new(),
        bucket: bucket.clone(),
        opts,
    };
    match LogBucket::new(storage, &bucket).read(keys, reader).await {
        Ok(reader) => reader.batch.finish(),
        Err(e) => TrafficBatch {
            errors: vec![e],
            ..TrafficBatch::default()
        },
    }
}

/// Parses one fetched object into `batch`.
fn read_object(
    bucket: &str,
    batch: &mut BatchAssembly,
    key: String,
    body: Result<Vec<u8>, CloudError>,
    opts: &ReadOptions,
) {
    let name = format!("s3://{bucket}/{key}");
    match body {
        Ok(bytes) => {
            let mut records = ObjectRecords::new();
            let report = read_bytes_with(&bytes, &name, opts, &mut |v| records.push(v));
            batch.read(key, records, report.skipped, &report.errors);
        }
        Err(e) => batch.fetch_failed(key, format!("{name}: {e}")),
    }
}

/// Parses fetched bodies into one time-ordered batch. An object read incompletely (truncated
/// or corrupt) is set apart with its complete records, for the tail to read again or give up
/// on; an object that could not be fetched is given back.
pub fn parse_objects(
    bucket: &str,
    bodies: Vec<(String, Result<Vec<u8>, CloudError>)>,
) -> TrafficBatch {
    parse_objects_while(bucket, bodies, || true)
}

/// [`parse_objects`], stopping before the next object once `wanted` says the batch is no
/// longer waited for (the objects left are not in the batch).
pub fn parse_objects_while(
    bucket: &str,
    bodies: Vec<(String, Result<Vec<u8>, CloudError>)>,
    wanted: impl Fn() -> bool,
) -> TrafficBatch {
    let mut batch = BatchAssembly::new();
    for (key, body) in bodies {
        if !wanted() {
            break;
        }
        read_object(bucket, &mut batch, key, body, &ReadOptions::default());
    }
    batch.finish()
}

#[cfg(test)]
#[path = "cloudfront_logs_tests.rs"]
mod tests;
