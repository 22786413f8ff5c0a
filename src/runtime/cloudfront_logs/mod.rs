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
use crate::accesslog::{FetchWindow, ListRequest, TailRound, WindowConfig};
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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// Discovers distribution `id`'s log sources: its legacy logging (`GetDistribution`) and its
/// v2 deliveries, each call under the request timeout.
pub async fn discover(cloud: &Cloud, id: &str) -> Discovery {
    let distribution = super::effects::timed("GetDistribution", cloud.cdn.get_distribution(id));
    let deliveries = super::effects::timed("DescribeDeliveries", cloud.logs.log_deliveries(id));
    let (distribution, deliveries) = futures::join!(distribution, deliveries);
    Discovery::from_answers(distribution, deliveries)
}

/// Listings (hour prefixes) asked at once by [`LogBucket::pages`].
const LIST_AHEAD: usize = 8;

/// A listing's pages as they come: each page's objects, or the listing that failed.
pub type Pages<'a> = futures::stream::BoxStream<'a, Result<Vec<ObjectInfo>, Box<ListFailed>>>;

/// A listing that failed: its prefix and why.
#[derive(Debug)]
pub struct ListFailed {
    /// The prefix listed.
    pub prefix: String,
    /// Why it failed.
    pub error: CloudError,
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

/// The events of log group `group` (an ARN or a name) from `start` on (up to `end`, inclusive,
/// when given), in time order, with
/// whether the read reached the end ([`EVENT_PAGES`] pages at most); the whole read is given
/// four request timeouts. A page refused with `ThrottlingException` is asked again after a
/// doubling back-off (0.2 s, 0.4 s, …; [`THROTTLED_PAGE_ATTEMPTS`] in all) instead of failing
/// the read. A refusal names the group.
pub async fn fetch_events(
    logs: &dyn Logs,
    group: &str,
    start: Timestamp,
    end: Option<Timestamp>,
) -> CloudResult<(Vec<LogEvent>, bool)> {
    let mut query = LogQuery {
        group: group.to_string(),
        start: Some(start),
        end,
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

    /// The pages of `listings` as they come, in order: one listing page by page (the first
    /// page's keys can be fetched while the next is listed), several (a partitioned layout's
    /// hour prefixes) [`LIST_AHEAD`] at a time, each handed whole when it and those before it
    /// are in. A failed listing ends the pages with its prefix and error.
    pub fn pages(&self, listings: Vec<ListRequest>) -> Pages<'_> {
        if let [one] = listings.as_slice() {
            let ListRequest {
                prefix,
                start_after,
            } = one.clone();
            // The next page's token (`None` before the first), while pages are left.
            let first: Option<(Option<String>, usize)> = Some((None, 0));
            return futures::stream::unfold(first, move |state| {
                let (prefix, start_after) = (prefix.clone(), start_after.clone());
                async move {
                    let (token, n) = state?;
                    match self
                        .list_page(&prefix, &start_after, token.as_deref())
                        .await
                    {
                        Ok(page) => {
                            let next = page
                                .next_token
                                .filter(|_| n + 1 < MAX_PAGES)
                                .map(|t| (Some(t), n + 1));
                            Some((Ok(page.objects), next))
                        }
                        Err(error) => Some((Err(Box::new(ListFailed { prefix, error })), None)),
                    }
                }
            })
            .boxed();
        }
        futures::stream::iter(listings)
            .map(move |l| async move {
                self.list_all(&l.prefix, &l.start_after)
                    .await
                    .map_err(|error| {
                        Box::new(ListFailed {
                            prefix: l.prefix,
                            error,
                        })
                    })
            })
            .buffered(LIST_AHEAD)
            .boxed()
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
        let once = futures::stream::iter([Ok::<_, ()>(keys)]);
        self.read_listed(once, reader, cfg).await.map(|(r, _)| r)
    }

    /// [`LogBucket::read_with`] over keys that arrive in batches while they are listed (each
    /// after those before it in key order): fetching starts with the first batch and the
    /// window goes on across batches. A failed batch ends the keys there; those before it are
    /// read, and its error is given back with the reader.
    pub async fn read_listed<R: ObjectReader, E>(
        &self,
        source: impl futures::Stream<Item = Result<Vec<String>, E>> + Unpin,
        reader: R,
        cfg: WindowConfig,
    ) -> Result<(R, Option<E>), String> {
        let mut source = source;
        let mut listed = false;
        let mut list_error = None;
        let mut keys: Vec<String> = Vec::new();
        let start = tokio::time::Instant::now();
        let ms = || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut window = FetchWindow::new(cfg);
        // Objects to fetch, by index into `keys`, with the attempts made; retries go first.
        let mut queue: VecDeque<(usize, u32)> = VecDeque::new();
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
            if job.is_none() && ((listed && next >= keys.len()) || idle.is_none()) {
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
                batch = source.next(), if !listed => match batch {
                    Some(Ok(more)) => {
                        queue.extend((keys.len()..keys.len() + more.len()).map(|i| (i, 0)));
                        keys.extend(more);
                    }
                    Some(Err(e)) => {
                        list_error = Some(e);
                        listed = true;
                    }
                    None => listed = true,
                },
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
                                return Ok((back, list_error));
                            }
                        }
                        Err(e) => return Err(format!("reading log objects stopped: {e}")),
                    }
                }
                _ = sleep_until_some(wake), if wake.is_some() => {}
            }
        }
        idle.map(|r| (r, list_error))
            .ok_or_else(|| "reading log objects stopped: the reader was lost".to_string())
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

/// One poll round of a bucket tail, the one path of the Traffic view and of `shipdeck logs
/// cloudfront` (once and `--follow`): the round's listings read page by page
/// ([`LogBucket::pages`]), each page's new keys (the round picks them) fetched and handed to
/// `reader` while the next page is listed, through one fetch window over the whole round.
/// Gives back the reader and the listing that ended the pages early, if one did; or why the
/// reading stopped. The keys handed to the reader are the round's reach: its planner takes
/// those ([`crate::accesslog::TailPlanner::took`]), and a later round lists the rest again.
pub async fn read_round<R: ObjectReader>(
    logs: &LogBucket,
    round: &mut TailRound,
    reader: R,
) -> Result<(R, Option<Box<ListFailed>>), String> {
    read_round_noting(logs, round, &Listed::default(), reader).await
}

/// Where a Traffic read's partial batches go while it runs (the interactive loop's queue of
/// actions): each is one [`crate::app::Reply::TrafficPart`] for the read's request.
pub type Progress = tokio::sync::mpsc::UnboundedSender<crate::app::Action>;

/// Objects of the first partial batch; each later one holds twice as many as the one before, up
/// to [`PART_MOST`] (the first chart comes after one object, a long read sends a few dozen).
const PART_FIRST: usize = 1;
/// Most objects of one partial batch.
const PART_MOST: usize = 64;

/// How far the listing of a round has come, shared by the listing and the reader.
#[derive(Default)]
struct Listed {
    /// Keys listed to read so far.
    keys: AtomicUsize,
    /// Whether the listing has ended.
    done: AtomicBool,
}

/// Where the Traffic reader's partial batches go: the request they answer and the channel.
struct Parts {
    env: usize,
    request: crate::app::RequestId,
    tx: Progress,
    listed: Arc<Listed>,
    /// Objects in the batch being assembled.
    pending: usize,
    /// Objects the next partial batch waits for.
    size: usize,
}

/// The Traffic view's reader: each object parsed into the batch being assembled; with
/// [`Parts`], the objects read so far are sent on as a partial batch every few objects.
struct TrafficReader {
    bucket: String,
    batch: BatchAssembly,
    opts: ReadOptions,
    parts: Option<Parts>,
    /// Objects read so far, and their bytes as fetched.
    read: usize,
    bytes: u64,
}

impl ObjectReader for TrafficReader {
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool {
        self.read += 1;
        self.bytes += body.as_ref().map_or(0, |b| b.len() as u64);
        read_object(&self.bucket, &mut self.batch, key, body, &self.opts);
        let Some(p) = self.parts.as_mut() else {
            return true;
        };
        p.pending += 1;
        let listed = p.listed.keys.load(Ordering::Acquire);
        let listing = !p.listed.done.load(Ordering::Acquire);
        // The last object's batch is the final reply's.
        if p.pending >= p.size && (listing || self.read < listed) {
            let batch = std::mem::take(&mut self.batch).finish();
            let part = crate::app::Reply::TrafficPart {
                env: p.env,
                request: p.request,
                batch: Box::new(batch),
                progress: crate::app::ReadProgress {
                    read: self.read,
                    listed: listed.max(self.read),
                    listing,
                    bytes: self.bytes,
                },
            };
            // Nobody listens any more (the console quit): the read goes on to its end.
            let _ = p.tx.send(crate::app::Action::Reply(part));
            p.pending = 0;
            p.size = (p.size * 2).min(PART_MOST);
        }
        true
    }
}

/// The Traffic view's poll round ([`read_round`]) read into one time-ordered batch (plain
/// lines laid out by `opts`); with `progress`, the objects read so far are sent on as partial
/// batches for `(env, request)` while the read goes on: the first after one object, then after
/// twice as many each time (up to [`PART_MOST`]), each saying how far the read and the
/// listing have come. The final batch holds the objects no partial batch carried, so every
/// object's records and key come exactly once, and the listing that stopped early. A read that
/// stops says why; the keys it did not reach are in no batch, so the tail lists them again.
pub async fn stream_round(
    logs: &LogBucket,
    mut round: TailRound,
    opts: ReadOptions,
    progress: Option<(usize, crate::app::RequestId, Progress)>,
) -> TrafficBatch {
    let listed = Arc::new(Listed::default());
    let reader = TrafficReader {
        batch: BatchAssembly::new(),
        bucket: logs.name().to_string(),
        opts,
        parts: progress.map(|(env, request, tx)| Parts {
            env,
            request,
            tx,
            listed: listed.clone(),
            pending: 0,
            size: PART_FIRST,
        }),
        read: 0,
        bytes: 0,
    };
    let (reader, listing) = match read_round_noting(logs, &mut round, &listed, reader).await {
        Ok(done) => done,
        Err(e) => {
            return TrafficBatch {
                stopped: Some(e),
                ..TrafficBatch::default()
            };
        }
    };
    let mut batch = reader.batch.finish();
    batch.listing_error = listing.map(|failed| {
        let ListFailed { prefix, error } = *failed;
        (format!("s3://{}/{prefix}", logs.name()), error)
    });
    batch
}

/// [`read_round`], counting in `listed` the keys listed to read and noting when the listing
/// ends.
async fn read_round_noting<R: ObjectReader>(
    logs: &LogBucket,
    round: &mut TailRound,
    listed: &Listed,
    reader: R,
) -> Result<(R, Option<Box<ListFailed>>), String> {
    let mut pages = logs.pages(round.listings.clone());
    // No page is asked for once one reached past the window's end (a bounded read).
    let keys = futures::stream::poll_fn(move |cx| {
        if round.past_end() {
            return std::task::Poll::Ready(None);
        }
        pages.poll_next_unpin(cx).map(|page| {
            page.map(|page| {
                page.map(|objects| {
                    let keys = round.on_listing(&objects);
                    listed.keys.fetch_add(keys.len(), Ordering::AcqRel);
                    keys
                })
            })
        })
    })
    .chain(futures::stream::poll_fn(|_| {
        listed.done.store(true, Ordering::Release);
        std::task::Poll::Ready(None)
    }));
    logs.read_listed(keys, reader, WindowConfig::default())
        .await
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
mod tests;
