//! Tests of the fetch loop against the simulator's paced S3, on tokio's paused clock (no wall
//! time: the clock jumps to the next wake-up whenever every task waits).

use super::*;
use crate::accesslog::TailPlanner;
use crate::cloud::sim::{Fault, S3Pace, SimCloud, SimConfig, Simulator};
use crate::cloud::{PutRequest, Storage};

/// A reader that notes each key handed over, and whether its body came.
#[derive(Default)]
struct Notes {
    keys: Vec<String>,
    failed: Vec<String>,
}

impl ObjectReader for Notes {
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool {
        if body.is_err() {
            self.failed.push(key.clone());
        }
        self.keys.push(key);
        true
    }
}

/// A simulator whose bucket `logs` holds `n` objects of 4 KB, answering at `pace`.
async fn bucket(n: usize, pace: S3Pace) -> (SimCloud, Vec<String>) {
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &[]));
    sim.with(|s| s.create_bucket("logs"));
    let mut keys = Vec::new();
    for i in 0..n {
        let key = format!("cf/E1.2026-12-06-{:02}.{i:05}.gz", i % 24);
        let req = PutRequest {
            bucket: "logs".into(),
            key: key.clone(),
            body: vec![b'x'; 4096],
            metadata: Default::default(),
            content_type: None,
            sha256: None,
            if_none_match: false,
        };
        let put = sim.put_object(&req).await;
        assert!(put.is_ok(), "{put:?}");
        keys.push(key);
    }
    keys.sort();
    (sim.with_s3_pace(pace), keys)
}

fn gets(sim: &SimCloud) -> u64 {
    sim.with(|s| s.stats().served.get("GetObject").copied().unwrap_or(0))
}

#[tokio::test(start_paused = true)]
async fn the_window_grows_to_reach_the_ideal_time_handing_objects_over_in_key_order() {
    let pace = S3Pace::default();
    let (sim, keys) = bucket(2_000, pace).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let start = tokio::time::Instant::now();
    let read = logs.read(keys.clone(), Notes::default()).await;
    let took = start.elapsed();
    let Ok(notes) = read else {
        panic!("the read ends with its reader");
    };
    assert_eq!(
        notes.keys, keys,
        "every object handed over once, in key order"
    );
    assert!(notes.failed.is_empty(), "{:?}", notes.failed);
    assert_eq!(gets(&sim), 2_000, "no object fetched twice");
    // The ideal: every object's mean first byte and body, 64 at a time.
    let per_object =
        pace.mean_first_byte() + Duration::from_secs_f64(4096.0 / pace.stream_bytes_per_sec);
    let ideal = per_object * 2_000 / 64;
    assert!(
        took.as_secs_f64() <= ideal.as_secs_f64() * 1.25,
        "took {took:?}, ideal {ideal:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_down_is_waited_out_and_the_object_fetched_again() {
    let (sim, keys) = bucket(40, S3Pace::default()).await;
    sim.with(|s| {
        s.force_faults(
            "GetObject",
            &[Fault::Throttle, Fault::ServerError, Fault::Throttle],
        )
    });
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let Ok(notes) = logs.read(keys.clone(), Notes::default()).await else {
        panic!("the read ends with its reader");
    };
    assert_eq!(notes.keys, keys, "in key order");
    assert!(notes.failed.is_empty(), "fetched again: {:?}", notes.failed);
    assert_eq!(gets(&sim), 40, "each served once");
}

#[tokio::test(start_paused = true)]
async fn a_get_refused_every_time_is_handed_over_as_unreadable_after_its_attempts() {
    let (sim, keys) = bucket(1, S3Pace::default()).await;
    let refusals = [Fault::Throttle; SLOWED_ATTEMPTS as usize];
    sim.with(|s| s.force_faults("GetObject", &refusals));
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let Ok(notes) = logs.read(keys.clone(), Notes::default()).await else {
        panic!("the read ends with its reader");
    };
    assert_eq!(notes.keys, keys);
    assert_eq!(notes.failed, keys, "given up after its attempts");
    assert_eq!(sim.with(|s| s.forced_faults_left()), 0);
}

#[tokio::test(start_paused = true)]
async fn the_paced_s3_refuses_a_share_with_slow_down_and_every_object_is_still_read() {
    let pace = S3Pace {
        slow_down: 0.05,
        unavailable: 0.01,
        ..S3Pace::default()
    };
    let (sim, keys) = bucket(500, pace).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let Ok(notes) = logs.read(keys.clone(), Notes::default()).await else {
        panic!("the read ends with its reader");
    };
    assert_eq!(notes.keys, keys);
    assert!(notes.failed.is_empty(), "{:?}", notes.failed);
    assert_eq!(gets(&sim), 500, "each served once");
}

#[tokio::test(start_paused = true)]
async fn listing_pages_hold_a_thousand_keys_each_with_a_continuation_token() {
    let (sim, keys) = bucket(2_500, S3Pace::default()).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let first = logs.list_page("cf/", "", None).await;
    let Ok(first) = first else {
        panic!("listed: {first:?}");
    };
    assert_eq!(first.objects.len(), 1000);
    assert!(first.next_token.is_some(), "truncated: a token follows");
    let all = logs.list_all("cf/", "").await;
    let listed: Vec<String> = all.unwrap_or_default().into_iter().map(|o| o.key).collect();
    assert_eq!(listed, keys, "three pages, every key once, in order");
    let calls = sim.with(|s| s.stats().calls.get("ListObjectsV2").copied());
    assert_eq!(calls, Some(4), "one page, then three");
}

#[tokio::test(start_paused = true)]
async fn a_throttled_filter_log_events_page_is_asked_again_after_a_back_off() {
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &[]));
    let now = sim.with(|s| s.now());
    let at = now - 10 * Timestamp::MINUTE;
    sim.with(|s| s.put_log_events("/cf/E1", "stream", at, 30));
    let throttles = [Fault::Throttle; THROTTLED_PAGE_ATTEMPTS as usize - 1];
    sim.with(|s| s.force_faults("FilterLogEvents", &throttles));
    let read = fetch_events(&sim, "/cf/E1", now - Timestamp::HOUR, None).await;
    let Ok((events, complete)) = read else {
        panic!("backed off instead of failing: {read:?}");
    };
    assert_eq!((events.len(), complete), (30, true));
    // Throttled on every attempt, the read fails and says so.
    let throttles = [Fault::Throttle; THROTTLED_PAGE_ATTEMPTS as usize];
    sim.with(|s| s.force_faults("FilterLogEvents", &throttles));
    let read = fetch_events(&sim, "/cf/E1", now - Timestamp::HOUR, None).await;
    assert!(
        matches!(read, Err(CloudError::Throttled { .. })),
        "{read:?}"
    );
}

/// A round of a tail of `cf/E1.*` over the 6th of December 2026 (the keys of [`bucket`]).
fn round() -> (TailPlanner, TailRound) {
    let day = Timestamp(1_796_515_200_000);
    assert_eq!(crate::accesslog::hour_string(day), "2026-12-06-00");
    let mut planner = TailPlanner::new("cf/", "E1", day);
    let round = planner.round(day + Timestamp::DAY);
    (planner, round)
}

/// The parts of a read sent to `rx` (until the channel closes), with when each came.
async fn parts_of(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<crate::app::Action>,
    start: tokio::time::Instant,
) -> Vec<(Duration, crate::app::ReadProgress, TrafficBatch)> {
    let mut parts = Vec::new();
    while let Some(action) = rx.recv().await {
        let crate::app::Action::Reply(crate::app::Reply::TrafficPart {
            request,
            batch,
            progress,
            ..
        }) = action
        else {
            panic!("a part of the read: {action:?}");
        };
        assert_eq!(request, 7);
        parts.push((start.elapsed(), progress, *batch));
    }
    parts
}

#[tokio::test(start_paused = true)]
async fn a_long_read_sends_its_first_part_long_before_its_end_and_every_object_once() {
    let (sim, keys) = bucket(2_000, S3Pace::default()).await;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let (_, plan) = round();
    let read = stream_round(&logs, plan, ReadOptions::default(), Some((0, 7, tx)));
    let (last, parts) = futures::join!(read, parts_of(rx, start));
    let took = start.elapsed();
    let (first_at, first, _) = parts.first().cloned().expect("a part");
    assert_eq!(first.read, 1, "the first part comes after one object");
    assert_eq!(first.bytes, 4096, "{first:?}");
    assert!(
        first_at * 10 < took,
        "first part at {first_at:?}, the read took {took:?}"
    );
    // Listing included, within 1.25× of the ideal: every object's mean first byte and body, 64
    // at a time (the clock is tokio's, paused: parsing takes none of it).
    let pace = S3Pace::default();
    let per_object =
        pace.mean_first_byte() + Duration::from_secs_f64(4096.0 / pace.stream_bytes_per_sec);
    let ideal = per_object * 2_000 / 64;
    assert!(
        took.as_secs_f64() <= ideal.as_secs_f64() * 1.25,
        "took {took:?}, ideal {ideal:?}"
    );
    let (_, progress, _) = parts.last().cloned().expect("a part");
    assert_eq!(
        (progress.listed, progress.listing),
        (2_000, false),
        "{progress:?}"
    );
    // Every object once, in the parts or the rest, with its key.
    let mut seen: Vec<String> = parts.iter().flat_map(|p| keys_in(&p.2)).collect();
    assert_eq!(seen.len(), progress.read);
    seen.extend(keys_in(&last));
    seen.sort();
    assert!(seen == keys, "every object once, in the parts or the rest");
    assert_eq!(gets(&sim), 2_000, "no object fetched twice");
    assert!(parts.len() < 60, "a few dozen parts: {}", parts.len());
}

#[tokio::test(start_paused = true)]
async fn without_a_progress_channel_the_read_is_one_batch() {
    let (sim, _) = bucket(50, S3Pace::default()).await;
    let logs = LogBucket::new(Arc::new(sim), "logs");
    let (_, plan) = round();
    let batch = stream_round(&logs, plan, ReadOptions::default(), None).await;
    assert_eq!(objects_in(&batch), 50);
}

#[tokio::test(start_paused = true)]
async fn the_planner_takes_what_a_round_reached_and_a_late_object_is_read_once() {
    let (sim, keys) = bucket(30, S3Pace::default()).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let (mut planner, mut plan) = round();
    let Ok((notes, None)) = read_round(&logs, &mut plan, Notes::default()).await else {
        panic!("the round ends without a listing error");
    };
    assert_eq!(notes.keys, keys);
    for key in &notes.keys {
        planner.took(key);
    }
    // A file delivered late into an hour already read.
    let late = "cf/E1.2026-12-06-03.late.gz".to_string();
    let req = PutRequest {
        bucket: "logs".into(),
        key: late.clone(),
        body: vec![b'x'; 10],
        metadata: Default::default(),
        content_type: None,
        sha256: None,
        if_none_match: false,
    };
    assert!(sim.put_object(&req).await.is_ok());
    // Deep polls (every 5 minutes) list the whole late window again.
    let later = Timestamp(1_796_515_200_000) + Timestamp::DAY + 6 * Timestamp::MINUTE;
    for n in 0..2 {
        let mut next = planner.round(later + n * 6 * Timestamp::MINUTE);
        let Ok((notes, None)) = read_round(&logs, &mut next, Notes::default()).await else {
            panic!("the round ends without a listing error");
        };
        let want = if n == 0 {
            vec![late.clone()]
        } else {
            Vec::new()
        };
        assert_eq!(notes.keys, want, "round {n}: only the late object, once");
        for key in &notes.keys {
            planner.took(key);
        }
    }
    assert_eq!(gets(&sim), 31, "no object fetched twice");
}

/// The keys of the objects a batch carries, read or not, in key order.
fn keys_in(b: &TrafficBatch) -> Vec<String> {
    let incomplete = b.incomplete.iter().map(|i| &i.key);
    let mut keys: Vec<String> = (b.complete_keys.iter().chain(incomplete))
        .chain(&b.failed_keys)
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// Objects a batch carries, read or not.
fn objects_in(b: &TrafficBatch) -> usize {
    b.complete_keys.len() + b.incomplete.len() + b.failed_keys.len()
}

/// A reader that notes how many listing pages were served when the first object came.
struct FirstAfter {
    sim: SimCloud,
    lists_then: Option<u64>,
    keys: Vec<String>,
}

impl ObjectReader for FirstAfter {
    fn take(&mut self, key: String, _body: CloudResult<Vec<u8>>) -> bool {
        let lists = self
            .sim
            .with(|s| s.stats().served.get("ListObjectsV2").copied().unwrap_or(0));
        self.lists_then.get_or_insert(lists);
        self.keys.push(key);
        true
    }
}

#[tokio::test(start_paused = true)]
async fn objects_are_fetched_from_the_first_listing_page_on_in_key_order_once() {
    let (sim, keys) = bucket(5_000, S3Pace::default()).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let listing = vec![ListRequest {
        prefix: "cf/".into(),
        start_after: String::new(),
    }];
    let pages = logs
        .pages(listing)
        .map(|p| p.map(|objects| objects.into_iter().map(|o| o.key).collect::<Vec<_>>()));
    let reader = FirstAfter {
        sim: sim.clone(),
        lists_then: None,
        keys: Vec::new(),
    };
    let Ok((reader, None)) = logs
        .read_listed(pages, reader, WindowConfig::default())
        .await
    else {
        panic!("the read ends without a listing error");
    };
    assert!(
        reader.lists_then.is_some_and(|n| n < 5),
        "the first object came after {:?} of 5 pages",
        reader.lists_then
    );
    assert_eq!(reader.keys, keys, "every object once, in key order");
    assert_eq!(gets(&sim), 5_000, "no object fetched twice");
}

/// A round whose window ends at 02:00 reads the objects of hours 00 and 01 only, and asks for
/// no listing page after the one that reached hour 02: reading an old deploy's windows does not
/// list, nor read, the hours since.
#[tokio::test(start_paused = true)]
async fn a_round_whose_window_ends_reads_its_hours_and_lists_no_page_past_the_end() {
    let (sim, keys) = bucket(5_000, S3Pace::default()).await;
    let logs = LogBucket::new(Arc::new(sim.clone()), "logs");
    let day = Timestamp(1_796_515_200_000);
    let end = Some(day + 2 * Timestamp::HOUR);
    let mut planner = TailPlanner::new("cf/", "E1", day).ending(end);
    let mut round = planner.round(day + Timestamp::DAY);
    let Ok((notes, None)) = read_round(&logs, &mut round, Notes::default()).await else {
        panic!("the read ends without a listing error");
    };
    let early: Vec<String> = (keys.iter())
        .filter(|k| k.contains("-06-00.") || k.contains("-06-01."))
        .cloned()
        .collect();
    assert_eq!(early.len(), 418);
    assert_eq!(
        notes.keys, early,
        "the hours before the end, each object once"
    );
    assert_eq!(gets(&sim), 418);
    let lists = sim.with(|s| s.stats().served.get("ListObjectsV2").copied().unwrap_or(0));
    assert_eq!(
        lists, 1,
        "of the 5 pages, only the one that reached hour 02"
    );
}

#[tokio::test(start_paused = true)]
async fn hour_prefixes_are_listed_several_at_a_time_and_handed_in_order() {
    let pace = S3Pace::default();
    let (sim, keys) = bucket(480, pace).await;
    let logs = LogBucket::new(Arc::new(sim), "logs");
    let hours: Vec<ListRequest> = (0..24)
        .map(|h| ListRequest {
            prefix: format!("cf/E1.2026-12-06-{h:02}."),
            start_after: String::new(),
        })
        .collect();
    let start = tokio::time::Instant::now();
    let pages: Vec<_> = logs.pages(hours).collect().await;
    let took = start.elapsed();
    let listed: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.expect("a page"))
        .map(|o| o.key)
        .collect();
    assert_eq!(listed, keys, "every hour's keys, the hours in order");
    // One after another, 24 listings take at least 24 first bytes.
    assert!(
        took < pace.first_byte_min * 24,
        "24 hour prefixes listed in {took:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_listing_is_said_with_its_bucket_and_prefix() {
    let (sim, _) = bucket(50, S3Pace::default()).await;
    let gone = LogBucket::new(Arc::new(sim.clone()), "gone");
    let (_, plan) = round();
    let batch = stream_round(&gone, plan, ReadOptions::default(), None).await;
    assert_eq!(objects_in(&batch), 0);
    let Some((listing, error)) = &batch.listing_error else {
        panic!("the listing's failure is carried: {batch:?}");
    };
    assert_eq!(listing, "s3://gone/cf/E1.");
    assert!(matches!(error, CloudError::NotFound { .. }), "{error:?}");
    let logs = LogBucket::new(Arc::new(sim), "logs");
    let (_, plan) = round();
    let batch = stream_round(&logs, plan, ReadOptions::default(), None).await;
    assert_eq!((objects_in(&batch), &batch.listing_error), (50, &None));
}

/// A logs bucket whose listing fails from its `pass`-th page on (the rest goes to `inner`).
struct ListFails {
    inner: SimCloud,
    pass: usize,
    lists: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl Storage for ListFails {
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<ObjectPage> {
        if self.lists.fetch_add(1, Ordering::SeqCst) >= self.pass {
            return Err(CloudError::Server {
                service: "S3".into(),
                operation: "ListObjectsV2".into(),
                message: "InternalError".into(),
            });
        }
        (self.inner)
            .list_objects(bucket, prefix, start_after, token, max)
            .await
    }
    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        self.inner.get_object(bucket, key).await
    }
    async fn head_object(&self, b: &str, k: &str) -> CloudResult<crate::cloud::ObjectMeta> {
        self.inner.head_object(b, k).await
    }
    async fn list_object_versions(
        &self,
        b: &str,
        k: &str,
        n: usize,
    ) -> CloudResult<Vec<crate::cloud::ObjectVersion>> {
        self.inner.list_object_versions(b, k, n).await
    }
    async fn head_object_version(
        &self,
        b: &str,
        k: &str,
        v: &str,
    ) -> CloudResult<crate::cloud::ObjectMeta> {
        self.inner.head_object_version(b, k, v).await
    }
    async fn put_object(&self, req: &PutRequest) -> CloudResult<crate::cloud::PutOutcome> {
        self.inner.put_object(req).await
    }
    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String> {
        self.inner.create_multipart(req).await
    }
    async fn upload_part(
        &self,
        b: &str,
        k: &str,
        u: &str,
        n: i32,
        body: Vec<u8>,
    ) -> CloudResult<crate::cloud::UploadedPart> {
        self.inner.upload_part(b, k, u, n, body).await
    }
    async fn complete_multipart(
        &self,
        b: &str,
        k: &str,
        u: &str,
        parts: &[crate::cloud::UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<crate::cloud::PutOutcome> {
        (self.inner)
            .complete_multipart(b, k, u, parts, if_none_match)
            .await
    }
    async fn abort_multipart(&self, b: &str, k: &str, u: &str) -> CloudResult<()> {
        self.inner.abort_multipart(b, k, u).await
    }
    async fn copy_object(
        &self,
        fb: &str,
        fk: &str,
        tb: &str,
        tk: &str,
    ) -> CloudResult<crate::cloud::PutOutcome> {
        self.inner.copy_object(fb, fk, tb, tk).await
    }
}

#[tokio::test(start_paused = true)]
async fn a_listing_failing_on_its_second_page_keeps_the_first_pages_objects_and_says_why() {
    let (sim, keys) = bucket(2_500, S3Pace::default()).await;
    let storage = ListFails {
        inner: sim.clone(),
        pass: 1,
        lists: Default::default(),
    };
    let logs = LogBucket::new(Arc::new(storage), "logs");
    let (mut planner, plan) = round();
    let batch = stream_round(&logs, plan, ReadOptions::default(), None).await;
    assert!(
        keys_in(&batch) == keys[..1000],
        "the first page's objects are read"
    );
    let Some((listing, error)) = &batch.listing_error else {
        panic!("the view is partial and says so: {batch:?}");
    };
    assert_eq!(listing, "s3://logs/cf/E1.");
    assert!(error.to_string().contains("InternalError"), "{error}");
    // The planner takes what was read; the next round reads the rest, and only the rest.
    for key in keys_in(&batch) {
        planner.took(&key);
    }
    planner.listing_failed();
    let logs = LogBucket::new(Arc::new(sim), "logs");
    let next = planner.round(Timestamp(1_796_515_200_000) + Timestamp::DAY + 1);
    let rest = stream_round(&logs, next, ReadOptions::default(), None).await;
    let got = keys_in(&rest);
    assert!(
        got == keys[1000..],
        "the rest, and only the rest: {} keys from {:?}, listing {:?}",
        got.len(),
        got.first(),
        rest.listing_error
    );
}
