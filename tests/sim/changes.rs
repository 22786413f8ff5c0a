//! The simulator's mutating ports: uploads, copies, multipart, transitions, rollbacks,
//! invalidations, and fault injection on all of them.

use super::{DEV, MIN, cloud, code};
use futures::executor::block_on;
use shipdeck::cloud::sim::{FaultRates, MIN_PART_BYTES, SUMMARY_KEY};
use shipdeck::cloud::{CloudError, InvalidationStatus, PutRequest, TransitionChange, UploadedPart};
use shipdeck::domain::{Release, Version};

const BUCKET: &str = "storefront-deployer-source";
const DIST: &str = "E2DEVSTOREFRNT";

fn release(v: Version) -> Release {
    Release {
        version: v,
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
        actor: "carol".into(),
    }
}

fn package(key: &str, r: &Release) -> PutRequest {
    PutRequest {
        bucket: BUCKET.into(),
        key: key.into(),
        body: format!("PK release {}", r.version).into_bytes(),
        metadata: [(SUMMARY_KEY.to_string(), r.summary())]
            .into_iter()
            .collect(),
        if_none_match: true,
        ..PutRequest::default()
    }
}

#[test]
fn conditional_put_refuses_an_existing_key_and_publishes_the_release() {
    let sim = cloud(21);
    let s = sim.cloud().storage;
    let r = release(Version::new(9, 9, 9));
    let req = package("releases/9.9.9/release.zip", &r);
    let first = block_on(s.put_object(&req)).unwrap();
    assert!(first.version_id.is_some(), "the source bucket is versioned");
    assert_eq!(sim.with(|s| s.releases())[0].version, r.version);
    let again = block_on(s.put_object(&req)).unwrap_err();
    assert_eq!(
        again,
        CloudError::AlreadyExists {
            kind: "key".into(),
            name: "s3://storefront-deployer-source/releases/9.9.9/release.zip".into(),
        }
    );
    let head = block_on(s.head_object(BUCKET, &req.key)).unwrap();
    assert_eq!(head.version_id, first.version_id, "nothing was overwritten");
    assert_eq!(head.metadata.get(SUMMARY_KEY), Some(&r.summary()));
    let overwrite = PutRequest {
        if_none_match: false,
        ..req.clone()
    };
    let second = block_on(s.put_object(&overwrite)).unwrap();
    assert_ne!(second.version_id, first.version_id);
    let missing = PutRequest {
        bucket: "no-such-bucket".into(),
        ..req
    };
    let err = block_on(s.put_object(&missing)).unwrap_err();
    assert!(matches!(err, CloudError::NotFound { kind, .. } if kind == "bucket"));
}

#[test]
fn checksums_are_verified_and_returned() {
    let sim = cloud(22);
    let s = sim.cloud().storage;
    let mut req = PutRequest {
        bucket: BUCKET.into(),
        key: "notes/abc.txt".into(),
        body: b"abc".to_vec(),
        // SHA-256 of "abc" (FIPS 180-2 test vector), base64.
        sha256: Some("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=".into()),
        ..PutRequest::default()
    };
    block_on(s.put_object(&req)).unwrap();
    req.body = b"abd".to_vec();
    assert_eq!(code(block_on(s.put_object(&req)).unwrap_err()), "BadDigest");
    let id = block_on(s.create_multipart(&req)).unwrap();
    let part = block_on(s.upload_part(BUCKET, &req.key, &id, 1, b"abc".to_vec())).unwrap();
    assert_eq!(
        part.sha256.as_deref(),
        Some("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    );
}

#[test]
fn copying_a_release_to_a_source_key_starts_that_pipeline() {
    let sim = cloud(23);
    let s = sim.cloud().storage;
    let r = release(Version::new(9, 9, 10));
    let from = "releases/9.9.10/release.zip";
    block_on(s.put_object(&package(from, &r))).unwrap();
    let before = sim.with(|s| s.executions(DEV).len());
    let copied = block_on(s.copy_object(BUCKET, from, BUCKET, "dev/release.zip")).unwrap();
    let execs = sim.with(|s| s.executions(DEV));
    assert_eq!(execs.len(), before + 1);
    let newest = &execs[0];
    assert_eq!(newest.trigger.kind, "CloudWatchEvent");
    assert_eq!(newest.release().map(|r| r.version), Some(r.version.clone()));
    assert_eq!(
        Some(newest.source_revisions[0].revision_id.clone()),
        copied.version_id
    );
    let head = block_on(s.head_object(BUCKET, "dev/release.zip")).unwrap();
    assert_eq!(
        head.metadata.get(SUMMARY_KEY),
        Some(&r.summary()),
        "metadata kept"
    );
    let to_itself = block_on(s.copy_object(BUCKET, from, BUCKET, from)).unwrap_err();
    assert_eq!(code(to_itself), "InvalidRequest");
    let missing = block_on(s.copy_object(BUCKET, "releases/0.0.0/x.zip", BUCKET, "y"));
    assert!(matches!(missing, Err(CloudError::NotFound { kind, .. }) if kind == "key"));
}

#[test]
fn multipart_assembles_parts_in_order_and_checks_the_upload() {
    let sim = cloud(24);
    let s = sim.cloud().storage;
    let r = release(Version::new(9, 10, 0));
    let key = "releases/9.10.0/release.zip";
    let req = package(key, &r);
    let id = block_on(s.create_multipart(&req)).unwrap();
    let big = vec![b'a'; MIN_PART_BYTES];
    // Parts may arrive in any order; the completed list is what counts.
    let p2 = block_on(s.upload_part(BUCKET, key, &id, 2, b"tail".to_vec())).unwrap();
    let p1 = block_on(s.upload_part(BUCKET, key, &id, 1, big.clone())).unwrap();
    let bad = block_on(s.upload_part(BUCKET, key, &id, 0, vec![1])).unwrap_err();
    assert_eq!(code(bad), "InvalidArgument");
    let unordered = [p2.clone(), p1.clone()];
    let err = block_on(s.complete_multipart(BUCKET, key, &id, &unordered, true)).unwrap_err();
    assert_eq!(code(err), "InvalidPartOrder");
    let forged = UploadedPart {
        etag: "\"0\"".into(),
        ..p2.clone()
    };
    let err = block_on(s.complete_multipart(BUCKET, key, &id, &[p1.clone(), forged], true));
    assert_eq!(code(err.unwrap_err()), "InvalidPart");
    let unknown =
        block_on(s.complete_multipart(BUCKET, key, "nope", std::slice::from_ref(&p1), true));
    assert!(
        matches!(unknown, Err(CloudError::NotFound { kind, .. }) if kind == "multipart upload")
    );
    let done = block_on(s.complete_multipart(BUCKET, key, &id, &[p1, p2], true)).unwrap();
    assert!(done.etag.ends_with("-2\""), "{}", done.etag);
    let body = block_on(s.get_object(BUCKET, key)).unwrap();
    assert_eq!(body.len(), MIN_PART_BYTES + 4);
    assert_eq!(&body[..MIN_PART_BYTES], &big[..]);
    assert_eq!(&body[MIN_PART_BYTES..], b"tail");
    assert_eq!(sim.with(|s| s.open_uploads()), 0);
    assert_eq!(sim.with(|s| s.releases())[0].version, r.version);
    // A second upload of the same key: small leading parts and existing keys are refused.
    let id = block_on(s.create_multipart(&req)).unwrap();
    let a = block_on(s.upload_part(BUCKET, key, &id, 1, b"small".to_vec())).unwrap();
    let b = block_on(s.upload_part(BUCKET, key, &id, 2, b"end".to_vec())).unwrap();
    let small = block_on(s.complete_multipart(BUCKET, key, &id, &[a.clone(), b], true));
    assert_eq!(code(small.unwrap_err()), "EntityTooSmall");
    let exists = block_on(s.complete_multipart(BUCKET, key, &id, &[a], true)).unwrap_err();
    assert!(
        matches!(exists, CloudError::AlreadyExists { .. }),
        "{exists:?}"
    );
    block_on(s.abort_multipart(BUCKET, key, &id)).unwrap();
    let gone = block_on(s.upload_part(BUCKET, key, &id, 3, vec![1])).unwrap_err();
    assert!(matches!(gone, CloudError::NotFound { .. }));
    assert!(block_on(s.abort_multipart(BUCKET, key, &id)).is_err());
}

#[test]
fn invalidations_complete_later_and_are_idempotent_per_reference() {
    let sim = cloud(27);
    let c = sim.cloud().cdn;
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    let inv = block_on(c.create_invalidation(DIST, &paths, "release-9.9.9")).unwrap();
    assert_eq!(inv.status, InvalidationStatus::InProgress);
    assert_eq!(inv.paths, paths);
    assert_eq!(inv.created, sim.with(|s| s.now()));
    let d = block_on(c.get_distribution(DIST)).unwrap();
    assert!(d.in_progress_invalidations >= 1);
    let reordered = vec![paths[1].clone(), paths[0].clone()];
    let same = block_on(c.create_invalidation(DIST, &reordered, "release-9.9.9")).unwrap();
    assert_eq!(
        same.id, inv.id,
        "same reference and paths: same invalidation"
    );
    let other = block_on(c.create_invalidation(DIST, &["/*".into()], "release-9.9.9"));
    assert_eq!(code(other.unwrap_err()), "InvalidationBatchAlreadyExists");
    let relative = block_on(c.create_invalidation(DIST, &["index.html".into()], "r2"));
    assert_eq!(code(relative.unwrap_err()), "InvalidArgument");
    let nodist = block_on(c.create_invalidation("E0NOPE", &paths, "r3")).unwrap_err();
    assert!(matches!(nodist, CloudError::NotFound { kind, .. } if kind == "distribution"));
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(block_on(c.get_invalidation(DIST, &inv.id)).unwrap().status);
        sim.with(|s| s.advance(MIN));
    }
    assert_eq!(seen[0], InvalidationStatus::InProgress);
    assert_eq!(seen[3], InvalidationStatus::Completed, "{seen:?}");
    let missing = block_on(c.get_invalidation(DIST, "INOPE")).unwrap_err();
    assert!(matches!(missing, CloudError::NotFound { kind, .. } if kind == "invalidation"));
    let wild: Vec<String> = (0..16).map(|i| format!("/p{i}/*")).collect();
    let many = block_on(c.create_invalidation(DIST, &wild, "r4")).unwrap_err();
    assert_eq!(code(many), "TooManyInvalidationsInProgress");
}

#[test]
fn faults_apply_to_the_mutating_calls_and_nothing_happens() {
    let sim = cloud(28);
    let cl = sim.cloud();
    sim.with(|s| {
        s.set_faults(FaultRates {
            throttle: 1.0,
            ..FaultRates::none()
        })
    });
    let r = release(Version::new(9, 11, 0));
    let req = package("releases/9.11.0/release.zip", &r);
    let err = block_on(cl.storage.put_object(&req)).unwrap_err();
    assert!(err.is_throttle());
    let err = block_on(cl.cdn.create_invalidation(DIST, &["/*".into()], "f")).unwrap_err();
    assert!(err.is_throttle());
    let hold = TransitionChange::Disable {
        reason: "freeze".into(),
    };
    assert!(block_on(cl.pipelines.set_inbound_transition(DEV, "Deploy", &hold)).is_err());
    let stats = sim.with(|s| s.stats());
    for op in ["PutObject", "CreateInvalidation", "DisableStageTransition"] {
        assert_eq!(stats.calls.get(op), Some(&1), "{op}");
        assert_eq!(stats.served.get(op), None, "{op} never reached the service");
    }
    sim.with(|s| s.set_faults(FaultRates::none()));
    assert!(block_on(cl.storage.head_object(BUCKET, &req.key)).is_err());
    assert!(sim.with(|s| s.invalidations(DIST)).is_empty());
    block_on(cl.storage.put_object(&req)).unwrap();
    assert_eq!(sim.with(|s| s.stats()).served.get("PutObject"), Some(&1));
}
