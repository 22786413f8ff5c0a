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
            let objects = list_all(&cloud, &prd.logs_bucket, &req).await;
            for k in p.on_listing(&objects) {
                let body = storage.get_object(&prd.logs_bucket, &k).await;
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
        for k in p.on_listing(&list_all(&cloud, &prd.logs_bucket, &req).await) {
            *fetched.entry(k).or_default() += 1;
        }
    }
    let all = ListRequest {
        prefix: p.list_prefix(),
        start_after: p.list_prefix(),
    };
    let listed = list_all(&cloud, &prd.logs_bucket, &all).await;
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
