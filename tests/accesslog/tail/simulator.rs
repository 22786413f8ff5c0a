//! Tailing the simulator's logs bucket end to end.

use super::*;

async fn list_all(cloud: &SimCloud, bucket: &str, req: &ListRequest) -> Vec<ObjectInfo> {
    let storage = cloud.cloud().storage;
    let (mut out, mut token) = (Vec::new(), None::<String>);
    loop {
        let page = storage
            .list_objects(
                bucket,
                &req.prefix,
                Some(&req.start_after),
                token.as_deref(),
                50,
            )
            .await
            .unwrap_or_else(|e| panic!("list: {e}"));
        out.extend(page.objects);
        token = page.next_token;
        if token.is_none() {
            return out;
        }
    }
}

#[tokio::test]
async fn tailing_the_simulator_fetches_every_delivered_file_once() {
    let config = SimConfig {
        history_days: 1,
        traffic_scale: 0.05,
        ..SimConfig::default()
    };
    let specs = demo_specs();
    let cloud = SimCloud::new(Simulator::new(config, &specs));
    let prd = specs.iter().find(|s| s.name == "prd").cloned();
    let Some(prd) = prd else {
        panic!("no prd environment")
    };
    let storage = cloud.cloud().storage;
    let bucket = prd.logs_bucket.as_deref().unwrap_or_default();
    let start = cloud.with(|s| s.now());
    let since = start - HOUR;
    let mut p = TailPlanner::new(&prd.logs_prefix, &prd.distribution_id, since);
    let mut fetched: HashMap<String, u32> = HashMap::new();
    let mut next = start;
    let mut deliveries_seen = 0;
    for _ in 0..(12 * 60 * 2) {
        let now = cloud.with(|s| {
            s.advance(30_000);
            s.now()
        });
        if now < next {
            continue;
        }
        for req in p.listings(now) {
            let objects = list_all(&cloud, bucket, &req).await;
            for k in p.on_listing(&objects) {
                let body = storage.get_object(bucket, &k).await;
                assert!(body.is_ok_and(|b| b.starts_with(&[0x1f, 0x8b])), "{k}");
                *fetched.entry(k).or_default() += 1;
                deliveries_seen += 1;
            }
        }
        next = p.next_poll(now);
    }
    // A last deep poll, then compare with a full listing of the window.
    let now = cloud.with(|s| {
        s.advance(5 * MIN);
        s.now()
    });
    for req in p.listings(now) {
        for k in p.on_listing(&list_all(&cloud, bucket, &req).await) {
            *fetched.entry(k).or_default() += 1;
        }
    }
    let all = ListRequest {
        prefix: p.list_prefix(),
        start_after: p.list_prefix(),
    };
    let listed = list_all(&cloud, bucket, &all).await;
    let first_hour = hour_floor(since);
    let window: Vec<&ObjectInfo> = listed
        .iter()
        .filter(|o| key_hour(&o.key, &prd.logs_prefix, &prd.distribution_id) >= Some(first_hour))
        .collect();
    let want: BTreeSet<&str> = window.iter().map(|o| o.key.as_str()).collect();
    let got: BTreeSet<&str> = fetched.keys().map(String::as_str).collect();
    assert_eq!(got, want);
    assert!(fetched.values().all(|n| *n == 1));
    assert!(deliveries_seen > 100, "{deliveries_seen} files");
    // Some files arrived more than an hour after their hour ended, and were fetched all the same.
    let late = window
        .iter()
        .filter(|o| {
            let hour = key_hour(&o.key, &prd.logs_prefix, &prd.distribution_id).unwrap_or(T);
            o.last_modified.since(hour) > 2 * HOUR
        })
        .count();
    eprintln!("tail: {} files fetched, {late} of them late", window.len());
    assert!(late >= 1, "no late file in {} files", window.len());
}

/// The demo configuration's environments each log their own way (dev legacy flat gzip W3C in a
/// configured bucket, stg a v2 delivery of gzip JSON lines under Hive paths (and one to a log
/// group, read in the next test), prd legacy logging
/// and a v2 delivery of Parquet under `AWSLogs/`, partitioned by hour): each is discovered, its
/// default source resolved and tailed by its layout over two simulated hours, every delivered
/// file of the window read exactly once, in its format, every record readable.
#[tokio::test]
async fn each_demo_environment_is_tailed_by_its_discovered_layout() {
    use shipdeck::accesslog::KeyTemplate;
    use shipdeck::app::{LogsPlace, Resolved, resolve_logs};
    // prd lives in its own account, as the demo's configuration says.
    let config = SimConfig {
        history_days: 1,
        traffic_scale: 0.05,
        accounts: [("prd".to_string(), "222222222222".to_string())].into(),
        ..SimConfig::default()
    };
    let specs = shipdeck::config::Config::demo().unwrap().environments;
    let cloud = SimCloud::new(Simulator::new(config, &specs));
    let storage = cloud.cloud().storage;
    let expect = [
        ("dev", "configured", "cloudfront/dev/", &b"#Version"[..]),
        (
            "stg",
            "v2 stg1json2hive3d (json)",
            "cloudfront-v2/stg/distributionid={DistributionId}/year={yyyy}/month={MM}/day={dd}/\
             hour={HH}/",
            &b"{"[..],
        ),
        (
            "prd",
            "v2 prd1parquet2s3d (parquet)",
            "AWSLogs/222222222222/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/",
            &b"PAR1"[..],
        ),
    ];
    for (spec, (name, label, template, magic)) in specs.iter().zip(expect) {
        assert_eq!(spec.name, name);
        let dist = spec.distribution_id.as_str();
        let found = shipdeck::runtime::cloudfront_logs::discover(&cloud.cloud(), dist).await;
        assert!(found.problems().is_empty(), "{:?}", found.problems());
        let Resolved::Target(target) = resolve_logs(spec, Some(&found), None) else {
            panic!("{name}: nothing to read")
        };
        let LogsPlace::Bucket { bucket, layout } = &target.place else {
            panic!("{name}: not a bucket")
        };
        assert_eq!((target.label.as_str(), layout.as_str()), (label, template));
        let bucket = bucket.clone();
        let layout = KeyTemplate::parse(template).unwrap();
        let start = cloud.with(|s| s.now());
        let since = start - HOUR;
        let mut p = TailPlanner::for_layout(&layout, dist, since);
        let mut fetched: HashMap<String, u32> = HashMap::new();
        let mut records = 0u64;
        let mut next = start;
        for _ in 0..(2 * 60 * 2 + 10) {
            let now = cloud.with(|s| {
                s.advance(30_000);
                s.now()
            });
            if now < next {
                continue;
            }
            for req in p.listings(now) {
                for k in p.on_listing(&list_all(&cloud, &bucket, &req).await) {
                    let body = storage.get_object(&bucket, &k).await.unwrap();
                    let text = if body.starts_with(&[0x1f, 0x8b]) {
                        let mut out = Vec::new();
                        std::io::Read::read_to_end(
                            &mut flate2::read::MultiGzDecoder::new(&body[..]),
                            &mut out,
                        )
                        .unwrap();
                        out
                    } else {
                        body.clone()
                    };
                    assert!(text.starts_with(magic), "{name}: {k} is not in its format");
                    let report = shipdeck::accesslog_io::read_bytes(&body, &k, &mut |_| {});
                    assert!(
                        report.errors.is_empty() && report.skipped == 0,
                        "{report:?}"
                    );
                    records += report.records;
                    *fetched.entry(k).or_default() += 1;
                }
            }
            next = p.next_poll(now);
        }
        // Everything of the window in the bucket at the end (late files included) was read once.
        let fixed = template.split('{').next().unwrap_or_default();
        let everything = ListRequest {
            prefix: fixed.to_string(),
            start_after: fixed.to_string(),
        };
        let first = hour_floor(since);
        let hour_of = |key: &str| {
            if layout.is_partitioned() {
                layout.partition_of(key, dist)
            } else {
                key_hour(key, &spec.logs_prefix, dist)
            }
        };
        let listed = list_all(&cloud, &bucket, &everything).await;
        let want: BTreeSet<&str> = listed
            .iter()
            .filter(|o| hour_of(&o.key).is_some_and(|h| h >= first))
            .map(|o| o.key.as_str())
            .collect();
        let last = p.listings(cloud.with(|s| s.now()));
        let mut late = 0;
        for req in &last {
            for k in p.on_listing(&list_all(&cloud, &bucket, req).await) {
                late += 1;
                *fetched.entry(k).or_default() += 1;
            }
        }
        let got: BTreeSet<&str> = fetched.keys().map(String::as_str).collect();
        assert_eq!(got, want, "{name}");
        assert!(
            fetched.values().all(|n| *n == 1),
            "{name}: a file read twice"
        );
        assert!(
            want.len() >= 10 && records >= 50,
            "{name}: {} files, {records} records",
            want.len()
        );
        eprintln!(
            "{name}: {} files, {records} records, {late} found by the last poll",
            want.len()
        );
    }
}

/// stg's second v2 delivery writes JSON events to a CloudWatch Logs group: discovered, picked
/// by its id, and followed over two simulated hours by polling `FilterLogEvents` from the newest
/// event less the overlap (events are ingested up to two minutes after their time). Every event
/// of the window is read exactly once, the generator's records come out whole (v2 fields
/// included), and an event that is not JSON is counted as skipped with its id and the reason.
#[tokio::test]
async fn a_delivery_to_a_log_group_is_followed_once_through_filter_log_events() {
    use shipdeck::accesslog::{EventTail, Field};
    use shipdeck::app::{LogsPlace, Resolved, resolve_logs};
    use shipdeck::runtime::cloudfront_logs::{discover, fetch_events};
    let config = SimConfig {
        history_days: 1,
        traffic_scale: 0.2,
        ..SimConfig::default()
    };
    let specs = shipdeck::config::Config::demo().unwrap().environments;
    let cloud = SimCloud::new(Simulator::new(config, &specs));
    let logs = cloud.cloud().logs;
    let stg = specs.iter().find(|s| s.name == "stg").unwrap();
    let found = discover(&cloud.cloud(), &stg.distribution_id).await;
    let Resolved::Target(target) = resolve_logs(stg, Some(&found), Some("stg4json5cwl6d")) else {
        panic!("the log group delivery is not read")
    };
    let LogsPlace::Group { arn } = &target.place else {
        panic!("not a log group: {target:?}")
    };
    assert!(
        arn.ends_with(":log-group:/aws/cloudfront/storefront-stg"),
        "{arn}"
    );
    assert_eq!(target.label, "v2 stg4json5cwl6d (json)");
    let since = cloud.with(|s| s.now()) - HOUR;
    let mut tail = EventTail::new(since);
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut request_ids: BTreeSet<String> = BTreeSet::new();
    let (mut records, mut behind_newest) = (0u64, 0usize);
    let mut report = shipdeck::accesslog_io::ReadReport::default();
    let mut newest = since;
    let mut next = cloud.with(|s| s.now());
    for round in 0..(2 * 60 * 6) {
        let now = cloud.with(|s| {
            s.advance(10_000);
            if round == 300 {
                // Something else writes to the group: not a JSON object.
                s.put_log_events("/aws/cloudfront/storefront-stg", "other", s.now(), 1);
            }
            s.now()
        });
        if now < next {
            continue;
        }
        let (events, complete) = fetch_events(logs.as_ref(), arn, tail.start(), tail.end())
            .await
            .unwrap();
        let fresh = tail.take(events);
        for e in &fresh {
            *seen.entry(e.event_id.clone()).or_default() += 1;
            behind_newest += usize::from(e.timestamp < newest);
            newest = newest.max(e.timestamp);
        }
        let r = shipdeck::accesslog_io::read_events(&fresh, "stg-group", None, &mut |v| {
            records += 1;
            assert!(v.text(Field::Country).is_some() && v.status().is_some());
            let id = v.text(Field::EdgeRequestId).unwrap().to_string();
            assert!(request_ids.insert(id), "a record read twice");
        });
        report.merge(r);
        next = tail.next_poll(now, complete);
    }
    // Everything in the group from `since` on, as one read at the end sees it, was read once.
    let now = cloud.with(|s| {
        s.advance(5 * MIN);
        s.now()
    });
    let fresh = tail.take(
        fetch_events(logs.as_ref(), arn, tail.start(), tail.end())
            .await
            .unwrap()
            .0,
    );
    for e in &fresh {
        *seen.entry(e.event_id.clone()).or_default() += 1;
    }
    let (all, complete) = fetch_events(logs.as_ref(), arn, since, None).await.unwrap();
    assert!(complete && now > since);
    let want: BTreeSet<&str> = all.iter().map(|e| e.event_id.as_str()).collect();
    let got: BTreeSet<&str> = seen.keys().map(String::as_str).collect();
    let missed = want.difference(&got).count();
    assert!(
        missed == 0 && got == want,
        "{missed} of {} events missed",
        want.len()
    );
    assert!(seen.values().all(|n| *n == 1), "an event read twice");
    assert!(records > 500, "{records} records");
    // Events did arrive behind newer ones already read: the overlap found them.
    assert!(behind_newest > 10, "{behind_newest} late events");
    assert_eq!(report.skipped, 1, "{report:?}");
    assert!(
        report.skips[0].starts_with("stg-group event ") && report.skips[0].contains("not"),
        "{:?}",
        report.skips
    );
    eprintln!("log group: {records} records, {behind_newest} behind newer ones");
}
