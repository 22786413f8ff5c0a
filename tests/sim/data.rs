//! Data the simulator serves: listings in key order, delivered log files in the W3C format,
//! fault rates, CloudWatch logs, distributions.

use super::*;

#[test]
fn list_objects_pages_in_key_order() {
    let sim = cloud(2);
    let s3 = sim.cloud().storage;
    let bucket = "storefront-cloudfront-logs";
    let prefix = "cloudfront/stg/E2STGSTOREFRNT.2026-11-24-";
    let all = block_on(s3.list_objects(bucket, prefix, None, None, 1000)).unwrap();
    assert!(all.next_token.is_none());
    assert!(all.objects.len() > 20);
    let keys: Vec<String> = all.objects.iter().map(|o| o.key.clone()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert!(
        keys.iter()
            .all(|k| k.starts_with(prefix) && k.ends_with(".gz"))
    );
    let whole = block_on(s3.list_objects(bucket, "cloudfront/stg/", None, None, 5000)).unwrap();
    assert_eq!(whole.objects.len(), 1000, "at most 1000 keys a page");
    assert!(whole.next_token.is_some());
    let mut paged = Vec::new();
    let mut token = None;
    loop {
        let page = block_on(s3.list_objects(bucket, prefix, None, token.as_deref(), 7)).unwrap();
        assert!(page.objects.len() <= 7);
        paged.extend(page.objects.into_iter().map(|o| o.key));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, keys);
    let after = block_on(s3.list_objects(bucket, prefix, Some(&keys[3]), None, 2)).unwrap();
    assert_eq!(after.objects[0].key, keys[4]);
    assert!(after.next_token.is_some());
    let missing = block_on(s3.list_objects("nope", "", None, None, 10)).unwrap_err();
    assert!(matches!(missing, CloudError::NotFound { .. }));
    let releases =
        block_on(s3.list_objects("storefront-deployer-source", "releases/", None, None, 1000))
            .unwrap();
    assert_eq!(releases.objects.len(), sim.with(|s| s.releases().len()));
    let head = block_on(s3.head_object("storefront-deployer-source", "prd/release.zip")).unwrap();
    assert!(head.version_id.is_some());
    let summary = &head.metadata["codepipeline-artifact-revision-summary"];
    assert!(summary.starts_with("Release 1."), "{summary}");
}

#[test]
fn list_objects_pages_exactly_like_s3() {
    use shipdeck::cloud::PutRequest;
    let sim = cloud(3);
    let s3 = sim.cloud().storage;
    let bucket = "storefront-deployer-source";
    let put = |key: String| {
        let req = PutRequest {
            bucket: bucket.into(),
            key,
            body: b"PK".to_vec(),
            metadata: Default::default(),
            content_type: None,
            sha256: None,
            if_none_match: false,
        };
        block_on(s3.put_object(&req)).unwrap();
    };
    let mut under: Vec<String> = (0..1001).map(|i| format!("paging/k{i:04}")).collect();
    under.push("paging/".into()); // a folder marker is a key like any other
    for key in under
        .iter()
        .cloned()
        .chain(["paging0", "pagina", "paging"].map(String::from))
    {
        put(key);
    }
    under.sort();
    let list = |prefix: &str, after: Option<&str>, token: Option<&str>, max: usize| {
        block_on(s3.list_objects(bucket, prefix, after, token, max))
    };
    let keys = |page: &shipdeck::cloud::ObjectPage| -> Vec<String> {
        page.objects.iter().map(|o| o.key.clone()).collect()
    };
    // MaxKeys: at most 1,000 whatever is asked; the rest on the next page.
    let first = list("paging/", None, None, 1000).unwrap();
    assert_eq!(keys(&first), under[..1000]);
    let token = first.next_token.clone().expect("IsTruncated");
    let asked_more = list("paging/", None, None, 5000).unwrap();
    assert_eq!(
        keys(&asked_more),
        keys(&first),
        "S3 serves 1,000 keys a page at most"
    );
    let second = list("paging/", None, Some(&token), 1000).unwrap();
    assert_eq!(keys(&second), under[1000..]);
    assert_eq!(second.next_token, None, "the last page is not truncated");
    // A page that ends exactly at the last key under the prefix is not truncated, even when
    // keys outside the prefix follow.
    let ten = list("paging/k000", None, None, 5).unwrap();
    assert_eq!(ten.objects.len(), 5);
    let rest = list("paging/k000", None, ten.next_token.as_deref(), 5).unwrap();
    assert_eq!(keys(&rest), under[6..11], "k0005..k0009");
    assert_eq!(rest.next_token, None);
    let last = list("paging/k1000", None, None, 1).unwrap();
    assert_eq!((last.objects.len(), last.next_token), (1, None));
    // MaxKeys 0: nothing, not truncated.
    let none = list("paging/", None, None, 0).unwrap();
    assert!(none.objects.is_empty() && none.next_token.is_none());
    // The continuation token wins over StartAfter; StartAfter alone starts after any key.
    let page = list("paging/", None, None, 3).unwrap();
    let next = list(
        "paging/",
        Some("paging/k0900"),
        page.next_token.as_deref(),
        3,
    )
    .unwrap();
    assert_eq!(keys(&next), under[3..6]);
    let from_a = list("paging/", Some("a"), None, 2).unwrap();
    assert_eq!(keys(&from_a), under[..2]);
    let past = list("paging/", Some("paging/k9999"), None, 2).unwrap();
    assert!(past.objects.is_empty() && past.next_token.is_none());
    // A token the bucket did not issue is S3's InvalidArgument.
    let bad = list("paging/", None, Some("not-a-token"), 10).unwrap_err();
    assert_eq!(code(bad), "InvalidArgument");
}

#[test]
fn log_files_appear_after_delivery_as_gzipped_w3c() {
    let sim = cloud(4);
    let s3 = sim.cloud().storage;
    let bucket = "storefront-cloudfront-logs";
    let list = |s3: &std::sync::Arc<dyn shipdeck::cloud::Storage>| {
        let prefix = "cloudfront/prd/E2PRDSTOREFRNT.2026-11-25-";
        block_on(s3.list_objects(bucket, prefix, None, None, 1000))
            .unwrap()
            .objects
    };
    let t0 = sim.with(|s| s.now());
    let before = list(&s3);
    assert!(before.iter().all(|o| o.last_modified <= t0));
    sim.with(|s| s.advance(30 * MIN));
    let t1 = sim.with(|s| s.now());
    let after = list(&s3);
    let fresh: Vec<_> = after
        .iter()
        .filter(|o| !before.iter().any(|b| b.key == o.key))
        .collect();
    assert!(!fresh.is_empty());
    assert!(
        fresh
            .iter()
            .all(|o| o.last_modified > t0 && o.last_modified <= t1)
    );
    let newest = fresh.iter().max_by_key(|o| o.last_modified).unwrap();
    let gz = block_on(s3.get_object(bucket, &newest.key)).unwrap();
    let mut text = String::new();
    GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("#Version: 1.0"));
    let fields: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches("#Fields: ")
        .split(' ')
        .collect();
    assert_eq!(fields, FIELDS.to_vec());
    let hour = &newest.key["cloudfront/prd/E2PRDSTOREFRNT.".len()..][..13]; // YYYY-MM-DD-HH
    let mut n = 0;
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 33, "{line}");
        assert_eq!(format!("{}-{}", cols[0], &cols[1][..2]), hour);
        assert!(cols[6].ends_with(".cloudfront.net"));
        assert!(cols[8].parse::<u16>().is_ok());
        assert!(!cols[10].contains(' '));
        n += 1;
    }
    assert!(n > 0);
    let listed = list(&s3).into_iter().find(|o| o.key == newest.key).unwrap();
    assert_eq!(listed.size, gz.len() as u64, "size is exact once read");
}

#[test]
fn faults_are_injected_at_the_configured_rates() {
    let sim = cloud(6);
    let rates = FaultRates {
        throttle: 0.1,
        timeout: 0.05,
        server_error: 0.05,
        expired_credentials: 0.02,
        ..FaultRates::none()
    };
    sim.with(|s| s.set_faults(rates));
    let id = sim.cloud().identity;
    let n: u32 = 5000;
    let mut seen = [0u32; 4];
    for _ in 0..n {
        match block_on(id.caller_identity()) {
            Ok(who) => assert_eq!(who.name(), "demo-operator"),
            Err(CloudError::Throttled { .. }) => seen[0] += 1,
            Err(CloudError::Timeout { .. }) => seen[1] += 1,
            Err(CloudError::Server { .. }) => seen[2] += 1,
            Err(CloudError::ExpiredCredentials { hint }) => {
                assert_eq!(hint, "shipdeck login --profile demo");
                seen[3] += 1;
                // Expiry lasts until the credentials change: the operator logs in again.
                sim.with(|s| s.renew_credentials());
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    for (count, p) in seen.iter().zip([0.1, 0.05, 0.05, 0.02]) {
        let rate = f64::from(*count) / f64::from(n);
        assert!((rate - p).abs() < p * 0.3, "rate {rate} for p {p}");
    }
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.calls["GetCallerIdentity"], u64::from(n));
    assert_eq!(stats.faults["throttle"], u64::from(seen[0]));
    assert_eq!(
        stats.total_faults(),
        seen.iter().map(|c| u64::from(*c)).sum::<u64>()
    );
    sim.with(|s| s.set_faults(FaultRates::none()));
    assert!(block_on(id.caller_identity()).is_ok());
}

#[test]
fn cloudwatch_has_build_and_api_logs() {
    let sim = cloud(8);
    let logs = sim.cloud().logs;
    let groups = block_on(logs.describe_log_groups("/aws/lambda/")).unwrap();
    assert_eq!(groups.len(), 3);
    let now = sim.with(|s| s.now());
    let query = LogQuery {
        group: "/aws/codebuild/storefront-deploy-stg".into(),
        pattern: Some("\"Phase complete: BUILD\"".into()),
        ..LogQuery::default()
    };
    let page = block_on(logs.filter_log_events(&query)).unwrap();
    assert!(page.events.len() > 5);
    assert!(
        page.events
            .iter()
            .all(|e| e.message.contains("Phase complete: BUILD") && e.timestamp <= now)
    );
    assert!(
        page.events
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
    );
    let failed = LogQuery {
        pattern: Some("COMMAND_EXECUTION_ERROR".into()),
        ..query.clone()
    };
    let _ = block_on(logs.filter_log_events(&failed)).unwrap();
    let api = LogQuery {
        group: "/aws/lambda/storefront-api-prd".into(),
        start: Some(now - 30 * MIN),
        limit: Some(25),
        ..LogQuery::default()
    };
    let first = block_on(logs.filter_log_events(&api)).unwrap();
    assert_eq!(first.events.len(), 25);
    assert!(
        first
            .events
            .iter()
            .any(|e| e.message.starts_with("START RequestId:") || e.message.starts_with("REPORT"))
    );
    let next = LogQuery {
        next_token: first.next_token.clone(),
        ..api.clone()
    };
    let second = block_on(logs.filter_log_events(&next)).unwrap();
    assert!(
        second
            .events
            .iter()
            .all(|e| !first.events.iter().any(|f| f.event_id == e.event_id))
    );
    assert!(second.events[0].timestamp >= first.events[24].timestamp);
    let missing = LogQuery {
        group: "/aws/none".into(),
        ..LogQuery::default()
    };
    assert!(matches!(
        block_on(logs.filter_log_events(&missing)),
        Err(CloudError::NotFound { .. })
    ));
}

#[test]
fn cloudwatch_ingests_some_events_late_cuts_pages_short_and_names_a_missing_stream() {
    use shipdeck::cloud::sim::LogTiming;
    // A seed whose pages cut short include empty ones.
    let sim = cloud(1);
    let logs = sim.cloud().logs;
    let group = "/aws/lambda/timing";
    let t = sim.with(|s| {
        s.set_log_timing(LogTiming {
            late_share: 0.2,
            late_by: 5 * MIN,
            partial_pages: 0.5,
        });
        let t = s.now();
        for k in 0..40 {
            s.put_log_events(group, "s1", t + k * 1_000, 10);
        }
        s.advance(10 * MIN);
        t
    });
    // Every page, following tokens: some cut short, some empty, each with a token.
    let query = LogQuery {
        group: group.into(),
        limit: Some(50),
        ..LogQuery::default()
    };
    let (mut all, mut pages, mut partial, mut empty) = (Vec::new(), 0, 0, 0);
    let mut next = query.clone();
    loop {
        let page = block_on(logs.filter_log_events(&next)).unwrap();
        pages += 1;
        if page.next_token.is_some() && page.events.len() < 50 {
            partial += 1;
            empty += usize::from(page.events.is_empty());
        }
        all.extend(page.events);
        match page.next_token {
            Some(t) => next.next_token = Some(t),
            None => break,
        }
    }
    assert!(
        partial > 0 && empty > 0,
        "{partial} partial pages, {empty} empty"
    );
    assert!(pages > 400 / 50, "{pages} pages");
    assert_eq!(all.len(), 400, "the pages cut short lose nothing");
    assert!(all.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    // Some events were ingested minutes after their time, none past five minutes.
    let lags: Vec<i64> = all
        .iter()
        .map(|e| e.ingestion_time.since(e.timestamp))
        .collect();
    assert!(lags.iter().all(|&l| (300..=5 * MIN).contains(&l)));
    let late = lags.iter().filter(|&&l| l > 3_000).count();
    assert!((40..=120).contains(&late), "{late} of 400 late");
    assert!(lags.iter().any(|&l| l > MIN));
    // A stream exists from its first event's ingestion on: asked for before, it is not found.
    sim.with(|s| s.ingest_log_event(group, "s2", t + 60_000, t + 630_000, "late"));
    let s2 = LogQuery {
        streams: vec!["s2".into()],
        ..LogQuery::default()
    };
    let missing = block_on(logs.filter_log_events(&LogQuery {
        group: group.into(),
        ..s2.clone()
    }));
    assert_eq!(
        missing.err().map(|e| e.to_string()).as_deref(),
        Some("log stream not found: s2 in /aws/lambda/timing"),
        "a stream that has no event ingested yet does not exist"
    );
    sim.with(|s| s.advance(MIN));
    let page = block_on(logs.filter_log_events(&LogQuery {
        group: group.into(),
        ..s2
    }))
    .unwrap();
    assert_eq!(page.events.len(), 1);
}

#[test]
fn distributions_mirror_the_environments() {
    let sim = cloud(1);
    let cdn = sim.cloud().cdn;
    let d = block_on(cdn.get_distribution("E2PRDSTOREFRNT")).unwrap();
    assert_eq!(d.aliases, vec!["www.storefront.example.com".to_string()]);
    assert_eq!(d.status, "Deployed");
    assert!(d.enabled && d.domain_name.ends_with(".cloudfront.net"));
    assert_eq!(
        d.logging_bucket.as_deref(),
        Some("storefront-cloudfront-logs.s3.amazonaws.com")
    );
    assert_eq!(d.logging_prefix.as_deref(), Some("cloudfront/prd/"));
    assert_eq!(block_on(cdn.list_distributions()).unwrap().len(), 3);
    assert!(block_on(cdn.get_distribution("E404")).is_err());
}
