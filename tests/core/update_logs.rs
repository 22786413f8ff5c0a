//! Table tests of `update` for the log views: the Traffic tail (listing, reading, late and
//! failed objects), filter expressions with their error position, search, follow/pause, the
//! detail pane, presets, jump to time, export, retention; the CloudWatch view's pause, search
//! and de-duplication; and the jump from a failed build to its log stream.

use crate::support;

use shipdeck::accesslog::{AccessRecord, LogFields};
use shipdeck::app::{
    Action, Effect, ExportError, ExportFormat, ExportJob, Level, Overlay, Preset, ReadProgress,
    Reply, State, TrafficBatch, View, update,
};
use shipdeck::cloud::CloudError;
use shipdeck::domain::*;
use shipdeck::runtime::parse_objects;
use support::*;

use support::logs::{KEY, batch, gzip};

fn records(n: usize, from: Timestamp) -> Vec<AccessRecord> {
    support::logs::generated(7, n, from, 30 * Timestamp::MINUTE, 0.2)
}

fn object(key: &str) -> ObjectInfo {
    ObjectInfo {
        key: key.into(),
        size: 1,
        last_modified: T0,
        etag: "\"e\"".into(),
    }
}

/// What an export job writes.
fn written(job: &shipdeck::app::ExportJob) -> String {
    let mut out = Vec::new();
    assert_eq!(job.write_to(&mut out).unwrap(), job.len());
    String::from_utf8(out).unwrap()
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(update(s, Action::Input(c)));
    }
    fx
}

/// The Traffic read among `fx` (one poll round, streamed): its request and the first listing's
/// start-after key.
fn list_effect(fx: &[Effect]) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::StreamTraffic { request, round, .. } => {
            Some((*request, round.listings[0].start_after.clone()))
        }
        _ => None,
    })
}

/// The Traffic read among `fx` as the runtime runs it over a bucket listing `listed`: its
/// request and the keys its round picks to read, in order.
fn streamed(fx: &[Effect], listed: &[&str]) -> Option<(u64, Vec<String>)> {
    fx.iter().find_map(|e| match e {
        Effect::StreamTraffic { request, round, .. } => {
            let objects: Vec<ObjectInfo> = listed.iter().map(|k| object(k)).collect();
            Some((*request, round.clone().on_listing(&objects)))
        }
        _ => None,
    })
}

/// `b` as the read of the objects `keys` (their keys among the batch's).
fn of_keys(mut b: TrafficBatch, keys: &[&str]) -> TrafficBatch {
    b.complete_keys = keys.iter().map(|k| k.to_string()).collect();
    b
}

/// The Traffic view of dev with `n` records read from one object.
fn traffic(n: usize) -> State {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, keys) = streamed(&fx, &[KEY]).expect("a read");
    assert_eq!(keys, [KEY]);
    let b = of_keys(batch(&records(n, T0 - 40 * Timestamp::MINUTE)), &[KEY]);
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        }),
    );
    s
}

fn selected_path(s: &State) -> String {
    let t = &s.traffic;
    t.record(t.selected_seq().unwrap())
        .unwrap()
        .path()
        .to_string()
}

#[test]
fn the_traffic_view_lists_the_bucket_from_its_presets_start_only_while_shown() {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (_, start_after) = list_effect(&fx).unwrap();
    assert_eq!(start_after, "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08");
    assert_eq!(s.traffic.since, T0 - Timestamp::HOUR);
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::HOUR));
    assert!(list_effect(&fx).is_none(), "not polled while hidden");
}

#[test]
fn objects_are_read_once_and_failed_fetches_come_back() {
    let mut s = traffic(200);
    let t = &s.traffic;
    assert_eq!((t.records.len(), t.rows.len(), t.objects), (200, 200, 1));
    assert_eq!(t.stats.requests(), 200);
    assert!(t.follow && t.panel.snapshot.is_some());
    let times: Vec<i64> = t.records.iter().map(|r| r.timestamp_ms()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "a batch is time-ordered"
    );
    // The next poll lists the same object again: it is not read twice.
    let next = s.traffic.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let late = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.ffff0000.gz";
    let (request, keys) = streamed(&fx, &[KEY, late]).expect("a read");
    assert_eq!(keys, vec![late.to_string()], "only the late file is read");
    // Its fetch fails: the key is given back and read on a later listing.
    let failed = TrafficBatch {
        failed_keys: vec![late.into()],
        errors: vec![format!("s3://b/{late}: timeout")],
        ..TrafficBatch::default()
    };
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(failed),
        }),
    );
    assert!(s.traffic.load.error.as_deref().unwrap().contains("timeout"));
    let next = s.traffic.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let (_, keys) = streamed(&fx, &[KEY, late]).expect("a read");
    assert_eq!(keys, vec![late.to_string()], "read again");
    // An answer nobody waits for changes nothing.
    let before = s.traffic.clone();
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request: 9_999,
            batch: Box::new(batch(&records(5, T0))),
        }),
    );
    assert_eq!(s.traffic, before);
}

#[test]
fn a_truncated_object_is_set_apart_with_its_complete_records() {
    let full = gzip(&records(300, T0 - Timestamp::HOUR));
    let cut = full[..full.len() * 2 / 3].to_vec();
    let b = parse_objects("b", vec![(KEY.into(), Ok(cut))]);
    assert_eq!((b.records.len(), b.objects), (0, 0), "not counted yet");
    assert_eq!(b.incomplete.len(), 1);
    let part = &b.incomplete[0];
    assert!(
        part.batch.records.len() > 50 && part.batch.records.len() < 300,
        "{}",
        part.batch.records.len()
    );
    assert!(part.error.contains(KEY), "{}", part.error);
    assert!(b.failed_keys.is_empty());
    let gone = parse_objects(
        "b",
        vec![(KEY.into(), Err(CloudError::Network("x".into())))],
    );
    assert_eq!(gone.failed_keys, vec![KEY.to_string()]);
}

mod browse;
mod reads;
mod sources;
