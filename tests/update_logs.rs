//! Table tests of `update` for the log views: the Traffic tail (listing, reading, late and
//! failed objects), filter expressions with their error position, search, follow/pause, the
//! detail pane, presets, jump to time, export, retention; the CloudWatch view's pause, search
//! and de-duplication; and the jump from a failed build to its log stream.

mod common;

use common::*;
use shipdeck::accesslog::{
    AccessRecord, Conditions, LogFields, LogGenerator, SiteProfile, write_w3c,
};
use shipdeck::app::{Action, Effect, Level, Overlay, Preset, State, TrafficBatch, View, update};
use shipdeck::cloud::CloudError;
use shipdeck::domain::*;
use shipdeck::runtime::parse_objects;

const KEY: &str = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.0a1b2c3d.gz";

fn records(n: usize, from: Timestamp) -> Vec<AccessRecord> {
    let site = SiteProfile {
        distribution_domain: "d111.cloudfront.net".into(),
        host: "dev.example.com".into(),
        asset_hash: "abc123".into(),
        stale_hash: None,
    };
    let cond = Conditions {
        error_boost: 0.2,
        miss_boost: 0.0,
    };
    let mut g = LogGenerator::new(7, site);
    g.window(from, 30 * Timestamp::MINUTE, n, &cond)
}

fn gzip(recs: &[AccessRecord]) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let mut text = String::new();
    write_w3c(recs, &mut text);
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn batch(recs: &[AccessRecord]) -> TrafficBatch {
    parse_objects("b", vec![(KEY.to_string(), Ok(gzip(recs)))])
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

fn list_effect(fx: &[Effect]) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::ListTraffic {
            request,
            start_after,
            ..
        } => Some((*request, start_after.clone())),
        _ => None,
    })
}

/// The Traffic view of dev with `n` records read from one object.
fn traffic(n: usize) -> State {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = list_effect(&fx).expect("a listing");
    let fx = update(
        &mut s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY)]),
        },
    );
    let Some(Effect::ReadTraffic { request, .. }) = fx.first() else {
        panic!("a read: {fx:?}")
    };
    let b = batch(&records(n, T0 - 40 * Timestamp::MINUTE));
    update(
        &mut s,
        Action::TrafficRead {
            env: 0,
            request: *request,
            batch: Box::new(b),
        },
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
    let next = s.traffic.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let (request, _) = list_effect(&fx).unwrap();
    let late = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.ffff0000.gz";
    let fx = update(
        &mut s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY), object(late)]),
        },
    );
    let Some(Effect::ReadTraffic { request, keys, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(keys, vec![late.to_string()], "only the late file is read");
    // Its fetch fails: the key is given back and read on a later listing.
    let failed = TrafficBatch {
        failed_keys: vec![late.into()],
        errors: vec![format!("s3://b/{late}: timeout")],
        ..TrafficBatch::default()
    };
    update(
        &mut s,
        Action::TrafficRead {
            env: 0,
            request,
            batch: Box::new(failed),
        },
    );
    assert!(s.traffic.error.as_deref().unwrap().contains("timeout"));
    let next = s.traffic.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let (request, _) = list_effect(&fx).unwrap();
    let fx = update(
        &mut s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY), object(late)]),
        },
    );
    assert!(
        matches!(fx.first(), Some(Effect::ReadTraffic { keys, .. }) if keys == &vec![late.to_string()])
    );
    // An answer nobody waits for changes nothing.
    let before = s.traffic.clone();
    update(
        &mut s,
        Action::TrafficRead {
            env: 0,
            request: 9_999,
            batch: Box::new(batch(&records(5, T0))),
        },
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

#[test]
fn the_filter_expression_applies_as_typed_and_shows_its_error_position() {
    let mut s = traffic(300);
    update(&mut s, Action::FilterOpen);
    assert!(matches!(s.overlay, Some(Overlay::Filter(_))));
    typed(&mut s, "status>=500");
    let t = &s.traffic;
    assert!(!t.rows.is_empty() && t.rows.len() < 300);
    assert!(t.rows.iter().all(|q| t.record(*q).unwrap().status() >= 500));
    assert!(t.filtered_stats.is_some(), "charts follow the filter");
    update(&mut s, Action::Submit);
    let errors = s.traffic.rows.len();
    update(&mut s, Action::FilterOpen);
    typed(&mut s, " and (");
    let err = s.traffic.filter_error.clone().expect("an error");
    assert_eq!(s.traffic.filter_text, "status>=500 and (");
    assert!(err.position >= 16, "{err}");
    // While the text has an error, the filter in force before typing applies.
    let t = &s.traffic;
    assert_eq!(t.filter.source(), "status>=500");
    assert_eq!(t.rows.len(), errors);
    update(&mut s, Action::Submit);
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.starts_with("filter not applied"),
        "{}",
        status.text
    );
    update(&mut s, Action::Back);
    assert!(s.traffic.filter_text.is_empty() && s.traffic.filter.is_all());
    assert_eq!(s.traffic.rows.len(), 300);
}

#[test]
fn search_selects_matches_with_n_and_shift_n_and_pauses() {
    let mut s = traffic(300);
    update(&mut s, Action::SearchOpen);
    typed(&mut s, "/api/");
    assert_eq!(s.traffic.search, "/api/");
    update(&mut s, Action::Submit);
    assert!(!s.traffic.follow, "a match stops following");
    let first = s.traffic.selected_row().unwrap();
    assert!(selected_path(&s).contains("/api/"));
    update(&mut s, Action::SearchNext);
    let second = s.traffic.selected_row().unwrap();
    assert_ne!(first, second);
    assert!(selected_path(&s).contains("/api/"));
    update(&mut s, Action::SearchPrev);
    assert_eq!(s.traffic.selected_row(), Some(first));
    update(&mut s, Action::SearchOpen);
    typed(&mut s, "zzz-nowhere");
    update(&mut s, Action::Submit);
    assert!(s.status.unwrap().text.contains("not found"));
}

#[test]
fn follow_pause_moves_and_the_detail_pane() {
    let mut s = traffic(100);
    assert_eq!(s.traffic.selected_row(), Some(99));
    update(&mut s, Action::ToggleFollow);
    assert!(!s.traffic.follow);
    update(&mut s, Action::Up);
    update(&mut s, Action::Up);
    assert_eq!(s.traffic.selected_row(), Some(97));
    update(&mut s, Action::Top);
    assert_eq!(s.traffic.selected_row(), Some(0));
    update(&mut s, Action::PageDown);
    assert_eq!(s.traffic.selected_row(), Some(20));
    update(&mut s, Action::ToggleDetail);
    assert!(s.traffic.detail);
    let seq = s.traffic.selected_seq().unwrap();
    let full = s
        .traffic
        .full_line(seq)
        .expect("recent records keep their whole line");
    assert_eq!(full.names.len(), 33);
    update(&mut s, Action::Back);
    assert!(!s.traffic.detail, "Esc closes the detail first");
    assert_eq!(s.view, View::Traffic);
    update(&mut s, Action::Bottom);
    assert!(s.traffic.follow);
    assert_eq!(s.traffic.selected_row(), Some(99));
    update(&mut s, Action::ToggleFollow);
    update(&mut s, Action::ToggleFollow);
    assert!(s.traffic.follow);
}

#[test]
fn presets_narrow_the_list_or_restart_the_tail_for_a_longer_look_back() {
    let mut s = traffic(300);
    let fx = update(&mut s, Action::NextPreset);
    assert_eq!(s.traffic.preset, Preset::H24);
    assert_eq!(s.traffic.since, T0 - Timestamp::DAY);
    assert!(
        s.traffic.records.is_empty(),
        "a longer look-back reads again"
    );
    let (_, start_after) = list_effect(&fx).unwrap();
    assert_eq!(start_after, "cloudfront/dev/E2DEVSTOREFRNT.2025-11-24-09");
    let mut s = traffic(300);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "range 15m");
    let fx = update(&mut s, Action::Submit);
    assert!(fx.is_empty(), "a shorter preset narrows what was read");
    let t = &s.traffic;
    assert_eq!((t.preset, t.records.len()), (Preset::M15, 300));
    assert!(t.rows.len() < 300);
    assert!(t.rows.iter().all(|q| t.record(*q).unwrap().timestamp_ms() >= (T0 - 15 * Timestamp::MINUTE).millis()));
}

#[test]
fn goto_export_and_retain_commands() {
    let mut s = traffic(300);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "goto 08:40");
    update(&mut s, Action::Submit);
    let t = &s.traffic;
    let row = t.selected_row().unwrap();
    let at = |i: usize| t.record(t.rows[i]).unwrap().timestamp_ms();
    assert!(!t.follow);
    assert!(at(row) >= (T0 - 20 * Timestamp::MINUTE).millis());
    assert!(row == 0 || at(row - 1) < (T0 - 20 * Timestamp::MINUTE).millis());
    // Export the listed (filtered) records.
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status:5xx");
    update(&mut s, Action::Submit);
    let n = s.traffic.rows.len();
    update(&mut s, Action::ExportPrompt);
    assert!(matches!(&s.overlay, Some(Overlay::Command(l)) if l.text == "export "));
    typed(&mut s, "/tmp/errors.jsonl");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::WriteFile { path, job }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!((path.as_str(), job.len()), ("/tmp/errors.jsonl", n));
    let contents = written(job);
    let lines: Vec<serde_json::Value> = contents
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    assert!(
        lines
            .iter()
            .all(|v| v["sc-status"].as_u64().unwrap() >= 500)
    );
    assert!(lines[0]["time-taken"].is_number() && lines[0]["cs-uri-stem"].is_string());
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "export out.tsv");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::WriteFile { job, .. }) = fx.first() else {
        panic!()
    };
    let contents = written(job);
    assert!(contents.starts_with("timestamp\tx-edge-location\tsc-bytes\tc-ip"));
    assert_eq!(contents.lines().count(), n + 1);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "export out.csv");
    assert!(update(&mut s, Action::Submit).is_empty());
    assert!(s.status.clone().unwrap().text.contains(".jsonl or .tsv"));
    let done = |result| Action::FileWritten {
        path: "x.tsv".into(),
        records: 3,
        result,
    };
    update(&mut s, done(Ok(())));
    assert_eq!(
        s.status.clone().unwrap().text,
        "exported 3 records to x.tsv"
    );
    update(&mut s, done(Err("permission denied".into())));
    assert_eq!(s.status.clone().unwrap().level, Level::Error);
    // Retention.
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "retain 5000");
    let fx = update(&mut s, Action::Submit);
    assert_eq!((s.retain, s.traffic.records.capacity()), (5000, 5000));
    assert!(list_effect(&fx).is_some(), "the tail starts again");
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "retain lots");
    update(&mut s, Action::Submit);
    assert!(s.status.unwrap().text.contains("bad record count `lots`"));
}

#[test]
fn retention_evicts_the_oldest_and_keeps_rows_consistent() {
    let mut s = state();
    s.retain = 1000;
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = list_effect(&fx).unwrap();
    assert_eq!(s.traffic.records.capacity(), 1000);
    let fx = update(
        &mut s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY)]),
        },
    );
    let Some(Effect::ReadTraffic { request, .. }) = fx.first() else {
        panic!()
    };
    let b = batch(&records(2500, T0 - 40 * Timestamp::MINUTE));
    update(
        &mut s,
        Action::TrafficRead {
            env: 0,
            request: *request,
            batch: Box::new(b),
        },
    );
    let t = &s.traffic;
    assert_eq!(
        (t.records.len(), t.rows.len(), t.stats.requests()),
        (1000, 1000, 2500)
    );
    assert_eq!(t.rows.front().copied(), Some(1500));
}

const BROKEN: &str = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.b0b0b0b0.gz";

/// The next poll of the tail: lists `KEY` and `BROKEN`; when `BROKEN` is to be read, reads
/// `body` for it. Whether it was read.
fn poll_broken(s: &mut State, body: Vec<u8>) -> bool {
    let next = s.traffic.next_poll;
    let fx = update(s, Action::Tick(next));
    let (request, _) = list_effect(&fx).expect("a listing");
    let fx = update(
        s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY), object(BROKEN)]),
        },
    );
    let Some(Effect::ReadTraffic { request, keys, .. }) = fx.first().cloned() else {
        return false;
    };
    assert_eq!(
        keys,
        vec![BROKEN.to_string()],
        "only the broken object is read"
    );
    let b = parse_objects("b", vec![(BROKEN.into(), Ok(body))]);
    update(
        s,
        Action::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        },
    );
    true
}

#[test]
fn a_body_cut_short_in_transit_is_read_again_and_counted_once() {
    let mut s = traffic(100);
    let full = gzip(&records(300, T0 - 30 * Timestamp::MINUTE));
    assert!(poll_broken(&mut s, full[..full.len() / 2].to_vec()));
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.objects),
        (100, 1),
        "nothing of it counted yet"
    );
    assert!(
        t.error.as_deref().unwrap().contains("retrying"),
        "{:?}",
        t.error
    );
    assert!(poll_broken(&mut s, full.clone()));
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.objects, t.object_errors),
        (400, 2, 0)
    );
    assert_eq!(t.retries, 1);
    assert!(!poll_broken(&mut s, full), "read once, never again");
}

#[test]
fn an_object_still_broken_after_the_last_read_keeps_its_longest_read() {
    use shipdeck::accesslog::MAX_READS;
    let mut s = traffic(100);
    let full = gzip(&records(300, T0 - 30 * Timestamp::MINUTE));
    let cuts = [3, 2, 4, 5, 6, 7, 8];
    let longest = parse_objects(
        "b",
        vec![(BROKEN.into(), Ok(full[..full.len() / 2].to_vec()))],
    )
    .incomplete[0]
        .batch
        .records
        .len() as u64;
    assert!(longest > 0 && longest < 300);
    for read in 0..MAX_READS as usize {
        let cut = full[..full.len() / cuts[read]].to_vec();
        assert!(poll_broken(&mut s, cut), "read {read}");
        if read + 1 < MAX_READS as usize {
            assert_eq!(s.traffic.objects, 1, "read {read}: not given up yet");
        }
    }
    let t = &s.traffic;
    assert_eq!(
        (t.objects, t.object_errors),
        (2, 1),
        "given up, counted as unreadable"
    );
    assert_eq!(
        t.records.pushed(),
        100 + longest,
        "the longest read's complete records"
    );
    assert!(
        t.error.as_deref().unwrap().contains(BROKEN),
        "{:?}",
        t.error
    );
    assert!(!poll_broken(&mut s, full), "never read again");
}
