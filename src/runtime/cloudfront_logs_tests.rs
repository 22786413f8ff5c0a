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
