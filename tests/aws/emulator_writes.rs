//! The mutating ports against the local AWS emulator: release packages put with checksums and
//! `If-None-Match`, multipart uploads, copies that keep metadata, CloudFront invalidations.

use crate::support::emulator;

use emulator::{connect, unique};
use sha2::{Digest, Sha256};
use shipdeck::cloud::{CloudError, InvalidationStatus, PutRequest};
use std::collections::BTreeMap;

const SUMMARY_KEY: &str = "codepipeline-artifact-revision-summary";
/// S3's smallest part but the last.
const PART: usize = 5 * 1024 * 1024;

fn package(bucket: &str, key: &str, body: &[u8]) -> PutRequest {
    let metadata: BTreeMap<String, String> = [(
        SUMMARY_KEY.to_string(),
        "Release 1.4.2 (commit 9f1c2ab) by carol".to_string(),
    )]
    .into_iter()
    .collect();
    PutRequest {
        bucket: bucket.into(),
        key: key.into(),
        body: body.to_vec(),
        metadata,
        content_type: Some("application/zip".into()),
        sha256: None,
        if_none_match: true,
    }
}

async fn versioned_bucket(c: &shipdeck::cloud::aws::AwsClients) -> String {
    let bucket = unique("storefront-deployer-source");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let on = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    c.s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(on)
        .send()
        .await
        .unwrap();
    bucket
}

#[tokio::test]
async fn put_object_keeps_metadata_checks_the_checksum_and_refuses_overwrites() {
    let (aws, c, _) = connect().await;
    let s = aws.cloud().storage;
    let bucket = versioned_bucket(&c).await;
    let key = "releases/1.4.2/release.zip";
    let req = package(&bucket, key, b"PK release 1.4.2");
    let put = s.put_object(&req).await.unwrap();
    assert!(put.version_id.is_some(), "versioned bucket");
    assert!(!put.etag.is_empty());
    let head = s.head_object(&bucket, key).await.unwrap();
    assert_eq!(head.version_id, put.version_id);
    assert_eq!(
        head.metadata.get(SUMMARY_KEY).map(String::as_str),
        Some("Release 1.4.2 (commit 9f1c2ab) by carol")
    );
    let err = s.put_object(&req).await.unwrap_err();
    assert_eq!(
        err,
        CloudError::AlreadyExists {
            kind: "key".into(),
            name: format!("s3://{bucket}/{key}"),
        }
    );
    assert_eq!(
        s.get_object(&bucket, key).await.unwrap(),
        b"PK release 1.4.2"
    );
    // The body's own SHA-256 is accepted (the emulator stores checksums without checking them;
    // a mismatch is S3's `BadDigest`, kept as a rejection with that code).
    let body = b"PK release 1.4.3".to_vec();
    let checked = PutRequest {
        key: "releases/1.4.3/release.zip".into(),
        sha256: Some(aws_smithy_types::base64::encode(Sha256::digest(&body))),
        body,
        ..req.clone()
    };
    s.put_object(&checked).await.unwrap();
    let missing = PutRequest {
        bucket: unique("no-such-bucket"),
        ..req
    };
    let err = s.put_object(&missing).await.unwrap_err();
    assert!(
        matches!(&err, CloudError::NotFound { kind, .. } if kind == "bucket"),
        "{err:?}"
    );
}

#[tokio::test]
async fn multipart_upload_assembles_the_parts_and_abort_forgets_them() {
    let (aws, c, _) = connect().await;
    let s = aws.cloud().storage;
    let bucket = versioned_bucket(&c).await;
    let key = "releases/2.0.0/release.zip";
    let req = package(&bucket, key, b"");
    let id = s.create_multipart(&req).await.unwrap();
    assert!(!id.is_empty());
    let first = vec![b'a'; PART];
    let p1 = s
        .upload_part(&bucket, key, &id, 1, first.clone())
        .await
        .unwrap();
    let p2 = s
        .upload_part(&bucket, key, &id, 2, b"tail".to_vec())
        .await
        .unwrap();
    assert!(p1.sha256.is_some(), "S3 returns the part checksum");
    let done = s
        .complete_multipart(&bucket, key, &id, &[p1, p2], true)
        .await
        .unwrap();
    assert!(done.version_id.is_some());
    let body = s.get_object(&bucket, key).await.unwrap();
    assert_eq!(body.len(), PART + 4);
    assert_eq!(&body[PART..], b"tail");
    let head = s.head_object(&bucket, key).await.unwrap();
    assert!(head.metadata.contains_key(SUMMARY_KEY));

    let id = s.create_multipart(&req).await.unwrap();
    let p = s
        .upload_part(&bucket, key, &id, 1, b"x".to_vec())
        .await
        .unwrap();
    s.abort_multipart(&bucket, key, &id).await.unwrap();
    // S3 answers NoSuchUpload for an aborted upload; the emulator answers HTTP 500 (mapped in
    // `codes.rs`' unit tests). Either way the parts are gone and nothing was written.
    let err = s
        .complete_multipart(&bucket, key, &id, &[p], false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CloudError::NotFound { .. } | CloudError::Server { .. }),
        "{err:?}"
    );
    assert_eq!(s.get_object(&bucket, key).await.unwrap().len(), PART + 4);
}

/// The versions of the source key, newest first (not those of the keys it prefixes), and one
/// version's metadata read by its id: what a V2 release pins its start to.
#[tokio::test]
async fn a_keys_versions_are_listed_newest_first_and_read_by_id() {
    let (aws, c, _) = connect().await;
    let s = aws.cloud().storage;
    let bucket = versioned_bucket(&c).await;
    let key = "stg/release.zip";
    let mut written = Vec::new();
    for body in [&b"PK one"[..], b"PK two", b"PK three"] {
        let mut put = package(&bucket, key, body);
        put.if_none_match = false;
        written.push(s.put_object(&put).await.unwrap().version_id.unwrap());
    }
    s.put_object(&package(&bucket, "stg/release.zip.bak", b"PK other"))
        .await
        .unwrap();
    let versions = s.list_object_versions(&bucket, key, 10).await.unwrap();
    let ids: Vec<&str> = versions.iter().map(|v| v.version_id.as_str()).collect();
    let newest_first: Vec<&str> = written.iter().rev().map(String::as_str).collect();
    assert_eq!(ids, newest_first);
    assert!(versions[0].is_latest && !versions[1].is_latest);
    assert!(versions.iter().all(|v| v.info.key == key));
    assert_eq!(
        s.list_object_versions(&bucket, key, 2).await.unwrap().len(),
        2
    );
    let first = s
        .head_object_version(&bucket, key, &written[0])
        .await
        .unwrap();
    assert_eq!(first.version_id.as_deref(), Some(written[0].as_str()));
    assert_eq!(first.info.size, 6);
    assert_eq!(
        first.metadata.get(SUMMARY_KEY).map(String::as_str),
        Some("Release 1.4.2 (commit 9f1c2ab) by carol")
    );
}

#[tokio::test]
async fn copy_object_keeps_the_metadata_and_names_a_missing_source() {
    let (aws, c, _) = connect().await;
    let s = aws.cloud().storage;
    let bucket = versioned_bucket(&c).await;
    let from = "releases/1.4.2 rc/release+1.zip";
    s.put_object(&package(&bucket, from, b"PK 1.4.2"))
        .await
        .unwrap();
    let copied = s
        .copy_object(&bucket, from, &bucket, "stg/release.zip")
        .await
        .unwrap();
    assert!(copied.version_id.is_some());
    let head = s.head_object(&bucket, "stg/release.zip").await.unwrap();
    assert_eq!(head.version_id, copied.version_id);
    assert_eq!(
        head.metadata.get(SUMMARY_KEY).map(String::as_str),
        Some("Release 1.4.2 (commit 9f1c2ab) by carol")
    );
    assert_eq!(
        s.get_object(&bucket, "stg/release.zip").await.unwrap(),
        b"PK 1.4.2"
    );
    let err = s
        .copy_object(
            &bucket,
            "releases/0.0.0/release.zip",
            &bucket,
            "stg/release.zip",
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("key not found: s3://{bucket}/releases/0.0.0/release.zip")
    );
}

#[tokio::test]
async fn invalidations_are_created_read_back_and_idempotent() {
    let (aws, c, _) = connect().await;
    let cdn = aws.cloud().cdn;
    let logs = unique("storefront-cloudfront-logs");
    c.s3.create_bucket().bucket(&logs).send().await.unwrap();
    let dist = emulator::create_distribution(&c, &logs, "cf/", "www.storefront.example.com").await;
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    let reference = unique("release-1.4.2");
    let inv = cdn
        .create_invalidation(&dist, &paths, &reference)
        .await
        .unwrap();
    assert!(!inv.id.is_empty());
    assert_eq!(inv.paths, paths);
    let got = cdn.get_invalidation(&dist, &inv.id).await.unwrap();
    assert_eq!(got.id, inv.id);
    assert_eq!(got.paths, paths);
    assert!(matches!(
        got.status,
        InvalidationStatus::InProgress | InvalidationStatus::Completed
    ));
    let err = cdn.get_invalidation(&dist, "INOSUCHID").await.unwrap_err();
    assert_eq!(err.to_string(), "invalidation not found: INOSUCHID");
    let err = cdn
        .create_invalidation("E0NOSUCHDIST", &paths, &reference)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "distribution not found: E0NOSUCHDIST");
}

/// `ListInvalidations` gives every invalidation of the distribution with its id, status and
/// creation time (the Traffic charts' markers), page after page.
#[tokio::test]
async fn invalidations_are_listed_with_their_creation_times() {
    let (aws, c, _) = connect().await;
    let cdn = aws.cloud().cdn;
    let logs = unique("storefront-cloudfront-logs");
    c.s3.create_bucket().bucket(&logs).send().await.unwrap();
    let dist = emulator::create_distribution(&c, &logs, "cf/", "www.storefront.example.com").await;
    let mut made = Vec::new();
    for n in 0..3 {
        let paths = vec![format!("/page-{n}.html")];
        let inv = cdn
            .create_invalidation(&dist, &paths, &unique(&format!("inv-{n}")))
            .await
            .unwrap();
        made.push(inv);
    }
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..10 {
        let page = cdn
            .list_invalidations(&dist, marker.as_deref(), 2)
            .await
            .unwrap();
        listed.extend(page.items);
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    assert!(marker.is_none(), "the listing ends");
    let mut ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    let mut want: Vec<&str> = made.iter().map(|i| i.id.as_str()).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
    for i in &listed {
        let m = made.iter().find(|m| m.id == i.id).unwrap();
        assert_eq!(i.created, m.created, "{}", i.id);
        assert!(matches!(
            i.status,
            InvalidationStatus::InProgress | InvalidationStatus::Completed
        ));
    }
    // moto 5.2.5 lists no invalidations for a distribution that does not exist, where CloudFront
    // answers NoSuchDistribution: the simulator's test covers that answer.
}

/// The fixture of the catalogue test: 34 packages named by their version with metadata, a
/// package named `app-2.0.0.zip` without metadata, one whose version is only in its metadata, a
/// README and a folder marker.
fn shelf(bucket: &str, prefix: &str) -> Vec<PutRequest> {
    let put = |key: String, metadata: &[(&str, String)]| PutRequest {
        bucket: bucket.into(),
        key,
        body: b"PK package".to_vec(),
        metadata: metadata
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        content_type: None,
        sha256: None,
        if_none_match: true,
    };
    let mut puts: Vec<PutRequest> = (0..34)
        .map(|n| {
            let v = format!("1.0.{n}");
            let meta = [
                ("version", v.clone()),
                ("commit", format!("c{n:06}")),
                ("actor", "alice".into()),
            ];
            put(format!("{prefix}{v}/release.zip"), &meta)
        })
        .collect();
    puts.push(put(format!("{prefix}app-2.0.0.zip"), &[]));
    let built = [("version", "1.9.0".to_string()), ("actor", "bob".into())];
    puts.push(put(format!("{prefix}build-7.zip"), &built));
    puts.push(put(format!("{prefix}README.txt"), &[]));
    puts.push(put(prefix.to_string(), &[]));
    puts
}

/// Every page of a listing: its keys and whether it was truncated.
async fn pages(
    s: &dyn shipdeck::cloud::Storage,
    bucket: &str,
    prefix: &str,
    after: Option<&str>,
    max: usize,
) -> Vec<(Vec<String>, bool)> {
    let (mut out, mut token) = (Vec::new(), None::<String>);
    loop {
        let page = s
            .list_objects(bucket, prefix, after, token.as_deref(), max)
            .await
            .unwrap();
        out.push((
            page.objects.into_iter().map(|o| o.key).collect(),
            page.next_token.is_some(),
        ));
        token = page.next_token;
        if token.is_none() {
            return out;
        }
    }
}

#[tokio::test]
async fn the_catalogue_pages_through_the_emulator_as_through_the_simulator() {
    use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
    use shipdeck::domain::Version;
    use shipdeck::ops::plan::release::{self, Limits};
    let (aws, c, _) = connect().await;
    let bucket = unique("storefront-deployer-source");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
    let sim_bucket = "storefront-deployer-source";
    let prefix = "shelf/";
    let (emu, simulated) = (aws.cloud(), sim.cloud());
    for req in shelf(&bucket, prefix) {
        emu.storage.put_object(&req).await.unwrap();
    }
    for req in shelf(sim_bucket, prefix) {
        simulated.storage.put_object(&req).await.unwrap();
    }

    // The simulator pages like S3: the same pages, the same truncation, for every page size.
    for (after, max) in [
        (None, 1),
        (None, 4),
        (None, 36),
        (None, 37),
        (None, 1000),
        (Some("shelf/1.0.3"), 5),
        (Some("a"), 10),
        (Some("zzz"), 10),
    ] {
        let real = pages(emu.storage.as_ref(), &bucket, prefix, after, max).await;
        let modelled = pages(simulated.storage.as_ref(), sim_bucket, prefix, after, max).await;
        assert_eq!(modelled, real, "StartAfter {after:?}, MaxKeys {max}");
    }
    let empty = emu
        .storage
        .list_objects(&bucket, prefix, None, None, 0)
        .await
        .unwrap();
    assert!(empty.objects.is_empty() && empty.next_token.is_none());

    // The catalogue reads every page (MaxKeys 4: ten pages), versions from the metadata or
    // anywhere in the key name, and the oldest package when asked for it.
    let oldest = Version::new(1, 0, 0);
    let limits = Limits {
        page_keys: 4,
        ..Limits::PICKER
    };
    let read = shipdeck::ops::apply::catalogue::read(&emu, &bucket, prefix, Some(&oldest), limits)
        .await
        .unwrap();
    let modelled = shipdeck::ops::apply::catalogue::read(
        &simulated,
        sim_bucket,
        prefix,
        Some(&oldest),
        limits,
    )
    .await
    .unwrap();
    let view = |c: &release::Catalogue| -> Vec<(String, String, String, bool)> {
        c.packages
            .iter()
            .map(|p| {
                let r = &p.release;
                (
                    p.key.clone(),
                    r.version.to_string(),
                    r.commit.clone(),
                    p.described,
                )
            })
            .collect()
    };
    assert_eq!(view(&read), view(&modelled));
    assert_eq!(read.packages.len(), 36);
    assert_eq!(read.packages[0].key, "shelf/app-2.0.0.zip");
    assert_eq!(read.packages[1].key, "shelf/build-7.zip");
    assert_eq!(read.packages[1].release.version, Version::new(1, 9, 0));
    let found = read.find(&oldest).expect("the oldest package, by paging");
    assert_eq!(
        (found.key.as_str(), found.release.commit.as_str()),
        ("shelf/1.0.0/release.zip", "c000000")
    );
    assert_eq!(read.skipped, vec!["shelf/README.txt".to_string()]);
    assert_eq!(modelled.skipped, read.skipped);
    assert!(read.unread.is_empty());

    // The picker's catalogue knows every package, not only the newest thirty.
    let mut spec = demo_specs().remove(0);
    spec.source_bucket = bucket.clone();
    spec.release_prefix = prefix.into();
    let all = shipdeck::ops::apply::catalogue::catalogue(&emu, &spec)
        .await
        .unwrap();
    let versions: Vec<String> = all.iter().map(|p| p.release.version.to_string()).collect();
    assert_eq!(versions.len(), 36, "{versions:?}");
    assert!(versions.contains(&"2.0.0".to_string()) && versions.contains(&"1.0.0".to_string()));
}
