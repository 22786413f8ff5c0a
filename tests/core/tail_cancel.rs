//! Reads of a log tail that is replaced while they run are stopped: switching environment (or
//! widening the time range) while a Traffic or CloudWatch read is in flight returns a cancel for
//! it, the loop's task registry aborts the read so it neither fetches on nor answers, and the
//! parse of fetched objects stops before the next object once nobody waits for it.

use crate::support;

use async_trait::async_trait;
use shipdeck::accesslog::TailPlanner;
use shipdeck::app::{Action, Effect, Reply, View, update};
use shipdeck::cloud::{
    CloudResult, ObjectMeta, ObjectPage, PutOutcome, PutRequest, Storage, UploadedPart,
};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::{Tasks, parse_objects_while};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::*;
use tokio::sync::Semaphore;

fn cancels(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Cancel { request } => Some(*request),
            _ => None,
        })
        .collect()
}

/// The invalidation markers' listing among `fx`, if any.
fn invalidations(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::ListInvalidations { request, .. } => Some(*request),
        _ => None,
    })
}

fn listing(fx: &[Effect]) -> Option<(usize, u64)> {
    fx.iter().find_map(|e| match e {
        Effect::StreamTraffic { env, request, .. } => Some((*env, *request)),
        _ => None,
    })
}

/// The empty answer of read `request` of environment `env`.
fn nothing_read(env: usize, request: u64) -> Action {
    Action::Reply(Reply::TrafficRead {
        env,
        request,
        batch: Box::default(),
    })
}

#[test]
fn switching_environment_cancels_the_traffic_read_in_flight() {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (env, first) = listing(&fx).expect("a listing");
    assert_eq!((env, s.traffic.load.inflight), (0, Some(first)));
    let marks = invalidations(&fx).expect("the invalidation markers' listing");
    let fx = update(&mut s, Action::NextEnv);
    assert_eq!(cancels(&fx), vec![first, marks], "{fx:?}");
    let marks = invalidations(&fx).expect("the new environment's invalidations");
    let (env, second) = listing(&fx).expect("the new environment's listing");
    assert_eq!(env, 1);
    assert_ne!(second, first);
    // The late answer of the cancelled read is dropped all the same.
    update(&mut s, nothing_read(0, first));
    assert_eq!(s.traffic.load.inflight, Some(second));
    // Nothing in flight, nothing to cancel.
    update(&mut s, nothing_read(1, second));
    update(
        &mut s,
        Action::Reply(Reply::InvalidationsLoaded {
            env: 1,
            request: marks,
            result: Ok(Default::default()),
        }),
    );
    let fx = update(&mut s, Action::PrevEnv);
    assert!(cancels(&fx).is_empty(), "{fx:?}");
}

#[test]
fn a_longer_time_range_cancels_the_read_it_replaces() {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (_, first) = listing(&fx).unwrap();
    let marks = invalidations(&fx).unwrap();
    update(&mut s, Action::CommandOpen);
    for c in "range 24h".chars() {
        update(&mut s, Action::Input(c));
    }
    let fx = update(&mut s, Action::Submit);
    assert_eq!(cancels(&fx), vec![first, marks], "{fx:?}");
    assert!(listing(&fx).is_some());
    // The invalidations are listed again back to the longer range's start.
    let fx = update(&mut s, Action::Tick(T0 + 1_000));
    assert!(invalidations(&fx).is_some(), "{fx:?}");
}

#[test]
fn switching_environment_cancels_the_cloudwatch_read_in_flight() {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Logs));
    let first = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchLogs { request, .. } => Some(*request),
            _ => None,
        })
        .expect("a logs read");
    let fx = update(&mut s, Action::NextEnv);
    assert_eq!(cancels(&fx), vec![first], "{fx:?}");
}

/// Storage whose `get_object` waits at a gate (the rest goes to the simulator).
struct Gated {
    inner: Arc<dyn Storage>,
    gate: Semaphore,
    fetches: AtomicUsize,
}

#[async_trait]
impl Storage for Gated {
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage> {
        self.inner
            .list_objects(bucket, prefix, start_after, continuation, max_keys)
            .await
    }
    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let _pass = self.gate.acquire().await;
        self.inner.get_object(bucket, key).await
    }
    async fn head_object(&self, bucket: &str, key: &str) -> CloudResult<ObjectMeta> {
        self.inner.head_object(bucket, key).await
    }
    async fn list_object_versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<shipdeck::cloud::ObjectVersion>> {
        self.inner.list_object_versions(bucket, key, max).await
    }
    async fn head_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta> {
        self.inner
            .head_object_version(bucket, key, version_id)
            .await
    }
    async fn put_object(&self, req: &PutRequest) -> CloudResult<PutOutcome> {
        self.inner.put_object(req).await
    }
    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String> {
        self.inner.create_multipart(req).await
    }
    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart> {
        self.inner
            .upload_part(bucket, key, upload_id, part, body)
            .await
    }
    async fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome> {
        self.inner
            .complete_multipart(bucket, key, upload_id, parts, if_none_match)
            .await
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> CloudResult<()> {
        self.inner.abort_multipart(bucket, key, upload_id).await
    }
    async fn copy_object(
        &self,
        from_bucket: &str,
        from_key: &str,
        to_bucket: &str,
        to_key: &str,
    ) -> CloudResult<PutOutcome> {
        self.inner
            .copy_object(from_bucket, from_key, to_bucket, to_key)
            .await
    }
}

/// A Traffic read (one poll round) of the `keys` objects under `prefix` in bucket `logs`, which
/// it puts there first.
async fn read(storage: &dyn Storage, request: u64, prefix: &str, keys: usize) -> Effect {
    let hour = shipdeck::accesslog::hour_string(T0 - Timestamp::HOUR);
    for i in 0..keys {
        let req = PutRequest {
            bucket: "logs".into(),
            key: format!("{prefix}E1.{hour}.k{i:02}.gz"),
            body: b"#Version: 1.0\n".to_vec(),
            metadata: Default::default(),
            content_type: None,
            sha256: None,
            if_none_match: false,
        };
        assert!(storage.put_object(&req).await.is_ok());
    }
    let mut planner = TailPlanner::new(prefix, "E1", T0 - Timestamp::HOUR);
    Effect::StreamTraffic {
        env: 0,
        request,
        bucket: "logs".into(),
        round: Box::new(planner.round(T0)),
        plain: None,
    }
}

async fn until(mut done: impl FnMut() -> bool) {
    while !done() {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_cancelled_read_stops_fetching_and_never_answers() {
    let rig = sim::Rig::new(5);
    let gated = Arc::new(Gated {
        inner: rig.sim.cloud().storage,
        gate: Semaphore::new(0),
        fetches: AtomicUsize::new(0),
    });
    let mut cloud = rig.sim.cloud();
    rig.sim.with(|s| s.create_bucket("logs"));
    let reads = vec![
        read(gated.as_ref(), 1, "a/", 12).await,
        read(gated.as_ref(), 2, "b/", 12).await,
    ];
    cloud.storage = gated.clone();
    let cloud = shipdeck::cloud::Clouds::single(cloud);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = Tasks::new();
    // Two reads of 12 objects each wait at the gate, four fetches at a time.
    assert!(!tasks.spawn(reads, &cloud, &tx));
    until(|| gated.fetches.load(Ordering::SeqCst) == 8).await;
    assert_eq!(tasks.reads_running(), 2);
    tasks.spawn(vec![Effect::Cancel { request: 1 }], &cloud, &tx);
    until(|| tasks.reads_running() == 1).await;
    assert_eq!(tasks.cancelled(), 1);
    gated.gate.add_permits(1_000);
    // The read left fetches all its objects and answers (in parts, then the rest); the
    // cancelled one does neither.
    let mut reached = 0;
    loop {
        match rx.recv().await.expect("the other read answers") {
            Action::Reply(Reply::TrafficPart {
                request: 2, batch, ..
            }) => reached += batch.complete_keys.len() + batch.incomplete.len(),
            Action::Reply(Reply::TrafficRead {
                request: 2, batch, ..
            }) => {
                reached += batch.complete_keys.len() + batch.incomplete.len();
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(reached, 12, "each object read once");
    until(|| tasks.reads_running() == 0).await;
    assert_eq!(gated.fetches.load(Ordering::SeqCst), 4 + 12);
    assert!(rx.try_recv().is_err(), "no answer from the cancelled read");
    // Cancelling what already ended does nothing.
    tasks.spawn(vec![Effect::Cancel { request: 2 }], &cloud, &tx);
    assert_eq!(tasks.cancelled(), 1);
}

#[test]
fn the_parse_stops_before_the_next_object_once_nobody_waits() {
    let bodies: Vec<_> = (0..5)
        .map(|i| (format!("k{i}"), Ok(b"#Version: 1.0\n".to_vec())))
        .collect();
    let seen = AtomicUsize::new(0);
    let batch = parse_objects_while("logs", bodies, || seen.fetch_add(1, Ordering::SeqCst) < 2);
    assert_eq!(
        batch.complete_keys,
        vec!["k0".to_string(), "k1".to_string()]
    );
    assert_eq!(batch.objects, 2);
}
