//! `make bench` (logs, fetching at scale): a 24 h look-back over 5,000 CloudFront log objects in
//! the simulator's S3 answering at a modelled pace (first byte 20–80 ms, 80 MB/s per stream, a
//! 1 Gbit/s link), read through the console's own path: the Traffic view shown with the 24 h
//! preset returns its poll round as an effect (`Effect::StreamTraffic`), the effect runner
//! streams the listing into the one fetch loop (the CLI's), and each part it sends is folded by
//! `update` as the terminal loop does. Reports the time to the first chart (the first part
//! folded, the charts' data computed) and to the full view (the final reply folded) against
//! the ideal: objects × (mean first byte + mean body) ÷ 64 in flight, or bytes ÷ the link's
//! bandwidth, whichever is larger. Wall time: the pace sleeps on tokio's clock.

use flate2::Compression;
use flate2::write::GzEncoder;
use shipdeck::accesslog::write_w3c;
use shipdeck::app::{
    Action, Effect, Mode, PollPolicy, Preset, Reply, Session, State, View, update,
};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::cloud::sim::{S3Pace, SimCloud, SimConfig, Simulator};
use shipdeck::cloud::{PutRequest, Storage};
use shipdeck::domain::{EnvSpec, Timestamp};
use shipdeck::runtime::cloudfront_logs::LogBucket;
use shipdeck::runtime::run_effect_with;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

const T0: Timestamp = Timestamp(1_795_597_200_000);
/// Distinct bodies, dealt round-robin over the keys (parsing is the same work either way).
const BODIES: usize = 50;
/// The fetch window's ceiling.
const CEILING: f64 = 64.0;

fn bodies(lines: usize) -> Vec<Vec<u8>> {
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    (0..BODIES)
        .map(|i| {
            let records = LogGenerator::new(50 + i as u64, site.clone()).window(
                T0 + i as i64 * Timestamp::MINUTE,
                Timestamp::MINUTE,
                lines,
                &Conditions::default(),
            );
            let mut text = String::new();
            write_w3c(&records, &mut text);
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            gz.write_all(text.as_bytes()).expect("gzip in memory");
            gz.finish().expect("gzip in memory")
        })
        .collect()
}

/// The console at the end of the bench's day (the objects' hours are its last 24), its Traffic
/// view set to the 24 h preset, reading the bench's bucket.
fn console() -> State {
    let spec = EnvSpec {
        name: "prd".into(),
        protected: true,
        read_only: true,
        pipeline: "storefront-deployer-prd".into(),
        source_bucket: "storefront-deployer-source".into(),
        source_key: "prd/release.zip".into(),
        release_prefix: "releases/".into(),
        distribution_id: "E2PRD".into(),
        logs_bucket: Some("logs".into()),
        logs_prefix: "cf/".into(),
        log_groups: Vec::new(),
        build_log_group: None,
        site_url: None,
        api_url: None,
        promotes_from: None,
    };
    let session = Session {
        mode: Mode::Demo,
        profile: None,
        region: Some("eu-west-1".into()),
        identity: None,
        read_only: true,
    };
    let end = Timestamp(T0.millis() + 15 * Timestamp::HOUR);
    let mut state = State::new(session, vec![spec], PollPolicy::default(), end);
    state.traffic.preset = Preset::H24;
    update(&mut state, Action::Tick(end));
    state
}

/// Medians of `reps` look-backs over `objects` objects of `lines` lines each.
pub fn fetch_at_scale(objects: usize, lines: usize, reps: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let bodies = bodies(lines);
    let pace = S3Pace {
        link_bytes_per_sec: Some(125e6),
        ..S3Pace::default()
    };
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &[]));
    sim.with(|s| s.create_bucket("logs"));
    let mut total = 0u64;
    rt.block_on(async {
        for i in 0..objects {
            let body = bodies[i % BODIES].clone();
            total += body.len() as u64;
            let req = PutRequest {
                bucket: "logs".into(),
                key: format!("cf/E2PRD.2026-11-25-{:02}.{i:08x}.gz", i * 24 / objects),
                body,
                metadata: Default::default(),
                content_type: None,
                sha256: None,
                if_none_match: false,
            };
            sim.put_object(&req).await.expect("put a bench object");
        }
    });
    let paced = sim.with_s3_pace(pace);
    let mean = total as f64 / objects as f64;
    let per_object = pace.mean_first_byte().as_secs_f64() + mean / pace.stream_bytes_per_sec;
    let ideal = (objects as f64 * per_object / CEILING)
        .max(total as f64 / pace.link_bytes_per_sec.unwrap_or(f64::INFINITY));
    let mut full = Vec::new();
    let mut first = Vec::new();
    let mut listing = Vec::new();
    let mut records = 0;
    let cloud = paced.cloud();
    for _ in 0..reps {
        let logs = LogBucket::new(Arc::new(paced.clone()), "logs");
        let (listed, took, first_chart, n) = rt.block_on(async {
            // The listing alone (for reference), then the console's read of the view.
            let alone = Instant::now();
            let all = logs.list_all("cf/", "").await.expect("list");
            let listed = alone.elapsed();
            assert_eq!(all.len(), objects, "every object listed");
            let mut state = console();
            let fx = update(&mut state, Action::Show(View::Traffic));
            let Some(effect) = fx
                .into_iter()
                .find(|e| matches!(e, Effect::StreamTraffic { .. }))
            else {
                panic!("the Traffic view reads its logs bucket");
            };
            let started = Instant::now();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let run = tokio::spawn({
                let cloud = cloud.clone();
                async move { run_effect_with(&cloud, effect, Some(&tx)).await }
            });
            // The terminal loop's part: each part folded by `update` as it comes; the first
            // chart is drawn once the charts' data is there.
            let mut first_chart = None;
            while let Some(part) = rx.recv().await {
                assert!(matches!(part, Action::Reply(Reply::TrafficPart { .. })));
                update(&mut state, part);
                if first_chart.is_none() && state.traffic.panel.snapshot.is_some() {
                    first_chart = Some(started.elapsed());
                }
            }
            let answer = run.await.expect("the read ends").expect("an answer");
            update(&mut state, answer);
            let took = started.elapsed();
            let t = &state.traffic;
            assert_eq!(
                (t.objects, t.load.error.as_deref()),
                (objects as u64, None),
                "every object read once"
            );
            (listed, took, first_chart, t.records.pushed())
        });
        full.push(took.as_secs_f64());
        first.push(first_chart.map_or(f64::NAN, |d| d.as_secs_f64()));
        listing.push(listed.as_secs_f64());
        records = n;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (full, first, listing) = (median(full), median(first), median(listing));
    println!(
        "fetch at scale: {objects} objects ({:.1} MB gzip, {records} records) over 24 h, S3 at 20-80 ms to the first byte, {:.0} MB/s a stream, {:.0} MB/s the link (medians of {reps})",
        total as f64 / 1e6,
        pace.stream_bytes_per_sec / 1e6,
        pace.link_bytes_per_sec.unwrap_or(0.0) / 1e6,
    );
    println!(
        "  the console's read (Effect::StreamTraffic, parts folded by update): first chart {:.0} ms (goal < 1 s), full view {:.2} s; ideal {:.2} s; {:.2}× the ideal (goal ≤ 1.25×); the listing alone {:.0} ms",
        first * 1e3,
        full,
        ideal,
        full / ideal,
        listing * 1e3,
    );
}
