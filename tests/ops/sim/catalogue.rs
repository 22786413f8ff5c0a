//! The release catalogue against the simulator: every page of the prefix, a version however
//! old, versions from the metadata or anywhere in the key name, keys without one kept as
//! skipped, and the metadata read only where it is needed.

use super::*;
use crate::support::COPY;
use shipdeck::cloud::PutRequest;
use shipdeck::domain::Version;
use shipdeck::ops::plan::release::{self, Limits};
use std::collections::BTreeMap;

const BUCKET: &str = "storefront-deployer-source";

fn v(text: &str) -> Version {
    Version::parse(text).unwrap()
}

async fn put(w: &World, key: &str, metadata: &[(&str, &str)]) {
    let req = PutRequest {
        bucket: BUCKET.into(),
        key: key.into(),
        body: format!("PK {key}").into_bytes(),
        metadata: metadata
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        content_type: Some("application/zip".into()),
        sha256: None,
        if_none_match: true,
    };
    w.sim.cloud().storage.put_object(&req).await.unwrap();
}

#[tokio::test]
async fn a_version_older_than_the_newest_thirty_is_found_by_paging() {
    let w = world();
    let prd = w.held("prd");
    // A release more than thirty releases old.
    let truth = w
        .sim
        .with(|s| s.releases())
        .into_iter()
        .nth(35)
        .expect("the demo has published more than 35 releases");
    let wanted = truth.version.to_string();
    let cloud = w.counting.cloud();
    let all = shipdeck::ops::apply::catalogue::catalogue(&cloud, &prd.spec)
        .await
        .unwrap();
    assert!(all.len() > 30, "{} packages", all.len());
    assert!(
        all.iter().any(|p| p.release.version == truth.version),
        "the catalogue knows every package, not only the newest thirty"
    );

    let (lists, heads) = (w.count("ListObjectsV2"), w.count("HeadObject"));
    let limits = Limits {
        page_keys: 7,
        ..Limits::LOOKUP
    };
    let c = shipdeck::ops::apply::catalogue::read(
        &cloud,
        BUCKET,
        "releases/",
        Some(&truth.version),
        limits,
    )
    .await
    .unwrap();
    assert_eq!(
        c.packages.len(),
        all.len(),
        "every package under the prefix"
    );
    assert_eq!(
        w.count("ListObjectsV2") - lists,
        all.len().div_ceil(7) as u64,
        "one ListObjectsV2 a page of 7"
    );
    assert_eq!(
        w.count("HeadObject") - heads,
        1,
        "the metadata of the one package asked for"
    );
    let p = c.find(&truth.version).expect("found");
    assert_eq!(p.key, format!("releases/{wanted}/release.zip"));
    assert_eq!(
        p.release, truth,
        "version, commit and actor from the metadata"
    );
    let plan = prd
        .plan(OPERATOR, |ctx, d| {
            release::plan_promote(ctx, d, &c.packages, &wanted, COPY, "tok-release")
        })
        .unwrap();
    assert!(
        plan.summary.iter().any(|l| l.contains(&format!(
            "would ship:    {wanted} (commit {}",
            &truth.commit[..7]
        ))),
        "{:?}",
        plan.summary
    );
    let missing = prd
        .plan(OPERATOR, |ctx, d| {
            release::plan_promote(ctx, d, &c.packages, "0.9.99", COPY, "tok-release")
        })
        .unwrap_err();
    assert!(
        missing.reason.starts_with(&format!(
            "no package of version 0.9.99 among {} packages under \
             s3://{BUCKET}/releases/; newest: ",
            all.len()
        )),
        "{}",
        missing.reason
    );
}

#[tokio::test]
async fn versions_come_from_the_metadata_else_anywhere_in_the_key_name() {
    let w = world();
    let dev = w.held("dev");
    put(&w, "releases/storefront-99.1.0.zip", &[]).await;
    let build = [
        ("version", "99.0.5"),
        ("commit", "c0ffee1"),
        ("actor", "erin"),
    ];
    put(&w, "releases/build-417.zip", &build).await;
    // The metadata wins over a version in the name.
    put(&w, "releases/app-99.9.9.zip", &[("version", "99.0.6")]).await;
    put(&w, "releases/README.txt", &[]).await;
    put(&w, "releases/", &[]).await;

    let cloud = w.counting.cloud();
    let all = shipdeck::ops::apply::catalogue::catalogue(&cloud, &dev.spec)
        .await
        .unwrap();
    let version_of = |key: &str| {
        all.iter()
            .find(|p| p.key == key)
            .map(|p| p.release.version.to_string())
    };
    assert_eq!(
        version_of("releases/storefront-99.1.0.zip").as_deref(),
        Some("99.1.0")
    );
    assert_eq!(
        version_of("releases/build-417.zip").as_deref(),
        Some("99.0.5")
    );
    assert_eq!(
        version_of("releases/app-99.9.9.zip").as_deref(),
        Some("99.0.6")
    );
    assert_eq!(version_of("releases/README.txt"), None);
    assert_eq!(all[0].key, "releases/storefront-99.1.0.zip", "newest first");
    let built = all
        .iter()
        .find(|p| p.release.version == v("99.0.5"))
        .unwrap();
    assert_eq!(
        (built.release.commit.as_str(), built.release.actor.as_str()),
        ("c0ffee1", "erin")
    );

    let c =
        shipdeck::ops::apply::catalogue::read(&cloud, BUCKET, "releases/", None, Limits::LOOKUP)
            .await
            .unwrap();
    assert_eq!(c.skipped, vec!["releases/README.txt".to_string()]);
    assert!(c.unread.is_empty());
    assert!(
        c.not_found(&v("99.0.9")).ends_with(
            "; skipped 1 key with no version in the name or metadata: releases/README.txt"
        ),
        "{}",
        c.not_found(&v("99.0.9"))
    );

    // Every minute (the environments view) nothing but the listing: unnamed keys are unread.
    let heads = w.count("HeadObject");
    let names =
        shipdeck::ops::apply::catalogue::read(&cloud, BUCKET, "releases/", None, Limits::NAMES)
            .await
            .unwrap();
    assert_eq!(w.count("HeadObject"), heads, "no HeadObject");
    assert_eq!(
        names.unread,
        vec![
            "releases/README.txt".to_string(),
            "releases/build-417.zip".to_string()
        ]
    );
    assert!(
        names
            .packages
            .iter()
            .any(|p| p.key == "releases/storefront-99.1.0.zip"),
        "a version in the name needs no metadata"
    );
}

#[tokio::test]
async fn a_failed_listing_is_an_error_never_an_empty_catalogue() {
    let w = world();
    let mut spec = w.held("dev").spec;
    spec.source_bucket = "no-such-bucket".into();
    let err = shipdeck::ops::apply::catalogue::catalogue(&w.sim.cloud(), &spec)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, shipdeck::cloud::CloudError::NotFound { kind, .. } if kind == "bucket"),
        "{err}"
    );
}
