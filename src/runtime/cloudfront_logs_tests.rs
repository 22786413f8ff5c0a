//! Tests of the fetch loop against the simulator's paced S3, on tokio's paused clock (no wall
//! time: the clock jumps to the next wake-up whenever every task waits).

use super::*;
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
    let read = fetch_events(&sim, "/cf/E1", now - Timestamp::HOUR).await;
    let Ok((events, complete)) = read else {
        panic!("backed off instead of failing: {read:?}");
    };
    assert_eq!((events.len(), complete), (30, true));
    // Throttled on every attempt, the read fails and says so.
    let throttles = [Fault::Throttle; THROTTLED_PAGE_ATTEMPTS as usize];
    sim.with(|s| s.force_faults("FilterLogEvents", &throttles));
    let read = fetch_events(&sim, "/cf/E1", now - Timestamp::HOUR).await;
    assert!(
        matches!(read, Err(CloudError::Throttled { .. })),
        "{read:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_read_sends_its_first_part_long_before_its_end_and_every_object_once() {
    let (sim, keys) = bucket(2_000, S3Pace::default()).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    let read = tokio::spawn(read_objects_in_parts(
        Arc::new(sim.clone()),
        "logs".into(),
        keys.clone(),
        ReadOptions::default(),
        Some((0, 7, tx)),
    ));
    let mut parts = Vec::new();
    while let Some(action) = rx.recv().await {
        let crate::app::Action::Reply(crate::app::Reply::TrafficPart {
            request,
            batch,
            read,
            of,
            ..
        }) = action
        else {
            panic!("a part of the read: {action:?}");
        };
        assert_eq!((request, of), (7, 2_000));
        parts.push((start.elapsed(), read, objects_in(&batch)));
    }
    let last = read.await.expect("the read ends");
    let took = start.elapsed();
    let (first_at, first_read, _) = parts.first().copied().expect("a part");
    assert_eq!(first_read, 1, "the first part comes after one object");
    assert!(
        first_at * 20 < took,
        "first part at {first_at:?}, the read took {took:?}"
    );
    let (_, last_read, _) = parts.last().copied().expect("a part");
    // Every object once: in the parts or the rest.
    let in_parts: usize = parts.iter().map(|p| p.2).sum();
    assert_eq!(in_parts, last_read);
    assert_eq!(in_parts + objects_in(&last), 2_000);
    assert!(parts.len() < 60, "a few dozen parts: {}", parts.len());
}

#[tokio::test(start_paused = true)]
async fn without_a_progress_channel_the_read_is_one_batch() {
    let (sim, keys) = bucket(50, S3Pace::default()).await;
    let batch = read_objects_in_parts(
        Arc::new(sim),
        "logs".into(),
        keys,
        ReadOptions::default(),
        None,
    )
    .await;
    assert_eq!(objects_in(&batch), 50);
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
    let logs = LogBucket::new(Arc::new(sim), "logs");
    let listings = vec![
        ListRequest {
            prefix: "cf/E1.2026-12-06-00.".into(),
            start_after: String::new(),
        },
        ListRequest {
            prefix: "cf/E1.2026-12-06-01.".into(),
            start_after: String::new(),
        },
    ];
    let gone = LogBucket::new(logs.storage.clone(), "gone");
    let batch = read_listings_in_parts(&gone, listings.clone(), ReadOptions::default(), None).await;
    assert_eq!(objects_in(&batch), 0);
    assert!(
        batch
            .errors
            .iter()
            .any(|e| e.contains("listing s3://gone/cf/E1.2026-12-06-00.")),
        "{:?}",
        batch.errors
    );
    let batch = read_listings_in_parts(&logs, listings, ReadOptions::default(), None).await;
    assert_eq!(objects_in(&batch), 6, "hours 0 and 1 hold 3 objects each");
}
